//===- AICorePasses.h - passes on aicore kernels ------------------*- C++ -*-===//

#ifndef PTOATTN_TRANSFORMS_AICOREPASSES_H
#define PTOATTN_TRANSFORMS_AICOREPASSES_H

#include "ptoattn/Dialect/AICore/IR/AICore.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::ptoattn {

#define GEN_PASS_DECL
#include "ptoattn/Transforms/AICorePasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "ptoattn/Transforms/AICorePasses.h.inc"

} // namespace mlir::ptoattn

#endif // PTOATTN_TRANSFORMS_AICOREPASSES_H
