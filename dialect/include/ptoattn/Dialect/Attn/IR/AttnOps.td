//===- AttnOps.td - attn dialect operations ------------------*- tablegen -*-===//
//
// Operations of the `attn` dialect. Operand types are deliberately loose in ODS
// (ranked tensors) so that the verifier can name the operand, the dimension and
// the expected value in its messages instead of ODS's generic constraint text.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_DIALECT_ATTN_IR_ATTNOPS_TD
#define PTOATTN_DIALECT_ATTN_IR_ATTNOPS_TD

include "ptoattn/Dialect/Attn/IR/AttnDialect.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// PagedAttentionOp
//===----------------------------------------------------------------------===//

def Attn_PagedAttentionOp : Attn_Op<"paged_attention", [Pure]> {
  let summary = "paged-KV decode attention with block tables and GQA";
  let description = [{
    One decode step of attention over a paged KV cache. For every sequence `b`
    and query head `h`, with KV head `g = h / (num_heads / num_kv_heads)`:

    ```
    out[b, h] = sum_j softmax_j(scale * query[b, h] . k_j) * v_j,   j < context_lens[b]
    ```

    where position `j` lives in cache block `block_table[b, j / block_size]`,
    row `j % block_size`, of `key_cache` / `value_cache`. A sequence with
    `context_lens[b] == 0` produces zeros.

    | operand        | shape                                              | element  |
    |----------------|----------------------------------------------------|----------|
    | `query`        | `[batch, num_heads, head_dim]`                     | bf16/f16 |
    | `key_cache`    | `[num_blocks, block_size, num_kv_heads, head_dim]` | = query  |
    | `value_cache`  | same as `key_cache`                                | = query  |
    | `block_table`  | `[batch, max_blocks_per_seq]`                      | i32      |
    | `context_lens` | `[batch]`                                          | i32      |
    | `scale`        | scalar                                             | f32      |
    | result         | `[batch, num_heads, head_dim]`                     | f32      |

    `batch`, `num_blocks` and `max_blocks_per_seq` may be dynamic;
    `num_heads`, `num_kv_heads`, `head_dim` and `block_size` must be static,
    and `num_heads` must be a multiple of `num_kv_heads`.

    The verifier checks only that the operation is well formed. Whether the
    a2a3 target and the pipeline support a configuration is checked by the
    `attn-check-target` pass.

    Example (MQA: 16 query heads share one KV head):

    ```mlir
    %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v)
             block_table(%bt) context_lens(%lens) scale(%scale)
           : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>,
              tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32)
           -> tensor<4x16x128xf32>
    ```
  }];

  let arguments = (ins
    AnyRankedTensor:$query,
    AnyRankedTensor:$key_cache,
    AnyRankedTensor:$value_cache,
    AnyRankedTensor:$block_table,
    AnyRankedTensor:$context_lens,
    F32:$scale
  );
  let results = (outs AnyRankedTensor:$result);

  let assemblyFormat = [{
    `query` `(` $query `)` `key_cache` `(` $key_cache `)`
    `value_cache` `(` $value_cache `)` `block_table` `(` $block_table `)`
    `context_lens` `(` $context_lens `)` `scale` `(` $scale `)` attr-dict
    `:` functional-type(operands, results)
  }];

  let extraClassDeclaration = [{
    /// Static problem sizes; valid only on verified operations.
    int64_t getNumHeads() { return getQuery().getType().getDimSize(1); }
    int64_t getHeadDim() { return getQuery().getType().getDimSize(2); }
    int64_t getBlockSize() { return getKeyCache().getType().getDimSize(1); }
    int64_t getNumKvHeads() { return getKeyCache().getType().getDimSize(2); }
    /// Query heads sharing one KV head.
    int64_t getGroupSize() { return getNumHeads() / getNumKvHeads(); }
    /// Batch size, or ShapedType::kDynamic.
    int64_t getBatch() { return getQuery().getType().getDimSize(0); }
  }];

  let hasVerifier = 1;
}


//===----------------------------------------------------------------------===//
// Tile-stage operations (produced by attn-tile)
//===----------------------------------------------------------------------===//

def Attn_FloatTile : RankedTensorOf<[BF16, F16, F32], [HasStaticShapePred]>;

/// A tile stage: after attn-assign-cores it names the kernel function that
/// runs it, whose `#aicore.kernel` core must match the stage's.
class Attn_StageOp<string mnemonic, string coreType, list<Trait> traits = []>
    : Attn_Op<mnemonic, !listconcat(traits, [Pure,
        DeclareOpInterfaceMethods<SymbolUserOpInterface>])> {
  /// "aic" for the matmuls, "aiv" for the vector stages.
  string stageCoreType = coreType;
  let extraClassDeclaration = [{
    /// The core type a kernel running this stage must have.
    static constexpr ::llvm::StringLiteral kCoreType = "}] # coreType # [{";
  }];
}
def Attn_RowVector : RankedTensorOf<[F32], [HasStaticShapePred, HasAnyRankOfPred<[1]>]>;

