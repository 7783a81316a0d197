"""Build a kustomization the way `kubectl kustomize` does for what k8s/ uses, without kubectl.

Supported: `resources` (files and directories holding a kustomization.yaml) and `namespace`.
Any other field fails loudly, so this loader can never silently disagree with kustomize.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
K8S_BASE = REPO_ROOT / "k8s" / "base"
SUPPORTED_FIELDS = {"apiVersion", "kind", "namespace", "resources"}
CLUSTER_SCOPED_KINDS = {"Namespace", "ClusterRole", "ClusterRoleBinding", "StorageClass",
                        "PersistentVolume", "CustomResourceDefinition", "IngressClass",
                        "PriorityClass"}


class UnsupportedKustomization(ValueError):
    """The kustomization uses a feature this loader does not implement."""


def load_documents(path: Path) -> list[dict[str, Any]]:
    """The non-empty YAML documents of one file."""
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def kustomize_build(directory: Path = K8S_BASE) -> list[dict[str, Any]]:
    """The resources of a kustomization, in order, with its namespace applied."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unsupported = set(kustomization) - SUPPORTED_FIELDS
    if unsupported:
        raise UnsupportedKustomization(f"{directory}: {sorted(unsupported)}")
    documents: list[dict[str, Any]] = []
    for entry in kustomization.get("resources", []):
        path = (directory / entry).resolve()
        documents += kustomize_build(path) if path.is_dir() else load_documents(path)
    namespace = kustomization.get("namespace")
    if namespace:
        for doc in documents:
            if doc["kind"] == "Namespace":
                doc["metadata"]["name"] = namespace
            elif doc["kind"] not in CLUSTER_SCOPED_KINDS:
                doc["metadata"]["namespace"] = namespace
    return documents


def resources_of_kind(documents: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    """name -> resource, for one kind."""
    return {doc["metadata"]["name"]: doc for doc in documents if doc["kind"] == kind}
