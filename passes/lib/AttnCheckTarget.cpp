//===- AttnCheckTarget.cpp - reject configurations a2a3 cannot run -----------===//
//
// Checks each `attn.paged_attention` against the a2a3 target description: the
// head dimension and block size the cube and the pipeline support, extents
// that the runtime's uint32 tensor descriptors cannot hold, the query tile
// option, and whether every stage's tiles fit their on-chip buffers at the
// tile sizes the pipeline will use (stating each limit's rule). Reports every violation, then fails; never
// changes the IR.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Transforms/Passes.h"

#include "ptoattn/Dialect/Attn/IR/Attn.h"
#include "ptoattn/Target/A2A3.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"

#include <limits>
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

/// The rule behind a buffer limit, in the parameters a user sets: e.g.
/// "head_dim x block_size must be at most 32768; change head_dim or
/// block_size".
static std::string describeRule(ArrayRef<const tgt::TileDemand *> tiles, int64_t available) {
  bool sameSize = llvm::all_equal(
      llvm::map_range(tiles, [](const tgt::TileDemand *t) { return t->elementBytes; }));
  std::string terms;
  SmallVector<StringRef> params;
  for (auto [i, tile] : llvm::enumerate(tiles)) {
    terms += (i ? " + " : "") + tile->rowsParam.str() + " x " + tile->colsParam.str();
    if (!sameSize)
      terms += " x " + std::to_string(tile->elementBytes);
    for (StringRef param : {tile->rowsParam, tile->colsParam}) {
      StringRef name = param.split('/').first;
      if (!name.empty() && !llvm::isDigit(name.front()) && !llvm::is_contained(params, name))
        params.push_back(name);
    }
  }
  std::string rule =
      sameSize ? terms + " must be at most " + std::to_string(available / tiles.front()->elementBytes)
               : terms + " bytes must be at most " + std::to_string(available);
  rule += "; change ";
  for (auto [i, name] : llvm::enumerate(params))
    rule += (i == 0 ? "" : i + 1 == params.size() ? " or " : ", ") + name.str();
  return rule;
}

/// simpler's tensor descriptors hold each extent and each element stride as a
/// uint32 (the orchestration passes shapes as `uint32_t[]`), so every static
/// extent and every stride made of static extents must fit one.
static LogicalResult checkExtentsFitRuntime(attn::PagedAttentionOp op) {
  constexpr uint64_t kLimit = std::numeric_limits<uint32_t>::max();
  auto query = op.getQuery().getType(), cache = op.getKeyCache().getType();
  auto table = op.getBlockTable().getType();
  struct Extent {
    StringRef name;
    int64_t value;
  };
  SmallVector<Extent> extents = {{"batch", query.getDimSize(0)},
                                 {"num_heads", query.getDimSize(1)},
                                 {"head_dim", query.getDimSize(2)},
                                 {"num_blocks (key_cache dim 0)", cache.getDimSize(0)},
                                 {"block_size", cache.getDimSize(1)},
                                 {"num_kv_heads", cache.getDimSize(2)},
                                 {"max_blocks_per_seq (block_table dim 1)", table.getDimSize(1)}};
  bool ok = true;
  for (const Extent &e : extents) {
    if (ShapedType::isDynamic(e.value) || static_cast<uint64_t>(e.value) <= kLimit)
      continue;
    op.emitOpError() << e.name << " " << e.value << " is too large: the runtime holds tensor "
                     << "extents as uint32, so it must be at most " << kLimit;
    ok = false;
  }
  if (!ok)
    return failure();
  // Row strides of query/out and of the caches.
  auto checkStride = [&](StringRef what, ArrayRef<int64_t> dims) {
    if (llvm::any_of(dims, ShapedType::isDynamic))
      return;
    uint64_t product = 1;
    for (int64_t d : dims) {
      product *= static_cast<uint64_t>(d);
      if (product > kLimit) {
        op.emitOpError() << what << " is too large: the runtime holds element strides as "
                         << "uint32, so it must be at most " << kLimit;
        ok = false;
        return;
      }
    }
  };
  checkStride("num_heads x head_dim (the row stride of query and out)",
              {query.getDimSize(1), query.getDimSize(2)});
  checkStride("block_size x num_kv_heads x head_dim (the block stride of the caches)",
              {cache.getDimSize(1), cache.getDimSize(2), cache.getDimSize(3)});
  return success(ok);
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
    int64_t available = aicore::getTargetInfo(op).getUsableBytes(buffer);
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
    diag << ": " << describeRule(tiles, available);
  }
  return success(fits);
}

namespace {

struct AttnCheckTargetPass : public ptoattn::impl::AttnCheckTargetBase<AttnCheckTargetPass> {
  using Base::Base;

  void runOnOperation() override {
    bool ok = true;
    const tgt::QueryTileOption requestedTile = queryTile;
    getOperation()->walk([&](attn::PagedAttentionOp op) {
      // Memory is only meaningful for shapes the cube accepts at all.
      if (failed(checkExtentsFitRuntime(op)) | failed(checkHeadDim(op)) |
          failed(checkBlockSize(op))) {
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
