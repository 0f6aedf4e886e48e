//===- KernelABI.h - argument contract of the paged-attention kernels -*- C++ -*-===//
//
// What each outlined kernel receives, in `add_*` order: its tensor arguments
// (with their direction) followed by its scalars. attn-assign-cores decodes
// kernel arguments from this table and attn-orchestrate submits tasks from it,
// so the kernel side and the orchestration side cannot disagree.
//
// Two strategies share the kernel bodies and differ only in addressing:
//  * spmd: one task per stage and KV step covers every (batch, KV head, query
//    tile) block; tensors are whole, the kernel finds its tile from its block
//    index and reads the block table and lengths itself;
//  * per-tile: one task per (tile, KV step, stage); the orchestration passes
//    views of exactly the tile's data (paging by views) and the per-step facts
//    as scalars.
//
// The update kernel always knows (kv_step, num_steps): it merges while
// kv_step < num_steps, normalises and writes the output rows at the last step,
// and writes zero rows when num_steps == 0 (an empty sequence still gets one
// update task at step 0). Under split-KV a chain covers one part of the
// sequence's blocks; its update keeps the state un-normalised in the
// accumulators (an empty part writes the initial state at step 0) and the
// merge kernel combines the parts and writes the output rows. The other stages never run for a step
// past the end, so no kernel ever reads a block-table entry the sequence does not use.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_TRANSFORMS_KERNELABI_H
#define PTOATTN_TRANSFORMS_KERNELABI_H

#include "ptoattn/Dialect/AICore/IR/AICore.h"

#include "mlir/IR/Operation.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace mlir::ptoattn::abi {

/// The strategy and the core type are the aicore dialect's enums: they are
/// recorded in each kernel's `#aicore.kernel`.
using Strategy = aicore::Strategy;
using CoreType = aicore::CoreType;
/// The four stages of a KV chain, and the split-KV merge that runs after the
/// chains (kv-splits > 1).
enum class Stage { QKMatmul, SoftmaxPrepare, PVMatmul, OnlineUpdate, MergePartials };
enum class Direction { In, Out, InOut };
enum class ScalarKind { I64, F32Bits };

/// "spmd" / "per-tile" (the option spelling).
llvm::StringRef getStrategyName(Strategy strategy);
/// "qk_matmul", "softmax_prepare", "pv_matmul", "online_update", "merge_partials".
llvm::StringRef getStageName(Stage stage);

/// The logical tensors the pipeline moves between stages. The enumerator is the
/// tensor's identity; the strategy decides whether a kernel sees all of it or
/// a view of one tile.
enum class TensorRole {
  Query,       ///< [batch, heads, head_dim]; per-tile: the tile's rows
  KeyCache,    ///< [blocks, block_size, kv_heads, head_dim]; per-tile: one block,
               ///< or the KV head's blocks [blocks, block_size, 1, head_dim]
               ///< when a step covers several
  ValueCache,  ///< as KeyCache
  BlockTable,  ///< [batch, max_blocks] i32; per-tile with several blocks per
               ///< step: the step's entries [1, blocks of the step]
  ContextLens, ///< [batch] i32 (spmd only)
  Scores,      ///< S tiles [tiles * q_tile, blocks_per_step * block_size] f32
  Probs,       ///< P tiles, as Scores, bf16/f16
  BlockMax,    ///< m_i per lane slot [tiles * 2 * lane_slot] f32
  BlockSum,    ///< l_i, as BlockMax
  BlockOut,    ///< O_i tiles [tiles * q_tile, head_dim] f32
  AccMax,      ///< running m, as BlockMax
  AccSum,      ///< running l, as BlockMax
  AccOut,      ///< running O, as BlockOut (split-KV: these three hold one state
               ///< per part, tile t's part s at index t * parts + s)
  Out,         ///< [batch, heads, head_dim] f32; per-tile: the tile's rows
};
llvm::StringRef getTensorRoleName(TensorRole role);
/// The role named `name` (as getTensorRoleName spells it), if any.
std::optional<TensorRole> parseTensorRole(llvm::StringRef name);

/// Scalars a kernel receives after its tensors.
enum class ScalarRole {
  KvStep,    ///< index j of the KV step (blocks j * blocks_per_step ..)
  NumSteps,  ///< KV steps of the tile's sequence, ceil(len / (blocks_per_step *
             ///< block_size)) (per-tile)
  ValidCols, ///< positions of the step below the context length: the valid score
             ///< columns of softmax_prepare, the live V rows of pv_matmul (per-tile)
  Scale,     ///< softmax scale, fp32 bits
};
llvm::StringRef getScalarRoleName(ScalarRole role);
/// The role named `name` (as getScalarRoleName spells it), if any.
std::optional<ScalarRole> parseScalarRole(llvm::StringRef name);

struct TensorParam {
  TensorRole role;
  Direction direction;
};

struct ScalarParam {
  ScalarRole role;
  ScalarKind kind;
};

struct KernelSignature {
  Stage stage;
  CoreType core;
  /// Vector stages run on both AIV lanes of a cluster (MIX task, sub_block_id 0/1).
  int64_t lanes;
  llvm::SmallVector<TensorParam> tensors;
  llvm::SmallVector<ScalarParam> scalars;

  /// Position of `role` among the tensor arguments, if the kernel takes it.
  std::optional<unsigned> findTensor(TensorRole role) const;
  /// Position of `role` among all arguments (tensors first), if taken.
  std::optional<unsigned> findScalarArg(ScalarRole role) const;
};

/// The signature of `stage`'s kernel under `strategy`. With `splitKv` the
/// chains leave their state in the accumulators for the merge, which alone
/// writes the output. With `multiBlock` a KV step covers several cache
/// blocks, so under per-tile the matmul kernels read the step's block ids
/// themselves (a view of those block-table entries) from a view of the KV
/// head's whole cache.
KernelSignature getKernelSignature(Stage stage, Strategy strategy, bool splitKv = false,
                                   bool multiBlock = false);

/// The typed `#aicore.kernel` contract of a kernel with signature `sig`,
/// built for `strategy`; `element` is the query/cache/probability type.
aicore::KernelAttr getKernelAttr(mlir::MLIRContext *ctx, const KernelSignature &sig,
                                 Strategy strategy, mlir::Type element);

/// The four chain stages in execution order (the merge is not one of them).
llvm::ArrayRef<Stage> getStages();

/// fp32 entries reserved per lane for per-row scalars in GM: the lane's rows,
/// padded so that the two lanes' slots never share a 64-byte line.
int64_t getLaneSlotFloats(int64_t queryTile);

} // namespace mlir::ptoattn::abi

#endif // PTOATTN_TRANSFORMS_KERNELABI_H
