// ptoattn simulator: the task-level timing model (see timeline.h). A discrete-event run over
// modeled time: events are ordered by (time, creation order), so ties resolve the same way on
// every run. HBM is a fluid resource: while the running invocations ask for more bytes per
// microsecond than the effective bandwidth, all of them slow down by the same factor (tracked
// as one virtual clock, so a slowdown costs no per-invocation work).
#include "timeline.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <queue>
#include <sstream>

#include "pto/sim/cost_a2a3.hpp"

namespace ptosim {

namespace cost = pto::sim::cost;

ModelParams::ModelParams()
    : clusters(cost::kClusters910B12), sched_threads(cost::kSchedThreads), clock_hz(cost::kClockHz),
      orch_submit_us(cost::kOrchSubmitUs), sched_task_us(cost::kSchedTaskUs),
      sched_block_us(cost::kSchedBlockUs), aicore_start_us(cost::kAicoreStartUs),
      completion_us(cost::kCompletionUs), preamble_us(cost::kPreambleUs),
      hbm_spec_tbs(cost::kHbmSpecTBs), hbm_effective_tbs(cost::kHbmEffectiveTBs) {}

bool ModelParams::set(const std::string &k, const std::string &v) {
  const double x = std::stod(v);
  if (k == "model_clusters")
    clusters = int(x);
  else if (k == "model_sched_threads")
    sched_threads = int(x);
  else if (k == "model_orch_submit_us")
    orch_submit_us = x;
  else if (k == "model_sched_task_us")
    sched_task_us = x;
  else if (k == "model_sched_block_us")
    sched_block_us = x;
  else if (k == "model_aicore_start_us")
    aicore_start_us = x;
  else if (k == "model_completion_us")
    completion_us = x;
  else if (k == "model_preamble_us")
    preamble_us = x;
  else if (k == "model_hbm_effective_tbs")
    hbm_effective_tbs = x;
  else
    return false;
  return true;
}

namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

enum EvType : int { EV_SUBMIT_DONE, EV_ORCH_NEXT, EV_READY, EV_SCHED_FREE, EV_LANE_START };

struct TlEvent {
  double t;
  uint64_t order;
  int type;
  uint32_t a;
  int32_t b;
  bool operator>(const TlEvent &o) const { return t != o.t ? t > o.t : order > o.order; }
};

struct TlJob {
  double v_end; // virtual finishing time
  uint64_t order;
  size_t span;
  double demand; // bytes per microsecond at full speed
  bool operator>(const TlJob &o) const {
    return v_end != o.v_end ? v_end > o.v_end : order > o.order;
  }
};

struct TaskTiming {
  bool submitted = false, complete = false;
  int pending = 0;
  double ready_at = 0, end = -1;
  int next_block = 0, blocks_done = 0;
  std::vector<int> lanes_left; // per block
  int mask = 0;
};

class TimelineSim {
public:
  TimelineSim(const ModelGraph &g, const ModelParams &p) : g_(g), p_(p) {
    const size_t n = g.tasks.size();
    st_.resize(n);
    consumers_.resize(n);
    for (uint32_t i = 0; i < n; i++) {
      const ModelTask &t = g.tasks[i];
      for (uint32_t f : t.fanin)
        if (f < i)
          consumers_[f].push_back(i);
      int m = 0;
      for (int l = 0; l < 3; l++)
        if (t.kernel[l] >= 0)
          m |= 1 << l;
      st_[i].mask = m;
      st_[i].lanes_left.assign(size_t(std::max(1, t.block_num)), __builtin_popcount(unsigned(m)));
    }
    lane_busy_.assign(size_t(p.clusters) * 3, false);
    sched_free_.assign(size_t(std::max(1, p.sched_threads)), 0.0);
    hbm_rate_ = p.hbm_effective_tbs * 1e6; // TB/s -> bytes per microsecond
  }

