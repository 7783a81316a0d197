"""Kubernetes: every overlay rendered by the real `kubectl kustomize`, validated strictly, and
checked for hardened pods and wiring consistent with the code."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from common.services import SERVICE_PORTS, service_url_variable
from tests.deploy.production import ImproperlyConfiguredExit, production_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
K8S = REPO_ROOT / "k8s"
OVERLAYS = ("dev", "prod")
KUBERNETES_VERSION = "1.37.0"
SECRET_EXAMPLE = K8S / "base" / "secret.example.yaml"
# k8s/ before it was composed: 2,941 lines of hand-written YAML in k8s/base.
HAND_WRITTEN_LINES_BEFORE = 2941
SERVICES = SERVICE_PORTS
PUBLIC_ROUTES = {
    "/api/auth": "user_service",
    "/api/users": "user_service",
    "/.well-known/jwks.json": "user_service",
    "/api/products": "product_service",
    "/api/orders": "order_service",
    "/api/purchases": "store_service",
    "/api/vouchers": "store_service",
    "/api/payments": "payment_service",
    "/api/notifications": "notification_service",
}
PARTNERS = {"supplier_service", "carrier_service"}
WORKERS = {"store-worker": ("store", ["worker"]), "order-worker": ("order", ["expire_orders"])}
CONTAINER_PORT = 8000


def kustomize(directory: Path) -> list[dict]:
    """The documents `kubectl kustomize` renders for a directory."""
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is not installed (Debian: apt-get install kubectl; .ci/run does)"
    result = subprocess.run([kubectl, "kustomize", str(directory)], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@functools.cache
def rendered(overlay: str) -> tuple[dict, ...]:
    return tuple(kustomize(K8S / "overlays" / overlay))


@pytest.fixture(scope="module", params=OVERLAYS)
def documents(request) -> list[dict]:
    return list(rendered(request.param))


@pytest.fixture(scope="module")
def prod() -> list[dict]:
    return list(rendered("prod"))


def of_kind(documents, kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in documents if doc["kind"] == kind}


def k8s_name(service: str) -> str:
    return service.replace("_", "-")


def instance(service: str) -> str:
    return service.removesuffix("_service")


def workloads(documents) -> dict[str, dict]:
    return {**of_kind(documents, "Deployment"), **of_kind(documents, "StatefulSet")}


def all_containers(pod: dict) -> list[dict]:
    return pod.get("initContainers", []) + pod["containers"]


def env_of(container: dict) -> dict[str, str]:
    return {item["name"]: item.get("value") for item in container.get("env", [])}


def django_workloads(documents) -> dict[str, dict]:
    return {name: d for name, d in of_kind(documents, "Deployment").items()
            if d["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/component")
            in ("api", "events", "worker")}


def test_every_overlay_renders_and_validates_strictly(documents):
    examples = [doc for doc in yaml.safe_load_all(SECRET_EXAMPLE.read_text()) if doc]
    for doc in [*documents, *examples]:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_strict_validation_rejects_an_unknown_field(prod):
    deployment = next(doc for doc in prod if doc["kind"] == "Deployment")
    broken = {**deployment, "spec": {**deployment["spec"], "replicaz": 2}}

    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_a_broken_kustomization_fails_to_render(tmp_path):
    (tmp_path / "kustomization.yaml").write_text("resources: [missing.yaml]\n")

    with pytest.raises(AssertionError, match=r"missing\.yaml"):
        kustomize(tmp_path)


def test_the_hand_written_yaml_is_a_third_of_what_it_was():
    lines = sum(len(path.read_text().splitlines()) for path in K8S.rglob("*.yaml"))

    assert lines <= HAND_WRITTEN_LINES_BEFORE / 3, lines


def test_prod_has_every_kind_of_object_it_had_and_the_broker(prod):
    kinds = {doc["kind"] for doc in prod}

    assert kinds >= {"Namespace", "ConfigMap", "Deployment", "Service", "StatefulSet", "Ingress",
                     "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"}
    assert "Secret" not in kinds  # secrets are created apart (secret.example.yaml)


def test_everything_lands_in_the_shop_namespace(documents):
    namespaced = [doc for doc in documents if doc["kind"] != "Namespace"]

    assert {doc["metadata"].get("namespace") for doc in namespaced} == {"shop"}


def test_every_workload_is_hardened_with_probes_and_limits(documents):
    for name, workload in workloads(documents).items():
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["automountServiceAccountToken"] is False, name
        for container in all_containers(pod):
            where = f"{name}/{container['name']}"
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["capabilities"]["drop"] == ["ALL"], where
            assert security["seccompProfile"]["type"] == "RuntimeDefault", where
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]), where
            assert {"cpu", "memory"} <= set(container["resources"]["limits"]), where
        for container in pod["containers"]:
            assert container.get("livenessProbe") and container.get("readinessProbe"), name


def test_django_pods_write_only_to_an_empty_dir_tmp(documents):
    for name, deployment in django_workloads(documents).items():
        pod = deployment["spec"]["template"]["spec"]
        empty_dirs = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
        for container in all_containers(pod):
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert mounts["/tmp"] in empty_dirs, name


def test_each_service_has_its_api_with_probes_on_its_port_and_a_service(documents):
    deployments = of_kind(documents, "Deployment")
    services = of_kind(documents, "Service")
    for service, port in SERVICES.items():
        deployment = deployments[k8s_name(service)]
        [app] = deployment["spec"]["template"]["spec"]["containers"]

        assert app["args"] == ["web"], service
        assert app["ports"] == [{"name": "http", "containerPort": CONTAINER_PORT}], service
        assert env_of(app)["PORT"] == str(CONTAINER_PORT), service
        assert env_of(app)["SERVICE_NAME"] == service
        assert app["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}, service
        assert app["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}, service
        assert services[k8s_name(service)]["spec"]["ports"] == [
            {"name": "http", "port": port, "targetPort": "http"}], service


def test_each_service_has_an_event_worker_of_its_own_image(documents):
    deployments = of_kind(documents, "Deployment")
    for service in SERVICES:
        events = deployments[f"{instance(service)}-events"]["spec"]["template"]["spec"]
        api = deployments[k8s_name(service)]["spec"]["template"]["spec"]

        deployment = deployments[f"{instance(service)}-events"]["spec"]
        assert (deployment["replicas"], deployment["strategy"]) == (1, {"type": "Recreate"})
        assert events["containers"][0]["args"] == ["run_events"], service
        assert events["containers"][0]["image"] == api["containers"][0]["image"], service
        assert "ports" not in events["containers"][0]


def test_the_purchase_and_order_expiry_workers_run_their_service_image(documents):
    deployments = of_kind(documents, "Deployment")
    for name, (owner, args) in WORKERS.items():
        [worker] = deployments[name]["spec"]["template"]["spec"]["containers"]
        [api] = deployments[f"{owner}-service"]["spec"]["template"]["spec"]["containers"]

        assert worker["args"] == args, name
        assert worker["image"] == api["image"] == f"shop/{owner}-service:0.1.0", name


def test_migrations_run_in_an_init_container_of_the_same_image_and_settings(documents):
    for name, deployment in django_workloads(documents).items():
        pod = deployment["spec"]["template"]["spec"]
        [init] = pod["initContainers"]
        main = pod["containers"][0]

        assert init["args"] == ["migrate"], name
        assert init["image"] == main["image"], name
        assert init["env"] == main["env"][:len(init["env"])], name
        assert init["envFrom"] == main["envFrom"], name


def test_each_workload_reaches_only_its_own_database_with_its_own_role(documents):
    statefulsets = of_kind(documents, "StatefulSet")
    for name, deployment in django_workloads(documents).items():
        owner = deployment["metadata"]["labels"]["app.kubernetes.io/instance"]
        service = f"{owner}_service"
        main = deployment["spec"]["template"]["spec"]["containers"][0]
        env = env_of(main)
        url = (env["DATABASE_URL"].replace("$(SERVICE_NAME)", env["SERVICE_NAME"])
               .replace("$(DB_HOST)", env["DB_HOST"]))

        assert url == f"postgres://{service}:$(POSTGRES_PASSWORD)@{owner}-db:5432/{service}", name
        assert main["envFrom"][1] == {"secretRef": {"name": f"{owner}-service"}}, name
        database = statefulsets[f"{owner}-db"]["spec"]["template"]["spec"]["containers"][0]
        db_env = {item["name"]: item for item in database["env"]}
        assert db_env["POSTGRES_DB"]["value"] == service
        assert db_env["POSTGRES_USER"]["value"] == "$(POSTGRES_DB)"
        assert db_env["POSTGRES_PASSWORD"]["valueFrom"]["secretKeyRef"] == {
            "name": f"{owner}-service", "key": "POSTGRES_PASSWORD"}


def test_each_pod_mounts_only_its_own_private_key_and_the_public_keys(documents):
    for name, deployment in django_workloads(documents).items():
        owner = deployment["metadata"]["labels"]["app.kubernetes.io/instance"]
        pod = deployment["spec"]["template"]["spec"]
        [keys] = [volume for volume in pod["volumes"] if volume["name"] == "keys"]
        secrets = [source["secret"]["name"] for source in keys["projected"]["sources"]]
        referenced = {source.get("secretRef", {}).get("name")
                      for container in all_containers(pod) for source in container["envFrom"]}

        assert secrets == [f"{owner}-service-keys", "jwt-public-keys"], name
        assert referenced - {None} == {f"{owner}-service"}, name
        for container in all_containers(pod):
            assert {"mountPath": "/keys", "name": "keys", "readOnly": True} in container[
                "volumeMounts"], name


def test_the_key_settings_point_into_the_mounted_key_files(documents):
    [config] = [doc for doc in documents if doc["kind"] == "ConfigMap"
                and doc["metadata"]["name"] == "shop-config"]
    data = config["data"]
    examples = {doc["metadata"]["name"]: doc for doc in yaml.safe_load_all(
        SECRET_EXAMPLE.read_text()) if doc}

    assert data["JWT_KEYS_DIR"] == "/keys"
    for variable, secret in (("JWT_PUBLIC_KEYS", "jwt-public-keys"),
                             ("JWT_PRIVATE_KEY", "user-service-keys"),
                             ("JWT_USER_PRIVATE_KEY", "user-service-keys")):
        file_name = data[variable].removeprefix("/keys/")
        assert file_name in examples[secret]["stringData"], variable


def test_the_example_secrets_hold_placeholders_only():
    for secret in yaml.safe_load_all(SECRET_EXAMPLE.read_text()):
        for key, value in secret["stringData"].items():
            assert value.startswith("REPLACE-with"), key


def pod_environment(documents, deployment: str, secret: dict[str, str]) -> dict[str, str]:
    """The environment the kubelet gives a Deployment's app container with `secret` mounted."""
    config = of_kind(documents, "ConfigMap")["shop-config"]["data"]
    [app] = of_kind(documents, "Deployment")[deployment]["spec"]["template"]["spec"]["containers"]
    environment = {**config, **secret}
    for name, value in env_of(app).items():
        environment[name] = re.sub(r"\$\((\w+)\)", lambda m: environment[m.group(1)], value)
    return environment


