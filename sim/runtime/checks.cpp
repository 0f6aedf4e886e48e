// ptoattn simulator runtime: online checks of every GM access a kernel makes (bounds, writes to
// inputs) and the findings store.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "runtime.h"

namespace ptosim {

namespace {
std::string hex(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof(b), "0x%llx", static_cast<unsigned long long>(v));
  return b;
}
} // namespace

const char *tag_word(TensorArgType t) {
  switch (t) {
  case TensorArgType::INPUT:
    return "input";
  case TensorArgType::OUTPUT:
    return "output (runtime-allocated)";
  case TensorArgType::INOUT:
    return "inout";
  case TensorArgType::OUTPUT_EXISTING:
    return "output";
  default:
    return "no_dep";
  }
}

void Runtime::set_external_names(std::vector<ExternalName> names) { externals_ = std::move(names); }

std::string Runtime::describe_tensor(const ChipTensor &t) const {
  std::ostringstream os;
  const uint64_t a = t.buffer.addr;
  std::string name;
  for (const ExternalName &e : externals_)
    if (a >= e.lo && a < e.hi) {
      name = e.name;
      if (a != e.lo)
        name += "+" + std::to_string(a - e.lo) + "B";
      break;
    }
  if (name.empty()) {
    if (t.owner_task_id.is_valid() && t.owner_task_id.ring() < kMaxRings &&
        t.owner_task_id.local() < seq_of_[t.owner_task_id.ring()].size()) {
      const uint32_t s = seq_of_[t.owner_task_id.ring()][t.owner_task_id.local()];
      name = "runtime tensor of task " + std::to_string(s);
      if (s < records_.size())
        name += " (" + kernel_name(records_[s].kernel) + ")";
    } else {
      name = "tensor@" + hex(a);
    }
  }
  os << name << " " << get_dtype_name(t.dtype) << " [";
  for (uint32_t i = 0; i < t.ndims; i++)
    os << (i ? ", " : "") << t.shapes[i];
  os << "]";
  if (t.start_offset)
    os << " at element " << t.start_offset;
  return os.str();
}

std::string Runtime::kernel_name(const int32_t k[3]) const {
  std::string s;
  for (int i = 0; i < 3; i++) {
    if (k[i] == INVALID_KERNEL_ID)
      continue;
    auto it = kernels_.find(k[i]);
    const std::string n = it == kernels_.end() ? "#" + std::to_string(k[i]) : it->second.name;
    if (s.find(n) != std::string::npos)
      continue; // dual-lane tasks name the kernel once
    s += (s.empty() ? "" : "+") + n;
  }
  return s.empty() ? "<alloc>" : s;
}

void Runtime::add_finding(int sev, const std::string &check, Invocation *inv,
                          const std::string &msg) {
  Finding f;
  f.severity = sev;
  f.check = check;
  if (inv) {
    f.task = inv->task->seq;
    f.kernel = inv->kernel->name;
    f.block = inv->block;
    f.lane = inv->lane;
  }
  f.message = msg;
  add_finding(std::move(f));
}

void Runtime::add_finding(Finding f) {
  std::lock_guard<std::mutex> lk(findings_mu_);
  const int c = ++finding_counts_[f.check];
  if (f.severity == pto::sim::SEV_FATAL)
    kernel_failed_ = true;
  if (c > cfg_.max_findings_per_check)
    return;
  findings_.push_back(std::move(f));
}

