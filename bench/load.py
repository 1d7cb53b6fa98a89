"""A bounded mixed load on loopback: N connections writing ballots and reading rankings for a
fixed time against `consulta serve` with several workers; reports throughput, p50/p99 latency
and the non-2xx count, which must be zero.

    python -m bench.load [--seconds 20] [--connections 64] [--workers 2] [--database URL]
"""

import argparse
import tempfile
from pathlib import Path

from bench import server

MIXED = """
tokens = {%(tokens)s}
topics = {%(topics)s}
counter = 0
request = function()
  counter = counter + 1
  if counter %% 5 == 0 then
    return wrk.format("GET", "/api/v1/consultations/bench/ranking?method=balanced")
  end
  local token = tokens[(counter %% #tokens) + 1]
  local topic = topics[math.random(#topics)]
  return wrk.format("PUT", "/api/v1/consultations/bench/ballot/" .. topic, {
    ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"},
    '{"score":' .. math.random(1, 5) .. '}')
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'load.db'}"
        port = server.free_port()
        base = f"http://127.0.0.1:{port}"
        command = [server.CONSULTA, "serve", "--port", str(port), "--workers", str(args.workers)]
        with server.process(command, server.environment(url), f"{base}/healthz"):
            tokens, topics = server.arrange(base, url)
            script = Path(folder) / "mixed.lua"
            script.write_text(
                MIXED
                % {
                    "tokens": ",".join(f'"{t}"' for t in tokens),
                    "topics": ",".join(map(str, topics)),
                }
            )
            load = server.wrk(base, script, args.seconds, args.connections)
    print(
        f"{args.connections} connections, {args.workers} workers, {args.seconds} s: "
        f"{load.rps:.0f} req/s, p50 {load.p50_ms:.1f} ms, p99 {load.p99_ms:.1f} ms, "
        f"{load.requests} requests, non-2xx {load.non_2xx}, socket errors {load.errors}"
    )
    if load.non_2xx or load.errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
