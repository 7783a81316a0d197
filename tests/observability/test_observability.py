"""The observability configuration: Prometheus config valid, the dashboard loads and plots
only metrics the services export."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from common.metrics import instruments
from common.services import SERVICE_PORTS

ROOT = Path(__file__).resolve().parents[2]
OBSERVABILITY = ROOT / "observability"
DOMAIN_METRICS = {"shop_orders", "shop_purchases", "shop_purchase_oldest_waiting_seconds",
                  "shop_circuit_breaker_open"}
PROMQL_FUNCTIONS = {"sum", "by", "rate", "histogram_quantile", "le", "service", "upstream",
                    "outcome", "status", "state", "partner"}


def _exported_names() -> set[str]:
    names = set(DOMAIN_METRICS)
    for metric in (instruments.REQUESTS, instruments.REQUEST_LATENCY, instruments.DB_QUERIES,
                   instruments.UPSTREAM_CALLS):
        for family in metric.collect():
            suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_count", "_sum"]}
            names |= {family.name + suffix for suffix in suffixes.get(family.type, [""])}
    return names


@pytest.mark.skipif(shutil.which("promtool") is None,
                    reason="promtool not installed (apt-get install prometheus); CI installs it")
def test_the_prometheus_configuration_passes_promtool():
    result = subprocess.run(["promtool", "check", "config", str(OBSERVABILITY / "prometheus.yml")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_prometheus_scrapes_every_service_on_its_port():
    config = yaml.safe_load((OBSERVABILITY / "prometheus.yml").read_text())
    targets = {job["job_name"]: job["static_configs"][0]["targets"][0]
               for job in config["scrape_configs"]}
    assert set(targets) == set(SERVICE_PORTS)
    for service, port in SERVICE_PORTS.items():
        assert targets[service] == f"{service.replace('_', '-')}:{port}"


def test_the_dashboard_loads_and_plots_only_exported_metrics():
    dashboard = json.loads((OBSERVABILITY / "grafana/dashboards/shop.json").read_text())
    assert dashboard["uid"] and dashboard["panels"]
    exported = _exported_names()
    titles = set()
    for panel in dashboard["panels"]:
        titles.add(panel["title"])
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            expr = re.sub(r"\{[^}]*\}|\[[^]]*\]|\"[^\"]*\"", "", target["expr"])
            words = set(re.findall(r"[a-z_][a-z0-9_]*", expr)) - PROMQL_FUNCTIONS
            assert words and words <= exported, (panel["title"], words - exported)
    assert {"Request rate per service", "p95 latency per service", "Purchases by state",
            "Circuit breakers (1 = open)", "Worker lag: oldest purchase waiting"} <= titles


def test_grafana_provisioning_points_at_the_dashboard_folder_and_datasources():
    providers = yaml.safe_load(
        (OBSERVABILITY / "grafana/provisioning/dashboards/dashboards.yml").read_text())
    assert providers["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
    sources = yaml.safe_load(
        (OBSERVABILITY / "grafana/provisioning/datasources/prometheus.yml").read_text())
    assert {s["type"] for s in sources["datasources"]} == {"prometheus", "jaeger"}


def test_kubernetes_pods_are_scraped_and_know_the_otlp_endpoint():
    # The one Deployment shape of every service's API (k8s/components/django-service).
    [api] = [doc for doc in yaml.safe_load_all(
        (ROOT / "k8s/components/django-service/workloads.yaml").read_text())
        if doc["kind"] == "Deployment" and doc["metadata"]["name"] == "service"]
    annotations = api["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/path"] == "/metrics"
    [config] = [doc["data"] for doc in yaml.safe_load_all(
        (ROOT / "k8s/base/platform.yaml").read_text()) if doc["metadata"]["name"] == "shop-config"]
    assert config["OTEL_EXPORTER_OTLP_ENDPOINT"].startswith("http")
    assert config["OTEL_TRACES_EXPORTER"] in ("none", "otlp")
