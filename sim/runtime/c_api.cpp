// ptoattn simulator runtime: the C entry points the Python harness calls through ctypes.
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>

#include "runtime.h"

namespace {
thread_local std::string g_last_error;

char *dup(const std::string &s) {
  char *p = static_cast<char *>(std::malloc(s.size() + 1));
  std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

// "key=value" lines; ring arrays as comma lists (one value applies to every ring).
bool parse_config(const char *text, ptosim::Config &c, std::string &err) {
  std::istringstream in(text ? text : "");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty())
      continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos)
      continue;
    const std::string k = line.substr(0, eq), v = line.substr(eq + 1);
    auto ring_list = [&](auto *arr) {
      std::istringstream vs(v);
      std::string item;
      int i = 0;
      uint64_t last = 0;
      while (std::getline(vs, item, ',') && i < ptosim::kMaxRings)
        arr[i++] = last = std::stoull(item);
      for (; i < ptosim::kMaxRings; i++)
        arr[i] = last;
    };
    try {
      if (k == "heap_size")
        ring_list(c.heap_size);
      else if (k == "task_window")
        ring_list(c.task_window);
      else if (k == "dep_pool")
        ring_list(c.dep_pool);
      else if (k == "tensormap_pool")
        c.tensormap_pool = std::stoul(v);
      else if (k == "clusters")
        c.clusters = std::stoi(v);
      else if (k == "threads")
        c.threads = std::stoi(v);
      else if (k == "check_gm")
        c.check_gm = v == "1";
      else if (k == "check_races")
        c.check_races = v == "1";
      else if (k == "check_lines")
        c.check_lines = v == "1";
      else if (k == "check_sync")
        c.check_sync = v == "1";
      else if (k == "poison")
        c.poison = v == "1";
      else if (k == "schedule")
        c.schedule = std::stoi(v);
      else if (k == "seed")
        c.seed = std::stoull(v);
      else if (k == "max_findings_per_check")
        c.max_findings_per_check = std::stoi(v);
      else if (k == "model_only")
        c.model_only = v == "1";
      else if (k == "run_ahead")
        c.run_ahead = v == "1";
      else if (c.model.set(k, v)) {
      } else {
        err = "unknown simulator option '" + k + "'";
        return false;
      }
    } catch (...) {
      err = "bad value '" + v + "' for simulator option '" + k + "'";
      return false;
    }
  }
  return true;
}
} // namespace