  ModelResult run() {
    push(p_.preamble_us, EV_ORCH_NEXT, 0, 0);
    for (;;) {
      const double t_ev = events_.empty() ? kNever : events_.top().t;
      const double t_job = jobs_.empty() ? kNever : now_ + (jobs_.top().v_end - vnow_) / rate();
      if (t_ev == kNever && t_job == kNever)
        break;
      if (t_job <= t_ev) {
        const TlJob j = jobs_.top();
        jobs_.pop();
        vnow_ = j.v_end;
        now_ = std::max(now_, t_job);
        demand_ -= j.demand;
        if (jobs_.empty())
          demand_ = 0; // no drift from float sums
        finish_lane(j.span);
      } else {
        const TlEvent e = events_.top();
        events_.pop();
        vnow_ += (e.t - now_) * rate();
        now_ = e.t;
        handle(e);
      }
    }
    return result();
  }

private:
  double rate() const { return demand_ <= hbm_rate_ ? 1.0 : hbm_rate_ / demand_; }
  double lane_us(const LaneWork &w) const { return w.cycles / p_.clock_hz * 1e6; }

  void push(double t, int type, uint32_t a, int32_t b) {
    events_.push(TlEvent{t, order_++, type, a, b});
  }

  void handle(const TlEvent &e) {
    switch (e.type) {
    case EV_ORCH_NEXT:
      orch_next();
      break;
    case EV_SUBMIT_DONE:
      submitted(e.a);
      break;
    case EV_READY:
      ready_[st_[e.a].mask].push_back(e.a);
      dispatch();
      break;
    case EV_SCHED_FREE:
      dispatch();
      break;
    case EV_LANE_START:
      lane_start(e.a, e.b);
      break;
    }
  }

  void orch_next() {
    if (next_submit_ >= g_.tasks.size())
      return;
    const ModelTask &t = g_.tasks[next_submit_];
    if (t.barrier < g_.barriers.size()) {
      for (uint32_t s : g_.barriers[t.barrier])
        if (s < st_.size() && !st_[s].complete) {
          orch_blocked_ = true; // re-tried when a task completes
          return;
        }
    }
    orch_blocked_ = false;
    Span s{};
    s.start_us = now_;
    s.end_us = now_ + p_.orch_submit_us;
    s.task = uint32_t(next_submit_);
    s.block = -1;
    s.cluster = -1;
    s.lane = 3;
    s.kernel = -1;
    spans_.push_back(s);
    push(s.end_us, EV_SUBMIT_DONE, uint32_t(next_submit_), 0);
    next_submit_++;
  }

  void submitted(uint32_t i) {
    TaskTiming &s = st_[i];
    const ModelTask &t = g_.tasks[i];
    s.submitted = true;
    s.ready_at = now_;
    for (uint32_t f : t.fanin) {
      if (f >= i)
        continue;
      if (!st_[f].complete)
        s.pending++;
      else
        s.ready_at = std::max(s.ready_at, st_[f].end + latency_after(f));
    }
    if (t.alloc_only) {
      complete(i);
    } else if (s.pending == 0) {
      push(s.ready_at, EV_READY, i, 0);
    }
    orch_next();
  }

  // Completion-to-dispatch latency after producer f (none after an alloc, which never runs).
  double latency_after(uint32_t f) const { return g_.tasks[f].alloc_only ? 0.0 : p_.completion_us; }

  void complete(uint32_t i) {
    TaskTiming &s = st_[i];
    s.complete = true;
    s.end = now_;
    for (uint32_t c : consumers_[i]) {
      TaskTiming &cs = st_[c];
      if (!cs.submitted)
        continue;
      cs.ready_at = std::max(cs.ready_at, now_ + latency_after(i));
      if (--cs.pending == 0)
        push(cs.ready_at, EV_READY, c, 0);
    }
    if (orch_blocked_)
      orch_next();
  }

  int free_cluster(int mask) const {
    for (int c = 0; c < p_.clusters; c++) {
      bool ok = true;
      for (int l = 0; l < 3 && ok; l++)
        if ((mask >> l & 1) && lane_busy_[size_t(c) * 3 + l])
          ok = false;
      if (ok)
        return c;
    }
    return -1;
  }

