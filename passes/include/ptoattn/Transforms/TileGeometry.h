//===- TileGeometry.h - how a paged-attention problem is tiled ----*- C++ -*-===//
//
// The query-tile layout shared by attn-tile (which builds the loop nest) and
// the SPMD kernels of attn-assign-cores (which find their tile from the block
// index; attn-orchestrate lowers the nest's own slices): query tile t
// of KV head g covers heads [g * group + t * q_tile, + rows), where rows is the
// whole group, the whole tile, or min(q_tile, group - t * q_tile) when a group
// splits into tiles of unequal size.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_TRANSFORMS_TILEGEOMETRY_H
#define PTOATTN_TRANSFORMS_TILEGEOMETRY_H

#include "ptoattn/Target/A2A3.h"
#include "ptoattn/Transforms/IndexBuilder.h"

#include "mlir/IR/OpDefinition.h"

namespace mlir::ptoattn {

/// Static sizes of the tiled loop nest for one paged-attention problem.
struct TileGeometry {
  int64_t numHeads;
  int64_t numKvHeads;
  int64_t headDim;
  int64_t blockSize;
  int64_t groupSize;
  int64_t queryTile;
  int64_t tilesPerGroup;
  /// Consecutive cache blocks of a sequence one KV step covers
  /// (`kv-blocks-per-task`); a step's scores are q_tile x (blocks * block_size).
  int64_t blocksPerStep = 1;

  static TileGeometry get(int64_t numHeads, int64_t numKvHeads, int64_t headDim, int64_t blockSize,
                          int64_t queryTile) {
    int64_t group = numHeads / numKvHeads;
    return {numHeads,
            numKvHeads,
            headDim,
            blockSize,
            group,
            queryTile,
            target::getQueryTilesPerGroup(group, queryTile)};
  }

  /// Whether a KV step covers several cache blocks.
  bool isMultiBlock() const { return blocksPerStep > 1; }
  /// Positions (score columns) one KV step covers.
  int64_t getStepColumns() const { return blocksPerStep * blockSize; }
  /// Positions of step `step` below `length`: min(length - step * columns,
  /// columns) (at least 1 for a step the sequence has).
  Value buildStepPositions(IndexBuilder &ib, Value length, Value step) const {
    Value columns = ib.constant(getStepColumns());
    return ib.min(ib.sub(length, ib.mul(step, columns)), columns);
  }

  /// Heads in a tile are static unless the group is split into tiles of
  /// unequal size (e.g. 40 heads in 16-row tiles: 16, 16, 8).
  bool hasStaticRowCount() const { return tilesPerGroup == 1 || groupSize % queryTile == 0; }
  int64_t getStaticRowCount() const { return tilesPerGroup == 1 ? groupSize : queryTile; }

  /// Query tiles (SPMD blocks) per sequence.
  int64_t getTilesPerSequence() const { return numKvHeads * tilesPerGroup; }

  /// First head of tile `tile` of KV head `kvHead`.
  Value buildFirstHead(IndexBuilder &ib, Value kvHead, Value tile) const {
    return ib.add(ib.mul(kvHead, ib.constant(groupSize)), ib.mul(tile, ib.constant(queryTile)));
  }

  /// Real (unpadded) rows of tile `tile`: a constant, or a value when the group
  /// splits unevenly.
  OpFoldResult buildRowCount(IndexBuilder &ib, Value tile) const {
    if (hasStaticRowCount())
      return ib.b.getIndexAttr(getStaticRowCount());
    return ib.min(ib.constant(queryTile),
                  ib.sub(ib.constant(groupSize), ib.mul(tile, ib.constant(queryTile))));
  }
};

} // namespace mlir::ptoattn

#endif // PTOATTN_TRANSFORMS_TILEGEOMETRY_H
