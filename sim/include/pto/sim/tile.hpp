// ptoattn simulator: Tile, its byte layout in an on-chip buffer, and TASSIGN.
//
// A tile is a typed window onto the core's on-chip buffer for its location (Mat -> L1,
// Left -> L0A, Right -> L0B, Acc -> L0C, Vec -> UB). TASSIGN binds it to a byte offset, so
// two tiles assigned to overlapping bytes alias exactly as on hardware. Boxed (fractal)
// layouts are modelled: element (r, c) lives at offset(r, c) below.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "pto/sim/bf16.hpp"
#include "pto/sim/core.hpp"
#include "pto/sim/half.hpp"
#include "pto/sim/types.hpp"

namespace pto {

namespace sim {
constexpr int loc_of(TileType t) {
  return t == TileType::Mat     ? LOC_L1
         : t == TileType::Left  ? LOC_L0A
         : t == TileType::Right ? LOC_L0B
         : t == TileType::Acc   ? LOC_L0C
         : t == TileType::Vec   ? LOC_UB
                                : -1;
}
} // namespace sim

template <TileType Loc_, typename Element_, int Rows_, int Cols_,
          BLayout BFractal_ = BLayout::RowMajor, int RowValid_ = Rows_, int ColValid_ = Cols_,
          SLayout SFractal_ = SLayout::NoneBox, int SFractalSize_ = TileConfig::fractalABSize,
          auto PadVal_ = PadValue::Null, CompactMode Compact_ = CompactMode::Null>
struct Tile {
  using DType = Element_;
  static constexpr TileType Loc = Loc_;
  static constexpr int Rows = Rows_;
  static constexpr int Cols = Cols_;
  static constexpr int ValidRow = RowValid_;
  static constexpr int ValidCol = ColValid_;
  static constexpr BLayout BFractal = BFractal_;
  static constexpr SLayout SFractal = SFractal_;
  static constexpr int SFractalSize = SFractalSize_;
  static constexpr auto PadVal = PadVal_;
  static constexpr CompactMode Compact = Compact_;
  static constexpr int Numel = Rows * Cols;
  static constexpr bool isRowMajor = BFractal_ == BLayout::RowMajor;
  static constexpr bool isBoxedLayout = SFractal_ != SLayout::NoneBox;
  static constexpr bool isInnerRowMajor = SFractal_ == SLayout::RowMajor;
  static constexpr int InnerRows =
      SFractalSize_ == TileConfig::fractalCSize
          ? TileConfig::fixedRowSize
          : (isBoxedLayout
                 ? (isInnerRowMajor ? TileConfig::fixedRowSize
                                    : TileConfig::alignedSize / static_cast<int>(sizeof(DType)))
                 : 1);
  static constexpr int InnerCols =
      SFractalSize_ == TileConfig::fractalCSize
          ? TileConfig::fixedColSize
          : (isBoxedLayout
                 ? (isInnerRowMajor ? TileConfig::alignedSize / static_cast<int>(sizeof(DType))
                                    : TileConfig::fixedColSize)
                 : 1);
  static constexpr size_t Bytes = static_cast<size_t>(Rows) * Cols * sizeof(DType);

  static_assert(Rows > 0 && Cols > 0, "Tile: Rows and Cols must be positive");
  static_assert((RowValid_ == DYNAMIC || (RowValid_ >= 0 && RowValid_ <= Rows)) &&
                    (ColValid_ == DYNAMIC || (ColValid_ >= 0 && ColValid_ <= Cols)),
                "Tile: static valid shape must fit inside the tile");
  static_assert(sim::loc_of(Loc_) >= 0,
                "Tile: the simulator supports Vec, Mat, Left, Right and Acc tiles");
  static_assert(!isBoxedLayout || (Rows % InnerRows == 0 && Cols % InnerCols == 0),
                "Tile: a boxed (fractal) layout needs Rows/Cols multiples of the fractal box");
  static_assert(isBoxedLayout || !isRowMajor || (Cols * sizeof(DType)) % 32 == 0,
                "Tile: a row-major tile row must be a multiple of 32 bytes (a2a3 alignment)");
  static_assert(isBoxedLayout || isRowMajor || (Rows * sizeof(DType)) % 32 == 0,
                "Tile: a column-major tile column must be a multiple of 32 bytes (a2a3 alignment)");

