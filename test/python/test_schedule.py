"""--schedule auto: the cost model's choice, its record, overrides and errors (docs/schedules.md)."""

import itertools
import json
import subprocess
import sys

import pytest

import ptoattn
from ptoattn import runner
from ptoattn.errors import ConfigError
from ptoattn.options import CompileOptions
from ptoattn.ir import create_context
from ptoattn.schedule import (dispatch_bound_us, dominating, floor_terms_us, floor_us, lower,
                              model_lowered, schedule_axes)

REF = ptoattn.PagedAttentionConfig(batch=4, num_heads=16, num_kv_heads=1, head_dim=128,
                                   block_size=128, max_blocks_per_seq=8)
LENS = [33, 1024, 517, 128]


def _manifest(out):
    return json.loads((out / "manifest.json").read_text())


def test_auto_picks_the_fastest_candidate_and_records_all(tmp_path):
    ptoattn.compile(REF, tmp_path / "a", context_lens=LENS)
    sched = _manifest(tmp_path / "a")["schedule"]
    assert sched["mode"] == "auto"
    assert sched["context_lens"] == "the scene test's context_lens"
    modeled = [c for c in sched["candidates"] if "error" not in c]
    # every combination of the schedule options was considered, in the fixed order
    axes = schedule_axes()
    assert [tuple(c[f] for f, _, _ in axes) for c in sched["candidates"]] == list(
        itertools.product(*(values for _, values, _ in axes)))
    best = min(modeled, key=lambda c: c["modeled_us"])
    assert sched["chosen"] == {f: best[f] for f, _, _ in axes}
    assert sched["modeled_us"] == best["modeled_us"]
    # the chosen options are the ones compiled
    options = _manifest(tmp_path / "a")["options"]
    assert {f: options[f] for f, _, _ in axes} == sched["chosen"]


def test_auto_chooses_among_splits_stepped_several_blocks_at_a_time(tmp_path):
    ptoattn.compile(REF, tmp_path, context_lens=LENS, strategy="spmd", q_tile=16)
    sched = _manifest(tmp_path)["schedule"]
    both = [c for c in sched["candidates"]
            if c["kv_splits"] > 1 and c["kv_blocks_per_task"] > 1 and "error" not in c]
    assert both  # modeled, not ruled out
    best = min((c for c in sched["candidates"] if "error" not in c),
               key=lambda c: c["modeled_us"])
    assert sched["modeled_us"] == best["modeled_us"]


def test_skipped_candidates_are_no_faster_than_the_one_kept(tmp_path):
    """auto skips, without lowering, a candidate dominated by one it lowered (every chain one
    step at a smaller N; the same tiles at a smaller q_tile); modeled anyway, each is at
    best as fast as the candidate that dominates it."""
    ptoattn.compile(REF, tmp_path, context_lens=LENS, strategy="spmd")
    manifest = _manifest(tmp_path)
    sched = manifest["schedule"]
    fields = [f for f, _, _ in schedule_axes()]
    by_values = {tuple(c[f] for f in fields): c for c in sched["candidates"]}
    skipped = [c for c in sched["candidates"] if c.get("error", "").startswith("skipped: ")]
    # N = 16 and 64 cover the table's 8 blocks; q_tile 32 and 64 hold the 16 heads in one
    # tile, as 16 does.
    assert {(c["q_tile"], c["kv_splits"], c["kv_blocks_per_task"]) for c in skipped} >= {
        (16, 1, 64), (16, 2, 16), (16, 4, 64), (32, 2, 1), (64, 2, 1), (64, 4, 64)}
    context = create_context()
    text = (tmp_path / "input.mlir").read_text()
    for candidate in skipped:
        values = {f: candidate[f] for f in fields}
        kept = candidate
        while kept.get("error", "").startswith("skipped: "):  # skipped for a skipped one
            dominant, _ = dominating({f: kept[f] for f in fields}, REF)
            kept = by_values[tuple(dominant[f] for f in fields)]
        assert "error" not in kept or kept["error"].startswith("pruned: "), kept
        options = CompileOptions(**{**manifest["options"], **values})
        modeled = model_lowered(lower(text, context, options), LENS, 8)["makespan_us"]
        if "error" not in kept:
            assert modeled >= kept["modeled_us"] - 1e-3, (candidate, kept)
        else:  # pruned by a bound above the best: so is the dominated one
            assert modeled > sched["modeled_us"]