def test_production_settings_refuse_the_example_secrets(prod, monkeypatch):
    examples = {doc["metadata"]["name"]: doc["stringData"]
                for doc in yaml.safe_load_all(SECRET_EXAMPLE.read_text())}
    environment = pod_environment(prod, "user-service", examples["user-service"])

    with pytest.raises(ImproperlyConfiguredExit, match="DJANGO_SECRET_KEY"):
        production_settings(monkeypatch, environment, "user_service")
    environment["DJANGO_SECRET_KEY"] = "a-real-secret-" + "x" * 40
    with pytest.raises(ImproperlyConfiguredExit, match="DATABASE_URL"):
        production_settings(monkeypatch, environment, "user_service")


def test_the_config_map_points_each_service_url_at_its_service_and_port(documents):
    config = of_kind(documents, "ConfigMap")["shop-config"]["data"]
    services = of_kind(documents, "Service")

    assert config["DJANGO_DEBUG"] == "false"
    for service, port in SERVICES.items():
        assert config[service_url_variable(service)] == f"http://{k8s_name(service)}:{port}"
        assert [p["port"] for p in services[k8s_name(service)]["spec"]["ports"]] == [port]
    for variable, pattern in (("REDIS_URL", r"redis://([^:/]+):6379"),
                              ("NATS_URL", r"nats://([^:/]+):4222")):
        host = re.match(pattern, config[variable])
        assert host and host.group(1) in services, variable


