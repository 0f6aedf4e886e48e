//===- Registration.cpp - C API to register ptoattn ----------------------===//

#include "ptoattn-c/Registration.h"

#include "ptoattn/InitAll.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Support.h"
#include "mlir/CAPI/Utils.h"
#include "mlir/Target/Cpp/CppEmitter.h"

void ptoattnRegisterAllDialects(MlirDialectRegistry registry) {
  mlir::ptoattn::registerAllDialects(*unwrap(registry));
}

void ptoattnLoadAllDialects(MlirContext context) {
  unwrap(context)->loadDialect<mlir::ptoattn::attn::AttnDialect>();
  unwrap(context)->loadDialect<mlir::ptoattn::aicore::AICoreDialect>();
  unwrap(context)->loadDialect<mlir::ptoattn::orch::OrchDialect>();
}

void ptoattnRegisterAllPasses(void) { mlir::ptoattn::registerAllPasses(); }

MlirLogicalResult ptoattnTranslateToCpp(MlirOperation op, MlirStringRef fileId,
                                        MlirStringCallback callback, void *userData) {
  mlir::detail::CallbackOstream stream(callback, userData);
  return wrap(mlir::emitc::translateToCpp(unwrap(op), stream,
                                          /*declareVariablesAtTop=*/false, unwrap(fileId)));
}