@pytest.mark.parametrize("config, lens", [
    (REF, LENS),
    # GQA 32/8 (4-head groups padded to a tile), ragged with 0.
    (ptoattn.PagedAttentionConfig(batch=3, num_heads=32, num_kv_heads=8, head_dim=64,
                                  block_size=16, max_blocks_per_seq=12), [190, 0, 17]),
    # 64 heads on one KV head: four, two or one query tile per group.
    (ptoattn.PagedAttentionConfig(batch=2, num_heads=64, num_kv_heads=1, head_dim=64,
                                  block_size=32, max_blocks_per_seq=10), [300, 45]),
])
def test_floor_is_below_every_candidates_modeled_time(tmp_path, config, lens):
    """auto rules candidates out before lowering them with floor_us: it must never exceed
    the modeled time of the lowered candidate, and each of its terms stays below the
    model's own bound of the same resource."""
    ptoattn.compile(config, tmp_path, schedule="default", strategy="spmd")
    text = (tmp_path / "input.mlir").read_text()
    context = create_context()
    fields = [f for f, _, _ in schedule_axes()]
    for combo in itertools.product(*(values for _, values, _ in schedule_axes())):
        values = dict(zip(fields, combo))
        try:
            options = CompileOptions(**values, max_kv_blocks=config.max_blocks_per_seq)
        except ConfigError:  # a combination the options rule out: never lowered
            continue
        report = model_lowered(lower(text, context, options), lens, config.max_blocks_per_seq)
        submits, hbm = floor_terms_us(values, config, lens)
        assert floor_us(values, config, lens) <= report["makespan_us"], values
        assert submits <= dispatch_bound_us(report["tasks"], 0), values
        assert hbm <= report["lower_bounds_us"]["hbm"], values


def test_auto_is_deterministic(tmp_path):
    for d in ("a", "b"):
        ptoattn.compile(REF, tmp_path / d, context_lens=LENS)
    assert (tmp_path / "a" / "manifest.json").read_bytes() == \
        (tmp_path / "b" / "manifest.json").read_bytes()
    orch = sorted((tmp_path / "a" / "kernels" / "orchestration").iterdir())[0].name
    assert (tmp_path / "a" / "kernels" / "orchestration" / orch).read_bytes() == \
        (tmp_path / "b" / "kernels" / "orchestration" / orch).read_bytes()


@pytest.mark.parametrize("strategy", ["spmd", "per-tile"])
def test_estimate_is_the_simulated_model_and_output_matches(tmp_path, strategy):
    """The estimate (no C++ compiled) equals the model of a simulated run of the chosen
    schedule, and the chosen schedule computes the reference's output."""
    ptoattn.compile(REF, tmp_path, strategy=strategy, context_lens=LENS)
    sched = _manifest(tmp_path)["schedule"]
    assert {c["strategy"] for c in sched["candidates"]} == {strategy}
    outcome = runner.run(tmp_path, context_lens=LENS)
    assert outcome.passed
    assert outcome.model.makespan_us == pytest.approx(sched["modeled_us"], abs=1e-3)


def test_expected_context_lens_change_the_modeled_lengths(tmp_path):
    ptoattn.compile(REF, tmp_path / "full")
    ptoattn.compile(REF, tmp_path / "short", expected_context_lens=(1, 1, 1, 1))
    full, short = (_manifest(tmp_path / d)["schedule"] for d in ("full", "short"))
    assert full["context_lens"].startswith("every sequence at max_blocks * block_size = 1024")
    assert short["context_lens"] == "expected_context_lens"
    assert short["modeled_us"] < full["modeled_us"]


def test_explicit_options_override_auto(tmp_path):
    ptoattn.compile(REF, tmp_path / "fixed", strategy="per-tile", q_tile=32, kv_splits=1,
                    kv_blocks_per_task=1, spmd_blocks="clusters")
    m = _manifest(tmp_path / "fixed")
    assert m["schedule"] == {"mode": "auto"}  # nothing left open: nothing modeled
    assert (m["options"]["strategy"], m["options"]["q_tile"]) == ("per-tile", 32)
    ptoattn.compile(REF, tmp_path / "default", schedule="default")
    m = _manifest(tmp_path / "default")
    assert m["schedule"] == {"mode": "default"}
    assert m["options"]["strategy"] is None and "strategy=spmd" in m["pipeline"]


