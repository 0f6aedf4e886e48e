// ptoattn simulator: which kernels a task runs (one AIC and two AIV slots) and its launch spec.
#pragma once

#include <cstdint>

inline constexpr int32_t INVALID_KERNEL_ID = -1;

struct MixedKernels {
  int32_t aic_kernel_id{INVALID_KERNEL_ID};
  int32_t aiv0_kernel_id{INVALID_KERNEL_ID};
  int32_t aiv1_kernel_id{INVALID_KERNEL_ID};
};

class PTO2LaunchSpec {
public:
  int16_t block_num() const { return block_num_; }
  void set_block_num(int16_t n) { block_num_ = n; }
  bool require_sync_start() const { return sync_start_; }
  void set_require_sync_start(bool v) { sync_start_ = v; }

private:
  int16_t block_num_{1};
  bool sync_start_{false};
};
