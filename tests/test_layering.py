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

    code = "import sys, pipelines.curate, pipelines.stages; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
