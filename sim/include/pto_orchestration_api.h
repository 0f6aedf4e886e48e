// ptoattn simulator: the orchestration API of simpler's tensormap_and_ringbuffer runtime
// (names and signatures as in the pinned sources), backed by the simulator's runtime through
// a table of function pointers bound when the orchestration .so is loaded.
#pragma once

#include <cstdarg>
#include <cstdint>
#include <type_traits>

#include "data_type.h"
#include "pto_submit_types.h"
#include "pto_task_id.h"
#include "pto_types.h"
#include "tensor.h"
#include "tensor_create_info.h"

struct PTO2Runtime;

struct PTO2RuntimeOps {
  TaskOutputTensors (*submit_task)(PTO2Runtime *rt, const MixedKernels &mk,
                                   const CoreTaskArgs &args);
  void (*scope_begin)(PTO2Runtime *rt);
  void (*scope_end)(PTO2Runtime *rt);
  bool (*is_fatal)(PTO2Runtime *rt);
  void (*report_fatal)(PTO2Runtime *rt, int32_t code, const char *func, const char *fmt, ...);
  void (*log)(int level, const char *func, const char *fmt, ...);
  uint64_t (*get_tensor_data)(PTO2Runtime *rt, const ChipTensor &t, uint32_t ndims,
                              const uint32_t idx[]);
  void (*set_tensor_data)(PTO2Runtime *rt, const ChipTensor &t, uint32_t ndims,
                          const uint32_t idx[], uint64_t v);
  TaskOutputTensors (*alloc_tensors)(PTO2Runtime *rt, const CoreTaskArgs &args);
  int32_t (*available_cluster_count)(PTO2Runtime *rt);
  int32_t (*available_aiv_count)(PTO2Runtime *rt);
  void (*scope_set_site)(PTO2Runtime *rt, const char *file, int line);
};

struct PTO2Runtime {
  const PTO2RuntimeOps *ops;
  PTO2ScopeMode pending_scope_mode;
};

// Orchestrator error codes, with the runtime's values.
constexpr int32_t PTO2_ERROR_NONE = 0;
constexpr int32_t PTO2_ERROR_SCOPE_DEADLOCK = 1;
constexpr int32_t PTO2_ERROR_HEAP_RING_DEADLOCK = 2;
constexpr int32_t PTO2_ERROR_FLOW_CONTROL_DEADLOCK = 3;
constexpr int32_t PTO2_ERROR_DEP_POOL_OVERFLOW = 4;
constexpr int32_t PTO2_ERROR_INVALID_ARGS = 5;
constexpr int32_t PTO2_ERROR_TENSOR_WAIT_TIMEOUT = 8;
constexpr int32_t PTO2_ERROR_EXPLICIT_ORCH_FATAL = 9;

struct PTO2OrchestrationConfig {
  int expected_arg_count;
};

// The runtime binds itself here when it loads the orchestration .so.
inline PTO2Runtime *g_ptoattn_sim_runtime = nullptr;
extern "C" __attribute__((weak, visibility("default"))) void
ptoattn_sim_bind_runtime(PTO2Runtime *rt) {
  g_ptoattn_sim_runtime = rt;
}

static inline PTO2Runtime *current_runtime() { return g_ptoattn_sim_runtime; }

static inline TaskOutputTensors alloc_tensors(const CoreTaskArgs &args) {
  PTO2Runtime *rt = current_runtime();
  if (rt->ops->is_fatal(rt))
    return TaskOutputTensors{};
  return rt->ops->alloc_tensors(rt, args);
}

static inline TaskOutputTensors alloc_tensors(const TensorCreateInfo cis[], uint32_t count) {
  CoreTaskArgs args;
  for (uint32_t i = 0; i < count; i++)
    args.add_output(cis[i]);
  return alloc_tensors(args);
}

template <typename... CIs> static inline TaskOutputTensors alloc_tensors(const CIs &...cis) {
  static_assert(sizeof...(cis) > 0, "alloc_tensors needs at least one TensorCreateInfo");
  static_assert((std::is_same_v<std::decay_t<CIs>, TensorCreateInfo> && ...),
                "alloc_tensors accepts TensorCreateInfo arguments only");
  CoreTaskArgs args;
  (args.add_output(cis), ...);
  return alloc_tensors(args);
}

static inline TaskOutputTensors rt_submit_task(const MixedKernels &mk, const CoreTaskArgs &args) {
  PTO2Runtime *rt = current_runtime();
  if (rt->ops->is_fatal(rt))
    return TaskOutputTensors{};
  return rt->ops->submit_task(rt, mk, args);
}

