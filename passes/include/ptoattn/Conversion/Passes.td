//===- Passes.td - conversions to EmitC -----------------------*- tablegen -*-===//
//
// Lowerings of the aicore and orch dialects to EmitC, from which the upstream
// C++ translation prints the kernels and the orchestration.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_CONVERSION_PASSES_TD
#define PTOATTN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

#endif // PTOATTN_CONVERSION_PASSES_TD
