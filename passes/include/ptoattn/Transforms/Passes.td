//===- Passes.td - ptoattn pass definitions ------------------*- tablegen -*-===//
//
// Every ptoattn pass, its flag, options and documentation. `-gen-pass-decls`
// generates the pass base classes, their option structs, `create...()`
// constructors and the registration used by ptoattn-opt and Python.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_TRANSFORMS_PASSES_TD
#define PTOATTN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def AttnCheckTarget : Pass<"attn-check-target"> {
  let summary = "Reject paged-attention configurations the a2a3 target cannot run";
  let description = [{
    Checks every `attn.paged_attention` against the a2a3 target description
    (`ptoattn/Target/A2A3.h`) and the tile sizes the pipeline will choose, and
    reports each violation as an error on the operation:

    * `head_dim` must be a multiple of 16 (the cube fractal) and at most 256;
    * `block_size` must be one of 16, 32, 64, 128, 256;
    * the `q-tile` option must be 0 (automatic), 16, 32 or 64;
    * every stage's live tiles must fit their on-chip buffer (L1 512 KB, L0A and
      L0B 64 KB, L0C 128 KB, UB 184 KB usable per AIV lane).

    The operation verifier rejects malformed IR (ranks, element types,
    inconsistent dimensions); this pass rejects well-formed configurations the
    target or the pipeline does not support. The IR is never modified.

    Example: head_dim 256 with block_size 256 needs a 256x256 K^T tile
    (128 KB) in L0B, which holds 64 KB:

    ```mlir
    // error: 'attn.paged_attention' op qk_matmul needs 131072 bytes of L0B
    // (K^T tile 256x256 bf16: 131072) but L0B holds 65536
    ```
  }];
  let options = [
    Option<"queryTile", "q-tile", "int64_t", /*default=*/"0",
           "Query-tile rows: 16, 32 or 64; 0 chooses the smallest tile that "
           "holds one KV-head group (as attn-tile does)">,
  ];
}

#endif // PTOATTN_TRANSFORMS_PASSES_TD
