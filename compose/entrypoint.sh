#!/bin/sh
# Container entry point of every service image (also runs on a host: see tests/deploy/).
#
#   entrypoint.sh web       wait for the database, migrate, collect static files, exec gunicorn
#   entrypoint.sh worker    wait for the database, exec `manage.py process_purchases` (store_service)
#   entrypoint.sh migrate   wait for the database, migrate, exit (Kubernetes init container)
#   entrypoint.sh <cmd>...  `manage.py <cmd> ...` when <cmd> is a manage.py command, else exec it
#
# It works from SERVICE_DIR (the Django project holding manage.py), or the current directory.
# Switches (1/true/yes to turn on, anything else off):
#   WAIT_FOR_DB=1  RUN_MIGRATIONS=1  RUN_COLLECTSTATIC=1  ENSURE_DEV_ADMIN=0  SEED_DEMO=0
# Gunicorn: PORT (required for web), GUNICORN_WORKERS=2, GUNICORN_THREADS=1, GUNICORN_TIMEOUT=30,
# GUNICORN_GRACEFUL_TIMEOUT=20, GUNICORN_MAX_REQUESTS=1000; GUNICORN_CMD_ARGS adds any other flag;
# GUNICORN_CONFIG (default: gunicorn.conf.py next to this script) makes its log lines JSON.
# PYTHON (default: python) is the interpreter, e.g. a virtualenv's on a host.
# PROMETHEUS_MULTIPROC_DIR (default: $TMPDIR or /tmp, then prometheus-$PORT) holds the metrics
# files of the gunicorn workers, so /metrics answers for all of them.
set -eu

PYTHON="${PYTHON:-python}"
HERE="$(cd "$(dirname "$0")" && pwd)"
GUNICORN_CONFIG="${GUNICORN_CONFIG:-$HERE/gunicorn.conf.py}"
cd "${SERVICE_DIR:-.}"
if [ ! -f manage.py ]; then
    echo "entrypoint: no manage.py in $(pwd); set SERVICE_DIR to the service's directory" >&2
    exit 2
fi

enabled() {
    case "$1" in
        1 | true | TRUE | True | yes | YES | on | ON) return 0 ;;
        *) return 1 ;;
    esac
}

log() {
    echo "entrypoint: $*" >&2
}

manage() {
    "$PYTHON" manage.py "$@"
}

wait_for_db() {
    if enabled "${WAIT_FOR_DB:-1}"; then
        log "waiting for the database"
        manage wait_for_db
    fi
}

migrate() {
    if enabled "${RUN_MIGRATIONS:-1}"; then
        log "applying migrations"
        manage migrate --noinput
    fi
}

prepare_web() {
    wait_for_db
    migrate
    if enabled "${RUN_COLLECTSTATIC:-1}"; then
        log "collecting static files"
        manage collectstatic --noinput -v 0
    fi
    if enabled "${ENSURE_DEV_ADMIN:-0}"; then
        manage ensure_dev_admin
    fi
    if enabled "${SEED_DEMO:-0}" && manage help seed_demo >/dev/null 2>&1; then
        manage seed_demo
    fi
}

role="${1:-web}"
[ "$#" -gt 0 ] && shift

case "$role" in
    web)
        : "${PORT:?entrypoint: PORT must be set for the web role}"
        prepare_web
        # /metrics adds up every gunicorn worker through prometheus_client's multiprocess
        # files; stale files of an earlier run would be counted too, so they go first.
        PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-${TMPDIR:-/tmp}/prometheus-${PORT}}"
        export PROMETHEUS_MULTIPROC_DIR
        mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
        find "$PROMETHEUS_MULTIPROC_DIR" -maxdepth 1 -name '*.db' -type f -delete
        log "starting gunicorn on 0.0.0.0:${PORT}"
        exec "$PYTHON" -m gunicorn config.wsgi:application \
            --config "$GUNICORN_CONFIG" \
            --bind "0.0.0.0:${PORT}" \
            --workers "${GUNICORN_WORKERS:-2}" \
            --threads "${GUNICORN_THREADS:-1}" \
            --timeout "${GUNICORN_TIMEOUT:-30}" \
            --graceful-timeout "${GUNICORN_GRACEFUL_TIMEOUT:-20}" \
            --max-requests "${GUNICORN_MAX_REQUESTS:-1000}" \
            --max-requests-jitter "${GUNICORN_MAX_REQUESTS_JITTER:-100}" \
            --forwarded-allow-ips "${GUNICORN_FORWARDED_ALLOW_IPS:-*}" \
            --worker-tmp-dir "${GUNICORN_WORKER_TMP_DIR:-/tmp}" \
            --no-control-socket \
            --log-level "$(echo "${LOG_LEVEL:-info}" | tr '[:upper:]' '[:lower:]')" \
            "$@"
        ;;
    worker)
        wait_for_db
        log "starting the purchase worker"
        exec "$PYTHON" manage.py process_purchases "$@"
        ;;
    migrate)
        wait_for_db
        RUN_MIGRATIONS=1 migrate
        ;;
    *)
        if manage help "$role" >/dev/null 2>&1; then
            exec "$PYTHON" manage.py "$role" "$@"
        fi
        exec "$role" "$@"
        ;;
esac
