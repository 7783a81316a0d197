"""gunicorn config for bench/profile_gunicorn.py: cProfile (CPU time) over each worker's work.

Loaded with `gunicorn -c bench/profiling/gunicorn_cprofile.py`; each worker profiles itself
from its first request to its exit (start-up and imports left out, gunicorn's own request
handling included), and writes $BENCH_PROFILE_DIR/<name>-<pid>.prof when it stops.
"""

import cProfile
import os
import time

_profiles = {}


def pre_request(worker, req):
    if os.getpid() not in _profiles:
        profile = _profiles[os.getpid()] = cProfile.Profile(time.process_time)
        profile.enable()


def worker_exit(server, worker):
    profile = _profiles.pop(os.getpid(), None)
    if profile is None:
        return
    profile.disable()
    name = os.environ.get("BENCH_PROFILE_NAME", "worker")
    profile.dump_stats(os.path.join(os.environ["BENCH_PROFILE_DIR"], f"{name}-{os.getpid()}.prof"))
