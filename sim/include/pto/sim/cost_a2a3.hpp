// ptoattn simulator: the a2a3 target description of the cost model. Every timing constant of
// the model lives here, once, with its source; docs/cost-model.md lists the same table.
//
// Sources (read for the numbers only; this is our own code):
//  [arch]    pto-isa cd4a3d3 include/pto/costmodel/arch_config.hpp (kA2A3ArchConfig)
//  [formula] pto-isa cd4a3d3 include/pto/costmodel/a2a3/formula_costmodel/formula_params.csv and
//            formula_backend_compute.hpp (TryEstimateMadCycles)
//  [simpler] hw-native-sys/simpler 6ebaf77 commit messages and docs, cited per constant below.
// Constants with no published figure say "assumption".
#pragma once

#include <cstdint>

namespace pto {
namespace sim {
namespace cost {

// ---- one core ([arch]) ----
constexpr double kClockHz = 1.85e9; // [arch] kMainFrequencyHz
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// Per-core transfer bandwidths in GiB/s ([arch] BandwidthTable of kA2A3ArchConfig).
constexpr double kGmToUbGiBs = 100.9;
constexpr double kGmToL1GiBs = 135.0;
constexpr double kUbToGmGiBs = 188.46;
constexpr double kL0cToGmGiBs = 70.0;
constexpr double kL0cToL1GiBs = 128.0;
constexpr double kL1ToL0aGiBs = 441.0;
constexpr double kL1ToL0bGiBs = 220.5;
constexpr double kUbToUbGiBs = 1024.0;

// Cube: kMadHeadCycles + ceil(M/16) * ceil(K/kK) * ceil(N/16) cycles, kK = 32 bytes of the
// operand type (16 for bf16/f16), one cycle per repeat for 16-bit operands ([formula]).
constexpr double kMadHeadCycles = 6;

// Scalar pipe: issuing one tile instruction (assumption: one cycle; the S pipe only queues it).
constexpr double kScalarIssueCycles = 1;

inline double transfer_cycles(uint64_t bytes, double gibs) {
  return double(bytes) / (gibs * kGiB) * kClockHz;
}

inline double mad_cycles(uint64_t m, uint64_t k, uint64_t n, unsigned elem_bytes) {
  const uint64_t kk = 32 / (elem_bytes ? elem_bytes : 2);
  const double per_repeat = elem_bytes == 4 ? 2 : 1;
  return kMadHeadCycles +
         per_repeat * double(((m + 15) / 16) * ((k + kk - 1) / kk) * ((n + 15) / 16));
}

// Vector instructions: slope * elements + bias cycles ([formula], the cols=128 row for fp32 and
// for fp16, which we also use for bf16: same element width). Ops without a row of their own
// use the row of the closest measured op (named in the comment).
enum VecOp : int {
  VOP_ADDS,
  VOP_MULS,
  VOP_DIVS,
  VOP_MINS,
  VOP_BINARY,
  VOP_MUL,
  VOP_EXP,
  VOP_SQRT,
  VOP_ROWMAX,
  VOP_ROWSUM,
  VOP_ROWEXPAND,
  VOP_COUNT
};
struct VecCost {
  double slope32, bias32, slope16, bias16;
};
constexpr VecCost kVecCost[VOP_COUNT] = {
    {0.0169, 16.5, 0.0078, 25},   // TADDS; also TEXPANDS (a scalar broadcast write)
    {0.0169, 17.5, 0.0078, 26},   // TMULS; also TABS and TCVT (one unary pass: assumption)
    {0.0794, 36.5, 0.0703, 45},   // TDIVS; also TDIV
    {0.0169, 14.5, 0.0078, 23},   // TMINS; also TMAXS
    {0.0325, 16.5, 0.0156, 25},   // TSUB; also TADD, TMAX, TMIN
    {0.0325, 17.5, 0.0156, 26},   // TMUL
    {0.0314, 30.1, 0.0314, 30.1}, // TEXP (any dtype)
    {0.0314, 31.1, 0.0314, 31.1}, // TSQRT (any dtype)
    {0.0625, 48, 0.0547, 33},     // TROWMAX; also TROWMIN
    {0.0625, 61.5, 0.0547, 47},   // TROWSUM
    {0.1176, 34.5, 0.1094, 37},   // TROWEXPAND; also TROWEXPANDSUB/MUL/DIV/ADD
};
inline double vec_cycles(int op, uint64_t elems, unsigned elem_bytes) {
  const VecCost &c = kVecCost[op];
  return elem_bytes == 4 ? c.slope32 * double(elems) + c.bias32
                         : c.slope16 * double(elems) + c.bias16;
}

// ---- the chip and the runtime around the cores (task-level model, sim/runtime/timeline.cpp) ----
constexpr int kClusters910B12 = 24; // 1 AIC + 2 AIV each; 910B3/B4 have 20
// HBM of one die by specification (1.6 TB/s). The effective rate is calibrated: simpler's
// unroll schedule (1143-1178 us, [simpler] 1d4249120) is HBM-bound in the model, and 1.3 TB/s
// (81% of the specification) reproduces it; every GM byte is charged to HBM (no L2 model).
// docs/cost-model.md, "Calibration", has the table bench/calibrate.py prints.
constexpr double kHbmSpecTBs = 1.6;
constexpr double kHbmEffectiveTBs = 1.3;
// [simpler] 1d4249120 (#878): paged_attention_unroll Case1 orch_cost ~915-947 us for its 1024
// submits (plus one alloc per group): ~0.9 us per submit.
constexpr double kOrchSubmitUs = 0.9;
// [simpler] 453ff71b9 (#1544): host_build_graph paged_attention batch 256, 65536 single-block
// tasks, 25.4 ms on 3 scheduler threads: 3 * 25.4 ms / 65536 = 1.16 us of one scheduler thread
// per task (this is the row the baseline calibration case reproduces by construction).
constexpr int kSchedThreads = 3;
constexpr double kSchedTaskUs = 1.16;
// [simpler] docs/investigations/2026-06-cross-task-batched-publish.md: 72 block handles
// published in ~360 ns: 0.005 us per extra SPMD block.
constexpr double kSchedBlockUs = 0.005;
// [simpler] 0abbffd50 (#1323): AICore handshake hs_ready2first ~0.3 us; the switch
// investigation (2026-07-aicore-swimlane-switch-overhead-and-ack-gate.md) measures ~0.28 us setup.
constexpr double kAicoreStartUs = 0.3;
// [simpler] docs/investigations/2026-06-cond-vs-gm-notification.md: an AICore completion
// (set_cond) seen by the AICPU after ~600 ns.
constexpr double kCompletionUs = 0.6;
// [simpler] 0abbffd50 (#1323): TMR preamble cut to ~9 us.
constexpr double kPreambleUs = 9.0;

} // namespace cost
} // namespace sim
} // namespace pto
