// ptoattn simulator runtime: feeding the executed task graph to the timing model
// (timeline.h). Every invocation leaves its modeled work in its task's record; after the run the
// records (submission order, derived fanin edges, get_tensor_data barriers) are the graph.
#include "runtime.h"

namespace ptosim {

// Called with mu_ held, after the invocation returned.
void Runtime::record_work(const Task *t, int slot, int block, const pto::sim::CoreCtx &core) {
  TaskRecord &rec = records_[t->seq];
  const size_t need = size_t(t->block_num) * 3;
  if (rec.work.size() < need)
    rec.work.resize(need);
  LaneWork &w = rec.work[size_t(block) * 3 + size_t(slot)];
  w.cycles = core.clock_max();
  std::copy(core.pipe_busy, core.pipe_busy + pto::SIM_NUM_PIPES, w.pipe_busy);
  w.bytes = double(core.gm_bytes_read + core.gm_bytes_written);
}

void Runtime::model_after_run() {
  ModelGraph g;
  g.barriers = barriers_;
  g.tasks.resize(records_.size());
  for (size_t i = 0; i < records_.size(); i++) {
    const TaskRecord &r = records_[i];
    ModelTask &m = g.tasks[i];
    std::copy(r.kernel, r.kernel + 3, m.kernel);
    m.alloc_only = r.kernel[0] == INVALID_KERNEL_ID && r.kernel[1] == INVALID_KERNEL_ID &&
                   r.kernel[2] == INVALID_KERNEL_ID;
    m.block_num = r.block_num;
    m.barrier = r.barrier;
    m.fanin = r.fanin;
    m.work = r.work;
    m.work.resize(size_t(r.block_num) * 3); // a task a fatal error left unexecuted costs nothing
  }
  model_ = model_timeline(g, cfg_.model);
}

} // namespace ptosim