def Attn_QKMatmulOp : Attn_StageOp<"qk_matmul", "aic"> {
  let summary = "S = Q . K^T for one query tile and one KV block, in fp32";
  let description = [{
    Multiplies a query tile `[rows, head_dim]` by the transpose of one cache
    block of keys `[block_size, head_dim]`, accumulating in fp32 (cube core).
    The scale is not applied here: `softmax_prepare` applies it.

    After `attn-assign-cores`, `kernel @name` names the kernel function that
    runs this stage; the verifier checks it is a `func.func` whose
    `#aicore.kernel` core matches the stage (`aic` for the matmuls, `aiv` for
    the vector stages).

    ```mlir
    %s = attn.qk_matmul %q, %k : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
    ```
  }];
  let arguments = (ins Attn_FloatTile:$query, Attn_FloatTile:$key,
                       OptionalAttr<FlatSymbolRefAttr>:$kernel);
  let results = (outs Attn_FloatTile:$scores);
  let assemblyFormat = [{
    $query `,` $key (`kernel` $kernel^)? attr-dict
    `:` type($query) `,` type($key) `->` type($scores)
  }];
  let hasVerifier = 1;
}

def Attn_SoftmaxPrepareOp : Attn_StageOp<"softmax_prepare", "aiv"> {
  let summary = "scale, mask, block-local row max, exp, round P, row sum";
  let description = [{
    The vector half of one KV step before the PV matmul. With `s` the scores
    `[rows, block_size]` and `valid_cols` the number of leading columns that
    hold real positions (the rest of a partial last block is masked):

    ```
    x      = scale * s            (columns >= valid_cols: -inf)
    row_max = max_j x             (block-local; -inf never survives: valid_cols >= 1)
    p       = round(exp(x - row_max))   to the probability element type
    row_sum = sum_j p             (over the rounded values)
    ```

    `valid_cols` must be in [1, block_size]; a block with no valid column is
    never processed.

    After `attn-assign-cores`, `kernel @name` names the kernel function that
    runs this stage; the verifier checks it is a `func.func` whose
    `#aicore.kernel` core matches the stage (`aic` for the matmuls, `aiv` for
    the vector stages).

    ```mlir
    %p, %m, %l = attn.softmax_prepare %s valid_cols(%n) scale(%scale)
        : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
    ```
  }];
  let arguments = (ins Attn_FloatTile:$scores, Index:$valid_cols, F32:$scale,
                       OptionalAttr<FlatSymbolRefAttr>:$kernel);
  let results = (outs Attn_FloatTile:$probs, Attn_RowVector:$row_max,
                      Attn_RowVector:$row_sum);
  let assemblyFormat = [{
    $scores `valid_cols` `(` $valid_cols `)` `scale` `(` $scale `)`
    (`kernel` $kernel^)? attr-dict
    `:` type($scores) `->` type($probs) `,` type($row_max) `,` type($row_sum)
  }];
  let hasVerifier = 1;
}

def Attn_PVMatmulOp : Attn_StageOp<"pv_matmul", "aic"> {
  let summary = "O_i = P . V for one query tile and one KV block, in fp32";
  let description = [{
    Multiplies the rounded probabilities `[rows, block_size]` by one cache
    block of values `[block_size, head_dim]`, accumulating in fp32 (cube core).
    Masked columns of P are exactly zero, so padding rows of V never contribute.

    After `attn-assign-cores`, `kernel @name` names the kernel function that
    runs this stage; the verifier checks it is a `func.func` whose
    `#aicore.kernel` core matches the stage (`aic` for the matmuls, `aiv` for
    the vector stages).

    ```mlir
    %o = attn.pv_matmul %p, %v : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
    ```
  }];
  let arguments = (ins Attn_FloatTile:$probs, Attn_FloatTile:$value,
                       OptionalAttr<FlatSymbolRefAttr>:$kernel);
  let results = (outs Attn_FloatTile:$block_out);
  let assemblyFormat = [{
    $probs `,` $value (`kernel` $kernel^)? attr-dict
    `:` type($probs) `,` type($value) `->` type($block_out)
  }];
  let hasVerifier = 1;
}

