//===- CubeKernels.cpp - the two matmul kernels (AIC) ---------------------===//
//
// qk_matmul: S = Q . K^T. The query rows are loaded into a zero-padded NZ Mat
// tile (so a GQA group smaller than the tile multiplies as zero rows); the key
// block is read through a DN view, which gives K^T without a transpose.
// pv_matmul: O_i = P . V with V read row-wise (ND -> NZ). Only the block's
// rows below the context length are loaded and the rest of the L1 tile is
// zeroed: the tail of a partly filled block may hold stale NaN or Inf, and
// P's zero columns would not cancel them (0 x NaN = NaN). K needs no such
// care: softmax_prepare never reads the score columns of those rows.
//
// Under spmd a block loops over its tiles (grid-stride) and does nothing for a
// tile whose KV step is past its sequence's end (under split-KV, past its
// part's end), so no block-table entry beyond the sequence's blocks is read.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <functional>

using namespace mlir;
using namespace mlir::ptoattn;
using namespace mlir::ptoattn::assign_cores;
using aicore::BLayout;
using aicore::PadValue;
using aicore::SLayout;
using aicore::TileLocation;
using aicore::TileType;
using Role = abi::TensorRole;

namespace {

/// Where one cube task works: its tile's index among the task's tiles (0 under
/// per-tile), the element offsets of its query rows and cache block, the
/// query tile's real rows and the cache block's rows below the context
/// length (null when the kernel does not need them).
struct CubeOperands {
  Value tileIndex;
  Value queryOffset;
  Value cacheOffset;
  OpFoldResult rows;
  Value liveRows;
};

/// Element offset of tile `tileIndex` in a buffer of q_tile x `cols` tiles.
static Value tileOffset(KernelBuilder &kb, Value tileIndex, int64_t cols) {
  return kb.ib.mul(tileIndex, kb.ib.constant(kb.shape.geo.queryTile * cols));
}

/// Where one cube task of a multi-block KV step works: its tile, its query
/// rows, the step's positions below the context length (null when the kernel
/// does not need them), its block count and the cache offset of each block.
struct CubeStep {
  Value tileIndex;
  Value queryOffset;
  OpFoldResult rows;
  Value positions;
  Value numBlocks;
  /// Element offset of row 0 of the step's block `i` for the tile's KV head.
  std::function<Value(Value)> blockOffset;
};

} // namespace

/// Runs `body` for this kernel's multi-block step. Under spmd the block ids
/// come from the block table at entries step * N + i, and only while the step
/// is inside the sequence; under per-tile from the view of the step's entries
/// the orchestration passed (as long as the step's blocks), on a cache view
/// that starts at the tile's KV head. Either way only the step's own blocks
/// are looked up.
static void forEachCubeStep(KernelBuilder &kb, function_ref<void(const CubeStep &)> body) {
  IndexBuilder &ib = kb.ib;
  const TileGeometry &geo = kb.shape.geo;
  const int64_t blockStride = geo.blockSize * geo.numKvHeads * geo.headDim;
  if (!kb.shape.isSpmd()) {
    CubeStep step;
    step.tileIndex = ib.constant(0);
    step.queryOffset = step.tileIndex;
    step.rows = kb.b.getIndexAttr(geo.getStaticRowCount());
    if (!geo.hasStaticRowCount() && kb.sig.findTensor(Role::Query))
      step.rows = kb.tensorDim(Role::Query, 1);
    if (kb.sig.findScalarArg(abi::ScalarRole::ValidCols))
      step.positions = kb.scalarIndex(abi::ScalarRole::ValidCols);
    step.numBlocks = kb.tensorDim(Role::BlockTable, 1);
    Value table = kb.tensorPtr(Role::BlockTable, kb.b.getI32Type());
    step.blockOffset = [&kb, table, blockStride](Value i) {
      Value block =
          kb.ib.toIndex(aicore::LoadScalarOp::create(kb.b, kb.loc, kb.b.getI32Type(), table, i));
      return kb.ib.mul(block, kb.ib.constant(blockStride));
    };
    body(step);
    return;
  }
  BlockPosition pos = kb.enterTileLoop();
  Value stepIndex = kb.scalarIndex(abi::ScalarRole::KvStep);
  KvSteps kv = kb.kvSteps(pos, stepIndex);
  kb.ifThen(ib.less(stepIndex, kv.numSteps), [&] {
    CubeStep step;
    step.tileIndex = pos.block;
    Value firstHead = geo.buildFirstHead(ib, pos.kvHead, pos.tile);
    step.queryOffset = ib.mul(ib.add(ib.mul(pos.seq, ib.constant(geo.numHeads)), firstHead),
                              ib.constant(geo.headDim));
    step.rows = geo.buildRowCount(ib, pos.tile);
    step.positions = kb.stepPositions(kv, stepIndex);
    step.numBlocks = ib.ceilDiv(step.positions, ib.constant(geo.blockSize));
    Value firstEntry = kb.stepFirstBlock(kv, stepIndex);
    Value headOffset = ib.mul(pos.kvHead, ib.constant(geo.headDim));
    Value seq = pos.seq;
    step.blockOffset = [&kb, seq, firstEntry, headOffset, blockStride](Value i) {
      Value block = kb.cacheBlock(seq, kb.ib.add(firstEntry, i));
      return kb.ib.add(kb.ib.mul(block, kb.ib.constant(blockStride)), headOffset);
    };
    body(step);
  });
}

