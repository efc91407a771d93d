"""What the benchmarks' nginx upstreams share: one worker answering from memory, no access log, connections kept."""


def quote(text):
    """`text` as an nginx string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_conf(work, port, locations, http_extra="", modules=()):
    """Writes WORK/nginx.conf: `locations` (and `http_extra`, directives of the http block) served on 127.0.0.1:PORT."""
    load = "".join(f"load_module {module};\n" for module in modules)
    with open(f"{work}/nginx.conf", "w") as f:
        f.write(f"""{load}worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 10000000;
{http_extra}  server {{
    listen 127.0.0.1:{port};
{locations}  }}
}}
""")
