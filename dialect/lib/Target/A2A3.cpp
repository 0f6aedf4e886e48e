//===- A2A3.cpp - limits of the Ascend a2a3 target --------------------------===//
//
// Capacities and the per-stage tile footprint model shared by the passes.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Target/A2A3.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir::ptoattn::target;

llvm::StringRef mlir::ptoattn::target::getBufferName(Buffer buffer) {
  switch (buffer) {
  case Buffer::L1:
    return "L1";
  case Buffer::L0A:
    return "L0A";
  case Buffer::L0B:
    return "L0B";
  case Buffer::L0C:
    return "L0C";
  case Buffer::UB:
    return "UB";
  }
  llvm_unreachable("unknown buffer");
}

int64_t mlir::ptoattn::target::getUsableBytes(Buffer buffer) {
  switch (buffer) {
  case Buffer::L1:
    return kL1Bytes;
  case Buffer::L0A:
    return kL0ABytes;
  case Buffer::L0B:
    return kL0BBytes;
  case Buffer::L0C:
    return kL0CBytes;
  case Buffer::UB:
    return kUBBytes - kUBScratchBytes;
  }
  llvm_unreachable("unknown buffer");
}

int64_t TargetInfo::getUsableBytes(Buffer buffer) const {
  return mlir::ptoattn::target::getUsableBytes(buffer);
}

llvm::ArrayRef<TargetInfo> mlir::ptoattn::target::getTargets() {
  static const TargetInfo targets[] = {
      {"910B1", 24}, {"910B2", 24}, {"910B3", 20}, {"910B4", 20}};
  return targets;
}

const TargetInfo *mlir::ptoattn::target::lookupTarget(llvm::StringRef chip) {
  for (const TargetInfo &info : getTargets())
    if (info.chip == chip)
      return &info;
  return nullptr;
}

const TargetInfo &mlir::ptoattn::target::getDefaultTarget() { return getTargets().front(); }

std::string mlir::ptoattn::target::formatTargetNames() {
  std::string text;
  llvm::ArrayRef<TargetInfo> targets = getTargets();
  for (auto [i, info] : llvm::enumerate(targets)) {
    if (i != 0)
      text += i + 1 == targets.size() ? " or " : ", ";
    text += info.chip;
  }
  return text;
}

llvm::ArrayRef<llvm::StringRef> mlir::ptoattn::target::getStrategyNames() {
  static const llvm::StringRef names[] = {"spmd", "per-tile"};
  return names;
}

llvm::ArrayRef<int64_t> mlir::ptoattn::target::getSupportedBlockSizes() {
  static const int64_t sizes[] = {16, 32, 64, 128, 256};
  return sizes;
}

llvm::ArrayRef<int64_t> mlir::ptoattn::target::getSupportedQueryTiles() {
  static const int64_t tiles[] = {16, 32, 64};
  return tiles;
}

int64_t mlir::ptoattn::target::chooseQueryTile(int64_t groupSize, QueryTileOption requested) {
  if (requested != QueryTileOption::Auto)
    return static_cast<int64_t>(requested);
  for (int64_t tile : getSupportedQueryTiles())
    if (tile >= groupSize)
      return tile;
  return getSupportedQueryTiles().back();
}

std::string mlir::ptoattn::target::formatChoices(llvm::ArrayRef<int64_t> values) {
  std::string text;
  for (auto [i, v] : llvm::enumerate(values)) {
    if (i != 0)
      text += i + 1 == values.size() ? " or " : ", ";
    text += std::to_string(v);
  }
  return text;
}

int64_t mlir::ptoattn::target::getQueryTilesPerGroup(int64_t groupSize, int64_t queryTile) {
  return llvm::divideCeil(groupSize, queryTile);
}

int64_t mlir::ptoattn::target::getTileBytes(int64_t rows, int64_t cols, int64_t elementBytes) {
  return llvm::alignTo(rows * cols * elementBytes, kTileAlignBytes);
}

