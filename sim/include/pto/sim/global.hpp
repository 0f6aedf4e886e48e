// ptoattn simulator: Shape, Stride and GlobalTensor (a typed 5-D view of global memory).
//
// The DMA instructions use the general formula offset = sum(i_d * stride_d), so ND (row-major)
// and DN (column-major, e.g. K read as K^T for free) need no special casing beyond how tile
// rows/cols map onto the five dims (see TLOAD).
#pragma once

#include <cstdint>
#include <type_traits>

#include "pto/sim/types.hpp"

namespace pto {

namespace sim {
// Five extents (of a Shape or a Stride), each static or DYNAMIC: a dynamic one is 1 until a
// constructor sets it.
template <int64_t... N> struct Extents {
  static_assert(sizeof...(N) == 5, "a global tensor has five dims");
  static constexpr int64_t staticDims[5] = {N...};
  int64_t dims[5] = {(N == DYNAMIC ? 1 : N)...};
  Extents() = default;
  Extents(int64_t n1, int64_t n2, int64_t n3, int64_t n4, int64_t n5) {
    const int64_t v[5] = {n1, n2, n3, n4, n5};
    for (int i = 0; i < 5; i++)
      if (staticDims[i] == DYNAMIC)
        dims[i] = v[i];
  }
};
} // namespace sim

template <int64_t N1 = DYNAMIC, int64_t N2 = DYNAMIC, int64_t N3 = DYNAMIC, int64_t N4 = DYNAMIC,
          int64_t N5 = DYNAMIC>
struct Shape : sim::Extents<N1, N2, N3, N4, N5> {
  using sim::Extents<N1, N2, N3, N4, N5>::Extents;
};

template <int64_t S1 = DYNAMIC, int64_t S2 = DYNAMIC, int64_t S3 = DYNAMIC, int64_t S4 = DYNAMIC,
          int64_t S5 = DYNAMIC>
struct Stride : sim::Extents<S1, S2, S3, S4, S5> {
  using sim::Extents<S1, S2, S3, S4, S5>::Extents;
};

template <typename Element_, typename Shape_, typename Stride_, Layout Layout_ = Layout::ND>
struct GlobalTensor {
  using Shape = Shape_;
  using Stride = Stride_;
  using RawDType = Element_;
  using DType = Element_;
  static constexpr Layout layout = Layout_;

  GlobalTensor(DType *data, const Shape &shape = Shape(), const Stride &stride = Stride())
      : data_(data), shape_(shape), stride_(stride) {}

  DType *data() const { return data_; }
  int64_t GetShape(int dim) const { return shape_.dims[dim]; }
  int64_t GetStride(int dim) const { return stride_.dims[dim]; }
  template <int dim> int64_t GetShape() const { return shape_.dims[dim]; }
  template <int dim> int64_t GetStride() const { return stride_.dims[dim]; }

  DType *data_;
  Shape shape_;
  Stride stride_;
};

template <typename T> struct is_global : std::false_type {};
template <typename E, typename S, typename St, Layout L>
struct is_global<GlobalTensor<E, S, St, L>> : std::true_type {};

} // namespace pto
