//===- VectorKernels.cpp - softmax_prepare and online_update (2 x AIV) ----===//
//
// Both vector stages run on the two AIV lanes of a cluster (a MIX task naming
// the kernel in both AIV slots); lane `get_sub_block_id` takes rows
// [lane * q_tile/2, (lane + 1) * q_tile/2) of the query tile. Per-row scalars
// (m, l) live in GM in one slot per lane, padded so the lanes never share a
// 64-byte line.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/Support/MathExtras.h"

#include <functional>

using namespace mlir;
using namespace mlir::ptoattn;
using namespace mlir::ptoattn::assign_cores;
using aicore::PadValue;
using aicore::TileLocation;
using aicore::TileType;
using Role = abi::TensorRole;
using Scalar = abi::ScalarRole;

LaneRegion assign_cores::laneRegion(KernelBuilder &kb, Value tileIndex, Value lane) {
  IndexBuilder &ib = kb.ib;
  const int64_t rows = kb.shape.laneRows(), lanes = target::kVectorLanes;
  return {ib.add(ib.mul(tileIndex, ib.constant(kb.shape.geo.queryTile)),
                 ib.mul(lane, ib.constant(rows))),
          ib.mul(ib.add(ib.mul(tileIndex, ib.constant(lanes)), lane),
                 ib.constant(kb.shape.laneSlot()))};
}

Value assign_cores::columnView(KernelBuilder &kb, Role role, Value slot) {
  int64_t rows = kb.shape.laneRows();
  return kb.view(kb.tensorPtr(role, kb.b.getF32Type()), slot,
                 kb.regionType(rows, 1, rows, kb.b.getF32Type(), /*transposed=*/true));
}

/// Runs `body(tileIndex, positions)` for this vector task's KV step: the
/// step's positions below the context length, under spmd only while the step
/// is inside the sequence.
static void forEachVectorStep(KernelBuilder &kb, function_ref<void(Value, Value)> body) {
  IndexBuilder &ib = kb.ib;
  if (!kb.shape.isSpmd()) {
    body(ib.constant(0), kb.scalarIndex(Scalar::ValidCols));
    return;
  }
  BlockPosition pos = kb.enterTileLoop();
  Value step = kb.scalarIndex(Scalar::KvStep);
  KvSteps kv = kb.kvSteps(pos, step);
  kb.ifThen(ib.less(step, kv.numSteps), [&] { body(pos.block, kb.stepPositions(kv, step)); });
}

/// Most blocks a UB-resident softmax_prepare keeps. Its blocks are unrolled
/// (each has a tile of its own) into two chains of nested scf.ifs, so a
/// kernel has about N^2 control-flow paths, which aicore-verify-sync
/// enumerates up to 4096.
static constexpr int64_t kMaxResidentBlocks = 32;

/// The UB tiles of one lane of a multi-block softmax_prepare.
struct MultiBlockSoftmaxTiles {
  /// Scores of a block, scaled and masked (-inf pad): the step's blocks
  /// each have one when resident, else one is reused block after block.
  aicore::TileType scores;
  /// Row-reduction scratch and P rounded back to f32, block-sized f32.
  aicore::TileType scratch;
  /// P of one block in the element type; two when resident, so that the
  /// store of block i overlaps the conversion of block i + 1.
  aicore::TileType probs;
  /// Per-row max and sum columns, of the block and of the step.
  aicore::TileType column;
  static constexpr int64_t kColumns = 4;

  /// Bytes these tiles take with `scoreTiles` score tiles and `probTiles`
  /// P tiles, each at the target's tile alignment (the planner can only
  /// need less: it reuses the bytes of tiles that are not live together).
  int64_t getBytes(int64_t scoreTiles, int64_t probTiles) const {
    auto bytes = [](aicore::TileType type) {
      return static_cast<int64_t>(llvm::alignTo(type.getSizeInBytes(), target::kTileAlignBytes));
    };
    return scoreTiles * bytes(scores) + 2 * bytes(scratch) + probTiles * bytes(probs) +
           kColumns * bytes(column);
  }
};