static inline TaskOutputTensors rt_submit_aic_task(int32_t kernel_id, const CoreTaskArgs &args) {
  MixedKernels mk;
  mk.aic_kernel_id = kernel_id;
  return rt_submit_task(mk, args);
}

static inline TaskOutputTensors rt_submit_aiv_task(int32_t kernel_id, const CoreTaskArgs &args) {
  MixedKernels mk;
  mk.aiv0_kernel_id = kernel_id;
  return rt_submit_task(mk, args);
}

static inline void rt_scope_begin(PTO2ScopeMode mode = PTO2ScopeMode::AUTO) {
  PTO2Runtime *rt = current_runtime();
  if (rt->ops->is_fatal(rt))
    return;
  rt->pending_scope_mode = mode;
  rt->ops->scope_begin(rt);
}

static inline void rt_scope_end() {
  PTO2Runtime *rt = current_runtime();
  if (rt->ops->is_fatal(rt))
    return;
  rt->ops->scope_end(rt);
}

static inline int32_t rt_available_cluster_count() {
  return current_runtime()->ops->available_cluster_count(current_runtime());
}
static inline int32_t rt_available_aiv_count() {
  return current_runtime()->ops->available_aiv_count(current_runtime());
}
static inline bool rt_is_fatal() { return current_runtime()->ops->is_fatal(current_runtime()); }

#define rt_report_fatal(code, fmt, ...)                                                            \
  do {                                                                                             \
    PTO2Runtime *_rt = current_runtime();                                                          \
    _rt->ops->report_fatal(_rt, (code), __FUNCTION__, (fmt), ##__VA_ARGS__);                       \
  } while (0)

#define LOG_ERROR(fmt, ...) current_runtime()->ops->log(0, __FUNCTION__, fmt, ##__VA_ARGS__)
#define LOG_WARN(fmt, ...) current_runtime()->ops->log(1, __FUNCTION__, fmt, ##__VA_ARGS__)
#define LOG_INFO(fmt, ...) current_runtime()->ops->log(2, __FUNCTION__, fmt, ##__VA_ARGS__)
#define LOG_TIMING(fmt, ...) current_runtime()->ops->log(2, __FUNCTION__, fmt, ##__VA_ARGS__)
#define LOG_DEBUG(fmt, ...) current_runtime()->ops->log(3, __FUNCTION__, fmt, ##__VA_ARGS__)

// Blocking read of one element: waits for the tensor's producers, then reads it.
template <typename T = uint64_t>
static inline T get_tensor_data(const ChipTensor &t, uint32_t ndims, const uint32_t idx[]) {
  PTO2Runtime *rt = current_runtime();
  if (rt->ops->is_fatal(rt))
    return from_u64<T>(0);
  return from_u64<T>(rt->ops->get_tensor_data(rt, t, ndims, idx));
}

template <typename T = uint64_t>
static inline void set_tensor_data(const ChipTensor &t, uint32_t ndims, const uint32_t idx[],
                                   T value) {
  PTO2Runtime *rt = current_runtime();
  if (rt->ops->is_fatal(rt))
    return;
  rt->ops->set_tensor_data(rt, t, ndims, idx, to_u64(value));
}

class PTO2ScopeGuard {
public:
  explicit PTO2ScopeGuard(PTO2ScopeMode mode = PTO2ScopeMode::AUTO,
                          const char *file = __builtin_FILE(), int line = __builtin_LINE())
      : rt_(current_runtime()) {
    if (!rt_->ops->is_fatal(rt_)) {
      rt_->pending_scope_mode = mode;
      rt_->ops->scope_set_site(rt_, file, line);
      rt_->ops->scope_begin(rt_);
    }
  }
  ~PTO2ScopeGuard() {
    if (!rt_->ops->is_fatal(rt_))
      rt_->ops->scope_end(rt_);
  }
  PTO2ScopeGuard(const PTO2ScopeGuard &) = delete;
  PTO2ScopeGuard &operator=(const PTO2ScopeGuard &) = delete;

private:
  PTO2Runtime *rt_;
};

#define PTO2_SIM_CAT_(a, b) a##b
#define PTO2_SIM_CAT(a, b) PTO2_SIM_CAT_(a, b)
#define PTO2_SCOPE_GUARD(...)                                                                      \
  [[maybe_unused]] PTO2ScopeGuard PTO2_SIM_CAT(pto2_scope_guard_, __COUNTER__) { __VA_ARGS__ }
#define PTO2_SCOPE(...)                                                                            \
  if (PTO2ScopeGuard PTO2_SIM_CAT(pto2_scope_guard_, __COUNTER__){__VA_ARGS__}; true)
