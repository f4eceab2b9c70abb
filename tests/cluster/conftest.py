"""A real two-node Ray cluster on loopback, with token authentication on, for the job tests."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent  # the venv's bin: ray, forage


@dataclass(frozen=True)
class Cluster:
    address: str  # the dashboard / Jobs API
    token_file: Path
    env: dict[str, str]  # what a client with the token runs with

    def forage(self, *args: str, env: dict[str, str] | None = None, timeout: float = 300):
        return subprocess.run(
            [str(BIN / "forage"), *args],
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _agent_ports() -> list[str]:
    """Free ports for a node's dashboard agent: its default HTTP port (52365) is taken when
    another Ray runs on the machine (the session's local Ray, a user's), and a node whose agent
    cannot bind has no job agent ("No available agent to submit job")."""
    return ["--dashboard-agent-listen-port", str(_free_port())]


def _ray(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run([str(BIN / "ray"), *args], env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"ray {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def _wait_for_dashboard(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/version", timeout=2)
            return
        except urllib.error.HTTPError:  # 401: up, and asking for the token
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the dashboard at {url} did not come up")


@pytest.fixture(scope="package")
def ray_cluster():
    """A head and a worker node (1 CPU each, separate temp dirs) started with ``ray start``,
    token auth on; stopped at the end."""
    root = Path(tempfile.mkdtemp(prefix="fg", dir="/tmp"))  # short: Ray's socket paths
    token_file = root / "token"
    token_file.write_text(secrets.token_hex(16))
    port, dashboard = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_") and k != "VIRTUAL_ENV"}
    env |= {
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN_PATH": str(token_file),
        "HOME": str(root),  # no ~/.ray/auth_token of the user's
    }
    head = [
        "start", "--head", "--node-ip-address", "127.0.0.1", "--port", str(port),
        "--dashboard-host", "127.0.0.1", "--dashboard-port", str(dashboard),
        "--num-cpus", "1", "--temp-dir", str(root / "head"), "--disable-usage-stats",
        *_agent_ports(),
    ]  # fmt: skip
    worker = [
        "start", "--address", f"127.0.0.1:{port}", "--num-cpus", "1",
        "--temp-dir", str(root / "worker"), "--disable-usage-stats", *_agent_ports(),
    ]  # fmt: skip
    try:
        _ray(head, env)
        _ray(worker, env)
        url = f"http://127.0.0.1:{dashboard}"
        _wait_for_dashboard(url)
        client_env = {k: v for k, v in env.items() if k != "RAY_AUTH_MODE"}
        yield Cluster(address=url, token_file=token_file, env=client_env)
    finally:
        _stop(root)
        shutil.rmtree(root, ignore_errors=True)


def _stop(root: Path) -> None:
    """Stop this cluster's processes only (``ray stop`` would also stop the session's local
    Ray): every process whose command line names its temp dir, and their descendants."""
    cmdlines, parents = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                cmdlines[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
    ours = {pid for pid, cmd in cmdlines.items() if str(root).encode() in cmd}
    while grown := {p for p, parent in parents.items() if parent in ours} - ours:
        ours |= grown
    for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 0.0)):
        for pid in ours:
            with contextlib.suppress(OSError):
                os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while (
            wait and time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in ours)
        ):
            time.sleep(0.2)
