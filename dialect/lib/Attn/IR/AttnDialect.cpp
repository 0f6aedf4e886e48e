//===- AttnDialect.cpp - the attn dialect ------------------------------------===//
//
// Registers the operations of the `attn` dialect.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Dialect/Attn/IR/Attn.h"

using namespace mlir;
using namespace mlir::ptoattn::attn;

#include "ptoattn/Dialect/Attn/IR/AttnDialect.cpp.inc"

void AttnDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "ptoattn/Dialect/Attn/IR/AttnOps.cpp.inc"
      >();
}
