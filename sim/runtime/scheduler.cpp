// ptoattn simulator runtime: the scheduler half. Worker threads take (task, block) units from
// the ready queue, run the task's kernels for that block on their simulated cluster (AIC, then
// AIV0 with sub_block_id 0, then AIV1 with sub_block_id 1), and retire tasks in ring order.
#include <chrono>
#include <cstring>

#include "runtime.h"

extern const pto::sim::MathOps kMathOpsImpl; // math_ops.cpp

namespace ptosim {

namespace {
constexpr size_t kScratchFloats = 32768; // the largest L0 operand, 64 KiB of bf16 / 128 KiB of fp32

bool core_hook_gm(pto::sim::CoreCtx *c, const void *addr, uint64_t bytes, bool w, const char *op) {
  auto *inv = static_cast<Invocation *>(c->invocation);
  return inv->rt->on_gm_access(inv, addr, bytes, w, op);
}
void core_hook_report(pto::sim::CoreCtx *c, int sev, const char *check, const char *msg) {
  auto *inv = static_cast<Invocation *>(c->invocation);
  inv->rt->add_finding(sev, check, inv, msg);
}
const pto::sim::CoreHooks kHooks = {core_hook_gm, core_hook_report};
} // namespace

// run_ahead: units start only while the orchestration waits for something they can bring
// about (or has finished), so every submission sees the most work still in flight.
bool Runtime::may_start_unit() const {
  if (!cfg_.run_ahead || orch_done_)
    return true;
  return orch_waiting_ && orch_ok_ && !(*orch_ok_)();
}

void Runtime::make_ready(Task *t) {
  t->state = TaskState::READY;
  ready_.push_back(t);
  cv_work_.notify_all();
}

Task *Runtime::pick_ready() {
  if (ready_.empty())
    return nullptr;
  if (cfg_.schedule == 1)
    return ready_.back();
  if (cfg_.schedule == 2) {
    rng_state_ ^= rng_state_ << 13;
    rng_state_ ^= rng_state_ >> 7;
    rng_state_ ^= rng_state_ << 17;
    const size_t i = rng_state_ % ready_.size();
    std::swap(ready_[i], ready_.front());
  }
  return ready_.front();
}

void Runtime::worker_main(int idx) {
  (void)idx;
  Cluster cl;
  const uint32_t caps[pto::sim::LOC_COUNT] = {pto::SIM_L1_BYTES, pto::SIM_L0A_BYTES,
                                              pto::SIM_L0B_BYTES, pto::SIM_L0C_BYTES,
                                              pto::SIM_UB_BYTES};
  cl.mem.assign(caps[0] + caps[1] + caps[2] + caps[3] + 2 * caps[4], 0);
  cl.scratch.assign(3 * kScratchFloats, 0.0f);
  uint8_t *m = cl.mem.data();
  pto::sim::CoreCtx *cores[3] = {&cl.aic, &cl.aiv[0], &cl.aiv[1]};
  for (int k = 0; k < 3; k++) {
    pto::sim::CoreCtx &c = *cores[k];
    c.kind = k == 0 ? pto::sim::CORE_AIC : pto::sim::CORE_AIV;
    c.math = &kMathOpsImpl;
    c.hooks = &kHooks;
    c.scratch_a = cl.scratch.data();
    c.scratch_b = cl.scratch.data() + kScratchFloats;
    c.scratch_c = cl.scratch.data() + 2 * kScratchFloats;
    c.check_gm = cfg_.check_gm;
    c.check_sync = cfg_.check_sync;
    c.model_only = cfg_.model_only;
  }
  for (int l = 0; l < pto::sim::LOC_UB; l++) {
    cl.aic.buf[l] = m;
    cl.aic.cap[l] = caps[l];
    m += caps[l];
  }
  for (int v = 0; v < 2; v++) {
    cl.aiv[v].buf[pto::sim::LOC_UB] = m;
    cl.aiv[v].cap[pto::sim::LOC_UB] = caps[pto::sim::LOC_UB];
    m += caps[pto::sim::LOC_UB];
  }

  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    cv_work_.wait(lk, [this] { return stop_ || (!ready_.empty() && may_start_unit()); });
    if (stop_ && ready_.empty())
      return;
    Task *t = pick_ready();
    const int block = t->next_block++;
    t->state = TaskState::RUNNING;
    if (t->next_block >= t->block_num) {
      if (ready_.front() == t)
        ready_.pop_front();
      else
        ready_.pop_back();
    }
    running_++;
    lk.unlock();
    execute(cl, t, block);
    lk.lock();
    running_--;
    if (!cl.accesses.empty()) {
      accesses_.insert(accesses_.end(), cl.accesses.begin(), cl.accesses.end());
      cl.accesses.clear();
    }
    for (int k = 0; k < 3; k++) {
      sync_set_ += cores[k]->n_set_flag;
      sync_wait_ += cores[k]->n_wait_flag;
      sync_barrier_ += cores[k]->n_barrier;
      gm_read_ += cores[k]->gm_bytes_read;
      gm_written_ += cores[k]->gm_bytes_written;
      cores[k]->reset_counters();
    }
    if (++t->blocks_done == t->block_num)
      complete(t);
    cv_orch_.notify_all();
  }
}

