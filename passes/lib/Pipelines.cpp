//===- Pipelines.cpp - ptoattn's named pass pipelines -------------------===//
//
// The default lowering of paged attention, as one registered pipeline. Every
// step says why it is where it is.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Transforms/Pipelines.h"

#include "ptoattn/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

void mlir::ptoattn::buildPipeline(OpPassManager &pm, const PipelineOptions &options) {
  // Reject configurations the target cannot run before anything is lowered, so
  // the error names the user's parameters rather than a lowered tile.
  AttnCheckTargetOptions check;
  check.queryTile = options.queryTile;
  pm.addPass(createAttnCheckTarget(check));

  // Query tiles and one-block KV steps; runs per function.
  AttnTileOptions tile;
  tile.queryTile = options.queryTile;
  pm.addNestedPass<func::FuncOp>(createAttnTile(tile));
}

void mlir::ptoattn::registerPipelines() {
  PassPipelineRegistration<PipelineOptions>(
      "ptoattn-pipeline",
      "Lower attn.paged_attention for the a2a3 target (check, tile)",
      buildPipeline);
}
