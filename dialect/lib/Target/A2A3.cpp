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
  static const TargetInfo targets[] = {{"910B1", 24}, {"910B2", 24}, {"910B3", 20}, {"910B4", 20}};
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
