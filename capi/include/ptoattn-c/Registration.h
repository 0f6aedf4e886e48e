/*===- Registration.h - C API to register ptoattn ------------------*- C -*-===*\
|*                                                                              *|
|* The C entry points the Python extension uses. Keeping the extension on the   *|
|* C API lets it be compiled with RTTI (nanobind needs it) while the dialects   *|
|* and passes match the RTTI-free MLIR they link against.                       *|
|*                                                                              *|
\*===----------------------------------------------------------------------===*/

#ifndef PTOATTN_C_REGISTRATION_H
#define PTOATTN_C_REGISTRATION_H

#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Adds ptoattn's dialects and the upstream dialects its pipeline uses.
MLIR_CAPI_EXPORTED void ptoattnRegisterAllDialects(MlirDialectRegistry registry);

/// Loads every ptoattn dialect into `context` (their registry must be appended).
MLIR_CAPI_EXPORTED void ptoattnLoadAllDialects(MlirContext context);

/// Registers every ptoattn pass and pipeline with MLIR's global registry.
MLIR_CAPI_EXPORTED void ptoattnRegisterAllPasses(void);

/// Prints `op` (an EmitC module) as C++ through the upstream EmitC
/// translation, streaming the text to `callback`. A non-empty `fileId` prints
/// only the contents of the `emitc.file` with that id. Fails, with diagnostics
/// on the op's context, if the IR is not translatable.
MLIR_CAPI_EXPORTED MlirLogicalResult ptoattnTranslateToCpp(MlirOperation op, MlirStringRef fileId,
                                                           MlirStringCallback callback,
                                                           void *userData);

/// Streams, as JSON, the target description (`ptoattn/Target/A2A3.h`) the
/// driver validates against: the chips with their cluster counts, the default
/// chip, the supported query tiles, strategies and block sizes, and the ring
/// defaults of the runtime.
MLIR_CAPI_EXPORTED void ptoattnDescribeTarget(MlirStringCallback callback, void *userData);

/// Streams, as JSON, what the typed attributes of `module` say: `target`, the
/// chip (`aicore.target`, or the default) and its clusters, and `kernels`, the
/// contract of every func.func carrying `#aicore.kernel` (name, core type,
/// lanes, strategy, arguments as kind/role/type, `aicore.memory`), and
/// `orchestrations`, per `orch.entry` function its kernel ids (by first use)
/// and ring requirements (per ring, the largest scope needs).
MLIR_CAPI_EXPORTED void ptoattnDescribeModule(MlirOperation module, MlirStringCallback callback,
                                              void *userData);

#ifdef __cplusplus
}
#endif

#endif /* PTOATTN_C_REGISTRATION_H */
