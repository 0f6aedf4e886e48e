//===- AICorePasses.td - passes on aicore kernels ------------*- tablegen -*-===//
//
// Passes that finish a kernel's tile program: on-chip memory planning and pipe
// synchronisation. Kept apart from the attn passes so that each family
// regenerates only its own declarations.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_TRANSFORMS_AICOREPASSES_TD
#define PTOATTN_TRANSFORMS_AICOREPASSES_TD

include "mlir/Pass/PassBase.td"

#endif // PTOATTN_TRANSFORMS_AICOREPASSES_TD
