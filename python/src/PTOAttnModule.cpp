//===- PTOAttnModule.cpp - ptoattn's Python extension -------------------===//
//
// Registers ptoattn's passes with MLIR's global registry when imported, and
// exposes dialect registration for contexts created by `mlir.ir`. The MLIR this
// links against is the one the `mlir` package loaded, so a PassManager built
// from Python sees ptoattn's passes by name. Only the C API is used here.
//
//===----------------------------------------------------------------------===//

#include "ptoattn-c/Registration.h"
#include "ptoattn-c/ScheduleModel.h"

#include "mlir-c/IR.h"
#include "mlir/Bindings/Python/NanobindAdaptors.h"
#include <nanobind/stl/vector.h>

#include <cstdint>
#include <string>
#include <vector>

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

  auto appendTo = [](MlirStringRef chunk, void *user) {
    static_cast<std::string *>(user)->append(chunk.data, chunk.length);
  };
  m.def(
      "describe_target",
      [appendTo]() {
        std::string text;
        ptoattnDescribeTarget(appendTo, &text);
        return text;
      },
      "JSON: the chips, query tiles, strategies and ring defaults of ptoattn/Target/A2A3.h.");
  m.def(
      "describe_module",
      [appendTo](MlirOperation module) {
        std::string text;
        ptoattnDescribeModule(module, appendTo, &text);
        return text;
      },
      nb::arg("module"),
      "JSON: the module's target chip and the #aicore.kernel contract and aicore.memory of "
      "every kernel in `module`.");

  m.def(
      "model_schedule",
      [appendTo](MlirOperation module, const std::vector<int64_t> &contextLens, int64_t maxBlocks,
                 int64_t clusters, int64_t maxModeledBlocks, double pruneAboveUs, bool memoize) {
        std::string out;
        ptoattnModelSchedule(module, contextLens.data(), intptr_t(contextLens.size()), maxBlocks,
                             clusters, maxModeledBlocks, pruneAboveUs, memoize, appendTo, &out);
        return out;
      },
      nb::arg("module"), nb::arg("context_lens"), nb::arg("max_blocks"), nb::arg("clusters") = 0,
      nb::arg("max_modeled_blocks") = -1, nb::arg("prune_above_us") = 0.0,
      nb::arg("memoize") = true,
      "JSON: the modeled a2a3 time of a lowered module run on these context lengths, "
      "without compiling it (ptoattn-c/ScheduleModel.h).");

  m.def(
      "translate_to_cpp",
      [](MlirOperation op, const std::string &fileId) -> nb::object {
        std::string text;
        auto append = [](MlirStringRef chunk, void *user) {
          static_cast<std::string *>(user)->append(chunk.data, chunk.length);
        };
        MlirStringRef id = mlirStringRefCreate(fileId.data(), fileId.size());
        if (mlirLogicalResultIsFailure(ptoattnTranslateToCpp(op, id, append, &text)))
          return nb::none();
        return nb::str(text.data(), text.size());
      },
      nb::arg("op"), nb::arg("file_id") = "",
      "C++ text of an EmitC module (upstream translateToCpp); with file_id, only that "
      "emitc.file. None if it cannot be translated (diagnostics go to the op's context).");
}
