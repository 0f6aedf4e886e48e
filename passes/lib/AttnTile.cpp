//===- AttnTile.cpp - tile paged attention into query tiles and KV steps -----===//
//
// Rewrites `attn.paged_attention` into a loop nest on tensors: an `scf.forall`
// over (batch, KV head, query tile) and, inside it, an `scf.for` over the
// sequence's KV-cache blocks whose body is the four tile stages. Paging (the
// block-table lookup) and the partial last block are explicit values in the IR,
// so later passes and a reader see exactly which block and how many columns
// each step touches. With kv-splits > 1 each tile's KV range is split into
// parts run by independent chains and merged (flash-decoding).
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
  auto rowsType =
      RankedTensorType::get({staticRows ? *staticRows : ShapedType::kDynamic, geo.headDim}, elem);
  SmallVector<OpFoldResult> offsets = {batchIdx, firstHead, b.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1), rows, b.getIndexAttr(geo.headDim)};
  SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
  Value slice =
      tensor::ExtractSliceOp::create(b, loc, rowsType, op.getQuery(), offsets, sizes, strides);
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

namespace {

/// The KV blocks one chain runs: `numBlocks` blocks of the sequence from
/// `firstBlock` (null: every block from 0), in steps of kv-blocks-per-task
/// blocks. A `partial` chain never normalises: its state (m, l, O) is one part
/// for attn.merge_partials.
struct KvRange {
  Value firstBlock;
  Value numBlocks;
  bool partial = false;
};

} // namespace

/// The key and value rows of a KV step that covers several cache blocks:
/// blocks `firstBlock ..` of the sequence, gathered block after block
/// into [N * block_size, head_dim] tiles. Only the step's `count` blocks are
/// looked up, so no block-table entry past the sequence's end is read; the
/// rows of absent blocks stay undefined and are never used (their score
/// columns are past `valid_cols`).
static std::pair<Value, Value> buildBlockGather(OpBuilder &b, Location loc,
                                                attn::PagedAttentionOp op, const TileGeometry &geo,
                                                Value batchIdx, Value kvHead, Value firstBlock,
                                                Value count) {
  IndexBuilder ib{b, loc};
  const int64_t n = geo.blocksPerStep, bs = geo.blockSize;
  Type elem = op.getQuery().getType().getElementType();
  auto groupType = RankedTensorType::get({n * bs, geo.headDim}, elem);
  SmallVector<Value> init = {tensor::EmptyOp::create(b, loc, groupType.getShape(), elem),
                             tensor::EmptyOp::create(b, loc, groupType.getShape(), elem)};
  auto gather = scf::ForOp::create(
      b, loc, ib.constant(0), count, ib.constant(1), init,
      [&](OpBuilder &nb, Location l, Value i, ValueRange tiles) {
        IndexBuilder gb{nb, l};
        Value block =
            extractAsIndex(gb, op.getBlockTable(), ValueRange{batchIdx, gb.add(firstBlock, i)});
        SmallVector<OpFoldResult> offsets = {gb.mul(i, gb.constant(bs)), nb.getIndexAttr(0)};
        SmallVector<OpFoldResult> sizes = {nb.getIndexAttr(bs), nb.getIndexAttr(geo.headDim)};
        SmallVector<OpFoldResult> strides(2, nb.getIndexAttr(1));
        SmallVector<Value> gathered;
        for (auto [cache, tile] :
             llvm::zip(ValueRange{op.getKeyCache(), op.getValueCache()}, tiles))
          gathered.push_back(tensor::InsertSliceOp::create(
              nb, l, buildCacheBlock(nb, l, cache, block, kvHead, geo), tile, offsets, sizes,
              strides));
        scf::YieldOp::create(nb, l, gathered);
      });
  return {gather.getResult(0), gather.getResult(1)};
}

