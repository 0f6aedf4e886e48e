// Two attention layers of different configurations in one module: an MQA layer
// (16 query heads on 1 KV head, 128-row blocks) and a GQA layer (32 heads on 8 KV
// heads, 64-row blocks). Each lowers into its own kernel family and orchestration;
// `ptoattn compile` writes one output directory per function.
func.func @mqa_layer(%query: tensor<2x16x128xbf16>,
                     %key_cache: tensor<16x128x1x128xbf16>,
                     %value_cache: tensor<16x128x1x128xbf16>,
                     %block_table: tensor<2x4xi32>,
                     %context_lens: tensor<2xi32>,
                     %scale: f32) -> tensor<2x16x128xf32> {
  %out = attn.paged_attention query(%query) key_cache(%key_cache) value_cache(%value_cache)
           block_table(%block_table) context_lens(%context_lens) scale(%scale)
         : (tensor<2x16x128xbf16>, tensor<16x128x1x128xbf16>, tensor<16x128x1x128xbf16>,
            tensor<2x4xi32>, tensor<2xi32>, f32) -> tensor<2x16x128xf32>
  return %out : tensor<2x16x128xf32>
}

func.func @gqa_layer(%query: tensor<2x32x128xbf16>,
                     %key_cache: tensor<32x64x8x128xbf16>,
                     %value_cache: tensor<32x64x8x128xbf16>,
                     %block_table: tensor<2x8xi32>,
                     %context_lens: tensor<2xi32>,
                     %scale: f32) -> tensor<2x32x128xf32> {
  %out = attn.paged_attention query(%query) key_cache(%key_cache) value_cache(%value_cache)
           block_table(%block_table) context_lens(%context_lens) scale(%scale)
         : (tensor<2x32x128xbf16>, tensor<32x64x8x128xbf16>, tensor<32x64x8x128xbf16>,
            tensor<2x8xi32>, tensor<2xi32>, f32) -> tensor<2x32x128xf32>
  return %out : tensor<2x32x128xf32>
}
