"""The Docker Compose stack: valid against the Compose spec, hardened, split into networks, and
consistent with the code (docker itself cannot run here: the model is rendered offline)."""

import ipaddress
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from common.db.provision import postgres_reachable
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
from tests.deploy.production import ImproperlyConfiguredExit, production_settings

SERVICES = SERVICE_PORTS
PUBLIC_SERVICES = ("user_service", "product_service", "order_service", "store_service",
                   "payment_service", "notification_service")
PARTNERS = ("supplier_service", "carrier_service")
DATA_SERVICES = ("postgres", "nats", "redis")
# What a container may add back after dropping every capability, and why.
ALLOWED_CAPABILITIES = {
    "gateway": {"CHOWN", "SETGID", "SETUID"},  # nginx's master prepares folders, drops to nginx
    "postgres": {"CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"},  # initdb, then postgres
    "pgadmin": {"NET_BIND_SERVICE"},  # its python binary carries that file capability
}
SECRET_VARIABLES = re.compile(r"(SECRET_KEY|PASSWORD)$")


@pytest.fixture(scope="module")
def compose():
    return compose_render()


def django_containers(compose) -> dict[str, dict]:
    """Compose services built from compose/Dockerfile: web services and workers."""
    return {name: svc for name, svc in compose["services"].items()
            if (svc.get("build") or {}).get("dockerfile") == "compose/Dockerfile"}


def service_of(container: dict) -> str:
    return container["build"]["args"]["SERVICE"]


def web_service_names(compose) -> dict[str, str]:
    """Django service name (`user_service`) -> compose service name, for the web containers."""
    return {service_of(svc): name
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


@pytest.mark.parametrize("variable", ["DJANGO_SECRET_KEY", "POSTGRES_PASSWORD",
                                      "USER_SERVICE_DB_PASSWORD", "GATEWAY_CORS_ORIGIN_REGEX"])
def test_the_compose_file_refuses_to_render_without_its_secrets(variable):
    variables = dotenv_parse(ENV_EXAMPLE.read_text())
    del variables[variable]

    with pytest.raises(InterpolationError, match=variable):
        compose_render(variables)


def test_interpolation_follows_the_compose_rules():
    variables = {"SET": "value", "EMPTY": ""}

    assert interpolate("$$SET ${SET} $SET", variables) == "$SET value value"
    assert interpolate("${EMPTY:-d} ${EMPTY-d} ${UNSET-d}", variables) == "d  d"
    assert interpolate("${SET:+alt} ${EMPTY:+alt}", variables) == "alt "
    with pytest.raises(InterpolationError):
        interpolate("${EMPTY:?needed}", variables)


def test_every_secret_of_the_example_is_a_change_me_placeholder():
    variables = dotenv_parse(ENV_EXAMPLE.read_text())
    secrets = {name: value for name, value in variables.items() if SECRET_VARIABLES.search(name)}

    assert len(secrets) >= len(SERVICES) + 4
    for name, value in secrets.items():
        assert value.startswith("change-me-"), name


def test_production_settings_refuse_the_example_secret_key(compose, monkeypatch):
    environment = environment_of(compose["services"]["user-service"])

    with pytest.raises(ImproperlyConfiguredExit, match="DJANGO_SECRET_KEY"):
        production_settings(monkeypatch, environment, "user_service")


def test_production_settings_refuse_an_example_database_password(compose, monkeypatch):
    variables = {**dotenv_parse(ENV_EXAMPLE.read_text()),
                 "DJANGO_SECRET_KEY": "a-real-secret-" + "x" * 40}
    for service, name in web_service_names(compose_render(variables)).items():
        environment = environment_of(compose_render(variables)["services"][name])

        with pytest.raises(ImproperlyConfiguredExit, match="DATABASE_URL"):
            production_settings(monkeypatch, environment, service)


def test_every_service_has_a_healthcheck(compose):
    missing = [name for name, svc in compose["services"].items()
               if not (svc.get("healthcheck") or {}).get("test")]

    assert missing == []


def test_every_container_drops_every_capability_and_new_privileges_and_has_limits(compose):
    for name, svc in compose["services"].items():
        limits = svc["deploy"]["resources"]["limits"]

        assert svc["cap_drop"] == ["ALL"], name
        assert set(svc.get("cap_add", [])) <= ALLOWED_CAPABILITIES.get(name, set()), name
        assert svc["security_opt"] == ["no-new-privileges:true"], name
        assert float(limits["cpus"]) > 0 and re.fullmatch(r"\d+[MG]", limits["memory"]), name


def test_every_platform_service_has_exactly_one_web_container(compose):
    assert sorted(web_service_names(compose)) == sorted(SERVICES)


def test_published_ports_port_env_and_healthcheck_agree_with_the_service_ports(compose):
    for service, compose_name in web_service_names(compose).items():
        svc = compose["services"][compose_name]
        port = SERVICES[service]

        assert environment_of(svc)["PORT"] == str(port), service
        assert svc["ports"] == [f"127.0.0.1:{port}:{port}"], service
        assert "/readyz" in " ".join(svc["healthcheck"]["test"]), service
        assert "os.environ[\"PORT\"]" in " ".join(svc["healthcheck"]["test"]), service


def test_django_containers_run_with_debug_off_and_every_required_variable(compose):
    for name, svc in django_containers(compose).items():
        env = environment_of(svc)
        assert env["DJANGO_DEBUG"] == "false", name
        assert env["ENSURE_DEV_ADMIN"] == "false", name  # no example admin password
        for variable in ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "NATS_URL"):
            assert env.get(variable), f"{name}: {variable} is not set"