void Runtime::execute(Cluster &cl, Task *t, int block) {
  for (int slot = 0; slot < 3; slot++)
    if (t->kernel[slot] != INVALID_KERNEL_ID)
      run_kernel(cl, t, slot, block);
}

void Runtime::run_kernel(Cluster &cl, Task *t, int slot, int block) {
  Kernel &k = kernels_.at(t->kernel[slot]);
  pto::sim::CoreCtx &core = slot == 0 ? cl.aic : cl.aiv[slot - 1];
  if (cfg_.poison) {
    for (int l = 0; l < pto::sim::LOC_COUNT; l++)
      if (core.buf[l])
        std::memset(core.buf[l], 0xff, core.cap[l]); // NaN in fp32 and bf16
  }
  int64_t args[PTO2_KERNEL_ARGS_SLOTS] = {};
  size_t n = 0;
  for (ChipTensor &ten : t->tensors)
    args[n++] = reinterpret_cast<int64_t>(&ten);
  for (uint64_t s : t->scalars)
    args[n++] = static_cast<int64_t>(s);
  LocalContext local{block, t->block_num};
  GlobalContext global{slot == 2 ? 1 : 0};
  args[SPMD_LOCAL_CONTEXT_INDEX] = reinterpret_cast<int64_t>(&local);
  args[SPMD_GLOBAL_CONTEXT_INDEX] = reinterpret_cast<int64_t>(&global);

  Invocation inv{this, t, &k, &cl, block, slot};
  core.invocation = &inv;
  core.reset_counters();
  k.bind(&core);
  const auto t0 = std::chrono::steady_clock::now();
  try {
    k.entry(args);
  } catch (const pto::sim::KernelAbort &) {
    // already reported as a fatal finding
  } catch (...) {
    add_finding(pto::sim::SEV_FATAL, "kernel", &inv, "the kernel threw an exception");
  }
  const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (cfg_.check_sync) {
    for (int a = 0; a < pto::SIM_NUM_PIPES; a++)
      for (int b = 0; b < pto::SIM_NUM_PIPES; b++)
        for (int e = 0; e < pto::SIM_NUM_EVENTS; e++)
          if (core.flags[a][b][e] > 0)
            add_finding(pto::sim::SEV_WARNING, "sync", &inv,
                        "set_flag(" + std::to_string(a) + ", " + std::to_string(b) + ", EVENT_ID" +
                            std::to_string(e) + ") is never waited before the kernel ends");
    if (core.last_store_pipe >= 0)
      add_finding(
          pto::sim::SEV_WARNING, "store_drain", &inv,
          std::string("the kernel ends without draining its last store (set_flag/wait_flag(") +
              (core.last_store_pipe == PIPE_FIX ? "PIPE_FIX" : "PIPE_MTE3") +
              ", PIPE_S)): a consumer may read stale GM");
  }
  k.bind(nullptr);
  core.invocation = nullptr;
  std::lock_guard<std::mutex> lk(mu_);
  record_work(t, slot, block, core);
  k.invocations++;
  k.seconds += dt;
  invocations_++;
}

void Runtime::complete(Task *t) {
  t->state = TaskState::COMPLETED;
  tasks_executed_++;
  for (Task *c : t->consumers)
    if (--c->fanin_remaining == 0)
      make_ready(c);
  t->consumers.clear();
  for (Task *p : t->retained) {
    p->fanout_refs--;
    try_consume(p);
  }
  t->retained.clear();
  try_consume(t);
}

void Runtime::try_consume(Task *t) {
  if (t->state != TaskState::COMPLETED || t->fanout_refs > 0)
    return;
  t->state = TaskState::CONSUMED;
  retire_ready_tasks(t->ring);
}

void Runtime::retire_ready_tasks(int ring) {
  Ring &R = rings_[ring];
  while (!R.live.empty() && R.live.front()->state == TaskState::CONSUMED) {
    retire(R.live.front());
    R.live.pop_front();
    R.last_alive++;
  }
}

void Runtime::retire(Task *t) {
  Ring &R = rings_[t->ring];
  if (t->has_heap) {
    R.heap_regions.pop_front();
    R.heap_used -= t->heap_hi - t->heap_lo;
  }
  if (t->tmap_entries > 0) {
    for (const ChipTensor &ten : t->tensors) {
      auto it = tmap_.find(ten.buffer.addr);
      if (it == tmap_.end())
        continue;
      for (TmapEntry &e : it->second)
        if (e.seq == t->seq && !e.retired) {
          e.retired = true;
          e.producer = nullptr;
          if (!e.dead)
            tmap_live_--;
        }
      drop_unreachable_entries(ten.buffer.addr);
    }
  }
  task_by_seq_live_[t->seq] = nullptr;
}

} // namespace ptosim
