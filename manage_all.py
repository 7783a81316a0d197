#!/usr/bin/env python3
"""Drive every service at once: install, set up, test, run, or any manage.py command.

    python3 manage_all.py run            install, set up with demo data, start everything
    python3 manage_all.py test           install, then every test suite (PostgreSQL if reachable)
    python3 manage_all.py setup          databases, migrations, dev admin, demo data
    python3 manage_all.py bench [...]    the load benchmark (bench/run.py; docs/benchmarks.md)
    python3 manage_all.py <command> ...  `manage.py <command> ...` in every service

Run with the system Python: the first call creates `.venv` and installs the pinned
requirements into it, then re-runs itself inside it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENT_FILES = ("requirements.txt", "requirements-dev.txt", "pyproject.toml")
SERVICE_ORDER = ("user_service", "product_service", "order_service", "payment_service",
                 "supplier_service", "carrier_service", "store_service", "notification_service")
LOCAL_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"


# ---- environment ---------------------------------------------------------------------------

def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def requirements_hash() -> str:
    digest = hashlib.sha256()
    for name in REQUIREMENT_FILES:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_venv(argv: list[str]) -> None:
    """Create `.venv`, install what changed, and re-run this script inside it.

    An exclusive lock makes concurrent runs (a test starting the platform while another
    command runs) wait for one install instead of racing on the same files.
    """
    import fcntl

    stamp = VENV / ".requirements-hash"
    wanted = requirements_hash()
    with open(ROOT / ".venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not venv_python().exists():
            print("creating .venv", flush=True)
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        if not stamp.exists() or stamp.read_text() != wanted:
            print("installing requirements into .venv", flush=True)
            subprocess.run([str(venv_python()), "-m", "pip", "install", "-q",
                            "--disable-pip-version-check", "-r",
                            str(ROOT / "requirements-dev.txt"), "-e", str(ROOT)], check=True)
            stamp.write_text(wanted)
    if Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(venv_python()), [str(venv_python()), str(ROOT / "manage_all.py"), *argv])


def read_env_file() -> None:
    """Create `.env` from `.env.example` on first use and load it (the shell's values win)."""
    env_file = ROOT / ".env"
    if not env_file.exists():
        shutil.copyfile(ROOT / ".env.example", env_file)
        print("created .env from .env.example (local defaults)", flush=True)
    for line in env_file.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


def postgres_reachable(url: str) -> bool:
    from common.db.provision import postgres_reachable as reachable

    return reachable(url)


def use_postgres_for_tests() -> None:
    """Tests use PostgreSQL when one is reachable; on CI it must be."""
    if os.environ.get("POSTGRES_URL") or os.environ.get("DATABASE_URL"):
        return
    ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    if postgres_reachable(LOCAL_POSTGRES_URL):
        os.environ["POSTGRES_URL"] = LOCAL_POSTGRES_URL
        return
    if ci:
        sys.exit(f"CI=true but PostgreSQL is not reachable at {LOCAL_POSTGRES_URL}: "
                 "the suites must run on PostgreSQL in CI.")
    print("PostgreSQL not reachable: the suites run on SQLite", flush=True)


# ---- services ------------------------------------------------------------------------------

def services(only: str | None) -> list[str]:
    present = [name for name in SERVICE_ORDER if (ROOT / name / "manage.py").exists()]
    if not only:
        return present
    wanted = [name.strip() for name in only.split(",") if name.strip()]
    unknown = sorted(set(wanted) - set(present))
    if unknown:
        sys.exit(f"unknown service(s): {', '.join(unknown)}; known: {', '.join(present)}")
    return [name for name in present if name in wanted]


def manage(service: str, *args: str, check: bool = True) -> int:
    cmd = [sys.executable, "manage.py", *args]
    result = subprocess.run(cmd, cwd=ROOT / service)
    if check and result.returncode != 0:
        sys.exit(f"{service}: `manage.py {' '.join(args)}` failed ({result.returncode})")
    return result.returncode


def create_database(service: str) -> None:
    """Create the service's PostgreSQL database when POSTGRES_URL is set and it is missing."""
    server = os.environ.get("POSTGRES_URL")
    if not server or os.environ.get("DATABASE_URL"):
        return
    from common.db.provision import database_create

    name = f"{os.environ.get('DATABASE_NAME_PREFIX', '')}{service}"
    if database_create(server=server, name=name):
        print(f"{service}: created database {name}", flush=True)


def has_command(service: str, command: str) -> bool:
    return any((ROOT / service).glob(f"*/management/commands/{command}.py"))


def ensure_keys() -> None:
    """Create every missing token key pair in JWT_KEYS_DIR (default `.keys/`, git-ignored):
    each service's private key and the public key set they all read."""
    from common.auth.keys import keys_ensure
    from common.services import SERVICE_PORTS

    keys_dir = Path(os.environ.get("JWT_KEYS_DIR") or ROOT / ".keys")
    made = keys_ensure(keys_dir=keys_dir, services=list(SERVICE_PORTS))
    if made:
        print(f"created token keys in {keys_dir}: {', '.join(made)}", flush=True)


def setup(names: list[str], *, demo: bool = True) -> None:
    for service in names:
        print(f"== {service}: setup", flush=True)
        create_database(service)
        manage(service, "migrate", "--noinput", "-v", "0")
        manage(service, "ensure_dev_admin")
        if demo and has_command(service, "seed_demo"):
            manage(service, "seed_demo")


# ---- tests ---------------------------------------------------------------------------------

def test_suites(names: list[str]) -> list[tuple[str, Path, list[str]]]:
    suites = [("common", ROOT, ["common/tests", "--ds=common.tests.settings"])]
    suites += [(name, ROOT / name, ["--ds=config.settings"]) for name in names]
    if (ROOT / "tests").is_dir():
        suites.append(("platform", ROOT, ["tests", "--ds=common.tests.settings"]))
    return suites


def summarize(output: str) -> dict[str, int]:
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    lines = [line for line in output.splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    for number, word in re.findall(r"(\d+) (passed|failed|errors?|skipped)", last):
        key = "errors" if word.startswith("error") else word
        counts[key] += int(number)
    return counts


def run_tests(names: list[str], pytest_args: list[str]) -> int:
    use_postgres_for_tests()
    total = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    failed_suites = []
    for label, cwd, args in test_suites(names):
        print(f"\n===== {label} =====", flush=True)
        proc = subprocess.Popen([sys.executable, "-m", "pytest", *args, *pytest_args], cwd=cwd,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        chunks = []
        for line in proc.stdout:
            sys.stdout.write(line)
            chunks.append(line)
        code = proc.wait()
        counts = summarize("".join(chunks))
        for key in total:
            total[key] += counts[key]
        if code != 0:
            failed_suites.append(f"{label} (exit {code})")
    print()
    if failed_suites:
        print(f"failing suites: {', '.join(failed_suites)}")
    print(f"tests: {total['passed']} passed, {total['failed'] + total['errors']} failed, "
          f"{total['skipped']} skipped")
    return 1 if failed_suites else 0


def run_bench(args: list[str]) -> int:
    """Install the bench's own tools (bench/requirements.txt, not needed by the services) when
    they changed, then run bench/run.py with the given options."""
    requirements = ROOT / "bench" / "requirements.txt"
    stamp = VENV / ".bench-requirements-hash"
    wanted = hashlib.sha256(requirements.read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != wanted:
        print("installing the bench's tools into .venv", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                        "--disable-pip-version-check", "-r", str(requirements)], check=True)
        stamp.write_text(wanted)
    return subprocess.call([sys.executable, str(ROOT / "bench" / "run.py"), *args])


# ---- entry point ---------------------------------------------------------------------------

def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated services (default: all)")
    parser.add_argument("command",
                        help="run | setup | test | up | bench | any manage.py command")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    ensure_venv(argv)
    if options.command == "bench":  # its own settings: never the developer's .env
        return run_bench(options.args)
    read_env_file()
    names = services(options.only)
    if options.command in ("setup", "test", "run", "up"):
        ensure_keys()

    if options.command == "setup":
        setup(names, demo="--no-demo" not in options.args)
        return 0
    if options.command == "test":
        return run_tests(names, options.args)
    if options.command in ("run", "up"):
        from launcher import run_platform

        if options.command == "run":
            setup(names)
        return run_platform(names, options.args)
    failures = [name for name in names if manage(name, options.command, *options.args,
                                                 check=False) != 0]
    if failures:
        print(f"failed in: {', '.join(failures)}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
