// ptoattn simulator runtime: post-run analyses of the recorded GM accesses.
//
// Races: replay every task's accesses in submission order against an interval map of "last
// writer / readers since" and require a happens-before path for each conflicting pair. Paths
// are the derived dependency edges plus get_tensor_data barriers; heap reuse is ordered by the
// allocator (a fresh allocation resets its bytes). Timing never enters, so the verdict is the
// same in every run. Lines: within one task, two blocks or lanes must not write the same
// 64-byte GM line (the hardware's write granularity).
#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "runtime.h"

namespace ptosim {

namespace {
const char *lane_name(int lane) {
  return lane == 0 ? "AIC" : lane == 1 ? "AIV0" : lane == 2 ? "AIV1" : "?";
}
} // namespace

bool Runtime::happens_before(uint32_t a, uint32_t b) {
  if (a == b)
    return true;
  if (a > b)
    return false;
  const uint64_t key = (static_cast<uint64_t>(a) << 32) | b;
  auto it = hb_cache_.find(key);
  if (it != hb_cache_.end())
    return it->second;
  if (hb_mark_.size() < records_.size())
    hb_mark_.assign(records_.size(), 0);
  const uint32_t epoch = ++hb_epoch_;
  std::vector<uint32_t> stack{b};
  hb_mark_[b] = epoch;
  bool found = false;
  auto push = [&](uint32_t p) {
    if (p == a)
      found = true;
    if (p > a && p < records_.size() && hb_mark_[p] != epoch) {
      hb_mark_[p] = epoch;
      stack.push_back(p);
    }
  };
  while (!stack.empty() && !found) {
    const uint32_t n = stack.back();
    stack.pop_back();
    for (uint32_t p : records_[n].fanin)
      push(p);
    for (uint32_t p : barriers_[records_[n].barrier])
      push(p);
  }
  hb_cache_[key] = found;
  return found;
}

std::string Runtime::access_desc(const Access &a) const {
  const TaskRecord &r = records_[a.task];
  std::ostringstream os;
  if (a.arg < r.args.size()) {
    const ChipTensor &t = r.args[a.arg];
    os << "bytes [" << (a.lo - t.buffer.addr) << ", " << (a.hi - t.buffer.addr) << ") of "
       << describe_tensor(t);
  } else {
    os << (a.hi - a.lo) << " bytes at 0x" << std::hex << a.lo << std::dec;
  }
  return os.str();
}

void Runtime::analyse_races() {
  struct Seg {
    uint64_t hi;
    int64_t writer; // -1: not written during the run
    uint32_t writer_access;
    std::vector<uint32_t> readers; // tasks that read since the last write
  };
  std::map<uint64_t, Seg> m;
  auto split = [&](uint64_t x) {
    auto it = m.upper_bound(x);
    if (it == m.begin())
      return;
    --it;
    if (it->first < x && x < it->second.hi) {
      Seg tail = it->second;
      it->second.hi = x;
      m.emplace(x, std::move(tail));
    }
  };
  auto erase_range = [&](uint64_t lo, uint64_t hi) {
    split(lo);
    split(hi);
    m.erase(m.lower_bound(lo), m.lower_bound(hi));
  };
  std::vector<uint32_t> order(accesses_.size());
  for (uint32_t i = 0; i < order.size(); i++)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t x, uint32_t y) { return accesses_[x].task < accesses_[y].task; });
  std::set<std::tuple<int, uint32_t, uint32_t>> reported;
  auto report = [&](int kind, uint32_t other, const Access &acc, uint32_t other_access) {
    if (!reported.insert({kind, other, acc.task}).second)
      return;
    static const char *const names[] = {"race_raw", "race_waw", "race_war"};
    const TaskRecord &me = records_[acc.task], &them = records_[other];
    std::ostringstream os;
    os << "task " << acc.task << " (" << kernel_name(me.kernel) << ", block " << acc.block << ", "
       << lane_name(acc.lane) << ") " << (acc.write ? "writes " : "reads ") << access_desc(acc);
    if (kind == 0)
      os << ", last written by task " << other << " (" << kernel_name(them.kernel) << ": "
         << access_desc(accesses_[other_access])
         << "), but no dependency path orders them: the orchestration forgot a dependency";
    if (kind == 1)
      os << ", which task " << other << " (" << kernel_name(them.kernel) << ") also writes ("
         << access_desc(accesses_[other_access])
         << "); no dependency path orders the two writers, so they may run concurrently";
    if (kind == 2)
      os << ", which task " << other << " (" << kernel_name(them.kernel)
         << ") reads without being ordered before this write (write-after-read is not tracked "
            "by the runtime)";
    Finding f;
    f.severity = pto::sim::SEV_ERROR;
    f.check = names[kind];
    f.task = acc.task;
    f.kernel = kernel_name(me.kernel);
    f.block = acc.block;
    f.lane = acc.lane;
    f.message = os.str();
    if (++finding_counts_[f.check] <= cfg_.max_findings_per_check)
      findings_.push_back(std::move(f));
  };

  // Visit every task in submission order, including tasks without GM accesses: an
  // alloc_tensors task has none, yet its fresh ranges must reset the bytes it hands out
  // (the heap may reuse the addresses of buffers whose readers have all finished).
  size_t i = 0;
  for (uint32_t task = 0; task < records_.size(); task++) {
    for (const auto &fr : records_[task].fresh)
      erase_range(fr.first, fr.second);
    size_t j = i;
    while (j < order.size() && accesses_[order[j]].task == task)
      j++;
    if (j == i)
      continue;
    // Check against the state before this task, then apply its accesses.
    for (size_t k = i; k < j; k++) {
      const Access &a = accesses_[order[k]];
      split(a.lo);
      split(a.hi);
      for (auto it = m.lower_bound(a.lo); it != m.end() && it->first < a.hi; ++it) {
        const Seg &s = it->second;
        if (s.writer >= 0 && static_cast<uint32_t>(s.writer) != task &&
            !happens_before(static_cast<uint32_t>(s.writer), task))
          report(a.write ? 1 : 0, static_cast<uint32_t>(s.writer), a, s.writer_access);
        if (a.write)
          for (uint32_t r : s.readers)
            if (r != task && !happens_before(r, task))
              report(2, r, a, order[k]);
      }
    }
    for (size_t k = i; k < j; k++) {
      const Access &a = accesses_[order[k]];
      if (a.write) {
        erase_range(a.lo, a.hi);
        m.emplace(a.lo, Seg{a.hi, task, order[k], {}});
      } else {
        split(a.lo);
        split(a.hi);
        for (auto it = m.lower_bound(a.lo); it != m.end() && it->first < a.hi; ++it) {
          auto &rd = it->second.readers;
          if ((rd.empty() || rd.back() != task) && rd.size() < 256)
            rd.push_back(task);
        }
        // Bytes never written during the run still need a segment to remember readers.
        uint64_t cur = a.lo;
        std::vector<std::pair<uint64_t, uint64_t>> gaps;
        for (auto it = m.lower_bound(a.lo); it != m.end() && it->first < a.hi; ++it) {
          if (it->first > cur)
            gaps.emplace_back(cur, it->first);
          cur = std::max(cur, it->second.hi);
        }
        if (cur < a.hi)
          gaps.emplace_back(cur, a.hi);
        for (auto &g : gaps)
          m.emplace(g.first, Seg{g.second, -1, 0, {task}});
      }
    }
    i = j;
  }
}

