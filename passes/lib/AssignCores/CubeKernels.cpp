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
// Under spmd a block does nothing for a KV step past its sequence's end (under
// split-KV, past its part's end), so no block-table entry beyond the
// sequence's blocks is ever read.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

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

} // namespace

/// Runs `body` for this kernel's tile: under spmd, at offsets computed from the
/// block index and only while the KV step is inside the sequence; under
/// per-tile, at offset 0 of the views the orchestration passed.
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
  BlockPosition pos = kb.blockPosition();
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
    ops.cacheOffset = ib.mul(ib.add(ib.mul(block, ib.constant(geo.blockSize * geo.numKvHeads)),
                                    pos.kvHead),
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
    Value queryMat = kb.declare(queryMatType);
    Value queryLoad = queryMat;
    if (rows != q)
      queryLoad = aicore::TileAliasOp::create(b, loc, kb.withValid(queryMatType, rows, d),
                                              queryMat, rowOperands);
    // ZN: the layout a DN (transposed) load produces.
    Value keyMat = kb.declare(kb.matTile(d, bs, element, BLayout::RowMajor, SLayout::ColMajor));
    emitCubeMatmul(kb, query, queryLoad, queryMat, keyT, keyMat, keyMat, scores);
  });
}

void assign_cores::buildPVMatmulKernel(KernelBuilder &kb) {
  OpBuilder &b = kb.b;
  const TileGeometry &geo = kb.shape.geo;
  const int64_t q = geo.queryTile, d = geo.headDim, bs = geo.blockSize;
  Type element = kb.shape.element, f32 = b.getF32Type();

  forEachCubeTile(kb, [&](const CubeOperands &ops) {
    Value probs = kb.view(kb.tensorPtr(Role::Probs, element), tileOffset(kb, ops.tileIndex, bs),
                          kb.regionType(q, bs, bs, element));
    Value value = kb.view(kb.tensorPtr(Role::ValueCache, element), ops.cacheOffset,
                          kb.regionType(ShapedType::kDynamic, d, geo.numKvHeads * d, element),
                          ops.liveRows);
    Value out = kb.view(kb.tensorPtr(Role::BlockOut, f32), tileOffset(kb, ops.tileIndex, d),
                        kb.regionType(q, d, d, f32));

    Value probsMat = kb.declare(kb.nzMatTile(q, bs, element));
    TileType valueMatType = kb.withPad(kb.nzMatTile(bs, d, element), PadValue::Zero);
    Value valueMat = kb.declare(valueMatType);
    Value liveValue = aicore::TileAliasOp::create(
        b, kb.loc, kb.withValid(valueMatType, ShapedType::kDynamic, d), valueMat, ops.liveRows);
    emitCubeMatmul(kb, probs, probsMat, probsMat, value, liveValue, valueMat, out);
  });
}
