// ptoattn simulator runtime: the orchestrator half. Task submission with dependency derivation
// (creator edges + TensorMap overlap: RAW and WAW, never WAR), scopes, ring allocation with
// back-pressure and deadlock detection, blocking scalar reads.
#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <sstream>

#include "overlap.h"
#include "runtime.h"

namespace ptosim {

namespace {
constexpr uint64_t kPackedAlign = 1024; // each runtime-allocated output starts on a 1 KiB boundary
uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }
// The runtime-allocated outputs of a task share one packed buffer on its ring's heap: each
// output's offset in it, and the buffer's size.
uint64_t pack_outputs(const CoreTaskArgs &args, std::vector<uint64_t> &out_off) {
  uint64_t total = 0;
  for (int i = 0; i < args.tensor_count(); i++) {
    if (args.tag(i) != TensorArgType::OUTPUT)
      continue;
    out_off[i] = total;
    total += align_up(args.tensor(i).create_info().buffer_size_bytes(), kPackedAlign);
  }
  return total;
}

// TensorMap entries a task adds: one per INOUT or OUTPUT_EXISTING argument with automatic deps.
int tensormap_entries(const CoreTaskArgs &args) {
  int need = 0;
  for (int i = 0; i < args.tensor_count(); i++) {
    const TensorArgType tag = args.tag(i);
    if ((tag == TensorArgType::INOUT || tag == TensorArgType::OUTPUT_EXISTING) &&
        !args.tensor(i).ref().manual_dep)
      need++;
  }
  return need;
}
} // namespace

int Runtime::current_ring() const {
  const int depth = scopes_.empty() ? 0 : static_cast<int>(scopes_.size()) - 1;
  return std::min(depth, kMaxRings - 1);
}

Task *Runtime::live_task(uint32_t seq) const {
  return seq < task_by_seq_live_.size() ? task_by_seq_live_[seq] : nullptr;
}

bool Runtime::heap_fit(const Ring &r, uint64_t need, uint64_t &off) const {
  if (need == 0) {
    off = 0;
    return true;
  }
  if (r.heap_regions.empty()) {
    // As simpler's ring allocator: an empty ring keeps allocating at its top and goes back to
    // offset 0 only when the request does not fit between the top and the end.
    off = r.heap_size - r.heap_top >= need ? r.heap_top : 0;
    return need <= r.heap_size;
  }
  const uint64_t head = r.heap_regions.back().second, tail = r.heap_regions.front().first;
  if (head > tail) {
    if (r.heap_size - head >= need)
      return off = head, true;
    if (tail >= need)
      return off = 0, true; // wrap; buffers never straddle the end
    return false;
  }
  if (tail - head >= need)
    return off = head, true;
  return false;
}

std::string Runtime::deadlock_message(const char *what, int ring, uint64_t need) const {
  const Ring &r = rings_[ring];
  std::ostringstream os;
  os << "deadlock: the orchestration is blocked on ring " << ring << "'s " << what
     << " and nothing can free it. ";
  if (std::string(what) == "task window") {
    os << "The window holds " << r.window << " slots (" << (r.window - 1)
       << " tasks in flight) and all " << r.live.size()
       << " in-flight tasks are finished but still referenced by open scopes. ";
  } else if (std::string(what) == "heap") {
    os << "The request is " << need << " bytes; " << r.heap_used << " of " << r.heap_size
       << " bytes are held by " << r.live.size() << " tasks still referenced by open scopes. ";
  } else if (std::string(what) == "dependency pool") {
    os << "It holds " << r.dep_cap << " entries, " << (r.dep_top - r.dep_tail) << " in use, "
       << need
       << " requested (one per fanin edge); entries are freed only as the ring's tasks retire, the "
          "pool's tail "
          "moving to the newest retired task's mark every 64 retirements (simpler's ensure_space "
          "and reclaim), "
          "and "
       << r.last_alive << " of the ring's " << r.next_local << " tasks have retired. ";
  } else {
    os << "The TensorMap pool holds " << cfg_.tensormap_pool << " entries, " << tmap_live_
       << " in use. ";
  }
  os << "Scopes only release their tasks at scope end, which needs the orchestration to continue. "
        "Open scopes:";
  for (size_t i = 0; i < scopes_.size(); i++)
    os << " [depth " << i << " at " << scopes_[i].file << ":" << scopes_[i].line << ", "
       << scopes_[i].tasks.size() << " tasks]";
  os << ". A scope needs more than the ring holds: ";
  if (std::string(what) == "task window")
    os << "raise task_window for ring " << ring << " above " << (r.live.size() + 1)
       << " or split the scope.";
  else if (std::string(what) == "heap")
    os << "raise heap_size for ring " << ring << " to at least " << (r.heap_used + need)
       << " bytes or split the scope.";
  else if (std::string(what) == "dependency pool")
    os << "raise ring_dep_pool for ring " << ring
       << " to the compiler's stated need (manifest ring_requirements).";
  else
    os << "raise the pool size or split the scope.";
  return os.str();
}

