"""Time `joinedup serve` to its first answer, then load `/api/v1/openapi.json` on loopback.

    .venv/bin/python bench/serve/run.py --data-dir /tmp/joinedup-bench

The data directory must hold a demo made with `joinedup demo --data-dir DIR --no-serve`
(and, from the version that stopped collecting on every start, `joinedup collectstatic`).
Loopback only: the server listens on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path


def first_answer(port: int, path: str, deadline: float) -> float:
    """Seconds until `path` answers at all (any status), polling every 50 ms."""
    start = time.monotonic()
    while time.monotonic() - start < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            conn.getresponse().read()
            return time.monotonic() - start
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"no answer on port {port} within {deadline} s")


def load(
    port: int, path: str, clients: int, seconds: float, read: str
) -> tuple[list[float], dict[int, int], list[float]]:
    """`clients` threads, each on one kept-alive connection, GET `path` for `seconds`; beside
    them one more asks for `read` once a second, as a person would, and its times are kept."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    reads: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop:
            began = time.monotonic()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            with lock:
                latencies.append(time.monotonic() - began)
                statuses[response.status] = statuses.get(response.status, 0) + 1

    def reader() -> None:
        while time.monotonic() < stop:
            began = time.monotonic()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", read)
            conn.getresponse().read()
            reads.append(time.monotonic() - began)
            time.sleep(1)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    threads.append(threading.Thread(target=reader))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, reads


def _timed(port: int, path: str) -> float:
    began = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    conn.getresponse().read()
    return time.monotonic() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--probe", default="/accounts/login/", help="the path polled at start")
    parser.add_argument("--read", default="/api/hsds/services", help="a read timed during the load")
    options = parser.parse_args()

    env = {
        **os.environ,
        "JOINEDUP_DATA_DIR": str(Path(options.data_dir).resolve()),
        "JOINEDUP_DEMO": "true",
    }
    joinedup = Path(sys.executable).parent / "joinedup"
    command = [str(joinedup), "serve", "--bind", f"127.0.0.1:{options.port}", "--workers", "2"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        started = first_answer(options.port, options.probe, deadline=600)
        print(f"serve to first answer on {options.probe}: {started:.1f} s")
        first_answer(options.port, "/api/v1/openapi.json", deadline=600)  # each worker warms
        alone = [_timed(options.port, options.read) for _ in range(5)]
        latencies, statuses, reads = load(
            options.port, "/api/v1/openapi.json", options.clients, options.seconds, options.read
        )
        count = len(latencies)
        latencies.sort()
        p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
        p50 = statistics.median(latencies)
        print(
            f"/api/v1/openapi.json: {count / options.seconds:.1f} req/s with {options.clients} "
            f"clients for {options.seconds:.0f} s; p50 {p50 * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms; statuses {statuses}"
        )
        during, worst = statistics.median(reads) * 1000, max(reads) * 1000
        print(
            f"{options.read} alone: median {statistics.median(alone) * 1000:.0f} ms; "
            f"during the load: median {during:.0f} ms, worst {worst:.0f} ms"
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
