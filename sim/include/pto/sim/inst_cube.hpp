// ptoattn simulator: the cube unit: TMATMUL / TMATMUL_ACC (Left x Right -> Acc).
//
// Operands are gathered from their fractal layouts into dense fp32 host buffers, multiplied by
// the runtime's vectorised kernel (fp32 accumulation, as the cube does for bf16 inputs) and
// scattered back into the Acc tile's layout.
#pragma once

#include <type_traits>

#include "pto/sim/bf16.hpp"
#include "pto/sim/core.hpp"
#include "pto/sim/tile.hpp"

namespace pto {
namespace sim {

constexpr int SIM_CUBE_MAX_DIM = 4095;

// Dense row-major fp32 copies of a tile's (rows x cols) region, walked box by box.
template <typename TileT>
inline void tile_to_dense(const TileT &t, unsigned rows, unsigned cols, float *out) {
  const typename TileT::DType *s = t.data();
  for_each_elem<TileT>(rows, cols, [&](unsigned r, unsigned c, size_t o) {
    out[static_cast<size_t>(r) * cols + c] = static_cast<float>(s[o]);
  });
}

template <typename TileT>
inline void dense_to_tile(TileT &t, unsigned rows, unsigned cols, const float *in) {
  using T = typename TileT::DType;
  T *d = t.data();
  for_each_elem<TileT>(rows, cols, [&](unsigned r, unsigned c, size_t o) {
    d[o] = static_cast<T>(in[static_cast<size_t>(r) * cols + c]);
  });
}

template <typename C, typename A, typename B>
inline void matmul_impl(C &c, A &a, B &b, bool accumulate, const char *op) {
  static_assert(A::Loc == TileType::Left, "TMATMUL: A must be a Left (L0A) tile");
  static_assert(B::Loc == TileType::Right, "TMATMUL: B must be a Right (L0B) tile");
  static_assert(C::Loc == TileType::Acc, "TMATMUL: C must be an Acc (L0C) tile");
  static_assert(std::is_same_v<typename C::DType, float>,
                "TMATMUL: the simulator accumulates in fp32 Acc tiles");
  static_assert(std::is_same_v<typename A::DType, typename B::DType>,
                "TMATMUL: A and B element types differ");
  static_assert(A::Rows % 16 == 0 && A::Cols % 16 == 0 && B::Rows % 16 == 0 && B::Cols % 16 == 0 &&
                    C::Rows % 16 == 0 && C::Cols % 16 == 0,
                "TMATMUL: cube operands are 16x16 fractals; M, K, N must be multiples of 16");
  count_instr();
  const unsigned M = a.GetValidRow(), K = a.GetValidCol(), N = b.GetValidCol();
  if (b.GetValidRow() != K)
    reportf(SEV_FATAL, "shape", "%s: A is %ux%u but B has %u valid rows", op, M, K,
            b.GetValidRow());
  if (M > unsigned(SIM_CUBE_MAX_DIM) || K > unsigned(SIM_CUBE_MAX_DIM) ||
      N > unsigned(SIM_CUBE_MAX_DIM))
    reportf(SEV_FATAL, "shape", "%s: M=%u K=%u N=%u exceeds the cube limit of %d", op, M, K, N,
            SIM_CUBE_MAX_DIM);
  if (M > unsigned(C::Rows) || N > unsigned(C::Cols))
    reportf(SEV_FATAL, "shape", "%s: result %ux%u does not fit the %dx%d Acc tile", op, M, N,
            C::Rows, C::Cols);
  charge(PIPE_M, cost::mad_cycles(M, K, N, sizeof(typename A::DType)));
  if (model_only())
    return;
  CoreCtx *ctx = g_core;
  tile_to_dense(a, M, K, ctx->scratch_a);
  tile_to_dense(b, K, N, ctx->scratch_b);
  // The product is summed from zero and only then added to the accumulator, as pto-isa's
  // CPU TMATMUL_ACC does (out = in + sum_k a b): the same rounding, bit for bit.
  ctx->math->matmul_f32(ctx->scratch_a, ctx->scratch_b, ctx->scratch_c, int(M), int(K), int(N),
                        false);
  if (accumulate) {
    using T = typename C::DType;
    const T *d = c.data();
    float *out = ctx->scratch_c;
    for_each_elem<C>(M, N, [&](unsigned r, unsigned col, size_t o) {
      out[static_cast<size_t>(r) * N + col] =
          static_cast<float>(d[o]) + out[static_cast<size_t>(r) * N + col];
    });
  }
  dense_to_tile(c, M, N, ctx->scratch_c);
}

} // namespace sim

template <typename C, typename A, typename B, typename... Ev>
inline void TMATMUL(C &c, A &a, B &b, Ev &...) {
  sim::matmul_impl(c, a, b, false, "TMATMUL");
}

template <typename C, typename A, typename B, typename... Ev>
inline void TMATMUL_ACC(C &c, A &a, B &b, Ev &...) {
  sim::matmul_impl(c, a, b, true, "TMATMUL_ACC");
}

// (out, in, left, right): out = in + left x right. ptoattn emits it with out and in the
// same tile (pto-isa's CPU backend has no three-operand form), the only case modelled here.
template <typename C, typename A, typename B, typename... Ev>
inline void TMATMUL_ACC(C &out, C &in, A &a, B &b, Ev &...) {
  (void)in;
  sim::matmul_impl(out, a, b, true, "TMATMUL_ACC");
}

} // namespace pto
