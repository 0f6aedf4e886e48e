//===- AICore.h - the aicore dialect ------------------------------*- C++ -*-===//
//
// Declarations of the `aicore` dialect: its enumerations, types (tiles, GM
// views, GM pointers) and operations.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_DIALECT_AICORE_IR_AICORE_H
#define PTOATTN_DIALECT_AICORE_IR_AICORE_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include "ptoattn/Target/A2A3.h"

#include "ptoattn/Dialect/AICore/IR/AICoreDialect.h.inc"
#include "ptoattn/Dialect/AICore/IR/AICoreEnums.h.inc"

namespace mlir::ptoattn::aicore {

/// Whether tiles, GM views and GM pointers may hold `type`: f32, f16, bf16
/// and 8/16/32-bit signless or unsigned integers.
bool isSupportedElementType(Type type);

/// Bytes of one element of a supported element type.
int64_t getElementBytes(Type type);

} // namespace mlir::ptoattn::aicore

#define GET_ATTRDEF_CLASSES
#include "ptoattn/Dialect/AICore/IR/AICoreAttrs.h.inc"

namespace mlir::ptoattn::aicore {

/// The target `op` is compiled for: the `aicore.target` of its nearest module
/// (or `op` itself), else the default chip.
const target::TargetInfo &getTargetInfo(Operation *op);

/// The `aicore.kernel` contract of `op`, if it carries one.
KernelAttr getKernelAttr(Operation *op);

/// The on-chip buffer that holds tiles of `location` (mat: L1, left: L0A,
/// right: L0B, acc: L0C, vec: UB).
target::Buffer getBuffer(TileLocation location);

} // namespace mlir::ptoattn::aicore

#define GET_TYPEDEF_CLASSES
#include "ptoattn/Dialect/AICore/IR/AICoreTypes.h.inc"

#define GET_OP_CLASSES
#include "ptoattn/Dialect/AICore/IR/AICoreOps.h.inc"

#endif // PTOATTN_DIALECT_AICORE_IR_AICORE_H
