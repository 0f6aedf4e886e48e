// The reference configuration: batch 4, 16 query heads on 1 KV head (MQA),
// head_dim 128, 128-row cache blocks; cache size and table width are dynamic.
func.func @paged_attention(%query: tensor<4x16x128xbf16>,
                           %key_cache: tensor<?x128x1x128xbf16>,
                           %value_cache: tensor<?x128x1x128xbf16>,
                           %block_table: tensor<4x?xi32>,
                           %context_lens: tensor<4xi32>,
                           %scale: f32) -> tensor<4x16x128xf32> {
  %out = attn.paged_attention query(%query) key_cache(%key_cache) value_cache(%value_cache)
           block_table(%block_table) context_lens(%context_lens) scale(%scale)
         : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>,
            tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return %out : tensor<4x16x128xf32>
}
