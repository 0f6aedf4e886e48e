//===- TiledAttention.cpp - the tiled loop nest of one attention ----------===//

#include "ptoattn/Transforms/TiledAttention.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;
using namespace mlir::ptoattn;

/// The slice a tile operand is cut with: through an optional `tensor.pad`
/// (padding rows of a query tile) or, for a step of several cache blocks,
/// through the loop gathering them (`tensor.insert_slice` of each block's
/// slice) to a `tensor.extract_slice`.
static tensor::ExtractSliceOp getTileSlice(Value tile) {
  if (auto pad = tile.getDefiningOp<tensor::PadOp>())
    tile = pad.getSource();
  if (auto gather = tile.getDefiningOp<scf::ForOp>()) {
    Value yielded =
        gather.getBody()->getTerminator()->getOperand(cast<OpResult>(tile).getResultNumber());
    if (auto insert = yielded.getDefiningOp<tensor::InsertSliceOp>())
      tile = insert.getSource();
  }
  return tile.getDefiningOp<tensor::ExtractSliceOp>();
}

/// The tensor a tile operand is sliced from (see getTileSlice).
static Value getSliceSource(Value tile) {
  if (tensor::ExtractSliceOp slice = getTileSlice(tile))
    return slice.getSource();
  return {};
}

/// The tensor of the first `tensor.extract` of a rank-`rank` tensor that
/// `value` is computed from (scalars read from the block table or the
/// lengths), searching its index arithmetic.
static Value findExtractedTensor(Value value, int64_t rank) {
  SmallVector<Value> work = {value};
  llvm::SmallPtrSet<Operation *, 16> seen;
  while (!work.empty()) {
    Operation *op = work.pop_back_val().getDefiningOp();
    if (!op || !seen.insert(op).second)
      continue;
    if (auto extract = dyn_cast<tensor::ExtractOp>(op)) {
      if (extract.getTensor().getType().getRank() == rank)
        return extract.getTensor();
      continue;
    }
    if (isa<arith::ArithDialect>(op->getDialect()))
      llvm::append_range(work, op->getOperands());
  }
  return {};
}

/// Split-KV: the part loop must have one constant dimension and produce the
/// KV loop's three results, merged by one attn.merge_partials in the tile's
/// body; fills `ta.merge` and `ta.kvSplits`.
static LogicalResult analyzeSplit(TiledAttention &ta, StringRef passName) {
  if (!ta.splitLoop)
    return success();
  std::optional<int64_t> parts;
  if (ta.splitLoop.getRank() == 1)
    parts = getConstantIntValue(ta.splitLoop.getMixedUpperBound()[0]);
  if (!parts || ta.splitLoop.getNumResults() != 3)
    return ta.splitLoop.emitOpError()
           << passName
           << " expects a split-KV part loop over a constant number of parts "
              "producing (row max, row sum, output)";
  ta.kvSplits = *parts;
  for (Operation *user : ta.splitLoop->getUsers())
    if (auto merge = dyn_cast<attn::MergePartialsOp>(user))
      ta.merge = merge;
  if (!ta.merge || ta.merge.getPartMax() != ta.splitLoop.getResult(0) ||
      ta.merge.getPartSum() != ta.splitLoop.getResult(1) ||
      ta.merge.getPartOut() != ta.splitLoop.getResult(2) || ta.merge->getParentOp() != ta.forall)
    return ta.splitLoop.emitOpError() << passName
                                      << " expects the split-KV parts to be merged by one "
                                         "attn.merge_partials in the tile loop";
  return success();
}