bool Runtime::wait_for(std::unique_lock<std::mutex> &lk, const char *what, int ring, uint64_t need,
                       const std::function<bool()> &ok) {
  bool waited = false;
  while (!ok()) {
    if (running_ == 0 && ready_.empty()) {
      orch_waiting_ = false;
      orch_ok_ = nullptr;
      fatal(deadlock_message(what, ring, need));
      return false;
    }
    if (!waited)
      rings_[ring].blocked_waits++;
    waited = true;
    orch_waiting_ = true; // run_ahead: kernels may run until `ok` holds
    orch_ok_ = &ok;
    cv_work_.notify_all();
    cv_orch_.wait(lk);
  }
  orch_waiting_ = false;
  orch_ok_ = nullptr;
  return true;
}

// simpler's PTO2DepListPool::reclaim: every kDepReclaimInterval retired tasks the tail jumps
// to the pool top recorded when the newest retired task was wired. An alloc task records no
// mark, so its slot still holds its previous occupant's (or none).
void Runtime::dep_reclaim(Ring &r) {
  constexpr uint32_t kDepReclaimInterval = 64; // PTO2_DEP_POOL_CLEANUP_INTERVAL
  if (r.last_alive == 0 || r.last_alive < r.dep_last_reclaimed + kDepReclaimInterval)
    return;
  const uint64_t mark = r.dep_mark.empty() ? 0 : r.dep_mark[(r.last_alive - 1) % r.window];
  r.dep_tail = std::max(r.dep_tail, mark);
  r.dep_last_reclaimed = r.last_alive;
  r.dep_used = static_cast<uint32_t>(r.dep_top - r.dep_tail);
}

// simpler's orch_wire_live_fanin_task: before wiring a task with a producer still running,
// the ring's pool must have room for one entry per fanin edge (ensure_space), reclaimed only
// as the ring's tasks retire; each producer not yet completed then takes one entry.
bool Runtime::dep_wire(std::unique_lock<std::mutex> &lk, Ring &r, int ring, Task *t,
                       const std::vector<Task *> &live) {
  const bool any_running = std::any_of(
      live.begin(), live.end(), [](const Task *p) { return p->state < TaskState::COMPLETED; });
  if (any_running) {
    const uint64_t need = live.size();
    auto room = [&] {
      if (r.dep_cap - (r.dep_top - r.dep_tail) >= need)
        return true;
      dep_reclaim(r);
      return r.dep_cap - (r.dep_top - r.dep_tail) >= need;
    };
    if (!wait_for(lk, "dependency pool", ring, need, room))
      return false;
    for (const Task *p : live)
      if (p->state < TaskState::COMPLETED)
        t->dep_entries++;
    r.dep_top += t->dep_entries;
  }
  if (r.dep_mark.empty())
    r.dep_mark.assign(r.window, 0);
  r.dep_mark[t->id.local() % r.window] = r.dep_top;
  r.dep_used = static_cast<uint32_t>(r.dep_top - r.dep_tail);
  r.hw_dep = std::max(r.hw_dep, r.dep_used);
  return true;
}

