// RUN: ptoattn-opt %s -split-input-file -verify-diagnostics

// Every verifier and parser error of the aicore types and operations, one per case.

// Tile type: parameters and the static rules of PTO-ISA's Tile.
func.func @tile_in_gm(
  // expected-error @+1 {{unknown tile location 'gm', expected one of mat, left, right, acc, vec (global memory is not a tile location; use !aicore.gm)}}
  %t: !aicore.tile<gm, 16x128xf32>) { return }

// -----

func.func @tile_unknown_parameter(
  // expected-error @+1 {{unknown tile parameter 'layout', expected valid, blayout, slayout, fractal or pad}}
  %t: !aicore.tile<vec, 16x128xf32, layout = nd>) { return }

// -----

func.func @tile_parameter_twice(
  // expected-error @+1 {{parameter 'pad' given twice}}
  %t: !aicore.tile<vec, 16x128xf32, pad = min, pad = max>) { return }

// -----

func.func @tile_unknown_blayout(
  // expected-error @+1 {{unknown blayout 'nz', expected one of row_major, col_major}}
  %t: !aicore.tile<vec, 16x128xf32, blayout = nz>) { return }

// -----

func.func @tile_unknown_pad(
  // expected-error @+1 {{unknown pad value 'ninf', expected one of null, zero, min, max}}
  %t: !aicore.tile<vec, 16x128xf32, pad = ninf>) { return }

// -----

func.func @tile_rank(
  // expected-error @+1 {{tile shape must have 2 dims (rows x cols), got 3}}
  %t: !aicore.tile<vec, 2x16x128xf32>) { return }

// -----

func.func @tile_zero_rows(
  // expected-error @+1 {{tile rows must be static and positive, got 0}}
  %t: !aicore.tile<vec, 0x128xf32>) { return }

// -----

func.func @tile_valid_rank(
  // expected-error @+1 {{tile valid shape must have 2 entries [rows, cols], got 1}}
  %t: !aicore.tile<vec, 16x128xf32, valid = [16]>) { return }

// -----

func.func @tile_valid_exceeds(
  // expected-error @+1 {{tile valid cols must be ? or in [1, 128] (the tile's cols), got 129}}
  %t: !aicore.tile<vec, 16x128xf32, valid = [16, 129]>) { return }

// -----

func.func @tile_element_type(
  // expected-error @+1 {{tile element type must be f32, f16, bf16, i8, i16, i32, ui8, ui16 or ui32, got 'f64'}}
  %t: !aicore.tile<vec, 16x128xf64>) { return }

// -----

func.func @tile_fractal_value(
  // expected-error @+1 {{tile fractal (box bytes) must be 512 or 1024, got 32}}
  %t: !aicore.tile<mat, 16x128xbf16, slayout = row_major, fractal = 32>) { return }

// -----

func.func @left_layout(
  // expected-error @+1 {{a left tile must have the TileLeft layout (slayout = row_major, fractal = 512), got slayout = none_box, fractal = 512}}
  %t: !aicore.tile<left, 16x128xbf16, slayout = none_box>) { return }

// -----

func.func @right_layout(
  // expected-error @+1 {{a right tile must have the TileRight layout (blayout = row_major, slayout = col_major, fractal = 512), got blayout = col_major, slayout = col_major, fractal = 512}}
  %t: !aicore.tile<right, 128x128xbf16, blayout = col_major>) { return }

// -----

func.func @acc_layout(
  // expected-error @+1 {{an acc tile must have the TileAcc layout (blayout = col_major, slayout = row_major, fractal = 1024), got blayout = col_major, slayout = row_major, fractal = 512}}
  %t: !aicore.tile<acc, 16x128xf32, fractal = 512>) { return }

// -----

func.func @unboxed_fractal(
  // expected-error @+1 {{an unboxed tile (slayout = none_box) must keep fractal = 512, got 1024}}
  %t: !aicore.tile<vec, 16x128xf32, fractal = 1024>) { return }

// -----

func.func @unboxed_row_major_alignment(
  // expected-error @+1 {{unboxed row_major tile needs cols * sizeof(element) to be a multiple of 32 bytes, got 12 * 2 = 24}}
  %t: !aicore.tile<vec, 16x12xbf16>) { return }

// -----

func.func @unboxed_col_major_alignment(
  // expected-error @+1 {{unboxed col_major tile needs rows * sizeof(element) to be a multiple of 32 bytes, got 5 * 4 = 20}}
  %t: !aicore.tile<vec, 5x1xf32, blayout = col_major>) { return }

// -----

func.func @boxed_rows(
  // expected-error @+1 {{boxed tile rows (24) must be a multiple of the box rows (16) of a 512-byte row_major box of 'bf16'}}
  %t: !aicore.tile<mat, 24x128xbf16, blayout = col_major, slayout = row_major>) { return }

// -----

func.func @boxed_cols(
  // expected-error @+1 {{boxed tile cols (24) must be a multiple of the box cols (16) of a 512-byte row_major box of 'bf16'}}
  %t: !aicore.tile<left, 16x24xbf16>) { return }

// -----

// GM view and GM pointer types.
func.func @gm_rank(
  // expected-error @+1 {{gm view shape must have 5 dims, got 2}}
  %v: !aicore.gm<16x128xf32>) { return }

// -----

func.func @gm_stride_rank(
  // expected-error @+1 {{gm view stride must have 5 entries, got 2}}
  %v: !aicore.gm<1x1x1x16x128xf32, stride = [128, 1]>) { return }

// -----

func.func @gm_dim(
  // expected-error @+1 {{gm view dim 3 must be ? or positive, got 0}}
  %v: !aicore.gm<1x1x1x0x128xf32, stride = [1, 1, 1, 128, 1]>) { return }

// -----

func.func @gm_stride_value(
  // expected-error @+1 {{gm view stride 4 must be ? or positive, got 0}}
  %v: !aicore.gm<1x1x1x16x128xf32, stride = [1, 1, 1, 128, 0]>) { return }

