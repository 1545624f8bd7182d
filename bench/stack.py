"""What the benchmarks and the scale tests share: processes of the stack, databases, the machine.

Everything runs on 127.0.0.1. Processes start in their own process group so that stopping one
stops its children (gunicorn workers) too.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import requests

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BOT_BIN = REPO / ".venv-bot" / "bin"
MODEL = REPO / "bot" / "models" / "voordeur.tar.gz"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
# The token of Rasa's HTTP API in the stacks started here and by the tests, which start Rasa as
# `make run` does; TEST_RASA_TOKEN names the token of a Rasa started elsewhere (TEST_RASA_URL, --rasa-url).
RASA_TOKEN = os.environ.get("TEST_RASA_TOKEN") or secrets.token_urlsafe(32)


# ---- the machine and the report -----------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        total_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {total_kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = ", load %.2f %.2f %.2f" % os.getloadavg() if hasattr(os, "getloadavg") else ""
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}{load}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def header(title: str, module: str, argv: list[str] | None) -> None:
    """What every benchmark prints first: what, where, and the command that repeats it."""
    argv = sys.argv[1:] if argv is None else argv
    print(f"# {title}")
    print(f"machine: {machine()}")
    print(f"repeat:  {shlex.join(['.venv/bin/python', '-m', module, *argv])}")
    print(f"started: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    sys.stdout.flush()


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary_ms(values: list[float]) -> str:
    """Median, p95, p99 and max of durations given in seconds."""
    if not values:
        return "no samples"
    return (
        f"n={len(values)} median={statistics.median(values) * 1000:.2f} ms "
        f"p95={percentile(values, 95) * 1000:.2f} ms p99={percentile(values, 99) * 1000:.2f} ms "
        f"max={max(values) * 1000:.2f} ms"
    )


# ---- processes ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen | None, timeout: float = 10) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def spawn(command: list[str], log: Path, cwd: Path = REPO, env: dict | None = None) -> subprocess.Popen:
    full_env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONUNBUFFERED": "1", **(env or {})}
    with log.open("ab") as handle:
        return subprocess.Popen(
            command, cwd=cwd, env=full_env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_until(check, process: subprocess.Popen, log: Path, timeout: float, what: str) -> float:
    """Poll ``check()`` until true; returns the seconds it took. Fails if the process exits."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited while starting:\n{tail(log)}")
        try:
            if check():
                return time.monotonic() - started
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start within {timeout:.0f} s:\n{tail(log)}")


