//===- Attn.h - the attn dialect ----------------------------------*- C++ -*-===//
//
// Declarations of the `attn` dialect and its operations.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_DIALECT_ATTN_IR_ATTN_H
#define PTOATTN_DIALECT_ATTN_IR_ATTN_H

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "ptoattn/Dialect/Attn/IR/AttnDialect.h.inc"

#define GET_OP_CLASSES
#include "ptoattn/Dialect/Attn/IR/AttnOps.h.inc"

#endif // PTOATTN_DIALECT_ATTN_IR_ATTN_H