def test_each_django_container_uses_its_own_role_and_database(compose):
    postgres = environment_of(compose["services"]["postgres"])

    assert postgres["SERVICE_DATABASES"].split() == list(SERVICES)
    for name, svc in django_containers(compose).items():
        service = service_of(svc)
        url = urlsplit(environment_of(svc)["DATABASE_URL"])

        assert (url.scheme, url.hostname, url.port) == ("postgres", "postgres", 5432), name
        assert (url.username, url.path) == (service, f"/{service}"), name
        assert url.password == postgres[f"{service.upper()}_DB_PASSWORD"], name


def test_the_init_script_gives_each_service_a_role_and_a_database_closed_to_others(tmp_path):
    server = (os.environ.get("POSTGRES_URL") or "postgres://postgres@127.0.0.1:5432").rstrip("/")
    if not postgres_reachable(server) or shutil.which("psql") is None:
        pytest.skip("PostgreSQL and psql are needed (CI provides both)")
    parts = urlsplit(server)
    prefix = f"{os.environ.get('DATABASE_NAME_PREFIX', '')}deploytest_".lower()
    names = [f"{prefix}alpha_service", f"{prefix}beta_service"]
    env = {**os.environ, "PGHOST": parts.hostname, "PGPORT": str(parts.port or 5432),
           "PGUSER": parts.username or "postgres", "SERVICE_DATABASES": " ".join(names),
           **{f"{name.upper()}_DB_PASSWORD": f"pw-{name}" for name in names}}
    if parts.password:
        env["PGPASSWORD"] = parts.password

    def drop():
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
                admin.execute(f'DROP ROLE IF EXISTS "{name}"')

    drop()
    try:
        result = subprocess.run(["sh", str(COMPOSE_DIR / "postgres" / "init-databases.sh")],
                                env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        alpha, beta = names
        host = f"{parts.hostname}:{parts.port or 5432}"
        with psycopg.connect(f"postgres://{alpha}:pw-{alpha}@{host}/{alpha}") as own:
            assert own.execute("SELECT current_user").fetchone() == (alpha,)
            own.execute("CREATE TABLE owned_by_the_service (id int)")  # it owns the schema
        with pytest.raises(psycopg.OperationalError, match="CONNECT"):
            psycopg.connect(f"postgres://{alpha}:pw-{alpha}@{host}/{beta}")
        missing = {**env, f"{beta.upper()}_DB_PASSWORD": ""}
        again = subprocess.run(["sh", str(COMPOSE_DIR / "postgres" / "init-databases.sh")],
                               env=missing, capture_output=True, text=True, timeout=60)
        assert again.returncode != 0
    finally:
        drop()


def test_each_container_gets_only_its_own_private_key_and_the_public_keys(compose):
    declared = compose["secrets"]
    for name, svc in django_containers(compose).items():
        service = service_of(svc)
        env = environment_of(svc)
        mounted = {secret["target"]: secret["source"] for secret in svc["secrets"]}
        expected = {"private.pem": f"{service}_key", "public.json": "jwt_public_keys"}
        if service == "user_service":
            expected["user_tokens.pem"] = "user_tokens_key"

        assert mounted == expected, name
        assert declared[f"{service}_key"]["file"] == f"../.keys/{service}/private.pem"
        for variable, target in (("JWT_PRIVATE_KEY", "private.pem"),
                                 ("JWT_PUBLIC_KEYS", "public.json")):
            assert env[variable] == f"/run/secrets/{target}", name
    assert declared["jwt_public_keys"]["file"] == "../.keys/public.json"
    assert declared["user_tokens_key"]["file"] == "../.keys/user_service/user_tokens.pem"


def test_each_service_url_points_at_the_right_container_and_port(compose):
    web = web_service_names(compose)
    for name, svc in django_containers(compose).items():
        env = environment_of(svc)
        for service, port in SERVICES.items():
            assert env[service_url_variable(service)] == f"http://{web[service]}:{port}", name


def test_compose_hostnames_are_valid_django_hosts(compose):
    # Django rejects a Host header with an underscore (DisallowedHost), even with ALLOWED_HOSTS=*.
    for name in compose["services"]:
        assert re.fullmatch(r"[a-z0-9-]+", name), name


def test_depends_on_waits_for_healthy_services(compose):
    services = compose["services"]
    for name, svc in services.items():
        for target, rule in (svc.get("depends_on") or {}).items():
            assert rule == {"condition": "service_healthy"}, f"{name} -> {target}"
            assert services[target].get("healthcheck"), f"{name} -> {target}: no healthcheck"
    for name, svc in django_containers(compose).items():
        assert {"postgres", "nats", "redis"} <= set(svc["depends_on"]), name


def networks_of(compose, name: str) -> set[str]:
    return set(compose["services"][name]["networks"])


def test_networks_split_public_backend_and_data(compose):
    web = web_service_names(compose)

    assert set(compose["networks"]) == {"public", "backend", "data"}
    assert networks_of(compose, "gateway") == {"public"}
    for name in DATA_SERVICES:
        assert networks_of(compose, name) == {"data"}, name
    for service in PUBLIC_SERVICES:
        assert networks_of(compose, web[service]) == {"public", "backend", "data"}, service
    for name, svc in django_containers(compose).items():
        if svc["command"] != ["web"] or service_of(svc) in PARTNERS:
            assert networks_of(compose, name) == {"backend", "data"}, name
    on_public = {name for name in compose["services"] if "public" in networks_of(compose, name)}
    assert on_public == {"gateway", *(web[service] for service in PUBLIC_SERVICES)}


def test_the_services_trust_only_the_gateways_fixed_address_as_a_proxy(compose):
    [address] = [settings["ipv4_address"]
                 for settings in compose["services"]["gateway"]["networks"].values()]
    [subnet] = compose["networks"]["public"]["ipam"]["config"]

    assert ipaddress.ip_address(address) in ipaddress.ip_network(subnet["subnet"])
    for name, svc in django_containers(compose).items():
        assert environment_of(svc)["TRUSTED_PROXIES"] == address, name


def test_no_partner_database_or_broker_is_reachable_from_the_gateway(compose):
    web = web_service_names(compose)
    gateway = networks_of(compose, "gateway")

    for name in (*DATA_SERVICES, *(web[service] for service in PARTNERS), "mailpit"):
        assert not gateway & networks_of(compose, name), name
    for service in PUBLIC_SERVICES:
        assert gateway & networks_of(compose, web[service]), service


def test_each_service_has_an_event_worker_of_its_own_image(compose):
    containers = django_containers(compose)
    web = web_service_names(compose)
    for service in SERVICES:
        events = containers[f"{service.removesuffix('_service')}-events"]

        assert events["command"] == ["run_events"], service
        assert events["image"] == containers[web[service]]["image"], service
        assert environment_of(events) == environment_of(containers[web[service]]), service
        assert events["depends_on"][web[service]] == {"condition": "service_healthy"}
        assert "ports" not in events


def test_the_purchase_and_order_expiry_workers_run_after_their_service(compose):
    for name, service, command in (("purchase-worker", "store-service", ["worker"]),
                                   ("order-expiry", "order-service", ["expire_orders"])):
        worker = compose["services"][name]

        assert worker["command"] == command, name
        assert worker["image"] == compose["services"][service]["image"], name
        assert worker["depends_on"][service]["condition"] == "service_healthy", name
        assert "ports" not in worker


def test_nats_runs_jetstream_on_a_volume_and_is_health_gated(compose):
    nats = compose["services"]["nats"]
    volume, _, target = nats["volumes"][0].partition(":")

    assert nats["image"].startswith("nats:")
    assert "-js" in nats["command"]
    assert nats["command"][nats["command"].index("-sd") + 1] == target
    assert volume in compose["volumes"]
    assert "http://127.0.0.1:8222/healthz" in " ".join(nats["healthcheck"]["test"])


def test_the_database_keeps_its_data_in_a_volume_and_checks_readiness_over_tcp(compose):
    postgres = compose["services"]["postgres"]
    volume, _, target = postgres["volumes"][0].partition(":")
    init_script = postgres["volumes"][1].split(":")

    assert postgres["image"].startswith("postgres:16")
    assert (volume in compose["volumes"], target) == (True, "/var/lib/postgresql/data")
    assert (COMPOSE_DIR / init_script[0]).resolve() == COMPOSE_DIR / "postgres/init-databases.sh"
    assert init_script[1].startswith("/docker-entrypoint-initdb.d/")
    assert "pg_isready -h 127.0.0.1" in " ".join(postgres["healthcheck"]["test"])


def test_mail_goes_to_mailpit_in_the_tools_profile(compose):
    notification = environment_of(compose["services"]["notification-service"])
    mailpit = compose["services"]["mailpit"]

    assert mailpit["profiles"] == ["tools"]
    assert notification["EMAIL_HOST"] == "mailpit"
    assert notification["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert networks_of(compose, "mailpit") & networks_of(compose, "notification-service")


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
        assert upstream == f"{web[service]}:{SERVICES[service]}"
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

    assert profiles == {"mailpit": ["tools"], "pgadmin": ["tools"],
                        "prometheus": ["observability"], "grafana": ["observability"],
                        "jaeger": ["observability"]}


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
    assert networks_of(compose, "prometheus") & networks_of(compose, "user-service")


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
