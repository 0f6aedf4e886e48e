"""Renders the ``test_<name>.py`` scene test of an output directory.

The file follows simpler's ``SceneTestCase`` layout so the directory can be dropped into a
simpler checkout and run there; it never imports ptoattn. Its ``CALLABLE`` is a module-level
literal so that ptoattn's own simulator can read it without importing the file (which would
need simpler). The golden is a self-contained torch version of DESIGN.md section 5 in the
blockwise form the kernels use (p rounded to the storage type, bf16 or f16, before the row sum
and the PV product). It uses
torch only: simpler's CI environment (torch and its test extras) has no numpy.
"""

from __future__ import annotations

import dataclasses
import pprint
import textwrap

__all__ = ["KernelEntry", "SceneTest", "render_scene_test"]


@dataclasses.dataclass(frozen=True)
class KernelEntry:
    """One incore kernel as the scene test lists it."""

    func_id: int
    name: str
    source: str  # path relative to the output directory
    core_type: str  # "aic" or "aiv"
    signature: tuple[str, ...]  # "IN" / "OUT" / "INOUT" per tensor argument


@dataclasses.dataclass(frozen=True)
class SceneTest:
    """Everything the scene test states about one compiled configuration."""

    class_name: str
    orchestration_source: str
    kernels: tuple[KernelEntry, ...]
    params: dict
    runtime_env: dict
    header: str
    rtol: float = 1e-3
    atol: float = 1e-3


def _directions(signature: tuple[str, ...]) -> str:
    return "[" + ", ".join(f"D.{d}" for d in signature) + "]"


def _callable_literal(test: SceneTest) -> str:
    lines = [
        "CALLABLE = {",
        '    "orchestration": {',
        f'        "source": {test.orchestration_source!r},',
        '        "function_name": "aicpu_orchestration_entry",',
        '        "signature": [D.IN, D.IN, D.IN, D.IN, D.IN, D.OUT],',
        "    },",
        '    "incores": [',
    ]
    for k in test.kernels:
        lines += [
            "        {",
            f'            "func_id": {k.func_id},',
            f'            "name": {k.name!r},',
            f'            "source": {k.source!r},',
            f'            "core_type": {k.core_type!r},',
            f'            "signature": {_directions(k.signature)},',
            "        },",
        ]
    lines += ["    ],", "}"]
    return "\n".join(lines)