/// The query tile of a cube task, loaded once into L1 and moved to L0A: the
/// tile's real rows, the rest of the NZ tile zero padding.
static Value loadQueryLeft(KernelBuilder &kb, Value queryOffset, OpFoldResult tileRows) {
  OpBuilder &b = kb.b;
  const int64_t q = kb.shape.geo.queryTile, d = kb.shape.geo.headDim;
  Type element = kb.shape.element;
  std::optional<int64_t> staticRows = getConstantIntValue(tileRows);
  int64_t rows = staticRows ? *staticRows : ShapedType::kDynamic;
  SmallVector<Value> rowOperands;
  if (!staticRows)
    rowOperands.push_back(cast<Value>(tileRows));
  Value query = kb.view(kb.tensorPtr(Role::Query, element), queryOffset,
                        kb.regionType(rows, d, d, element), rowOperands);
  TileType queryMatType = kb.withPad(kb.nzMatTile(q, d, element), PadValue::Zero);
  Value queryMat = kb.declare("query_tile", queryMatType);
  Value queryLoad = queryMat;
  if (rows != q)
    queryLoad = aicore::TileAliasOp::create(
        b, kb.named("query_valid"), kb.withValid(queryMatType, rows, d), queryMat, rowOperands);
  Value left = kb.declare(kb.tileType(TileLocation::Left, q, d, element));
  aicore::TLoadOp::create(b, kb.loc, query, queryLoad);
  aicore::TMovOp::create(b, kb.loc, queryMat, left);
  return left;
}

/// Runs the step's blocks `i < numBlocks` (at least one) double-buffered:
/// `load(i, set)` fills L1 buffer set `set` (0 or 1) with block i's operands,
/// `compute(i, set)` consumes them. The load of block i + 1 is issued before
/// the compute of block i, into the other set, so the MTE2 transfer of the
/// next block overlaps the MTE1/cube/FIX work on this one; aicore-insert-sync
/// orders each set's reuse. Two blocks per iteration keep every buffer static.
static void forEachBlockDoubleBuffered(KernelBuilder &kb, Value numBlocks,
                                       function_ref<void(Value, int)> load,
                                       function_ref<void(Value, int)> compute) {
  IndexBuilder &ib = kb.ib;
  load(ib.constant(0), 0);
  kb.forLoop(
      numBlocks,
      [&](Value i) {
        Value next = ib.add(i, ib.constant(1));
        Value hasNext = ib.less(next, numBlocks);
        kb.ifThen(hasNext, [&] { load(next, 1); });
        compute(i, 0);
        kb.ifThen(hasNext, [&] {
          Value after = ib.add(i, ib.constant(2));
          kb.ifThen(ib.less(after, numBlocks), [&] { load(after, 0); });
          compute(next, 1);
        });
      },
      /*step=*/2);
}

