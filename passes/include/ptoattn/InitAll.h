//===- InitAll.h - register everything ptoattn provides ----------*- C++ -*-===//
//
// One place that lists ptoattn's dialects and passes, plus the upstream
// dialects its pipeline produces, so ptoattn-opt and the Python extension
// register exactly the same set.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_INITALL_H
#define PTOATTN_INITALL_H

#include "ptoattn/Conversion/Passes.h"
#include "ptoattn/Dialect/AICore/IR/AICore.h"
#include "ptoattn/Dialect/Attn/IR/Attn.h"
#include "ptoattn/Dialect/Orch/IR/Orch.h"
#include "ptoattn/Transforms/AICorePasses.h"
#include "ptoattn/Transforms/Passes.h"
#include "ptoattn/Transforms/Pipelines.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"

namespace mlir::ptoattn {

/// Adds ptoattn's dialects and the upstream dialects its pipeline uses.
inline void registerAllDialects(DialectRegistry &registry) {
  registry.insert<attn::AttnDialect>();
  registry.insert<aicore::AICoreDialect>();
  registry.insert<orch::OrchDialect>();
  registry.insert<arith::ArithDialect, emitc::EmitCDialect, func::FuncDialect,
                  memref::MemRefDialect, scf::SCFDialect, tensor::TensorDialect>();
}

/// Registers every ptoattn pass and pipeline with the global registry.
inline void registerAllPasses() {
  registerPTOAttnPasses();
  registerPTOAttnAICorePasses();
  registerPTOAttnConversionPasses();
  registerPipelines();
}

} // namespace mlir::ptoattn

#endif // PTOATTN_INITALL_H
