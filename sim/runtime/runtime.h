// ptoattn simulator runtime: internal structures.
//
// The runtime plays both halves of simpler's tensormap_and_ringbuffer runtime: the orchestrator
// (the orchestration .so runs on the caller's thread and submits tasks) and the scheduler (a
// small pool of worker threads executes ready tasks block by block on simulated clusters).
// All scheduler state is guarded by one mutex; work units (kernel invocations) are coarse
// enough that this is not a bottleneck.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "intrinsic.h"
#include "pto/sim/core.hpp"
#include "pto_orchestration_api.h"
#include "timeline.h"

namespace ptosim {

constexpr int kMaxRings = 4; // scope depth d uses ring min(d, 3), as in the real runtime

struct Config {
  uint64_t heap_size[kMaxRings] = {256ull << 20, 256ull << 20, 256ull << 20, 256ull << 20};
  uint32_t task_window[kMaxRings] = {16384, 16384, 16384, 16384};
  uint32_t dep_pool[kMaxRings] = {16384, 16384, 16384, 16384};
  uint32_t tensormap_pool = 65536;
  int clusters = 24;
  int threads = 2;
  bool check_gm = true;    // bounds, write-to-input, access recording
  bool check_races = true; // post-run happens-before analysis of recorded accesses
  bool check_lines = true; // 64-byte GM line sharing between blocks / lanes of one task
  bool check_sync = true;  // set_flag / wait_flag pairing, store drain
  bool run_ahead = false;  // kernels run only while the orchestration waits (worst case for rings)
  bool poison = false;     // fill on-chip buffers with NaN before every kernel invocation
  int schedule = 0;        // 0 fifo, 1 lifo, 2 seeded random pick among ready tasks
  uint64_t seed = 0;
  int max_findings_per_check = 20;
  bool model_only = false; // instructions charge their modeled cost but skip their arithmetic
  ModelParams model;       // the task-level timing model's chip and runtime figures
};

// How messages name a tensor argument's tag.
const char *tag_word(TensorArgType t);

enum class TaskState : uint8_t { PENDING, READY, RUNNING, COMPLETED, CONSUMED };

struct Finding {
  int severity; // pto::sim::Severity
  std::string check;
  int64_t task = -1; // submission sequence number
  std::string kernel;
  int block = -1;
  int lane = -1;
  std::string message;
};

// One recorded GM access of one kernel invocation.
struct Access {
  uint64_t lo, hi;
  uint32_t task;
  int32_t block;
  int8_t lane; // 0 AIC, 1 AIV0, 2 AIV1
  bool write;
  uint8_t arg; // tensor argument index (255: none)
};

// What survives a task's ring slot: used by the report and the post-run analyses.
struct TaskRecord {
  PTO2TaskId id;
  int32_t kernel[3];
  int block_num = 1;
  int scope_depth = 0;
  uint32_t barrier = 0;        // index of the last get_tensor_data barrier before submit
  std::vector<uint32_t> fanin; // producer sequence numbers (every derived edge)
  std::vector<std::pair<uint64_t, uint64_t>> fresh; // heap ranges allocated to this task
  std::vector<ChipTensor> args;                     // descriptors, for naming tensors in findings
  std::vector<TensorArgType> tags;
  std::vector<LaneWork> work; // modeled work per (block, lane), filled as invocations finish
};

struct Task {
  uint32_t seq = 0;
  PTO2TaskId id;
  int ring = 0;
  int32_t kernel[3] = {INVALID_KERNEL_ID, INVALID_KERNEL_ID, INVALID_KERNEL_ID};
  int block_num = 1;
  TaskState state = TaskState::PENDING;
  std::vector<ChipTensor> tensors; // sized once at submit: TaskOutputTensors point into it
  std::vector<TensorArgType> tags;
  std::vector<uint64_t> scalars;
  std::vector<Task *> consumers; // wired edges to notify on completion
  std::vector<Task *> retained;  // producers this task pins until it completes
  int fanin_remaining = 0;
  int fanout_refs = 0; // 1 (owning scope) + retaining consumers
  int next_block = 0, blocks_done = 0;
  int dep_entries = 0; // dependency-pool entries charged to this task's ring
  int tmap_entries = 0;
  uint64_t heap_lo = 0, heap_hi = 0; // packed output buffer [lo, hi) in ring offsets
  bool has_heap = false;
};

struct Ring {
  uint8_t *heap = nullptr; // mmap'd lazily: untouched pages cost no memory
  uint64_t heap_size = 0;
  uint32_t window = 0, dep_cap = 0;
  uint32_t next_local = 0, last_alive = 0;                // task window [last_alive, next_local)
  std::deque<Task *> live;                                // tasks in window order
  std::deque<std::pair<uint64_t, uint64_t>> heap_regions; // live packed buffers, oldest first
  uint64_t heap_top = 0; // where the last packed buffer ended (kept while the ring is empty)
  uint64_t heap_used = 0;
  uint32_t dep_used = 0; // dep_top - dep_tail
  // simpler's dependency-list pool: linear counters; the tail only moves to the pool top
  // recorded when an older task was wired, once kDepReclaimInterval more tasks retired.
  uint64_t dep_top = 0, dep_tail = 0;
  uint32_t dep_last_reclaimed = 0;
  std::vector<uint64_t> dep_mark; // per window slot; alloc tasks leave the slot's old mark
  uint64_t heap_stalls = 0;       // submissions that found the heap full
  std::string first_heap_stall;
  int64_t first_heap_stall_task = -1; // the submission that found it full
  std::string first_heap_stall_kernel;
  // high-water marks for the report
  uint32_t hw_tasks = 0, hw_dep = 0;
  uint64_t hw_heap = 0;
  uint64_t wraps = 0, blocked_waits = 0;
  std::vector<std::unique_ptr<Task>> slots; // slot = local id % window, recycled
};

// Names of the orchestration's external tensors, for readable findings.
struct ExternalName {
  uint64_t lo, hi;
  std::string name;
};

struct Kernel {
  std::string name;
  int core = 0; // pto::sim::CORE_AIC / CORE_AIV
  void *handle = nullptr;
  void (*entry)(int64_t *) = nullptr;
  void (*bind)(pto::sim::CoreCtx *) = nullptr;
  uint64_t invocations = 0;
  double seconds = 0;
};

// A TensorMap entry: a tensor region last written by `seq`. Entries of retired producers stay
// (flagged): lookups still take them as fanin edges, so the recorded graph has every semantic
// edge whatever the timing was. Dead or stale entries of retired producers are dropped.
struct TmapEntry {
  ChipTensor t;
  Task *producer; // valid while !retired
  uint32_t seq;
  bool retired = false;
  bool dead = false;  // superseded by a covering INOUT writer
  bool stale = false; // its buffer was freed and a fresh output now starts at the same address
};

class Runtime;

// The PTO2Runtime handed to the orchestration, with a way back to its owner.
struct RtHandle : PTO2Runtime {
  Runtime *owner;
};

// A worker thread's simulated cluster: one AIC and two AIV cores with their buffers.
struct Cluster {
  pto::sim::CoreCtx aic, aiv[2];
  std::vector<uint8_t> mem;
  std::vector<float> scratch;
  std::vector<Access> accesses; // this invocation's accesses, flushed after it
};

struct Invocation {
  Runtime *rt;
  Task *task;
  Kernel *kernel;
  Cluster *cluster;
  int block, lane;
};

class Runtime {
public:
  explicit Runtime(const Config &cfg);
  ~Runtime();

