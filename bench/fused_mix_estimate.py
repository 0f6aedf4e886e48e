"""Modeled benefit of a fused MIX schedule on the reference case (a design estimate).

The fused schedule is not built (docs/fused-mix.md says why and what it needs). This script
estimates it with the project's own task-level model and unchanged constants, the way
``ptoattn.sim.calibration`` rebuilds simpler's schedules:

- stage costs are those of the emitted one-block kernels (spmd, q-tile 16, one KV block per
  task) as the simulator costs them, per (tile, KV step, lane);
- a fused kernel runs the same stage bodies back to back on its lanes, ordered by the
  handshakes QK_i -> softmax_i -> PV_i -> update_i, the cube QK-first and the vector lane
  softmax-first with two FIFO slots per pipe (as simpler's SPMD MIX kernel orders them);
- each handshake costs ``HANDSHAKE_US`` (no published figure: 0 is the model's view, the
  other values are a sweep, not constants);
- "two lanes" splits the rows over AIV0 and AIV1 as today; "one lane" gives AIV0 both halves
  (the form that runs unchanged in a2a3sim at the pins): its time is the two halves' times
  added, an upper bound;
- with split-KV (S > 1) every (tile, part) is one MIX block and the emitted merge kernel
  follows as one more task.

Nothing here is a test: it prints figures (docs/fused-mix.md records a run).
"""

from __future__ import annotations

import tempfile
from collections import defaultdict

import ptoattn
from ptoattn import runner
from ptoattn.options import CompileOptions
from ptoattn.sim.timing import LANE_ORCH, GraphTask, _cost_constant, model_graph

LENS = [33, 1024, 517, 128]
CONFIG = ptoattn.PagedAttentionConfig(
    batch=4, num_heads=16, num_kv_heads=1, head_dim=128, block_size=128, max_blocks_per_seq=8
)
HANDSHAKE_US = (0.0, 0.2, 0.5)
SPLITS = (1, 2, 4)
STAGES = {
    "qk_matmul": "qk",
    "softmax_prepare": "sf",
    "pv_matmul": "pv",
    "online_update": "up",
}
Cost = tuple[float, float]  # (modeled us, GM bytes) of one invocation


def _run(**options) -> runner.RunOutcome:
    out = tempfile.mkdtemp(prefix="ptoattn-fused-estimate-")
    ptoattn.compile(CONFIG, out, CompileOptions(**options), context_lens=LENS)
    return runner.run(out, context_lens=LENS)


