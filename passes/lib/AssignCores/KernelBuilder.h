//===- KernelBuilder.h - building aicore kernel bodies ------------*- C++ -*-===//
//
// Helpers shared by the cube and vector kernels of attn-assign-cores: argument
// access in KernelABI order, the SPMD position of a block, tile and GM-view
// declarations, and structured control flow. Every kernel is built for one
// strategy; the helpers hide the difference in addressing (whole tensors plus
// computed offsets under spmd, views at offset 0 under per-tile).
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_PASSES_ASSIGNCORES_KERNELBUILDER_H
#define PTOATTN_PASSES_ASSIGNCORES_KERNELBUILDER_H

#include "ptoattn/Dialect/AICore/IR/AICore.h"
#include "ptoattn/Transforms/IndexBuilder.h"
#include "ptoattn/Transforms/KernelABI.h"
#include "ptoattn/Transforms/TileGeometry.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::ptoattn::assign_cores {

/// The static facts every kernel of one paged-attention function is built from.
struct KernelShape {
  TileGeometry geo;
  /// Element type of query, caches and probabilities (bf16 or f16).
  Type element;
  abi::Strategy strategy;
  /// Split-KV parts per sequence (1: no split).
  int64_t kvSplits = 1;
  /// Sequences of the launch (ShapedType::kDynamic: read from the lengths'
  /// or the output's descriptor at run time).
  int64_t batch = ShapedType::kDynamic;

  int64_t laneRows() const { return geo.queryTile / target::kVectorLanes; }
  int64_t laneSlot() const { return abi::getLaneSlotFloats(geo.queryTile); }
  bool isSpmd() const { return strategy == abi::Strategy::Spmd; }
  bool isSplitKv() const { return kvSplits > 1; }
};

/// One tile an SPMD block works on: its linear index `block` among the
/// launch's tiles (the index of its buffers) and its (sequence, KV head, query
/// tile) coordinates; under split-KV, a chain's tile `block` is part `part` of
/// query tile `block / parts`.
struct BlockPosition {
  Value block;
  Value seq;
  Value kvHead;
  Value tile;
  Value part;
};

/// The KV blocks of one chain (spmd): the sequence's length, the sequence's
/// step index at the kernel's KV step and the chain's number of steps. A
/// split part stepped several blocks at a time has no sequence step index
/// (its steps start at the part's first block): `partFirstBlock` and
/// `partBlocks` are set instead.
struct KvSteps {
  Value length;
  Value seqStep;
  Value numSteps;
  Value partFirstBlock;
  Value partBlocks;
};

/// Builds the body of one kernel function at the builder's insertion point.
class KernelBuilder {
public:
  KernelBuilder(OpBuilder &b, Location loc, const KernelShape &shape, abi::Stage stage)
      : b(b), ib{b, loc}, loc(loc), shape(shape),
        sig(abi::getKernelSignature(stage, shape.strategy, shape.isSplitKv(),
                                    shape.geo.isMultiBlock())) {}

  OpBuilder &b;
  IndexBuilder ib;
  Location loc;
  const KernelShape &shape;
  abi::KernelSignature sig;

  //===--- Arguments ------------------------------------------------------===//

  /// Element pointer of tensor argument `role` (`buffer.addr + start_offset`).
  Value tensorPtr(abi::TensorRole role, Type element);
  /// Runtime extent of dim `dim` of tensor argument `role`.
  Value tensorDim(abi::TensorRole role, int64_t dim);
  /// Scalar argument `role` (an i64) as an index.
  Value scalarIndex(abi::ScalarRole role);
  /// Scalar argument `role` as the f32 its low 32 bits hold.
  Value scalarF32(abi::ScalarRole role);

  //===--- SPMD position and paging (spmd strategy) -----------------------===//

  /// The coordinates of the launch's tile `index`.
  BlockPosition blockPosition(Value index);
  /// Tiles of this kernel's launch: (sequence, KV head, query tile) and,
  /// for a split-KV chain, its parts.
  Value tileCount();
  /// Builds this block's grid-stride loop over its tiles, an `scf.for` from
  /// `get_block_idx` to tileCount() in steps of `get_block_num`, and moves the
  /// insertion point into its body: the rest of the kernel is built per tile.
  /// Returns the tile's coordinates. Any block count >= 1 covers every tile
  /// exactly once, so the orchestration may launch fewer blocks than tiles.
  BlockPosition enterTileLoop();
  /// `context_lens[seq]` as an index.
  Value contextLength(Value seq);
  /// The length and the KV blocks of `pos`'s chain at KV step `step`: the
  /// whole sequence, or under split-KV the part's blocks [part * per,
  /// min((part + 1) * per, n)) of the sequence's n, per = ceil(n / parts),
  /// each run kv-blocks-per-task blocks a step.
  KvSteps kvSteps(const BlockPosition &pos, Value step);
  /// The sequence's block index of the first block of `kv`'s step `step`.
  Value stepFirstBlock(const KvSteps &kv, Value step);
  /// The positions (score columns) of `kv`'s step `step` that are inside the
  /// sequence and, under split-KV, inside the part.
  Value stepPositions(const KvSteps &kv, Value step);
  /// `block_table[seq, step]` as an index; the table's width is read from
  /// its descriptor.
  Value cacheBlock(Value seq, Value step);

