//===- PTOAttnModule.cpp - ptoattn's Python extension -------------------===//
//
// Registers ptoattn's passes with MLIR's global registry when imported, and
// exposes dialect registration for contexts created by `mlir.ir`. The MLIR this
// links against is the one the `mlir` package loaded, so a PassManager built
// from Python sees ptoattn's passes by name. Only the C API is used here.
//
//===----------------------------------------------------------------------===//

#include "ptoattn-c/Registration.h"

#include "mlir-c/IR.h"
#include "mlir/Bindings/Python/NanobindAdaptors.h"

#ifndef PTOATTN_VERSION
#define PTOATTN_VERSION "unknown"
#endif

namespace nb = nanobind;

NB_MODULE(_ptoattn, m) {
  m.doc() = "ptoattn dialects and passes, registered into the upstream mlir package";
  m.attr("__version__") = PTOATTN_VERSION;

  ptoattnRegisterAllPasses();

  m.def(
      "register_dialects",
      [](MlirContext context, bool load) {
        MlirDialectRegistry registry = mlirDialectRegistryCreate();
        ptoattnRegisterAllDialects(registry);
        mlirContextAppendDialectRegistry(context, registry);
        mlirDialectRegistryDestroy(registry);
        if (load)
          ptoattnLoadAllDialects(context);
      },
      nb::arg("context"), nb::arg("load") = true,
      "Make ptoattn's dialects (and the upstream ones its pipeline uses) available in "
      "`context`; with load=True ptoattn's dialects are loaded immediately.");
}