// -----

func.func @gm_element_type(
  // expected-error @+1 {{gm view element type must be f32, f16, bf16, i8, i16, i32, ui8, ui16 or ui32, got 'i64'}}
  %v: !aicore.gm<1x1x1x16x128xi64>) { return }

// -----

func.func @gm_missing_stride(
  // expected-error @+1 {{gm view needs an explicit stride unless its layout is nd or dn and shape dims 1..4 are static}}
  %v: !aicore.gm<1x1x1x16x?xf32>) { return }

// -----

func.func @gm_unknown_parameter(
  // expected-error @+1 {{unknown gm view parameter 'strides', expected stride or layout}}
  %v: !aicore.gm<1x1x1x16x128xf32, strides = [1, 1, 1, 128, 1]>) { return }

// -----

func.func @gm_ptr_element_type(
  // expected-error @+1 {{gm pointer element type must be f32, f16, bf16, i8, i16, i32, ui8, ui16 or ui32, got 'index'}}
  %p: !aicore.gm_ptr<index>) { return }

// -----

// aicore.tile: operands and placement.
func.func @tile_valid_operands(%n: index) {
  // expected-error @+1 {{'aicore.tile' op needs one valid operand per '?' in the tile's valid shape [16, ?] (1), got 2}}
  %t = aicore.tile valid(%n, %n) : !aicore.tile<vec, 16x128xf32, valid = [16, ?]>
  return
}

// -----

func.func @tile_too_big() {
  // expected-error @+1 {{'aicore.tile' op tile needs 131072 bytes, more than the 65536 bytes usable in L0A}}
  %t = aicore.tile : !aicore.tile<left, 256x256xbf16>
  return
}

// -----

func.func @tile_offset_alignment() {
  // expected-error @+1 {{'aicore.tile' op offset must be a multiple of 32 bytes, got 100}}
  %t = aicore.tile offset 100 : !aicore.tile<vec, 16x128xf32>
  return
}

// -----

func.func @tile_offset_in_scratch() {
  // expected-error @+1 {{'aicore.tile' op tile of 8192 bytes at offset 184320 ends at byte 192512, beyond the 188416 bytes usable in UB}}
  %t = aicore.tile offset 184320 : !aicore.tile<vec, 16x128xf32>
  return
}

// -----

// Kernel arguments.
func.func @tensor_ptr_slot() {
  // expected-error @+1 {{'aicore.tensor_ptr' op arg must name a tensor descriptor slot in [0, 32), got 32}}
  %p = aicore.tensor_ptr 32 : !aicore.gm_ptr<f32>
  return
}

// -----

func.func @tensor_dim_slot() {
  // expected-error @+1 {{'aicore.tensor_dim' op arg must name a tensor descriptor slot in [0, 32), got 40}}
  %d = aicore.tensor_dim 40[0]
  return
}

// -----

func.func @tensor_dim_dim() {
  // expected-error @+1 {{'aicore.tensor_dim' op dim must be in [0, 5), got 5}}
  %d = aicore.tensor_dim 0[5]
  return
}

// -----

func.func @scalar_arg_slot() {
  // expected-error @+1 {{'aicore.scalar_arg' op arg must name an argument slot in [0, 48), got 48}}
  %s = aicore.scalar_arg 48 : i64
  return
}

// -----

func.func @scalar_arg_type() {
  // expected-error @+1 {{'aicore.scalar_arg' op result #0 must be 64-bit signless integer or 32-bit float, but got 'i32'}}
  %s = aicore.scalar_arg 4 : i32
  return
}

// -----

// aicore.gm_view.
func.func @gm_view_element_type(%p: !aicore.gm_ptr<bf16>, %o: index) {
  // expected-error @+1 {{'aicore.gm_view' op result element type must equal the base pointer's (bf16), got f32}}
  %v = aicore.gm_view %p[%o] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x16x128xf32>
  return
}

// -----

func.func @gm_view_sizes(%p: !aicore.gm_ptr<f32>, %o: index) {
  // expected-error @+1 {{'aicore.gm_view' op needs one size operand per '?' dim of the result (1), got 0}}
  %v = aicore.gm_view %p[%o] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x16x?xf32, stride = [2048, 2048, 2048, 128, 1]>
  return
}

// -----

func.func @gm_view_strides(%p: !aicore.gm_ptr<f32>, %o: index) {
  // expected-error @+1 {{'aicore.gm_view' op needs one stride operand per '?' stride of the result (1), got 2}}
  %v = aicore.gm_view %p[%o] strides(%o, %o) : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x16x128xf32, stride = [2048, 2048, 2048, ?, 1]>
  return
}

// -----

// aicore.tload: locations, layout pairs, DMA limits.
func.func @tload_into_acc(%v: !aicore.gm<1x1x1x16x128xf32>, %t: !aicore.tile<acc, 16x128xf32>) {
  // expected-error @+1 {{'aicore.tload' op dst must be a mat or vec tile, got acc}}
  aicore.tload ins(%v : !aicore.gm<1x1x1x16x128xf32>) outs(%t : !aicore.tile<acc, 16x128xf32>)
  return
}

// -----

func.func @tload_element_size(%v: !aicore.gm<1x1x1x16x128xbf16>, %t: !aicore.tile<vec, 16x128xf32>) {
  // expected-error @+1 {{'aicore.tload' op dst element type must have the size of src element type (bf16), got f32}}
  aicore.tload ins(%v : !aicore.gm<1x1x1x16x128xbf16>) outs(%t : !aicore.tile<vec, 16x128xf32>)
  return
}

// -----

