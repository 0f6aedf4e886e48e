// ptoattn simulator: vector unit instructions on Vec (UB) tiles.
//
// Every instruction works on the destination's valid region. Plain row-major tiles take a
// per-row loop the compiler vectorises (see the optimize pragma); other layouts fall back to
// the generic offset() path.
#pragma once

#include <cmath>
#include <tuple>
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

// The start of every vector instruction: counts it; false when the run only models time (the
// instruction then touches no data).
template <typename... T> inline bool start_vec() {
  (require_vec<T>(), ...);
  count_instr();
  return !model_only();
}

// The rows of a tile, indexed by column: a plain row-major tile's row is a pointer into its
// storage (the loop the compiler vectorises), another layout's goes through offset(). `E` is
// the element type, const for a source.
template <typename T, typename E> struct OffsetRow {
  E *base;
  unsigned r;
  E &operator[](unsigned c) const { return base[T::offset(r, c)]; }
};
template <typename T, typename E = typename T::DType> struct TileRows {
  E *base;
  auto operator()(unsigned r) const {
    if constexpr (T::isPlainRowMajor)
      return base + static_cast<size_t>(r) * T::Cols;
    else
      return OffsetRow<T, E>{base, r};
  }
};
// One value for every column of a row: a per-row scalar broadcast along the row, or a scalar.
template <typename V> struct Splat {
  V v;
  V operator[](unsigned) const { return v; }
};
template <typename Col> struct ColumnRows {
  const typename Col::DType *base;
  Splat<typename Col::DType> operator()(unsigned r) const { return {base[Col::offset(r, 0)]}; }
};
template <typename V> struct ScalarRows {
  V v;
  Splat<V> operator()(unsigned) const { return {v}; }
};

// The sources of an elementwise instruction. rows() reads the tile's address, so it is called
// only once the instruction really computes.
template <typename T> struct TileSource {
  T &tile;
  TileRows<T, const typename T::DType> rows() const { return {tile.data()}; }
};
template <typename Col> struct ColumnSource {
  Col &tile;
  ColumnRows<Col> rows() const { return {tile.data()}; }
};
template <typename V> struct ScalarSource {
  V v;
  ScalarRows<V> rows() const { return {v}; }
};
// src(r, c) = tile(r, c)
template <typename T> inline TileSource<T> tile_source(T &t) {
  require_vec<T>();
  return {t};
}
// src(r, c) = col(r, 0): row-broadcast of a per-row scalar column.
template <typename Col> inline ColumnSource<Col> column_source(Col &col) {
  require_vec<Col>();
  return {col};
}
template <typename V> inline ScalarSource<V> scalar_source(V v) { return {v}; }

template <typename Out, typename F, typename... In>
inline void elementwise_row(Out out, unsigned vc, F f, In... in) {
  for (unsigned c = 0; c < vc; c++)
    out[c] = f(in[c]...);
}

// dst(r, c) = f(src(r, c)...) over dst's valid region: the loop of every elementwise
// instruction.
template <typename D, typename F, typename... Src>
inline void elementwise(D &dst, F f, const Src &...src) {
  if (!start_vec<D>())
    return;
  const unsigned vr = dst.GetValidRow(), vc = dst.GetValidCol();
  const TileRows<D> out{dst.data()};
  // Braces: the sources' addresses are read in order.
  const std::tuple<decltype(src.rows())...> in{src.rows()...};
  for (unsigned r = 0; r < vr; r++)
    std::apply([&](const auto &...rows) { elementwise_row(out(r), vc, f, rows(r)...); }, in);
}

// dst(r, 0) = reduce over c of src(r, c); `tmp` is the hardware's scratch tile.
template <typename D, typename S, typename Tmp, typename F>
inline void row_reduce(D &dst, S &src, Tmp &tmp, typename D::DType init, F f, const char *op) {
  if (!start_vec<D, S, Tmp>())
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

// The elementwise instructions, by their operands: `Op` is the cost-model class charged over
// the destination, `f` the element operation.
template <int Op, typename F> struct TileTileOp {
  F f;
  template <typename D, typename A, typename B, typename... Ev>
  void operator()(D &d, A &a, B &b, Ev &...) const {
    vcharge(Op, d);
    elementwise(d, f, tile_source(a), tile_source(b));
  }
};
template <int Op, typename F> struct TileScalarOp {
  F f;
  template <typename D, typename A, typename... Ev>
  void operator()(D &d, A &a, typename A::DType s, Ev &...) const {
    vcharge(Op, d);
    elementwise(d, f, tile_source(a), scalar_source(s));
  }
};
template <int Op, typename F> struct UnaryOp {
  F f;
  template <typename D, typename A, typename... Ev> void operator()(D &d, A &a, Ev &...) const {
    vcharge(Op, d);
    elementwise(d, f, tile_source(a));
  }
};
// dst(r, c) = f(a(r, c), col(r, 0)): `col` is a per-row column broadcast along the row.
template <int Op, typename F> struct RowExpandOp {
  F f;
  template <typename D, typename A, typename Col, typename... Ev>
  void operator()(D &d, A &a, Col &col, Ev &...) const {
    vcharge(Op, d);
    elementwise(d, f, tile_source(a), column_source(col));
  }
};

template <int Op, typename F> constexpr TileTileOp<Op, F> tile_tile_op(F f) { return {f}; }
template <int Op, typename F> constexpr TileScalarOp<Op, F> tile_scalar_op(F f) { return {f}; }
template <int Op, typename F> constexpr UnaryOp<Op, F> unary_op(F f) { return {f}; }
template <int Op, typename F> constexpr RowExpandOp<Op, F> row_expand_op(F f) { return {f}; }

} // namespace sim

