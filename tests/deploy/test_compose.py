"""The Docker Compose stack: valid against the Compose spec and consistent with the code."""

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from common.services import SERVICE_PORTS, service_url_variable
from tests.deploy.compose_rendering import (
    COMPOSE_DIR,
    COMPOSE_FILE,
    ENV_EXAMPLE,
    REPO_ROOT,
    InterpolationError,
    compose_render,
    dotenv_parse,
    environment_of,
    interpolate,
    variables_referenced,
)

PUBLIC_SERVICES = ("user_service", "product_service", "order_service", "store_service")


@pytest.fixture(scope="module")
def compose():
    return compose_render()


def django_containers(compose) -> dict[str, dict]:
    """Compose services built from compose/Dockerfile: the six web services and the worker."""
    return {name: svc for name, svc in compose["services"].items()
            if (svc.get("build") or {}).get("dockerfile") == "compose/Dockerfile"}


def web_service_names(compose) -> dict[str, str]:
    """Django service name (`user_service`) -> compose service name, for the web containers."""
    return {svc["build"]["args"]["SERVICE"]: name
            for name, svc in django_containers(compose).items() if svc.get("command") == ["web"]}


def test_compose_file_validates_against_the_compose_specification():
    checker = Path(sys.executable).parent / "check-jsonschema"

    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_every_variable_the_compose_file_uses_is_in_the_env_example_and_vice_versa():
    referenced = variables_referenced(COMPOSE_FILE.read_text())
    listed = set(dotenv_parse(ENV_EXAMPLE.read_text()))

    assert referenced - listed == set(), "used by docker-compose.yml, missing in .env.example"
    assert listed - referenced == set(), "listed in .env.example, unused by docker-compose.yml"


def test_the_compose_file_refuses_to_render_without_its_secrets():
    variables = dotenv_parse(ENV_EXAMPLE.read_text())
    del variables["JWT_SIGNING_KEY"]

    with pytest.raises(InterpolationError, match="JWT_SIGNING_KEY"):
        compose_render(variables)


def test_interpolation_follows_the_compose_rules():
    variables = {"SET": "value", "EMPTY": ""}

    assert interpolate("$$SET ${SET} $SET", variables) == "$SET value value"
    assert interpolate("${EMPTY:-d} ${EMPTY-d} ${UNSET-d}", variables) == "d  d"
    assert interpolate("${SET:+alt} ${EMPTY:+alt}", variables) == "alt "
    with pytest.raises(InterpolationError):
        interpolate("${EMPTY:?needed}", variables)


def test_every_service_has_a_healthcheck(compose):
    missing = [name for name, svc in compose["services"].items()
               if not (svc.get("healthcheck") or {}).get("test")]

    assert missing == []


def test_every_platform_service_has_exactly_one_web_container(compose):
    assert sorted(web_service_names(compose)) == sorted(SERVICE_PORTS)


def test_published_ports_port_env_and_healthcheck_agree_with_the_service_ports(compose):
    for service, compose_name in web_service_names(compose).items():
        svc = compose["services"][compose_name]
        port = SERVICE_PORTS[service]

        published = [p.rsplit(":", 2)[-2:] for p in svc["ports"]]

        assert environment_of(svc)["PORT"] == str(port), service
        assert published == [[str(port), str(port)]], service
        assert f"http://127.0.0.1:{port}/readyz" in " ".join(svc["healthcheck"]["test"]), service


def test_django_containers_run_with_debug_off_and_every_required_variable(compose):
    containers = django_containers(compose)

    assert len(containers) == len(SERVICE_PORTS) + 1  # the six services and the worker
    for name, svc in containers.items():
        env = environment_of(svc)
        assert env["DJANGO_DEBUG"] == "false", name
        for variable in ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "DATABASE_URL", "REDIS_URL"):
            assert env.get(variable), f"{name}: {variable} is not set"


def test_each_django_container_uses_its_own_service_database(compose):
    for name, svc in django_containers(compose).items():
        service = svc["build"]["args"]["SERVICE"]
        url = urlsplit(environment_of(svc)["DATABASE_URL"])
        database_host = compose["services"].get(url.hostname)

        assert url.scheme == "postgres", name
        assert url.path == f"/{service}", name
        assert database_host is not None, f"{name}: no compose service {url.hostname}"
        assert database_host["image"].startswith("postgres:16"), name
        assert environment_of(database_host)["POSTGRES_DB"] == service, name
        assert url.password == environment_of(database_host)["POSTGRES_PASSWORD"], name


def test_each_service_url_points_at_the_right_container_and_port(compose):
    web = web_service_names(compose)
    for name, svc in django_containers(compose).items():
        env = environment_of(svc)
        for service, port in SERVICE_PORTS.items():
            assert env[service_url_variable(service)] == f"http://{web[service]}:{port}", name


def test_compose_hostnames_are_valid_django_hosts(compose):
    # Django rejects a Host header with an underscore (DisallowedHost), even with ALLOWED_HOSTS=*.
    for name in compose["services"]:
        assert re.fullmatch(r"[a-z0-9-]+", name), name