class Relay:
    """One relay process on a port of its own, started with the production command.

    ``worker`` is ``serve`` (``python -m relay serve`` as it chooses by itself: gevent on
    PostgreSQL, threads on SQLite) or ``gevent`` / ``threads`` (the same command with
    ``RELAY_WORKER`` set, to compare the two).
    """

    WORKERS = ("serve", "gevent", "threads")

    def __init__(
        self,
        workdir: Path,
        database_url: str,
        rasa_url: str = "http://127.0.0.1:9",
        redis_url: str | None = None,
        port: int | None = None,
        worker: str = "serve",
        threads: int | None = None,
        env: dict | None = None,
    ):
        if worker not in self.WORKERS:
            raise ValueError(f"worker must be one of {self.WORKERS}")
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.worker = worker
        self.log = workdir / f"relay-{self.port}.log"
        self.env = {
            "DATABASE_URL": database_url,
            "RASA_URL": rasa_url,
            "RASA_TOKEN": RASA_TOKEN,
            "RELAY_SCHEDULE": "always",
            "RELAY_PORT": str(self.port),
            **(env or {}),
        }
        if worker != "serve":
            self.env["RELAY_WORKER"] = worker
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        if threads:
            self.env["RELAY_THREADS"] = str(threads)
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [PYTHON, "-m", "relay", "serve", "--port", str(self.port)]

    def start(self, timeout: float = 60, **extra_env) -> "Relay":
        """Start (or start again, on the same port and database) with ``extra_env`` added for good."""
        self.env.update({key: str(value) for key, value in extra_env.items()})
        self.process = spawn(self.command(), self.log, env=self.env)
        try:
            wait_until(
                lambda: requests.get(f"{self.url}/api/status", timeout=2).status_code == 200,
                self.process,
                self.log,
                timeout,
                f"relay on {self.port}",
            )
        except RuntimeError:
            self.kill()  # not left running behind the failed start
            raise
        return self

    def kill(self) -> None:
        """SIGKILL the relay, as a crash or the OOM killer would: no cleanup of any kind."""
        if self.process is not None:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None

    def log_tail(self, lines: int = 60) -> str:
        return tail(self.log, lines)

    def worker_class(self) -> str:
        """The worker class gunicorn reports in the relay's log ("gevent" or "gthread")."""
        for line in self.log.read_text(errors="replace").splitlines():
            if "Using worker:" in line:
                return line.rsplit(":", 1)[1].strip()
        return "unknown"

    def worker_pids(self) -> list[int]:
        """The gunicorn worker processes (children of the master), where the sockets live."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def stop(self) -> None:
        stop(self.process)
        self.process = None

    def add_counsellor(
        self,
        username: str,
        password: str,
        name: str,
        regions="all",
        max_chats: int | None = 1000,
        supervisor: bool = False,
    ) -> None:
        """Add an account with the relay's CLI; ``max_chats=None`` leaves the CLI's default."""
        regions = regions if isinstance(regions, str) else ",".join(regions)
        command = [PYTHON, "-m", "relay", "counsellor", "add", username, "--name", name, "--regions", regions]
        if max_chats is not None:
            command += ["--max-chats", str(max_chats)]
        if supervisor:
            command.append("--supervisor")
        subprocess.run(
            command,
            cwd=REPO,
            env={**os.environ, **self.env},
            input=password + "\n",
            text=True,
            check=True,
            capture_output=True,
        )


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def thread_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


class Rasa:
    """A Rasa server (and, with ``actions``, its own action server) on free ports."""

    def __init__(
        self,
        workdir: Path,
        endpoints: Path | None = None,
        port: int | None = None,
        model: Path = MODEL,
        env: dict | None = None,
    ):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.endpoints = endpoints
        self.model = model
        self.env = {"PYTHONPATH": str(REPO), **(env or {})}
        self.log = workdir / f"rasa-{self.port}.log"
        self.process: subprocess.Popen | None = None
        self.actions: subprocess.Popen | None = None
        self.action_port: int | None = None
        self.action_log: Path | None = None

    def start(self, timeout: float = 300, with_actions: bool = True) -> float:
        """Start and wait until the model is loaded; returns the seconds that took."""
        endpoints = self.endpoints
        if endpoints is None:
            endpoints = self.workdir / f"endpoints-{self.port}.yml"
            endpoints.write_text("")
            if with_actions:
                self.action_port = free_port()
                endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{self.action_port}/webhook"\n')
                self.start_actions()
        self.process = spawn(
            [
                str(BOT_BIN / "rasa"),
                "run",
                "--enable-api",
                f"--auth-token={RASA_TOKEN}",  # one argument: a token may begin with "-"
                "-m",
                str(self.model),
                "-i",
                "127.0.0.1",
                "-p",
                str(self.port),
                "--endpoints",
                str(endpoints),
            ],
            self.log,
            cwd=REPO / "bot",
            env=self.env,
        )

        def loaded():
            status = requests.get(f"{self.url}/status", params={"token": RASA_TOKEN}, timeout=2).json()
            return bool(status.get("model_file") or status.get("model_id"))

        return wait_until(loaded, self.process, self.log, timeout, "Rasa")

    def start_actions(self) -> subprocess.Popen:
        """Start the action server on its port (again, after a test stopped it); its log is appended to."""
        assert self.action_port is not None, "this Rasa runs without an action server of its own"
        self.action_log = self.workdir / f"actions-{self.action_port}.log"
        self.actions = spawn(
            [str(BOT_BIN / "rasa"), "run", "actions", "--actions", "actions", "-p", str(self.action_port)],
            self.action_log,
            cwd=REPO / "bot",
            env=self.env,
        )
        return self.actions

    def stop(self) -> None:
        stop(self.process)
        stop(self.actions)


# ---- databases ----------------------------------------------------------------------------------


@contextmanager
def temporary_database(base_url: str = POSTGRES_URL, prefix: str = "voordeur_bench") -> Iterator[str]:
    """Create an empty PostgreSQL database next to ``base_url``'s; drop it afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(base_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def redis_url_with_prefix(base_url: str = REDIS_URL, label: str = "bench") -> str:
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}prefix=voordeur-{label}-{uuid.uuid4().hex[:10]}"


class HangingServer:
    """Accepts connections and reads requests, but answers none of them: a Rasa that hangs."""

    def __init__(self):
        import threading

        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(50)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.requests = 0  # connections accepted (each would carry one request)
        self.held: list[socket.socket] = []
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.requests += 1
            self.held.append(connection)  # never answered, closed at the end

    def close(self) -> None:
        self.closed = True
        self.listener.close()
        for connection in self.held:
            connection.close()


class FakeRasaProcess:
    """bench/fake_rasa.py in a process of its own, so it does not share the load generator's GIL."""

    def __init__(self, workdir: Path, region: str = "utrecht"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"fake-rasa-{self.port}.log"
        self.process = spawn([PYTHON, "-m", "bench.fake_rasa", "--port", str(self.port), "--region", region], self.log)
        wait_until(lambda: requests.get(f"{self.url}/status", timeout=1).ok, self.process, self.log, 30, "fake Rasa")

    def stop(self) -> None:
        stop(self.process)


def add_worker_argument(parser: argparse.ArgumentParser) -> None:
    """The benchmarks' one --worker option: how the relay under test serves its sockets."""
    parser.add_argument(
        "--worker",
        choices=Relay.WORKERS,
        default="serve",
        help="serve: python -m relay serve as it chooses (gevent on PostgreSQL); "
        "gevent/threads: the same with RELAY_WORKER set",
    )