void Runtime::note_heap_stall(Ring &r, int ring, uint64_t need, const int32_t kernel[3]) {
  if (r.heap_stalls++ > 0)
    return;
  r.first_heap_stall_task = static_cast<int64_t>(records_.size()); // the seq this submission gets
  r.first_heap_stall_kernel = kernel_name(kernel);
  std::ostringstream os;
  os << "a request of " << need << " bytes found " << r.heap_used << " of " << r.heap_size
     << " bytes held by " << r.live.size() << " tasks";
  if (!r.live.empty()) {
    const Task *head = r.live.front();
    os << "; the ring's head, task " << head->seq << " (" << kernel_name(head->kernel) << "), was "
       << (head->state < TaskState::COMPLETED ? "not yet completed"
                                              : "completed but still referenced");
  }
  os << " (scope at " << site_file_ << ":" << site_line_ << ", ring " << ring << ")";
  r.first_heap_stall = os.str();
}

void Runtime::report_heap_stalls() {
  for (int i = 0; i < kMaxRings; i++) {
    const Ring &r = rings_[i];
    if (r.heap_stalls == 0)
      continue;
    Finding f;
    f.severity = pto::sim::SEV_WARNING;
    f.check = "heap_stall";
    f.task = r.first_heap_stall_task;
    f.kernel = r.first_heap_stall_kernel;
    f.message = "the orchestration found ring " + std::to_string(i) + "'s heap full " +
                std::to_string(r.heap_stalls) +
                " time(s) and waited for the ring's head to retire; first: " + r.first_heap_stall +
                ". simpler's runtime aborts such a wait (\"Task Allocator Deadlock - Heap "
                "Exhausted\") when "
                "the head does not retire within 500 ms (PTO2_ALLOC_DEADLOCK_TIMEOUT_CYCLES), as "
                "a2a3sim does "
                "on long runs: bound how far the orchestration runs ahead or raise ring_heap";
    add_finding(std::move(f));
  }
}

void Runtime::find_producers(const ChipTensor &t, bool input_lookup, bool inout,
                             std::vector<uint32_t> &seqs) {
  if (t.owner_task_id.is_valid()) {
    const uint32_t ring = t.owner_task_id.ring(), local = t.owner_task_id.local();
    if (ring < kMaxRings && local < seq_of_[ring].size())
      seqs.push_back(seq_of_[ring][local]);
  }
  if (!input_lookup || t.manual_dep)
    return;
  auto it = tmap_.find(t.buffer.addr);
  if (it == tmap_.end())
    return;
  for (TmapEntry &e : it->second) {
    if (e.dead || e.stale)
      continue;
    const Overlap ov = tensor_overlap(t, e.t);
    if (ov == Overlap::NONE)
      continue;
    seqs.push_back(e.seq);
    if (inout && ov == Overlap::COVERED) {
      e.dead = true;
      if (!e.retired)
        tmap_live_--;
    }
  }
}

