//===- Passes.td - ptoattn pass definitions ------------------*- tablegen -*-===//
//
// Every ptoattn pass, its flag, options and documentation. `-gen-pass-decls`
// generates the pass base classes, their option structs, `create...()`
// constructors and the registration used by ptoattn-opt and Python.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_TRANSFORMS_PASSES_TD
#define PTOATTN_TRANSFORMS_PASSES_TD

// The allowed values of the enum options (PTOATTN_*_VALUES) are defined in
// ptoattn/Transforms/PassOptions.h, shared with the pipeline's options.

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
    * every static extent, and the row strides `num_heads x head_dim` and
      `block_size x num_kv_heads x head_dim`, must fit the uint32 fields of the
      runtime's tensor descriptors (at most 4294967295);
    * every stage's kernel must fit the on-chip buffers (L1 512 KB, L0A and
      L0B 64 KB, L0C 128 KB, UB 184 KB usable per AIV lane): a copy of the
      operation is lowered in a scratch module (attn-tile, attn-assign-cores,
      aicore-plan-memory{record-overflow}) and each kernel's planned
      `aicore.memory` is compared with the target; the message names the
      parameters that size the overflowing tiles and the supported values of
      block_size and q-tile with which the stage fits.

    The operation verifier rejects malformed IR (ranks, element types,
    inconsistent dimensions); this pass rejects well-formed configurations the
    target or the pipeline does not support. The IR is left as it was.

    Example: head_dim 256 with block_size 256 needs a 256x256 K^T tile
    (128 KB) in L0B, which holds 64 KB:

    ```mlir
    // error: 'attn.paged_attention' op qk_matmul needs 131072 bytes of L0B
    // (its kernel's largest tiles there: 256x256xbf16: 131072) but L0B holds
    // 65536; change head_dim or block_size; it fits with block_size 16, 32,
    // 64 or 128
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect", "::mlir::func::FuncDialect",
                           "::mlir::ptoattn::aicore::AICoreDialect"];
  let options = [
    Option<"queryTile", "q-tile", "::mlir::ptoattn::target::QueryTileOption",
           /*default=*/"::mlir::ptoattn::target::QueryTileOption::Auto",
           "Query-tile rows: 16, 32 or 64; 0 chooses the smallest tile that "
           "holds one KV-head group (as attn-tile does)",
           "PTOATTN_QUERY_TILE_VALUES">,
  ];
}

def AttnTile : Pass<"attn-tile", "func::FuncOp"> {
  let summary = "Tile paged attention into query tiles and KV steps of one or more blocks";
  let description = [{
    Rewrites each `attn.paged_attention` into a loop nest over tiles:

    * `scf.forall` over the parallel dimensions (batch, KV head, query tile
      within the KV head's group). A query tile holds rows of the heads that
      share one KV head (GQA), padded with zero rows up to `q-tile` rows
      (16, 32 or 64);
    * `scf.for` over the sequence's KV steps, bounded at run time by
      `ceil(context_lens[b] / (N * block_size))` with N = `kv-blocks-per-task`;
      a step reads one cache block (`block_table[b, j]`) of keys and values,
      or, for N > 1, gathers the step's blocks `j * N + i` (only those below
      the context length) in an inner `scf.for`;
    * the four tile stages `attn.qk_matmul`, `attn.softmax_prepare`,
      `attn.pv_matmul` and `attn.online_update`, with the valid column count
      of a partial last block and the first/last-block flags as explicit
      values.

    Only the real (unpadded) rows of each query tile are inserted into the
    result, so padding rows never reach the output. A sequence of length 0
    runs no KV step and produces zeros.

    With `kv-splits=S` (S > 1, flash-decoding), each tile's KV loop becomes
    a nested `scf.forall` over S parts: part `s` runs blocks
    `[s * per, min((s + 1) * per, n))` of the sequence's own `n` blocks,
    `per = ceil(n / S)`, with `last = false` so its state `(m, l, O)` stays
    un-normalised; `attn.merge_partials` combines the S states of the tile.

    Before:
    ```mlir
    %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v)
             block_table(%bt) context_lens(%lens) scale(%s) : (...) -> tensor<4x16x128xf32>
    ```
    After (abridged):
    ```mlir
    %out = scf.forall (%b, %g, %t) in (4, 1, 1) shared_outs(%acc = %empty) -> (tensor<4x16x128xf32>) {
      %q_tile = tensor.extract_slice %q[%b, %h0, 0] [1, 16, 128] [1, 1, 1]
      %n = arith.ceildivui %len, %c128 : index
      %r:3 = scf.for %j = %c0 to %n step %c1 iter_args(%m = %m0, %l = %l0, %o = %o0) -> (...) {
        %s = attn.qk_matmul %q_tile, %k_blk : ...
        %p, %mi, %li = attn.softmax_prepare %s valid_cols(%valid) scale(%s) : ...
        %oi = attn.pv_matmul %p, %v_blk : ...
        %u:3 = attn.online_update block(%mi, %li, %oi) acc(%m, %l, %o) first(%first) last(%last) : ...
        scf.yield %u#0, %u#1, %u#2 : ...
      }
      scf.forall.in_parallel { tensor.parallel_insert_slice %r#2 into %acc[%b, %h0, 0] [1, 16, 128] [1, 1, 1] : ... }
    }
    ```
  }];
  let options = [
    Option<"queryTile", "q-tile", "::mlir::ptoattn::target::QueryTileOption",
           /*default=*/"::mlir::ptoattn::target::QueryTileOption::Auto",
           "Query-tile rows: 16, 32 or 64; 0 chooses the smallest tile that "
           "holds one KV-head group (64 with several tiles when none does)",
           "PTOATTN_QUERY_TILE_VALUES">,
    Option<"kvSplits", "kv-splits", "int64_t", /*default=*/"1",
           "Split-KV parts per sequence (1 to 16): each part's KV blocks run as "
           "an independent chain, attn.merge_partials combines them">,
    Option<"kvBlocksPerTask", "kv-blocks-per-task", "int64_t", /*default=*/"1",
           "Consecutive cache blocks of a sequence one KV step (one task of "
           "each stage) covers; the last step of a sequence covers the rest">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def AttnAssignCores : Pass<"attn-assign-cores", "ModuleOp"> {
  let summary = "Outline the tile stages into AIC and dual-lane AIV kernels";
  let description = [{
    For each tiled paged-attention nest (an `scf.forall` over the query tiles
    holding an `scf.for` over KV steps with the four stage ops, as `attn-tile`
    makes it; found by structure, never by the function's signature), one
    rewrite pattern per stage op outlines its kernel function in the `aicore`
    dialect and makes the op name it:

    * `qk_matmul` and `pv_matmul` run on the cube core
      (`#aicore.kernel<core = aic>`, one lane): TLOAD of the operands into L1
      (the query rows into a zero-padded NZ tile, K through a DN view, which
      gives K^T), TMOV to L0A/L0B, TMATMUL into L0C, TSTORE;
    * `softmax_prepare` and `online_update` run on the two vector cores of a
      cluster (`#aicore.kernel<core = aiv, lanes = 2>`): lane
      `get_sub_block_id` takes half of the query tile's rows (8 + 8 for a
      16-row tile); its per-row scalars sit in a GM slot of its own, padded
      to 64 bytes, so the lanes never share a line.

    Kernel arguments follow `KernelABI.h` for the chosen `strategy`; both are
    recorded in each kernel's `#aicore.kernel` (`strategy`, and `args` as
    typed entries `#aicore.arg<in "query" : bf16>`), where attn-orchestrate
    reads the strategy:
    under `spmd` a kernel derives its tile from `get_block_idx`, reads the
    block table and the context length itself and does nothing for a KV step
    past its sequence's end; under `per-tile` it works on the views and
    scalars the orchestration passes.

    Tiles are declared without addresses (`aicore-plan-memory` assigns them)
    and without pipe synchronisation (`aicore-insert-sync` adds it).

    A query tile whose rows do not split into two lanes of a multiple of 8
    rows is rejected: per-row scalars are padded to 8 fp32 columns.
  }];
  let options = [
    Option<"strategy", "strategy", "::mlir::ptoattn::aicore::Strategy",
           /*default=*/"::mlir::ptoattn::aicore::Strategy::Spmd",
           "Orchestration strategy the kernels are addressed for (recorded in "
           "each kernel's #aicore.kernel; attn-orchestrate reads it there)",
           "PTOATTN_STRATEGY_VALUES">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::scf::SCFDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::ptoattn::aicore::AICoreDialect"];
}

