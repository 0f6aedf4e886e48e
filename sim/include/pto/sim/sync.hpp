// ptoattn simulator: pipe synchronisation. Numerically a no-op (the simulator executes each
// instruction to completion in program order), but counted, and with the optional sync check
// every wait_flag must consume an earlier set_flag of the same (src, dst, event), as the
// hardware would otherwise hang.
#pragma once

#include "pto/sim/core.hpp"
#include "pto/sim/types.hpp"

namespace pto {
namespace sim {
inline bool valid_flag(pipe_t a, pipe_t b, int e) {
  return a >= 0 && a < SIM_NUM_PIPES && b >= 0 && b < SIM_NUM_PIPES && e >= 0 && e < SIM_NUM_EVENTS;
}
} // namespace sim
} // namespace pto

inline void set_flag(pipe_t src, pipe_t dst, int event) {
  pto::sim::CoreCtx *c = pto::sim::g_core;
  if (!c)
    return;
  c->n_set_flag++;
  if (!pto::sim::valid_flag(src, dst, event)) {
    pto::sim::reportf(pto::sim::SEV_ERROR, "sync", "set_flag(%d, %d, %d): invalid pipe or event id",
                      src, dst, event);
    return;
  }
  c->flags[src][dst][event]++;
  // The flag rises when src has finished the work issued before it.
  const double issue = c->pipe_clock[PIPE_S], done = c->pipe_clock[src];
  c->flag_time[src][dst][event] = done > issue ? done : issue;
}

inline void wait_flag(pipe_t src, pipe_t dst, int event) {
  pto::sim::CoreCtx *c = pto::sim::g_core;
  if (!c)
    return;
  c->n_wait_flag++;
  if (!pto::sim::valid_flag(src, dst, event)) {
    pto::sim::reportf(pto::sim::SEV_ERROR, "sync",
                      "wait_flag(%d, %d, %d): invalid pipe or event id", src, dst, event);
    return;
  }
  // dst runs nothing issued after the wait before the flag rose (the latest set is used when
  // several are pending: the emitted code pairs them one to one).
  double &d = c->pipe_clock[dst];
  const double rise = c->flag_time[src][dst][event], issue = c->pipe_clock[PIPE_S];
  d = d > rise ? d : rise;
  d = d > issue ? d : issue;
  if (c->flags[src][dst][event] > 0) {
    c->flags[src][dst][event]--;
  } else if (c->check_sync) {
    pto::sim::reportf(pto::sim::SEV_ERROR, "sync",
                      "wait_flag(%d, %d, EVENT_ID%d) has no matching set_flag: the core would hang",
                      src, dst, event);
  }
  // A store is drained once its pipe has been synchronised with the scalar pipe.
  if (dst == PIPE_S && src == c->last_store_pipe)
    c->last_store_pipe = -1;
}

inline void pipe_barrier(pipe_t pipe) {
  pto::sim::CoreCtx *c = pto::sim::g_core;
  if (!c)
    return;
  c->n_barrier++;
  if (pipe == PIPE_ALL) {
    c->last_store_pipe = -1;
    // Every pipe (the scalar one included) waits for all issued work.
    const double t = c->clock_max();
    for (double &p : c->pipe_clock)
      p = t;
  } else if (pipe >= 0 && pipe < pto::SIM_NUM_PIPES) {
    // Pipes already run their own instructions in order in the model: the barrier only
    // keeps the pipe from starting anything before it is issued.
    double &p = c->pipe_clock[pipe];
    const double issue = c->pipe_clock[PIPE_S];
    p = p > issue ? p : issue;
  }
}

namespace pto {
using ::pipe_barrier;
using ::set_flag;
using ::wait_flag;
} // namespace pto