/// S = Q . K^T over the step's blocks: Q stays in L0A; block i's K^T is
/// loaded (double-buffered in L1), multiplied and its q_tile x block_size
/// scores stored at columns [i * block_size, +block_size) of the tile's
/// row-major S.
static void buildMultiBlockQKMatmul(KernelBuilder &kb) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  const TileGeometry &geo = kb.shape.geo;
  const int64_t q = geo.queryTile, d = geo.headDim, bs = geo.blockSize, cols = geo.getStepColumns();
  Type element = kb.shape.element, f32 = b.getF32Type();
  forEachCubeStep(kb, [&](const CubeStep &step) {
    Value left = loadQueryLeft(kb, step.queryOffset, step.rows);
    TileType keyMatType = kb.matTile(d, bs, element, BLayout::RowMajor, SLayout::ColMajor);
    // Double buffers: named by their index, and the tiles they move to by
    // what they hold.
    Value keyMats[2] = {kb.declare("key_cache_tile_0", keyMatType),
                        kb.declare("key_cache_tile_1", keyMatType)};
    Value right = kb.declare("key_cache_right", kb.tileType(TileLocation::Right, d, bs, element));
    Value acc = kb.declare(kb.tileType(TileLocation::Acc, q, bs, f32));
    Value keyPtr = kb.tensorPtr(Role::KeyCache, element);
    Value scoresPtr = kb.tensorPtr(Role::Scores, f32);
    Value scoresBase = tileOffset(kb, step.tileIndex, cols);
    forEachBlockDoubleBuffered(
        kb, step.numBlocks,
        [&](Value i, int set) {
          Value keyT =
              kb.view(keyPtr, step.blockOffset(i),
                      kb.regionType(d, bs, geo.numKvHeads * d, element, /*transposed=*/true));
          aicore::TLoadOp::create(b, loc, keyT, keyMats[set]);
        },
        [&](Value i, int set) {
          Value scores = kb.view(scoresPtr, kb.ib.add(scoresBase, kb.ib.mul(i, kb.ib.constant(bs))),
                                 kb.regionType(q, bs, cols, f32));
          aicore::TMovOp::create(b, loc, keyMats[set], right);
          aicore::TMatmulOp::create(b, loc, left, right, acc);
          aicore::TStoreOp::create(b, loc, acc, scores);
        });
  });
}

/// O_i = P . V accumulated over the step's blocks in L0C: block i's P
/// columns and its V rows below the context length (the rest of the L1 tile
/// zeroed, as for one block) are loaded (double-buffered in L1) and
/// multiplied; the first product initialises the accumulator, the others add
/// to it.
static void buildMultiBlockPVMatmul(KernelBuilder &kb) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  IndexBuilder &ib = kb.ib;
  const TileGeometry &geo = kb.shape.geo;
  const int64_t q = geo.queryTile, d = geo.headDim, bs = geo.blockSize, cols = geo.getStepColumns();
  Type element = kb.shape.element, f32 = b.getF32Type();
  forEachCubeStep(kb, [&](const CubeStep &step) {
    TileType probsMatType = kb.nzMatTile(q, bs, element);
    TileType valueMatType = kb.withPad(kb.nzMatTile(bs, d, element), PadValue::Zero);
    // Double buffers: named by their index, and the tiles they move to by
    // what they hold.
    Value probsMats[2] = {kb.declare("probs_tile_0", probsMatType),
                          kb.declare("probs_tile_1", probsMatType)};
    Value valueMats[2] = {kb.declare("value_tile_0", valueMatType),
                          kb.declare("value_tile_1", valueMatType)};
    Value left = kb.declare("probs_left", kb.tileType(TileLocation::Left, q, bs, element));
    Value right = kb.declare("value_right", kb.tileType(TileLocation::Right, bs, d, element));
    Value acc = kb.declare(kb.tileType(TileLocation::Acc, q, d, f32));
    Value probsPtr = kb.tensorPtr(Role::Probs, element);
    Value valuePtr = kb.tensorPtr(Role::ValueCache, element);
    Value probsBase = tileOffset(kb, step.tileIndex, cols);
    forEachBlockDoubleBuffered(
        kb, step.numBlocks,
        [&](Value i, int set) {
          Value start = ib.mul(i, ib.constant(bs));
          Value liveRows = ib.min(ib.sub(step.positions, start), ib.constant(bs));
          Value probs =
              kb.view(probsPtr, ib.add(probsBase, start), kb.regionType(q, bs, cols, element));
          Value value = kb.view(valuePtr, step.blockOffset(i),
                                kb.regionType(ShapedType::kDynamic, d, geo.numKvHeads * d, element),
                                liveRows);
          Value liveValue = aicore::TileAliasOp::create(
              b, kb.named("value_valid"), kb.withValid(valueMatType, ShapedType::kDynamic, d),
              valueMats[set], liveRows);
          aicore::TLoadOp::create(b, loc, probs, probsMats[set]);
          aicore::TLoadOp::create(b, loc, value, liveValue);
          aicore::TFillPadOp::create(b, loc, liveValue, liveValue);
        },
        [&](Value i, int set) {
          aicore::TMovOp::create(b, loc, probsMats[set], left);
          aicore::TMovOp::create(b, loc, valueMats[set], right);
          kb.ifThenElse(
              ib.equal(i, ib.constant(0)),
              [&] { aicore::TMatmulOp::create(b, loc, left, right, acc); },
              [&] { aicore::TMatmulAccOp::create(b, loc, left, right, acc); });
        });
    Value out = kb.view(kb.tensorPtr(Role::BlockOut, f32), tileOffset(kb, step.tileIndex, d),
                        kb.regionType(q, d, d, f32));
    aicore::TStoreOp::create(b, loc, acc, out);
  });
}

