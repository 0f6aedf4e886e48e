//===- OrchEntry.cpp - facts of an orchestration entry ---------------------===//
//
// What the emitter and the driver both need to know about an orchestration
// entry function: the kernel ids (by first use) and the ring requirements (per
// ring, the largest needs of its scopes). Computed here once, so the emitted
// code and the manifest cannot disagree, and read before EmitC conversion, so
// the converted module carries no attribute upstream tools cannot read.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Dialect/Orch/IR/Orch.h"

using namespace mlir;
using namespace mlir::ptoattn::orch;

llvm::MapVector<StringRef, int64_t> mlir::ptoattn::orch::getKernelIds(Operation *entry) {
  llvm::MapVector<StringRef, int64_t> ids;
  entry->walk<WalkOrder::PreOrder>([&](SubmitOp submit) {
    for (FlatSymbolRefAttr kernel :
         {submit.getAicKernelAttr(), submit.getAiv0KernelAttr(), submit.getAiv1KernelAttr()})
      if (kernel)
        ids.insert({kernel.getValue(), static_cast<int64_t>(ids.size())});
  });
  return ids;
}

SmallVector<RingAttr> mlir::ptoattn::orch::getRingRequirements(Operation *entry, int64_t numRings) {
  SmallVector<std::array<int64_t, 3>> needs(numRings, {0, 0, 0});
  auto merge = [&](int64_t ring, RingAttr attr) {
    needs[ring][0] = std::max(needs[ring][0], attr.getTaskSlots());
    needs[ring][1] = std::max(needs[ring][1], attr.getHeapBytes());
    needs[ring][2] = std::max(needs[ring][2], attr.getDepEntries());
  };
  if (auto ring = entry->getAttrOfType<RingAttr>(OrchDialect::kRingAttrName))
    merge(0, ring);
  entry->walk<WalkOrder::PreOrder>([&](ScopeOp scope) {
    int64_t depth = 0;
    for (Operation *p = scope; p != entry; p = p->getParentOp())
      if (isa<ScopeOp>(p))
        ++depth;
    if (RingAttr ring = scope.getRingAttr())
      merge(std::min(depth, numRings - 1), ring);
  });
  return llvm::to_vector(llvm::map_range(needs, [&](const std::array<int64_t, 3> &n) {
    return RingAttr::get(entry->getContext(), n[0], n[1], n[2]);
  }));
}
