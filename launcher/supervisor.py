"""Start the broker, the named services, their event workers, the background workers (purchases,
order expiry) and the gateway; supervise; stop them all."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path

from common.services import SERVICE_PORTS, service_url_variable
from launcher.broker import INSTALL_HINT as BROKER_HINT
from launcher.broker import broker_ports, broker_spec
from launcher.gateway import INSTALL_HINT, RUN_DIR, find_nginx, gateway_spec, gateway_values
from launcher.options import LaunchOptions, parse_options
from launcher.output import LogStream
from launcher.ports import busy_port_message, port_in_use
from launcher.processes import Child, ChildSpec, stop_children
from launcher.readiness import ReadinessWatch
from launcher.summary import ready_table

ROOT = Path(__file__).resolve().parents[1]
GUNICORN_CONFIG = ROOT / "compose" / "gunicorn.conf.py"  # the same settings as the images
# Background workers without HTTP: the child's name, its service and its management command.
WORKERS = (
    ("store_worker", "store_service", "process_purchases"),
    ("order_expiry", "order_service", "expire_orders"),
)
POLL_SECONDS = 0.2
EARLY_EXIT_SECONDS = 30  # a child dying this soon is most likely unmigrated databases


def metrics_dir(name: str, port: int) -> Path:
    """A fresh folder where the service's gunicorn workers add up their Prometheus figures."""
    folder = ROOT / ".run" / f"metrics-{port}" / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def service_spec(name: str, port: int, options: LaunchOptions,
                 env: dict[str, str]) -> ChildSpec:
    """gunicorn for one service, with a fresh metrics folder unless `env` names one."""
    if "PROMETHEUS_MULTIPROC_DIR" not in env:
        env = {**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir(name, port))}
    return ChildSpec(
        name=name,
        argv=[sys.executable, "-m", "gunicorn", "config.wsgi:application",
              "--config", str(GUNICORN_CONFIG),
              "--chdir", str(ROOT / name), "--bind", f"127.0.0.1:{port}",
              "--workers", str(options.workers), "--timeout", str(options.timeout),
              "--graceful-timeout", str(max(1, int(options.grace) - 1)),
              "--no-control-socket"],
        cwd=ROOT / name,
        ready_url=f"http://127.0.0.1:{port}/readyz",
        env=env,
    )


def worker_specs(names: list[str], env: dict[str, str]) -> list[ChildSpec]:
    """The background workers of the named services that have their command."""
    return [ChildSpec(name=child, argv=[sys.executable, "manage.py", command],
                      cwd=ROOT / service, env=env)
            for child, service, command in WORKERS
            if service in names
            and any((ROOT / service).glob(f"*/management/commands/{command}.py"))]


def worker_spec(service: str, env: dict[str, str]) -> ChildSpec:
    """The one background worker of `service` (tests start and kill it on its own)."""
    return next(spec for spec in worker_specs([service], env))


def events_spec(name: str, env: dict[str, str]) -> ChildSpec:
    """The service's outbox relay and event consumer (`manage.py run_events`). It shares the
    service's metrics folder, so its figures show on the service's /metrics."""
    return ChildSpec(name=events_child_name(name), argv=[sys.executable, "manage.py", "run_events"],
                     cwd=ROOT / name, env=env)


def events_child_name(service: str) -> str:
    return f"{service.removesuffix('_service')}_events"


def service_urls(port_offset: int) -> dict[str, str]:
    """With an offset, every service must call the others on the shifted ports too."""
    if not port_offset:
        return {}
    return {service_url_variable(name): f"http://127.0.0.1:{port + port_offset}"
            for name, port in SERVICE_PORTS.items()}


class Supervisor:
    """Holds the children; turns SIGINT/SIGTERM into a clean stop (a second one kills at once)."""

    def __init__(self, log: LogStream):
        self.log = log
        self.children: list[Child] = []
        self.stop_signal: int | None = None

    def handle_signal(self, signum: int, frame: object) -> None:
        if self.stop_signal is None:
            self.stop_signal = signum
            return
        self.log.say("second stop signal: killing everything now")
        for child in self.children:
            child.signal_group(signal.SIGKILL)

    def start(self, specs: list[ChildSpec]) -> bool:
        """Start each child, kept as soon as it runs so a failure half-way still stops them."""
        for spec in specs:
            try:
                self.children.append(Child(spec, self.log))
            except OSError as error:
                self.log.say(f"could not start {spec.name} ({' '.join(spec.argv[:3])}...): {error}")
                return False
        return True

    def died(self) -> Child | None:
        return next((child for child in self.children if child.exit_code() is not None), None)


