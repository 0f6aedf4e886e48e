//===- AttnDialect.td - the attn dialect and its base op class -*- tablegen -*-===//
//
// The `attn` dialect holds the user-facing paged-attention operation and, after
// tiling, the tile-stage operations the rest of the pipeline lowers.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_DIALECT_ATTN_IR_ATTNDIALECT_TD
#define PTOATTN_DIALECT_ATTN_IR_ATTNDIALECT_TD

include "mlir/IR/OpBase.td"

def Attn_Dialect : Dialect {
  let name = "attn";
  let cppNamespace = "::mlir::ptoattn::attn";
  let summary = "Paged decode attention and its tile stages";
  let description = [{
    The entry dialect of ptoattn. `attn.paged_attention` states the whole
    computation on tensors; `attn-tile` rewrites it into a loop nest over
    query tiles and KV-cache blocks built from tile-stage operations.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

class Attn_Op<string mnemonic, list<Trait> traits = []>
    : Op<Attn_Dialect, mnemonic, traits>;

#endif // PTOATTN_DIALECT_ATTN_IR_ATTNDIALECT_TD
