//===- AttnTile.cpp - tile paged attention into query tiles and KV steps -----===//
//
// Rewrites `attn.paged_attention` into a loop nest on tensors: an `scf.forall`
// over (batch, KV head, query tile) and, inside it, an `scf.for` over the
// sequence's KV-cache blocks whose body is the four tile stages. Paging (the
// block-table lookup) and the partial last block are explicit values in the IR,
// so later passes and a reader see exactly which block and how many columns
// each step touches.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Transforms/Passes.h"

#include "ptoattn/Dialect/Attn/IR/Attn.h"
#include "ptoattn/Target/A2A3.h"
#include "ptoattn/Transforms/IndexBuilder.h"
#include "ptoattn/Transforms/TileGeometry.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::ptoattn {
#define GEN_PASS_DEF_ATTNTILE
#include "ptoattn/Transforms/Passes.h.inc"
} // namespace mlir::ptoattn

using namespace mlir;
using namespace mlir::ptoattn;
namespace tgt = mlir::ptoattn::target;

/// Running max before any block has been seen. Finite, so that an untouched
/// accumulator never produces inf - inf.
static constexpr float kRowMaxSentinel = -1e30f;


/// Element `indices` of an i32 tensor, as an index.
static Value extractAsIndex(IndexBuilder &ib, Value tensor, ValueRange indices) {
  return ib.toIndex(tensor::ExtractOp::create(ib.b, ib.loc, tensor, indices));
}

/// A splat f32 tensor constant.
static Value splatF32(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, float value) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, ArrayRef<float>{value}));
}

/// Rows [h0, h0 + rows) of query[b], padded with zero rows up to the tile.
static Value buildQueryTile(OpBuilder &b, Location loc, attn::PagedAttentionOp op,
                            const TileGeometry &geo, Value batchIdx, Value firstHead,
                            OpFoldResult rows) {
  Type elem = op.getQuery().getType().getElementType();
  std::optional<int64_t> staticRows = getConstantIntValue(rows);
  auto rowsType = RankedTensorType::get(
      {staticRows ? *staticRows : ShapedType::kDynamic, geo.headDim}, elem);
  SmallVector<OpFoldResult> offsets = {batchIdx, firstHead, b.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1), rows, b.getIndexAttr(geo.headDim)};
  SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
  Value slice = tensor::ExtractSliceOp::create(b, loc, rowsType, op.getQuery(), offsets, sizes,
                                               strides);
  if (staticRows && *staticRows == geo.queryTile)
    return slice;

  // Padding rows are zeros: their scores are 0, their softmax is finite, and
  // their outputs are dropped before the result is assembled.
  IndexBuilder ib{b, loc};
  Value padRows = ib.sub(ib.constant(geo.queryTile), getValueOrCreateConstantIndexOp(b, loc, rows));
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(elem));
  auto tileType = RankedTensorType::get({geo.queryTile, geo.headDim}, elem);
  return tensor::PadOp::create(b, loc, tileType, slice,
                               ArrayRef<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(0)},
                               ArrayRef<OpFoldResult>{padRows, b.getIndexAttr(0)}, zero);
}

/// cache[block, :, kvHead, :] as a [block_size, head_dim] tile.
static Value buildCacheBlock(OpBuilder &b, Location loc, Value cache, Value block, Value kvHead,
                             const TileGeometry &geo) {
  auto type = RankedTensorType::get({geo.blockSize, geo.headDim},
                                    cast<RankedTensorType>(cache.getType()).getElementType());
  SmallVector<OpFoldResult> offsets = {block, b.getIndexAttr(0), kvHead, b.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1), b.getIndexAttr(geo.blockSize),
                                     b.getIndexAttr(1), b.getIndexAttr(geo.headDim)};
  SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(b, loc, type, cache, offsets, sizes, strides);
}

/// The KV-block loop for one query tile; returns the normalised output tile.
static Value buildKvLoop(OpBuilder &b, Location loc, attn::PagedAttentionOp op,
                         const TileGeometry &geo, Value batchIdx, Value kvHead, Value queryTile) {
  IndexBuilder ib{b, loc};
  Type elem = op.getQuery().getType().getElementType();
  const int64_t q = geo.queryTile, d = geo.headDim, bs = geo.blockSize;
  auto scoresType = RankedTensorType::get({q, bs}, b.getF32Type());
  auto probsType = RankedTensorType::get({q, bs}, elem);
  auto rowType = RankedTensorType::get({q}, b.getF32Type());
  auto outType = RankedTensorType::get({q, d}, b.getF32Type());

  Value length = extractAsIndex(ib, op.getContextLens(), batchIdx);
  Value blockSize = ib.constant(bs);
  Value numBlocks = ib.ceilDiv(length, blockSize);
  Value zero = ib.constant(0), one = ib.constant(1);
  SmallVector<Value> init = {splatF32(b, loc, {q}, kRowMaxSentinel), splatF32(b, loc, {q}, 0.0f),
                             splatF32(b, loc, {q, d}, 0.0f)};

  auto loop = scf::ForOp::create(
      b, loc, zero, numBlocks, one, init,
      [&](OpBuilder &nb, Location l, Value step, ValueRange acc) {
        IndexBuilder sb{nb, l};
        Value block = extractAsIndex(sb, op.getBlockTable(), ValueRange{batchIdx, step});
        Value key = buildCacheBlock(nb, l, op.getKeyCache(), block, kvHead, geo);
        Value value = buildCacheBlock(nb, l, op.getValueCache(), block, kvHead, geo);
        // Columns of this block that hold positions < length (>= 1 inside the loop).
        Value validCols = sb.min(sb.sub(length, sb.mul(step, blockSize)), blockSize);
        Value isFirst = sb.equal(step, sb.constant(0));
        Value isLast = sb.equal(sb.add(step, sb.constant(1)), numBlocks);

        Value scores = attn::QKMatmulOp::create(nb, l, scoresType, queryTile, key,
                                                /*kernel=*/nullptr);
        auto prepared = attn::SoftmaxPrepareOp::create(nb, l, probsType, rowType, rowType, scores,
                                                       validCols, op.getScale(),
                                                       /*kernel=*/nullptr);
        Value blockOut =
            attn::PVMatmulOp::create(nb, l, outType, prepared.getProbs(), value,
                                     /*kernel=*/nullptr);
        auto update = attn::OnlineUpdateOp::create(
            nb, l, rowType, rowType, outType, prepared.getRowMax(), prepared.getRowSum(),
            blockOut, acc[0], acc[1], acc[2], isFirst, isLast, /*kernel=*/nullptr);
        scf::YieldOp::create(nb, l, update.getResults());
      });
  return loop.getResult(2);
}

