// ptoattn simulator: the per-core context shared by kernel code and the runtime.
//
// A kernel .so is compiled from the emitted source plus these headers; the runtime .so is a
// different library loaded RTLD_LOCAL. They talk through one CoreCtx per simulated core: the
// runtime owns it, binds it to the worker thread with ptoattn_sim_bind_core() (exported by
// every kernel .so) and the tile instructions read their on-chip buffers and report GM
// accesses and findings through it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "pto/sim/cost_a2a3.hpp"
#include "pto/sim/types.hpp"

namespace pto {
namespace sim {

enum Loc : int { LOC_L1 = 0, LOC_L0A, LOC_L0B, LOC_L0C, LOC_UB, LOC_COUNT };
enum CoreKind : int { CORE_AIC = 0, CORE_AIV = 1 };
enum Severity : int { SEV_WARNING = 0, SEV_ERROR = 1, SEV_FATAL = 2 };

inline const char *loc_name(int loc) {
  static const char *const names[] = {"L1", "L0A", "L0B", "L0C", "UB"};
  return (loc >= 0 && loc < LOC_COUNT) ? names[loc] : "?";
}

struct CoreCtx;

struct CoreHooks {
  // Check and record one contiguous GM access. False means "do not touch this memory".
  bool (*gm_access)(CoreCtx *ctx, const void *addr, uint64_t bytes, bool is_write, const char *op);
  // Report a finding. SEV_FATAL findings are followed by a KernelAbort throw.
  void (*report)(CoreCtx *ctx, int severity, const char *check, const char *message);
};

// Hot numeric loops live in the runtime library (built once, with CPU-specific clones), so
// kernels compile fast at -O2 and still run vectorised code. Matrices are dense row-major.
struct MathOps {
  // C[M][N] = (accumulate ? C : 0) + A[M][K] * B[K][N]
  void (*matmul_f32)(const float *A, const float *B, float *C, int M, int K, int N,
                     bool accumulate);
  void (*exp_f32)(float *dst, const float *src, size_t n);
  void (*bf16_to_f32)(float *dst, const uint16_t *src, size_t n);
  void (*f32_to_bf16)(uint16_t *dst, const float *src, size_t n, int round_mode);
};

struct CoreCtx {
  const MathOps *math = nullptr;
  float *scratch_a = nullptr; // host-side dense operand buffers for TMATMUL (not on-chip memory)
  float *scratch_b = nullptr;
  float *scratch_c = nullptr;
  int kind = CORE_AIC;
  uint8_t *buf[LOC_COUNT] = {};
  uint32_t cap[LOC_COUNT] = {};
  const CoreHooks *hooks = nullptr;
  void *invocation = nullptr; // runtime-private
  bool check_gm = false;      // call hooks->gm_access for every GM access
  bool check_sync = false;    // flag pairing checks
  uint64_t n_set_flag = 0, n_wait_flag = 0, n_barrier = 0, n_instr = 0;
  uint64_t gm_bytes_read = 0, gm_bytes_written = 0;
  int32_t flags[SIM_NUM_PIPES][SIM_NUM_PIPES][SIM_NUM_EVENTS] = {};
  int last_store_pipe = -1; // pipe of the last TSTORE not yet drained to PIPE_S
  // Modeled time (cycles) of this invocation: each pipe's finishing time, its busy cycles and
  // the time the last set_flag of each (src, dst, event) was raised. See cost_a2a3.hpp.
  double pipe_clock[SIM_NUM_PIPES] = {};
  double pipe_busy[SIM_NUM_PIPES] = {};
  double flag_time[SIM_NUM_PIPES][SIM_NUM_PIPES][SIM_NUM_EVENTS] = {};
  bool model_only = false; // charge the cost of every instruction but skip its arithmetic

  void reset_counters() {
    n_set_flag = n_wait_flag = n_barrier = n_instr = 0;
    gm_bytes_read = gm_bytes_written = 0;
    std::memset(flags, 0, sizeof(flags));
    last_store_pipe = -1;
    std::memset(pipe_clock, 0, sizeof(pipe_clock));
    std::memset(pipe_busy, 0, sizeof(pipe_busy));
    std::memset(flag_time, 0, sizeof(flag_time));
  }
  // The invocation's modeled duration so far: the last pipe to finish.
  double clock_max() const {
    double m = 0;
    for (double c : pipe_clock)
      m = c > m ? c : m;
    return m;
  }
};

// Thrown (after a SEV_FATAL report) to unwind a kernel that cannot continue safely.
struct KernelAbort {};

inline thread_local CoreCtx *g_core = nullptr;

inline void report(int severity, const char *check, const char *message) {
  CoreCtx *c = g_core;
  if (c && c->hooks) {
    c->hooks->report(c, severity, check, message);
  } else {
    std::fprintf(stderr, "[ptoattn-sim] %s: %s\n", check, message);
  }
  if (severity == SEV_FATAL)
    throw KernelAbort{};
}

template <typename... A>
inline void reportf(int severity, const char *check, const char *fmt, A... args) {
  char msg[512];
  std::snprintf(msg, sizeof(msg), fmt, args...);
  report(severity, check, msg);
}

inline bool gm_access(const void *addr, uint64_t bytes, bool is_write, const char *op) {
  CoreCtx *c = g_core;
  if (c) {
    if (is_write)
      c->gm_bytes_written += bytes;
    else
      c->gm_bytes_read += bytes;
    if (c->check_gm)
      return c->hooks->gm_access(c, addr, bytes, is_write, op);
  }
  return true;
}

inline void count_instr() {
  if (g_core)
    g_core->n_instr++;
}

// Charges one instruction of `cycles` on `pipe`: the scalar pipe issues it in program order
// and the pipe runs its instructions in order, so it starts when both are there.
inline void charge(int pipe, double cycles) {
  CoreCtx *c = g_core;
  if (!c)
    return;
  double &s = c->pipe_clock[PIPE_S];
  s += cost::kScalarIssueCycles;
  c->pipe_busy[PIPE_S] += cost::kScalarIssueCycles;
  if (pipe == PIPE_S) {
    s += cycles;
  } else {
    double &p = c->pipe_clock[pipe];
    p = (p > s ? p : s) + cycles;
  }
  c->pipe_busy[pipe] += cycles;
}

// True when the instruction should skip its arithmetic (modeled-only runs).
inline bool model_only() { return g_core && g_core->model_only; }

} // namespace sim
} // namespace pto

// Exported by every kernel .so (weak, so a kernel built from several TUs still links).
extern "C" __attribute__((weak, visibility("default"))) void
ptoattn_sim_bind_core(pto::sim::CoreCtx *ctx) {
  pto::sim::g_core = ctx;
}