func.func @tload_vec_layout(%v: !aicore.gm<1x1x1x16x128xf32, layout = dn>, %t: !aicore.tile<vec, 16x128xf32>) {
  // expected-error @+1 {{'aicore.tload' op a vec dst must have the layout of the src view (nd -> nd, dn -> dn, nz -> nz), got dn -> nd}}
  aicore.tload ins(%v : !aicore.gm<1x1x1x16x128xf32, layout = dn>) outs(%t : !aicore.tile<vec, 16x128xf32>)
  return
}

// -----

func.func @tload_mat_layout(%v: !aicore.gm<1x1x1x128x128xbf16, layout = dn>,
                            %t: !aicore.tile<mat, 128x128xbf16, blayout = col_major, slayout = row_major>) {
  // expected-error @+1 {{'aicore.tload' op a mat dst loads nd -> nd or nz, dn -> dn or zn, nz -> nz, got dn -> nz}}
  aicore.tload ins(%v : !aicore.gm<1x1x1x128x128xbf16, layout = dn>) outs(%t : !aicore.tile<mat, 128x128xbf16, blayout = col_major, slayout = row_major>)
  return
}

// -----

func.func @tload_box_size(%v: !aicore.gm<1x1x1x16x128xf32>,
                          %t: !aicore.tile<mat, 16x128xf32, blayout = col_major, slayout = row_major, fractal = 1024>) {
  // expected-error @+1 {{'aicore.tload' op a boxed dst must use 512-byte boxes, got fractal = 1024}}
  aicore.tload ins(%v : !aicore.gm<1x1x1x16x128xf32>) outs(%t : !aicore.tile<mat, 16x128xf32, blayout = col_major, slayout = row_major, fractal = 1024>)
  return
}

// -----

func.func @tload_conversion_not_2d(%v: !aicore.gm<2x1x1x16x128xbf16>,
                                   %t: !aicore.tile<mat, 32x128xbf16, blayout = col_major, slayout = row_major>) {
  // expected-error @+1 {{'aicore.tload' op src dims 0..2 must be static 1 for an nd -> nz load (2-D views only), got [2, 1, 1]}}
  aicore.tload ins(%v : !aicore.gm<2x1x1x16x128xbf16>) outs(%t : !aicore.tile<mat, 32x128xbf16, blayout = col_major, slayout = row_major>)
  return
}

// -----

func.func @tload_burst_count(%v: !aicore.gm<1x1x1x4096x8xf32>, %t: !aicore.tile<vec, 4096x8xf32>) {
  // expected-error @+1 {{'aicore.tload' op src dim 3 (the DMA burst count) must be below 4096, got 4096}}
  aicore.tload ins(%v : !aicore.gm<1x1x1x4096x8xf32>) outs(%t : !aicore.tile<vec, 4096x8xf32>)
  return
}

// -----

func.func @tload_valid_shape(%v: !aicore.gm<1x1x2x8x64xf32>, %t: !aicore.tile<vec, 16x128xf32>) {
  // expected-error @+1 {{'aicore.tload' op dst valid shape must be the nd extent of src [16, 64] (rows = dims 0*1*2*3, cols = dim 4), got [16, 128]}}
  aicore.tload ins(%v : !aicore.gm<1x1x2x8x64xf32>) outs(%t : !aicore.tile<vec, 16x128xf32>)
  return
}

// -----

// aicore.tstore: from acc through the fixpipe, from vec/mat by DMA.
func.func @tstore_from_left(%t: !aicore.tile<left, 16x128xbf16>, %v: !aicore.gm<1x1x1x16x128xbf16>) {
  // expected-error @+1 {{'aicore.tstore' op src must be a mat, acc or vec tile, got left}}
  aicore.tstore ins(%t : !aicore.tile<left, 16x128xbf16>) outs(%v : !aicore.gm<1x1x1x16x128xbf16>)
  return
}

// -----

func.func @tstore_acc_element_type(%t: !aicore.tile<acc, 16x128xf16>, %v: !aicore.gm<1x1x1x16x128xf16>) {
  // expected-error @+1 {{'aicore.tstore' op src element type must be one of f32, i32, got f16}}
  aicore.tstore ins(%t : !aicore.tile<acc, 16x128xf16>) outs(%v : !aicore.gm<1x1x1x16x128xf16>)
  return
}

// -----

func.func @tstore_acc_gm_type(%t: !aicore.tile<acc, 16x128xf32>, %v: !aicore.gm<1x1x1x16x128xi8>) {
  // expected-error @+1 {{'aicore.tstore' op dst element type must be one of f32, f16, bf16, i32 for a store from acc, got i8}}
  aicore.tstore ins(%t : !aicore.tile<acc, 16x128xf32>) outs(%v : !aicore.gm<1x1x1x16x128xi8>)
  return
}

// -----

func.func @tstore_acc_dn(%t: !aicore.tile<acc, 16x128xf32>, %v: !aicore.gm<1x1x1x16x128xf32, layout = dn>) {
  // expected-error @+1 {{'aicore.tstore' op dst layout must be nd or nz for a store from acc, got dn}}
  aicore.tstore ins(%t : !aicore.tile<acc, 16x128xf32>) outs(%v : !aicore.gm<1x1x1x16x128xf32, layout = dn>)
  return
}

// -----

func.func @tstore_acc_cols(%t: !aicore.tile<acc, 16x4096xf32>, %v: !aicore.gm<1x1x1x16x4096xf32>) {
  // expected-error @+1 {{'aicore.tstore' op src cols must be at most 4095 for a store from acc, got 4096}}
  aicore.tstore ins(%t : !aicore.tile<acc, 16x4096xf32>) outs(%v : !aicore.gm<1x1x1x16x4096xf32>)
  return
}

// -----

func.func @tstore_acc_rows(%t: !aicore.tile<acc, 8208x16xf32>, %v: !aicore.gm<1x1x1x8208x16xf32>) {
  // expected-error @+1 {{'aicore.tstore' op src rows must be at most 8192 for an nd store from acc, got 8208}}
  aicore.tstore ins(%t : !aicore.tile<acc, 8208x16xf32>) outs(%v : !aicore.gm<1x1x1x8208x16xf32>)
  return
}