def Attn_OnlineUpdateOp : Attn_StageOp<"online_update", "aiv", [
    AllTypesMatch<["block_row_max", "block_row_sum", "row_max", "row_sum",
                   "new_row_max", "new_row_sum"]>,
    AllTypesMatch<["block_out", "out", "new_out"]>]> {
  let summary = "merge one KV block into the running (max, sum, output); normalise on the last";
  let description = [{
    Online-softmax merge of a block's `(row_max_i, row_sum_i, out_i)` into the
    accumulators `(row_max, row_sum, out)`:

    ```
    m  = is_first ? m_i : max(row_max, m_i)
    a  = is_first ? 0   : exp(row_max - m)
    b  = exp(m_i - m)
    l  = a * row_sum + b * l_i
    o  = a * out + b * out_i
    if is_last: o = o / l
    ```

    `is_first` and `is_last` are explicit values computed from the KV-block
    index and the sequence length, so the first block never reads the
    accumulators' initial values and the output is normalised exactly once.

    After `attn-assign-cores`, `kernel @name` names the kernel function that
    runs this stage; the verifier checks it is a `func.func` whose
    `#aicore.kernel` core matches the stage (`aic` for the matmuls, `aiv` for
    the vector stages).

    ```mlir
    %m, %l, %o = attn.online_update block(%mi, %li, %oi) acc(%m0, %l0, %o0)
                   first(%first) last(%last)
        : tensor<16xf32>, tensor<16x128xf32>
    ```
  }];
  let arguments = (ins Attn_RowVector:$block_row_max, Attn_RowVector:$block_row_sum,
                       Attn_FloatTile:$block_out, Attn_RowVector:$row_max,
                       Attn_RowVector:$row_sum, Attn_FloatTile:$out, I1:$is_first,
                       I1:$is_last, OptionalAttr<FlatSymbolRefAttr>:$kernel);
  let results = (outs Attn_RowVector:$new_row_max, Attn_RowVector:$new_row_sum,
                      Attn_FloatTile:$new_out);
  let assemblyFormat = [{
    `block` `(` $block_row_max `,` $block_row_sum `,` $block_out `)`
    `acc` `(` $row_max `,` $row_sum `,` $out `)`
    `first` `(` $is_first `)` `last` `(` $is_last `)` (`kernel` $kernel^)? attr-dict
    `:` type($row_max) `,` type($out)
  }];
  let hasVerifier = 1;
}

def Attn_MergePartialsOp : Attn_StageOp<"merge_partials", "aiv", [
    AllTypesMatch<["part_max", "part_sum"]>]> {
  let summary = "combine the partial results of a split KV range (log-sum-exp merge)";
  let description = [{
    Split-KV (flash-decoding): each of the `S` parts of a sequence's KV range
    is run by its own chain of stages, which leaves the part's online-softmax
    state un-normalised: row max `m_s`, row sum `l_s` and output `o_s`
    (`sum_j exp(x_j - m_s) v_j` over the part's positions). This op merges the
    parts of one query tile and normalises:

    ```
    M   = max_s m_s
    w_s = exp(m_s - M)
    out = (sum_s w_s o_s) / max(sum_s w_s l_s, 1)
    ```

    An empty part (a short sequence has fewer blocks than parts) holds the
    initial state `(-1e30, 0, 0)`: its weight is 0 next to any non-empty part,
    so it contributes nothing. Whenever some part is non-empty the sum is at
    least 1 (the part holding the row max contributes `exp(0) x l_s` with
    `l_s >= 1`), so the clamp changes nothing there; when every part is empty
    (length 0) it turns 0/0 into 0 rows, as the unsplit chain gives.

    After `attn-assign-cores`, `kernel @name` names the kernel function that
    runs this stage (an `aiv` kernel: both lanes, half the rows each).

    ```mlir
    %o = attn.merge_partials max(%m) sum(%l) out(%o_parts)
        : tensor<4x16xf32>, tensor<4x16x128xf32> -> tensor<16x128xf32>
    ```
  }];
  let arguments = (ins Attn_FloatTile:$part_max, Attn_FloatTile:$part_sum,
                       Attn_FloatTile:$part_out, OptionalAttr<FlatSymbolRefAttr>:$kernel);
  let results = (outs Attn_FloatTile:$result);
  let assemblyFormat = [{
    `max` `(` $part_max `)` `sum` `(` $part_sum `)` `out` `(` $part_out `)`
    (`kernel` $kernel^)? attr-dict
    `:` type($part_max) `,` type($part_out) `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// The core type a kernel running this stage must have.
    static constexpr ::llvm::StringLiteral kCoreType = "aiv";
    /// The number of parts merged.
    int64_t getNumParts() { return getPartOut().getType().getDimSize(0); }
  }];
  let hasVerifier = 1;
}

#endif // PTOATTN_DIALECT_ATTN_IR_ATTNOPS_TD
