//===- AttnCheckTarget.cpp - reject configurations a2a3 cannot run -----------===//
//
// Checks each `attn.paged_attention` against the a2a3 target description: the
// head dimension and block size the cube and the pipeline support, the query
// tile option, and whether every stage's tiles fit their on-chip buffers at the
// tile sizes the pipeline will use. Reports every violation, then fails; never
// changes the IR.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Transforms/Passes.h"

#include "ptoattn/Dialect/Attn/IR/Attn.h"
#include "ptoattn/Target/A2A3.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/STLExtras.h"

namespace mlir::ptoattn {
#define GEN_PASS_DEF_ATTNCHECKTARGET
#include "ptoattn/Transforms/Passes.h.inc"
} // namespace mlir::ptoattn

using namespace mlir;
using namespace mlir::ptoattn;
namespace tgt = mlir::ptoattn::target;

/// head_dim is the K of the QK matmul and the N of the PV matmul: a multiple of
/// the cube fractal, bounded so that one K^T or V tile fits L0B.
static LogicalResult checkHeadDim(attn::PagedAttentionOp op) {
  int64_t headDim = op.getHeadDim();
  if (headDim % tgt::kCubeFractal == 0 && headDim <= tgt::kMaxHeadDim)
    return success();
  return op.emitOpError() << "head_dim " << headDim
                          << " is not supported: must be a multiple of " << tgt::kCubeFractal
                          << " between " << tgt::kCubeFractal << " and " << tgt::kMaxHeadDim;
}

/// One KV tile is one cache block, so block_size is the N of QK and the K of PV.
static LogicalResult checkBlockSize(attn::PagedAttentionOp op) {
  int64_t blockSize = op.getBlockSize();
  if (llvm::is_contained(tgt::getSupportedBlockSizes(), blockSize))
    return success();
  return op.emitOpError() << "block_size " << blockSize << " is not supported: must be "
                          << tgt::formatChoices(tgt::getSupportedBlockSizes());
}

/// Sums each (stage, buffer)'s tiles and reports the ones that overflow.
static LogicalResult checkTilesFit(attn::PagedAttentionOp op, int64_t queryTile) {
  Type element = op.getQuery().getType().getElementType();
  tgt::AttentionShape shape{op.getNumHeads(),
                            op.getNumKvHeads(),
                            op.getHeadDim(),
                            op.getBlockSize(),
                            element.getIntOrFloatBitWidth() / 8,
                            element.isBF16() ? "bf16" : "f16"};
  llvm::MapVector<std::pair<StringRef, tgt::Buffer>, SmallVector<const tgt::TileDemand *>>
      byStageAndBuffer;
  SmallVector<tgt::TileDemand> demands = tgt::getTileDemands(shape, queryTile);
  for (const tgt::TileDemand &demand : demands)
    byStageAndBuffer[{demand.stage, demand.buffer}].push_back(&demand);

  bool fits = true;
  for (auto &[key, tiles] : byStageAndBuffer) {
    auto [stage, buffer] = key;
    int64_t needed = 0;
    for (const tgt::TileDemand *tile : tiles)
      needed += tile->bytes;
    int64_t available = tgt::getUsableBytes(buffer);
    if (needed <= available)
      continue;
    fits = false;
    std::string detail;
    for (auto [i, tile] : llvm::enumerate(tiles))
      detail += (i ? ", " : "") + tile->contents + ": " + std::to_string(tile->bytes);
    InFlightDiagnostic diag = op.emitOpError()
                              << stage << " needs " << needed << " bytes of "
                              << tgt::getBufferName(buffer) << " (" << detail << ") but "
                              << tgt::getBufferName(buffer) << " holds " << available;
    if (buffer == tgt::Buffer::UB)
      diag << " per lane with q-tile " << queryTile;
  }
  return success(fits);
}

namespace {

struct AttnCheckTargetPass : public ptoattn::impl::AttnCheckTargetBase<AttnCheckTargetPass> {
  using Base::Base;

  void runOnOperation() override {
    bool ok = true;
    const int64_t requestedTile = queryTile;
    getOperation()->walk([&](attn::PagedAttentionOp op) {
      if (std::string error = tgt::checkQueryTileOption(requestedTile); !error.empty()) {
        op.emitOpError() << error;
        ok = false;
        return;
      }
      // Memory is only meaningful for shapes the cube accepts at all.
      if (failed(checkHeadDim(op)) | failed(checkBlockSize(op))) {
        ok = false;
        return;
      }
      if (failed(checkTilesFit(op, tgt::chooseQueryTile(op.getGroupSize(), requestedTile))))
        ok = false;
    });
    if (!ok)
      signalPassFailure();
    markAllAnalysesPreserved();
  }
};

} // namespace