// -----

func.func @tstore_element_size(%t: !aicore.tile<vec, 16x128xf32>, %v: !aicore.gm<1x1x1x16x128xbf16>) {
  // expected-error @+1 {{'aicore.tstore' op dst element type must have the size of src element type (f32), got bf16}}
  aicore.tstore ins(%t : !aicore.tile<vec, 16x128xf32>) outs(%v : !aicore.gm<1x1x1x16x128xbf16>)
  return
}

// -----

func.func @tstore_layout(%t: !aicore.tile<vec, 16x128xf32>, %v: !aicore.gm<1x1x1x16x128xf32, layout = dn>) {
  // expected-error @+1 {{'aicore.tstore' op src must have the layout of the dst view (nd -> nd, dn -> dn, nz -> nz), got nd -> dn}}
  aicore.tstore ins(%t : !aicore.tile<vec, 16x128xf32>) outs(%v : !aicore.gm<1x1x1x16x128xf32, layout = dn>)
  return
}

// -----

func.func @tstore_vec_alignment(%t: !aicore.tile<vec, 16x128xf32, valid = [16, 4]>,
                                %v: !aicore.gm<1x1x1x16x4xf32, stride = [2048, 2048, 2048, 128, 1]>) {
  // expected-error @+1 {{'aicore.tstore' op dst dim 4 * sizeof(element) must be a multiple of 32 bytes for a store from vec, got 4 * 4 = 16}}
  aicore.tstore ins(%t : !aicore.tile<vec, 16x128xf32, valid = [16, 4]>) outs(%v : !aicore.gm<1x1x1x16x4xf32, stride = [2048, 2048, 2048, 128, 1]>)
  return
}

// -----

func.func @tstore_burst_count(%t: !aicore.tile<vec, 4096x8xf32>, %v: !aicore.gm<1x1x1x4096x8xf32>) {
  // expected-error @+1 {{'aicore.tstore' op dst dim 3 (the DMA burst count) must be below 4096, got 4096}}
  aicore.tstore ins(%t : !aicore.tile<vec, 4096x8xf32>) outs(%v : !aicore.gm<1x1x1x4096x8xf32>)
  return
}

// -----

func.func @tstore_valid_shape(%t: !aicore.tile<vec, 16x1xf32, blayout = col_major>,
                              %v: !aicore.gm<1x1x1x8x1xf32, layout = dn>) {
  // expected-error @+1 {{'aicore.tstore' op src valid shape must be the dn extent of dst [8, 1] (rows = dim 3, cols = dims 0*1*2*4), got [16, 1]}}
  aicore.tstore ins(%t : !aicore.tile<vec, 16x1xf32, blayout = col_major>) outs(%v : !aicore.gm<1x1x1x8x1xf32, layout = dn>)
  return
}

// -----

// aicore.tmov: legal location pairs and their types.
func.func @tmov_illegal_pair(%a: !aicore.tile<vec, 16x128xf32>, %b: !aicore.tile<mat, 16x128xf32>) {
  // expected-error @+1 {{'aicore.tmov' op cannot move a vec tile to a mat tile; legal pairs are mat -> left, mat -> right, vec -> vec, acc -> mat}}
  aicore.tmov ins(%a : !aicore.tile<vec, 16x128xf32>) outs(%b : !aicore.tile<mat, 16x128xf32>)
  return
}

// -----

func.func @tmov_shape(%a: !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>, %b: !aicore.tile<left, 16x64xbf16>) {
  // expected-error @+1 {{'aicore.tmov' op dst shape must equal src shape (16x128), got 16x64}}
  aicore.tmov ins(%a : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>) outs(%b : !aicore.tile<left, 16x64xbf16>)
  return
}

// -----

func.func @tmov_mat_element_type(%a: !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>, %b: !aicore.tile<left, 16x128xf16>) {
  // expected-error @+1 {{'aicore.tmov' op dst element type must equal src element type (bf16), got f16}}
  aicore.tmov ins(%a : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>) outs(%b : !aicore.tile<left, 16x128xf16>)
  return
}

// -----

func.func @tmov_vec_element_size(%a: !aicore.tile<vec, 16x128xf32>, %b: !aicore.tile<vec, 16x128xbf16>) {
  // expected-error @+1 {{'aicore.tmov' op dst element type must have the size of src element type (f32, 4 bytes), got bf16 (2 bytes)}}
  aicore.tmov ins(%a : !aicore.tile<vec, 16x128xf32>) outs(%b : !aicore.tile<vec, 16x128xbf16>)
  return
}

// -----

func.func @tmov_acc_to_mat_type(%a: !aicore.tile<acc, 16x128xf32>, %b: !aicore.tile<mat, 16x128xf32, blayout = col_major, slayout = row_major>) {
  // expected-error @+1 {{'aicore.tmov' op dst element type must be one of f16, bf16, got f32}}
  aicore.tmov ins(%a : !aicore.tile<acc, 16x128xf32>) outs(%b : !aicore.tile<mat, 16x128xf32, blayout = col_major, slayout = row_major>)
  return
}

// -----

func.func @tmov_acc_to_mat_layout(%a: !aicore.tile<acc, 16x128xf32>, %b: !aicore.tile<mat, 16x128xbf16>) {
  // expected-error @+1 {{'aicore.tmov' op dst must be an NZ tile with 512-byte boxes (blayout = col_major, slayout = row_major, fractal = 512) for a move from acc, got nd with fractal = 512}}
  aicore.tmov ins(%a : !aicore.tile<acc, 16x128xf32>) outs(%b : !aicore.tile<mat, 16x128xbf16>)
  return
}

// -----

