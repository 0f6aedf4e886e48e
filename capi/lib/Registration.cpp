//===- Registration.cpp - C API to register ptoattn ----------------------===//

#include "ptoattn-c/Registration.h"

#include "ptoattn/InitAll.h"

#include "mlir/CAPI/IR.h"

void ptoattnRegisterAllDialects(MlirDialectRegistry registry) {
  mlir::ptoattn::registerAllDialects(*unwrap(registry));
}

void ptoattnLoadAllDialects(MlirContext context) {
  unwrap(context)->loadDialect<mlir::ptoattn::attn::AttnDialect>();
  unwrap(context)->loadDialect<mlir::ptoattn::aicore::AICoreDialect>();
  unwrap(context)->loadDialect<mlir::ptoattn::orch::OrchDialect>();
}

void ptoattnRegisterAllPasses(void) { mlir::ptoattn::registerAllPasses(); }