def AttnOrchestrate : Pass<"attn-orchestrate", "ModuleOp"> {
  let summary = "Build the ring-buffer orchestration of the tiled paged attention";
  let description = [{
    Builds, for each tiled paged-attention nest (found by structure, as
    attn-assign-cores finds it) whose stage ops name their kernels, an
    orchestration function in the `orch` dialect for simpler's
    `tensormap_and_ringbuffer` runtime, taking the target's arguments
    `query, key_cache, value_cache, block_table, context_lens, out` and the
    scalar `scale` (the tensors the stages read, by role); the function that
    held the nests is then removed.

    Strategies (read from the kernels' `#aicore.kernel`, which must agree):

    * `spmd`: the number of KV steps is `max(1, max_b ceil(len_b / block))`
      (blocking reads of `context_lens`). Per step, in its own scope, fresh
      intermediates are allocated and four tasks cover every (batch, KV head,
      query tile) block at once: QK (AIC), softmax (MIX on both AIV lanes),
      PV (AIC), update (MIX). The kernels read the block table and the
      lengths themselves; a block whose sequence has ended does nothing.
    * `per-tile`: loops over (batch, KV head, query tile) and the tile's KV
      steps on the host; each step's tasks get views of exactly the query
      rows, the cache block (`block_table[b, j]`, read on the host) and the
      output rows.

    Every task writes only tensors it does not read (its outputs are fresh
    allocations or the running state passed `inout`), and every intermediate
    is allocated in the scope of the step that uses it, so no buffer is
    reused while a reader may be pending: the runtime's RAW/WAW tracking is
    sufficient.

    Ring sizing: each scope gets `ring <task_slots, heap_bytes, dep_entries>`:
    tasks it submits directly (allocations count one each), the heap bytes of
    its allocations (each tensor rounded up to 1024 bytes), and two
    dependency entries per tensor argument (its creator and its last writer).
    A scope that exceeds `ring-task-window - 1` slots, `ring-heap` bytes or
    `ring-dep-pool` entries is an error naming the scope, the need and the
    limit.

    SPMD launch size (`spmd`, option `spmd-blocks`): the kernels loop over
    their tiles grid-stride (tile = block index, + block count, ... below the
    tile count), so any block count covers every tile. `clusters` (the
    default) launches min(tiles, clusters of the module's `aicore.target`)
    blocks (24 on 910B1/B2, 20 on 910B3/B4; a runtime minimum when the batch
    is dynamic): one AICore start-up per cluster instead of one per tile.
    `tiles` launches one block per tile, which the runtime dispatches
    dynamically; it is rejected when that count does not fit the runtime's
    int16 block count. Buffers are always sized per tile.

    Bounded run-ahead (`spmd`): when the KV steps' intermediates together
    exceed `ring-heap` (computed at run time from the step count), each step
    waits (`orch.wait` on the running sum) for the previous step's update
    before submitting its own, so the orchestration never fills the heap.
  }];
  let options = [
    Option<"ringTaskWindow", "ring-task-window", "int64_t",
           /*default=*/"::mlir::ptoattn::target::kDefaultRingTaskWindow",
           "Task-window slots per ring (PTO2_RING_TASK_WINDOW)">,
    Option<"ringHeap", "ring-heap", "int64_t",
           /*default=*/"::mlir::ptoattn::target::kDefaultRingHeapBytes",
           "Heap bytes per ring (PTO2_RING_HEAP)">,
    Option<"ringDepPool", "ring-dep-pool", "int64_t",
           /*default=*/"::mlir::ptoattn::target::kDefaultRingDepPool",
           "Dependency-list entries per ring (PTO2_RING_DEP_POOL)">,
    Option<"maxBatch", "max-batch", "int64_t", /*default=*/"0",
           "Largest batch to size rings for when the batch is dynamic (spmd)">,
    Option<"maxKvBlocks", "max-kv-blocks", "int64_t", /*default=*/"0",
           "Largest number of KV blocks of a sequence (the block table's width), "
           "bounding the dependency-pool need; 0: unbounded">,
    Option<"spmdBlocks", "spmd-blocks", "::mlir::ptoattn::SpmdBlocks",
           /*default=*/"::mlir::ptoattn::SpmdBlocks::Clusters",
           "Blocks of an spmd launch: clusters (min(tiles, the target's "
           "clusters), the kernels loop over their tiles) or tiles (one each)",
           "PTOATTN_SPMD_BLOCKS_VALUES">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::scf::SCFDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::ptoattn::orch::OrchDialect"];
}

#endif // PTOATTN_TRANSFORMS_PASSES_TD
