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

#include "ptoattn/Dialect/Orch/IR/OrchDialect.h.inc"
#include "ptoattn/Dialect/Orch/IR/OrchEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "ptoattn/Dialect/Orch/IR/OrchAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "ptoattn/Dialect/Orch/IR/OrchTypes.h.inc"

#define GET_OP_CLASSES
#include "ptoattn/Dialect/Orch/IR/OrchOps.h.inc"

#endif // PTOATTN_DIALECT_ORCH_IR_ORCH_H