bool Runtime::on_gm_access(Invocation *inv, const void *addr, uint64_t bytes, bool w,
                           const char *op) {
  Task *t = inv->task;
  const uint64_t lo = reinterpret_cast<uint64_t>(addr), hi = lo + bytes;
  int view_w = -1, view_any = -1, buf_any = -1, input_hit = -1, nearest = -1;
  uint64_t best = ~0ull;
  for (size_t i = 0; i < t->tensors.size(); i++) {
    const ChipTensor &ten = t->tensors[i];
    const uint64_t es = get_element_size(ten.dtype);
    const uint64_t b0 = ten.buffer.addr, b1 = b0 + ten.buffer.size;
    const uint64_t v0 = b0 + ten.start_offset * es, v1 = v0 + ten.extent_elem() * es;
    const bool in_view = lo >= v0 && hi <= v1, in_buf = lo >= b0 && hi <= b1;
    const bool writable = t->tags[i] != TensorArgType::INPUT;
    if (in_view && writable && view_w < 0)
      view_w = static_cast<int>(i);
    if (in_view && view_any < 0)
      view_any = static_cast<int>(i);
    if (in_buf && buf_any < 0)
      buf_any = static_cast<int>(i);
    if (t->tags[i] == TensorArgType::INPUT && lo < v1 && v0 < hi && input_hit < 0)
      input_hit = static_cast<int>(i);
    const uint64_t d = hi <= b0 ? b0 - hi + 1 : lo >= b1 ? lo - b1 + 1 : 0;
    if (d < best)
      best = d, nearest = static_cast<int>(i);
  }
  auto where = [&](int i) {
    const ChipTensor &ten = t->tensors[i];
    std::ostringstream os;
    os << "bytes [" << static_cast<int64_t>(lo - ten.buffer.addr) << ", "
       << static_cast<int64_t>(hi - ten.buffer.addr) << ") of tensor argument " << i << " ("
       << tag_word(t->tags[i]) << ", " << describe_tensor(ten) << ", view = bytes ["
       << ten.start_offset * get_element_size(ten.dtype) << ", "
       << (ten.start_offset + ten.extent_elem()) * get_element_size(ten.dtype) << ") of a "
       << ten.buffer.size << "-byte buffer)";
    return os.str();
  };
  bool allow = true;
  int arg = w ? (view_w >= 0 ? view_w : buf_any) : (view_any >= 0 ? view_any : buf_any);
  if (w && view_w < 0) {
    if (input_hit >= 0) {
      add_finding(
          pto::sim::SEV_ERROR, "write_to_input", inv,
          std::string(op) + " writes " + where(input_hit) +
              ", which the task received as an input: the runtime does not order this write after "
              "other readers of the tensor (write-after-read is not tracked)");
      arg = input_hit;
    } else if (buf_any >= 0) {
      add_finding(pto::sim::SEV_ERROR, "out_of_bounds", inv,
                  std::string(op) + " writes outside the view it was given: " + where(buf_any));
    } else {
      allow = false;
      add_finding(pto::sim::SEV_ERROR, "out_of_bounds", inv,
                  std::string(op) + " writes " + std::to_string(bytes) + " bytes at " + hex(lo) +
                      ", outside every tensor of the task; nearest: " +
                      (nearest >= 0 ? where(nearest) : std::string("none")) +
                      "; the write was suppressed");
    }
  } else if (!w && view_any < 0) {
    if (buf_any >= 0) {
      add_finding(pto::sim::SEV_WARNING, "read_outside_view", inv,
                  std::string(op) +
                      " reads beyond the view it was given (inside the buffer, but not covered "
                      "by the task's dependencies): " +
                      where(buf_any));
    } else {
      allow = false;
      add_finding(pto::sim::SEV_ERROR, "out_of_bounds", inv,
                  std::string(op) + " reads " + std::to_string(bytes) + " bytes at " + hex(lo) +
                      ", outside every tensor of the task; nearest: " +
                      (nearest >= 0 ? where(nearest) : std::string("none")) +
                      "; the read was suppressed");
    }
  }
  if (allow && (cfg_.check_races || cfg_.check_lines))
    inv->cluster->accesses.push_back(Access{lo, hi, t->seq, inv->block,
                                            static_cast<int8_t>(inv->lane), w,
                                            static_cast<uint8_t>(arg < 0 ? 255 : arg)});
  return allow;
}

} // namespace ptosim
