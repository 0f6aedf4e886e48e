// RUN: ptoattn-opt %s -split-input-file -attn-check-target -verify-diagnostics | FileCheck %s
// An explicit supported q-tile changes nothing for these configurations.
// RUN: ptoattn-opt %s -split-input-file -attn-check-target=q-tile=64 -verify-diagnostics | FileCheck %s
// An unsupported q-tile is rejected on every operation, naming the option and its values.
// RUN: not ptoattn-opt %s -split-input-file -attn-check-target=q-tile=24 2>&1 | FileCheck %s --check-prefix=QTILE
// QTILE: for the --q-tile option: q-tile 24 is not supported: must be 0, 16, 32 or 64

// Supported configurations pass unchanged. MQA, the reference configuration:
// CHECK-LABEL: func.func @mqa_16_heads
//       CHECK:   attn.paged_attention
func.func @mqa_16_heads(%q: tensor<4x16x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x16x128xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return %out : tensor<4x16x128xf32>
}

// -----

// GQA 40/8: groups of 5 heads padded to a 16-row tile.
// CHECK-LABEL: func.func @gqa_40_over_8_block_64
//       CHECK:   attn.paged_attention
func.func @gqa_40_over_8_block_64(%q: tensor<4x40x128xbf16>, %k: tensor<?x64x8x128xbf16>, %v: tensor<?x64x8x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x40x128xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x40x128xbf16>, tensor<?x64x8x128xbf16>, tensor<?x64x8x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x40x128xf32>
  return %out : tensor<4x40x128xf32>
}

// -----

// 64 heads on one KV head: one 64-row query tile.
// CHECK-LABEL: func.func @mqa_64_heads_head_dim_64_block_16
//       CHECK:   attn.paged_attention
func.func @mqa_64_heads_head_dim_64_block_16(%q: tensor<4x64x64xbf16>, %k: tensor<?x16x1x64xbf16>, %v: tensor<?x16x1x64xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x64x64xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x64x64xbf16>, tensor<?x16x1x64xbf16>, tensor<?x16x1x64xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x64x64xf32>
  return %out : tensor<4x64x64xf32>
}

// -----

// The largest head_dim with a 128-row block: the K^T tile fills L0B exactly (64 KB).
// CHECK-LABEL: func.func @head_dim_256_block_128
//       CHECK:   attn.paged_attention
func.func @head_dim_256_block_128(%q: tensor<4x16x256xbf16>, %k: tensor<?x128x1x256xbf16>, %v: tensor<?x128x1x256xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x16x256xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x256xbf16>, tensor<?x128x1x256xbf16>, tensor<?x128x1x256xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x256xf32>
  return %out : tensor<4x16x256xf32>
}

// -----

// f16 runs end to end like bf16 (same tile sizes: both are 2 bytes).
// CHECK-LABEL: func.func @f16_block_32
//       CHECK:   attn.paged_attention
func.func @f16_block_32(%q: tensor<4x32x128xf16>, %k: tensor<?x32x8x128xf16>, %v: tensor<?x32x8x128xf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x32x128xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x32x128xf16>, tensor<?x32x8x128xf16>, tensor<?x32x8x128xf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x32x128xf32>
  return %out : tensor<4x32x128xf32>
}

// -----

