//===- MergeKernel.cpp - merge_partials: the split-KV merge (2 x AIV) -----===//
//
// Split-KV runs each part of a sequence's KV range as its own chain, which
// leaves the part's un-normalised state (m_s, l_s, O_s) in the accumulators:
// tile t's part s at buffer index t * parts + s. This kernel merges a tile's
// parts with the log-sum-exp rescaling and writes the normalised output rows:
//
//   M = max_s m_s,  w_s = exp(m_s - M),
//   out = (sum_s w_s O_s) / max(sum_s w_s l_s, 1)
//
// An empty part holds (-1e30, 0, 0) and weighs exp(-1e30 - M) = 0 next to a
// non-empty one. The sum is >= 1 whenever a part is non-empty (the part
// holding the row max has w = 1 and l >= 1), so the clamp only turns an
// all-empty row (length 0) from 0/0 into 0. Both AIV lanes run it, each on
// its half of the rows, as the other vector stages do.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::ptoattn;
using namespace mlir::ptoattn::assign_cores;
using aicore::TileLocation;
using aicore::TileType;
using Role = abi::TensorRole;

void assign_cores::buildMergePartialsKernel(KernelBuilder &kb) {
  OpBuilder &b = kb.b;
  IndexBuilder &ib = kb.ib;
  Location loc = kb.loc;
  const int64_t rows = kb.shape.laneRows(), d = kb.shape.geo.headDim;
  const int64_t parts = kb.shape.kvSplits;
  Type f32 = b.getF32Type();

  // Under spmd one block per tile; under per-tile the views of one tile.
  Value tileIndex;
  OutputRows output;
  if (kb.shape.isSpmd()) {
    BlockPosition pos = kb.enterTileLoop();
    tileIndex = pos.block;
    output = outputRows(kb, pos);
  } else {
    tileIndex = ib.constant(0);
    output = outputRows(kb, std::nullopt);
  }
  Value lane = aicore::GetSubBlockIdOp::create(b, loc, b.getIndexType());
  LaneOutput laneOut = laneOutput(kb, output, lane);

  auto column = [&](StringRef name) { return kb.declare(name, kb.columnTile(rows)); };
  auto row = [&](Value col) -> Value {
    return aicore::TReshapeOp::create(b, loc, kb.rowTile(rows), col);
  };
  Value maxAll = column("max_all"), partMax = column("part_max"), partSum = column("part_sum"),
        weight = column("weight"), sum = column("sum"), floor = column("sum_floor");
  Value maxAllRow = row(maxAll), partMaxRow = row(partMax), partSumRow = row(partSum),
        weightRow = row(weight), sumRow = row(sum), floorRow = row(floor);
  TileType rowsTile = kb.tileType(TileLocation::Vec, rows, d, f32);
  Value out = kb.declare("merged_out", rowsTile), partOut = kb.declare(rowsTile);

  // The lane's region of part `part` of this tile.
  auto partRegion = [&](int64_t part) {
    return laneRegion(kb, ib.add(ib.mul(tileIndex, ib.constant(parts)), ib.constant(part)), lane);
  };

  // M = max_s m_s.
  aicore::TLoadOp::create(b, loc, columnView(kb, Role::AccMax, partRegion(0).slot), maxAll);
  for (int64_t part = 1; part < parts; ++part) {
    aicore::TLoadOp::create(b, loc, columnView(kb, Role::AccMax, partRegion(part).slot), partMax);
    aicore::TMaxOp::create(b, loc, maxAllRow, partMaxRow, maxAllRow);
  }
  // L = sum_s w_s l_s; O = sum_s w_s O_s.
  fillTile(kb, sumRow, 0.0f);
  fillTile(kb, out, 0.0f);
  for (int64_t part = 0; part < parts; ++part) {
    LaneRegion region = partRegion(part);
    aicore::TLoadOp::create(b, loc, columnView(kb, Role::AccMax, region.slot), partMax);
    aicore::TLoadOp::create(b, loc, columnView(kb, Role::AccSum, region.slot), partSum);
    aicore::TLoadOp::create(b, loc, accOutRows(kb, ib.mul(region.firstRow, ib.constant(d))),
                            partOut);
    aicore::TSubOp::create(b, loc, partMaxRow, maxAllRow, weightRow);
    aicore::TExpOp::create(b, loc, weightRow, weightRow);
    aicore::TMulOp::create(b, loc, weightRow, partSumRow, partSumRow);
    aicore::TAddOp::create(b, loc, sumRow, partSumRow, sumRow);
    aicore::TRowExpandMulOp::create(b, loc, partOut, weight, partOut, Value());
    aicore::TAddOp::create(b, loc, out, partOut, out);
  }
  // out = O / max(L, 1).
  fillTile(kb, floorRow, 1.0f);
  aicore::TMaxOp::create(b, loc, sumRow, floorRow, sumRow);
  aicore::TRowExpandDivOp::create(b, loc, out, sum, out, Value());
  storeLaneRows(kb, laneOut, out);
}
