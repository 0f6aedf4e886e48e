//===- Pipelines.h - ptoattn's named pass pipelines ---------------*- C++ -*-===//
//
// The pipelines are C++ objects registered by name, so `ptoattn-opt
// --ptoattn-pipeline=...`, `PassManager.parse("builtin.module(ptoattn-pipeline{...})")`
// and the driver (which runs ptoattn-lower and ptoattn-emit by name) all run
// exactly the same sequence.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_TRANSFORMS_PIPELINES_H
#define PTOATTN_TRANSFORMS_PIPELINES_H

#include "ptoattn/Transforms/PassOptions.h"

#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::ptoattn {

/// Options of `ptoattn-pipeline`; each forwards to the passes that take it.
struct PipelineOptions : public PassPipelineOptions<PipelineOptions> {
  Option<target::QueryTileOption> queryTile{
      *this, "q-tile", llvm::cl::desc("Query-tile rows: 16, 32 or 64; 0 = automatic"),
      llvm::cl::init(target::QueryTileOption::Auto), PTOATTN_QUERY_TILE_VALUES};
  Option<int64_t> kvSplits{*this, "kv-splits",
                           llvm::cl::desc("Split-KV parts per sequence (1 to 16); 1: no split"),
                           llvm::cl::init(1)};
  Option<int64_t> kvBlocksPerTask{
      *this, "kv-blocks-per-task",
      llvm::cl::desc("Consecutive cache blocks one KV step (one task per stage) covers"),
      llvm::cl::init(1)};
  Option<aicore::Strategy> strategy{
      *this, "strategy", llvm::cl::desc("Orchestration strategy: spmd or per-tile"),
      llvm::cl::init(aicore::Strategy::Spmd), PTOATTN_STRATEGY_VALUES};
  Option<int64_t> ringTaskWindow{*this, "ring-task-window",
                                 llvm::cl::desc("Task-window slots per ring"),
                                 llvm::cl::init(target::kDefaultRingTaskWindow)};
  Option<int64_t> ringHeap{*this, "ring-heap", llvm::cl::desc("Heap bytes per ring"),
                           llvm::cl::init(target::kDefaultRingHeapBytes)};
  Option<int64_t> ringDepPool{*this, "ring-dep-pool",
                              llvm::cl::desc("Dependency-list entries per ring"),
                              llvm::cl::init(target::kDefaultRingDepPool)};
  Option<int64_t> maxBatch{*this, "max-batch",
                           llvm::cl::desc("Batch to size spmd rings for when it is dynamic"),
                           llvm::cl::init(0)};
  Option<int64_t> maxKvBlocks{*this, "max-kv-blocks",
                              llvm::cl::desc("KV blocks per sequence at most (block-table "
                                             "width), for the dependency-pool need; 0: unbounded"),
                              llvm::cl::init(0)};
  Option<SpmdBlocks> spmdBlocks{
      *this, "spmd-blocks",
      llvm::cl::desc("Blocks of an spmd launch: clusters (min(tiles, clusters)) or tiles"),
      llvm::cl::init(SpmdBlocks::Clusters), PTOATTN_SPMD_BLOCKS_VALUES};
  Option<bool> toEmitC{*this, "to-emitc",
                       llvm::cl::desc("Convert to EmitC; false stops after pipe "
                                      "synchronisation, with kernels in aicore and the "
                                      "orchestration in orch"),
                       llvm::cl::init(true)};
};

/// `ptoattn-lower`: target check, tiling, core assignment, orchestration,
/// cleanup, memory planning and pipe synchronisation (`to-emitc` is ignored).
void buildLowerPipeline(OpPassManager &pm, const PipelineOptions &options);

/// `ptoattn-emit`: conversion to EmitC (one `emitc.file` per kernel and one
/// for the orchestration) and expression forming.
void buildEmitPipeline(OpPassManager &pm);

/// `ptoattn-pipeline`: ptoattn-lower, then (unless `to-emitc=false`)
/// ptoattn-emit. All three are anchored on a module.
void buildPipeline(OpPassManager &pm, const PipelineOptions &options);

/// Registers `ptoattn-lower`, `ptoattn-emit` and `ptoattn-pipeline`.
void registerPipelines();

} // namespace mlir::ptoattn

#endif // PTOATTN_TRANSFORMS_PIPELINES_H