/// Fills `ta` from the stage ops of `loop`; an error on the first thing that
/// does not look like a tiled attention.
static LogicalResult analyzeNest(TiledAttention &ta, StringRef passName) {
  auto qk = cast<attn::QKMatmulOp>(ta.getStage(abi::Stage::QKMatmul));
  auto softmax = cast<attn::SoftmaxPrepareOp>(ta.getStage(abi::Stage::SoftmaxPrepare));
  auto pv = cast<attn::PVMatmulOp>(ta.getStage(abi::Stage::PVMatmul));
  auto update = cast<attn::OnlineUpdateOp>(ta.getStage(abi::Stage::OnlineUpdate));
  auto fail = [&](Operation *op, const Twine &what) {
    return op->emitOpError() << passName << " expects " << what;
  };

  // The stages form one chain: S -> (P, m_i, l_i) -> O_i -> update.
  if (softmax.getScores() != qk.getScores() || pv.getProbs() != softmax.getProbs() ||
      update.getBlockOut() != pv.getBlockOut() || update.getBlockRowMax() != softmax.getRowMax() ||
      update.getBlockRowSum() != softmax.getRowSum())
    return fail(update, "the four tile stages of one KV step to feed each other "
                        "(qk_matmul -> softmax_prepare -> pv_matmul -> online_update)");

  ta.query = getSliceSource(qk.getQuery());
  ta.keyCache = getSliceSource(qk.getKey());
  ta.valueCache = getSliceSource(pv.getValue());
  auto ranked = [](Value v, int64_t rank) {
    auto type = v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
    return type && type.getRank() == rank ? type : RankedTensorType();
  };
  ta.queryType = ranked(ta.query, 3);
  ta.cacheType = ranked(ta.keyCache, 4);
  if (!ta.queryType)
    return fail(qk, "the query tile to be sliced from a [batch, heads, head_dim] tensor");
  if (!ta.cacheType || ranked(ta.valueCache, 4) != ta.cacheType)
    return fail(qk, "the key and value blocks to be sliced from [blocks, block_size, "
                    "kv_heads, head_dim] caches of one type");

  // Paging: the key block's first offset is read from the block table; the
  // valid columns (and the loop bound) from the context lengths.
  tensor::ExtractSliceOp keySlice = getTileSlice(qk.getKey());
  SmallVector<OpFoldResult> offsets = keySlice.getMixedOffsets();
  if (auto block = dyn_cast<Value>(offsets[0]))
    ta.blockTable = findExtractedTensor(block, 2);
  ta.contextLens = findExtractedTensor(softmax.getValidCols(), 1);
  if (!ta.contextLens)
    ta.contextLens = findExtractedTensor(ta.kvLoop.getUpperBound(), 1);
  ta.tableType = ranked(ta.blockTable, 2);
  ta.lensType = ranked(ta.contextLens, 1);
  if (!ta.tableType)
    return fail(qk, "the key block's index to be read from a [batch, max_blocks] block table");
  if (!ta.lensType)
    return fail(softmax, "the valid columns to be computed from a [batch] context-length "
                         "tensor");
  ta.scale = softmax.getScale();
  if (failed(analyzeSplit(ta, passName)))
    return failure();
  if (ta.forall.getNumResults() != 1)
    return fail(ta.forall, "the parallel loop to produce the one output tensor");
  ta.resultType = dyn_cast<RankedTensorType>(ta.forall.getResult(0).getType());
  if (!ta.resultType || ta.resultType.getRank() != 3)
    return fail(ta.forall, "the parallel loop's result to be [batch, heads, head_dim]");
  ta.element = ta.queryType.getElementType();

  int64_t queryTile = qk.getQuery().getType().getDimSize(0);
  ta.geo = TileGeometry::get(ta.queryType.getDimSize(1), ta.cacheType.getDimSize(2),
                             ta.queryType.getDimSize(2), ta.cacheType.getDimSize(1), queryTile);
  // A step's scores span whole cache blocks: kv-blocks-per-task of them.
  int64_t stepColumns = qk.getScores().getType().getDimSize(1);
  if (stepColumns % ta.geo.blockSize != 0)
    return fail(qk, "the scores of a KV step to span whole cache blocks of " +
                        Twine(ta.geo.blockSize) + " positions");
  ta.geo.blocksPerStep = stepColumns / ta.geo.blockSize;

  // The iteration space is (sequence, KV head, query tile of the group).
  SmallVector<OpFoldResult> bounds = ta.forall.getMixedUpperBound();
  std::optional<int64_t> heads, tiles;
  if (bounds.size() == 3) {
    heads = getConstantIntValue(bounds[1]);
    tiles = getConstantIntValue(bounds[2]);
  }
  if (!heads || !tiles || *heads != ta.geo.numKvHeads || *tiles != ta.geo.tilesPerGroup)
    return fail(ta.forall, "a parallel loop over (sequence, " + Twine(ta.geo.numKvHeads) +
                               " KV heads, " + Twine(ta.geo.tilesPerGroup) +
                               " query tiles per group)");
  return success();
}

FailureOr<SmallVector<TiledAttention>> mlir::ptoattn::findTiledAttentions(func::FuncOp func,
                                                                          StringRef passName) {
  SmallVector<TiledAttention> nests;
  bool ok = true;
  func.walk([&](Operation *op) {
    std::optional<abi::Stage> stage;
    if (isa<attn::QKMatmulOp>(op))
      stage = abi::Stage::QKMatmul;
    else if (isa<attn::SoftmaxPrepareOp>(op))
      stage = abi::Stage::SoftmaxPrepare;
    else if (isa<attn::PVMatmulOp>(op))
      stage = abi::Stage::PVMatmul;
    else if (isa<attn::OnlineUpdateOp>(op))
      stage = abi::Stage::OnlineUpdate;
    if (!stage)
      return;
    auto loop = dyn_cast<scf::ForOp>(op->getParentOp());
    auto forall = loop ? dyn_cast<scf::ForallOp>(loop->getParentOp()) : scf::ForallOp();
    // Split-KV: the KV loop sits in the part loop, inside the tile loop.
    scf::ForallOp splitLoop;
    if (auto outer = forall ? dyn_cast<scf::ForallOp>(forall->getParentOp()) : scf::ForallOp()) {
      splitLoop = forall;
      forall = outer;
    }
    if (!forall) {
      op->emitOpError() << passName
                        << " expects tile stages directly inside the KV loop (scf.for) of a "
                           "parallel loop (scf.forall) over the query tiles";
      ok = false;
      return;
    }
    auto it = llvm::find_if(nests, [&](const TiledAttention &ta) { return ta.kvLoop == loop; });
    if (it == nests.end()) {
      nests.push_back(TiledAttention{});
      it = std::prev(nests.end());
      it->func = func;
      it->forall = forall;
      it->kvLoop = loop;
      it->splitLoop = splitLoop;
    }
    Operation *&slot = it->stages[static_cast<int>(*stage)];
    if (slot) {
      op->emitOpError() << passName << " expects one " << abi::getStageName(*stage)
                        << " per KV loop";
      ok = false;
      return;
    }
    slot = op;
  });
  if (!ok)
    return failure();
  for (TiledAttention &ta : nests) {
    for (abi::Stage stage : abi::getStages())
      if (!ta.getStage(stage))
        return ta.kvLoop.emitOpError()
               << passName << " expects one of each tile stage in the KV loop; "
               << abi::getStageName(stage) << " is missing";
    if (failed(analyzeNest(ta, passName)))
      return failure();
  }
  return nests;
}