bool Runtime::validate_submission(const int32_t kid[3], const CoreTaskArgs &args, bool alloc_only,
                                  const std::string &where) {
  if (args.has_error) {
    fatal(std::string("invalid task arguments: ") + (args.error_msg ? args.error_msg : "?") +
          where);
    return false;
  }
  if (!alloc_only) {
    bool any = false;
    for (int s = 0; s < 3; s++) {
      if (kid[s] == INVALID_KERNEL_ID)
        continue;
      any = true;
      auto it = kernels_.find(kid[s]);
      if (it == kernels_.end()) {
        fatal("task names kernel id " + std::to_string(kid[s]) + ", which was not loaded" + where);
        return false;
      }
      const int want = s == 0 ? pto::sim::CORE_AIC : pto::sim::CORE_AIV;
      if (it->second.core != want) {
        fatal("kernel " + it->second.name + " is an " + (it->second.core ? "AIV" : "AIC") +
              " kernel but was submitted in the " +
              (s == 0   ? "AIC"
               : s == 1 ? "AIV0"
                        : "AIV1") +
              " slot" + where);
        return false;
      }
    }
    if (!any) {
      fatal("task submitted with no kernel in any slot" + where);
      return false;
    }
    if (args.launch_spec.block_num() < 1) {
      fatal("launch_spec.block_num() is " + std::to_string(args.launch_spec.block_num()) +
            "; it must be >= 1" + where);
      return false;
    }
  }
  const int n = args.tensor_count();
  for (int i = 0; i < n; i++) {
    if (args.tag(i) == TensorArgType::OUTPUT)
      continue;
    const ChipTensor &t = args.tensor(i).ref();
    const uint64_t es = get_element_size(t.dtype);
    if (t.ndims == 0 || t.ndims > MAX_TENSOR_DIMS || es == 0) {
      fatal("tensor argument " + std::to_string(i) + " is not an initialised tensor" + where);
      return false;
    }
    if (t.extent_elem() > 0 && (t.start_offset + t.extent_elem()) * es > t.buffer.size) {
      fatal("tensor argument " + std::to_string(i) + " (" + tag_word(args.tag(i)) + ", " +
            describe_tensor(t) + ") is a view reaching past the end of its " +
            std::to_string(t.buffer.size) + "-byte buffer" + where);
      return false;
    }
  }
  return true;
}

bool Runtime::reserve_ring(std::unique_lock<std::mutex> &lk, Ring &R, int ring, uint64_t total,
                           const int32_t kid[3], const std::string &where, uint64_t &heap_off) {
  if (total > R.heap_size) {
    fatal("a task's outputs need " + std::to_string(total) + " bytes but ring " +
          std::to_string(ring) + "'s heap holds " + std::to_string(R.heap_size) + where);
    return false;
  }
  if (R.window < 2) {
    fatal("ring " + std::to_string(ring) + " task window must be at least 2");
    return false;
  }
  lk.lock();
  if (!wait_for(lk, "task window", ring, 1,
                [&] { return R.next_local - R.last_alive < R.window - 1; }))
    return false;
  if (!heap_fit(R, total, heap_off))
    note_heap_stall(R, ring, total, kid);
  return wait_for(lk, "heap", ring, total, [&] { return heap_fit(R, total, heap_off); });
}

Runtime::Fanin Runtime::collect_fanin(const CoreTaskArgs &args, bool manual) {
  Fanin f;
  std::vector<uint32_t> modifier;
  const int n = args.tensor_count();
  for (int i = 0; i < n && !manual; i++) {
    const TensorArgType tag = args.tag(i);
    if (tag == TensorArgType::OUTPUT)
      continue;
    const ChipTensor &t = args.tensor(i).ref();
    if (t.owner_task_id.is_valid()) {
      const uint32_t r = t.owner_task_id.ring(), l = t.owner_task_id.local();
      if (r < kMaxRings && l < seq_of_[r].size())
        f.creator.push_back(seq_of_[r][l]);
    }
    if ((tag == TensorArgType::INPUT || tag == TensorArgType::INOUT) && !t.manual_dep) {
      ChipTensor no_owner = t;
      no_owner.owner_task_id = PTO2TaskId::invalid();
      find_producers(no_owner, true, tag == TensorArgType::INOUT, modifier);
    }
  }
  for (uint32_t i = 0; i < args.explicit_dep_count(); i++) {
    const PTO2TaskId d = args.explicit_dep(i);
    if (d.is_valid() && d.ring() < kMaxRings && d.local() < seq_of_[d.ring()].size())
      f.creator.push_back(seq_of_[d.ring()][d.local()]);
  }
  f.all = f.creator;
  f.all.insert(f.all.end(), modifier.begin(), modifier.end());
  std::sort(f.all.begin(), f.all.end());
  f.all.erase(std::unique(f.all.begin(), f.all.end()), f.all.end());
  std::sort(f.creator.begin(), f.creator.end());
  f.creator.erase(std::unique(f.creator.begin(), f.creator.end()), f.creator.end());
  return f;
}

std::vector<Task *> Runtime::pin_producers(const std::vector<uint32_t> &seqs) {
  std::vector<Task *> live;
  for (uint32_t s : seqs) {
    Task *p = live_task(s);
    if (p && p->state != TaskState::CONSUMED) {
      p->fanout_refs++;
      live.push_back(p);
    }
  }
  return live;
}

