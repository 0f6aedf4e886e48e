//===- OrchAttrs.cpp - orch dialect attributes -------------------------------===//
//
// The generated enum and attribute classes of `orch` and the verifiers of the
// entry-configuration and ring-requirement attributes.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Dialect/Orch/IR/Orch.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::ptoattn::orch;

#include "ptoattn/Dialect/Orch/IR/OrchEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "ptoattn/Dialect/Orch/IR/OrchAttrs.cpp.inc"

void OrchDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "ptoattn/Dialect/Orch/IR/OrchAttrs.cpp.inc"
      >();
}

LogicalResult EntryAttr::verify(function_ref<InFlightDiagnostic()> emitError, int64_t tensors,
                                int64_t scalars) {
  if (tensors < 0)
    return emitError() << "#orch.entry tensors must be >= 0, got " << tensors;
  if (scalars < 0)
    return emitError() << "#orch.entry scalars must be >= 0, got " << scalars;
  return success();
}

LogicalResult RingAttr::verify(function_ref<InFlightDiagnostic()> emitError, int64_t taskSlots,
                               int64_t heapBytes, int64_t depEntries) {
  // Zero is meaningful (a scope that only opens nested scopes holds no task of
  // its own); negative counts are never.
  if (taskSlots < 0)
    return emitError() << "#orch.ring task_slots must be >= 0, got " << taskSlots;
  if (heapBytes < 0)
    return emitError() << "#orch.ring heap_bytes must be >= 0, got " << heapBytes;
  if (depEntries < 0)
    return emitError() << "#orch.ring dep_entries must be >= 0, got " << depEntries;
  return success();
}