def test_no_secret_value_sits_in_a_config_map(documents):
    for name, config in of_kind(documents, "ConfigMap").items():
        assert not {"DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "DATABASE_URL"} & set(
            config["data"]), name
        assert not any("@" in value for value in config["data"].values()), name


def test_every_service_object_selects_the_pods_of_one_workload_on_a_named_port(documents):
    all_workloads = workloads(documents).values()
    for name, service in of_kind(documents, "Service").items():
        selector = service["spec"]["selector"]
        matches = [w for w in all_workloads
                   if selector.items() <= w["spec"]["template"]["metadata"]["labels"].items()]

        assert len(matches) == 1, f"Service {name} selects {len(matches)} workloads"
        ports = {p["name"] for c in matches[0]["spec"]["template"]["spec"]["containers"]
                 for p in c.get("ports", [])}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in ports, name


def test_every_workload_selector_matches_its_own_pods_and_no_other_workload(documents):
    all_workloads = workloads(documents)
    for name, workload in all_workloads.items():
        selector = workload["spec"]["selector"]["matchLabels"]
        selected = [other for other, w in all_workloads.items()
                    if selector.items() <= w["spec"]["template"]["metadata"]["labels"].items()]

        assert selected == [name]


def test_each_database_is_a_statefulset_with_a_volume_claim_and_a_headless_service(documents):
    statefulsets = of_kind(documents, "StatefulSet")
    services = of_kind(documents, "Service")
    for service in SERVICES:
        statefulset = statefulsets[f"{instance(service)}-db"]
        [claim] = statefulset["spec"]["volumeClaimTemplates"]
        [postgres] = statefulset["spec"]["template"]["spec"]["containers"]

        assert postgres["image"].startswith("postgres:16"), service
        assert claim["metadata"]["name"] in {m["name"] for m in postgres["volumeMounts"]}
        assert services[statefulset["spec"]["serviceName"]]["spec"]["clusterIP"] == "None"