/// Runs `body` for this kernel's tile: under spmd, for each tile of the block at
/// offsets computed from its index and only while the KV step is inside the
/// sequence; under per-tile, at offset 0 of the views the orchestration passed.
static void forEachCubeTile(KernelBuilder &kb, function_ref<void(const CubeOperands &)> body) {
  IndexBuilder &ib = kb.ib;
  const TileGeometry &geo = kb.shape.geo;
  if (!kb.shape.isSpmd()) {
    OpFoldResult rows = kb.b.getIndexAttr(geo.getStaticRowCount());
    if (!geo.hasStaticRowCount() && kb.sig.findTensor(Role::Query))
      rows = kb.tensorDim(Role::Query, 1);
    Value zero = ib.constant(0);
    Value liveRows;
    if (kb.sig.findScalarArg(abi::ScalarRole::ValidCols))
      liveRows = kb.scalarIndex(abi::ScalarRole::ValidCols);
    body({zero, zero, zero, rows, liveRows});
    return;
  }
  BlockPosition pos = kb.enterTileLoop();
  Value step = kb.scalarIndex(abi::ScalarRole::KvStep);
  KvSteps kv = kb.kvSteps(pos, step);
  Value blockSize = ib.constant(geo.blockSize);
  kb.ifThen(ib.less(step, kv.numSteps), [&] {
    Value block = kb.cacheBlock(pos.seq, kv.seqStep);
    Value firstHead = geo.buildFirstHead(ib, pos.kvHead, pos.tile);
    CubeOperands ops;
    ops.tileIndex = pos.block;
    // Query rows (b, firstHead..) of [batch, heads, head_dim].
    ops.queryOffset = ib.mul(ib.add(ib.mul(pos.seq, ib.constant(geo.numHeads)), firstHead),
                             ib.constant(geo.headDim));
    // Row 0 of cache block `block`, KV head `kvHead`.
    ops.cacheOffset =
        ib.mul(ib.add(ib.mul(block, ib.constant(geo.blockSize * geo.numKvHeads)), pos.kvHead),
               ib.constant(geo.headDim));
    ops.rows = geo.buildRowCount(ib, pos.tile);
    ops.liveRows = ib.min(ib.sub(kv.length, ib.mul(kv.seqStep, blockSize)), blockSize);
    body(ops);
  });
}

/// C = A . B from GM to GM on the cube: TLOAD the operands into their L1 tiles
/// (A through `lhsLoad`, which may be a valid-rows view of `lhsMat`; B through
/// `rhsLoad`, which may be a valid-rows view of `rhsMat` whose other rows are
/// then zeroed), TMOV them to L0A/L0B, TMATMUL into an f32 L0C tile, TSTORE it
/// to `resultView`.
static void emitCubeMatmul(KernelBuilder &kb, Value lhsView, Value lhsLoad, Value lhsMat,
                           Value rhsView, Value rhsLoad, Value rhsMat, Value resultView) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  auto lhsType = cast<TileType>(lhsMat.getType());
  auto rhsType = cast<TileType>(rhsMat.getType());
  const int64_t m = lhsType.getShape()[0], k = lhsType.getShape()[1], n = rhsType.getShape()[1];
  Type element = lhsType.getElementType();
  Value left = kb.declare(kb.tileType(TileLocation::Left, m, k, element));
  Value right = kb.declare(kb.tileType(TileLocation::Right, k, n, element));
  Value acc = kb.declare(kb.tileType(TileLocation::Acc, m, n, b.getF32Type()));
  aicore::TLoadOp::create(b, loc, lhsView, lhsLoad);
  aicore::TLoadOp::create(b, loc, rhsView, rhsLoad);
  if (rhsLoad != rhsMat)
    aicore::TFillPadOp::create(b, loc, rhsLoad, rhsLoad);
  aicore::TMovOp::create(b, loc, lhsMat, left);
  aicore::TMovOp::create(b, loc, rhsMat, right);
  aicore::TMatmulOp::create(b, loc, left, right, acc);
  aicore::TStoreOp::create(b, loc, acc, resultView);
}