void Runtime::unpin_producers(const std::vector<Task *> &live) {
  for (Task *p : live) {
    p->fanout_refs--;
    try_consume(p);
  }
}

Task *Runtime::allocate_slot(Ring &R, int ring, const int32_t kid[3], int block_num) {
  if (R.slots.empty())
    R.slots.resize(R.window);
  const uint32_t local = R.next_local++;
  auto &slot = R.slots[local % R.window];
  if (!slot)
    slot.reset(new Task());
  Task *t = slot.get();
  *t = Task();
  t->seq = static_cast<uint32_t>(records_.size());
  t->id = PTO2TaskId::make(ring, local);
  t->ring = ring;
  std::copy(kid, kid + 3, t->kernel);
  t->block_num = block_num;
  seq_of_[ring].push_back(t->seq);
  task_by_seq_live_.push_back(t);
  return t;
}

bool Runtime::claim_heap(Ring &R, int ring, Task *t, uint64_t heap_off, uint64_t total) {
  if (total == 0)
    return true;
  if (!R.heap) {
    void *p = mmap(nullptr, R.heap_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
      fatal("cannot reserve " + std::to_string(R.heap_size) + " bytes for ring " +
            std::to_string(ring) + "'s heap");
      return false;
    }
    R.heap = static_cast<uint8_t *>(p);
  }
  if (heap_off == 0 && R.heap_top != 0)
    R.wraps++;
  R.heap_regions.emplace_back(heap_off, heap_off + total);
  R.heap_top = heap_off + total;
  R.heap_used += total;
  R.hw_heap = std::max(R.hw_heap, R.heap_used);
  t->has_heap = true;
  t->heap_lo = heap_off;
  t->heap_hi = heap_off + total;
  return true;
}

void Runtime::record_task(Task *t, const CoreTaskArgs &args, uint8_t *outputs,
                          const std::vector<uint64_t> &out_off,
                          const std::vector<uint32_t> &fanin) {
  TaskRecord rec;
  rec.id = t->id;
  std::copy(t->kernel, t->kernel + 3, rec.kernel);
  rec.block_num = t->block_num;
  rec.scope_depth = static_cast<int>(scopes_.size()) - 1;
  rec.barrier = static_cast<uint32_t>(barriers_.size() - 1);
  rec.fanin = fanin;

  const int n = args.tensor_count();
  t->tensors.resize(n);
  t->tags.resize(n);
  for (int i = 0; i < n; i++) {
    t->tags[i] = args.tag(i);
    if (args.tag(i) == TensorArgType::OUTPUT) {
      const TensorCreateInfo &ci = args.tensor(i).create_info();
      uint8_t *addr = outputs + out_off[i];
      t->tensors[i].init_external(addr, ci.buffer_size_bytes(), ci.shapes, ci.ndims, ci.dtype, 0,
                                  ci.manual_dep);
      t->tensors[i].owner_task_id = t->id;
      if (ci.has_initial_value) {
        const uint64_t es = get_element_size(ci.dtype);
        for (uint64_t b = 0; b + es <= ci.buffer_size_bytes(); b += es)
          std::memcpy(addr + b, &ci.initial_value, es);
      }
      const uint64_t lo = reinterpret_cast<uint64_t>(addr);
      rec.fresh.emplace_back(lo, lo + align_up(ci.buffer_size_bytes(), kPackedAlign));
      forget_previous_tenant(lo);
    } else {
      t->tensors[i] = args.tensor(i).ref();
    }
  }
  t->scalars.assign(args.scalar_data(), args.scalar_data() + args.scalar_count());
  rec.args = t->tensors;
  rec.tags = t->tags;
  records_.push_back(std::move(rec));
}

