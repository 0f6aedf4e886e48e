// ptoattn simulator runtime: the hot numeric loops, with AVX2/FMA clones picked at load time
// (the baseline clone keeps the library runnable on any x86-64).
#include <cmath>
#include <cstring>

#include "pto/sim/bf16.hpp"
#include "pto/sim/convert.hpp"
#include "pto/sim/core.hpp"

namespace ptosim {

#if defined(__x86_64__)
#define PTOSIM_CLONES __attribute__((target_clones("arch=haswell", "default")))
#else
#define PTOSIM_CLONES
#endif

// C (+)= A * B, all dense row-major; the k-outer form keeps the inner loop a contiguous axpy.
PTOSIM_CLONES static void matmul_f32(const float *__restrict A, const float *__restrict B,
                                     float *__restrict C, int M, int K, int N, bool accumulate) {
  if (!accumulate)
    std::memset(C, 0, sizeof(float) * static_cast<size_t>(M) * N);
  for (int m = 0; m < M; m++) {
    float *__restrict c = C + static_cast<size_t>(m) * N;
    const float *a = A + static_cast<size_t>(m) * K;
    for (int k = 0; k < K; k++) {
      const float av = a[k];
      const float *__restrict b = B + static_cast<size_t>(k) * N;
      for (int n = 0; n < N; n++)
        c[n] += av * b[n];
    }
  }
}

PTOSIM_CLONES static void exp_f32(float *dst, const float *src, size_t n) {
  for (size_t i = 0; i < n; i++)
    dst[i] = pto::sim::exp_elem(src[i]);
}

PTOSIM_CLONES static void bf16_to_f32(float *__restrict dst, const uint16_t *__restrict src,
                                      size_t n) {
  for (size_t i = 0; i < n; i++) {
    const uint32_t u = static_cast<uint32_t>(src[i]) << 16;
    std::memcpy(dst + i, &u, 4);
  }
}

PTOSIM_CLONES static void f32_to_bf16(uint16_t *__restrict dst, const float *__restrict src,
                                      size_t n, int mode) {
  if (mode == static_cast<int>(pto::RoundMode::CAST_RINT) ||
      mode == static_cast<int>(pto::RoundMode::CAST_NONE)) {
    for (size_t i = 0; i < n; i++)
      dst[i] = pto::sim::f32_to_bf16_rne(src[i]);
  } else if (mode == static_cast<int>(pto::RoundMode::CAST_ROUND)) {
    for (size_t i = 0; i < n; i++)
      dst[i] = pto::sim::f32_to_bf16_rna(src[i]);
  } else {
    for (size_t i = 0; i < n; i++)
      dst[i] = pto::sim::f32_to_bf16_mode(src[i], static_cast<pto::RoundMode>(mode));
  }
}

} // namespace ptosim

extern const pto::sim::MathOps kMathOpsImpl;
const pto::sim::MathOps kMathOpsImpl = {ptosim::matmul_f32, ptosim::exp_f32, ptosim::bf16_to_f32,
                                        ptosim::f32_to_bf16};
