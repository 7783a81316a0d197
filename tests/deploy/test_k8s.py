"""The Kubernetes base: valid manifests, hardened pods, and wiring consistent with the code."""

from __future__ import annotations

import re

import kubernetes_validate
import pytest

from common.services import SERVICE_PORTS, service_url_variable
from tests.deploy.kustomize_rendering import (
    K8S_BASE,
    UnsupportedKustomization,
    kustomize_build,
    load_documents,
    resources_of_kind,
)

KUBERNETES_VERSION = "1.37.0"
SECRET_EXAMPLE = K8S_BASE / "secret.example.yaml"
PUBLIC_ROUTES = {
    "/api/auth": "user_service",
    "/api/users": "user_service",
    "/api/products": "product_service",
    "/api/orders": "order_service",
    "/api/purchases": "store_service",
    "/api/vouchers": "store_service",
}


@pytest.fixture(scope="module")
def documents():
    return kustomize_build()


def k8s_name(service: str) -> str:
    return service.replace("_", "-")


def pod_specs(documents) -> dict[str, dict]:
    """`Kind/name` -> pod spec, for every workload."""
    return {f"{doc['kind']}/{doc['metadata']['name']}": doc["spec"]["template"]["spec"]
            for doc in documents if doc["kind"] in ("Deployment", "StatefulSet")}


def all_containers(pod_spec: dict) -> list[dict]:
    return pod_spec.get("initContainers", []) + pod_spec["containers"]


def env_value(container: dict, name: str) -> dict | None:
    for item in container.get("env", []):
        if item["name"] == name:
            return item
    return None


def test_every_manifest_is_valid_for_kubernetes_strictly(documents):
    for doc in [*documents, *load_documents(SECRET_EXAMPLE)]:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_strict_validation_rejects_an_unknown_field(documents):
    deployment = next(doc for doc in documents if doc["kind"] == "Deployment")
    broken = {**deployment, "spec": {**deployment["spec"], "replicaz": 2}}

    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_every_file_of_the_base_is_a_resource_except_the_example_secret(documents):
    files = {path.name for path in K8S_BASE.glob("*.yaml")} - {"kustomization.yaml"}
    listed = set(load_documents(K8S_BASE / "kustomization.yaml")[0]["resources"])

    assert files - listed == {"secret.example.yaml"}
    assert all(doc["kind"] != "Secret" for doc in documents)


def test_the_loader_refuses_kustomize_features_it_does_not_implement(tmp_path):
    (tmp_path / "kustomization.yaml").write_text("resources: []\npatches: []\n")

    with pytest.raises(UnsupportedKustomization, match="patches"):
        kustomize_build(tmp_path)


def test_everything_lands_in_the_shop_namespace(documents):
    namespaced = [doc for doc in documents if doc["kind"] != "Namespace"]

    assert {doc["metadata"].get("namespace") for doc in namespaced} == {"shop"}


def test_every_deployment_has_probes_resources_and_a_hardened_security_context(documents):
    deployments = resources_of_kind(documents, "Deployment")

    assert deployments
    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["automountServiceAccountToken"] is False, name
        tmp_volumes = {v["name"] for v in pod.get("volumes", []) if "emptyDir" in v}
        for container in all_containers(pod):
            where = f"{name}/{container['name']}"
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["runAsNonRoot"] is True, where
            assert security["capabilities"]["drop"] == ["ALL"], where
            assert security["seccompProfile"]["type"] == "RuntimeDefault", where
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), where
            assert {"cpu", "memory"} <= set(resources["limits"]), where
            mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
            assert mounts.get("/tmp") in tmp_volumes, f"{where}: /tmp must be an emptyDir"
        for container in pod["containers"]:
            assert container.get("livenessProbe"), name
            assert container.get("readinessProbe"), name