// A fresh output may start where a freed buffer started (the heap recycles space as tasks
// retire, so whether it does depends on host timing). The entries left at that address describe
// the old tenant, whose writers have all completed: as fanin edges they would only add
// host-timing-dependent edges to the recorded graph, and so to the modeled time. They keep their
// pool slots until their producers retire, as in the runtime.
void Runtime::forget_previous_tenant(uint64_t addr) {
  auto it = tmap_.find(addr);
  if (it == tmap_.end())
    return;
  for (TmapEntry &e : it->second)
    e.stale = true;
  drop_unreachable_entries(addr);
}

// Dead and stale entries never match a lookup again; once their producer retired they hold no
// pool slot either, so they go and the lookups at a recycled address stay short.
void Runtime::drop_unreachable_entries(uint64_t addr) {
  auto it = tmap_.find(addr);
  if (it == tmap_.end())
    return;
  std::vector<TmapEntry> &v = it->second;
  v.erase(std::remove_if(v.begin(), v.end(),
                         [](const TmapEntry &e) { return e.retired && (e.dead || e.stale); }),
          v.end());
  if (v.empty())
    tmap_.erase(it);
}

void Runtime::wire_fanin(Task *t, const Fanin &fanin) {
  for (uint32_t s : fanin.all) {
    Task *p = live_task(s);
    if (!p)
      continue;
    const bool retain = std::binary_search(fanin.creator.begin(), fanin.creator.end(), s);
    if (retain && p->state < TaskState::CONSUMED) {
      p->fanout_refs++;
      t->retained.push_back(p);
    }
    if (p->state < TaskState::COMPLETED) {
      p->consumers.push_back(t);
      t->fanin_remaining++;
    }
  }
}

void Runtime::register_in_tensormap(Task *t, bool manual) {
  const int n = static_cast<int>(t->tags.size());
  for (int i = 0; i < n && !manual; i++) {
    const TensorArgType tag = t->tags[i];
    if ((tag == TensorArgType::INOUT || tag == TensorArgType::OUTPUT_EXISTING) &&
        !t->tensors[i].manual_dep) {
      tmap_[t->tensors[i].buffer.addr].push_back(TmapEntry{t->tensors[i], t, t->seq});
      tmap_live_++;
      t->tmap_entries++;
    }
  }
  hw_tmap_ = std::max(hw_tmap_, tmap_live_);
}

TaskOutputTensors Runtime::submit(const MixedKernels &mk, const CoreTaskArgs &args,
                                  bool alloc_only) {
  if (fatal_)
    return TaskOutputTensors{};
  const std::string where =
      " (submitted in the scope at " + site_file_ + ":" + std::to_string(site_line_) + ")";
  const int32_t kid[3] = {mk.aic_kernel_id, mk.aiv0_kernel_id, mk.aiv1_kernel_id};
  if (!validate_submission(kid, args, alloc_only, where))
    return TaskOutputTensors{};

  const int n = args.tensor_count();
  std::vector<uint64_t> out_off(n, 0);
  const uint64_t total = pack_outputs(args, out_off);
  const int ring = current_ring();
  Ring &R = rings_[ring];
  std::unique_lock<std::mutex> lk(mu_, std::defer_lock);
  uint64_t heap_off = 0;
  if (!reserve_ring(lk, R, ring, total, kid, where, heap_off))
    return TaskOutputTensors{};

  // Dependencies: creator edges (retain) and TensorMap overlap edges (wait only). Fanin edges
  // go to producers not yet consumed; like simpler's submit->wire pin, each is held until this
  // task is wired so it cannot retire in between.
  const bool manual = !scopes_.empty() && scopes_.back().mode == PTO2ScopeMode::MANUAL;
  const Fanin fanin = collect_fanin(args, manual);
  const std::vector<Task *> live = pin_producers(fanin.all);
  const int tmap_need = manual ? 0 : tensormap_entries(args);
  if (!wait_for(lk, "TensorMap pool", ring, tmap_need,
                [&] { return tmap_live_ + tmap_need <= cfg_.tensormap_pool; })) {
    unpin_producers(live);
    return TaskOutputTensors{};
  }
  // The waits may have let the heap move on; the fit computed last is still valid because
  // only retirement (which frees space) ran meanwhile.
  if (!heap_fit(R, total, heap_off)) {
    unpin_producers(live);
    fatal("internal: heap fit lost while waiting");
    return TaskOutputTensors{};
  }

  Task *t = allocate_slot(R, ring, kid, alloc_only ? 1 : args.launch_spec.block_num());
  if (!claim_heap(R, ring, t, heap_off, total))
    return TaskOutputTensors{};
  // The slot and the heap are held while the pool makes room, as in the runtime.
  if (!alloc_only && !dep_wire(lk, R, ring, t, live)) {
    unpin_producers(live);
    return TaskOutputTensors{};
  }
  record_task(t, args, R.heap + heap_off, out_off, fanin.all);
  wire_fanin(t, fanin);
  unpin_producers(live);
  register_in_tensormap(t, manual);

  t->fanout_refs += 1; // the owning scope's reference
  scopes_.back().tasks.push_back(t);
  R.live.push_back(t);
  R.hw_tasks = std::max<uint32_t>(R.hw_tasks, R.next_local - R.last_alive);
  if (alloc_only) {
    t->state = TaskState::COMPLETED;
  } else if (t->fanin_remaining == 0) {
    make_ready(t);
  }

  TaskOutputTensors out;
  out.set_task_id(t->id);
  for (int i = 0; i < n; i++)
    if (t->tags[i] == TensorArgType::OUTPUT)
      out.materialize_output(t->tensors[i]);
  return out;
}

