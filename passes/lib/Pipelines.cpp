//===- Pipelines.cpp - ptoattn's named pass pipelines -------------------===//
//
// The default lowering of paged attention as registered pipelines: its two
// halves, `ptoattn-lower` (to aicore kernels and the orch orchestration) and
// `ptoattn-emit` (to EmitC), and `ptoattn-pipeline`, the two in a row. Every
// step says why it is where it is.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Transforms/Pipelines.h"

#include "ptoattn/Conversion/Passes.h"
#include "ptoattn/Transforms/AICorePasses.h"
#include "ptoattn/Transforms/Passes.h"

#include "mlir/Dialect/EmitC/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::ptoattn::buildLowerPipeline(OpPassManager &pm, const PipelineOptions &options) {
  // Reject configurations the target cannot run before anything is lowered, so
  // the error names the user's parameters rather than a lowered tile.
  AttnCheckTargetOptions check;
  check.queryTile = options.queryTile;
  pm.addPass(createAttnCheckTarget(check));

  // Query tiles and KV steps of kv-blocks-per-task blocks (split into parts with
  // kv-splits > 1); runs per function.
  AttnTileOptions tile;
  tile.queryTile = options.queryTile;
  tile.kvSplits = options.kvSplits;
  tile.kvBlocksPerTask = options.kvBlocksPerTask;
  pm.addNestedPass<func::FuncOp>(createAttnTile(tile));

  // Kernels for the cube and the two vector lanes, addressed for the strategy
  // the orchestration will use.
  AttnAssignCoresOptions cores;
  cores.strategy = options.strategy;
  pm.addPass(createAttnAssignCores(cores));

  // Tasks, scopes and buffers for the runtime; checks the rings' capacity.
  // The strategy is not an option here: it is read from the kernels.
  AttnOrchestrateOptions orchestrate;
  orchestrate.ringTaskWindow = options.ringTaskWindow;
  orchestrate.ringHeap = options.ringHeap;
  orchestrate.ringDepPool = options.ringDepPool;
  orchestrate.maxBatch = options.maxBatch;
  orchestrate.maxKvBlocks = options.maxKvBlocks;
  orchestrate.spmdBlocks = options.spmdBlocks;
  pm.addPass(createAttnOrchestrate(orchestrate));

  // The lowering emits index arithmetic one constant at a time and loops of
  // one trip; folding them keeps the IR (and later the C++) readable. Tiles
  // are allocations, so neither pass merges or drops a used one.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // On-chip addresses for every tile, then pipe flags derived from the byte
  // ranges those addresses give (memory reuse creates cross-pipe hazards, so
  // synchronisation must come after planning). Both only touch kernels.
  pm.addNestedPass<func::FuncOp>(createAICorePlanMemory());
  pm.addNestedPass<func::FuncOp>(createAICoreInsertSync());
}

void mlir::ptoattn::buildEmitPipeline(OpPassManager &pm) {
  // C++ as EmitC: the orchestration first, so that converting the kernels
  // leaves no submission naming them and the module is only `emitc.file`s,
  // one per output file.
  pm.addPass(createConvertOrchToEmitC());
  pm.addPass(createConvertAICoreToEmitC());
  // Single-use temporaries become parts of the expressions that use them
  // (`(block_idx * 2 + lane) * 16` rather than three variables).
  pm.addPass(emitc::createFormExpressionsPass());
}

void mlir::ptoattn::buildPipeline(OpPassManager &pm, const PipelineOptions &options) {
  buildLowerPipeline(pm, options);
  if (options.toEmitC)
    buildEmitPipeline(pm);
}

void mlir::ptoattn::registerPipelines() {
  PassPipelineRegistration<PipelineOptions>(
      "ptoattn-lower",
      "Lower attn.paged_attention to aicore kernels and the orch orchestration (check, tile, "
      "assign cores, orchestrate, plan memory, insert sync): the IR `ptoattn check` reads",
      buildLowerPipeline);
  PassPipelineRegistration<>("ptoattn-emit",
                             "Convert lowered aicore kernels and orch orchestration to EmitC, "
                             "one emitc.file per output file",
                             [](OpPassManager &pm) { buildEmitPipeline(pm); });
  PassPipelineRegistration<PipelineOptions>(
      "ptoattn-pipeline",
      "Lower attn.paged_attention for the a2a3 target: ptoattn-lower, then ptoattn-emit",
      buildPipeline);
}