/// softmax_prepare over a step of several blocks. When the lane's scaled
/// scores for the whole step fit UB next to the other tiles (and the step
/// has at most kMaxResidentBlocks blocks), they stay resident: each block is
/// loaded once into a tile of its own (scale, mask, row max), then P =
/// exp(S - m) is computed block by block from UB, rounded, stored and summed.
/// Otherwise, one cache block of columns at a time so that UB holds the same
/// tiles as for one block whatever the step's width: a first pass takes the
/// row max over the step's blocks, a second reloads the scores to compute P.
/// Both apply the same operations in the same order to every element, so
/// their results are bit-identical; the resident one reads the scores from
/// GM once instead of twice. Only the step's blocks are read; columns past
/// the context are masked as for one block.
static void buildMultiBlockSoftmaxPrepare(KernelBuilder &kb) {
  OpBuilder &b = kb.b;
  IndexBuilder &ib = kb.ib;
  Location loc = kb.loc;
  const TileGeometry &geo = kb.shape.geo;
  const int64_t rows = kb.shape.laneRows(), bs = geo.blockSize, cols = geo.getStepColumns();
  const int64_t stepBlocks = geo.blocksPerStep;
  Type element = kb.shape.element, f32 = b.getF32Type();

  TileType full = kb.tileType(TileLocation::Vec, rows, bs, f32);
  MultiBlockSoftmaxTiles tiles{kb.withPad(full, PadValue::Min), full,
                               kb.tileType(TileLocation::Vec, rows, bs, element),
                               kb.columnTile(rows)};
  const target::TargetInfo &targetInfo =
      aicore::getTargetInfo(b.getInsertionBlock()->getParentOp());
  const bool resident =
      stepBlocks <= kMaxResidentBlocks &&
      tiles.getBytes(stepBlocks, 2) <= targetInfo.getUsableBytes(target::Buffer::UB);

  forEachVectorStep(kb, [&](Value tileIndex, Value positions) {
    Value lane = aicore::GetSubBlockIdOp::create(b, loc, b.getIndexType());
    LaneRegion region = laneRegion(kb, tileIndex, lane);
    Value rowOffset = ib.mul(region.firstRow, ib.constant(cols));
    Value scale = kb.scalarF32(Scalar::Scale);
    Value numBlocks = ib.ceilDiv(positions, ib.constant(bs));
    Value scoresPtr = kb.tensorPtr(Role::Scores, f32);
    Value probsPtr = kb.tensorPtr(Role::Probs, element);

    TileType validType = kb.withValid(tiles.scores, rows, ShapedType::kDynamic);
    // Resident tiles are named by the block they hold, double buffers by
    // their index.
    auto indexed = [&](StringRef name, int64_t i, int64_t count) {
      return count == 1 ? name.str() : (name + "_" + Twine(i)).str();
    };
    const int64_t scoreTiles = resident ? stepBlocks : 1, probsTiles = resident ? 2 : 1;
    SmallVector<Value> xs;
    for (int64_t i = 0; i < scoreTiles; ++i)
      xs.push_back(kb.declare(indexed("scores_tile", i, scoreTiles), tiles.scores));
    Value tmp = kb.declare(tiles.scratch);
    Value blockMax = kb.declare("block_row_max", tiles.column);
    Value rowMax = kb.declare("row_max", tiles.column);
    Value blockSum = kb.declare("block_row_sum", tiles.column);
    Value rowSum = kb.declare("row_sum", tiles.column);
    Value blockMaxRow = aicore::TReshapeOp::create(b, loc, kb.rowTile(rows), blockMax);
    Value rowMaxRow = aicore::TReshapeOp::create(b, loc, kb.rowTile(rows), rowMax);
    Value blockSumRow = aicore::TReshapeOp::create(b, loc, kb.rowTile(rows), blockSum);
    Value rowSumRow = aicore::TReshapeOp::create(b, loc, kb.rowTile(rows), rowSum);
    SmallVector<Value> ps;
    for (int64_t i = 0; i < probsTiles; ++i)
      ps.push_back(kb.declare(indexed("probs_tile", i, probsTiles), tiles.probs));
    Value pRounded = kb.declare("probs_f32", tiles.scratch);

    // Block i's valid scores into tile xs[t], scaled, then masked to -inf
    // past the context (scaling after the mask would turn -inf into NaN or +inf).
    auto loadScaled = [&](Value i, int64_t t) {
      Value x = xs[t];
      Value start = ib.mul(i, ib.constant(bs));
      Value valid = ib.min(ib.sub(positions, start), ib.constant(bs));
      Value scores = kb.view(scoresPtr, ib.add(rowOffset, start),
                             kb.regionType(rows, ShapedType::kDynamic, cols, f32), valid);
      Value s = aicore::TileAliasOp::create(b, kb.named(indexed("scores_valid", t, scoreTiles)),
                                            validType, x, valid);
      aicore::TLoadOp::create(b, loc, scores, s);
      aicore::TMulSOp::create(b, loc, s, scale, s);
      aicore::TFillPadInplaceOp::create(b, loc, s, x);
    };
    auto accumulateMax = [&](Value x) {
      aicore::TRowMaxOp::create(b, loc, x, blockMax, tmp);
      aicore::TMaxOp::create(b, loc, rowMaxRow, blockMaxRow, rowMaxRow);
    };
    // P of block i from its masked scores `x` (overwritten), into `p`.
    auto storeProbs = [&](Value i, Value x, Value p) {
      aicore::TRowExpandSubOp::create(b, loc, x, rowMax, x, /*tmp=*/Value());
      aicore::TExpOp::create(b, loc, x, x);
      aicore::TCvtOp::create(
          b, loc, aicore::RoundModeAttr::get(b.getContext(), aicore::RoundMode::Rint), x, p);
      aicore::TCvtOp::create(
          b, loc, aicore::RoundModeAttr::get(b.getContext(), aicore::RoundMode::None), p, pRounded);
      aicore::TRowSumOp::create(b, loc, pRounded, blockSum, tmp);
      aicore::TAddOp::create(b, loc, rowSumRow, blockSumRow, rowSumRow);
      aicore::TStoreOp::create(b, loc, p,
                               kb.view(probsPtr, ib.add(rowOffset, ib.mul(i, ib.constant(bs))),
                                       kb.regionType(rows, bs, cols, element)));
    };

    fillTile(kb, rowMaxRow, kRowMaxSentinel);
    if (resident) {
      // Unrolled, block i in tile xs[i]: block 0 (a step holds at least one),
      // then block i + 1 nested in an scf.if inside block i's, so that a
      // kernel has N paths per pass rather than 2^N and each chain is one
      // instruction for aicore-insert-sync at the top level.
      std::function<void(int64_t, function_ref<void(int64_t, Value)>)> forEachBlock =
          [&](int64_t i, function_ref<void(int64_t, Value)> body) {
            Value index = ib.constant(i);
            body(i, index);
            if (i + 1 == stepBlocks)
              return;
            kb.ifThen(ib.less(ib.constant(i + 1), numBlocks), [&] { forEachBlock(i + 1, body); });
          };
      forEachBlock(0, [&](int64_t i, Value index) {
        loadScaled(index, i);
        accumulateMax(xs[i]);
      });
      fillTile(kb, rowSumRow, 0.0f);
      forEachBlock(0, [&](int64_t i, Value index) { storeProbs(index, xs[i], ps[i % 2]); });
    } else {
      kb.forLoop(numBlocks, [&](Value i) {
        loadScaled(i, 0);
        accumulateMax(xs[0]);
      });
      fillTile(kb, rowSumRow, 0.0f);
      kb.forLoop(numBlocks, [&](Value i) {
        loadScaled(i, 0);
        storeProbs(i, xs[0], ps[0]);
      });
    }
    aicore::TStoreOp::create(b, loc, rowMax, columnView(kb, Role::BlockMax, region.slot));
    aicore::TStoreOp::create(b, loc, rowSum, columnView(kb, Role::BlockSum, region.slot));
  });
}