void Runtime::scope_begin(PTO2ScopeMode mode) {
  std::lock_guard<std::mutex> lk(mu_);
  scopes_.push_back(Scope{{}, mode, site_file_, site_line_});
}

void Runtime::scope_end() {
  std::lock_guard<std::mutex> lk(mu_);
  if (scopes_.empty())
    return;
  Scope s = std::move(scopes_.back());
  scopes_.pop_back();
  for (Task *t : s.tasks) {
    t->fanout_refs--;
    try_consume(t);
  }
  cv_orch_.notify_all();
}

uint64_t Runtime::read_tensor(const ChipTensor &t, uint32_t nd, const uint32_t idx[], bool write,
                              uint64_t value) {
  const char *api = write ? "set_tensor_data" : "get_tensor_data";
  if (nd != t.ndims) {
    fatal(std::string(api) + ": " + std::to_string(nd) + " indices for a rank-" +
          std::to_string(t.ndims) + " tensor (" + describe_tensor(t) + ")");
    return 0;
  }
  for (uint32_t d = 0; d < nd; d++)
    if (idx[d] >= t.shapes[d]) {
      fatal(std::string(api) + ": index " + std::to_string(idx[d]) + " in dimension " +
            std::to_string(d) + " is outside the tensor (" + describe_tensor(t) + ")");
      return 0;
    }
  const uint64_t es = get_element_size(t.dtype);
  const uint64_t off = t.compute_flat_offset(idx, nd) * es;
  if (off + es > t.buffer.size) {
    fatal(std::string(api) + ": element at byte " + std::to_string(off) + " is outside the " +
          std::to_string(t.buffer.size) + "-byte buffer (" + describe_tensor(t) + ")");
    return 0;
  }
  std::unique_lock<std::mutex> lk(mu_);
  std::vector<uint32_t> seqs;
  find_producers(t, true, false, seqs);
  const std::function<bool()> produced = [&] {
    for (uint32_t s : seqs) {
      Task *p = live_task(s);
      if (p && p->state < TaskState::COMPLETED)
        return false;
    }
    return true;
  };
  orch_waiting_ = true;
  orch_ok_ = &produced;
  cv_work_.notify_all();
  cv_orch_.wait(lk, produced);
  orch_waiting_ = false;
  orch_ok_ = nullptr;
  barriers_.push_back(seqs); // every later submission is ordered after these producers
  uint8_t *p = reinterpret_cast<uint8_t *>(t.buffer.addr) + off;
  uint64_t v = 0;
  if (write)
    std::memcpy(p, &value, es);
  else
    std::memcpy(&v, p, es);
  return v;
}

} // namespace ptosim
