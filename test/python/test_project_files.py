"""The project's own setup: every dependency is pinned, and CI runs the checks and the tests."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = list(project["build-system"]["requires"]) + list(project["project"]["dependencies"])
    for extra in project["project"]["optional-dependencies"].values():
        reqs += extra
    return reqs


def test_every_dependency_is_pinned_exactly() -> None:
    reqs = _requirements()
    assert {"ruff", "mypy", "clang-format"} <= {re.split(r"[=<>!~\[ ]", r)[0] for r in reqs}
    loose = [r for r in reqs if not re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][0-9A-Za-z.]*", r)]
    assert not loose, f"not pinned with ==: {loose}"


def test_ci_runs_lint_then_test() -> None:
    commands = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip().startswith("make ")]
    assert commands == ["make lint", "make test"]
