//===- Passes.h - conversions to EmitC -----------------------------*- C++ -*-===//

#ifndef PTOATTN_CONVERSION_PASSES_H
#define PTOATTN_CONVERSION_PASSES_H

#include "ptoattn/Dialect/AICore/IR/AICore.h"
#include "ptoattn/Dialect/Orch/IR/Orch.h"

#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::ptoattn {

#define GEN_PASS_DECL
#include "ptoattn/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "ptoattn/Conversion/Passes.h.inc"

} // namespace mlir::ptoattn

#endif // PTOATTN_CONVERSION_PASSES_H