// aicore.treshape.
func.func @treshape_location(%a: !aicore.tile<vec, 16x128xf32>) {
  // expected-error @+1 {{'aicore.treshape' op result must stay in the src location (vec), got mat}}
  %r = aicore.treshape %a : !aicore.tile<vec, 16x128xf32> -> !aicore.tile<mat, 16x128xf32>
  return
}

// -----

func.func @treshape_bytes(%a: !aicore.tile<vec, 16x1xf32, blayout = col_major>) {
  // expected-error @+1 {{'aicore.treshape' op result must have the src's total bytes (64), got 32}}
  %r = aicore.treshape %a : !aicore.tile<vec, 16x1xf32, blayout = col_major> -> !aicore.tile<vec, 1x8xf32>
  return
}

// -----

func.func @treshape_boxed(%a: !aicore.tile<mat, 16x128xbf16>) {
  // expected-error @+1 {{'aicore.treshape' op result and src must both be boxed or both unboxed, got a boxed result of an unboxed src}}
  %r = aicore.treshape %a : !aicore.tile<mat, 16x128xbf16> -> !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>
  return
}

// -----

// aicore.tfillpad and aicore.tfillpad_inplace.
func.func @tfillpad_location(%a: !aicore.tile<left, 16x128xbf16>, %b: !aicore.tile<left, 16x128xbf16, pad = zero>) {
  // expected-error @+1 {{'aicore.tfillpad' op src must be a vec or mat tile, got left}}
  aicore.tfillpad ins(%a : !aicore.tile<left, 16x128xbf16>) outs(%b : !aicore.tile<left, 16x128xbf16, pad = zero>)
  return
}

// -----

// A mat tfillpad zeroes one NZ tile in place (PTO-ISA's one-type L1 overload).
func.func @tfillpad_mat_two_types(%a: !aicore.tile<mat, 128x64xbf16, blayout = col_major, slayout = row_major, valid = [?, 64]>, %b: !aicore.tile<mat, 128x64xbf16, blayout = col_major, slayout = row_major, pad = zero>) {
  // expected-error @+1 {{'aicore.tfillpad' op a mat tfillpad zeroes one tile in place: src and dst must have the same type}}
  aicore.tfillpad ins(%a : !aicore.tile<mat, 128x64xbf16, blayout = col_major, slayout = row_major, valid = [?, 64]>) outs(%b : !aicore.tile<mat, 128x64xbf16, blayout = col_major, slayout = row_major, pad = zero>)
  return
}

// -----

func.func @tfillpad_mat_nd(%a: !aicore.tile<mat, 128x64xbf16, valid = [?, 64], pad = zero>) {
  // expected-error @+1 {{'aicore.tfillpad' op a mat tfillpad needs an nz tile (blayout = col_major, slayout = row_major), got nd}}
  aicore.tfillpad ins(%a : !aicore.tile<mat, 128x64xbf16, valid = [?, 64], pad = zero>) outs(%a : !aicore.tile<mat, 128x64xbf16, valid = [?, 64], pad = zero>)
  return
}

// -----

func.func @tfillpad_mat_min(%a: !aicore.tile<mat, 128x64xbf16, blayout = col_major, slayout = row_major, valid = [?, 64], pad = min>) {
  // expected-error @+1 {{'aicore.tfillpad' op a mat tfillpad fills with zero: pad must be zero or null}}
  aicore.tfillpad ins(%a : !aicore.tile<mat, 128x64xbf16, blayout = col_major, slayout = row_major, valid = [?, 64], pad = min>) outs(%a : !aicore.tile<mat, 128x64xbf16, blayout = col_major, slayout = row_major, pad = min, valid = [?, 64]>)
  return
}

// -----

func.func @tfillpad_shape(%a: !aicore.tile<vec, 16x128xf32>, %b: !aicore.tile<vec, 16x64xf32, pad = zero>) {
  // expected-error @+1 {{'aicore.tfillpad' op src shape must equal dst shape (16x64), got 16x128}}
  aicore.tfillpad ins(%a : !aicore.tile<vec, 16x128xf32>) outs(%b : !aicore.tile<vec, 16x64xf32, pad = zero>)
  return
}

// -----

func.func @tfillpad_element_size(%a: !aicore.tile<vec, 16x128xf16>, %b: !aicore.tile<vec, 16x128xf32, pad = zero>) {
  // expected-error @+1 {{'aicore.tfillpad' op src element type must have the size of dst element type (f32, 4 bytes), got f16 (2 bytes)}}
  aicore.tfillpad ins(%a : !aicore.tile<vec, 16x128xf16>) outs(%b : !aicore.tile<vec, 16x128xf32, pad = zero>)
  return
}

// -----

func.func @tfillpad_inplace_without_pad(%a: !aicore.tile<vec, 16x128xf32, valid = [16, 64]>, %b: !aicore.tile<vec, 16x128xf32>) {
  // expected-error @+1 {{'aicore.tfillpad_inplace' op dst pad value must be zero, min or max, got null}}
  aicore.tfillpad_inplace ins(%a : !aicore.tile<vec, 16x128xf32, valid = [16, 64]>) outs(%b : !aicore.tile<vec, 16x128xf32>)
  return
}

// -----

// aicore.tmatmul and aicore.tmatmul_acc.
func.func @tmatmul_left_location(%a: !aicore.tile<mat, 16x128xbf16>, %b: !aicore.tile<right, 128x128xbf16>, %c: !aicore.tile<acc, 16x128xf32>) {
  // expected-error @+1 {{'aicore.tmatmul' op left must be a left tile, got mat}}
  aicore.tmatmul ins(%a, %b : !aicore.tile<mat, 16x128xbf16>, !aicore.tile<right, 128x128xbf16>) outs(%c : !aicore.tile<acc, 16x128xf32>)
  return
}

// -----

