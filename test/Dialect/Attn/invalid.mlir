// RUN: ptoattn-opt %s -split-input-file -verify-diagnostics

// Every verifier error of attn.paged_attention, one per case. The valid baseline is MQA:
// query 4x16x128 bf16, caches ?x128x1x128 bf16, table 4x?, lengths 4, result 4x16x128 f32.

func.func @query_rank(%q: tensor<16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{query must have rank 3 [batch, num_heads, head_dim], got rank 2}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @key_cache_rank(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{key_cache must have rank 4 [num_blocks, block_size, num_kv_heads, head_dim], got rank 3}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @value_cache_rank(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{value_cache must have rank 4 [num_blocks, block_size, num_kv_heads, head_dim], got rank 5}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @block_table_rank(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{block_table must have rank 2 [batch, max_blocks_per_seq], got rank 1}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @context_lens_rank(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4x1xi32>, %scale: f32) {
  // expected-error @+1 {{context_lens must have rank 1 [batch], got rank 2}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4x1xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @result_rank(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{result must have rank 3 [batch, num_heads, head_dim], got rank 2}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x2048xf32>
  return
}

// -----

func.func @query_element_type(%q: tensor<4x16x128xf32>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{query element type must be bf16 or f16, got 'f32'}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xf32>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @key_cache_element_type(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{key_cache element type must match query ('bf16'), got 'f16'}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @value_cache_element_type(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{value_cache element type must match query ('bf16'), got 'f16'}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @block_table_element_type(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi64>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{block_table element type must be i32, got 'i64'}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi64>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @context_lens_element_type(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xui32>, %scale: f32) {
  // expected-error @+1 {{context_lens element type must be i32, got 'ui32'}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xui32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @result_element_type(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{result element type must be f32, got 'bf16'}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xbf16>
  return
}

// -----

func.func @dynamic_num_heads(%q: tensor<4x?x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{query dim 1 (num_heads) must be static}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x?x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x?x128xf32>
  return
}

// -----

func.func @dynamic_head_dim(%q: tensor<4x16x?xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{query dim 2 (head_dim) must be static}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x?xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x?xf32>
  return
}

// -----

func.func @dynamic_block_size(%q: tensor<4x16x128xbf16>, %k: tensor<?x?x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{key_cache dim 1 (block_size) must be static}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x?x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @dynamic_kv_heads(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x?x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{value_cache dim 2 (num_kv_heads) must be static}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x?x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @dynamic_cache_head_dim(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x?xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{key_cache dim 3 (head_dim) must be static}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x?xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @zero_heads(%q: tensor<4x0x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{query dim 1 (num_heads) must be positive, got 0}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x0x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x0x128xf32>
  return
}

// -----

func.func @zero_batch(%q: tensor<0x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<0x?xi32>, %lens: tensor<0xi32>, %scale: f32) {
  // expected-error @+1 {{query dim 0 (batch) must be positive, got 0}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<0x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<0x?xi32>, tensor<0xi32>, f32) -> tensor<0x16x128xf32>
  return
}

// -----

func.func @zero_cache_blocks(%q: tensor<4x16x128xbf16>, %k: tensor<0x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{key_cache dim 0 (num_blocks) must be positive, got 0}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<0x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @zero_table_width(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x0xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{block_table dim 1 (max_blocks_per_seq) must be positive, got 0}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x0xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @cache_head_dim_mismatch(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x64xbf16>, %v: tensor<?x128x1x64xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{key_cache dim 3 (head_dim) must equal query dim 2 (head_dim) = 128, got 64}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x64xbf16>, tensor<?x128x1x64xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @value_block_size_mismatch(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x64x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{value_cache dim 1 (block_size) must equal key_cache dim 1 (block_size) = 128, got 64}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x64x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @value_num_blocks_mismatch(%q: tensor<4x16x128xbf16>, %k: tensor<32x128x1x128xbf16>, %v: tensor<16x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{value_cache dim 0 (num_blocks) must equal key_cache dim 0 (num_blocks) = 32, got 16}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<32x128x1x128xbf16>, tensor<16x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @block_table_batch_mismatch(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<3x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{block_table dim 0 (batch) must equal query dim 0 (batch) = 4, got 3}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<3x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @context_lens_batch_mismatch(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<5xi32>, %scale: f32) {
  // expected-error @+1 {{context_lens dim 0 (batch) must equal query dim 0 (batch) = 4, got 5}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<5xi32>, f32) -> tensor<4x16x128xf32>
  return
}

// -----

func.func @result_heads_mismatch(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{result dim 1 (num_heads) must equal query dim 1 (num_heads) = 16, got 8}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x8x128xf32>
  return
}

// -----

func.func @heads_not_multiple_of_kv_heads(%q: tensor<4x10x128xbf16>, %k: tensor<?x128x4x128xbf16>, %v: tensor<?x128x4x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) {
  // expected-error @+1 {{query dim 1 (num_heads) = 10 must be a multiple of key_cache dim 2 (num_kv_heads) = 4}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x10x128xbf16>, tensor<?x128x4x128xbf16>, tensor<?x128x4x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x10x128xf32>
  return
}

// -----

func.func @scale_not_f32(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f16) {
  // expected-error @+1 {{operand #5 must be 32-bit float, but got 'f16'}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f16) -> tensor<4x16x128xf32>
  return
}

// -----

// Tile-stage operations.

func.func @qk_matmul_head_dim_mismatch(%q: tensor<16x128xbf16>, %k: tensor<128x64xbf16>) {
  // expected-error @+1 {{key dim 1 must equal query dim 1 = 128, got 64}}
  %s = attn.qk_matmul %q, %k : tensor<16x128xbf16>, tensor<128x64xbf16> -> tensor<16x128xf32>
  return
}

// -----

func.func @qk_matmul_element_mismatch(%q: tensor<16x128xbf16>, %k: tensor<128x128xf16>) {
  // expected-error @+1 {{key element type must match query ('bf16'), got 'f16'}}
  %s = attn.qk_matmul %q, %k : tensor<16x128xbf16>, tensor<128x128xf16> -> tensor<16x128xf32>
  return
}

// -----

func.func @qk_matmul_result_shape(%q: tensor<16x128xbf16>, %k: tensor<64x128xbf16>) {
  // expected-error @+1 {{result must be 16x64, got 16x128}}
  %s = attn.qk_matmul %q, %k : tensor<16x128xbf16>, tensor<64x128xbf16> -> tensor<16x128xf32>
  return
}

// -----

func.func @qk_matmul_result_not_f32(%q: tensor<16x128xbf16>, %k: tensor<128x128xbf16>) {
  // expected-error @+1 {{result element type must be f32, got 'bf16'}}
  %s = attn.qk_matmul %q, %k : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xbf16>
  return
}

// -----

func.func @pv_matmul_block_mismatch(%p: tensor<16x128xbf16>, %v: tensor<64x128xbf16>) {
  // expected-error @+1 {{value dim 0 must equal probs dim 1 = 128, got 64}}
  %o = attn.pv_matmul %p, %v : tensor<16x128xbf16>, tensor<64x128xbf16> -> tensor<16x128xf32>
  return
}

// -----

func.func @softmax_prepare_no_valid_column(%s: tensor<16x128xf32>, %scale: f32) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{valid_cols must be in [1, 128], got 0}}
  %p, %m, %l = attn.softmax_prepare %s valid_cols(%c0) scale(%scale)
      : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
  return
}

// -----

func.func @softmax_prepare_row_max_size(%s: tensor<16x128xf32>, %n: index, %scale: f32) {
  // expected-error @+1 {{row_max must have one entry per row (16), got 8}}
  %p, %m, %l = attn.softmax_prepare %s valid_cols(%n) scale(%scale)
      : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<8xf32>, tensor<16xf32>
  return
}

// -----

func.func @softmax_prepare_probs_f32(%s: tensor<16x128xf32>, %n: index, %scale: f32) {
  // expected-error @+1 {{probs element type must be bf16 or f16, got 'f32'}}
  %p, %m, %l = attn.softmax_prepare %s valid_cols(%n) scale(%scale)
      : tensor<16x128xf32> -> tensor<16x128xf32>, tensor<16xf32>, tensor<16xf32>
  return
}

// -----

func.func @online_update_row_count(%m: tensor<8xf32>, %o: tensor<16x128xf32>, %f: i1) {
  // expected-error @+1 {{row_max must have one entry per row (16), got 8}}
  %a, %b, %c = attn.online_update block(%m, %m, %o) acc(%m, %m, %o) first(%f) last(%f)
      : tensor<8xf32>, tensor<16x128xf32>
  return
}

// -----

// A stage's kernel must be a func.func of the stage's core type.

func.func private @vector_kernel() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @qk_matmul_on_a_vector_kernel(%q: tensor<16x128xbf16>, %k: tensor<128x128xbf16>) {
  // expected-error @+1 {{kernel @vector_kernel must be an #aicore.kernel on core aic, got aiv}}
  %s = attn.qk_matmul %q, %k kernel @vector_kernel : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
  return
}

// -----

func.func @pv_matmul_kernel_missing(%p: tensor<16x128xbf16>, %v: tensor<128x128xbf16>) {
  // expected-error @+1 {{kernel @nowhere does not name a func.func}}
  %o = attn.pv_matmul %p, %v kernel @nowhere : tensor<16x128xbf16>, tensor<128x128xbf16> -> tensor<16x128xf32>
  return
}

// -----

func.func private @untyped_kernel()

func.func @softmax_kernel_without_core_type(%s: tensor<16x128xf32>, %n: index, %scale: f32) {
  // expected-error @+1 {{kernel @untyped_kernel must be an #aicore.kernel on core aiv, got none}}
  %p, %m, %l = attn.softmax_prepare %s valid_cols(%n) scale(%scale) kernel @untyped_kernel
      : tensor<16x128xf32> -> tensor<16x128xbf16>, tensor<16xf32>, tensor<16xf32>
  return
}

// -----

// merge_partials: [parts, rows] scalars and [parts, rows, head_dim] outputs, all f32.

func.func @merge_partials_row_count(%m: tensor<4x8xf32>, %o: tensor<4x16x128xf32>) {
  // expected-error @+1 {{part_max must be [parts, rows] = [4, 16], got 'tensor<4x8xf32>'}}
  %r = attn.merge_partials max(%m) sum(%m) out(%o) : tensor<4x8xf32>, tensor<4x16x128xf32> -> tensor<16x128xf32>
  return
}

// -----

func.func @merge_partials_result_shape(%m: tensor<2x16xf32>, %o: tensor<2x16x128xf32>) {
  // expected-error @+1 {{result must be [rows, head_dim] = [16, 128], got 'tensor<16x64xf32>'}}
  %r = attn.merge_partials max(%m) sum(%m) out(%o) : tensor<2x16xf32>, tensor<2x16x128xf32> -> tensor<16x64xf32>
  return
}

// -----

func.func @merge_partials_rank(%m: tensor<2x16xf32>, %o: tensor<32x128xf32>) {
  // expected-error @+1 {{part_out must be [parts, rows, head_dim], got rank 2}}
  %r = attn.merge_partials max(%m) sum(%m) out(%o) : tensor<2x16xf32>, tensor<32x128xf32> -> tensor<16x128xf32>
  return
}

// -----

func.func @merge_partials_bf16(%m: tensor<2x16xf32>, %o: tensor<2x16x128xbf16>) {
  // expected-error @+1 {{part_out element type must be f32, got 'bf16'}}
  %r = attn.merge_partials max(%m) sum(%m) out(%o) : tensor<2x16xf32>, tensor<2x16x128xbf16> -> tensor<16x128xf32>
  return
}

// -----

func.func @merge_partials_sum_type(%m: tensor<2x16xf32>, %l: tensor<2x8xf32>, %o: tensor<2x16x128xf32>) {
  // expected-error @+1 {{failed to verify that all of {part_max, part_sum} have same type}}
  %r = "attn.merge_partials"(%m, %l, %o) : (tensor<2x16xf32>, tensor<2x8xf32>, tensor<2x16x128xf32>) -> tensor<16x128xf32>
  return
}

// -----

func.func private @cube_kernel() attributes {aicore.kernel = #aicore.kernel<core = aic>}

func.func @merge_partials_on_a_cube_kernel(%m: tensor<2x16xf32>, %o: tensor<2x16x128xf32>) {
  // expected-error @+1 {{kernel @cube_kernel must be an #aicore.kernel on core aiv, got aic}}
  %r = attn.merge_partials max(%m) sum(%m) out(%o) kernel @cube_kernel : tensor<2x16xf32>, tensor<2x16x128xf32> -> tensor<16x128xf32>
  return
}
