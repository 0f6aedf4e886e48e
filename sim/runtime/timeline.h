// ptoattn simulator: the task-level timing model. Schedules a task graph (tasks in submission
// order, their derived fanin edges, SPMD blocks, MIX lanes, per-lane modeled kernel time and
// GM bytes) on the modeled chip: an orchestrator that submits in order, scheduler threads that
// dispatch blocks, clusters of AIC + 2 AIV cores, and one shared HBM. Deterministic: it reads
// only the graph, never host timing, so any thread count and schedule give the same result.
//
// It is independent of the runtime: the simulator feeds it the executed graph after a run, and
// ptosim_model_graph() (c_api.cpp) feeds it a graph built without executing any kernel.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ptosim {

struct ModelParams {
  int clusters = 24;
  int sched_threads;
  double clock_hz;
  double orch_submit_us, sched_task_us, sched_block_us, aicore_start_us, completion_us, preamble_us;
  double hbm_spec_tbs, hbm_effective_tbs;
  ModelParams();                                              // the a2a3 values of cost_a2a3.hpp
  bool set(const std::string &key, const std::string &value); // false: unknown key
};

// One kernel invocation's modeled work (one lane of one block).
struct LaneWork {
  double cycles = 0;        // the invocation's duration: its last pipe's finishing time
  double pipe_busy[8] = {}; // busy cycles per pipe (PIPE_* ids)
  double bytes = 0;         // GM bytes read + written
};

struct ModelTask {
  int32_t kernel[3] = {-1, -1, -1}; // AIC, AIV0, AIV1 (-1: lane unused)
  int block_num = 1;
  bool alloc_only = false;     // alloc_tensors: submitted, never dispatched
  uint32_t barrier = 0;        // index into ModelGraph::barriers waited before submit
  std::vector<uint32_t> fanin; // producer task indices (< this task's index)
  std::vector<LaneWork> work;  // block_num * 3 entries, lane-major within a block
};

struct ModelGraph {
  std::vector<ModelTask> tasks;
  std::vector<std::vector<uint32_t>> barriers{
      {}}; // tasks the orchestrator waits on (get_tensor_data)
};

// One slice of the timeline. lane: 0 AIC, 1 AIV0, 2 AIV1 (cluster = core index), 3 the
// orchestrator (a submit), 4 + i scheduler thread i (a dispatch).
struct Span {
  double start_us, end_us;
  double cycles[8];
  double bytes;
  uint32_t task;
  int32_t block, cluster, lane, kernel;
  uint32_t flags; // bit 0: on the critical path
};

struct ModelResult {
  double makespan_us = 0;
  double hbm_bytes = 0;
  // Lower bounds of the makespan, each from one resource alone.
  double orch_us = 0, sched_us = 0, hbm_us = 0, cube_us = 0, vector_us = 0, critical_path_us = 0;
  std::string bound;
  std::vector<Span> spans;
  std::string summary_json() const;
};

ModelResult model_timeline(const ModelGraph &g, const ModelParams &p);

} // namespace ptosim
