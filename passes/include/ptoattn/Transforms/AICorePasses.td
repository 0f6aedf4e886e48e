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

def AICorePlanMemory : Pass<"aicore-plan-memory", "func::FuncOp"> {
  let summary = "Assign every on-chip tile a byte offset in its buffer (TASSIGN addresses)";
  let description = [{
    For every kernel (a `func.func` with an `aicore.kernel` attribute),
    gives each `aicore.tile` without an `offset` the byte address of its
    storage in the buffer of its location: `mat` in L1, `left` in L0A,
    `right` in L0B, `acc` in L0C, `vec` in UB (below the UB scratch at
    184 KB). Offsets are 32-byte aligned and limits come from
    `ptoattn/Target/A2A3.h`.

    A tile lives from its declaration to its last use, where a use through a
    `tile_alias` or `treshape` view counts as a use of the tile, and a use
    nested in a region (an `scf.if` branch, an `scf.for` body) keeps the
    tile alive over the whole region op. Tiles whose live ranges do not
    overlap share bytes. Offsets already present are kept and accounted
    for. Allocation is first-fit in declaration order, so the output is
    deterministic; running the pass twice changes nothing.

    Each kernel records its high-water mark per buffer in
    `aicore.memory = {L1 = ..., UB = ...}` (bytes, only buffers it uses).
    A kernel whose live tiles do not fit is an error naming the kernel, the
    buffer, the bytes needed and available, and the largest tiles live at the
    peak. Functions without `aicore.kernel` are left alone.

    Before:
    ```mlir
    func.func @k() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
      %a = aicore.tile : !aicore.tile<vec, 16x128xf32>
      %b = aicore.tile : !aicore.tile<vec, 16x8xf32>
      aicore.texp ins(%a : !aicore.tile<vec, 16x128xf32>) outs(%a : !aicore.tile<vec, 16x128xf32>)
      ...
    }
    ```
    After:
    ```mlir
    func.func @k() attributes {aicore.kernel = #aicore.kernel<core = aiv>, aicore.memory = {UB = 8704 : i64}} {
      %a = aicore.tile offset 0 : !aicore.tile<vec, 16x128xf32>
      %b = aicore.tile offset 8192 : !aicore.tile<vec, 16x8xf32>
      ...
    }
    ```
  }];
  let dependentDialects = ["::mlir::ptoattn::aicore::AICoreDialect"];
  let options = [
    Option<"recordOverflow", "record-overflow", "bool", /*default=*/"false",
           "record the high-water mark of a buffer that does not fit in "
           "aicore.memory instead of failing, and place no tile (attn-check-target "
           "reads the footprints of the real kernels this way)">
  ];
}

def AICoreInsertSync : Pass<"aicore-insert-sync", "func::FuncOp"> {
  let summary = "Order the hardware pipes of an aicore kernel with flags and barriers";
  let description = [{
    Each aicore instruction runs on one hardware pipe (tload: MTE2; tmov
    mat->left/right: MTE1; tmatmul: M; tstore from acc and tmov acc->mat: FIX;
    tstore from vec/mat: MTE3; vector instructions: V). Pipes run
    concurrently, so every dependency between two instructions that touch
    overlapping on-chip bytes (read after write, write after read, write after
    write) on different pipes gets a `set_flag` after the producer and a
    `wait_flag` before the consumer; two dependent V instructions get a
    `pipe_barrier v` between them. Dependencies are computed on byte ranges
    (tile offset from `aicore-plan-memory` + size; `tile_alias`/`treshape`
    cover their source), so reused bytes produce write-after-read syncs.

    Every set/wait pair stays in one block: a region op (`scf.if`, `scf.for`)
    is one instruction on all of its pipes for the enclosing block, and its
    body is synchronised on its own. Event ids (at most 8 per pipe pair) are
    assigned in program order and reused once waited; a kernel that would need
    a ninth live id is rejected. Each kernel ends with `aicore.pipe_sync`
    before its return. Functions that already contain sync operations are left
    unchanged.

    Before:
    ```mlir
    aicore.tload ins(%q : !aicore.gm<...>) outs(%qm : !aicore.tile<mat, ...>)
    aicore.tmov ins(%qm : ...) outs(%ql : !aicore.tile<left, ...>)
    return
    ```
    After:
    ```mlir
    aicore.tload ins(%q : !aicore.gm<...>) outs(%qm : !aicore.tile<mat, ...>)
    aicore.set_flag mte2 -> mte1, event0
    aicore.wait_flag mte2 -> mte1, event0
    aicore.tmov ins(%qm : ...) outs(%ql : !aicore.tile<left, ...>)
    aicore.pipe_sync
    return
    ```
  }];
  let dependentDialects = ["::mlir::ptoattn::aicore::AICoreDialect"];
}

def AICoreVerifySync : Pass<"aicore-verify-sync", "func::FuncOp"> {
  let summary = "Check that an aicore kernel's pipe synchronisation is complete and balanced";
  let description = [{
    Verifies, on every control-flow path of a kernel (each `scf.if` branch;
    `scf.for` bodies run 0, 1 and 2 times), that:

    * every `wait_flag` consumes an earlier `set_flag` of the same
      (src, dst, event);
    * no flag is set twice without a wait in between;
    * no flag is still set when the kernel returns;
    * every pair of instructions on different pipes that touch overlapping
      on-chip bytes (one of them writing) is ordered by a chain of set/wait
      pairs, and every dependent pair of V instructions by a
      `pipe_barrier v`;
    * the kernel ends with `aicore.pipe_sync` (and any other store pipe is
      drained to S).

    Each violation is an error on the later operation with a note on the
    other one. The IR is never modified; the pass fails if it reports.

    Example:
    ```mlir
    aicore.tload ins(%g : ...) outs(%t : !aicore.tile<vec, ...>)
    // error: 'aicore.texp' op on pipe v reads bytes that 'aicore.tload' on
    //        pipe mte2 wrote, with no set_flag/wait_flag mte2 -> v chain between them
    aicore.texp ins(%t : ...) outs(%t : ...)
    ```
  }];
}

#endif // PTOATTN_TRANSFORMS_AICOREPASSES_TD
