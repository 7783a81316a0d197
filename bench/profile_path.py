"""Profile one request path in-process with pyinstrument, through the service's WSGI app.

Run by `bench/run.py --profile` inside a service's folder with that service's settings and the
bench environment (the other services are up, so calls between services are real HTTP):

    DJANGO_SETTINGS_MODULE=config.settings python ../bench/profile_path.py order_create

The requests go through `config.wsgi.application` exactly as gunicorn calls it (every
middleware, DRF, serializers, the database), minus gunicorn's socket handling. The text tree is
written to bench/results/profile-<scenario>.txt and its path printed.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import re
import sys
import time
from pathlib import Path

import requests

RESULTS = Path(os.environ.get("BENCH_RESULTS") or Path(__file__).resolve().parent / "results")
DEMO = [f"10000000-0000-4000-8000-{n:012d}" for n in range(1, 21)]
ADDRESS = {"street": "Avenida Paulista", "number": "1000", "city": "São Paulo", "state": "SP",
           "zip_code": "01310-100", "country": "BR"}
PAYMENT = {"card_token": "tok_visa"}  # payment_service's always-approved test card


def call(application, method: str, path: str, *, body: dict | None = None,
         token: str | None = None) -> tuple[int, bytes]:
    """One request through the WSGI callable, like gunicorn's sync worker makes it."""
    path, _, query = path.partition("?")
    payload = json.dumps(body).encode() if body is not None else b""
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1", "HTTP_ACCEPT": "application/json",
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(payload),
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False, "CONTENT_LENGTH": str(len(payload)),
    }
    if body is not None:
        environ["CONTENT_TYPE"] = "application/json"
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    status = []
    chunks = application(environ, lambda s, headers, exc_info=None: status.append(s))
    content = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return int(status[0].split()[0]), content


def _trim(text: str) -> str:
    """pstats' paths made relative to site-packages or the repository."""
    root = re.escape(str(Path(__file__).resolve().parents[1]) + "/")
    return re.sub(rf"(/\S*?/site-packages/|{root}|/\S*?/lib/python3\.\d+/)", "", text) + "\n"


def main() -> int:
    scenario = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    sys.path.insert(0, os.getcwd())
    from config.wsgi import application
    from pyinstrument import Profiler

    token = os.environ.get("BENCH_USER_TOKEN")
    if scenario == "product_list":
        count, requests_ = count or 400, lambda i: ("GET", "/api/products?limit=20", None)
    elif scenario == "product_detail":
        count, requests_ = count or 400, lambda i: ("GET", f"/api/products/{DEMO[i % 20]}", None)
    elif scenario == "order_create":
        count = count or 80
        requests_ = lambda i: ("POST", "/api/orders", {"items": [  # noqa: E731
            {"product_id": DEMO[(i + k) % 20], "quantity": 1} for k in range(3)]})
    elif scenario == "reservation_create":
        from common.testing import make_token

        count, token = count or 80, make_token(role="SERVICE")
        requests_ = lambda i: ("POST", "/api/products/reservations", {  # noqa: E731
            "reference": f"bench-profile-{os.getpid()}-{i}",
            "items": [{"product_id": DEMO[(i + k) % 20], "quantity": 1} for k in range(3)]})
    elif scenario == "purchase_create":
        count = count or 30
        order_ids = []
        for i in range(2 * count):  # the orders come from the running order_service
            answer = requests.post(
                f"{os.environ['BENCH_ORDER_URL']}/api/orders", timeout=30,
                headers={"Authorization": f"Bearer {token}"},
                json={"items": [{"product_id": DEMO[(i + k) % 20], "quantity": 1}
                                for k in range(3)]})
            answer.raise_for_status()
            order_ids.append(answer.json()["id"])
        requests_ = lambda i: ("POST", "/api/purchases",  # noqa: E731
                               {"order_id": order_ids[i], "address": ADDRESS,
                                "payment": PAYMENT})
    elif scenario == "user_get":
        from common.testing import make_token

        count, token = count or 200, make_token(role="SERVICE")
        user_id = os.environ["BENCH_USER_ID"]
        requests_ = lambda i: ("GET", f"/api/users/{user_id}", None)  # noqa: E731
    else:
        raise SystemExit(f"unknown scenario {scenario}")

    warm_method, warm_path, warm_body = requests_(0)
    if scenario in ("product_list", "product_detail", "user_get"):
        call(application, warm_method, warm_path, body=warm_body, token=token)  # warm caches
    profiler = Profiler(interval=0.0005)
    statuses: dict[int, int] = {}
    profiler.start()
    for i in range(count):
        method, path, body = requests_(i)
        status, _ = call(application, method, path, body=body, token=token)
        statuses[status] = statuses.get(status, 0) + 1
    profiler.stop()
    session = profiler.last_session
    # The same loop again under cProfile timed by CPU time: where the CPU goes, whatever the
    # waits on the database and the other services (and on a busy machine) add to wall time.
    cpu = cProfile.Profile(time.process_time)
    offset = count  # fresh references and orders: no write in this pass is a replay
    cpu.enable()
    for i in range(count):
        method, path, body = requests_(i + offset)
        call(application, method, path, body=body, token=token)
    cpu.disable()
    cpu_text = io.StringIO()
    stats = pstats.Stats(cpu, stream=cpu_text)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"profile-{scenario}.txt"
    header = (f"# {scenario}: {count} requests in-process through config.wsgi.application; "
              f"statuses {statuses}; wall {session.duration:.2f} s "
              f"({session.duration / count * 1000:.1f} ms per request), "
              f"CPU {session.cpu_time:.2f} s ({session.cpu_time / count * 1000:.1f} ms per "
              "request)\n\n## pyinstrument (wall clock)\n")
    cpu_part = ("\n## cProfile (CPU time, second pass of the same requests)\n\n"
                + _trim(cpu_text.getvalue()))
    out.write_text(header + profiler.output_text(unicode=True, color=False, show_all=False)
                   + cpu_part)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