void assign_cores::buildQKMatmulKernel(KernelBuilder &kb) {
  if (kb.shape.geo.isMultiBlock())
    return buildMultiBlockQKMatmul(kb);
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  const TileGeometry &geo = kb.shape.geo;
  const int64_t q = geo.queryTile, d = geo.headDim, bs = geo.blockSize;
  Type element = kb.shape.element, f32 = b.getF32Type();

  forEachCubeTile(kb, [&](const CubeOperands &ops) {
    std::optional<int64_t> staticRows = getConstantIntValue(ops.rows);
    int64_t rows = staticRows ? *staticRows : ShapedType::kDynamic;
    SmallVector<Value> rowOperands;
    if (!staticRows)
      rowOperands.push_back(cast<Value>(ops.rows));

    Value query = kb.view(kb.tensorPtr(Role::Query, element), ops.queryOffset,
                          kb.regionType(rows, d, d, element), rowOperands);
    Value keyT = kb.view(kb.tensorPtr(Role::KeyCache, element), ops.cacheOffset,
                         kb.regionType(d, bs, geo.numKvHeads * d, element, /*transposed=*/true));
    Value scores = kb.view(kb.tensorPtr(Role::Scores, f32), tileOffset(kb, ops.tileIndex, bs),
                           kb.regionType(q, bs, bs, f32));

    // The tile's real rows are loaded; the rest of the NZ tile is zero padding.
    TileType queryMatType = kb.withPad(kb.nzMatTile(q, d, element), PadValue::Zero);
    Value queryMat = kb.declare("query_tile", queryMatType);
    Value queryLoad = queryMat;
    if (rows != q)
      queryLoad = aicore::TileAliasOp::create(
          b, kb.named("query_valid"), kb.withValid(queryMatType, rows, d), queryMat, rowOperands);
    // ZN: the layout a DN (transposed) load produces.
    Value keyMat = kb.declare(kb.matTile(d, bs, element, BLayout::RowMajor, SLayout::ColMajor));
    emitCubeMatmul(kb, query, queryLoad, queryMat, keyT, keyMat, keyMat, scores);
  });
}

void assign_cores::buildPVMatmulKernel(KernelBuilder &kb) {
  if (kb.shape.geo.isMultiBlock())
    return buildMultiBlockPVMatmul(kb);
  OpBuilder &b = kb.b;
  const TileGeometry &geo = kb.shape.geo;
  const int64_t q = geo.queryTile, d = geo.headDim, bs = geo.blockSize;
  Type element = kb.shape.element, f32 = b.getF32Type();

  forEachCubeTile(kb, [&](const CubeOperands &ops) {
    Value probs = kb.view(kb.tensorPtr(Role::Probs, element), tileOffset(kb, ops.tileIndex, bs),
                          kb.regionType(q, bs, bs, element));
    Value value =
        kb.view(kb.tensorPtr(Role::ValueCache, element), ops.cacheOffset,
                kb.regionType(ShapedType::kDynamic, d, geo.numKvHeads * d, element), ops.liveRows);
    Value out = kb.view(kb.tensorPtr(Role::BlockOut, f32), tileOffset(kb, ops.tileIndex, d),
                        kb.regionType(q, d, d, f32));

    Value probsMat = kb.declare(kb.nzMatTile(q, bs, element));
    TileType valueMatType = kb.withPad(kb.nzMatTile(bs, d, element), PadValue::Zero);
    Value valueMat = kb.declare("value_tile", valueMatType);
    Value liveValue = aicore::TileAliasOp::create(
        b, kb.named("value_valid"), kb.withValid(valueMatType, ShapedType::kDynamic, d), valueMat,
        ops.liveRows);
    emitCubeMatmul(kb, probs, probsMat, probsMat, value, liveValue, valueMat, out);
  });
}
