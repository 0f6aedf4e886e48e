//===- AICoreDialect.cpp - the aicore dialect ---------------------------------===//
//
// Registers the types and operations of the `aicore` dialect and
// instantiates the generated operation classes. Operation verifiers live in
// files split by concern (memory, compute, sync); types in AICoreTypes.cpp.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Dialect/AICore/IR/AICore.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::ptoattn::aicore;

#include "ptoattn/Dialect/AICore/IR/AICoreDialect.cpp.inc"
#include "ptoattn/Dialect/AICore/IR/AICoreEnums.cpp.inc"

#define GET_OP_CLASSES
#include "ptoattn/Dialect/AICore/IR/AICoreOps.cpp.inc"

void AICoreDialect::initialize() {
  registerTypes();
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "ptoattn/Dialect/AICore/IR/AICoreOps.cpp.inc"
      >();
}