/// Replaces `op` with its tiled loop nest.
static LogicalResult tilePagedAttention(RewriterBase &rewriter, attn::PagedAttentionOp op,
                                        tgt::QueryTileOption requestedTile) {
  Location loc = op.getLoc();
  TileGeometry geo = TileGeometry::get(
      op.getNumHeads(), op.getNumKvHeads(), op.getHeadDim(), op.getBlockSize(),
      tgt::chooseQueryTile(op.getGroupSize(), requestedTile));

  rewriter.setInsertionPoint(op);
  RankedTensorType resultType = op.getResult().getType();
  SmallVector<Value> dynamicSizes;
  OpFoldResult batch = rewriter.getIndexAttr(resultType.getDimSize(0));
  if (resultType.isDynamicDim(0)) {
    Value dim = tensor::DimOp::create(rewriter, loc, op.getQuery(), 0);
    dynamicSizes.push_back(dim);
    batch = dim;
  }
  Value empty = tensor::EmptyOp::create(rewriter, loc, resultType, dynamicSizes);
  SmallVector<OpFoldResult> upperBounds = {batch, rewriter.getIndexAttr(geo.numKvHeads),
                                           rewriter.getIndexAttr(geo.tilesPerGroup)};
  auto forall = scf::ForallOp::create(rewriter, loc, upperBounds, ValueRange{empty},
                                      /*mapping=*/std::nullopt);
  Value batchIdx = forall.getInductionVar(0), kvHead = forall.getInductionVar(1),
        tile = forall.getInductionVar(2);
  Value shared = forall.getRegionIterArgs()[0];

  rewriter.setInsertionPoint(forall.getTerminator());
  IndexBuilder ib{rewriter, loc};
  Value firstHead = geo.buildFirstHead(ib, kvHead, tile);
  OpFoldResult rows = geo.buildRowCount(ib, tile);

  Value queryTile = buildQueryTile(rewriter, loc, op, geo, batchIdx, firstHead, rows);
  Value outTile = buildKvLoop(rewriter, loc, op, geo, batchIdx, kvHead, queryTile);

  // Only the tile's real rows reach the result; padding rows are dropped here.
  std::optional<int64_t> staticRows = getConstantIntValue(rows);
  if (!staticRows || *staticRows != geo.queryTile) {
    auto rowsType = RankedTensorType::get(
        {staticRows ? *staticRows : ShapedType::kDynamic, geo.headDim}, rewriter.getF32Type());
    outTile = tensor::ExtractSliceOp::create(
        rewriter, loc, rowsType, outTile,
        ArrayRef<OpFoldResult>{rewriter.getIndexAttr(0), rewriter.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{rows, rewriter.getIndexAttr(geo.headDim)},
        ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1), rewriter.getIndexAttr(1)});
  }
  rewriter.setInsertionPointToStart(forall.getTerminator().getBody());
  tensor::ParallelInsertSliceOp::create(
      rewriter, loc, outTile, shared,
      ArrayRef<OpFoldResult>{batchIdx, firstHead, rewriter.getIndexAttr(0)},
      ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1), rows, rewriter.getIndexAttr(geo.headDim)},
      SmallVector<OpFoldResult>(3, rewriter.getIndexAttr(1)));

  rewriter.replaceOp(op, forall.getResult(0));
  return success();
}

namespace {

struct AttnTilePass : public ptoattn::impl::AttnTileBase<AttnTilePass> {
  using Base::Base;

  void runOnOperation() override {
    const tgt::QueryTileOption requestedTile = queryTile;
    SmallVector<attn::PagedAttentionOp> ops;
    getOperation().walk([&](attn::PagedAttentionOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (attn::PagedAttentionOp op : ops) {
      if (failed(tilePagedAttention(rewriter, op, requestedTile)))
        return signalPassFailure();
    }
  }
};

} // namespace