void Runtime::analyse_lines() {
  std::vector<uint32_t> w;
  for (uint32_t i = 0; i < accesses_.size(); i++)
    if (accesses_[i].write)
      w.push_back(i);
  std::sort(w.begin(), w.end(), [&](uint32_t x, uint32_t y) {
    const Access &a = accesses_[x], &b = accesses_[y];
    return a.task != b.task ? a.task < b.task : a.lo < b.lo;
  });
  std::set<std::tuple<uint32_t, int, int, int, int>> reported;
  size_t i = 0;
  while (i < w.size()) {
    const uint32_t task = accesses_[w[i]].task;
    uint64_t last_line = 0;
    int64_t owner = -1; // accesses_ index of the write that reaches furthest so far
    for (; i < w.size() && accesses_[w[i]].task == task; i++) {
      const Access &a = accesses_[w[i]];
      const uint64_t first = a.lo >> 6, last = (a.hi - 1) >> 6;
      if (owner >= 0) {
        const Access &o = accesses_[owner];
        const bool other = o.block != a.block || o.lane != a.lane;
        if (other && first <= last_line &&
            reported.insert({task, o.block, o.lane, a.block, a.lane}).second) {
          std::ostringstream os;
          os << "block " << o.block << " (" << lane_name(o.lane) << ") and block " << a.block
             << " (" << lane_name(a.lane) << ") of task " << task << " ("
             << kernel_name(records_[task].kernel) << ") write the same 64-byte GM line at 0x"
             << std::hex << (first << 6) << std::dec << ": " << access_desc(o) << " and "
             << access_desc(a)
             << (a.lo < o.hi ? " (the bytes overlap)" : " (different bytes of one line)")
             << "; concurrent cores lose one of the writes";
          Finding f;
          f.severity = pto::sim::SEV_ERROR;
          f.check = "shared_line";
          f.task = task;
          f.kernel = kernel_name(records_[task].kernel);
          f.block = a.block;
          f.lane = a.lane;
          f.message = os.str();
          if (++finding_counts_[f.check] <= cfg_.max_findings_per_check)
            findings_.push_back(std::move(f));
        }
      }
      if (owner < 0 || last > last_line) {
        last_line = last;
        owner = w[i];
      }
    }
  }
}

void Runtime::analyse_after_run() {
  std::lock_guard<std::mutex> lk(findings_mu_);
  if (cfg_.check_lines)
    analyse_lines();
  if (cfg_.check_races)
    analyse_races();
  hb_cache_.clear();
  std::vector<Access>().swap(accesses_);
  // Online findings arrive in thread-timing order; report them in a stable one.
  std::stable_sort(findings_.begin(), findings_.end(), [](const Finding &a, const Finding &b) {
    return std::tie(a.task, a.block, a.lane, a.check) < std::tie(b.task, b.block, b.lane, b.check);
  });
}

} // namespace ptosim