// ---- elementwise, tile x tile ----
inline constexpr auto TADD =
    sim::tile_tile_op<sim::cost::VOP_BINARY>([](auto x, auto y) { return x + y; });
inline constexpr auto TSUB =
    sim::tile_tile_op<sim::cost::VOP_BINARY>([](auto x, auto y) { return x - y; });
inline constexpr auto TMUL =
    sim::tile_tile_op<sim::cost::VOP_MUL>([](auto x, auto y) { return x * y; });
inline constexpr auto TDIV =
    sim::tile_tile_op<sim::cost::VOP_DIVS>([](auto x, auto y) { return x / y; });
inline constexpr auto TMAX =
    sim::tile_tile_op<sim::cost::VOP_BINARY>([](auto x, auto y) { return x > y ? x : y; });
inline constexpr auto TMIN =
    sim::tile_tile_op<sim::cost::VOP_BINARY>([](auto x, auto y) { return x < y ? x : y; });

// ---- elementwise, tile x scalar ----
inline constexpr auto TADDS =
    sim::tile_scalar_op<sim::cost::VOP_ADDS>([](auto x, auto s) { return x + s; });
inline constexpr auto TMULS =
    sim::tile_scalar_op<sim::cost::VOP_MULS>([](auto x, auto s) { return x * s; });
inline constexpr auto TDIVS =
    sim::tile_scalar_op<sim::cost::VOP_DIVS>([](auto x, auto s) { return x / s; });
inline constexpr auto TMAXS =
    sim::tile_scalar_op<sim::cost::VOP_MINS>([](auto x, auto s) { return x > s ? x : s; });

template <typename D, typename... Ev> inline void TEXPANDS(D &d, typename D::DType s, Ev &...) {
  sim::vcharge(sim::cost::VOP_ADDS, d);
  sim::elementwise(d, [s]() { return s; });
}

// ---- unary ----
template <typename D, typename A, typename... Ev> inline void TEXP(D &d, A &a, Ev &...) {
  sim::vcharge(sim::cost::VOP_EXP, d);
  if constexpr (std::is_same_v<typename D::DType, float> &&
                std::is_same_v<typename A::DType, float> && sim::all_plain<D, A>()) {
    if (!sim::start_vec<D, A>())
      return;
    const unsigned vr = d.GetValidRow(), vc = d.GetValidCol();
    for (unsigned r = 0; r < vr; r++)
      sim::g_core->math->exp_f32(d.data() + static_cast<size_t>(r) * D::Cols,
                                 a.data() + static_cast<size_t>(r) * A::Cols, vc);
  } else {
    sim::elementwise(d, [](auto x) { return sim::exp_elem(x); }, sim::tile_source(a));
  }
}
inline constexpr auto TABS =
    sim::unary_op<sim::cost::VOP_MULS>([](auto x) { return x < 0 ? -x : x; });
inline constexpr auto TSQRT =
    sim::unary_op<sim::cost::VOP_SQRT>([](auto x) { return sim::sqrt_elem(x); });

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
inline constexpr auto TROWEXPANDSUB =
    sim::row_expand_op<sim::cost::VOP_ROWEXPAND>([](auto x, auto v) { return x - v; });
inline constexpr auto TROWEXPANDMUL =
    sim::row_expand_op<sim::cost::VOP_ROWEXPAND>([](auto x, auto v) { return x * v; });
inline constexpr auto TROWEXPANDDIV =
    sim::row_expand_op<sim::cost::VOP_ROWEXPAND>([](auto x, auto v) { return x / v; });
inline constexpr auto TROWEXPANDADD =
    sim::row_expand_op<sim::cost::VOP_ROWEXPAND>([](auto x, auto v) { return x + v; });
template <typename D, typename Col, typename... Ev> inline void TROWEXPAND(D &d, Col &c, Ev &...) {
  sim::vcharge(sim::cost::VOP_ROWEXPAND, d);
  sim::elementwise(d, [](auto v) { return v; }, sim::column_source(c));
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
    if (!sim::start_vec<D, S>())
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
    sim::elementwise(d, [mode](auto x) { return sim::convert<DT>(x, mode); }, sim::tile_source(s));
  }
}
template <typename D, typename S, typename Tmp, typename... Ev>
inline void TCVT(D &d, S &s, Tmp &, RoundMode mode, Ev &...ev) {
  TCVT(d, s, mode, ev...);
}

} // namespace pto

#pragma GCC pop_options