def test_depends_on_waits_for_healthy_services(compose):
    services = compose["services"]
    for name, svc in services.items():
        depends_on = svc.get("depends_on") or {}
        assert isinstance(depends_on, dict), f"{name}: depends_on must use conditions"
        for target, rule in depends_on.items():
            assert rule.get("condition") == "service_healthy", f"{name} -> {target}"
            assert services[target].get("healthcheck"), f"{name} -> {target}: no healthcheck"
    for name, svc in django_containers(compose).items():
        assert any(target.endswith("-db") for target in svc["depends_on"]), name
        assert "redis" in svc["depends_on"], name


def test_each_database_keeps_its_data_in_a_named_volume_and_checks_readiness(compose):
    databases = {name: svc for name, svc in compose["services"].items()
                 if svc.get("image", "").startswith("postgres:")}

    assert len(databases) == len(SERVICE_PORTS)
    for name, svc in databases.items():
        volume, _, target = svc["volumes"][0].partition(":")
        assert svc["image"].startswith("postgres:16"), name
        assert target == "/var/lib/postgresql/data", name
        assert volume in compose["volumes"], name
        assert "pg_isready" in " ".join(svc["healthcheck"]["test"]), name


def test_the_purchase_worker_runs_store_service_after_its_migrations(compose):
    workers = [svc for svc in django_containers(compose).values() if svc["command"] == ["worker"]]

    assert len(workers) == 1
    worker = workers[0]
    assert worker["build"]["args"]["SERVICE"] == "store_service"
    assert worker["image"] == compose["services"]["store-service"]["image"]
    assert worker["depends_on"]["store-service"]["condition"] == "service_healthy"
    assert "ports" not in worker


def test_the_gateway_serves_port_8080_with_the_nginx_template(compose):
    gateway = compose["services"]["gateway"]
    env = environment_of(gateway)
    web = web_service_names(compose)

    assert gateway["image"] == "nginx:1.27-alpine"
    assert gateway["ports"] == ["8080:8080"]
    assert env["GATEWAY_PORT"] == "8080"
    assert ("../gateway/default.conf.template:/etc/nginx/templates/default.conf.template:ro"
            in gateway["volumes"])
    for service in PUBLIC_SERVICES:
        upstream = env[f"{service.upper()}_UPSTREAM"]
        assert upstream == f"{web[service]}:{SERVICE_PORTS[service]}"
        assert gateway["depends_on"][web[service]]["condition"] == "service_healthy"
    for variable in ("GATEWAY_RATE_LIMIT", "GATEWAY_RATE_BURST", "GATEWAY_CORS_ORIGIN_REGEX"):
        assert env[variable], variable


def test_the_gateway_gets_every_variable_its_template_uses_and_only_those_are_rendered(compose):
    gateway = compose["services"]["gateway"]
    mounted = gateway["volumes"][0].split(":")[0]
    template = (COMPOSE_DIR / mounted).resolve()
    env = environment_of(gateway)

    used = set(re.findall(r"\$\{([A-Z_]+)\}", template.read_text()))
    rendered = {name for name in env if re.search(env["NGINX_ENVSUBST_FILTER"], name)}

    assert template == REPO_ROOT / "gateway" / "default.conf.template"
    assert used, "the template names no variable"
    assert used <= set(env), f"not set for the gateway: {sorted(used - set(env))}"
    assert rendered == used


def test_only_the_optional_tools_sit_behind_profiles(compose):
    profiles = {name: svc.get("profiles") for name, svc in compose["services"].items()
                if svc.get("profiles")}

    assert profiles == {"pgadmin": ["tools"], "prometheus": ["observability"],
                        "grafana": ["observability"], "jaeger": ["observability"]}


def test_the_observability_profile_mounts_the_repository_configuration(compose):
    mounts = [volume.split(":")[0] for name in ("prometheus", "grafana")
              for volume in compose["services"][name]["volumes"] if volume.startswith("..")]

    assert mounts
    for mount in mounts:
        assert (COMPOSE_DIR / mount).resolve().exists(), mount
    for svc in django_containers(compose).values():
        env = environment_of(svc)
        assert env["OTEL_TRACES_EXPORTER"] == "none"  # tracing is opt-in
        assert urlsplit(env["OTEL_EXPORTER_OTLP_ENDPOINT"]).hostname in compose["services"]


def test_the_dockerfile_builds_one_slim_non_root_image_per_service():
    dockerfile = (COMPOSE_DIR / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+) AS (\w+)", dockerfile, flags=re.MULTILINE)
    final_stage = dockerfile.split("\nFROM ")[-1]

    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim$", dockerfile, flags=re.MULTILINE)
    assert [name for _, name in stages] == ["builder", "runtime"]
    assert "ARG SERVICE" in final_stage
    assert "COPY ${SERVICE}/ /app/" in final_stage
    assert re.search(r"^USER \$\{APP_UID\}:\$\{APP_UID\}$", final_stage, flags=re.MULTILINE)
    assert re.search(r"^ARG APP_UID=[1-9][0-9]+$", final_stage, flags=re.MULTILINE)
    assert 'ENTRYPOINT ["/usr/local/share/shop/entrypoint.sh"]' in final_stage
    assert ("COPY compose/entrypoint.sh compose/gunicorn.conf.py /usr/local/share/shop/"
            in final_stage)