def _invocations(outcome: runner.RunOutcome) -> dict[str, dict[int, dict[int, dict[int, Cost]]]]:
    """kernel -> task -> block -> lane -> cost, from the run's modeled spans."""
    m = outcome.model
    spans = m.spans[m.spans["lane"] < LANE_ORCH]
    out: dict[str, dict[int, dict[int, dict[int, Cost]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(dict))
    )
    for s in spans:
        name = m.kernel_name(int(s["kernel"])).removeprefix("paged_attention_")
        cost = (float(s["end_us"] - s["start_us"]), float(s["bytes"]))
        out[name][int(s["task"])][int(s["block"])][int(s["lane"])] = cost
    return out


def _steps(inv) -> dict[int, list[dict[str, dict[int, Cost]]]]:
    """tile -> the KV steps it really has, each stage -> lane -> cost."""
    per_stage = {short: [inv[k][t] for t in sorted(inv[k])] for k, short in STAGES.items()}
    tiles: dict[int, list[dict[str, dict[int, Cost]]]] = defaultdict(list)
    for step in zip(*per_stage.values()):
        for tile in sorted(step[0]):
            if len(tiles[tile]) < -(-LENS[tile] // CONFIG.block_size):
                tiles[tile].append({s: step[j][tile] for j, s in enumerate(per_stage)})
    return tiles


def _one_lane(steps):
    """AIV0 runs both row halves: the two lanes' times and bytes added."""
    out = []
    for st in steps:
        d = dict(st)
        for k in ("sf", "up"):
            a, b = st[k][1], st[k][2]
            d[k] = {1: (a[0] + b[0], a[1] + b[1]), 2: (0.0, 0.0)}
        out.append(d)
    return out


def _fused_lanes(steps, hs: float, depth: int = 2) -> list[Cost]:
    """Each lane's finishing time and bytes when one MIX block runs `steps` with handshakes."""
    n = len(steps)
    qk_end, pv_end = [0.0] * n, [0.0] * n
    sf_end = [[0.0] * n, [0.0] * n]
    lane = [0.0, 0.0, 0.0]
    nbytes = [0.0, 0.0, 0.0]

    def run(stage: str, i: int, lanes: tuple[int, ...], ready: float) -> list[float]:
        ends = []
        for ln in lanes:
            dur, b = steps[i][stage][ln]
            lane[ln] = max(lane[ln], ready) + dur
            nbytes[ln] += b
            ends.append(lane[ln])
        return ends

    def qk(i: int) -> None:
        # slot i - depth of the score pipe must have been taken by both vector lanes
        ready = max(sf_end[0][i - depth], sf_end[1][i - depth]) + hs if i >= depth else 0.0
        qk_end[i] = run("qk", i, (0,), ready)[0]

    def sf(i: int) -> None:
        ends = run("sf", i, (1, 2), qk_end[i] + hs)
        sf_end[0][i], sf_end[1][i] = ends

    def pv(i: int) -> None:
        pv_end[i] = run("pv", i, (0,), max(sf_end[0][i], sf_end[1][i]) + hs)[0]

    def up(i: int) -> None:
        run("up", i, (1, 2), pv_end[i] + hs)

    if n:
        qk(0)
        sf(0)
    for i in range(n):
        if i + 1 < n:
            qk(i + 1)
        pv(i)
        if i + 1 < n:
            sf(i + 1)
        up(i)
    return [(lane[k], nbytes[k]) for k in range(3)]


def _graph(tiles, splits: int, hs: float, one_lane: bool, merge, allocs: int) -> list[GraphTask]:
    clock_hz = _cost_constant("kClockHz")
    per_part = -(-CONFIG.max_blocks_per_seq // splits)
    lanes_used = (0, 1) if one_lane else (0, 1, 2)
    work, blocks = [], 0
    for tile in sorted(tiles):
        steps = _one_lane(tiles[tile]) if one_lane else tiles[tile]
        for p in range(splits):
            part = steps[p * per_part : (p + 1) * per_part]
            lanes = _fused_lanes(part, hs)
            if not part:  # an empty part still writes its partial's sentinels
                lanes = [(0.0, 0.0), steps[0]["up"][1], steps[0]["up"][2]]
            work += [(lanes[k][0] * 1e-6 * clock_hz, lanes[k][1]) for k in lanes_used]
            blocks += 1
    graph = [GraphTask(alloc_only=True) for _ in range(allocs)]
    kernels = (0, 1, None) if one_lane else (0, 1, 1)
    graph.append(GraphTask(kernels, blocks, list(range(allocs)), work))
    if splits > 1:
        mwork = []
        for tile in sorted(tiles):
            for ln in (1, 2):
                dur, b = merge[tile][ln]
                mwork.append((dur * 1e-6 * clock_hz, b))
        graph.append(GraphTask((None, 2, 2), len(tiles), [allocs], mwork))
    return graph


def main() -> None:
    auto = _run(expected_context_lens=tuple(LENS))
    chosen = auto.model.makespan_us
    base = _run(strategy="spmd", q_tile=16, kv_splits=1, kv_blocks_per_task=1)
    inv = _invocations(base)
    tiles = _steps(inv)
    first_stage = min(min(inv[k]) for k in STAGES)
    print(f"reference case, contexts {LENS}: today's auto schedule {chosen:.1f} us modeled")
    print(
        f"stage kernels at one KV block per task (spmd, q-tile 16): {base.model.makespan_us:.1f} us"
    )
    print("| fused variant | S | handshake (us) | modeled (us) | bound |")
    print("|---|---|---|---|---|")
    for splits in SPLITS:
        merge = None
        if splits > 1:
            split_inv = _invocations(
                _run(strategy="spmd", q_tile=16, kv_splits=splits, kv_blocks_per_task=1)
            )
            (task,) = split_inv["merge_partials"]
            merge = split_inv["merge_partials"][task]
        for one_lane in (False, True):
            for hs in HANDSHAKE_US:
                g = _graph(tiles, splits, hs, one_lane, merge, first_stage)
                m = model_graph(g)
                name = "one lane {AIC, AIV0}" if one_lane else "two lanes {AIC, AIV0, AIV1}"
                print(f"| {name} | {splits} | {hs} | {m.makespan_us:.1f} | {m.bound} |", flush=True)


if __name__ == "__main__":
    main()
