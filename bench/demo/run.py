"""Time the demo's first load: `joinedup demo` on an empty data directory until its sign-in
page answers (migrating, loading the demo, collecting the static files, starting gunicorn).

    .venv/bin/python bench/demo/run.py --port 8141

Prints the wall time, the CPU time of the whole process tree (user + sys: steadier than the
wall time on a shared machine) and how many lines the demo printed, then stops the server.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8141)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--timeout", type=int, default=600)
    options = parser.parse_args()
    data_dir = options.data_dir or Path(tempfile.gettempdir()) / "joinedup-bench-demo"
    shutil.rmtree(data_dir, ignore_errors=True)
    log_path = data_dir.with_name(data_dir.name + ".log")
    url = f"http://127.0.0.1:{options.port}/accounts/login/"
    command = [sys.executable, "-c", "from joinedup.cli import main; main()", "demo"]
    command += ["--data-dir", str(data_dir), "--port", str(options.port)]
    started = time.monotonic()
    with log_path.open("w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            while True:
                if server.poll() is not None:
                    raise SystemExit(f"the demo stopped; see {log_path}")
                if time.monotonic() - started > options.timeout:
                    raise SystemExit(f"no answer within {options.timeout} s; see {log_path}")
                try:
                    with urllib.request.urlopen(url, timeout=5) as answer:
                        if answer.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    time.sleep(0.5)
            wall = time.monotonic() - started
        finally:
            server.terminate()
            server.wait(timeout=60)
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    printed = log_path.read_text().splitlines()
    mails = len(list((data_dir / "mail").glob("*.eml")))
    print(f"first answer after {wall:.1f} s wall, {used.ru_utime + used.ru_stime:.1f} s CPU")
    print(f"the demo printed {len(printed)} lines; {mails} emails written to {data_dir}/mail/")


if __name__ == "__main__":
    main()