/// The KV loop for one query tile; returns its final (m, l, O), O normalised
/// unless the range is partial. Each step covers `geo.blocksPerStep`
/// consecutive cache blocks of the range; the last step of the range (of a
/// split part as of the whole sequence) covers what is left.
static ValueRange buildKvLoop(OpBuilder &b, Location loc, attn::PagedAttentionOp op,
                              const TileGeometry &geo, Value batchIdx, Value kvHead,
                              Value queryTile, const KvRange &range = {}) {
  IndexBuilder ib{b, loc};
  Type elem = op.getQuery().getType().getElementType();
  const int64_t q = geo.queryTile, d = geo.headDim, cols = geo.getStepColumns();
  auto scoresType = RankedTensorType::get({q, cols}, b.getF32Type());
  auto probsType = RankedTensorType::get({q, cols}, elem);
  auto rowType = RankedTensorType::get({q}, b.getF32Type());
  auto outType = RankedTensorType::get({q, d}, b.getF32Type());

  Value length = extractAsIndex(ib, op.getContextLens(), batchIdx);
  Value stepColumns = ib.constant(cols);
  // Steps: of the whole sequence, ceil(len / (N * block_size)); of a range,
  // ceil(blocks / N) (its blocks when N = 1).
  Value numSteps = !range.numBlocks ? ib.ceilDiv(length, stepColumns)
                   : geo.isMultiBlock()
                       ? ib.ceilDiv(range.numBlocks, ib.constant(geo.blocksPerStep))
                       : range.numBlocks;
  Value zero = ib.constant(0), one = ib.constant(1);
  SmallVector<Value> init = {splatF32(b, loc, {q}, kRowMaxSentinel), splatF32(b, loc, {q}, 0.0f),
                             splatF32(b, loc, {q, d}, 0.0f)};

  auto loop = scf::ForOp::create(
      b, loc, zero, numSteps, one, init,
      [&](OpBuilder &nb, Location l, Value step, ValueRange acc) {
        IndexBuilder sb{nb, l};
        Value key, value, validCols;
        if (geo.isMultiBlock() && range.numBlocks) {
          // A split part in steps of N blocks: the step's blocks are
          // min(N, blocks - step * N) from the part's first + step * N; its
          // positions stop at the part's end or the sequence's.
          Value offset = sb.mul(step, sb.constant(geo.blocksPerStep));
          Value firstBlock = sb.add(range.firstBlock, offset);
          Value count = sb.min(sb.sub(range.numBlocks, offset), sb.constant(geo.blocksPerStep));
          std::tie(key, value) =
              buildBlockGather(nb, l, op, geo, batchIdx, kvHead, firstBlock, count);
          validCols = sb.min(sb.sub(length, sb.mul(firstBlock, sb.constant(geo.blockSize))),
                             sb.mul(count, sb.constant(geo.blockSize)));
        } else {
          // The sequence's step index of this step.
          Value seqStep = range.firstBlock ? sb.add(range.firstBlock, step) : step;
          if (geo.isMultiBlock()) {
            // The step's blocks: min(N, ceil(len / block_size) - step * N).
            Value blocks = sb.ceilDiv(length, sb.constant(geo.blockSize));
            Value firstBlock = sb.mul(seqStep, sb.constant(geo.blocksPerStep));
            Value count = sb.min(sb.sub(blocks, firstBlock), sb.constant(geo.blocksPerStep));
            std::tie(key, value) =
                buildBlockGather(nb, l, op, geo, batchIdx, kvHead, firstBlock, count);
          } else {
            Value block = extractAsIndex(sb, op.getBlockTable(), ValueRange{batchIdx, seqStep});
            key = buildCacheBlock(nb, l, op.getKeyCache(), block, kvHead, geo);
            value = buildCacheBlock(nb, l, op.getValueCache(), block, kvHead, geo);
          }
          // Columns of this step that hold positions < length (>= 1 inside the loop).
          validCols = sb.min(sb.sub(length, sb.mul(seqStep, stepColumns)), stepColumns);
        }
        Value isFirst = sb.equal(step, sb.constant(0));
        Value isLast = range.partial
                           ? arith::ConstantOp::create(nb, l, nb.getBoolAttr(false)).getResult()
                           : sb.equal(sb.add(step, sb.constant(1)), numSteps);

        Value scores = attn::QKMatmulOp::create(nb, l, scoresType, queryTile, key,
                                                /*kernel=*/nullptr);
        auto prepared = attn::SoftmaxPrepareOp::create(nb, l, probsType, rowType, rowType, scores,
                                                       validCols, op.getScale(),
                                                       /*kernel=*/nullptr);
        Value blockOut = attn::PVMatmulOp::create(nb, l, outType, prepared.getProbs(), value,
                                                  /*kernel=*/nullptr);
        auto update = attn::OnlineUpdateOp::create(
            nb, l, rowType, rowType, outType, prepared.getRowMax(), prepared.getRowSum(), blockOut,
            acc[0], acc[1], acc[2], isFirst, isLast, /*kernel=*/nullptr);
        scf::YieldOp::create(nb, l, update.getResults());
      });
  return loop.getResults();
}