  void dispatch() {
    for (;;) {
      int thread = -1;
      for (size_t k = 0; k < sched_free_.size(); k++)
        if (sched_free_[k] <= now_) {
          thread = int(k);
          break;
        }
      if (thread < 0)
        return;
      // The oldest ready task (by readiness, then submission) that has a free cluster.
      int best_mask = -1, best_cluster = -1;
      for (int m = 1; m < 8; m++) {
        if (ready_[m].empty())
          continue;
        const uint32_t h = ready_[m].front();
        if (best_mask >= 0) {
          const uint32_t b = ready_[best_mask].front();
          if (std::make_pair(st_[b].ready_at, b) < std::make_pair(st_[h].ready_at, h))
            continue;
        }
        const int c = free_cluster(m);
        if (c < 0)
          continue;
        best_mask = m;
        best_cluster = c;
      }
      if (best_mask < 0)
        return;
      const uint32_t ti = ready_[best_mask].front();
      TaskTiming &s = st_[ti];
      const ModelTask &t = g_.tasks[ti];
      const int block = s.next_block++;
      if (s.next_block >= t.block_num)
        ready_[best_mask].pop_front();
      const double cost = p_.sched_block_us + (block == 0 ? p_.sched_task_us : 0.0);
      sched_free_[size_t(thread)] = now_ + cost;
      push(now_ + cost, EV_SCHED_FREE, 0, 0);
      Span sp{};
      sp.start_us = now_;
      sp.end_us = now_ + cost;
      sp.task = ti;
      sp.block = block;
      sp.cluster = best_cluster;
      sp.lane = 4 + thread;
      sp.kernel = -1;
      spans_.push_back(sp);
      for (int l = 0; l < 3; l++) {
        if (!(best_mask >> l & 1))
          continue;
        lane_busy_[size_t(best_cluster) * 3 + l] = true;
        Span ls{};
        ls.task = ti;
        ls.block = block;
        ls.cluster = best_cluster;
        ls.lane = l;
        ls.kernel = t.kernel[l];
        const LaneWork &w = t.work[size_t(block) * 3 + size_t(l)];
        std::copy(w.pipe_busy, w.pipe_busy + 8, ls.cycles);
        ls.bytes = w.bytes;
        spans_.push_back(ls);
        push(now_ + cost + p_.aicore_start_us, EV_LANE_START, uint32_t(spans_.size() - 1), 0);
      }
    }
  }

  void lane_start(uint32_t span, int32_t) {
    Span &s = spans_[span];
    s.start_us = now_;
    const LaneWork &w = g_.tasks[s.task].work[size_t(s.block) * 3 + size_t(s.lane)];
    const double d = lane_us(w);
    if (d <= 0) {
      finish_lane(span);
      return;
    }
    const double demand = w.bytes / d;
    demand_ += demand;
    jobs_.push(TlJob{vnow_ + d, order_++, span, demand});
  }

  void finish_lane(size_t span) {
    Span &s = spans_[span];
    s.end_us = now_;
    lane_busy_[size_t(s.cluster) * 3 + size_t(s.lane)] = false;
    TaskTiming &ts = st_[s.task];
    if (--ts.lanes_left[size_t(s.block)] == 0 && ++ts.blocks_done == g_.tasks[s.task].block_num)
      complete(s.task);
    dispatch();
  }