_BODY = '''
def _generate_inputs(params):
    """Inputs in the target argument order; ragged lengths from ``context_lens_list``."""
    g = torch.Generator().manual_seed(params.get("seed", 0))
    batch, heads, kv_heads = params["batch"], params["num_heads"], params["kv_head_num"]
    dim, block, max_blocks = params["head_dim"], params["block_size"], params["max_blocks"]
    lens = torch.tensor(params["context_lens_list"], dtype=torch.int32)
    used = [(int(n) + block - 1) // block for n in lens]
    num_blocks = max(1, sum(used))
    order = torch.randperm(num_blocks, generator=g).to(torch.int32)
    table = torch.zeros((batch, max_blocks), dtype=torch.int32)
    cursor = 0
    for b, n in enumerate(used):
        table[b, :n] = order[cursor:cursor + n]
        cursor += n
    storage = getattr(torch, params.get("dtype", "bfloat16"))
    rand = lambda *shape: torch.randn(*shape, generator=g).to(storage)  # noqa: E731
    return [
        ("query", rand(batch, heads, dim)),
        ("key_cache", rand(num_blocks, block, kv_heads, dim)),
        ("value_cache", rand(num_blocks, block, kv_heads, dim)),
        ("block_table", table),
        ("context_lens", lens),
        ("out", torch.zeros((batch, heads, dim), dtype=torch.float32)),
        ("scale", ctypes.c_float(params["scale"])),
    ]


def _steps(n, per_step, splits):
    """A sequence of n blocks as the kernels step it: (first block, blocks) per step, the
    split parts one after another, each in steps of per_step blocks."""
    per = -(-n // splits)
    steps = []
    for part in range(splits):
        first, left = part * per, max(min(n - part * per, per), 0)
        steps += [(first + j, min(per_step, left - j)) for j in range(0, left, per_step)]
    return steps


def _golden(tensors, params):
    """Online softmax over the kernels' KV steps (kv_blocks_per_task blocks each, split parts
    continued in order), p rounded to the storage type with the step's row max, as the
    kernels compute it (all heads at once)."""
    storage = tensors["query"].dtype
    q = tensors["query"].float()
    k_cache = tensors["key_cache"].float()
    v_cache = tensors["value_cache"].float()
    table = tensors["block_table"].tolist()
    lens = tensors["context_lens"].tolist()
    scale = float(params["scale"])
    block = params["block_size"]
    per_step, splits = params.get("kv_blocks_per_task", 1), params.get("kv_splits", 1)
    batch, heads, dim = q.shape
    kv_of_head = torch.arange(heads) // (heads // params["kv_head_num"])
    out = torch.zeros((batch, heads, dim), dtype=torch.float32)
    for b in range(batch):
        m = torch.full((heads,), float("-inf"))
        l = torch.zeros(heads)
        o = torch.zeros((heads, dim))
        length = int(lens[b])
        for first, count in _steps(-(-length // block), per_step, splits):
            valid = min(length - first * block, count * block)
            ids = torch.tensor(table[b][first:first + count])
            # [heads, valid, dim]: the step's blocks one after another, cut at the context.
            k = k_cache[ids].flatten(0, 1)[:valid].index_select(1, kv_of_head).transpose(0, 1)
            v = v_cache[ids].flatten(0, 1)[:valid].index_select(1, kv_of_head).transpose(0, 1)
            s = torch.bmm(k, q[b].unsqueeze(2)).squeeze(2) * scale
            m_i = s.max(dim=1).values
            p = torch.exp(s - m_i.unsqueeze(1)).to(storage).float()
            m_new = torch.maximum(m, m_i)
            alpha, beta = torch.exp(m - m_new), torch.exp(m_i - m_new)
            l = alpha * l + beta * p.sum(dim=1)
            o = alpha.unsqueeze(1) * o + beta.unsqueeze(1) * torch.bmm(p.unsqueeze(1), v).squeeze(1)
            m = m_new
        out[b] = torch.where((l > 0).unsqueeze(1), o / l.clamp_min(1e-30).unsqueeze(1), torch.zeros(()))
    tensors["out"][:] = out
'''

_CLASS = """
@scene_test(level=2, runtime="tensormap_and_ringbuffer")
class {class_name}(SceneTestCase):
    RTOL = {rtol!r}
    ATOL = {atol!r}
    CALLABLE = CALLABLE
    CASES = CASES

    def generate_args(self, params):
        specs = []
        for name, value in _generate_inputs(params):
            specs.append(TensorArg(name, value) if isinstance(value, torch.Tensor) else Scalar(name, value))
        return TaskArgsBuilder(*specs)

    def compute_golden(self, args, params):
        tensors = {{s.name: s.value for s in args.specs if isinstance(s, TensorArg)}}
        _golden(tensors, params)
        getattr(args, "out")[:] = tensors["out"]


if __name__ == "__main__":
    SceneTestCase.run_module(__name__)
"""


def render_scene_test(test: SceneTest) -> str:
    """The scene test's source text (deterministic for equal inputs)."""
    case = {
        "name": "Compiled",
        "platforms": ["a2a3sim", "a2a3"],
        "params": test.params,
        "config": {"runtime_env": test.runtime_env},
    }
    cases = "CASES = " + pprint.pformat([case], width=96, sort_dicts=True)
    header = "\n".join(f"# {line}".rstrip() for line in test.header.splitlines())
    parts = [
        header,
        '"""Paged attention scene test generated by ptoattn (simpler SceneTestCase layout)."""',
        "",
        "import ctypes",
        "",
        "import torch",
        "from simpler.task_interface import ArgDirection as D",
        "",
        "from simpler_setup import Scalar, SceneTestCase, TaskArgsBuilder, TensorArg, scene_test",
        "",
        _callable_literal(test),
        "",
        cases,
        textwrap.dedent(_BODY).rstrip(),
        "",
        _CLASS.format(class_name=test.class_name, rtol=test.rtol, atol=test.atol).rstrip(),
        "",
    ]
    return "\n".join(parts)
