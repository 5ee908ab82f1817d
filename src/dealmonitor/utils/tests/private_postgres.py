"""A private, throwaway PostgreSQL cluster for the fault tests: its own data directory in a
temporary folder, its own port, started and stopped (or crashed) by the test. The shared
server is never touched.

The binaries (initdb, pg_ctl) come from /usr/lib/postgresql/<version>/bin (Debian's
`postgresql` package, which `make test` needs anyway) or from PG_BINDIR. PostgreSQL refuses to
run as root, so as root the cluster runs as the `postgres` user (through runuser).
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg


class PrivatePostgresError(RuntimeError):
    pass


def find_bindir():
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(os.environ["PG_BINDIR"])
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
                         reverse=True)
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if out.returncode == 0:
            candidates.append(out.stdout.strip())
    for path in candidates:
        if os.access(os.path.join(path, "initdb"), os.X_OK) and os.access(
            os.path.join(path, "pg_ctl"), os.X_OK
        ):
            return path
    raise PrivatePostgresError(
        "The fault tests start a private PostgreSQL cluster, but initdb and pg_ctl were not "
        "found (looked in PG_BINDIR, /usr/lib/postgresql/*/bin and `pg_config --bindir`). "
        "Install Debian's `postgresql` package (scripts/ensure-system-packages.sh does) or set "
        "PG_BINDIR."
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivatePostgres:
    def __init__(self):
        self.bindir = find_bindir()
        self.as_root = os.geteuid() == 0
        self.tmp = Path(tempfile.mkdtemp(prefix="dealmonitor-pg-"))
        self.data = self.tmp / "data"
        self.log = self.tmp / "server.log"
        self.port = free_port()
        if self.as_root:
            shutil.chown(self.tmp, "postgres", "postgres")
            self.tmp.chmod(0o700)

    def _run(self, *args, check=True):
        command = [os.path.join(self.bindir, args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True)
        if check and result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise PrivatePostgresError(
                f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}\n{log[-2000:]}"
            )
        return result

    def init(self):
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--no-sync", "-E", "UTF8", "--locale=C")
        return self

    def start(self):
        options = (f"-p {self.port} -k {self.tmp} -c listen_addresses=127.0.0.1 "
                   "-c fsync=on -c synchronous_commit=on -c max_connections=40")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", "60", "start")
        return self

    def stop(self, mode="fast"):
        """`mode` immediate is a crash: no checkpoint, recovery from the WAL on start."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop",
                  check=False)

    def url(self, dbname="dealmonitor", **params):
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}" + (f"?{query}" if query else "")

    def connect(self, dbname="dealmonitor"):
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres",
                               dbname=dbname, autocommit=True, connect_timeout=5)

    def create_database(self, name="dealmonitor"):
        with self.connect("postgres") as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def wait_until_up(self, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            try:
                with self.connect("postgres") as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def destroy(self):
        self.stop("immediate")
        shutil.rmtree(self.tmp, ignore_errors=True)