def test_the_ingress_routes_the_public_prefixes_like_the_gateway(documents):
    [ingress] = of_kind(documents, "Ingress").values()
    services = of_kind(documents, "Service")
    [rule] = ingress["spec"]["rules"]

    routes = {}
    for path in rule["http"]["paths"]:
        backend = path["backend"]["service"]
        assert backend["port"]["number"] in [p["port"] for p in
                                             services[backend["name"]]["spec"]["ports"]]
        routes[path["path"]] = backend["name"]

    assert routes == {prefix: k8s_name(service) for prefix, service in PUBLIC_ROUTES.items()}


def test_prod_autoscales_and_protects_every_service_api(prod):
    deployments = of_kind(prod, "Deployment")
    autoscalers = of_kind(prod, "HorizontalPodAutoscaler")
    budgets = of_kind(prod, "PodDisruptionBudget")
    for service in SERVICES:
        name = k8s_name(service)
        spec = autoscalers[name]["spec"]
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]

        assert (spec["scaleTargetRef"]["kind"], spec["scaleTargetRef"]["name"]) == (
            "Deployment", name)
        assert deployments[name]["spec"]["replicas"] == spec["minReplicas"] == 3
        assert spec["maxReplicas"] > spec["minReplicas"]
        assert budgets[name]["spec"]["selector"]["matchLabels"].items() <= labels.items()
        assert deployments[name]["spec"]["replicas"] > budgets[name]["spec"]["minAvailable"]


def test_dev_runs_one_replica_of_each_api_and_worker_without_autoscalers():
    dev = list(rendered("dev"))
    deployments = of_kind(dev, "Deployment")

    assert not of_kind(dev, "HorizontalPodAutoscaler")
    for service in SERVICES:
        assert deployments[k8s_name(service)]["spec"]["replicas"] == 1
    for name in WORKERS:
        assert deployments[name]["spec"]["replicas"] == 1
    assert set(of_kind(dev, "PodDisruptionBudget")) == {"nats"}


def test_nats_is_a_three_node_jetstream_cluster_with_volumes_probes_and_a_budget(documents):
    nats = of_kind(documents, "StatefulSet")["nats"]
    services = of_kind(documents, "Service")
    [container] = nats["spec"]["template"]["spec"]["containers"]
    [claim] = nats["spec"]["volumeClaimTemplates"]
    config = of_kind(documents, "ConfigMap")["nats-config"]["data"]["nats.conf"]
    headless = services[nats["spec"]["serviceName"]]["spec"]
    budget = of_kind(documents, "PodDisruptionBudget")["nats"]["spec"]

    assert nats["spec"]["replicas"] == 3
    assert container["image"].startswith("nats:")
    assert {m["name"]: m["mountPath"] for m in container["volumeMounts"]}[
        claim["metadata"]["name"]] == "/data"
    assert "store_dir: /data" in config and "jetstream" in config
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        check = container[probe]["httpGet"]
        assert check["path"].startswith("/healthz") and check["port"] == "monitor", probe
    assert {"name": "monitor", "containerPort": 8222} in container["ports"]
    assert headless["clusterIP"] == "None" and headless["publishNotReadyAddresses"] is True
    for replica in range(3):
        assert f"nats://nats-{replica}.{nats['metadata']['name']}-cluster:6222" in config
    assert budget["maxUnavailable"] == 1