@pytest.mark.parametrize("fields, message", [
    ({"schedule": "fastest"}, "schedule must be one of auto, default, got 'fastest'"),
    ({"expected_context_lens": (1, -2)}, "expected_context_lens must be non-negative integers"),
])
def test_bad_schedule_options(fields, message):
    with pytest.raises(ConfigError, match=message):
        CompileOptions(**fields)


def test_expected_context_lens_must_fit_the_configuration(tmp_path):
    with pytest.raises(ConfigError, match=r"expected_context_lens must hold 4 lengths in \[0, 1024\]"):
        ptoattn.compile(REF, tmp_path, expected_context_lens=(1, 2))


def test_cli_verbose_line_and_errors(tmp_path):
    cmd = [sys.executable, "-m", "ptoattn.cli", "-v", "compile", "--batch", "4", "--num-heads", "16",
           "--kv-heads", "1", "--head-dim", "128", "--block-size", "128", "--max-blocks", "8",
           "-o", str(tmp_path / "o")]
    res = subprocess.run(cmd + ["--expected-context-lens", "33,1024,517,128"], capture_output=True,
                         text=True)
    assert res.returncode == 0, res.stderr
    line = next(x for x in res.stderr.splitlines() if "schedule auto:" in x)
    chosen = _manifest(tmp_path / "o")["schedule"]["chosen"]
    assert " ".join(f"{f}={chosen[f]}" for f, _, _ in schedule_axes()) + " (modeled" in line
    res = subprocess.run(cmd + ["--expected-context-lens", "1,2"], capture_output=True, text=True)
    assert res.returncode == 1
    assert res.stderr.strip().splitlines() == [
        "ptoattn compile: error: expected_context_lens must hold 4 lengths in [0, 1024], got [1, 2]"]


def test_auto_ranks_only_candidates_that_fit_the_users_rings(tmp_path):
    """A candidate whose scopes need more than the user's rings is ruled out with what it
    needs; the rest are modeled with the user's ring heap, whose bounded run-ahead the
    estimate includes."""
    heap = 200_000
    ptoattn.compile(REF, tmp_path / "small", context_lens=LENS, ring_heap=heap)
    ptoattn.compile(REF, tmp_path / "default", context_lens=LENS)
    small, default = (_manifest(tmp_path / d)["schedule"] for d in ("small", "default"))
    misfits = [c for c in small["candidates"] if "ring_needs" in c]
    assert misfits
    for c in misfits:
        assert set(c["ring_needs"]) == {"ring_heap"} and c["ring_needs"]["ring_heap"] > heap
        assert c["error"] == f"rings: needs ring-heap >= {c['ring_needs']['ring_heap']} " \
            f"(given {heap})"
    # the default rings' choice needs more heap than given, so the choice changes
    chosen = small["chosen"]
    assert chosen != default["chosen"]
    assert any(c["ring_needs"] and all(c[f] == v for f, v in default["chosen"].items())
               for c in misfits)
    ring_heaps = [r["heap_bytes"] for r in _manifest(tmp_path / "small")["ring_requirements"]]
    assert max(ring_heaps) <= heap
    # the same schedule modeled under the two heaps: the smaller one waits (bounded run-ahead)
    key = [f for f, _, _ in schedule_axes()]
    same = {tuple(c[f] for f in key): c for c in default["candidates"]}[
        tuple(chosen[f] for f in key)]
    modeled_small = next(c for c in small["candidates"] if all(c[f] == chosen[f] for f in key))
    # (pruned under the default rings or modeled faster there)
    assert "error" in same or same["modeled_us"] < modeled_small["modeled_us"]
    outcome = runner.run(tmp_path / "small", context_lens=LENS, model_only=True)
    assert outcome.model.makespan_us == pytest.approx(small["modeled_us"], abs=1e-3)