static std::string describeTile(llvm::StringRef what, int64_t rows, int64_t cols,
                                llvm::StringRef type) {
  return (what + " " + llvm::Twine(rows) + "x" + llvm::Twine(cols) + " " + type).str();
}

llvm::SmallVector<TileDemand>
mlir::ptoattn::target::getTileDemands(const AttentionShape &shape, int64_t queryTile) {
  const int64_t q = queryTile, d = shape.headDim, bs = shape.blockSize;
  const int64_t e = shape.elementBytes, f32 = 4;
  const int64_t laneRows = q / kVectorLanes, col = kRowScalarColumns;
  const llvm::StringRef el = shape.elementTypeName;
  llvm::SmallVector<TileDemand> demands;
  auto add = [&](llvm::StringRef stage, Buffer buffer, llvm::StringRef what, int64_t rows,
                 llvm::StringRef rowsParam, int64_t cols, llvm::StringRef colsParam,
                 int64_t bytes, llvm::StringRef type) {
    demands.push_back({stage, buffer, describeTile(what, rows, cols, type),
                       getTileBytes(rows, cols, bytes), rowsParam, colsParam, bytes});
  };
  const llvm::StringRef Q = "q_tile", D = "head_dim", BS = "block_size", LANE = "q_tile/2",
                        COL = "8";

  // S = Q . K^T on the cube: operands staged in L1, then L0A/L0B; S accumulates in L0C.
  add("qk_matmul", Buffer::L1, "Q tile", q, Q, d, D, e, el);
  add("qk_matmul", Buffer::L1, "K tile", bs, BS, d, D, e, el);
  add("qk_matmul", Buffer::L0A, "Q tile", q, Q, d, D, e, el);
  add("qk_matmul", Buffer::L0B, "K^T tile", d, D, bs, BS, e, el);
  add("qk_matmul", Buffer::L0C, "S tile", q, Q, bs, BS, f32, "f32");

  // O_i = P . V on the cube.
  add("pv_matmul", Buffer::L1, "P tile", q, Q, bs, BS, e, el);
  add("pv_matmul", Buffer::L1, "V tile", bs, BS, d, D, e, el);
  add("pv_matmul", Buffer::L0A, "P tile", q, Q, bs, BS, e, el);
  add("pv_matmul", Buffer::L0B, "V tile", bs, BS, d, D, e, el);
  add("pv_matmul", Buffer::L0C, "O tile", q, Q, d, D, f32, "f32");

  // softmax_prepare per lane: S in, exp(S - m) in fp32, P rounded, row max/sum
  // columns, and the reduction temporary.
  add("softmax_prepare", Buffer::UB, "S rows", laneRows, LANE, bs, BS, f32, "f32");
  add("softmax_prepare", Buffer::UB, "exp(S - m) rows", laneRows, LANE, bs, BS, f32, "f32");
  add("softmax_prepare", Buffer::UB, "P rows", laneRows, LANE, bs, BS, e, el);
  add("softmax_prepare", Buffer::UB, "reduction scratch", laneRows, LANE, bs, BS, f32, "f32");
  add("softmax_prepare", Buffer::UB, "row max", laneRows, LANE, col, COL, f32, "f32");
  add("softmax_prepare", Buffer::UB, "row sum", laneRows, LANE, col, COL, f32, "f32");

  // online_update per lane: running O and the block's O_i, plus seven per-row
  // scalar columns (m, l, m_i, l_i, m_new, alpha, beta).
  add("online_update", Buffer::UB, "O accumulator rows", laneRows, LANE, d, D, f32, "f32");
  add("online_update", Buffer::UB, "O_i rows", laneRows, LANE, d, D, f32, "f32");
  for (llvm::StringRef what : {"m", "l", "m_i", "l_i", "m_new", "alpha", "beta"})
    add("online_update", Buffer::UB, what, laneRows, LANE, col, COL, f32, "f32");
  return demands;
}