func.func @tmatmul_acc_location(%a: !aicore.tile<left, 16x128xbf16>, %b: !aicore.tile<right, 128x128xbf16>, %c: !aicore.tile<vec, 16x128xf32>) {
  // expected-error @+1 {{'aicore.tmatmul' op acc must be an acc tile, got vec}}
  aicore.tmatmul ins(%a, %b : !aicore.tile<left, 16x128xbf16>, !aicore.tile<right, 128x128xbf16>) outs(%c : !aicore.tile<vec, 16x128xf32>)
  return
}

// -----

func.func @tmatmul_element_types(%a: !aicore.tile<left, 16x128xbf16>, %b: !aicore.tile<right, 128x128xf16>, %c: !aicore.tile<acc, 16x128xf32>) {
  // expected-error @+1 {{'aicore.tmatmul' op element types must be f32 <- bf16 x bf16, f32 <- f16 x f16, f32 <- f32 x f32 or i32 <- i8 x i8, got f32 <- bf16 x f16}}
  aicore.tmatmul ins(%a, %b : !aicore.tile<left, 16x128xbf16>, !aicore.tile<right, 128x128xf16>) outs(%c : !aicore.tile<acc, 16x128xf32>)
  return
}

// -----

func.func @tmatmul_k_mismatch(%a: !aicore.tile<left, 16x128xbf16>, %b: !aicore.tile<right, 64x128xbf16>, %c: !aicore.tile<acc, 16x128xf32>) {
  // expected-error @+1 {{'aicore.tmatmul' op left valid cols (K = 128) must equal right valid rows (64)}}
  aicore.tmatmul ins(%a, %b : !aicore.tile<left, 16x128xbf16>, !aicore.tile<right, 64x128xbf16>) outs(%c : !aicore.tile<acc, 16x128xf32>)
  return
}

// -----

func.func @tmatmul_cube_limit(%a: !aicore.tile<left, 16x4096xi8>, %b: !aicore.tile<right, 4096x32xi8>, %c: !aicore.tile<acc, 16x32xi32>) {
  // expected-error @+1 {{'aicore.tmatmul' op K (left valid cols) must be in [1, 4095], got 4096}}
  aicore.tmatmul ins(%a, %b : !aicore.tile<left, 16x4096xi8>, !aicore.tile<right, 4096x32xi8>) outs(%c : !aicore.tile<acc, 16x32xi32>)
  return
}

// -----

func.func @tmatmul_m_exceeds_acc(%a: !aicore.tile<left, 32x128xbf16>, %b: !aicore.tile<right, 128x128xbf16>, %c: !aicore.tile<acc, 16x128xf32>) {
  // expected-error @+1 {{'aicore.tmatmul' op M (left valid rows, 32) must not exceed acc rows (16)}}
  aicore.tmatmul ins(%a, %b : !aicore.tile<left, 32x128xbf16>, !aicore.tile<right, 128x128xbf16>) outs(%c : !aicore.tile<acc, 16x128xf32>)
  return
}

// -----

func.func @tmatmul_acc_n_exceeds_acc(%a: !aicore.tile<left, 16x128xbf16>, %b: !aicore.tile<right, 128x128xbf16>, %c: !aicore.tile<acc, 16x64xf32>) {
  // expected-error @+1 {{'aicore.tmatmul_acc' op N (right valid cols, 128) must not exceed acc cols (64)}}
  aicore.tmatmul_acc ins(%a, %b : !aicore.tile<left, 16x128xbf16>, !aicore.tile<right, 128x128xbf16>) outs(%c : !aicore.tile<acc, 16x64xf32>)
  return
}

// -----

// Vector element-wise instructions.
func.func @tadd_location(%a: !aicore.tile<mat, 16x128xf32>, %b: !aicore.tile<vec, 16x128xf32>) {
  // expected-error @+1 {{'aicore.tadd' op src0 must be a vec tile, got mat}}
  aicore.tadd ins(%a, %b : !aicore.tile<mat, 16x128xf32>, !aicore.tile<vec, 16x128xf32>) outs(%b : !aicore.tile<vec, 16x128xf32>)
  return
}

// -----

func.func @tsub_col_major(%a: !aicore.tile<vec, 16x1xf32, blayout = col_major>) {
  // expected-error @+1 {{'aicore.tsub' op dst must be row_major (blayout), got col_major}}
  aicore.tsub ins(%a, %a : !aicore.tile<vec, 16x1xf32, blayout = col_major>, !aicore.tile<vec, 16x1xf32, blayout = col_major>) outs(%a : !aicore.tile<vec, 16x1xf32, blayout = col_major>)
  return
}

// -----

func.func @tmul_bf16(%a: !aicore.tile<vec, 16x128xbf16>) {
  // expected-error @+1 {{'aicore.tmul' op dst element type must be one of f32, f16, i32, i16, got bf16}}
  aicore.tmul ins(%a, %a : !aicore.tile<vec, 16x128xbf16>, !aicore.tile<vec, 16x128xbf16>) outs(%a : !aicore.tile<vec, 16x128xbf16>)
  return
}

// -----

func.func @tmax_mixed_types(%a: !aicore.tile<vec, 16x128xf32>, %b: !aicore.tile<vec, 16x128xf16>) {
  // expected-error @+1 {{'aicore.tmax' op src1 element type must equal dst element type (f32), got f16}}
  aicore.tmax ins(%a, %b : !aicore.tile<vec, 16x128xf32>, !aicore.tile<vec, 16x128xf16>) outs(%a : !aicore.tile<vec, 16x128xf32>)
  return
}

// -----

func.func @tadd_valid_shape(%a: !aicore.tile<vec, 16x128xf32>, %b: !aicore.tile<vec, 16x128xf32, valid = [8, ?]>, %n: index) {
  // expected-error @+1 {{'aicore.tadd' op src1 valid shape must equal dst valid shape [16, 128], got [8, ?]}}
  aicore.tadd ins(%a, %b : !aicore.tile<vec, 16x128xf32>, !aicore.tile<vec, 16x128xf32, valid = [8, ?]>) outs(%a : !aicore.tile<vec, 16x128xf32>)
  return
}