  bool load_orchestration(const std::string &path, std::string &err);
  bool load_kernel(int func_id, const std::string &name, int core, const std::string &path,
                   std::string &err);
  // Runs the orchestration on tensors (external buffers) and scalars; returns false on fatal.
  bool run(const std::vector<ChipTensor> &tensors, const std::vector<uint64_t> &scalars);
  std::string report_json() const;
  const ModelResult &model() const { return model_; }
  void set_external_names(std::vector<ExternalName> names);
  const std::string &fatal_message() const { return fatal_msg_; }

  // ---- orchestration API (called through PTO2RuntimeOps) ----
  TaskOutputTensors submit(const MixedKernels &mk, const CoreTaskArgs &args, bool alloc_only);
  void scope_begin(PTO2ScopeMode mode);
  void scope_end();
  uint64_t read_tensor(const ChipTensor &t, uint32_t ndims, const uint32_t idx[], bool write,
                       uint64_t value);
  void fatal(const std::string &msg);
  void append_fatal(const std::string &msg);
  bool is_fatal() const { return fatal_; }
  void set_site(const char *file, int line) {
    site_file_ = file ? file : "?";
    site_line_ = line;
  }

  // ---- kernel-side hooks ----
  bool on_gm_access(Invocation *inv, const void *addr, uint64_t bytes, bool is_write,
                    const char *op);
  void add_finding(int sev, const std::string &check, Invocation *inv, const std::string &msg);
  void add_finding(Finding f);

