//===- TiledAttention.h - finding attn-tile's output again ----------*- C++ -*-===//
//
// The passes after attn-tile (core assignment, orchestration) work on one
// tiled paged-attention function at a time: its signature gives the problem's
// static sizes and its four tile-stage ops give the query tile. This is the
// one place that recognises that shape.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_TRANSFORMS_TILEDATTENTION_H
#define PTOATTN_TRANSFORMS_TILEDATTENTION_H

#include "ptoattn/Dialect/Attn/IR/Attn.h"
#include "ptoattn/Transforms/KernelABI.h"
#include "ptoattn/Transforms/TileGeometry.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::ptoattn {

/// A function produced by attn-tile from one attn.paged_attention.
struct TiledAttention {
  func::FuncOp func;
  RankedTensorType queryType;
  RankedTensorType cacheType;
  RankedTensorType tableType;
  RankedTensorType lensType;
  RankedTensorType resultType;
  /// Element type of query, caches and probabilities.
  Type element;
  TileGeometry geo;
  /// The stage ops, indexed by abi::Stage.
  Operation *stages[4];

  Operation *getStage(abi::Stage stage) const { return stages[static_cast<int>(stage)]; }
};

/// Recognises `func`. Returns std::nullopt for a function without tile stages
/// (nothing to do) and emits an error for one that has stages but not exactly
/// one of each or not the paged-attention signature
/// (query, key_cache, value_cache, block_table, context_lens, scale) -> out.
FailureOr<std::optional<TiledAttention>> matchTiledAttention(func::FuncOp func,
                                                             StringRef passName);

} // namespace mlir::ptoattn

#endif // PTOATTN_TRANSFORMS_TILEDATTENTION_H