// -----

func.func @tmuls_scalar_type(%a: !aicore.tile<vec, 16x128xf32>, %s: f16) {
  // expected-error @+1 {{'aicore.tmuls' op scalar type must be the dst element type (f32), got f16}}
  aicore.tmuls ins(%a, %s : !aicore.tile<vec, 16x128xf32>, f16) outs(%a : !aicore.tile<vec, 16x128xf32>)
  return
}

// -----

func.func @tadds_valid_shape(%a: !aicore.tile<vec, 16x128xf32>, %b: !aicore.tile<vec, 16x128xf32, valid = [16, 64]>, %s: f32) {
  // expected-error @+1 {{'aicore.tadds' op src valid shape must equal dst valid shape [16, 64], got [16, 128]}}
  aicore.tadds ins(%a, %s : !aicore.tile<vec, 16x128xf32>, f32) outs(%b : !aicore.tile<vec, 16x128xf32, valid = [16, 64]>)
  return
}

// -----

func.func @texp_integer(%a: !aicore.tile<vec, 16x128xi32>) {
  // expected-error @+1 {{'aicore.texp' op dst element type must be one of f32, f16, got i32}}
  aicore.texp ins(%a : !aicore.tile<vec, 16x128xi32>) outs(%a : !aicore.tile<vec, 16x128xi32>)
  return
}

// -----

func.func @tcvt_col_major(%a: !aicore.tile<vec, 16x1xf32, blayout = col_major>, %b: !aicore.tile<vec, 16x1xbf16, blayout = col_major>) {
  // expected-error @+1 {{'aicore.tcvt' op dst must be row_major (blayout), got col_major}}
  aicore.tcvt rint ins(%a : !aicore.tile<vec, 16x1xf32, blayout = col_major>) outs(%b : !aicore.tile<vec, 16x1xbf16, blayout = col_major>)
  return
}

// -----

func.func @tcvt_pair(%a: !aicore.tile<vec, 16x128xf32>, %b: !aicore.tile<vec, 16x128xi32>) {
  // expected-error @+1 {{'aicore.tcvt' op conversion must be f32 -> bf16, f32 -> f16, bf16 -> f32 or f16 -> f32, got f32 -> i32}}
  aicore.tcvt trunc ins(%a : !aicore.tile<vec, 16x128xf32>) outs(%b : !aicore.tile<vec, 16x128xi32>)
  return
}

// -----

func.func @tcvt_valid_shape(%a: !aicore.tile<vec, 16x128xf32>, %b: !aicore.tile<vec, 16x128xbf16, valid = [16, 64]>) {
  // expected-error @+1 {{'aicore.tcvt' op src valid shape must equal dst valid shape [16, 64], got [16, 128]}}
  aicore.tcvt rint ins(%a : !aicore.tile<vec, 16x128xf32>) outs(%b : !aicore.tile<vec, 16x128xbf16, valid = [16, 64]>)
  return
}

// -----

func.func @texpands_location(%a: !aicore.tile<acc, 16x128xf32>, %s: f32) {
  // expected-error @+1 {{'aicore.texpands' op dst must be a mat or vec tile, got acc}}
  aicore.texpands ins(%s : f32) outs(%a : !aicore.tile<acc, 16x128xf32>)
  return
}

// -----

func.func @texpands_scalar_type(%a: !aicore.tile<vec, 1x16xf32>, %s: i32) {
  // expected-error @+1 {{'aicore.texpands' op scalar type must be the dst element type (f32), got i32}}
  aicore.texpands ins(%s : i32) outs(%a : !aicore.tile<vec, 1x16xf32>)
  return
}

// -----

// Row reductions.
func.func @trowmax_location(%s: !aicore.tile<vec, 16x128xf32>, %m: !aicore.tile<mat, 16x8xf32>) {
  // expected-error @+1 {{'aicore.trowmax' op dst must be a vec tile, got mat}}
  aicore.trowmax ins(%s : !aicore.tile<vec, 16x128xf32>) outs(%m : !aicore.tile<mat, 16x8xf32>) tmp(%s : !aicore.tile<vec, 16x128xf32>)
  return
}

// -----

func.func @trowmax_src_not_nd(%s: !aicore.tile<vec, 16x128xf32, blayout = col_major>, %m: !aicore.tile<vec, 16x1xf32, blayout = col_major>) {
  // expected-error @+1 {{'aicore.trowmax' op src must be an ND tile (blayout = row_major, slayout = none_box), got layout dn}}
  aicore.trowmax ins(%s : !aicore.tile<vec, 16x128xf32, blayout = col_major>) outs(%m : !aicore.tile<vec, 16x1xf32, blayout = col_major>) tmp(%s : !aicore.tile<vec, 16x128xf32, blayout = col_major>)
  return
}

// -----

func.func @trowsum_element_type(%s: !aicore.tile<vec, 16x128xbf16>, %m: !aicore.tile<vec, 16x16xbf16>) {
  // expected-error @+1 {{'aicore.trowsum' op src element type must be one of f32, f16, i32, i16, got bf16}}
  aicore.trowsum ins(%s : !aicore.tile<vec, 16x128xbf16>) outs(%m : !aicore.tile<vec, 16x16xbf16>) tmp(%s : !aicore.tile<vec, 16x128xbf16>)
  return
}

// -----

func.func @trowsum_dst_layout(%s: !aicore.tile<vec, 16x128xf32>, %m: !aicore.tile<vec, 16x8xf32, blayout = col_major>) {
  // expected-error @+1 {{'aicore.trowsum' op dst must be an ND tile or a DN column (blayout = col_major, slayout = none_box, 1 col), got layout dn with 8 cols}}
  aicore.trowsum ins(%s : !aicore.tile<vec, 16x128xf32>) outs(%m : !aicore.tile<vec, 16x8xf32, blayout = col_major>) tmp(%s : !aicore.tile<vec, 16x128xf32>)
  return
}