  // Element offset (in elements) of (r, c) inside the tile's storage.
  static inline size_t offset(int r, int c) {
    if constexpr (!isBoxedLayout) {
      return isRowMajor ? static_cast<size_t>(r) * Cols + c : static_cast<size_t>(c) * Rows + r;
    } else {
      const int br = r / InnerRows, ir = r % InnerRows;
      const int bc = c / InnerCols, ic = c % InnerCols;
      const size_t box = isRowMajor ? static_cast<size_t>(br) * (Cols / InnerCols) + bc
                                    : static_cast<size_t>(bc) * (Rows / InnerRows) + br;
      const size_t inner = isInnerRowMajor ? static_cast<size_t>(ir) * InnerCols + ic
                                           : static_cast<size_t>(ic) * InnerRows + ir;
      return box * (InnerRows * InnerCols) + inner;
    }
  }
  // True when rows are dense runs of Cols elements (fast paths may use memcpy / flat loops).
  static constexpr bool isPlainRowMajor = !isBoxedLayout && isRowMajor;
  // A plain layout is one box covering the whole tile; box-wise loops need no divisions.
  static constexpr int BoxRows = isBoxedLayout ? InnerRows : Rows;
  static constexpr int BoxCols = isBoxedLayout ? InnerCols : Cols;
  static constexpr bool BoxRowMajor = isBoxedLayout ? isInnerRowMajor : isRowMajor;
  static inline size_t box_base(int br, int bc) {
    if constexpr (!isBoxedLayout)
      return 0;
    const size_t box = isRowMajor ? static_cast<size_t>(br) * (Cols / InnerCols) + bc
                                  : static_cast<size_t>(bc) * (Rows / InnerRows) + br;
    return box * (InnerRows * InnerCols);
  }

  Tile() = default;
  template <int RM = ValidRow, int CM = ValidCol>
  Tile(std::enable_if_t<RM == DYNAMIC && CM == DYNAMIC, unsigned> vr, unsigned vc)
      : rv_(vr), cv_(vc) {
    check_valid();
  }
  template <int RM = ValidRow, int CM = ValidCol>
  explicit Tile(std::enable_if_t<(RM == DYNAMIC) != (CM == DYNAMIC), unsigned> v)
      : rv_(RM == DYNAMIC ? v : 0), cv_(CM == DYNAMIC ? v : 0) {
    check_valid();
  }

  unsigned GetValidRow() const {
    return ValidRow == DYNAMIC ? rv_ : static_cast<unsigned>(ValidRow);
  }
  unsigned GetValidCol() const {
    return ValidCol == DYNAMIC ? cv_ : static_cast<unsigned>(ValidCol);
  }
  void SetValidRow(unsigned v) {
    static_assert(ValidRow == DYNAMIC, "static valid rows");
    rv_ = v;
    check_valid();
  }
  void SetValidCol(unsigned v) {
    static_assert(ValidCol == DYNAMIC, "static valid cols");
    cv_ = v;
    check_valid();
  }

  DType *data() const {
    if (!data_)
      sim::report(sim::SEV_FATAL, "tassign", "tile used before TASSIGN bound it to on-chip memory");
    return data_;
  }
  uint32_t addr() const { return addr_; }
  bool assigned() const { return data_ != nullptr; }