  ModelResult result() {
    ModelResult r;
    const size_t n = g_.tasks.size();
    double aic = 0, aiv = 0, sched = 0;
    uint64_t submits = 0;
    std::vector<double> cp(n, 0.0);
    for (size_t i = 0; i < n; i++) {
      const ModelTask &t = g_.tasks[i];
      submits++;
      double start = p_.preamble_us;
      for (uint32_t f : t.fanin)
        if (f < i)
          start = std::max(start, cp[f] + latency_after(f));
      if (t.alloc_only) {
        cp[i] = start;
        continue;
      }
      sched += p_.sched_task_us + p_.sched_block_us * t.block_num;
      // What dispatch() does with each block: the per-task cost delays block 0 only (other
      // threads dispatch the later blocks meanwhile), and a block holds its cluster from its
      // dispatch until its slowest lane ends.
      double last_end = 0, held = 0, shortest_hold = kNever;
      for (int b = 0; b < t.block_num; b++) {
        double block_us = 0;
        for (int l = 0; l < 3; l++) {
          const LaneWork &w = t.work[size_t(b) * 3 + size_t(l)];
          const double us = lane_us(w);
          block_us = std::max(block_us, us);
          (l == 0 ? aic : aiv) += us;
          r.hbm_bytes += w.bytes;
        }
        const double hold =
            (b == 0 ? p_.sched_task_us : 0.0) + p_.sched_block_us + p_.aicore_start_us + block_us;
        last_end = std::max(last_end, hold);
        held += hold;
        shortest_hold = std::min(shortest_hold, hold);
      }
      // More blocks than clusters: some cluster runs ceil(blocks / clusters) of them one after
      // another, and all of them together hold the clusters for `held`.
      const int waves = (t.block_num + p_.clusters - 1) / p_.clusters;
      const double busy = std::max(waves > 0 ? waves * shortest_hold : 0.0, held / p_.clusters);
      cp[i] = start + std::max(last_end, busy);
    }
    for (const Span &s : spans_)
      r.makespan_us = std::max(r.makespan_us, s.end_us);
    r.orch_us = p_.preamble_us + double(submits) * p_.orch_submit_us;
    r.sched_us = p_.preamble_us + sched / std::max(1, p_.sched_threads);
    r.hbm_us = p_.preamble_us + r.hbm_bytes / hbm_rate_;
    r.cube_us = p_.preamble_us + aic / p_.clusters;
    r.vector_us = p_.preamble_us + aiv / (2.0 * p_.clusters);
    for (double c : cp)
      r.critical_path_us = std::max(r.critical_path_us, c);
    const std::pair<double, const char *> bounds[] = {{std::max(r.orch_us, r.sched_us), "dispatch"},
                                                      {r.hbm_us, "HBM"},
                                                      {r.cube_us, "cube"},
                                                      {r.vector_us, "vector"},
                                                      {r.critical_path_us, "critical path"}};
    double best = -1;
    for (const auto &b : bounds)
      if (b.first > best)
        best = b.first, r.bound = b.second;
    mark_critical();
    r.spans = std::move(spans_);
    return r;
  }

  // Marks the chain of tasks that ends last: from the last task to finish, back through the
  // producer that finished last, down to a task with no producer.
  void mark_critical() {
    const size_t n = g_.tasks.size();
    std::vector<bool> on(n, false);
    int64_t cur = -1;
    for (size_t i = 0; i < n; i++)
      if (!g_.tasks[i].alloc_only && st_[i].complete &&
          (cur < 0 || st_[i].end > st_[size_t(cur)].end))
        cur = int64_t(i);
    while (cur >= 0) {
      on[size_t(cur)] = true;
      int64_t next = -1;
      for (uint32_t f : g_.tasks[size_t(cur)].fanin)
        if (f < size_t(cur) && st_[f].complete && (next < 0 || st_[f].end > st_[size_t(next)].end))
          next = f;
      cur = next;
    }
    for (Span &s : spans_)
      if (s.lane < 3 && on[s.task])
        s.flags |= 1;
  }

  const ModelGraph &g_;
  const ModelParams &p_;
  std::vector<TaskTiming> st_;
  std::vector<std::vector<uint32_t>> consumers_;
  std::priority_queue<TlEvent, std::vector<TlEvent>, std::greater<TlEvent>> events_;
  std::priority_queue<TlJob, std::vector<TlJob>, std::greater<TlJob>> jobs_;
  std::deque<uint32_t> ready_[8];
  std::vector<bool> lane_busy_;
  std::vector<double> sched_free_;
  std::vector<Span> spans_;
  double now_ = 0, vnow_ = 0, demand_ = 0, hbm_rate_ = 1;
  uint64_t order_ = 0;
  size_t next_submit_ = 0;
  bool orch_blocked_ = false;
};

} // namespace

ModelResult model_timeline(const ModelGraph &g, const ModelParams &p) {
  return TimelineSim(g, p).run();
}

std::string ModelResult::summary_json() const {
  std::ostringstream os;
  os.precision(17);
  os << "{\"makespan_us\": " << makespan_us << ", \"hbm_bytes\": " << hbm_bytes << ", \"bound\": \""
     << bound << "\", \"lower_bounds_us\": {\"orchestrator\": " << orch_us
     << ", \"scheduler\": " << sched_us << ", \"hbm\": " << hbm_us << ", \"cube\": " << cube_us
     << ", \"vector\": " << vector_us << ", \"critical_path\": " << critical_path_us
     << "}, \"spans\": " << spans.size() << "}";
  return os.str();
}

} // namespace ptosim
