//===- ptoattn-opt.cpp - the ptoattn optimizer driver --------------------===//
//
// An mlir-opt with ptoattn's dialects and passes registered. Pipelines are
// registered as named objects next to the passes, never spelled out here.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/InitAll.h"

#include "mlir/Dialect/EmitC/Transforms/Passes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

#ifndef PTOATTN_VERSION
#define PTOATTN_VERSION "unknown"
#endif

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::ptoattn::registerAllDialects(registry);
  mlir::ptoattn::registerAllPasses();
  // Upstream cleanups (canonicalize, cse, ...) for hand-written pipelines.
  mlir::registerTransformsPasses();
  // form-expressions, which ptoattn-emit runs (the Python bindings register it themselves).
  mlir::emitc::registerFormExpressionsPass();
  llvm::cl::AddExtraVersionPrinter(
      [](llvm::raw_ostream &os) { os << "ptoattn version " PTOATTN_VERSION "\n"; });
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "ptoattn optimizer driver\n", registry));
}
