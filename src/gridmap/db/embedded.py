"""The embedded default database: a project-local PostgreSQL cluster with PostGIS and pgRouting.

Data lives under ``GRIDMAP_HOME`` (default ``./.gridmap``).  The server listens only on a
unix socket, in a short per-home folder under ``/tmp``.  Run as root, the server itself runs
as the unprivileged ``postgres`` system user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from gridmap.errors import ConfigError, DatabaseUnavailable
from gridmap.settings import Settings

log = logging.getLogger(__name__)

PG_MAJOR = "15"
DEBIAN_PACKAGES = (
    f"postgresql-{PG_MAJOR}",
    f"postgresql-{PG_MAJOR}-postgis-3",
    f"postgresql-{PG_MAJOR}-pgrouting",
)
INSTALL_COMMAND = "apt-get install -y " + " ".join(DEBIAN_PACKAGES)
SERVER_CONF = {
    "listen_addresses": "''",
    "max_connections": "100",
    "shared_buffers": "'512MB'",
    "work_mem": "'64MB'",
    "maintenance_work_mem": "'512MB'",
    "synchronous_commit": "off",
    "jit": "off",
    "max_wal_size": "'2GB'",
    "unix_socket_permissions": "0700",
    "log_min_duration_statement": "2000",
}


@dataclass(frozen=True)
class Cluster:
    """Paths and commands of one embedded cluster, derived from the settings."""

    home: Path
    port: int
    dbname: str

    @classmethod
    def from_settings(cls, settings: Settings) -> Cluster:
        return cls(settings.home.resolve(), settings.db_port, settings.db_name)

    @property
    def data_dir(self) -> Path:
        return self.home / "pgdata"

    @property
    def log_file(self) -> Path:
        return self.home / "postgres.log"

    @property
    def socket_dir(self) -> Path:
        digest = hashlib.sha1(str(self.home).encode()).hexdigest()[:10]
        return Path("/tmp") / f"gridmap-{digest}"

    @property
    def url(self) -> str:
        return (
            f"postgresql+psycopg2://postgres@/{self.dbname}?host={self.socket_dir}&port={self.port}"
        )

    # -- lifecycle ---------------------------------------------------------------------

    def status(self) -> str:
        """``running``, ``stopped`` or ``not initialised``."""
        if not (self.data_dir / "PG_VERSION").exists():
            return "not initialised"
        result = self._run([_bin("pg_ctl"), "status", "-D", str(self.data_dir)], check=False)
        return "running" if result.returncode == 0 else "stopped"

    def start(self) -> None:
        """Install what is missing, initialise on first use, start, create the database."""
        ensure_server_installed()
        state = self.status()
        if state == "not initialised":
            self._initdb()
        if state != "running":
            self._prepare_dirs()
            opts = f"-k {self.socket_dir} -p {self.port}"
            result = self._run(
                [
                    _bin("pg_ctl"),
                    "start",
                    "-w",
                    "-t",
                    "60",
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log_file),
                    "-o",
                    opts,
                ],
                check=False,
            )
            if result.returncode != 0:
                tail = _tail(self.log_file)
                raise DatabaseUnavailable(f"the embedded PostgreSQL did not start: {tail}")
        self._create_database()

    def stop(self) -> None:
        if self.status() == "running":
            self._run([_bin("pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data_dir)])

    def destroy(self) -> None:
        """Stop and delete the cluster (tests use this for throwaway clusters)."""
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)
        shutil.rmtree(self.socket_dir, ignore_errors=True)

    # -- internals -----------------------------------------------------------------------

    def _initdb(self) -> None:
        self._prepare_dirs()
        self._run(
            [
                _bin("initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "-A",
                "trust",
            ]
        )
        with open(self.data_dir / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# gridmap embedded defaults\n")
            conf.writelines(f"{key} = {value}\n" for key, value in SERVER_CONF.items())

    def _prepare_dirs(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            _check_traversable(self.home)
            for path in (self.home, self.socket_dir):
                os.chown(path, user.pw_uid, user.pw_gid)
            if self.data_dir.exists():
                os.chown(self.data_dir, user.pw_uid, user.pw_gid)
            self.log_file.touch()
            os.chown(self.log_file, user.pw_uid, user.pw_gid)

    def _create_database(self) -> None:
        psql = [
            _bin("psql"),
            "-h",
            str(self.socket_dir),
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-tAc",
        ]
        exists = self._run([*psql, f"SELECT 1 FROM pg_database WHERE datname = '{self.dbname}'"])
        if exists.stdout.strip() != "1":
            self._run([*psql, f'CREATE DATABASE "{self.dbname}"'])

    def _run(self, cmd: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        log.debug("running %s", " ".join(cmd))
        result = subprocess.run(cmd, capture_output=True, text=True, cwd="/")
        if check and result.returncode != 0:
            message = (result.stderr or result.stdout).strip().splitlines()
            raise DatabaseUnavailable(f"{cmd[-1] if cmd else ''}: {' '.join(message[-3:])}")
        return result


def _bin(name: str) -> str:
    path = Path(f"/usr/lib/postgresql/{PG_MAJOR}/bin") / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if not found:
        raise ConfigError(f"PostgreSQL's {name} was not found; install it with: {INSTALL_COMMAND}")
    return found


def _extension_installed(name: str) -> bool:
    return Path(f"/usr/share/postgresql/{PG_MAJOR}/extension/{name}.control").exists()


def ensure_server_installed() -> None:
    """Install PostgreSQL, PostGIS and pgRouting with apt when missing (root on Debian only)."""
    if (
        all(_extension_installed(ext) for ext in ("postgis", "pgrouting"))
        and Path(f"/usr/lib/postgresql/{PG_MAJOR}/bin/initdb").exists()
    ):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise ConfigError(f"PostGIS/pgRouting are missing; install them with: {INSTALL_COMMAND}")
    log.warning("installing %s with apt-get", ", ".join(DEBIAN_PACKAGES))
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", *DEBIAN_PACKAGES]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True, capture_output=True)
        subprocess.run(install, env=env, check=True, capture_output=True)


def _check_traversable(home: Path) -> None:
    """The postgres user must reach the data folder; say so clearly when it cannot."""
    for parent in reversed(home.parents):
        if parent.exists() and not os.stat(parent).st_mode & 0o001:
            raise ConfigError(
                f"the postgres system user cannot enter {parent} (mode "
                f"{oct(os.stat(parent).st_mode & 0o777)}); set GRIDMAP_HOME to a folder it can "
                "reach, e.g. GRIDMAP_HOME=/var/lib/gridmap"
            )


def _tail(path: Path, lines: int = 3) -> str:
    try:
        return " ".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"
