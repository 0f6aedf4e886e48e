// ptoattn simulator: data movement: TLOAD, TSTORE, TMOV, TRESHAPE, TFILLPAD(_INPLACE).
//
// Every GM transfer is split into contiguous segments which are checked (and recorded) by the
// runtime before any byte moves; an out-of-bounds transfer is reported and skipped, so a
// wrong index cannot crash the process or corrupt another tensor.
#pragma once

#include <cstring>
#include <type_traits>
#include <vector>

#include "pto/sim/convert.hpp"
#include "pto/sim/core.hpp"
#include "pto/sim/global.hpp"
#include "pto/sim/tile.hpp"

namespace pto {
namespace sim {

// Maps tile element (r, c) to a GM element offset. A row-major tile takes its rows from dims
// 0..3 and its columns from dim 4; a column-major tile takes rows from dim 3 and columns from
// dims 0, 1, 2, 4 (the PTO-ISA convention for ND / DN global tensors).
struct GmMap {
  int64_t s[5], st[5];
  bool row_major;
  bool simple; // dims 0..2 are all 1
  int64_t rows, cols;

  template <typename G> GmMap(const G &g, bool tile_row_major) : row_major(tile_row_major) {
    for (int i = 0; i < 5; i++) {
      s[i] = g.GetShape(i);
      st[i] = g.GetStride(i);
    }
    simple = s[0] == 1 && s[1] == 1 && s[2] == 1;
    rows = row_major ? s[0] * s[1] * s[2] * s[3] : s[3];
    cols = row_major ? s[4] : s[0] * s[1] * s[2] * s[4];
  }
  int64_t off(int64_t r, int64_t c) const {
    if (simple)
      return r * st[3] + c * st[4];
    int64_t outer;
    if (row_major) {
      const int64_t i3 = r % s[3];
      outer = r / s[3];
      return i3 * st[3] + c * st[4] + outer_off(outer);
    }
    const int64_t i4 = c % s[4];
    outer = c / s[4];
    return r * st[3] + i4 * st[4] + outer_off(outer);
  }
  int64_t outer_off(int64_t o) const {
    const int64_t i2 = o % s[2];
    o /= s[2];
    const int64_t i1 = o % s[1];
    const int64_t i0 = o / s[1];
    return i0 * st[0] + i1 * st[1] + i2 * st[2];
  }
};

// Calls fn(first_elem_offset, n_elems) for maximal contiguous runs of the (vr x vc) region.
template <typename Fn> inline void for_each_gm_run(const GmMap &m, int64_t vr, int64_t vc, Fn fn) {
  if (vr <= 0 || vc <= 0)
    return;
  int64_t run_start = 0, run_len = 0;
  auto emit = [&](int64_t start, int64_t len) {
    if (run_len > 0 && run_start + run_len == start) {
      run_len += len;
    } else {
      if (run_len > 0)
        fn(run_start, run_len);
      run_start = start;
      run_len = len;
    }
  };
  const bool cols_contig =
      m.row_major ? m.st[4] == 1 : (m.s[0] * m.s[1] * m.s[2] == 1 && m.st[4] == 1);
  const bool rows_contig = m.row_major ? (m.simple && m.st[3] == 1) : m.st[3] == 1;
  if (cols_contig) {
    for (int64_t r = 0; r < vr; r++)
      emit(m.off(r, 0), vc);
  } else if (rows_contig) {
    for (int64_t c = 0; c < vc; c++)
      emit(m.off(0, c), vr);
  } else {
    for (int64_t r = 0; r < vr; r++)
      for (int64_t c = 0; c < vc; c++)
        emit(m.off(r, c), 1);
  }
  if (run_len > 0)
    fn(run_start, run_len);
}

// Checks every run of a transfer with the runtime; false if any run is refused.
template <typename T>
inline bool gm_check_region(const T *base, const GmMap &m, int64_t vr, int64_t vc, bool is_write,
                            const char *op) {
  CoreCtx *c = g_core;
  const uint64_t bytes = static_cast<uint64_t>(vr) * vc * sizeof(T);
  if (c) {
    if (is_write)
      c->gm_bytes_written += bytes;
    else
      c->gm_bytes_read += bytes;
  }
  if (!c || !c->check_gm)
    return true;
  bool ok = true;
  for_each_gm_run(m, vr, vc, [&](int64_t off, int64_t n) {
    if (!c->hooks->gm_access(c, base + off, static_cast<uint64_t>(n) * sizeof(T), is_write, op))
      ok = false;
  });
  return ok;
}

template <typename TileT, typename G>
inline void check_transfer_shape(const TileT &t, const GmMap &m, const char *op) {
  if (m.rows != static_cast<int64_t>(t.GetValidRow()) ||
      m.cols != static_cast<int64_t>(t.GetValidCol()))
    reportf(SEV_FATAL, "shape",
            "%s: global tensor covers %lldx%lld elements but the tile's valid region is %ux%u", op,
            static_cast<long long>(m.rows), static_cast<long long>(m.cols), t.GetValidRow(),
            t.GetValidCol());
}

template <typename TileT>
inline void fill_outside_valid(TileT &t, unsigned vr, unsigned vc, typename TileT::DType v) {
  using T = typename TileT::DType;
  T *d = t.data();
  for (int r = 0; r < TileT::Rows; r++)
    for (int c = (static_cast<unsigned>(r) < vr ? static_cast<int>(vc) : 0); c < TileT::Cols; c++)
      d[TileT::offset(r, c)] = v;
  (void)sizeof(T);
}

} // namespace sim

template <typename TileT, typename G, typename... Ev>
inline void TLOAD(TileT &dst, G &src, Ev &...) {
  using T = typename TileT::DType;
  static_assert(sizeof(T) == sizeof(typename G::DType),
                "TLOAD: tile and global tensor element sizes differ");
  static_assert(TileT::Loc == TileType::Mat || TileT::Loc == TileType::Vec,
                "TLOAD: GM can be loaded into Mat (L1) or Vec (UB) tiles on a2a3");
  sim::count_instr();
  const sim::GmMap m(src, TileT::isRowMajor);
  sim::check_transfer_shape<TileT, G>(dst, m, "TLOAD");
  const unsigned vr = dst.GetValidRow(), vc = dst.GetValidCol();
  const uint64_t bytes = uint64_t(vr) * vc * sizeof(T);
  sim::charge(PIPE_MTE2, sim::cost::transfer_cycles(bytes, TileT::Loc == TileType::Mat
                                                               ? sim::cost::kGmToL1GiBs
                                                               : sim::cost::kGmToUbGiBs));
  if (sim::model_only()) {
    if (sim::g_core)
      sim::g_core->gm_bytes_read += bytes;
    return;
  }
  T *d = dst.data();
  const T *s = reinterpret_cast<const T *>(src.data());
  if constexpr (TileT::PadVal != PadValue::Null) {
    sim::fill_outside_valid(dst, vr, vc, sim::pad_value<T>(TileT::PadVal));
  }
  if (!sim::gm_check_region(s, m, vr, vc, false, "TLOAD"))
    return;
  if (TileT::isPlainRowMajor && m.simple && m.st[4] == 1) {
    for (unsigned r = 0; r < vr; r++)
      std::memcpy(d + static_cast<size_t>(r) * TileT::Cols, s + m.off(r, 0), vc * sizeof(T));
    return;
  }
  if (!TileT::isBoxedLayout && !TileT::isRowMajor && m.st[3] == 1 &&
      m.s[0] * m.s[1] * m.s[2] == 1) {
    for (unsigned c = 0; c < vc; c++)
      std::memcpy(d + static_cast<size_t>(c) * TileT::Rows, s + m.off(0, c), vr * sizeof(T));
    return;
  }
  if (m.simple) {
    const int64_t s3 = m.st[3], s4 = m.st[4];
    sim::for_each_elem<TileT>(vr, vc,
                              [&](unsigned r, unsigned c, size_t o) { d[o] = s[r * s3 + c * s4]; });
    return;
  }
  sim::for_each_elem<TileT>(vr, vc,
                            [&](unsigned r, unsigned c, size_t o) { d[o] = s[m.off(r, c)]; });
}

// TSTORE: Vec -> GM (MTE3) or Acc -> GM (FIX, may convert fp32 -> bf16 on the way).
template <typename TileT, typename G, typename... Ev>
inline void TSTORE(G &dst, TileT &src, Ev &...) {
  using T = typename TileT::DType;
  using D = typename G::DType;
  static_assert(TileT::Loc == TileType::Vec || TileT::Loc == TileType::Acc,
                "TSTORE: a2a3 stores Vec (UB) or Acc (L0C) tiles to GM");
  static_assert(std::is_same_v<T, D> || TileT::Loc == TileType::Acc,
                "TSTORE: only the Acc (fixpipe) path converts element types");
  sim::count_instr();
  if (sim::g_core)
    sim::g_core->last_store_pipe = TileT::Loc == TileType::Acc ? PIPE_FIX : PIPE_MTE3;
  const sim::GmMap m(dst, TileT::isRowMajor);
  sim::check_transfer_shape<TileT, G>(src, m, "TSTORE");
  const unsigned vr = src.GetValidRow(), vc = src.GetValidCol();
  const uint64_t bytes = uint64_t(vr) * vc * sizeof(D);
  if constexpr (TileT::Loc == TileType::Acc)
    sim::charge(PIPE_FIX, sim::cost::transfer_cycles(bytes, sim::cost::kL0cToGmGiBs));
  else
    sim::charge(PIPE_MTE3, sim::cost::transfer_cycles(bytes, sim::cost::kUbToGmGiBs));
  if (sim::model_only()) {
    if (sim::g_core)
      sim::g_core->gm_bytes_written += bytes;
    return;
  }
  const T *s = src.data();
  D *d = reinterpret_cast<D *>(dst.data());
  if (!sim::gm_check_region(d, m, vr, vc, true, "TSTORE"))
    return;
  if constexpr (std::is_same_v<T, D> && TileT::isPlainRowMajor) {
    if (m.simple && m.st[4] == 1) {
      for (unsigned r = 0; r < vr; r++)
        std::memcpy(d + m.off(r, 0), s + static_cast<size_t>(r) * TileT::Cols, vc * sizeof(T));
      return;
    }
  }
  if (m.simple) {
    const int64_t s3 = m.st[3], s4 = m.st[4];
    sim::for_each_elem<TileT>(vr, vc, [&](unsigned r, unsigned c, size_t o) {
      d[r * s3 + c * s4] = sim::convert<D>(s[o]);
    });
    return;
  }
  sim::for_each_elem<TileT>(
      vr, vc, [&](unsigned r, unsigned c, size_t o) { d[m.off(r, c)] = sim::convert<D>(s[o]); });
}

// TMOV between on-chip locations (a2a3 paths: L1->L0A, L1->L0B, L0C->L1, UB->UB).
template <typename DstT, typename SrcT, typename... Ev>
inline void TMOV(DstT &dst, SrcT &src, Ev &...) {
  constexpr TileType D = DstT::Loc, S = SrcT::Loc;
  static_assert((S == TileType::Mat && (D == TileType::Left || D == TileType::Right)) ||
                    (S == TileType::Acc && D == TileType::Mat) ||
                    (S == TileType::Vec && D == TileType::Vec),
                "TMOV: a2a3 supports Mat->Left, Mat->Right, Acc->Mat and Vec->Vec");
  using DT = typename DstT::DType;
  using ST = typename SrcT::DType;
  static_assert(std::is_same_v<DT, ST> || S == TileType::Acc, "TMOV: element types differ");
  sim::count_instr();
  const unsigned vr = dst.GetValidRow(), vc = dst.GetValidCol();
  if (vr > static_cast<unsigned>(SrcT::Rows) || vc > static_cast<unsigned>(SrcT::Cols))
    sim::reportf(sim::SEV_FATAL, "shape",
                 "TMOV: destination valid region %ux%u exceeds the %dx%d source tile", vr, vc,
                 SrcT::Rows, SrcT::Cols);
  {
    const uint64_t bytes = uint64_t(vr) * vc * sizeof(DT);
    if constexpr (S == TileType::Mat && D == TileType::Left)
      sim::charge(PIPE_MTE1, sim::cost::transfer_cycles(bytes, sim::cost::kL1ToL0aGiBs));
    else if constexpr (S == TileType::Mat)
      sim::charge(PIPE_MTE1, sim::cost::transfer_cycles(bytes, sim::cost::kL1ToL0bGiBs));
    else if constexpr (S == TileType::Acc)
      sim::charge(PIPE_FIX, sim::cost::transfer_cycles(bytes, sim::cost::kL0cToL1GiBs));
    else
      sim::charge(PIPE_V, sim::cost::transfer_cycles(bytes, sim::cost::kUbToUbGiBs));
  }
  if (sim::model_only())
    return;
  DT *d = dst.data();
  const ST *s = src.data();
  if constexpr (std::is_same_v<DstT, SrcT>) {
    if (static_cast<const void *>(d) == static_cast<const void *>(s))
      return;
  }
  if constexpr (sim::same_storage<DstT, SrcT>() && std::is_same_v<DT, ST>) {
    if (vr == unsigned(DstT::Rows) && vc == unsigned(DstT::Cols)) { // identical bytes: one copy
      std::memmove(d, s, DstT::Bytes);
      return;
    }
  }
  std::vector<DT> tmp; // the source may alias the destination with another layout
  const bool overlap =
      reinterpret_cast<const char *>(s) < reinterpret_cast<const char *>(d) + DstT::Bytes &&
      reinterpret_cast<const char *>(d) < reinterpret_cast<const char *>(s) + SrcT::Bytes;
  if (overlap)
    tmp.assign(d, d + DstT::Numel);
  DT *out = overlap ? tmp.data() : d;
  sim::for_each_elem<DstT>(vr, vc, [&](unsigned r, unsigned c, size_t o) {
    out[o] = sim::convert<DT>(s[SrcT::offset(r, c)]);
  });
  if (overlap)
    std::memcpy(d, tmp.data(), DstT::Bytes);
}

// TRESHAPE: the same on-chip bytes seen through another tile type.
template <typename DstT, typename SrcT, typename... Ev>
inline void TRESHAPE(DstT &dst, SrcT &src, Ev &...) {
  static_assert(DstT::Loc == SrcT::Loc, "TRESHAPE: both tiles must be in the same location");
  static_assert(DstT::Bytes == SrcT::Bytes,
                "TRESHAPE: both tiles must cover the same number of bytes");
  sim::count_instr();
  sim::charge(PIPE_S, 0);
  dst.data_ = reinterpret_cast<typename DstT::DType *>(src.data());
  dst.addr_ = src.addr_;
}

// TFILLPAD: copy src's valid region into dst and fill the rest of dst's valid region with
// dst's pad value. TFILLPAD_INPLACE is the same with dst and src on the same bytes.
// PTO-ISA's one-type Mat (L1) overload, TFILLPAD(t, t), zeroes the whole tile outside its
// valid region.
template <typename DstT, typename SrcT, typename... Ev>
inline void TFILLPAD(DstT &dst, SrcT &src, Ev &...) {
  using T = typename DstT::DType;
  static_assert(std::is_same_v<T, typename SrcT::DType>, "TFILLPAD: element types differ");
  static_assert(DstT::Loc == SrcT::Loc, "TFILLPAD: both tiles must be in the same location");
  sim::count_instr();
  if constexpr (DstT::Loc == TileType::Mat && std::is_same_v<DstT, SrcT>) {
    static_assert(!DstT::isRowMajor && DstT::SFractal == SLayout::RowMajor,
                  "TFILLPAD: a Mat tile must be NZ");
    static_assert(DstT::PadVal == PadValue::Zero || DstT::PadVal == PadValue::Null,
                  "TFILLPAD: a Mat tile is filled with zero");
    if (static_cast<const void *>(dst.data()) != static_cast<const void *>(src.data()))
      sim::report(sim::SEV_ERROR, "tfillpad", "TFILLPAD: a Mat tile is filled in place");
    // The DMA engine writes the constant (MTE2), at the GM->L1 rate for want of a figure.
    const uint64_t padded = uint64_t(DstT::Rows - src.GetValidRow()) * DstT::Cols * sizeof(T);
    sim::charge(PIPE_MTE2, sim::cost::transfer_cycles(padded, sim::cost::kGmToL1GiBs));
    if (sim::model_only())
      return;
    sim::fill_outside_valid(dst, src.GetValidRow(), src.GetValidCol(), T(0));
    return;
  }
  const T pad = sim::pad_value<T>(DstT::PadVal);
  const unsigned sr = src.GetValidRow(), sc = src.GetValidCol();
  const unsigned dr = dst.GetValidRow(), dc = dst.GetValidCol();
  // A pass over the destination's valid region inside the buffer (UB->UB rate).
  sim::charge(DstT::Loc == TileType::Vec ? PIPE_V : PIPE_MTE1,
              sim::cost::transfer_cycles(uint64_t(dr) * dc * sizeof(T), sim::cost::kUbToUbGiBs));
  if (sim::model_only())
    return;
  T *d = dst.data();
  const T *s = src.data();
  constexpr bool same_layout = DstT::Rows == SrcT::Rows && DstT::Cols == SrcT::Cols &&
                               DstT::BFractal == SrcT::BFractal && DstT::SFractal == SrcT::SFractal;
  const bool same = same_layout && static_cast<const void *>(d) == static_cast<const void *>(s);
  for (unsigned r = 0; r < dr; r++)
    for (unsigned c = 0; c < dc; c++) {
      if (r < sr && c < sc) {
        if (!same)
          d[DstT::offset(r, c)] = s[SrcT::offset(r, c)];
      } else {
        d[DstT::offset(r, c)] = pad;
      }
    }
}

template <typename DstT, typename SrcT, typename... Ev>
inline void TFILLPAD_INPLACE(DstT &dst, SrcT &src, Ev &...ev) {
  if (static_cast<const void *>(dst.data()) != static_cast<const void *>(src.data()))
    sim::report(sim::SEV_ERROR, "tfillpad",
                "TFILLPAD_INPLACE: dst and src are not bound to the same address");
  TFILLPAD(dst, src, ev...);
}

} // namespace pto