def _supervise(supervisor: Supervisor, watch: ReadinessWatch, options: LaunchOptions,
               on_ready) -> int:
    log = supervisor.log
    started = time.monotonic()
    deadline = started + options.ready_timeout
    while True:
        if supervisor.stop_signal is not None:
            log.say(f"{signal.Signals(supervisor.stop_signal).name} received: stopping everything")
            return 0
        dead = supervisor.died()
        if dead is not None:
            log.say(f"{dead.name} exited unexpectedly (exit code {dead.exit_code()}): "
                    "stopping everything")
            if time.monotonic() - started < EARLY_EXIT_SECONDS:
                log.say("its last lines are above; if the databases are not set up yet, run "
                        "`python3 manage_all.py setup` first (or `run`, which does both)")
            return 1
        if not watch.done:
            watch.poll()
            if watch.done:
                on_ready(time.monotonic() - started)
            elif time.monotonic() > deadline:
                log.say(f"not ready after {options.ready_timeout:g} s: "
                        f"{', '.join(watch.pending)} (see their lines above); stopping everything")
                return 1
        time.sleep(POLL_SECONDS)


def run_platform(names: list[str], args: list[str]) -> int:
    """Run until Ctrl-C/SIGTERM (exit 0) or until a child dies or never gets ready (exit 1)."""
    options = parse_options(args)
    if os.name != "posix":
        print("manage_all.py up needs Linux or macOS (process groups); on Windows use WSL or "
              "docker compose (see compose/)", file=sys.stderr)
        return 1
    ports = {name: SERVICE_PORTS[name] + options.port_offset
             for name in names if name in SERVICE_PORTS}
    env = service_urls(options.port_offset)
    try:
        broker, nats_url = broker_spec(options.port_offset, os.environ)
    except FileNotFoundError as error:
        print(f"{error} ({BROKER_HINT}), or set NATS_URL to a running NATS with JetStream",
              file=sys.stderr)
        return 1
    env["NATS_URL"] = nats_url
    specs = [broker] if broker else []
    service_envs = {name: {**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir(name, port))}
                    for name, port in ports.items()}
    specs += [service_spec(name, port, options, service_envs[name])
              for name, port in ports.items()]
    specs += [events_spec(name, service_envs[name]) for name in ports]
    workers = worker_specs(list(ports), env)
    specs += workers

    gateway_note = None
    values = gateway_values(os.environ, options.port_offset)
    gateway_port = int(values["GATEWAY_PORT"])
    nginx = find_nginx() if options.gateway else None
    if not options.gateway:
        gateway_note = "--no-gateway"
    elif nginx is None:
        gateway_note = "nginx not found"
        print(f"gateway skipped: nginx is not installed ({INSTALL_HINT}); "
              "the services still answer on their own ports.", flush=True)

    busy = [(port, name, "") for name, port in ports.items() if port_in_use(port)]
    if broker:
        busy += [(port, "event broker", ", or set NATS_URL to use a running NATS")
                 for port in broker_ports(options.port_offset) if port_in_use(port)]
    if nginx and port_in_use(gateway_port, host="0.0.0.0"):
        busy.append((gateway_port, "gateway", ", or set GATEWAY_PORT or pass --no-gateway"))
    if busy:
        for port, owner, hint in busy:
            print(busy_port_message(port, owner, hint), file=sys.stderr, flush=True)
        return 1
    # A second platform (port offset) gets its own nginx files, removed when it stops.
    run_dir = RUN_DIR if not options.port_offset else RUN_DIR.with_name(f"gateway-{gateway_port}")
    if nginx:
        specs.append(gateway_spec(nginx, values, run_dir))
    if not specs:
        print("nothing to run: no service directory found", file=sys.stderr)
        return 1

    log = LogStream([spec.name for spec in specs])
    supervisor = Supervisor(log)
    previous = {signum: signal.signal(signum, supervisor.handle_signal)
                for signum in (signal.SIGINT, signal.SIGTERM)}
    watch = ReadinessWatch({spec.name: spec.ready_url for spec in specs if spec.ready_url})

    def on_ready(seconds: float) -> None:
        log.write(ready_table(services=ports, gateway_port=gateway_port if nginx else None,
                              gateway_note=gateway_note,
                              workers=[(spec.name, spec.argv[-1]) for spec in workers],
                              seconds=seconds, environ=os.environ,
                              broker_url=nats_url, broker_started=broker is not None,
                              event_workers=[events_child_name(name) for name in ports]))

    log.say(f"starting {', '.join(spec.name for spec in specs)}")
    try:
        if not supervisor.start(specs):
            return 1
        return _supervise(supervisor, watch, options, on_ready)
    finally:
        stop_children(supervisor.children, log, grace=options.grace)
        if run_dir != RUN_DIR:
            shutil.rmtree(run_dir, ignore_errors=True)
        for port in ports.values():
            shutil.rmtree(ROOT / ".run" / f"metrics-{port}", ignore_errors=True)
        if broker and options.port_offset:  # a second platform's broker store is throwaway
            shutil.rmtree(ROOT / ".run" / f"nats-{broker_ports(options.port_offset)[0]}",
                          ignore_errors=True)
        log.say("all stopped")
        for signum, handler in previous.items():
            signal.signal(signum, handler)