void assign_cores::buildSoftmaxPrepareKernel(KernelBuilder &kb) {
  if (kb.shape.geo.isMultiBlock())
    return buildMultiBlockSoftmaxPrepare(kb);
  OpBuilder &b = kb.b;
  IndexBuilder &ib = kb.ib;
  Location loc = kb.loc;
  const TileGeometry &geo = kb.shape.geo;
  const int64_t rows = kb.shape.laneRows(), bs = geo.blockSize;
  Type element = kb.shape.element, f32 = b.getF32Type();

  auto body = [&](Value tileIndex, Value validCols) {
    Value lane = aicore::GetSubBlockIdOp::create(b, loc, b.getIndexType());
    LaneRegion region = laneRegion(kb, tileIndex, lane);
    Value rowOffset = ib.mul(region.firstRow, ib.constant(bs));
    Value scale = kb.scalarF32(Scalar::Scale);
    Value scores = kb.view(kb.tensorPtr(Role::Scores, f32), rowOffset,
                           kb.regionType(rows, ShapedType::kDynamic, bs, f32), validCols);
    Value probs = kb.view(kb.tensorPtr(Role::Probs, element), rowOffset,
                          kb.regionType(rows, bs, bs, element));
    Value maxView = columnView(kb, Role::BlockMax, region.slot);
    Value sumView = columnView(kb, Role::BlockSum, region.slot);

    TileType full = kb.tileType(TileLocation::Vec, rows, bs, f32);
    // Only the valid columns are loaded and scaled; the same bytes seen with a
    // -inf pad value are then masked by tfillpad_inplace, so exp() makes them
    // exactly 0. Scaling after the mask would turn -inf into NaN (scale 0) or
    // +inf (a negative scale).
    Value s = kb.declare(kb.withValid(full, rows, ShapedType::kDynamic), validCols);
    Value x = aicore::TileAliasOp::create(b, loc, kb.withPad(full, PadValue::Min), s, ValueRange());
    Value tmp = kb.declare(full);
    Value rowMax = kb.declare(kb.columnTile(rows));
    Value rowSum = kb.declare(kb.columnTile(rows));
    Value p = kb.declare(kb.tileType(TileLocation::Vec, rows, bs, element));
    // P rounded back to f32: the row sum is taken over the values PV multiplies.
    Value pRounded = kb.declare(full);

    aicore::TLoadOp::create(b, loc, scores, s);
    aicore::TMulSOp::create(b, loc, s, scale, s);
    aicore::TFillPadInplaceOp::create(b, loc, s, x);
    aicore::TRowMaxOp::create(b, loc, x, rowMax, tmp);
    aicore::TRowExpandSubOp::create(b, loc, x, rowMax, x, /*tmp=*/Value());
    aicore::TExpOp::create(b, loc, x, x);
    aicore::TCvtOp::create(
        b, loc, aicore::RoundModeAttr::get(b.getContext(), aicore::RoundMode::Rint), x, p);
    aicore::TCvtOp::create(
        b, loc, aicore::RoundModeAttr::get(b.getContext(), aicore::RoundMode::None), p, pRounded);
    aicore::TRowSumOp::create(b, loc, pRounded, rowSum, tmp);
    aicore::TStoreOp::create(b, loc, p, probs);
    aicore::TStoreOp::create(b, loc, rowMax, maxView);
    aicore::TStoreOp::create(b, loc, rowSum, sumView);
  };

  forEachVectorStep(kb, body);
}

