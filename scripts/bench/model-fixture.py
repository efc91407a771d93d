#!/usr/bin/env python3
"""A scripted OpenAI-compatible model for the tasks benchmark: answers every chat completion after DELAY seconds
(0 = at once) with a fixed plan (calculator + clock) for the planner's call and a passing verdict for the judge's.

    model-fixture.py PORT DELAY_S nginx-conf DIR   write DIR/nginx.conf for the zero-latency case (nginx answers)
    model-fixture.py PORT DELAY_S serve            serve with asyncio (used for the delayed model: 1,000 waiting calls)

nginx cannot read a request body before it answers, so it tells the planner's call from the judge's by size: the
planner's request carries the whole tool catalogue (over 4 kB), the judge's only the rubric and the results.
The benchmark checks the routing: every run must end with planner "llm" and verification method "llm".
"""
import asyncio, json, sys

from nginx_fixture import quote, write_conf

USAGE = {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}
PLAN = {"steps": [
    {"id": "s1", "tool": "calculator", "arguments": {"expression": "2340 * 17.5 / 100"}, "depends_on": [], "purpose": "17.5% of 2,340"},
    {"id": "s2", "tool": "clock", "arguments": {"operation": "now", "time_zone": "Asia/Tokyo"}, "depends_on": [], "purpose": "time in Tokyo"},
]}
VERDICT = {"verdict": "pass", "reasons": ["both parts are answered by the tool results"]}


def completion(content):
    return json.dumps({"id": "chatcmpl-bench", "object": "chat.completion", "created": 1, "model": "bench",
                       "choices": [{"index": 0, "message": {"role": "assistant", "content": json.dumps(content)}, "finish_reason": "stop"}],
                       "usage": USAGE}, separators=(",", ":"))


def nginx_conf(port, work):
    write_conf(work, port, http_extra=f"""\
  client_body_buffer_size 64k;
  map $content_length $reply {{
    "~^[0-9]{{1,3}}$" {quote(completion(VERDICT))};
    "~^[0-3][0-9]{{3}}$" {quote(completion(VERDICT))};
    default {quote(completion(PLAN))};
  }}
""", locations="""\
    location = /v1/chat/completions { default_type application/json; return 200 $reply; }
""")


async def serve(port, delay):
    async def handle(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
                body = await reader.readexactly(length)
                if delay:
                    await asyncio.sleep(delay)
                reply = completion(VERDICT if b'"verdict"' in body else PLAN).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(reply) + reply)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    port, delay, mode = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    if mode == "nginx-conf":
        nginx_conf(port, sys.argv[4])
    else:
        asyncio.run(serve(port, delay))