  DType *data_ = nullptr;
  uint32_t addr_ = 0;
  unsigned rv_ = 0, cv_ = 0;

private:
  void check_valid() const {
    if (GetValidRow() > static_cast<unsigned>(Rows) || GetValidCol() > static_cast<unsigned>(Cols))
      sim::reportf(sim::SEV_FATAL, "tile_shape", "dynamic valid shape %ux%u exceeds the %dx%d tile",
                   GetValidRow(), GetValidCol(), Rows, Cols);
  }
};

namespace sim {
// Visits the (vr x vc) region box by box: fn(r, c, element_offset) in storage order, so the
// innermost loop walks contiguous tile memory with compile-time strides.
template <typename TileT, typename Fn> inline void for_each_elem(unsigned vr, unsigned vc, Fn fn) {
  constexpr int BR = TileT::BoxRows, BC = TileT::BoxCols;
  for (unsigned r0 = 0; r0 < vr; r0 += BR)
    for (unsigned c0 = 0; c0 < vc; c0 += BC) {
      const size_t base = TileT::box_base(static_cast<int>(r0 / BR), static_cast<int>(c0 / BC));
      const unsigned nr = vr - r0 < unsigned(BR) ? vr - r0 : unsigned(BR);
      const unsigned nc = vc - c0 < unsigned(BC) ? vc - c0 : unsigned(BC);
      if constexpr (TileT::BoxRowMajor) {
        for (unsigned i = 0; i < nr; i++)
          for (unsigned j = 0; j < nc; j++)
            fn(r0 + i, c0 + j, base + static_cast<size_t>(i) * BC + j);
      } else {
        for (unsigned j = 0; j < nc; j++)
          for (unsigned i = 0; i < nr; i++)
            fn(r0 + i, c0 + j, base + static_cast<size_t>(j) * BR + i);
      }
    }
}

template <typename A, typename B> constexpr bool same_storage() {
  return A::Rows == B::Rows && A::Cols == B::Cols && A::BoxRows == B::BoxRows &&
         A::BoxCols == B::BoxCols && A::BoxRowMajor == B::BoxRowMajor &&
         A::isRowMajor == B::isRowMajor && A::isBoxedLayout == B::isBoxedLayout &&
         sizeof(typename A::DType) == sizeof(typename B::DType);
}
} // namespace sim

// a2a3 forms of the cube operand tiles (see DESIGN.md section 4).
template <typename E, int R, int C, int RV = R, int CV = C>
using TileLeft = Tile<TileType::Left, E, R, C, BLayout::RowMajor, RV, CV, SLayout::RowMajor,
                      TileConfig::fractalABSize>;
template <typename E, int R, int C, int RV = R, int CV = C>
using TileRight = Tile<TileType::Right, E, R, C, BLayout::RowMajor, RV, CV, SLayout::ColMajor,
                       TileConfig::fractalABSize>;
template <typename E, int R, int C, int RV = R, int CV = C>
using TileAcc = Tile<TileType::Acc, E, R, C, BLayout::ColMajor, RV, CV, SLayout::RowMajor,
                     TileConfig::fractalCSize>;

template <typename T> struct is_tile : std::false_type {};
template <TileType L, typename E, int R, int C, BLayout B, int RV, int CV, SLayout S, int SF,
          auto P, CompactMode CM>
struct is_tile<Tile<L, E, R, C, B, RV, CV, S, SF, P, CM>> : std::true_type {};

template <typename TileT, typename AddrType> inline void TASSIGN(TileT &tile, AddrType addr_in) {
  static_assert(is_tile<TileT>::value, "TASSIGN: the simulator supports Tile objects only");
  using namespace sim;
  count_instr();
  const uint64_t addr = static_cast<uint64_t>(addr_in);
  const int loc = loc_of(TileT::Loc);
  CoreCtx *c = g_core;
  if (!c)
    report(SEV_FATAL, "tassign", "TASSIGN outside a simulated core (no core context bound)");
  if (!c->buf[loc])
    reportf(SEV_FATAL, "tassign",
            "%s tile on a core without %s (AIC has L1/L0A/L0B/L0C, AIV has UB)", loc_name(loc),
            loc_name(loc));
  if (addr % SIM_ONCHIP_ALIGN != 0)
    reportf(SEV_FATAL, "tassign", "TASSIGN %s offset 0x%llx is not %u-byte aligned", loc_name(loc),
            static_cast<unsigned long long>(addr), SIM_ONCHIP_ALIGN);
  if (addr + TileT::Bytes > c->cap[loc])
    reportf(SEV_FATAL, "tassign",
            "TASSIGN %s [0x%llx, 0x%llx) (%dx%d x %zu B) exceeds the %u-byte capacity",
            loc_name(loc), static_cast<unsigned long long>(addr),
            static_cast<unsigned long long>(addr + TileT::Bytes), TileT::Rows, TileT::Cols,
            sizeof(typename TileT::DType), c->cap[loc]);
  if (loc == LOC_UB && addr + TileT::Bytes > TMP_UB_OFFSET)
    reportf(SEV_ERROR, "tassign",
            "TASSIGN UB [0x%llx, 0x%llx) overlaps the instruction scratch [0x%x, 0x%x) at the top "
            "of UB",
            static_cast<unsigned long long>(addr),
            static_cast<unsigned long long>(addr + TileT::Bytes), TMP_UB_OFFSET,
            TMP_UB_OFFSET + TMP_UB_SIZE);
  charge(PIPE_S, 0);
  tile.data_ = reinterpret_cast<typename TileT::DType *>(c->buf[loc] + addr);
  tile.addr_ = static_cast<uint32_t>(addr);
}

} // namespace pto
