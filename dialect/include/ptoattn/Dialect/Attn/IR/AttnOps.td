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

#endif // PTOATTN_DIALECT_ATTN_IR_ATTNOPS_TD