// -----

func.func @trowsum_dst_element_type(%s: !aicore.tile<vec, 16x128xf32>, %m: !aicore.tile<vec, 16x16xf16>) {
  // expected-error @+1 {{'aicore.trowsum' op dst element type must equal src element type (f32), got f16}}
  aicore.trowsum ins(%s : !aicore.tile<vec, 16x128xf32>) outs(%m : !aicore.tile<vec, 16x16xf16>) tmp(%s : !aicore.tile<vec, 16x128xf32>)
  return
}

// -----

func.func @trowmax_valid_rows(%s: !aicore.tile<vec, 16x128xf32>, %m: !aicore.tile<vec, 16x1xf32, blayout = col_major, valid = [8, 1]>) {
  // expected-error @+1 {{'aicore.trowmax' op dst valid rows must equal src valid rows (16), got 8}}
  aicore.trowmax ins(%s : !aicore.tile<vec, 16x128xf32>) outs(%m : !aicore.tile<vec, 16x1xf32, blayout = col_major, valid = [8, 1]>) tmp(%s : !aicore.tile<vec, 16x128xf32>)
  return
}

// -----

func.func @trowmax_tmp_shape(%s: !aicore.tile<vec, 16x128xf32>, %m: !aicore.tile<vec, 16x1xf32, blayout = col_major>, %t: !aicore.tile<vec, 16x64xf32>) {
  // expected-error @+1 {{'aicore.trowmax' op tmp shape must equal src shape (16x128), got 16x64}}
  aicore.trowmax ins(%s : !aicore.tile<vec, 16x128xf32>) outs(%m : !aicore.tile<vec, 16x1xf32, blayout = col_major>) tmp(%t : !aicore.tile<vec, 16x64xf32>)
  return
}

// -----

// Row broadcasts.
func.func @trowexpandsub_dst_col_major(%s: !aicore.tile<vec, 16x1xf32, blayout = col_major>) {
  // expected-error @+1 {{'aicore.trowexpandsub' op dst must be row_major (blayout), got col_major}}
  aicore.trowexpandsub ins(%s, %s : !aicore.tile<vec, 16x1xf32, blayout = col_major>, !aicore.tile<vec, 16x1xf32, blayout = col_major>) outs(%s : !aicore.tile<vec, 16x1xf32, blayout = col_major>)
  return
}

// -----

func.func @trowexpandmul_scalar_shape(%s: !aicore.tile<vec, 16x128xf32>, %m: !aicore.tile<vec, 16x16xf32>) {
  // expected-error @+1 {{'aicore.trowexpandmul' op one source must be row_major with dst's valid shape [16, 128] and the other a per-row scalar tile with dst's valid rows (row_major with 8 valid cols, or col_major with 1 valid col); got src0 nd [16, 128], src1 nd [16, 16]}}
  aicore.trowexpandmul ins(%s, %m : !aicore.tile<vec, 16x128xf32>, !aicore.tile<vec, 16x16xf32>) outs(%s : !aicore.tile<vec, 16x128xf32>)
  return
}

// -----

func.func @trowexpanddiv_tmp_location(%s: !aicore.tile<vec, 16x128xf32>, %m: !aicore.tile<vec, 16x1xf32, blayout = col_major>, %t: !aicore.tile<mat, 16x128xf32>) {
  // expected-error @+1 {{'aicore.trowexpanddiv' op tmp must be a vec tile, got mat}}
  aicore.trowexpanddiv ins(%s, %m : !aicore.tile<vec, 16x128xf32>, !aicore.tile<vec, 16x1xf32, blayout = col_major>) outs(%s : !aicore.tile<vec, 16x128xf32>) tmp(%t : !aicore.tile<mat, 16x128xf32>)
  return
}

// -----

// Synchronisation.
func.func @set_flag_all() {
  // expected-error @+1 {{'aicore.set_flag' op pipes must be s, v, m, mte1, mte2, mte3 or fix (all is only valid for pipe_barrier), got v -> all}}
  aicore.set_flag v -> all, event0
  return
}

// -----

func.func @wait_flag_same_pipe() {
  // expected-error @+1 {{'aicore.wait_flag' op src and dst pipes must differ (use pipe_barrier within one pipe), got v -> v}}
  aicore.wait_flag v -> v, event0
  return
}

// -----

func.func @unknown_event() {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'event' [event0, event1, event2, event3, event4, event5, event6, event7]}}
  aicore.set_flag v -> mte3, event8
  return
}

// -----

func.func @tile_alias_changes_shape() {
  %o = aicore.tile : !aicore.tile<vec, 8x128xf32>
  // expected-error @+1 {{result may differ from src only in valid shape and pad value, got '!aicore.tile<vec, 8x128xf32>' -> '!aicore.tile<vec, 16x64xf32, pad = min>'}}
  %r = aicore.tile_alias %o : !aicore.tile<vec, 8x128xf32> -> !aicore.tile<vec, 16x64xf32, pad = min>
  return
}

// -----

func.func @tile_alias_changes_element_type() {
  %o = aicore.tile : !aicore.tile<vec, 8x128xf32>
  // expected-error @+1 {{result may differ from src only in valid shape and pad value}}
  %r = aicore.tile_alias %o : !aicore.tile<vec, 8x128xf32> -> !aicore.tile<vec, 8x128xi32>
  return
}

// -----

func.func @tile_alias_missing_valid_operand() {
  %o = aicore.tile : !aicore.tile<vec, 8x128xf32>
  // expected-error @+1 {{needs one valid operand per '?' in the result's valid shape (1), got 0}}
  %r = aicore.tile_alias %o : !aicore.tile<vec, 8x128xf32> -> !aicore.tile<vec, 8x128xf32, valid = [?, 128]>
  return
}
