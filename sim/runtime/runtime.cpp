// ptoattn simulator runtime: construction, loading of the orchestration and kernel .so files,
// the PTO2RuntimeOps table and the top-level run.
#include "runtime.h"

#include <dlfcn.h>
#include <sys/mman.h>

#include <chrono>
#include <cstdarg>
#include <cstdio>

namespace ptosim {

namespace {

Runtime *self(PTO2Runtime *rt) { return static_cast<RtHandle *>(rt)->owner; }

TaskOutputTensors op_submit(PTO2Runtime *rt, const MixedKernels &mk, const CoreTaskArgs &a) {
  return self(rt)->submit(mk, a, false);
}
TaskOutputTensors op_alloc(PTO2Runtime *rt, const CoreTaskArgs &a) {
  return self(rt)->submit(MixedKernels{}, a, true);
}
void op_scope_begin(PTO2Runtime *rt) { self(rt)->scope_begin(rt->pending_scope_mode); }
void op_scope_end(PTO2Runtime *rt) { self(rt)->scope_end(); }
bool op_is_fatal(PTO2Runtime *rt) { return self(rt)->is_fatal(); }
void op_report_fatal(PTO2Runtime *rt, int32_t code, const char *func, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  const std::string msg = std::string("orchestration reported a fatal error (code ") +
                          std::to_string(code) + ") in " + (func ? func : "?") + ": " + buf;
  // After the runtime's own fatal report, the orchestration stopping is worth saying too.
  if (self(rt)->is_fatal())
    self(rt)->append_fatal("then the " + msg);
  else
    self(rt)->fatal(msg);
}
void op_log(int level, const char *func, const char *fmt, ...) {
  if (level > 1 && !std::getenv("PTOATTN_SIM_LOG"))
    return;
  static const char *const names[] = {"ERROR", "WARN", "INFO", "DEBUG"};
  std::fprintf(stderr, "[ptoattn-sim orch %s] %s: ", names[level & 3], func ? func : "?");
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stderr, fmt, ap);
  va_end(ap);
  std::fputc('\n', stderr);
}
uint64_t op_get(PTO2Runtime *rt, const ChipTensor &t, uint32_t n, const uint32_t idx[]) {
  return self(rt)->read_tensor(t, n, idx, false, 0);
}
void op_set(PTO2Runtime *rt, const ChipTensor &t, uint32_t n, const uint32_t idx[], uint64_t v) {
  self(rt)->read_tensor(t, n, idx, true, v);
}
int32_t op_clusters(PTO2Runtime *rt) { return self(rt)->cfg_.clusters; }
int32_t op_aivs(PTO2Runtime *rt) { return self(rt)->cfg_.clusters * 2; }
void op_site(PTO2Runtime *rt, const char *file, int line) { self(rt)->set_site(file, line); }

const PTO2RuntimeOps kOps = {op_submit,       op_scope_begin, op_scope_end, op_is_fatal,
                             op_report_fatal, op_log,         op_get,       op_set,
                             op_alloc,        op_clusters,    op_aivs,      op_site};

} // namespace

Runtime::Runtime(const Config &cfg) : cfg_(cfg) {
  api_.ops = &kOps;
  api_.owner = this;
  api_.pending_scope_mode = PTO2ScopeMode::AUTO;
  for (int r = 0; r < kMaxRings; r++) {
    rings_[r].heap_size = cfg_.heap_size[r];
    rings_[r].window = cfg_.task_window[r];
    rings_[r].dep_cap = cfg_.dep_pool[r];
  }
}

Runtime::~Runtime() {
  for (auto &r : rings_)
    if (r.heap)
      munmap(r.heap, r.heap_size);
  for (auto &kv : kernels_)
    if (kv.second.handle)
      dlclose(kv.second.handle);
  if (orch_handle_)
    dlclose(orch_handle_);
}

bool Runtime::load_orchestration(const std::string &path, std::string &err) {
  orch_handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!orch_handle_) {
    err = std::string("cannot load orchestration: ") + dlerror();
    return false;
  }
  orch_entry_ = reinterpret_cast<void (*)(const ChipTaskArgs &)>(
      dlsym(orch_handle_, "aicpu_orchestration_entry"));
  orch_config_ = reinterpret_cast<PTO2OrchestrationConfig (*)(const ChipTaskArgs &)>(
      dlsym(orch_handle_, "aicpu_orchestration_config"));
  auto bind =
      reinterpret_cast<void (*)(PTO2Runtime *)>(dlsym(orch_handle_, "ptoattn_sim_bind_runtime"));
  if (!orch_entry_) {
    err = path + ": no extern \"C\" aicpu_orchestration_entry";
    return false;
  }
  if (!bind) {
    err = path + ": not built against the simulator's pto_orchestration_api.h";
    return false;
  }
  bind(&api_);
  return true;
}

