//===- Passes.h - ptoattn passes ---------------------------------*- C++ -*-===//
//
// Declarations and registration of every ptoattn pass.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_TRANSFORMS_PASSES_H
#define PTOATTN_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "ptoattn/Dialect/AICore/IR/AICore.h"
#include "ptoattn/Dialect/Orch/IR/Orch.h"
#include "ptoattn/Transforms/PassOptions.h"

namespace mlir::ptoattn {

#define GEN_PASS_DECL
#include "ptoattn/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "ptoattn/Transforms/Passes.h.inc"

} // namespace mlir::ptoattn

#endif // PTOATTN_TRANSFORMS_PASSES_H
