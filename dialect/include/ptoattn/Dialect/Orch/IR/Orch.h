//===- Orch.h - the orch dialect ----------------------------------*- C++ -*-===//
//
// Declarations of the `orch` dialect: its enums, attributes, the runtime tensor
// type and the operations.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_DIALECT_ORCH_IR_ORCH_H
#define PTOATTN_DIALECT_ORCH_IR_ORCH_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/MapVector.h"

#include "ptoattn/Dialect/Orch/IR/OrchDialect.h.inc"
#include "ptoattn/Dialect/Orch/IR/OrchEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "ptoattn/Dialect/Orch/IR/OrchAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "ptoattn/Dialect/Orch/IR/OrchTypes.h.inc"

#define GET_OP_CLASSES
#include "ptoattn/Dialect/Orch/IR/OrchOps.h.inc"

namespace mlir::ptoattn::orch {

/// The kernels orchestration entry `entry` submits, numbered by first use: the
/// `func_id` of each in the emitted code and the scene test.
llvm::MapVector<StringRef, int64_t> getKernelIds(Operation *entry);

/// Per ring, the largest needs of the scopes that allocate from it (a scope at
/// depth d uses ring min(d, numRings - 1); the entry's own `orch.ring` is ring
/// 0): what the runtime's ring settings must hold.
SmallVector<RingAttr> getRingRequirements(Operation *entry, int64_t numRings);

} // namespace mlir::ptoattn::orch

#endif // PTOATTN_DIALECT_ORCH_IR_ORCH_H