void assign_cores::buildOnlineUpdateKernel(KernelBuilder &kb) {
  OpBuilder &b = kb.b;
  IndexBuilder &ib = kb.ib;
  Location loc = kb.loc;
  const TileGeometry &geo = kb.shape.geo;
  const int64_t rows = kb.shape.laneRows(), d = geo.headDim;
  Type f32 = b.getF32Type();
  // Split-KV: the chain's state stays in the accumulators for the merge.
  const bool split = kb.shape.isSplitKv();

  // The step, the chain's step count and its buffers' index, per strategy.
  Value step = kb.scalarIndex(Scalar::KvStep);
  Value numSteps, tileIndex;
  OutputRows output;
  if (kb.shape.isSpmd()) {
    BlockPosition pos = kb.enterTileLoop();
    numSteps = kb.kvSteps(pos, step).numSteps;
    tileIndex = pos.block;
    if (!split)
      output = outputRows(kb, pos);
  } else {
    numSteps = kb.scalarIndex(Scalar::NumSteps);
    tileIndex = ib.constant(0);
    if (!split)
      output = outputRows(kb, {});
  }

  Value lane = aicore::GetSubBlockIdOp::create(b, loc, b.getIndexType());
  LaneRegion region = laneRegion(kb, tileIndex, lane);
  LaneOutput laneOut;
  if (!split)
    laneOut = laneOutput(kb, output, lane);
  Value rowOffset = ib.mul(region.firstRow, ib.constant(d));

  TileType rowsTile = kb.tileType(TileLocation::Vec, rows, d, f32);
  Value out = kb.declare(rowsTile);
  auto storeRealRows = [&] { storeLaneRows(kb, laneOut, out); };
  auto fill = [&](Value tile, float value) { fillTile(kb, tile, value); };

  kb.ifThenElse(
      ib.less(step, numSteps),
      [&] {
        Value blockOut = kb.declare(rowsTile);
        // Per-row scalars as DN columns, seen as 1 x rows rows for element-wise ops.
        auto column = [&](StringRef name) { return kb.declare(name, kb.columnTile(rows)); };
        // Unnamed ones take the name of the argument they are loaded from.
        Value mBlock = column(""), lBlock = column(""), m = column(""), l = column(""),
              mNew = column("new_max"), alpha = column("alpha"), beta = column("beta");
        auto row = [&](Value col) -> Value {
          return aicore::TReshapeOp::create(b, loc, kb.rowTile(rows), col);
        };
        Value mBlockRow = row(mBlock), lBlockRow = row(lBlock), mRow = row(m), lRow = row(l),
              mNewRow = row(mNew), alphaRow = row(alpha), betaRow = row(beta);
        Value lScaled = kb.declare("block_sum_scaled", kb.rowTile(rows));

        aicore::TLoadOp::create(b, loc, columnView(kb, Role::BlockMax, region.slot), mBlock);
        aicore::TLoadOp::create(b, loc, columnView(kb, Role::BlockSum, region.slot), lBlock);
        aicore::TLoadOp::create(
            b, loc,
            kb.view(kb.tensorPtr(Role::BlockOut, f32), rowOffset, kb.regionType(rows, d, d, f32)),
            blockOut);
        Value accOutView = accOutRows(kb, rowOffset);
        Value accMaxView = columnView(kb, Role::AccMax, region.slot);
        Value accSumView = columnView(kb, Role::AccSum, region.slot);
        // The first step starts from (m, l, O) = (-1e30, 0, 0) instead of the
        // accumulators, which hold nothing yet.
        kb.ifThenElse(
            ib.equal(step, ib.constant(0)),
            [&] {
              fill(mRow, kRowMaxSentinel);
              fill(lRow, 0.0f);
              fill(out, 0.0f);
            },
            [&] {
              aicore::TLoadOp::create(b, loc, accMaxView, m);
              aicore::TLoadOp::create(b, loc, accSumView, l);
              aicore::TLoadOp::create(b, loc, accOutView, out);
            });
        // m' = max(m, m_i); alpha = exp(m - m'); beta = exp(m_i - m');
        // l' = alpha l + beta l_i; O' = alpha O + beta O_i.
        aicore::TMaxOp::create(b, loc, mRow, mBlockRow, mNewRow);
        aicore::TSubOp::create(b, loc, mRow, mNewRow, alphaRow);
        aicore::TExpOp::create(b, loc, alphaRow, alphaRow);
        aicore::TSubOp::create(b, loc, mBlockRow, mNewRow, betaRow);
        aicore::TExpOp::create(b, loc, betaRow, betaRow);
        aicore::TMulOp::create(b, loc, alphaRow, lRow, lRow);
        aicore::TMulOp::create(b, loc, betaRow, lBlockRow, lScaled);
        aicore::TAddOp::create(b, loc, lRow, lScaled, lRow);
        aicore::TRowExpandMulOp::create(b, loc, out, alpha, out, Value());
        aicore::TRowExpandMulOp::create(b, loc, blockOut, beta, blockOut, Value());
        aicore::TAddOp::create(b, loc, out, blockOut, out);
        auto storeState = [&] {
          aicore::TStoreOp::create(b, loc, mNew, accMaxView);
          aicore::TStoreOp::create(b, loc, l, accSumView);
          aicore::TStoreOp::create(b, loc, out, accOutView);
        };
        if (split) {
          storeState(); // un-normalised, also at the part's last step
          return;
        }
        kb.ifThenElse(
            ib.equal(ib.add(step, ib.constant(1)), numSteps),
            [&] {
              aicore::TRowExpandDivOp::create(b, loc, out, l, out, Value());
              storeRealRows();
            },
            storeState);
      },
      [&] {
        // An empty sequence gets its zero rows once, from its step-0 task;
        // under split-KV an empty part its initial state, which the merge
        // weighs 0 (or turns into zero rows when every part is empty).
        Value empty = arith::AndIOp::create(b, loc, ib.equal(numSteps, ib.constant(0)),
                                            ib.equal(step, ib.constant(0)));
        kb.ifThen(empty, [&] {
          if (split) {
            Value m = kb.declare(kb.columnTile(rows)), l = kb.declare(kb.columnTile(rows));
            fill(aicore::TReshapeOp::create(b, loc, kb.rowTile(rows), m), kRowMaxSentinel);
            fill(aicore::TReshapeOp::create(b, loc, kb.rowTile(rows), l), 0.0f);
            fill(out, 0.0f);
            aicore::TStoreOp::create(b, loc, m, columnView(kb, Role::AccMax, region.slot));
            aicore::TStoreOp::create(b, loc, l, columnView(kb, Role::AccSum, region.slot));
            aicore::TStoreOp::create(b, loc, out, accOutRows(kb, rowOffset));
            return;
          }
          fill(out, 0.0f);
          storeRealRows();
        });
      });
}