def test_each_service_deployment_probes_healthz_and_readyz_on_its_port(documents):
    deployments = resources_of_kind(documents, "Deployment")
    for service, port in SERVICE_PORTS.items():
        deployment = deployments[k8s_name(service)]
        [app] = deployment["spec"]["template"]["spec"]["containers"]

        assert deployment["spec"]["replicas"] == 2, service
        assert app["ports"] == [{"name": "http", "containerPort": port}], service
        assert env_value(app, "PORT") == {"name": "PORT", "value": str(port)}, service
        assert app["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}, service
        assert app["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}, service
        assert app["args"] == ["web"], service


def test_migrations_run_in_an_init_container_of_the_same_image(documents):
    deployments = resources_of_kind(documents, "Deployment")
    for name in [*(k8s_name(s) for s in SERVICE_PORTS), "purchase-worker"]:
        pod = deployments[name]["spec"]["template"]["spec"]
        [init] = pod["initContainers"]
        main = pod["containers"][0]

        assert init["args"] == ["migrate"], name
        assert init["image"] == main["image"], name
        assert env_value(init, "DATABASE_URL") == env_value(main, "DATABASE_URL"), name


def test_each_workload_reads_its_own_database_url_and_the_required_keys(documents):
    deployments = resources_of_kind(documents, "Deployment")
    owners = {k8s_name(s): s for s in SERVICE_PORTS} | {"purchase-worker": "store_service"}
    for name, service in owners.items():
        main = deployments[name]["spec"]["template"]["spec"]["containers"][0]
        for variable in ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY"):
            assert env_value(main, variable)["valueFrom"]["secretKeyRef"]["key"] == variable
        database = env_value(main, "DATABASE_URL")["valueFrom"]["secretKeyRef"]["key"]
        assert database == f"{service.upper()}_DATABASE_URL", name


def test_every_secret_and_config_reference_exists(documents):
    [secret] = load_documents(SECRET_EXAMPLE)
    config = resources_of_kind(documents, "ConfigMap")
    for where, pod in pod_specs(documents).items():
        for container in all_containers(pod):
            for source in container.get("envFrom", []):
                assert source["configMapRef"]["name"] in config, where
            for item in container.get("env", []):
                ref = item.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] == secret["metadata"]["name"], where
                    assert ref["key"] in secret["stringData"], f"{where}: {ref['key']}"


def test_the_example_secret_holds_placeholders_only():
    [secret] = load_documents(SECRET_EXAMPLE)

    for key, value in secret["stringData"].items():
        if key != "POSTGRES_USER":
            assert "REPLACE" in value, key


def test_the_config_map_points_each_service_url_at_its_service_and_port(documents):
    [config] = resources_of_kind(documents, "ConfigMap").values()
    services = resources_of_kind(documents, "Service")

    assert config["data"]["DJANGO_DEBUG"] == "false"
    for service, port in SERVICE_PORTS.items():
        name = k8s_name(service)
        assert config["data"][service_url_variable(service)] == f"http://{name}:{port}"
        assert [p["port"] for p in services[name]["spec"]["ports"]] == [port]
    redis_host = re.match(r"redis://([^:/]+):(\d+)", config["data"]["REDIS_URL"])
    assert redis_host and redis_host.group(1) in services


def test_no_secret_value_sits_in_the_config_map(documents):
    [config] = resources_of_kind(documents, "ConfigMap").values()

    assert not {"DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "DATABASE_URL"} & set(config["data"])
    assert not any("@" in value for value in config["data"].values())


def test_every_service_selects_the_pods_of_a_workload_on_a_named_port(documents):
    workloads = [doc for doc in documents if doc["kind"] in ("Deployment", "StatefulSet")]
    for name, service in resources_of_kind(documents, "Service").items():
        selector = service["spec"]["selector"]
        matches = [w for w in workloads
                   if selector.items() <= w["spec"]["template"]["metadata"]["labels"].items()]

        assert len(matches) == 1, f"Service {name} selects {len(matches)} workloads"
        ports = {p["name"] for c in matches[0]["spec"]["template"]["spec"]["containers"]
                 for p in c.get("ports", [])}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in ports, name


def test_every_workload_selector_matches_its_own_pod_labels(documents):
    for doc in documents:
        if doc["kind"] in ("Deployment", "StatefulSet"):
            labels = doc["spec"]["template"]["metadata"]["labels"]
            assert doc["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_each_database_is_a_statefulset_with_a_volume_claim(documents):
    statefulsets = resources_of_kind(documents, "StatefulSet")
    services = resources_of_kind(documents, "Service")

    assert len(statefulsets) == len(SERVICE_PORTS)
    for name, statefulset in statefulsets.items():
        [claim] = statefulset["spec"]["volumeClaimTemplates"]
        [postgres] = statefulset["spec"]["template"]["spec"]["containers"]
        assert postgres["image"].startswith("postgres:16"), name
        assert claim["metadata"]["name"] in {m["name"] for m in postgres["volumeMounts"]}
        assert services[statefulset["spec"]["serviceName"]]["spec"]["clusterIP"] == "None"


def test_each_database_url_names_its_own_database_service():
    [secret] = load_documents(SECRET_EXAMPLE)
    for service in SERVICE_PORTS:
        url = secret["stringData"][f"{service.upper()}_DATABASE_URL"]
        assert url.endswith(f"@{service.split('_')[0]}-db:5432/{service}"), service


def test_the_ingress_routes_the_public_prefixes_like_the_gateway(documents):
    [ingress] = resources_of_kind(documents, "Ingress").values()
    services = resources_of_kind(documents, "Service")
    [rule] = ingress["spec"]["rules"]

    routes = {}
    for path in rule["http"]["paths"]:
        backend = path["backend"]["service"]
        assert path["pathType"] == "Prefix"
        assert backend["port"]["number"] in [p["port"] for p in
                                             services[backend["name"]]["spec"]["ports"]]
        routes[path["path"]] = backend["name"]

    assert routes == {prefix: k8s_name(service) for prefix, service in PUBLIC_ROUTES.items()}


def test_every_service_deployment_has_an_autoscaler_and_a_disruption_budget(documents):
    deployments = resources_of_kind(documents, "Deployment")
    autoscalers = resources_of_kind(documents, "HorizontalPodAutoscaler")
    budgets = resources_of_kind(documents, "PodDisruptionBudget")
    for service in SERVICE_PORTS:
        name = k8s_name(service)
        target = autoscalers[name]["spec"]["scaleTargetRef"]
        assert (target["kind"], target["name"]) == ("Deployment", name)
        assert autoscalers[name]["spec"]["minReplicas"] >= 2
    for name, budget in budgets.items():
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items(), name
        assert deployments[name]["spec"]["replicas"] > budget["spec"]["minAvailable"], name


def test_the_purchase_worker_runs_the_store_service_image(documents):
    deployments = resources_of_kind(documents, "Deployment")
    worker = deployments["purchase-worker"]["spec"]["template"]["spec"]["containers"][0]
    store = deployments["store-service"]["spec"]["template"]["spec"]["containers"][0]

    assert worker["args"] == ["worker"]
    assert worker["image"] == store["image"]
    assert "ports" not in worker


def test_every_network_policy_selects_existing_pods(documents):
    labels = [doc["spec"]["template"]["metadata"]["labels"] for doc in documents
              if doc["kind"] in ("Deployment", "StatefulSet")]

    def selects_some_pod(selector):
        wanted = selector.get("matchLabels", {})
        return any(wanted.items() <= pod_labels.items() for pod_labels in labels)

    for name, policy in resources_of_kind(documents, "NetworkPolicy").items():
        assert selects_some_pod(policy["spec"]["podSelector"]), name
        for rule in policy["spec"].get("ingress", []):
            for source in rule.get("from", []):
                assert selects_some_pod(source["podSelector"]), name
