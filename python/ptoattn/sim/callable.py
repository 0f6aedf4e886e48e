"""What to build for an output directory: the orchestration and the kernels with their ids.

The source of truth is the directory's scene test (``test_<name>.py``, simpler's
SceneTestCase style): its ``CALLABLE`` dict is read with ``ast`` (never imported, since it
imports simpler's own test framework).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from ptoattn.sim.errors import SimError


@dataclass(frozen=True)
class KernelSpec:
    func_id: int
    name: str
    source: Path
    core_type: str  # "aic" or "aiv"


@dataclass(frozen=True)
class CallableSpec:
    root: Path
    orchestration: Path
    kernels: tuple[KernelSpec, ...]


def _value(node: ast.AST):
    """literal_eval that tolerates enum references such as ``D.IN`` (kept as strings)."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):
            raise ValueError("a ** entry in a dict is not a literal")
        return {_value(k): _value(v) for k, v in zip(node.keys, node.values) if k is not None}
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_value(e) for e in node.elts]
    return ast.literal_eval(node)


def _find_callable(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "CALLABLE" for t in node.targets
        ):
            return _value(node.value)
    return None


def spec_from_dict(root: Path, callable_dict: dict) -> CallableSpec:
    try:
        orch = callable_dict["orchestration"]
        kernels = []
        for k in callable_dict["incores"]:
            core = k["core_type"]
            if core not in ("aic", "aiv"):
                raise SimError(
                    f"CALLABLE incore {k.get('name')!r}: core_type must be 'aic' or 'aiv', got {core!r}"
                )
            kernels.append(KernelSpec(int(k["func_id"]), str(k["name"]), root / k["source"], core))
    except KeyError as e:
        raise SimError(f"CALLABLE in {root}: missing key {e}") from None
    ids = [k.func_id for k in kernels]
    if len(set(ids)) != len(ids):
        raise SimError(f"CALLABLE in {root}: duplicate func_id in {ids}")
    return CallableSpec(root, root / orch["source"], tuple(kernels))


def load_callable(out_dir: Path | str) -> CallableSpec:
    root = Path(out_dir)
    if not root.is_dir():
        raise SimError(f"output directory {root} does not exist")
    tests = sorted(root.glob("test_*.py"))
    if not tests:
        raise SimError(f"{root}: no test_<name>.py scene test describing the kernels")
    for t in tests:
        found = _find_callable(ast.parse(t.read_text(), filename=str(t)))
        if found is not None:
            return spec_from_dict(root, found)
    raise SimError(f"{root}: no CALLABLE dict in {', '.join(p.name for p in tests)}")
