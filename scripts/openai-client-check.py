#!/usr/bin/env python3
"""Checks that the official `openai` Python package, unmodified, works against a running Concierge gateway.

    pip install openai
    python3 scripts/openai-client-check.py [BASE_URL]      # default http://127.0.0.1:8080/v1

Runs a plain completion, a streamed completion (with usage), a completion offering a tool, a streamed completion
offering a tool, `GET /v1/models`, and an error (unknown model). Checks structure only, never wording: it must pass
against the tiny offline model. Exits non-zero on the first failure.
"""
import json
import os
import sys

import openai
from openai import OpenAI

base_url = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CONCIERGE_URL", "http://127.0.0.1:8080/v1")
model = os.environ.get("CONCIERGE_CHECK_MODEL", "default")
client = OpenAI(base_url=base_url, api_key=os.environ.get("CONCIERGE_API_KEY", "unused"), max_retries=0, timeout=120)

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def check(name, condition, detail=""):
    if not condition:
        print(f"FAIL {name} {detail}")
        sys.exit(1)
    print(f"ok   {name}")


models = client.models.list()
ids = [m.id for m in models.data]
check("models.list includes the model", model in ids, str(ids))

plain = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "Say hello."}], max_tokens=16)
check("plain: one choice with text", len(plain.choices) == 1 and isinstance(plain.choices[0].message.content, str))
check("plain: usage counted", plain.usage is not None and plain.usage.prompt_tokens > 0 and plain.usage.total_tokens >= plain.usage.prompt_tokens)
check("plain: finish reason", plain.choices[0].finish_reason in ("stop", "length"))

chunks = list(client.chat.completions.create(
    model=model, messages=[{"role": "user", "content": "Count to three."}], max_tokens=16,
    stream=True, stream_options={"include_usage": True},
))
text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
usage = [c.usage for c in chunks if c.usage is not None]
check("stream: chunks arrive", len(chunks) >= 2, f"{len(chunks)} chunks")
check("stream: text assembled", isinstance(text, str))
check("stream: one finish reason", len(finishes) == 1, str(finishes))
check("stream: usage in the final chunk", len(usage) == 1 and usage[0].prompt_tokens > 0)

tooled = client.chat.completions.create(
    model=model, messages=[{"role": "user", "content": "What is the weather in Paris? Use the tool."}],
    tools=[WEATHER], tool_choice="required", max_tokens=64,
)
message = tooled.choices[0].message
check("tools: answer is a tool call or text", bool(message.tool_calls) or message.content is not None)
if message.tool_calls:
    call = message.tool_calls[0]
    check("tools: call names the offered tool", call.function.name == "get_weather", call.function.name)
    check("tools: arguments are JSON", isinstance(json.loads(call.function.arguments), dict), call.function.arguments)
    check("tools: finish reason tool_calls", tooled.choices[0].finish_reason == "tool_calls")

streamed_calls = {}
for chunk in client.chat.completions.create(
    model=model, messages=[{"role": "user", "content": "Weather in Oslo? Use the tool."}],
    tools=[WEATHER], tool_choice="required", max_tokens=64, stream=True,
):
    for delta in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
        entry = streamed_calls.setdefault(delta.index, {"name": "", "arguments": ""})
        entry["name"] += (delta.function.name or "") if delta.function else ""
        entry["arguments"] += (delta.function.arguments or "") if delta.function else ""
for entry in streamed_calls.values():
    check("tools (stream): call names the offered tool", entry["name"] == "get_weather", entry["name"])
    check("tools (stream): arguments are JSON", isinstance(json.loads(entry["arguments"]), dict), entry["arguments"])
check("tools (stream): completed", True)

try:
    client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "x"}])
    check("errors: unknown model raises", False)
except openai.NotFoundError as error:
    check("errors: unknown model is a 404 in OpenAI's shape", error.status_code == 404 and error.code == "model_not_found", str(error.body))

print("openai client check passed")
