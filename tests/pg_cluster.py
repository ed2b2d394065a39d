"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, listening only on a unix socket there.

initdb and the server refuse to run as root, so as root (CI, this machine) they run as the unprivileged
`nobody` through runuser, in a folder chowned to it. `python -m tests.pg_cluster` starts one and prints its URL
(for trying the store or bench.queries by hand); Ctrl-C or `kill PID` stops it.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Debian's server programs live under /usr/lib/postgresql/<major>/bin (newest first), not on the PATH.
BIN_DIRS = (*sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: (len(p), p), reverse=True),
            "/usr/local/bin")
RUN_AS = "nobody"


class ClusterUnavailable(RuntimeError):
    """PostgreSQL's programs are missing or the server would not start (the message says which)."""


def find_bin() -> Path:
    for folder in BIN_DIRS:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    raise ClusterUnavailable(f"no initdb and pg_ctl in {', '.join(BIN_DIRS)} (Debian package: postgresql)")


class Cluster:
    """One server; `url(dbname)` connects as the cluster's superuser over the socket."""

    def __init__(self, settings: dict[str, str] | None = None) -> None:
        self.bin = find_bin()
        self.settings = settings or {}  # more server settings (-c name=value), e.g. a benchmark's memory sizes
        self.root = Path(tempfile.mkdtemp(prefix="clinicwatch-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root
        self.as_root = os.geteuid() == 0
        self.user = RUN_AS if self.as_root else pwd.getpwuid(os.geteuid()).pw_name
        if self.as_root:
            info = pwd.getpwnam(RUN_AS)
            os.chown(self.root, info.pw_uid, info.pw_gid)
        os.chmod(self.root, 0o755)  # root's test process reaches the socket inside

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", RUN_AS, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.root,
                              env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"})

    def start(self) -> Cluster:
        done = self._run("initdb", "-D", str(self.data), "-U", self.user, "-E", "UTF8", "--locale=C.UTF-8",
                         "-A", "trust", "--no-sync")
        if done.returncode != 0:
            raise ClusterUnavailable(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
        # No TCP (listen_addresses ''), a socket in our folder; fsync off: a test cluster need not survive a crash.
        options = f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' -c fsync=off " \
                  "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        options += "".join(f" -c {name}={value}" for name, value in self.settings.items())
        done = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options,
                         "-w", "-t", "60", "start")
        if done.returncode != 0:
            log = (self.root / "server.log").read_text(errors="replace")[-2000:] if (self.root / "server.log").exists() else ""
            raise ClusterUnavailable(f"pg_ctl start failed: {done.stderr.strip()} {log}")
        return self

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@/{dbname}?host={self.socket_dir}"

    def stop(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # `kill PID` stops the server and removes the folder too
    cluster = Cluster().start()
    print(cluster.url(), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
