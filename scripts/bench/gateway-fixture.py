#!/usr/bin/env python3
"""The gateway benchmarks' upstream: writes WORK/nginx.conf for an nginx answering Chat Completions from memory.

    gateway-fixture.py WORK PORT ECHO_MODULE

Four routes, each a fixed answer: /plain and /stream at once, /plain-10ms and /stream-10ms after 10 ms (echo_sleep,
from libnginx-mod-http-echo). Plain is one chat.completion; streamed is 12 SSE events (role, nine content deltas,
finish, usage) and [DONE], as OpenAI sends them with stream_options.include_usage.
"""
import json, sys

from nginx_fixture import quote, write_conf

work, port, echo_module = sys.argv[1], sys.argv[2], sys.argv[3]
usage = {"prompt_tokens": 12, "completion_tokens": 9, "total_tokens": 21}
plain = json.dumps({"id": "chatcmpl-bench", "object": "chat.completion", "created": 1, "model": "bench",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello! How can I help you today?"}, "finish_reason": "stop"}],
    "usage": usage}, separators=(",", ":"))


def chunk(delta, finish=None, choices=True, extra=None):
    body = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "bench",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}] if choices else []}
    body.update(extra or {})
    return "data: " + json.dumps(body, separators=(",", ":")) + "\n\n"


stream = chunk({"role": "assistant", "content": ""})
stream += "".join(chunk({"content": w}) for w in ["Hello", "!", " How", " can", " I", " help", " you", " today", "?"])
stream += chunk({}, "stop") + chunk(None, choices=False, extra={"usage": usage}) + "data: [DONE]\n\n"
write_conf(work, port, modules=[echo_module], locations=f"""\
    location = /plain/v1/chat/completions {{ default_type application/json; return 200 {quote(plain)}; }}
    location = /stream/v1/chat/completions {{ default_type text/event-stream; return 200 {quote(stream)}; }}
    location = /plain-10ms/v1/chat/completions {{ default_type application/json; echo_sleep 0.01; echo -n {quote(plain)}; }}
    location = /stream-10ms/v1/chat/completions {{ default_type text/event-stream; echo_sleep 0.01; echo -n {quote(stream)}; }}
""")