extern "C" {

__attribute__((visibility("default"))) const char *ptosim_last_error() {
  return g_last_error.c_str();
}

__attribute__((visibility("default"))) void *ptosim_create(const char *config) {
  ptosim::Config c;
  if (!parse_config(config, c, g_last_error))
    return nullptr;
  return new ptosim::Runtime(c);
}

__attribute__((visibility("default"))) void ptosim_destroy(void *h) {
  delete static_cast<ptosim::Runtime *>(h);
}

__attribute__((visibility("default"))) int ptosim_load_orchestration(void *h, const char *path) {
  return static_cast<ptosim::Runtime *>(h)->load_orchestration(path, g_last_error) ? 0 : -1;
}

__attribute__((visibility("default"))) int
ptosim_load_kernel(void *h, int func_id, const char *name, int core, const char *path) {
  return static_cast<ptosim::Runtime *>(h)->load_kernel(func_id, name, core, path, g_last_error)
             ? 0
             : -1;
}

// tensors: n_tensors descriptors {addr, ndims, dtype, shapes[5]} as int64 rows of 8, names
// separated by '\n'; scalars as raw 64-bit slots. Returns 0 on success, 1 on a failed run.
__attribute__((visibility("default"))) int ptosim_run(void *h, const int64_t *tensors,
                                                      int n_tensors, const char *names,
                                                      const uint64_t *scalars, int n_scalars) {
  auto *rt = static_cast<ptosim::Runtime *>(h);
  std::vector<ChipTensor> ts(n_tensors);
  std::vector<ptosim::ExternalName> ext;
  std::istringstream ns(names ? names : "");
  for (int i = 0; i < n_tensors; i++) {
    const int64_t *row = tensors + 8 * i;
    uint32_t shapes[MAX_TENSOR_DIMS] = {};
    const uint32_t nd = static_cast<uint32_t>(row[1]);
    for (uint32_t d = 0; d < nd && d < MAX_TENSOR_DIMS; d++)
      shapes[d] = static_cast<uint32_t>(row[3 + d]);
    ts[i] = make_tensor_external(reinterpret_cast<void *>(row[0]), shapes, nd,
                                 static_cast<DataType>(row[2]));
    std::string nm;
    std::getline(ns, nm);
    ext.push_back({ts[i].buffer.addr, ts[i].buffer.addr + ts[i].buffer.size, nm});
  }
  rt->set_external_names(ext);
  std::vector<uint64_t> sc(scalars, scalars + n_scalars);
  return rt->run(ts, sc) ? 0 : 1;
}

__attribute__((visibility("default"))) char *ptosim_report(void *h) {
  return dup(static_cast<ptosim::Runtime *>(h)->report_json());
}

__attribute__((visibility("default"))) void ptosim_free(char *p) { std::free(p); }

// The modeled timeline of the last run: n spans of ptosim::Span (timeline.h), owned by the runtime.
__attribute__((visibility("default"))) const void *ptosim_spans(void *h, int64_t *n) {
  const auto &spans = static_cast<ptosim::Runtime *>(h)->model().spans;
  *n = static_cast<int64_t>(spans.size());
  return spans.data();
}

__attribute__((visibility("default"))) int ptosim_span_size() {
  return static_cast<int>(sizeof(ptosim::Span));
}

// The timing model on a task graph given as arrays, without executing any kernel. Task i names
// kernels[3i..3i+2] (-1: lane unused), runs block_num[i] blocks (alloc_only[i]: never
// dispatched), waits for tasks fanin[fanin_off[i] .. fanin_off[i+1]). `work` holds, for every
// task's blocks in order, 3 lanes of 10 doubles: cycles, busy cycles of the 8 pipes, GM bytes.
// Returns a result handle (ptosim_model_summary / ptosim_model_spans / ptosim_model_free), or
// null with ptosim_last_error() set.
__attribute__((visibility("default"))) void *
ptosim_model_graph(const char *options, int n_tasks, const int32_t *kernels,
                   const int32_t *block_num, const uint8_t *alloc_only, const uint32_t *fanin_off,
                   const uint32_t *fanin, const double *work) {
  ptosim::Config c;
  if (!parse_config(options, c, g_last_error))
    return nullptr;
  ptosim::ModelGraph g;
  g.tasks.resize(size_t(n_tasks));
  size_t row = 0;
  for (int i = 0; i < n_tasks; i++) {
    ptosim::ModelTask &t = g.tasks[size_t(i)];
    std::copy(kernels + 3 * i, kernels + 3 * i + 3, t.kernel);
    t.block_num = block_num[i] < 1 ? 1 : block_num[i];
    t.alloc_only = alloc_only[i] != 0;
    t.barrier = 0;
    t.fanin.assign(fanin + fanin_off[i], fanin + fanin_off[i + 1]);
    t.work.resize(size_t(t.block_num) * 3);
    for (ptosim::LaneWork &w : t.work) {
      const double *r = work + 10 * row++;
      w.cycles = r[0];
      std::copy(r + 1, r + 9, w.pipe_busy);
      w.bytes = r[9];
    }
  }
  return new ptosim::ModelResult(ptosim::model_timeline(g, c.model));
}

__attribute__((visibility("default"))) char *ptosim_model_summary(void *m) {
  return dup(static_cast<ptosim::ModelResult *>(m)->summary_json());
}

__attribute__((visibility("default"))) const void *ptosim_model_spans(void *m, int64_t *n) {
  const auto &spans = static_cast<ptosim::ModelResult *>(m)->spans;
  *n = static_cast<int64_t>(spans.size());
  return spans.data();
}

__attribute__((visibility("default"))) void ptosim_model_free(void *m) {
  delete static_cast<ptosim::ModelResult *>(m);
}
}
