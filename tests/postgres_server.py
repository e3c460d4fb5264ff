"""A throwaway PostgreSQL server for the tests: its own data and socket
folders under a temporary folder, fsync off, on a free port of 127.0.0.1,
stopped and deleted afterwards.

The server refuses to run as root, so as root it runs as the ``postgres``
user (``runuser``), which must exist (Debian's packages create it). Point the
tests at an existing server instead with ``TRACKSIDE_TEST_POSTGRES_URL`` (a
role that may create databases); with neither, the PostgreSQL half of the
suite is skipped, said in one line.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SEARCHED = tuple(f"/usr/lib/postgresql/{major}/bin" for major in (17, 16, 15))


def server_binaries() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, if installed."""
    configured = os.environ.get("TRACKSIDE_PG_BIN")
    for folder in ([configured] if configured else []) + list(SEARCHED):
        if folder and (Path(folder) / "pg_ctl").exists() and (Path(folder) / "initdb").exists():
            return Path(folder)
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and shutil.which("initdb") else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ThrowawayPostgres:
    """``start()`` returns an admin URL (``postgresql://postgres@127.0.0.1:PORT/postgres``)."""

    binaries: Path
    folder: Path | None = None
    port: int = 0

    def _as_server_user(self, *command: str) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return list(command)

    def start(self) -> str:
        self.folder = Path(tempfile.mkdtemp(prefix="trackside-pg-"))
        self.folder.chmod(0o777)  # the postgres user writes here
        data, sockets = self.folder / "data", self.folder / "sockets"
        sockets.mkdir()
        sockets.chmod(0o777)
        self.port = _free_port()
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
        subprocess.run(
            self._as_server_user(
                str(self.binaries / "initdb"),
                "-D", str(data), "-U", "postgres", "--auth=trust",
                "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
            ),
            **quiet,
        )  # fmt: skip
        options = " ".join(
            [
                f"-p {self.port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={sockets}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=300",
                "-c shared_buffers=64MB",
            ]
        )
        subprocess.run(
            self._as_server_user(
                str(self.binaries / "pg_ctl"), "-D", str(data), "-o", options,
                "-l", str(self.folder / "server.log"), "-w", "start",
            ),
            **quiet,
        )  # fmt: skip
        return self.url("postgres")

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        if self.folder is None:
            return
        subprocess.run(
            self._as_server_user(
                str(self.binaries / "pg_ctl"), "-D", str(self.folder / "data"),
                "-m", "immediate", "-w", "stop",
            ),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None
