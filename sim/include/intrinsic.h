// ptoattn simulator: SPMD execution context of a kernel invocation. As in simpler, the runtime
// appends two context pointers at fixed slots of the kernel's args[] array; kernels must use
// these accessors (the hardware registers behind get_block_idx() are not programmed).
#pragma once

#include <cstdint>

#ifndef __gm__
#define __gm__
#endif
#ifndef __aicore__
#define __aicore__
#endif

static constexpr int32_t SPMD_LOCAL_CONTEXT_INDEX = 48;
static constexpr int32_t SPMD_GLOBAL_CONTEXT_INDEX = 49;
static constexpr int32_t PTO2_KERNEL_ARGS_SLOTS = 50;

struct GlobalContext {
  int32_t sub_block_id; // AIV lane in the cluster: 0 (AIV0) or 1 (AIV1)
};

struct LocalContext {
  int32_t block_idx; // logical block of this invocation, 0 .. block_num-1
  int32_t block_num;
};

static inline int32_t get_block_idx(__gm__ int64_t *args) {
  return reinterpret_cast<const LocalContext *>(
             static_cast<uintptr_t>(args[SPMD_LOCAL_CONTEXT_INDEX]))
      ->block_idx;
}

static inline int32_t get_block_num(__gm__ int64_t *args) {
  return reinterpret_cast<const LocalContext *>(
             static_cast<uintptr_t>(args[SPMD_LOCAL_CONTEXT_INDEX]))
      ->block_num;
}

static inline int32_t get_sub_block_id(__gm__ int64_t *args) {
  return reinterpret_cast<const GlobalContext *>(
             static_cast<uintptr_t>(args[SPMD_GLOBAL_CONTEXT_INDEX]))
      ->sub_block_id;
}
