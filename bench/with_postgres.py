"""Run a benchmark on PostgreSQL: start a throwaway server (as the tests do),
run ``bench/SCRIPT.py [args]`` with ``BENCH_POSTGRES_URL`` pointing at it (the
benchmarks then keep their data in throwaway databases there), stop it.

    .venv/bin/python bench/with_postgres.py latency_bench.py
    .venv/bin/python bench/with_postgres.py burst_bench.py --sizes 1000

With ``BENCH_POSTGRES_URL`` already set (an existing server whose role may
create databases), that server is used and nothing is started.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.postgres_server import ThrowawayPostgres, server_binaries  # noqa: E402


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    script, *rest = argv
    command = [sys.executable, str(ROOT / "bench" / script), *rest]
    if os.environ.get("BENCH_POSTGRES_URL"):
        return subprocess.call(command)
    binaries = server_binaries()
    if binaries is None:
        print("no PostgreSQL server binaries here; set BENCH_POSTGRES_URL", file=sys.stderr)
        return 1
    server = ThrowawayPostgres(binaries)
    url = server.start()
    try:
        return subprocess.call(command, env={**os.environ, "BENCH_POSTGRES_URL": url})
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