  RtHandle api_; // handed to the orchestration .so
  Config cfg_;

private:
  friend struct WorkerAccess;
  void worker_main(int idx);
  void execute(Cluster &cl, Task *t, int block);
  void run_kernel(Cluster &cl, Task *t, int slot, int block);
  void complete(Task *t);
  void try_consume(Task *t);
  void retire_ready_tasks(int ring);
  void retire(Task *t);
  void make_ready(Task *t);
  Task *pick_ready();
  bool wait_for(std::unique_lock<std::mutex> &lk, const char *what, int ring, uint64_t need,
                const std::function<bool()> &ok);
  // submit(), by concern: checking the arguments, reserving the ring's window and heap,
  // deriving the fanin, taking the slot and heap, recording and wiring the task.
  struct Fanin {
    std::vector<uint32_t> creator; // sorted: producers retained until this task completes
    std::vector<uint32_t> all;     // sorted: creator and TensorMap-overlap producers
  };
  bool validate_submission(const int32_t kid[3], const CoreTaskArgs &args, bool alloc_only,
                           const std::string &where);
  bool reserve_ring(std::unique_lock<std::mutex> &lk, Ring &r, int ring, uint64_t total,
                    const int32_t kid[3], const std::string &where, uint64_t &heap_off);
  Fanin collect_fanin(const CoreTaskArgs &args, bool manual);
  std::vector<Task *> pin_producers(const std::vector<uint32_t> &seqs);
  void unpin_producers(const std::vector<Task *> &live);
  Task *allocate_slot(Ring &r, int ring, const int32_t kid[3], int block_num);
  bool claim_heap(Ring &r, int ring, Task *t, uint64_t heap_off, uint64_t total);
  void record_task(Task *t, const CoreTaskArgs &args, uint8_t *outputs,
                   const std::vector<uint64_t> &out_off, const std::vector<uint32_t> &fanin);
  void wire_fanin(Task *t, const Fanin &fanin);
  void register_in_tensormap(Task *t, bool manual);
  void forget_previous_tenant(uint64_t addr);
  void drop_unreachable_entries(uint64_t addr);
  void find_producers(const ChipTensor &t, bool input_lookup, bool inout,
                      std::vector<uint32_t> &seqs);
  Task *live_task(uint32_t seq) const;
  bool heap_fit(const Ring &r, uint64_t need, uint64_t &off) const;
  std::string deadlock_message(const char *what, int ring, uint64_t need) const;
  // Dependency pool (simpler's ensure_space / reclaim / dep_pool_mark) and heap stalls.
  void dep_reclaim(Ring &r);
  bool dep_wire(std::unique_lock<std::mutex> &lk, Ring &r, int ring, Task *t,
                const std::vector<Task *> &live);
  void note_heap_stall(Ring &r, int ring, uint64_t need, const int32_t kernel[3]);
  void report_heap_stalls();
  bool may_start_unit() const;
  bool orch_waiting_ = false; // run_ahead: workers start units only while this is set
  bool orch_done_ = false;
  const std::function<bool()> *orch_ok_ = nullptr;
  int current_ring() const;
  std::string describe_tensor(const ChipTensor &t) const;
  std::string kernel_name(const int32_t k[3]) const;
  void analyse_after_run();
  void analyse_races();
  void analyse_lines();
  bool happens_before(uint32_t a, uint32_t b);
  std::string access_desc(const Access &a) const;
  std::vector<uint32_t> hb_mark_;
  uint32_t hb_epoch_ = 0;
  std::unordered_map<uint64_t, bool> hb_cache_;
  void reset_for_run();
  void model_after_run();
  void record_work(const Task *t, int slot, int block, const pto::sim::CoreCtx &core);
  ModelResult model_;

  mutable std::mutex mu_;
  std::condition_variable cv_work_, cv_orch_;
  std::vector<std::thread> workers_;
  bool stop_ = false;

  Ring rings_[kMaxRings];
  std::unordered_map<uint64_t, std::vector<TmapEntry>> tmap_;
  std::vector<uint32_t> seq_of_[kMaxRings]; // local task id -> submission sequence number
  std::vector<Task *> task_by_seq_live_;    // seq -> Task* while the task is live (else null)
  uint32_t tmap_live_ = 0, hw_tmap_ = 0;
  std::deque<Task *> ready_;
  int running_ = 0; // invocations in progress
  uint64_t rng_state_ = 0;

  struct Scope {
    std::vector<Task *> tasks;
    PTO2ScopeMode mode;
    std::string file;
    int line;
  };
  std::vector<Scope> scopes_;
  std::string site_file_ = "?";
  int site_line_ = 0;

  std::map<int, Kernel> kernels_;
  void *orch_handle_ = nullptr;
  void (*orch_entry_)(const ChipTaskArgs &) = nullptr;
  PTO2OrchestrationConfig (*orch_config_)(const ChipTaskArgs &) = nullptr;

  std::vector<TaskRecord> records_;
  std::vector<std::vector<uint32_t>> barriers_; // producers waited on by get_tensor_data
  std::vector<Access> accesses_;
  std::vector<ExternalName> externals_;
  mutable std::mutex findings_mu_;
  bool kernel_failed_ = false;
  std::vector<Finding> findings_;
  std::map<std::string, int> finding_counts_;
  bool fatal_ = false;
  std::string fatal_msg_;
  uint64_t tasks_executed_ = 0, invocations_ = 0, sync_set_ = 0, sync_wait_ = 0, sync_barrier_ = 0;
  uint64_t gm_read_ = 0, gm_written_ = 0;
  double run_seconds_ = 0, analysis_seconds_ = 0;
};

} // namespace ptosim