// head_dim must be a multiple of the 16-wide cube fractal...
func.func @head_dim_not_multiple_of_16(%q: tensor<4x16x72xbf16>, %k: tensor<?x128x1x72xbf16>, %v: tensor<?x128x1x72xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x16x72xf32> {
  // expected-error @+1 {{head_dim 72 is not supported: must be a multiple of 16 between 16 and 256}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x72xbf16>, tensor<?x128x1x72xbf16>, tensor<?x128x1x72xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x72xf32>
  return %out : tensor<4x16x72xf32>
}

// -----

// ...and at most 256.
func.func @head_dim_too_large(%q: tensor<4x16x512xbf16>, %k: tensor<?x16x1x512xbf16>, %v: tensor<?x16x1x512xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x16x512xf32> {
  // expected-error @+1 {{head_dim 512 is not supported: must be a multiple of 16 between 16 and 256}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x512xbf16>, tensor<?x16x1x512xbf16>, tensor<?x16x1x512xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x512xf32>
  return %out : tensor<4x16x512xf32>
}

// -----

func.func @block_size_unsupported(%q: tensor<4x16x128xbf16>, %k: tensor<?x48x1x128xbf16>, %v: tensor<?x48x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x16x128xf32> {
  // expected-error @+1 {{block_size 48 is not supported: must be 16, 32, 64, 128 or 256}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<?x48x1x128xbf16>, tensor<?x48x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return %out : tensor<4x16x128xf32>
}

// -----

// Every violation is reported, not just the first.
func.func @both_shape_errors_reported(%q: tensor<4x16x100xbf16>, %k: tensor<?x100x1x100xbf16>, %v: tensor<?x100x1x100xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x16x100xf32> {
  // expected-error @+2 {{head_dim 100 is not supported: must be a multiple of 16 between 16 and 256}}
  // expected-error @+1 {{block_size 100 is not supported: must be 16, 32, 64, 128 or 256}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x100xbf16>, tensor<?x100x1x100xbf16>, tensor<?x100x1x100xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x100xf32>
  return %out : tensor<4x16x100xf32>
}

// -----

// head_dim 256 with 256-row blocks: the real kernels' K^T and V tiles need 128 KB of the
// 64 KB L0B (planned by aicore-plan-memory on a lowered copy). Each message names the
// parameters that size those tiles and the block sizes with which the stage fits.
func.func @k_and_v_tiles_overflow_l0b(%q: tensor<4x16x256xbf16>, %k: tensor<?x256x1x256xbf16>, %v: tensor<?x256x1x256xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x16x256xf32> {
  // expected-error @+2 {{qk_matmul needs 131072 bytes of L0B (its kernel's largest tiles there: 256x256xbf16: 131072) but L0B holds 65536; change head_dim or block_size; it fits with block_size 16, 32, 64 or 128}}
  // expected-error @+1 {{pv_matmul needs 131072 bytes of L0B (its kernel's largest tiles there: 256x256xbf16: 131072) but L0B holds 65536; change head_dim or block_size; it fits with block_size 16, 32, 64 or 128}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x256xbf16>, tensor<?x256x1x256xbf16>, tensor<?x256x1x256xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x256xf32>
  return %out : tensor<4x16x256xf32>
}

// -----

// The same limit for f16, whose tiles are as large; the message names the element type.
func.func @f16_k_and_v_tiles_overflow_l0b(%q: tensor<4x16x256xf16>, %k: tensor<?x256x1x256xf16>, %v: tensor<?x256x1x256xf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x16x256xf32> {
  // expected-error @+2 {{qk_matmul needs 131072 bytes of L0B (its kernel's largest tiles there: 256x256xf16: 131072) but L0B holds 65536}}
  // expected-error @+1 {{pv_matmul needs 131072 bytes of L0B (its kernel's largest tiles there: 256x256xf16: 131072) but L0B holds 65536}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x256xf16>, tensor<?x256x1x256xf16>, tensor<?x256x1x256xf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x16x256xf32>
  return %out : tensor<4x16x256xf32>
}

// -----

// Extents the runtime's uint32 tensor descriptors cannot hold are rejected, naming the
// parameter and the limit (g++ would otherwise refuse the emitted uint32_t shape arrays).
func.func @num_heads_beyond_uint32(%q: tensor<4x4294967296x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x4294967296x128xf32> {
  // expected-error @+1 {{num_heads 4294967296 is too large: the runtime holds tensor extents as uint32, so it must be at most 4294967295}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x4294967296x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x4294967296x128xf32>
  return %out : tensor<4x4294967296x128xf32>
}

// -----

func.func @static_cache_of_2_to_62_blocks(%q: tensor<4x16x128xbf16>, %k: tensor<4611686018427387904x128x1x128xbf16>, %v: tensor<4611686018427387904x128x1x128xbf16>, %bt: tensor<4x8xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x16x128xf32> {
  // expected-error @+1 {{num_blocks (key_cache dim 0) 4611686018427387904 is too large: the runtime holds tensor extents as uint32, so it must be at most 4294967295}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x16x128xbf16>, tensor<4611686018427387904x128x1x128xbf16>, tensor<4611686018427387904x128x1x128xbf16>, tensor<4x8xi32>, tensor<4xi32>, f32) -> tensor<4x16x128xf32>
  return %out : tensor<4x16x128xf32>
}

// -----

// Each extent fits, but the row stride num_heads x head_dim = 2^33 does not.
func.func @row_stride_beyond_uint32(%q: tensor<4x67108864x128xbf16>, %k: tensor<?x128x1x128xbf16>, %v: tensor<?x128x1x128xbf16>, %bt: tensor<4x?xi32>, %lens: tensor<4xi32>, %scale: f32) -> tensor<4x67108864x128xf32> {
  // expected-error @+1 {{num_heads x head_dim (the row stride of query and out) is too large: the runtime holds element strides as uint32, so it must be at most 4294967295}}
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<4x67108864x128xbf16>, tensor<?x128x1x128xbf16>, tensor<?x128x1x128xbf16>, tensor<4x?xi32>, tensor<4xi32>, f32) -> tensor<4x67108864x128xf32>
  return %out : tensor<4x67108864x128xf32>
}