  //===--- Types and declarations -----------------------------------------===//

  /// A tile with `location`'s default layouts (mat/vec ND, left ZZ, right ZN,
  /// acc NZ), fully valid, no pad.
  aicore::TileType tileType(aicore::TileLocation location, int64_t rows, int64_t cols,
                            Type element);
  /// A fully valid L1 (Mat) tile with the given layouts and 512-byte boxes.
  aicore::TileType matTile(int64_t rows, int64_t cols, Type element, aicore::BLayout blayout,
                           aicore::SLayout slayout);
  /// The same tile with another valid shape or pad value.
  aicore::TileType withValid(aicore::TileType type, int64_t validRows, int64_t validCols);
  aicore::TileType withPad(aicore::TileType type, aicore::PadValue pad);
  /// An NZ matrix tile (column-major 16x16 boxes), the cube's operand staging form.
  aicore::TileType nzMatTile(int64_t rows, int64_t cols, Type element);
  /// A per-row scalar column (`rows` x 1 f32, column-major: a DN tile).
  aicore::TileType columnTile(int64_t rows);
  /// The 1 x `rows` row-major view of a column, for element-wise vector ops.
  aicore::TileType rowTile(int64_t rows);

  /// `aicore.tile`, with one operand per dynamic valid dim.
  Value declare(aicore::TileType type, ValueRange validDims = {});
  /// The same, named by what it holds (`named`; none for an empty name).
  Value declare(StringRef name, aicore::TileType type, ValueRange validDims = {});
  /// The location of a tile (`aicore.tile` or `aicore.tile_alias`) named
  /// `name`: a `NameLoc` around `loc`, the kernel's location.
  /// convert-aicore-to-emitc names the tile after it and takes no other
  /// `NameLoc` for a name (every op inherits the source's, which may be one).
  Location named(StringRef name) const;

  /// A 2-D GM region of `rows` x `cols` elements whose rows are `pitch`
  /// elements apart (ND), or, with `transposed`, the `rows` x `cols`
  /// transpose of a region whose rows are `pitch` apart (DN).
  aicore::GmViewType regionType(int64_t rows, int64_t cols, int64_t pitch, Type element,
                                bool transposed = false);
  /// `aicore.gm_view` of `ptr` at element `offset`; `sizes` fill the `?` dims.
  Value view(Value ptr, Value offset, aicore::GmViewType type, ValueRange sizes = {});

  //===--- Control flow ----------------------------------------------------===//

  /// `scf.for i = 0 to upper step step { body(i) }`.
  void forLoop(Value upper, function_ref<void(Value)> body, int64_t step = 1);
  /// `scf.if cond { then() }`.
  void ifThen(Value cond, function_ref<void()> then);
  /// `scf.if cond { then() } else { otherwise() }`.
  void ifThenElse(Value cond, function_ref<void()> then, function_ref<void()> otherwise);
};

//===--- Vector-lane helpers shared by the AIV kernels ------------------===//

/// Running max of a row before any block: finite, so no inf - inf appears.
inline constexpr float kRowMaxSentinel = -1e30f;

/// Where one lane of a vector task works.
struct LaneRegion {
  /// First row of the lane in the q_tile-row tile buffers (S, P, O_i, O).
  Value firstRow;
  /// First float of the lane's per-row scalar slot (m_i, l_i, m, l).
  Value slot;
};

/// The lane's rows and slot in tile `tileIndex`'s buffers.
LaneRegion laneRegion(KernelBuilder &kb, Value tileIndex, Value lane);
/// A lane's per-row scalars in GM: a DN column of lane-rows floats.
Value columnView(KernelBuilder &kb, abi::TensorRole role, Value slot);
/// The lane's rows of the running output O at element `rowOffset`.
Value accOutRows(KernelBuilder &kb, Value rowOffset);

/// A tile's rows in the output: how many are real heads and the element
/// offset of the first.
struct OutputRows {
  OpFoldResult rows;
  Value offset;
};
/// The output rows of `pos`'s tile (spmd), or of the Out view (per-tile).
OutputRows outputRows(KernelBuilder &kb, std::optional<BlockPosition> pos);

/// One lane's share of a tile's output rows: its real rows and their GM view.
struct LaneOutput {
  Value realRows;
  Value view;
};
LaneOutput laneOutput(KernelBuilder &kb, const OutputRows &output, Value lane);
/// Stores the lane's real rows of `tile` (padding rows of a GQA group never
/// reach GM).
void storeLaneRows(KernelBuilder &kb, const LaneOutput &laneOut, Value tile);
/// Sets every element of `tile` to `value`.
void fillTile(KernelBuilder &kb, Value tile, float value);

/// Fills the body of the kernel function of each stage.
void buildQKMatmulKernel(KernelBuilder &kb);
void buildPVMatmulKernel(KernelBuilder &kb);
void buildSoftmaxPrepareKernel(KernelBuilder &kb);
void buildOnlineUpdateKernel(KernelBuilder &kb);
void buildMergePartialsKernel(KernelBuilder &kb);

} // namespace mlir::ptoattn::assign_cores

#endif // PTOATTN_PASSES_ASSIGNCORES_KERNELBUILDER_H
