// ptoattn simulator: vector unit instructions on Vec (UB) tiles.
//
// Every instruction works on the destination's valid region. Plain row-major tiles take a
// per-row loop the compiler vectorises (see the optimize pragma); other layouts fall back to
// the generic offset() path.
#pragma once

#include <cmath>
#include <type_traits>

#include "pto/sim/convert.hpp"
#include "pto/sim/core.hpp"
#include "pto/sim/tile.hpp"

#pragma GCC push_options
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic")

namespace pto {
namespace sim {

template <typename T> constexpr void require_vec() {
  static_assert(T::Loc == TileType::Vec, "vector instructions operate on Vec (UB) tiles");
}

template <typename D, typename... S> constexpr bool all_plain() {
  return D::isPlainRowMajor && (S::isPlainRowMajor && ...);
}

// dst(r, c) = f(a(r, c))
template <typename D, typename A, typename F> inline void map1(D &dst, A &a, F f) {
  require_vec<D>();
  require_vec<A>();
  count_instr();
  if (model_only())
    return;
  const unsigned vr = dst.GetValidRow(), vc = dst.GetValidCol();
  typename D::DType *d = dst.data();
  const typename A::DType *s = a.data();
  if constexpr (all_plain<D, A>()) {
    for (unsigned r = 0; r < vr; r++) {
      typename D::DType *dr = d + static_cast<size_t>(r) * D::Cols;
      const typename A::DType *sr = s + static_cast<size_t>(r) * A::Cols;
      for (unsigned c = 0; c < vc; c++)
        dr[c] = f(sr[c]);
    }
  } else {
    for (unsigned r = 0; r < vr; r++)
      for (unsigned c = 0; c < vc; c++)
        d[D::offset(r, c)] = f(s[A::offset(r, c)]);
  }
}

// dst(r, c) = f(a(r, c), b(r, c))
template <typename D, typename A, typename B, typename F>
inline void map2(D &dst, A &a, B &b, F f) {
  require_vec<D>();
  require_vec<A>();
  require_vec<B>();
  count_instr();
  if (model_only())
    return;
  const unsigned vr = dst.GetValidRow(), vc = dst.GetValidCol();
  typename D::DType *d = dst.data();
  const typename A::DType *x = a.data();
  const typename B::DType *y = b.data();
  if constexpr (all_plain<D, A, B>()) {
    for (unsigned r = 0; r < vr; r++) {
      typename D::DType *dr = d + static_cast<size_t>(r) * D::Cols;
      const typename A::DType *xr = x + static_cast<size_t>(r) * A::Cols;
      const typename B::DType *yr = y + static_cast<size_t>(r) * B::Cols;
      for (unsigned c = 0; c < vc; c++)
        dr[c] = f(xr[c], yr[c]);
    }
  } else {
    for (unsigned r = 0; r < vr; r++)
      for (unsigned c = 0; c < vc; c++)
        d[D::offset(r, c)] = f(x[A::offset(r, c)], y[B::offset(r, c)]);
  }
}

// dst(r, c) = f(a(r, c), col(r, 0)): row-broadcast of a per-row scalar column.
template <typename D, typename A, typename Col, typename F>
inline void map_rowexpand(D &dst, A &a, Col &col, F f) {
  require_vec<D>();
  require_vec<A>();
  require_vec<Col>();
  count_instr();
  if (model_only())
    return;
  const unsigned vr = dst.GetValidRow(), vc = dst.GetValidCol();
  typename D::DType *d = dst.data();
  const typename A::DType *x = a.data();
  const typename Col::DType *y = col.data();
  for (unsigned r = 0; r < vr; r++) {
    const typename Col::DType v = y[Col::offset(r, 0)];
    if constexpr (all_plain<D, A>()) {
      typename D::DType *dr = d + static_cast<size_t>(r) * D::Cols;
      const typename A::DType *xr = x + static_cast<size_t>(r) * A::Cols;
      for (unsigned c = 0; c < vc; c++)
        dr[c] = f(xr[c], v);
    } else {
      for (unsigned c = 0; c < vc; c++)
        d[D::offset(r, c)] = f(x[A::offset(r, c)], v);
    }
  }
}

// dst(r, 0) = reduce over c of src(r, c); `tmp` is the hardware's scratch tile.
template <typename D, typename S, typename Tmp, typename F>
inline void row_reduce(D &dst, S &src, Tmp &tmp, typename D::DType init, F f, const char *op) {
  require_vec<D>();
  require_vec<S>();
  require_vec<Tmp>();
  count_instr();
  if (model_only())
    return;
  const char *tb = reinterpret_cast<const char *>(tmp.data());
  const char *sb = reinterpret_cast<const char *>(src.data());
  const char *db = reinterpret_cast<const char *>(dst.data());
  if ((tb < sb + S::Bytes && sb < tb + Tmp::Bytes) || (tb < db + D::Bytes && db < tb + Tmp::Bytes))
    reportf(SEV_ERROR, "tile_alias",
            "%s: the tmp tile (UB 0x%x) overlaps its source or destination tile", op, tmp.addr());
  const unsigned vr = src.GetValidRow(), vc = src.GetValidCol();
  typename D::DType *d = dst.data();
  const typename S::DType *s = src.data();
  for (unsigned r = 0; r < vr; r++) {
    typename D::DType acc = init;
    if constexpr (S::isPlainRowMajor) {
      const typename S::DType *sr = s + static_cast<size_t>(r) * S::Cols;
      for (unsigned c = 0; c < vc; c++)
        acc = f(acc, sr[c]);
    } else {
      for (unsigned c = 0; c < vc; c++)
        acc = f(acc, s[S::offset(r, c)]);
    }
    d[D::offset(r, 0)] = acc;
  }
}

// Charges a vector instruction over the valid region of `t` (the destination, or the source of
// a row reduction) to the V pipe.
template <typename T> inline void vcharge(int op, const T &t) {
  charge(PIPE_V, cost::vec_cycles(op, uint64_t(t.GetValidRow()) * t.GetValidCol(),
                                  sizeof(typename T::DType)));
}

} // namespace sim

// ---- elementwise, tile x tile ----
template <typename D, typename A, typename B, typename... Ev>
inline void TADD(D &d, A &a, B &b, Ev &...) {
  sim::vcharge(sim::cost::VOP_BINARY, d);
  sim::map2(d, a, b, [](auto x, auto y) { return x + y; });
}
template <typename D, typename A, typename B, typename... Ev>
inline void TSUB(D &d, A &a, B &b, Ev &...) {
  sim::vcharge(sim::cost::VOP_BINARY, d);
  sim::map2(d, a, b, [](auto x, auto y) { return x - y; });
}
template <typename D, typename A, typename B, typename... Ev>
inline void TMUL(D &d, A &a, B &b, Ev &...) {
  sim::vcharge(sim::cost::VOP_MUL, d);
  sim::map2(d, a, b, [](auto x, auto y) { return x * y; });
}
template <typename D, typename A, typename B, typename... Ev>
inline void TDIV(D &d, A &a, B &b, Ev &...) {
  sim::vcharge(sim::cost::VOP_DIVS, d);
  sim::map2(d, a, b, [](auto x, auto y) { return x / y; });
}
template <typename D, typename A, typename B, typename... Ev>
inline void TMAX(D &d, A &a, B &b, Ev &...) {
  sim::vcharge(sim::cost::VOP_BINARY, d);
  sim::map2(d, a, b, [](auto x, auto y) { return x > y ? x : y; });
}
template <typename D, typename A, typename B, typename... Ev>
inline void TMIN(D &d, A &a, B &b, Ev &...) {
  sim::vcharge(sim::cost::VOP_BINARY, d);
  sim::map2(d, a, b, [](auto x, auto y) { return x < y ? x : y; });
}

// ---- elementwise, tile x scalar ----
template <typename D, typename A, typename... Ev>
inline void TADDS(D &d, A &a, typename A::DType s, Ev &...) {
  sim::vcharge(sim::cost::VOP_ADDS, d);
  sim::map1(d, a, [s](auto x) { return x + s; });
}
template <typename D, typename A, typename... Ev>
inline void TMULS(D &d, A &a, typename A::DType s, Ev &...) {
  sim::vcharge(sim::cost::VOP_MULS, d);
  sim::map1(d, a, [s](auto x) { return x * s; });
}
template <typename D, typename A, typename... Ev>
inline void TDIVS(D &d, A &a, typename A::DType s, Ev &...) {
  sim::vcharge(sim::cost::VOP_DIVS, d);
  sim::map1(d, a, [s](auto x) { return x / s; });
}
template <typename D, typename A, typename... Ev>
inline void TMAXS(D &d, A &a, typename A::DType s, Ev &...) {
  sim::vcharge(sim::cost::VOP_MINS, d);
  sim::map1(d, a, [s](auto x) { return x > s ? x : s; });
}

template <typename D, typename... Ev> inline void TEXPANDS(D &d, typename D::DType s, Ev &...) {
  sim::vcharge(sim::cost::VOP_ADDS, d);
  sim::map1(d, d, [s](auto) { return s; });
}

// ---- unary ----
template <typename D, typename A, typename... Ev> inline void TEXP(D &d, A &a, Ev &...) {
  sim::vcharge(sim::cost::VOP_EXP, d);
  if constexpr (std::is_same_v<typename D::DType, float> &&
                std::is_same_v<typename A::DType, float> && sim::all_plain<D, A>()) {
    sim::require_vec<D>();
    sim::require_vec<A>();
    sim::count_instr();
    if (sim::model_only())
      return;
    const unsigned vr = d.GetValidRow(), vc = d.GetValidCol();
    for (unsigned r = 0; r < vr; r++)
      sim::g_core->math->exp_f32(d.data() + static_cast<size_t>(r) * D::Cols,
                                 a.data() + static_cast<size_t>(r) * A::Cols, vc);
  } else {
    sim::map1(d, a, [](auto x) { return sim::exp_elem(x); });
  }
}
template <typename D, typename A, typename... Ev> inline void TABS(D &d, A &a, Ev &...) {
  sim::vcharge(sim::cost::VOP_MULS, d);
  sim::map1(d, a, [](auto x) { return x < 0 ? -x : x; });
}
template <typename D, typename A, typename... Ev> inline void TSQRT(D &d, A &a, Ev &...) {
  sim::vcharge(sim::cost::VOP_SQRT, d);
  sim::map1(d, a, [](auto x) { return sim::sqrt_elem(x); });
}

// ---- row reductions (dst is a per-row column) ----
template <typename D, typename S, typename Tmp, typename... Ev>
inline void TROWMAX(D &d, S &s, Tmp &t, Ev &...) {
  sim::vcharge(sim::cost::VOP_ROWMAX, s);
  sim::row_reduce(
      d, s, t, -std::numeric_limits<typename D::DType>::infinity(),
      [](auto acc, auto x) { return x > acc ? decltype(acc)(x) : acc; }, "TROWMAX");
}
template <typename D, typename S, typename Tmp, typename... Ev>
inline void TROWMIN(D &d, S &s, Tmp &t, Ev &...) {
  sim::vcharge(sim::cost::VOP_ROWMAX, s);
  sim::row_reduce(
      d, s, t, std::numeric_limits<typename D::DType>::infinity(),
      [](auto acc, auto x) { return x < acc ? decltype(acc)(x) : acc; }, "TROWMIN");
}
template <typename D, typename S, typename Tmp, typename... Ev>
inline void TROWSUM(D &d, S &s, Tmp &t, Ev &...) {
  sim::vcharge(sim::cost::VOP_ROWSUM, s);
  sim::row_reduce(
      d, s, t, typename D::DType(0), [](auto acc, auto x) { return acc + decltype(acc)(x); },
      "TROWSUM");
}

// ---- row broadcast of a per-row column (src1) ----
template <typename D, typename A, typename Col, typename... Ev>
inline void TROWEXPANDSUB(D &d, A &a, Col &c, Ev &...) {
  sim::vcharge(sim::cost::VOP_ROWEXPAND, d);
  sim::map_rowexpand(d, a, c, [](auto x, auto v) { return x - v; });
}
template <typename D, typename A, typename Col, typename... Ev>
inline void TROWEXPANDMUL(D &d, A &a, Col &c, Ev &...) {
  sim::vcharge(sim::cost::VOP_ROWEXPAND, d);
  sim::map_rowexpand(d, a, c, [](auto x, auto v) { return x * v; });
}
template <typename D, typename A, typename Col, typename... Ev>
inline void TROWEXPANDDIV(D &d, A &a, Col &c, Ev &...) {
  sim::vcharge(sim::cost::VOP_ROWEXPAND, d);
  sim::map_rowexpand(d, a, c, [](auto x, auto v) { return x / v; });
}
template <typename D, typename A, typename Col, typename... Ev>
inline void TROWEXPANDADD(D &d, A &a, Col &c, Ev &...) {
  sim::vcharge(sim::cost::VOP_ROWEXPAND, d);
  sim::map_rowexpand(d, a, c, [](auto x, auto v) { return x + v; });
}
template <typename D, typename Col, typename... Ev> inline void TROWEXPAND(D &d, Col &c, Ev &...) {
  sim::vcharge(sim::cost::VOP_ROWEXPAND, d);
  sim::map_rowexpand(d, d, c, [](auto, auto v) { return v; });
}

// ---- conversion ----
template <typename D, typename S, typename... Ev>
inline void TCVT(D &d, S &s, RoundMode mode, Ev &...) {
  using DT = typename D::DType;
  using ST = typename S::DType;
  sim::charge(PIPE_V, sim::cost::vec_cycles(sim::cost::VOP_MULS,
                                            uint64_t(d.GetValidRow()) * d.GetValidCol(),
                                            sizeof(ST) > sizeof(DT) ? sizeof(ST) : sizeof(DT)));
  if constexpr (sim::all_plain<D, S>() &&
                ((std::is_same_v<DT, bfloat16_t> && std::is_same_v<ST, float>) ||
                 (std::is_same_v<DT, float> && std::is_same_v<ST, bfloat16_t>))) {
    sim::require_vec<D>();
    sim::require_vec<S>();
    sim::count_instr();
    if (sim::model_only())
      return;
    const unsigned vr = d.GetValidRow(), vc = d.GetValidCol();
    const sim::MathOps *mo = sim::g_core->math;
    for (unsigned r = 0; r < vr; r++) {
      if constexpr (std::is_same_v<DT, bfloat16_t>)
        mo->f32_to_bf16(reinterpret_cast<uint16_t *>(d.data() + static_cast<size_t>(r) * D::Cols),
                        s.data() + static_cast<size_t>(r) * S::Cols, vc, static_cast<int>(mode));
      else
        mo->bf16_to_f32(
            d.data() + static_cast<size_t>(r) * D::Cols,
            reinterpret_cast<const uint16_t *>(s.data() + static_cast<size_t>(r) * S::Cols), vc);
    }
  } else {
    sim::map1(d, s, [mode](auto x) { return sim::convert<DT>(x, mode); });
  }
}
template <typename D, typename S, typename Tmp, typename... Ev>
inline void TCVT(D &d, S &s, Tmp &, RoundMode mode, Ev &...ev) {
  TCVT(d, s, mode, ev...);
}

} // namespace pto

#pragma GCC pop_options
