//===- TiledAttention.h - the tiled loop nest of one attention --*- C++ -*-===//
//
// The passes after attn-tile (core assignment, orchestration) consume the
// tiled loop nest, not a function signature: an `scf.forall` over (sequence,
// KV head, query tile) whose body runs an `scf.for` over KV steps holding the
// four stage ops, chained by their data flow; with split-KV, an inner
// `scf.forall` over the parts sits between the two and `attn.merge_partials`
// follows it. The tensors the nest reads are
// found through the stage operands (the values their tiles are sliced or
// extracted from), so a function may have other arguments, another name,
// constant bounds or several nests; each nest is lowered on its own.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_TRANSFORMS_TILEDATTENTION_H
#define PTOATTN_TRANSFORMS_TILEDATTENTION_H

#include "ptoattn/Dialect/Attn/IR/Attn.h"
#include "ptoattn/Transforms/KernelABI.h"
#include "ptoattn/Transforms/TileGeometry.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::ptoattn {

/// One tiled paged attention: the loop nest, its stage ops and the tensors it
/// reads.
struct TiledAttention {
  /// The function holding the nest (kernels and the orchestration are named
  /// after it).
  func::FuncOp func;
  /// The parallel loop over (sequence, KV head, query tile).
  scf::ForallOp forall;
  /// The loop over KV steps inside it.
  scf::ForOp kvLoop;
  /// Split-KV (kv-splits > 1): the parallel loop over the parts between the
  /// two, and the merge of the parts' states; null without a split.
  scf::ForallOp splitLoop;
  attn::MergePartialsOp merge;
  /// Parts per sequence (1 without a split).
  int64_t kvSplits = 1;
  /// The stage ops, indexed by abi::Stage.
  Operation *stages[4];

  /// The tensors the stages' tiles come from: the query [batch, heads,
  /// head_dim], the caches [blocks, block_size, kv_heads, head_dim], the
  /// block table [batch, max_blocks], the context lengths [batch], and the
  /// softmax scale.
  Value query, keyCache, valueCache, blockTable, contextLens, scale;
  RankedTensorType queryType;
  RankedTensorType cacheType;
  RankedTensorType tableType;
  RankedTensorType lensType;
  /// The nest's result [batch, heads, head_dim] f32.
  RankedTensorType resultType;
  /// Element type of query, caches and probabilities.
  Type element;
  TileGeometry geo;

  Operation *getStage(abi::Stage stage) const { return stages[static_cast<int>(stage)]; }
};

/// Every tiled attention nest in `func`, in program order (none for a
/// function without tile stages). Emits an error naming `passName` for stage
/// ops outside such a nest, a nest without exactly one of each stage, stages
/// that do not feed each other, or tensors whose origin cannot be traced.
FailureOr<SmallVector<TiledAttention>> findTiledAttentions(func::FuncOp func, StringRef passName);

} // namespace mlir::ptoattn

#endif // PTOATTN_TRANSFORMS_TILEDATTENTION_H