def pods_selected(documents, selector: dict) -> set[str]:
    """Names of the workloads whose pods a label selector (matchLabels/matchExpressions) picks."""
    picked = set()
    for name, workload in workloads(documents).items():
        labels = workload["spec"]["template"]["metadata"]["labels"]
        if not selector.get("matchLabels", {}).items() <= labels.items():
            continue
        if all(labels.get(rule["key"]) in rule["values"]
               for rule in selector.get("matchExpressions", [])):
            picked.add(name)
    return picked


def ingress_sources(documents, policy: str) -> tuple[set[str], set[str]]:
    """The workloads and the namespaces a policy lets in."""
    spec = of_kind(documents, "NetworkPolicy")[policy]["spec"]
    pods, namespaces = set(), set()
    for rule in spec.get("ingress", []):
        for source in rule["from"]:
            if "podSelector" in source:
                pods |= pods_selected(documents, source["podSelector"])
            else:
                namespaces.add(
                    source["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"])
    return pods, namespaces


def test_everything_is_denied_unless_a_policy_opens_it(documents):
    deny = of_kind(documents, "NetworkPolicy")["default-deny"]["spec"]

    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


def test_a_database_lets_in_only_its_own_services_pods(documents):
    for service in SERVICES:
        pods, namespaces = ingress_sources(documents, f"{instance(service)}-db")
        owners = {workloads(documents)[pod]["metadata"]["labels"]["app.kubernetes.io/instance"]
                  for pod in pods}

        assert owners == {instance(service)} and not namespaces, service
        assert {k8s_name(service), f"{instance(service)}-events"} <= pods


def test_the_gateway_reaches_the_public_services_and_never_a_partner(documents):
    public = set(PUBLIC_ROUTES.values())
    for service in SERVICES:
        _, namespaces = ingress_sources(documents, k8s_name(service))

        assert ("ingress-nginx" in namespaces) == (service in public), service
    assert PARTNERS.isdisjoint(public)


def test_the_partners_and_payments_accept_only_the_store(documents):
    for service in (*PARTNERS, "payment_service"):
        pods, _ = ingress_sources(documents, k8s_name(service))

        assert pods == {"store-service", "store-events", "store-worker"}, service


def test_only_the_notification_service_may_reach_the_mail_relay(documents):
    policy = of_kind(documents, "NetworkPolicy")["notification-smtp"]["spec"]
    config = of_kind(documents, "ConfigMap")["shop-config"]["data"]

    assert pods_selected(documents, policy["podSelector"]) == {
        "notification-service", "notification-events"}
    assert [port["port"] for rule in policy["egress"] for port in rule["ports"]] == [
        int(config["EMAIL_PORT"])]


def test_the_event_stream_is_replicated_on_every_broker_node(documents):
    config = of_kind(documents, "ConfigMap")["shop-config"]["data"]

    assert int(config["EVENT_STREAM_REPLICAS"]) == of_kind(
        documents, "StatefulSet")["nats"]["spec"]["replicas"]


def test_every_policy_selects_existing_pods(documents):
    for name, policy in of_kind(documents, "NetworkPolicy").items():
        selector = policy["spec"]["podSelector"]
        if selector:
            assert pods_selected(documents, selector), name
        for rule in policy["spec"].get("ingress", []):
            for source in rule.get("from", []):
                if "podSelector" in source:
                    assert pods_selected(documents, source["podSelector"]), name


def test_django_pods_may_leave_only_for_dns_data_broker_apis_and_tracing(documents):
    policy = of_kind(documents, "NetworkPolicy")["django-egress"]["spec"]
    rules = set()
    for rule in policy["egress"]:
        ports = tuple(sorted(port["port"] for port in rule["ports"]))
        for peer in rule.get("to") or [{"anywhere": True}]:
            if "podSelector" in peer:
                rules.add((tuple(peer["podSelector"]["matchLabels"].items()), ports))
            elif "namespaceSelector" in peer:
                rules.add((peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
                           ports))
            else:
                rules.add(("anywhere", ports))

    assert pods_selected(documents, policy["podSelector"]) == set(django_workloads(documents))
    assert rules == {
        ("anywhere", (53, 53)),
        ((("app.kubernetes.io/component", "database"),), (5432,)),
        ((("app.kubernetes.io/name", "nats"),), (4222,)),
        ((("app.kubernetes.io/name", "redis"),), (6379,)),
        ((("app.kubernetes.io/component", "api"),), (CONTAINER_PORT,)),
        ("observability", (4318,)),
    }