/// Split-KV: the tile's KV range as `splits` independent chains (an inner
/// `scf.forall` over the parts), then `attn.merge_partials`; returns the
/// normalised output tile. Part `s` runs blocks [s * per, min((s + 1) * per,
/// n)) of the sequence's own n blocks, per = ceil(n / splits): equal block
/// counts of each sequence's length (flash-decoding), so a short sequence
/// leaves its last parts empty and a long one is spread over all of them. Each
/// part runs its blocks kv-blocks-per-task at a time.
static Value buildSplitKvLoops(OpBuilder &b, Location loc, attn::PagedAttentionOp op,
                               const TileGeometry &geo, Value batchIdx, Value kvHead,
                               Value queryTile, int64_t splits) {
  IndexBuilder ib{b, loc};
  const int64_t q = geo.queryTile, d = geo.headDim;
  Type f32 = b.getF32Type();
  Value length = extractAsIndex(ib, op.getContextLens(), batchIdx);
  Value numBlocks = ib.ceilDiv(length, ib.constant(geo.blockSize));
  Value perPart = ib.ceilDiv(numBlocks, ib.constant(splits));
  SmallVector<Value> parts = {
      tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{splits, q}, f32),
      tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{splits, q}, f32),
      tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{splits, q, d}, f32)};
  auto forall = scf::ForallOp::create(b, loc, ArrayRef<OpFoldResult>{b.getIndexAttr(splits)}, parts,
                                      /*mapping=*/std::nullopt);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(forall.getTerminator());
    Value part = forall.getInductionVar(0);
    Value first = ib.mul(part, perPart);
    // Blocks of this part: clamp(n - first, 0, per); 0 for the parts past a
    // short sequence's end.
    Value blocks = ib.max(ib.min(ib.sub(numBlocks, first), perPart), ib.constant(0));
    ValueRange state = buildKvLoop(b, loc, op, geo, batchIdx, kvHead, queryTile,
                                   KvRange{first, blocks, /*partial=*/true});
    b.setInsertionPointToStart(forall.getTerminator().getBody());
    OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
    for (auto [value, shared] : llvm::zip(state, forall.getRegionIterArgs())) {
      auto type = cast<RankedTensorType>(value.getType());
      SmallVector<OpFoldResult> offsets = {part}, sizes = {one};
      for (int64_t dim : type.getShape()) {
        offsets.push_back(zero);
        sizes.push_back(b.getIndexAttr(dim));
      }
      tensor::ParallelInsertSliceOp::create(b, loc, value, shared, offsets, sizes,
                                            SmallVector<OpFoldResult>(sizes.size(), one));
    }
  }
  auto outType = RankedTensorType::get({q, d}, f32);
  return attn::MergePartialsOp::create(b, loc, outType, forall.getResult(0), forall.getResult(1),
                                       forall.getResult(2), /*kernel=*/nullptr);
}

/// Replaces `op` with its tiled loop nest.
static LogicalResult tilePagedAttention(RewriterBase &rewriter, attn::PagedAttentionOp op,
                                        tgt::QueryTileOption requestedTile, int64_t kvSplits,
                                        int64_t blocksPerStep) {
  Location loc = op.getLoc();
  TileGeometry geo =
      TileGeometry::get(op.getNumHeads(), op.getNumKvHeads(), op.getHeadDim(), op.getBlockSize(),
                        tgt::chooseQueryTile(op.getGroupSize(), requestedTile));
  geo.blocksPerStep = blocksPerStep;

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
  Value outTile =
      kvSplits > 1
          ? buildSplitKvLoops(rewriter, loc, op, geo, batchIdx, kvHead, queryTile, kvSplits)
          : buildKvLoop(rewriter, loc, op, geo, batchIdx, kvHead, queryTile)[2];

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
    const int64_t splits = kvSplits;
    if (splits < 1 || splits > tgt::kMaxKvSplits) {
      getOperation().emitError() << "kv-splits must be in [1, " << tgt::kMaxKvSplits << "], got "
                                 << splits;
      return signalPassFailure();
    }
    if (kvBlocksPerTask < 1) {
      getOperation().emitError() << "kv-blocks-per-task must be >= 1, got "
                                 << static_cast<int64_t>(kvBlocksPerTask);
      return signalPassFailure();
    }
    SmallVector<attn::PagedAttentionOp> ops;
    getOperation().walk([&](attn::PagedAttentionOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (attn::PagedAttentionOp op : ops) {
      if (failed(tilePagedAttention(rewriter, op, requestedTile, splits, kvBlocksPerTask)))
        return signalPassFailure();
    }
  }
};

} // namespace