bool Runtime::load_kernel(int func_id, const std::string &name, int core, const std::string &path,
                          std::string &err) {
  Kernel k;
  k.name = name;
  k.core = core;
  k.handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!k.handle) {
    err = std::string("cannot load kernel ") + name + ": " + dlerror();
    return false;
  }
  k.entry = reinterpret_cast<void (*)(int64_t *)>(dlsym(k.handle, "kernel_entry"));
  k.bind =
      reinterpret_cast<void (*)(pto::sim::CoreCtx *)>(dlsym(k.handle, "ptoattn_sim_bind_core"));
  if (!k.entry) {
    err = "kernel " + name + ": no extern \"C\" kernel_entry";
    return false;
  }
  if (!k.bind) {
    err = "kernel " + name + ": not built against the simulator's pto/pto-inst.hpp";
    return false;
  }
  kernels_[func_id] = k;
  return true;
}

void Runtime::reset_for_run() {
  for (auto &r : rings_) {
    r.next_local = r.last_alive = 0;
    r.live.clear();
    r.heap_regions.clear();
    r.heap_top = 0;
    r.heap_used = 0;
    r.dep_used = 0;
    r.dep_top = r.dep_tail = 0;
    r.dep_last_reclaimed = 0;
    r.dep_mark.clear();
    r.heap_stalls = 0;
    r.first_heap_stall.clear();
    r.hw_tasks = r.hw_dep = 0;
    r.hw_heap = 0;
    r.wraps = r.blocked_waits = 0;
  }
  tmap_.clear();
  tmap_live_ = hw_tmap_ = 0;
  ready_.clear();
  running_ = 0;
  orch_waiting_ = orch_done_ = false;
  orch_ok_ = nullptr;
  scopes_.clear();
  records_.clear();
  barriers_.clear();
  barriers_.emplace_back();
  accesses_.clear();
  findings_.clear();
  finding_counts_.clear();
  fatal_ = false;
  fatal_msg_.clear();
  tasks_executed_ = invocations_ = sync_set_ = sync_wait_ = sync_barrier_ = 0;
  gm_read_ = gm_written_ = 0;
  for (auto &kv : kernels_)
    kv.second.invocations = 0, kv.second.seconds = 0;
  rng_state_ = cfg_.seed * 0x9e3779b97f4a7c15ull + 1;
}

bool Runtime::run(const std::vector<ChipTensor> &tensors, const std::vector<uint64_t> &scalars) {
  auto t0 = std::chrono::steady_clock::now();
  reset_for_run();
  if (!orch_entry_) {
    fatal("no orchestration loaded");
    return false;
  }
  stop_ = false;
  const int nthreads = cfg_.threads < 1 ? 1 : cfg_.threads;
  for (int i = 0; i < nthreads; i++)
    workers_.emplace_back([this, i] { worker_main(i); });

  ChipTaskArgs args;
  for (const ChipTensor &t : tensors)
    args.add_input(t);
  for (uint64_t s : scalars)
    args.add_scalar(s);

  set_site("<runtime outer scope>", 0);
  scope_begin(PTO2ScopeMode::AUTO);
  bool arg_ok = true;
  if (orch_config_) {
    PTO2OrchestrationConfig oc = orch_config_(args);
    const int given = static_cast<int>(tensors.size() + scalars.size());
    if (oc.expected_arg_count != given) {
      fatal("orchestration expects " + std::to_string(oc.expected_arg_count) + " arguments, got " +
            std::to_string(given) + " (" + std::to_string(tensors.size()) + " tensors + " +
            std::to_string(scalars.size()) + " scalars)");
      arg_ok = false;
    }
  }
  if (arg_ok) {
    try {
      orch_entry_(args);
    } catch (const std::exception &e) {
      fatal(std::string("orchestration threw: ") + e.what());
    } catch (...) {
      fatal("orchestration threw an exception");
    }
  }
  while (scopes_.size() > 1)
    scope_end(); // a fatal error may leave scopes open
  if (!scopes_.empty())
    scope_end();
  {
    std::lock_guard<std::mutex> lk(mu_);
    orch_done_ = true; // run_ahead: the remaining tasks may all run now
  }
  cv_work_.notify_all();

  {
    std::unique_lock<std::mutex> lk(mu_);
    cv_orch_.wait(lk, [this] {
      for (auto &r : rings_)
        if (!r.live.empty())
          return false;
      return true;
    });
    stop_ = true;
  }
  cv_work_.notify_all();
  for (auto &w : workers_)
    w.join();
  workers_.clear();
  report_heap_stalls();
  run_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto t1 = std::chrono::steady_clock::now();
  analyse_after_run();
  model_after_run();
  analysis_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  return !fatal_;
}

void Runtime::append_fatal(const std::string &msg) {
  if (fatal_)
    fatal_msg_ += "; " + msg;
}

void Runtime::fatal(const std::string &msg) {
  if (!fatal_) {
    fatal_ = true;
    fatal_msg_ = msg;
  }
}

} // namespace ptosim