OutputRows assign_cores::outputRows(KernelBuilder &kb, std::optional<BlockPosition> pos) {
  IndexBuilder &ib = kb.ib;
  const TileGeometry &geo = kb.shape.geo;
  if (pos) {
    OpFoldResult rows = geo.buildRowCount(ib, pos->tile);
    Value firstHead = geo.buildFirstHead(ib, pos->kvHead, pos->tile);
    return {rows, ib.mul(ib.add(ib.mul(pos->seq, ib.constant(geo.numHeads)), firstHead),
                         ib.constant(geo.headDim))};
  }
  OpFoldResult rows = geo.hasStaticRowCount()
                          ? OpFoldResult(kb.b.getIndexAttr(geo.getStaticRowCount()))
                          : OpFoldResult(kb.tensorDim(Role::Out, 1));
  return {rows, ib.constant(0)};
}

LaneOutput assign_cores::laneOutput(KernelBuilder &kb, const OutputRows &output, Value lane) {
  IndexBuilder &ib = kb.ib;
  OpBuilder &b = kb.b;
  const int64_t rows = kb.shape.laneRows(), d = kb.shape.geo.headDim;
  Type f32 = b.getF32Type();
  Value laneFirstRow = ib.mul(lane, ib.constant(rows));
  // Rows of this lane that are real heads: clamp(tile rows - lane * rows, 0, rows).
  Value realRows =
      ib.max(ib.min(ib.sub(getValueOrCreateConstantIndexOp(b, kb.loc, output.rows), laneFirstRow),
                    ib.constant(rows)),
             ib.constant(0));
  Value view = kb.view(kb.tensorPtr(Role::Out, f32),
                       ib.add(output.offset, ib.mul(laneFirstRow, ib.constant(d))),
                       kb.regionType(ShapedType::kDynamic, d, d, f32), realRows);
  return {realRows, view};
}

void assign_cores::storeLaneRows(KernelBuilder &kb, const LaneOutput &laneOut, Value tile) {
  IndexBuilder &ib = kb.ib;
  const int64_t d = kb.shape.geo.headDim;
  auto type = cast<TileType>(tile.getType());
  kb.ifThen(ib.less(ib.constant(0), laneOut.realRows), [&] {
    Value real = aicore::TileAliasOp::create(
        kb.b, kb.loc, kb.withValid(type, ShapedType::kDynamic, d), tile, laneOut.realRows);
    aicore::TStoreOp::create(kb.b, kb.loc, real, laneOut.view);
  });
}

void assign_cores::fillTile(KernelBuilder &kb, Value tile, float value) {
  aicore::TExpandSOp::create(
      kb.b, kb.loc, arith::ConstantOp::create(kb.b, kb.loc, kb.b.getF32FloatAttr(value)), tile);
}

Value assign_cores::accOutRows(KernelBuilder &kb, Value rowOffset) {
  const int64_t rows = kb.shape.laneRows(), d = kb.shape.geo.headDim;
  Type f32 = kb.b.getF32Type();
  return kb.view(kb.tensorPtr(Role::AccOut, f32), rowOffset, kb.regionType(rows, d, d, f32));
}
