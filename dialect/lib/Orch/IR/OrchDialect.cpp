//===- OrchDialect.cpp - the orch dialect ------------------------------------===//
//
// Registers the `orch` dialect and verifies the dialect attributes it places on
// other operations (`orch.entry`, `orch.ring` on the orchestration function).
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Dialect/Orch/IR/Orch.h"

#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::ptoattn::orch;

#include "ptoattn/Dialect/Orch/IR/OrchDialect.cpp.inc"

void OrchDialect::initialize() {
  registerAttributes();
  registerTypes();
  addOperations<
#define GET_OP_LIST
#include "ptoattn/Dialect/Orch/IR/OrchOps.cpp.inc"
      >();
}

LogicalResult OrchDialect::verifyOperationAttribute(Operation *op, NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  // Both attributes describe the orchestration entry function, so they only
  // make sense on a function.
  auto requireFunction = [&]() -> LogicalResult {
    if (isa<FunctionOpInterface>(op))
      return success();
    return op->emitError() << "'" << name
                           << "' is only valid on the orchestration function "
                              "(a func.func), not on '"
                           << op->getName() << "'";
  };
  if (name == kEntryAttrName) {
    if (!isa<EntryAttr>(attr.getValue()))
      return op->emitError() << "'" << name
                             << "' must be an #orch.entry<tensors = N, scalars = M> "
                                "attribute, got "
                             << attr.getValue();
    return requireFunction();
  }
  if (name == kRingAttrName) {
    if (!isa<RingAttr>(attr.getValue()))
      return op->emitError() << "'" << name
                             << "' must be an #orch.ring<task_slots = ..., heap_bytes = "
                                "..., dep_entries = ...> attribute, got "
                             << attr.getValue();
    return requireFunction();
  }
  return op->emitError() << "unknown orch dialect attribute '" << name << "'; allowed: '"
                         << kEntryAttrName << "', '" << kRingAttrName << "'";
}
