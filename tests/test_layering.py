"""Layering: cluster → training → pipelines; pipelines imports neither of the others."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO


def imported_packages(package: str) -> set[str]:
    found = set()
    for path in Path(REPO, package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def test_pipelines_imports_neither_training_nor_cluster():
    assert imported_packages("pipelines") & {"training", "cluster"} == set()


def test_training_does_not_import_cluster():
    assert "cluster" not in imported_packages("training")


def test_pipelines_imports_without_torch():
    import subprocess
    import sys

    code = "import sys, pipelines.job.curate, pipelines.stages; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def imported_modules(package: str) -> set[str]:
    found = set()
    for path in Path(REPO, package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
    return found


def test_training_reads_only_the_foundation_the_output_contract_and_reports():
    """training sees pipelines through pipelines.core (errors, schema, config checks, Ray
    start-up, progress), pipelines.output (shards, manifest, atomic writes, locks) and the
    report page helpers — never the readers, stages or the curate job."""
    used = {m for m in imported_modules("training") if m.startswith("pipelines")}
    allowed = ("pipelines.core", "pipelines.output", "pipelines.report")
    assert {m for m in used if not m.startswith(allowed)} == set()


def test_the_foundation_imports_nothing_above_it():
    used = {m for m in imported_modules("pipelines/core") if m.startswith("pipelines")}
    assert {m for m in used if not m.startswith("pipelines.core")} == set()


def test_the_demo_lives_outside_the_library():
    assert not Path(REPO, "pipelines", "demo").exists()
    assert {m for m in imported_modules("pipelines") if m.startswith("cluster")} == set()