@pytest.mark.parametrize("fields, start", [
    # every schedule's KV-step scope submits at least 5 tasks: a window of 4 holds 3
    (dict(ring_task_window=4),
     "no schedule candidate fits the rings: raise ring-task-window from 4 to at least "),
    # a given schedule option bounds the search, and the message says so
    (dict(ring_heap=200_000, kv_blocks_per_task=64),
     "no schedule candidate with kv_blocks_per_task=64 fits the rings: raise ring-heap from "
     "200000 to at least "),
])
def test_no_candidate_fits_the_rings_names_the_option_and_a_value_that_fits(tmp_path, fields,
                                                                             start):
    with pytest.raises(ConfigError) as err:
        ptoattn.compile(REF, tmp_path / "a", context_lens=LENS, **fields)
    message = str(err.value)
    assert "\n" not in message and message.startswith(start)
    # the value it names fits
    option = start.split("raise ")[1].split(" from")[0].replace("-", "_")
    value = int(message[len(start):].split()[0])
    ptoattn.compile(REF, tmp_path / "b", context_lens=LENS, **{**fields, option: value})
    assert _manifest(tmp_path / "b")["options"][option] == value


def test_cli_ring_options_reach_auto(tmp_path):
    cmd = [sys.executable, "-m", "ptoattn.cli", "-v", "compile", "--batch", "4", "--num-heads", "16",
           "--kv-heads", "1", "--head-dim", "128", "--block-size", "128", "--max-blocks", "8",
           "-o", str(tmp_path / "o")]
    res = subprocess.run(cmd + ["--ring-heap", "200000"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    line = next(x for x in res.stderr.splitlines() if "schedule auto:" in x)
    assert "rings: needs ring-heap >= " in line
    assert "ring-heap=200000" in next(x for x in res.stderr.splitlines() if "lowering" in x)
    res = subprocess.run(cmd + ["--ring-task-window", "4"], capture_output=True, text=True)
    assert res.returncode == 1
    (error,) = res.stderr.strip().splitlines()
    assert error.startswith("ptoattn compile: error: no schedule candidate fits the rings: "
                            "raise ring-task-window from 4 to at least 6 (")


def test_verbose_line_ranks_the_modeled_and_merges_the_reasons():
    from ptoattn.schedule import Candidate, ScheduleChoice

    def cand(n, **kw):
        return Candidate({"strategy": "spmd", "kv_blocks_per_task": n}, **kw)

    fast, slow = cand(4, modeled_us=20.0), cand(16, modeled_us=30.0)
    candidates = (
        cand(1, error="pruned: dispatch alone takes at least 45.9 us"),
        slow,
        fast,
        cand(64, error="rings: needs ring-heap >= 3180544 (given 200000)"),
        cand(128, error="pruned: dispatch alone takes at least 31.0 us"),
        cand(256, error="rings: needs ring-heap >= 6359040 (given 200000)"),
    )
    line = ScheduleChoice(fast, candidates, "expected_context_lens", 0.5).summary()
    assert line == (
        "schedule auto: strategy=spmd kv_blocks_per_task=4 (modeled 20.0 us, "
        "expected_context_lens); 2 modeled, fastest first: 20.0 us kv_blocks_per_task=4, "
        "30.0 us kv_blocks_per_task=16; 4 ruled out: 2 x pruned: dispatch alone takes at least "
        "31.0|45.9 us; 2 x rings: needs ring-heap >= 3180544|6359040 (given 200000); "
        "chosen in 0.50 s")


# What `bound:` names for each lower bound: the dispatch bound is the larger of the
# orchestrator's and the scheduler threads'.
_BOUND_OF = {"orchestrator": "dispatch", "scheduler": "dispatch", "hbm": "HBM", "cube": "cube",
             "vector": "vector", "critical_path": "critical path"}
_GQA = ptoattn.PagedAttentionConfig(batch=3, num_heads=32, num_kv_heads=8, head_dim=64,
                                    block_size=16, max_blocks_per_seq=12)


@pytest.mark.parametrize("config,lens,values,target,clusters", [
    (REF, LENS, dict(strategy="spmd", q_tile=16, kv_blocks_per_task=8), None, 0),
    (REF, LENS, dict(strategy="spmd"), None, 0),
    (REF, LENS, dict(strategy="per-tile", kv_blocks_per_task=8), None, 0),
    (REF, LENS, dict(strategy="spmd", spmd_blocks="tiles", kv_splits=4), None, 0),
    (REF, LENS, dict(strategy="spmd", kv_blocks_per_task=8), "910B3", 20),
    (_GQA, [190, 0, 17], dict(strategy="spmd", kv_splits=2, kv_blocks_per_task=8), None, 0),
    (_GQA, [190, 0, 17], dict(strategy="per-tile", kv_splits=4), None, 0),
    (_GQA, [190, 0, 17], dict(strategy="per-tile"), "910B3", 20),
])
def test_lower_bounds_never_exceed_the_modeled_time(tmp_path, config, lens, values, target, clusters):
    """Each lower bound is what one resource alone needs, so none may exceed the modeled time
    (rounding aside), and `bound` names the largest. The critical path once charged every task
    the per-task dispatch cost on its longest block, which the schedule charges to block 0."""
    ptoattn.compile(config, tmp_path, schedule="default", strategy="spmd")
    options = CompileOptions(**values, target=target, max_kv_blocks=config.max_blocks_per_seq)
    module = lower((tmp_path / "input.mlir").read_text(), create_context(), options)
    report = model_lowered(module, lens, config.max_blocks_per_seq, clusters)
    bounds = report["lower_bounds_us"]
    assert set(bounds) == set(_BOUND_OF)
    for name, us in bounds.items():
        assert us <= report["makespan_us"] + 1e-9, (name, us, report["makespan_us"])
    largest = max(bounds.values())
    assert report["bound"] in {_BOUND_OF[n] for n, us in bounds.items() if us == largest}


# GQA 32/8 with ragged lengths (one empty, one a block and one past a step boundary): the
# tiles' iterations differ in length and steps, so their keys do.
RAGGED = ptoattn.PagedAttentionConfig(batch=5, num_heads=32, num_kv_heads=8, head_dim=64,
                                      block_size=16, max_blocks_per_seq=12)
RAGGED_LENS = [190, 0, 17, 64, 191]


@pytest.mark.parametrize("values", [
    # grid-stride over the clusters: each block loops over several tiles
    dict(strategy="spmd", spmd_blocks="clusters", q_tile=16, kv_blocks_per_task=1, kv_splits=1),
    dict(strategy="spmd", spmd_blocks="clusters", q_tile=16, kv_blocks_per_task=8, kv_splits=2),
    dict(strategy="spmd", spmd_blocks="tiles", q_tile=16, kv_blocks_per_task=8, kv_splits=4),
    dict(strategy="per-tile", q_tile=16, kv_blocks_per_task=1, kv_splits=2),
])
def test_memoised_model_equals_the_interpreted_one(tmp_path, values):
    """The model memoises whole invocations and the iterations of grid-stride tile loops
    (replaying their recorded pipe-clock calls); interpreting every invocation and every
    iteration instead must give the very same graph and times, and the memo must be used."""
    ptoattn.compile(RAGGED, tmp_path, schedule="default", strategy="spmd")
    module = lower((tmp_path / "input.mlir").read_text(), create_context(),
                   CompileOptions(**values, max_kv_blocks=RAGGED.max_blocks_per_seq))
    counters = ("invocations", "modeled_invocations", "tile_iterations", "replayed_iterations")
    for clusters in (2, 3, 24):
        memoised = model_lowered(module, RAGGED_LENS, RAGGED.max_blocks_per_seq, clusters)
        interpreted = model_lowered(module, RAGGED_LENS, RAGGED.max_blocks_per_seq, clusters,
                                    memoize=False)
        assert "makespan_us" in memoised, memoised
        assert {k: v for k, v in memoised.items() if k not in counters} == {
            k: v for k, v in interpreted.items() if k not in counters}, (values, clusters)
        assert interpreted["modeled_invocations"] == interpreted["invocations"]
        assert memoised["modeled_invocations"] < memoised["invocations"], (values, clusters)
        if values["strategy"] == "spmd" and clusters < 24:
            assert 0 < memoised["replayed_iterations"] < memoised["tile_iterations"], memoised
