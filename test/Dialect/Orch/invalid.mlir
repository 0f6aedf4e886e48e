// RUN: ptoattn-opt %s -split-input-file -verify-diagnostics

// Every verifier and custom-syntax error of the orch dialect, one per case:
// types and dialect attributes, orchestration arguments, alloc, view, read,
// and task submission (kind vs. kernel slots, block count, argument lists,
// write-after-read, kernel symbols).

// expected-error @+1 {{!orch.tensor rank must be 1 to 5 (runtime MAX_TENSOR_DIMS), got 0}}
func.func @tensor_rank_zero(%t: !orch.tensor<f32>)

// -----

// expected-error @+1 {{!orch.tensor rank must be 1 to 5 (runtime MAX_TENSOR_DIMS), got 6}}
func.func @tensor_rank_six(%t: !orch.tensor<1x1x1x1x1x1xf32>)

// -----

// expected-error @+1 {{!orch.tensor element type must be a runtime DataType (f32, f16, bf16, i1, i8, i16, i32, i64, ui8, ui16, ui32, ui64), got 'f64'}}
func.func @tensor_element_type(%t: !orch.tensor<4xf64>)

// -----

// expected-error @+1 {{#orch.entry tensors must be >= 0, got -1}}
func.func @entry_negative() attributes {orch.entry = #orch.entry<tensors = -1, scalars = 0>} {
  return
}

// -----

// expected-error @+1 {{#orch.ring heap_bytes must be >= 0, got -1024}}
func.func @ring_negative() attributes {orch.ring = #orch.ring<task_slots = 1, heap_bytes = -1024, dep_entries = 0>} {
  return
}

// -----

// expected-error @+1 {{'orch.entry' must be an #orch.entry<tensors = N, scalars = M> attribute, got 7 : i64}}
func.func @entry_wrong_attribute() attributes {orch.entry = 7} {
  return
}

// -----

// expected-error @+1 {{'orch.ring' must be an #orch.ring<task_slots = ..., heap_bytes = ..., dep_entries = ...> attribute, got #orch.entry<tensors = 1, scalars = 0>}}
func.func @ring_wrong_attribute() attributes {orch.ring = #orch.entry<tensors = 1, scalars = 0>} {
  return
}

// -----

// expected-error @+1 {{'orch.entry' is only valid on the orchestration function (a func.func), not on 'builtin.module'}}
module attributes {orch.entry = #orch.entry<tensors = 1, scalars = 0>} {
}

// -----

// expected-error @+1 {{unknown orch dialect attribute 'orch.config'; allowed: 'orch.entry', 'orch.ring'}}
func.func @unknown_dialect_attribute() attributes {orch.config = 7} {
  return
}

// -----

func.func @external_negative_index() {
  // expected-error @+1 {{'orch.external' op arg_index must be >= 0, got -1}}
  %t = orch.external -1 : !orch.tensor<4xi32>
  return
}

// -----

func.func @external_index_out_of_range() attributes {orch.entry = #orch.entry<tensors = 6, scalars = 1>} {
  // expected-error @+1 {{'orch.external' op arg_index 6 is out of range: orch.entry declares 6 tensor argument(s), allowed 0..5}}
  %t = orch.external 6 : !orch.tensor<4xi32>
  return
}

// -----

func.func @external_dynamic_sizes(%n: index) {
  // expected-error @+1 {{'orch.external' op expects 2 dynamic size operand(s), one per '?' dimension of the result type(s), got 1}}
  %t = orch.external 0 (%n) : !orch.tensor<?x?xbf16>
  return
}

// -----

func.func @arg_dim_out_of_range() {
  // expected-error @+1 {{'orch.arg_dim' op dim must be 0 to 4 (a runtime tensor has at most 5 dimensions), got 5}}
  %d = orch.arg_dim 0, 5
  return
}

// -----

func.func @arg_dim_index_out_of_range() attributes {orch.entry = #orch.entry<tensors = 0, scalars = 1>} {
  // expected-error @+1 {{'orch.arg_dim' op arg_index 0 is out of range: orch.entry declares 0 tensor argument(s)}}
  %d = orch.arg_dim 0, 0
  return
}

// -----

func.func @arg_scalar_type() {
  // expected-error @+1 {{'orch.arg_scalar' op result type must be i64, i32 or f32 (orchestration scalars are raw 64-bit values), got 'f64'}}
  %s = orch.arg_scalar 0 : f64
  return
}

// -----

func.func @arg_scalar_index_out_of_range() attributes {orch.entry = #orch.entry<tensors = 6, scalars = 1>} {
  // expected-error @+1 {{'orch.arg_scalar' op arg_index 1 is out of range: orch.entry declares 1 scalar argument(s), allowed 0..0}}
  %s = orch.arg_scalar 1 : f32
  return
}

// -----

func.func @scopes_too_deep() {
  orch.scope {
    orch.scope {
      orch.scope {
        orch.scope {
          orch.scope {
            orch.scope {
              orch.scope {
                orch.scope {
                  orch.scope {
                    orch.scope {
                      orch.scope {
                        orch.scope {
                          orch.scope {
                            orch.scope {
                              orch.scope {
                                orch.scope {
                                  orch.scope {
                                    orch.scope {
                                      orch.scope {
                                        orch.scope {
                                          orch.scope {
                                            orch.scope {
                                              orch.scope {
                                                orch.scope {
                                                  orch.scope {
                                                    orch.scope {
                                                      orch.scope {
                                                        orch.scope {
                                                          orch.scope {
                                                            orch.scope {
                                                              orch.scope {
                                                                orch.scope {
                                                                  orch.scope {
                                                                    orch.scope {
                                                                      orch.scope {
                                                                        orch.scope {
                                                                          orch.scope {
                                                                            orch.scope {
                                                                              orch.scope {
                                                                                orch.scope {
                                                                                  orch.scope {
                                                                                    orch.scope {
                                                                                      orch.scope {
                                                                                        orch.scope {
                                                                                          orch.scope {
                                                                                            orch.scope {
                                                                                              orch.scope {
                                                                                                orch.scope {
                                                                                                  orch.scope {
                                                                                                    orch.scope {
                                                                                                      orch.scope {
                                                                                                        orch.scope {
                                                                                                          orch.scope {
                                                                                                            orch.scope {
                                                                                                              orch.scope {
                                                                                                                orch.scope {
                                                                                                                  orch.scope {
                                                                                                                    orch.scope {
                                                                                                                      orch.scope {
                                                                                                                        orch.scope {
                                                                                                                          orch.scope {
                                                                                                                            orch.scope {
                                                                                                                              orch.scope {
                                                                                                                                // expected-error @+1 {{'orch.scope' op is nested 64 deep; at most 63 orch.scope levels fit the runtime's scope stack (PTO2_MAX_SCOPE_DEPTH = 64, one taken by the entry's implicit scope)}}
                                                                                                                                orch.scope {
                                                                                                                                }
                                                                                                                              }
                                                                                                                            }
                                                                                                                          }
                                                                                                                        }
                                                                                                                      }
                                                                                                                    }
                                                                                                                  }
                                                                                                                }
                                                                                                              }
                                                                                                            }
                                                                                                          }
                                                                                                        }
                                                                                                      }
                                                                                                    }
                                                                                                  }
                                                                                                }
                                                                                              }
                                                                                            }
                                                                                          }
                                                                                        }
                                                                                      }
                                                                                    }
                                                                                  }
                                                                                }
                                                                              }
                                                                            }
                                                                          }
                                                                        }
                                                                      }
                                                                    }
                                                                  }
                                                                }
                                                              }
                                                            }
                                                          }
                                                        }
                                                      }
                                                    }
                                                  }
                                                }
                                              }
                                            }
                                          }
                                        }
                                      }
                                    }
                                  }
                                }
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  return
}

// -----

func.func @alloc_no_result() {
  // expected-error @+1 {{'orch.alloc' op expects at least one result (one TensorCreateInfo per allocated tensor)}}
  "orch.alloc"() : () -> ()
  return
}

// -----

func.func @alloc_empty_dim() {
  // expected-error @+1 {{'orch.alloc' op result #1 dim 0 must be positive (a ring-heap buffer cannot be empty), got 0}}
  %a:2 = orch.alloc : !orch.tensor<16x128xf32>, !orch.tensor<0x128xf32>
  return
}

// -----

func.func @alloc_dynamic_sizes(%n: index) {
  // expected-error @+1 {{'orch.alloc' op expects 2 dynamic size operand(s), one per '?' dimension of the result type(s), got 1}}
  %a:2 = orch.alloc (%n) : !orch.tensor<?x128xf32>, !orch.tensor<?xf32>
  return
}

// -----

func.func @view_offset_count(%t: !orch.tensor<64x128xf32>) {
  // expected-error @+1 {{'orch.view' op expects 2 offsets, one per dimension of the source '!orch.tensor<64x128xf32>', got 1}}
  %v = orch.view %t[0] [16, 128] : !orch.tensor<64x128xf32> -> !orch.tensor<16x128xf32>
  return
}

// -----

func.func @view_size_count(%t: !orch.tensor<64x128xf32>) {
  // expected-error @+1 {{'orch.view' op expects 2 sizes, one per dimension of the source '!orch.tensor<64x128xf32>', got 3}}
  %v = orch.view %t[0, 0] [16, 128, 1] : !orch.tensor<64x128xf32> -> !orch.tensor<16x128xf32>
  return
}

// -----

func.func @view_rank(%t: !orch.tensor<64x128xf32>) {
  // expected-error @+1 {{'orch.view' op result rank must equal the source rank 2 (a view keeps the dimensions), got 3}}
  %v = orch.view %t[0, 0] [16, 128] : !orch.tensor<64x128xf32> -> !orch.tensor<1x16x128xf32>
  return
}

// -----

func.func @view_element_type(%t: !orch.tensor<64x128xf32>) {
  // expected-error @+1 {{'orch.view' op result element type must equal the source element type 'f32', got 'bf16'}}
  %v = orch.view %t[0, 0] [16, 128] : !orch.tensor<64x128xf32> -> !orch.tensor<16x128xbf16>
  return
}

// -----

func.func @view_negative_offset(%t: !orch.tensor<64x128xf32>) {
  // expected-error @+1 {{'orch.view' op offset of dim 0 must be >= 0, got -16}}
  %v = orch.view %t[-16, 0] [16, 128] : !orch.tensor<64x128xf32> -> !orch.tensor<16x128xf32>
  return
}

// -----

func.func @view_result_dim(%t: !orch.tensor<64x128xf32>) {
  // expected-error @+1 {{'orch.view' op result dim 1 must equal the static size 128, got '?'}}
  %v = orch.view %t[0, 0] [16, 128] : !orch.tensor<64x128xf32> -> !orch.tensor<16x?xf32>
  return
}

// -----

func.func @view_dynamic_size(%t: !orch.tensor<64x128xf32>, %n: index) {
  // expected-error @+1 {{'orch.view' op result dim 1 must be '?' because its size is a value, got 128}}
  %v = orch.view %t[0, 0] [16, %n] : !orch.tensor<64x128xf32> -> !orch.tensor<16x128xf32>
  return
}

// -----

func.func @view_size_too_large(%t: !orch.tensor<64x128xf32>, %r: index) {
  // expected-error @+1 {{'orch.view' op size 256 of dim 1 exceeds the source dim of 128}}
  %v = orch.view %t[%r, 0] [16, 256] : !orch.tensor<64x128xf32> -> !orch.tensor<16x256xf32>
  return
}

// -----

func.func @view_out_of_bounds(%t: !orch.tensor<64x128xf32>) {
  // expected-error @+1 {{'orch.view' op dim 0 is out of bounds: offset 56 + size 16 = 72 exceeds the source dim of 64}}
  %v = orch.view %t[56, 0] [16, 128] : !orch.tensor<64x128xf32> -> !orch.tensor<16x128xf32>
  return
}

// -----

func.func @read_index_count(%t: !orch.tensor<4x?xi32>, %i: index) {
  // expected-error @+1 {{'orch.read' op expects 2 indices, one per dimension of the tensor '!orch.tensor<4x?xi32>', got 1}}
  %x = orch.read %t[%i] : !orch.tensor<4x?xi32>
  return
}

// -----

func.func @read_out_of_bounds(%t: !orch.tensor<4x?xi32>, %i: index) {
  // expected-error @+1 {{'orch.read' op index 4 of dim 0 is out of bounds: the dim has size 4}}
  %x = orch.read %t[4, %i] : !orch.tensor<4x?xi32>
  return
}

// -----

func.func @read_negative_index(%t: !orch.tensor<4xi32>) {
  // expected-error @+1 {{'orch.read' op index of dim 0 must be >= 0, got -1}}
  %x = orch.read %t[-1] : !orch.tensor<4xi32>
  return
}

// -----

func.func @read_result_type(%t: !orch.tensor<4xi32>) {
  // expected-error @+1 {{'orch.read' op failed to verify that result type is the tensor's element type}}
  %x = "orch.read"(%t) <{static_indices = array<i64: 0>}> : (!orch.tensor<4xi32>) -> f32
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @aic_without_aic_slot(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{'orch.submit' op kind 'aic' requires the 'aic' kernel slot (rt_submit_aic_task)}}
  orch.submit aic(aiv0 = @sf) args()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @aic_with_aiv_slot(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{'orch.submit' op kind 'aic' takes only the 'aic' kernel slot, but 'aiv1' is set; use kind 'mix' for several kernels}}
  orch.submit aic(aic = @qk, aiv1 = @sf) args()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @aiv_with_aic_slot(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{'orch.submit' op kind 'aiv' must not fill the 'aic' kernel slot; use kind 'mix' for AIC + AIV}}
  orch.submit aiv(aic = @qk, aiv0 = @sf) args()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @aiv_with_two_lanes(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{'orch.submit' op kind 'aiv' takes exactly one of the 'aiv0'/'aiv1' kernel slots (rt_submit_aiv_task), got 2; use kind 'mix' for both lanes}}
  orch.submit aiv(aiv0 = @sf, aiv1 = @sf) args()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @aiv_without_kernel(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{'orch.submit' op kind 'aiv' takes exactly one of the 'aiv0'/'aiv1' kernel slots (rt_submit_aiv_task), got 0; use kind 'mix' for both lanes}}
  orch.submit aiv() args()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @mix_with_one_slot(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{'orch.submit' op kind 'mix' needs at least two filled kernel slots of 'aic', 'aiv0', 'aiv1', got 1; a single kernel is an 'aic' or 'aiv' task}}
  orch.submit mix(aiv0 = @sf) args()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @zero_blocks(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{'orch.submit' op block count must be in [1, 32767] (set_block_num takes a positive int16), got 0}}
  orch.submit aic(aic = @qk) blocks(0) args()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @too_many_blocks(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{'orch.submit' op block count must be in [1, 32767] (set_block_num takes a positive int16), got 40000}}
  orch.submit aic(aic = @qk) blocks(40000) args()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @zero_blocks_from_constant() {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'orch.submit' op block count must be in [1, 32767] (set_block_num takes a positive int16), got 0}}
  orch.submit aic(aic = @qk) blocks(%c0) args()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @mix_blocks_overflow() {
  // expected-error @+1 {{'orch.submit' op block count must be in [1, 10922] for a task with 3 kernel slots (the runtime counts block count x slots subtasks in an int16), got 10923}}
  orch.submit mix(aic = @qk, aiv0 = @sf, aiv1 = @sf) blocks(10923) args()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @blocks_twice(%n: index) {
  // expected-error @+1 {{'orch.submit' op block count is given both as a value and as the static_block_num attribute; give one}}
  "orch.submit"(%n) <{aic_kernel = @qk, directions = [], kind = #orch<kind aic>, operandSegmentSizes = array<i32: 1, 0, 0>, static_block_num = 4 : i64}> : (index) -> ()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @directions_count(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{'orch.submit' op expects one direction per tensor argument: 2 tensor(s), 1 direction(s)}}
  "orch.submit"(%t, %t) <{aic_kernel = @qk, directions = [#orch<dir in>], kind = #orch<kind aic>, operandSegmentSizes = array<i32: 0, 2, 0>}> : (!orch.tensor<16x128xf32>, !orch.tensor<16x128xf32>) -> ()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @too_many_tensors(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{'orch.submit' op takes at most 32 tensor arguments (CORE_MAX_TENSOR_ARGS), got 33}}
  orch.submit aic(aic = @qk) args(in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>, in %t : !orch.tensor<16x128xf32>)
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @too_many_scalars(%t: !orch.tensor<16x128xf32>, %s: i64) {
  // expected-error @+1 {{'orch.submit' op takes at most 16 scalars (CORE_MAX_SCALAR_ARGS), got 17}}
  orch.submit aic(aic = @qk) args() scalars(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s : i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64)
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @scalar_type(%t: !orch.tensor<16x128xf32>, %i: i32, %d: f64) {
  // expected-error @+1 {{'orch.submit' op scalar #1 has type 'f64'; scalars must be i64, i32 or f32 (add_scalar passes 64 raw bits, an f32 as its bits)}}
  orch.submit aic(aic = @qk) args() scalars(%i, %d : i32, f64)
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @write_of_input(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{'orch.submit' op tensor argument #1 ('out') may overlap tensor argument #0 ('in'): a task must not write a tensor it reads, because the runtime does not track write-after-read; pass it once as 'inout' or write a separate buffer}}
  orch.submit aiv(aiv0 = @sf) args(in %t : !orch.tensor<16x128xf32>, out %t : !orch.tensor<16x128xf32>)
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @inout_of_input(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{'orch.submit' op tensor argument #1 ('inout') may overlap tensor argument #0 ('in'): a task must not write a tensor it reads, because the runtime does not track write-after-read; pass it once as 'inout' or write a separate buffer}}
  orch.submit aiv(aiv0 = @sf) args(in %t : !orch.tensor<16x128xf32>, inout %t : !orch.tensor<16x128xf32>)
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @overlapping_static_views() {
  orch.scope {
    %t = orch.alloc : !orch.tensor<32x128xf32>
    %a = orch.view %t[0, 0] [16, 128] : !orch.tensor<32x128xf32> -> !orch.tensor<16x128xf32>
    %b = orch.view %t[8, 0] [16, 128] : !orch.tensor<32x128xf32> -> !orch.tensor<16x128xf32>
    // expected-error @+1 {{'orch.submit' op tensor argument #1 ('out') may overlap tensor argument #0 ('in'): a task must not write a tensor it reads, because the runtime does not track write-after-read; pass it once as 'inout' or write a separate buffer}}
    orch.submit aiv(aiv0 = @sf) args(in %a : !orch.tensor<16x128xf32>, out %b : !orch.tensor<16x128xf32>)
  }
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @dynamic_view_of_written_tensor(%r: index) {
  orch.scope {
    %t = orch.alloc : !orch.tensor<32x128xf32>
    %a = orch.view %t[%r, 0] [16, 128] : !orch.tensor<32x128xf32> -> !orch.tensor<16x128xf32>
    // expected-error @+1 {{'orch.submit' op tensor argument #1 ('inout') may overlap tensor argument #0 ('in'): a task must not write a tensor it reads, because the runtime does not track write-after-read; pass it once as 'inout' or write a separate buffer}}
    orch.submit aiv(aiv0 = @sf) args(in %a : !orch.tensor<16x128xf32>, inout %t : !orch.tensor<32x128xf32>)
  }
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @same_external_argument() {
  %a = orch.external 5 : !orch.tensor<64x128xf32>
  %b = orch.external 5 : !orch.tensor<4x16x128xf32>
  // expected-error @+1 {{'orch.submit' op tensor argument #1 ('out') may overlap tensor argument #0 ('in'): a task must not write a tensor it reads, because the runtime does not track write-after-read; pass it once as 'inout' or write a separate buffer}}
  orch.submit aiv(aiv0 = @sf) args(in %a : !orch.tensor<64x128xf32>, out %b : !orch.tensor<4x16x128xf32>)
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @unknown_kernel(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{'orch.submit' op 'aic' kernel @missing does not resolve to a func.func in the enclosing module}}
  orch.submit aic(aic = @missing) args()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
memref.global "private" @buf : memref<4xf32>

func.func @kernel_not_a_function(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{'orch.submit' op 'aiv0' kernel @buf must be a func.func, got 'memref.global'}}
  orch.submit aiv(aiv0 = @buf) args()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @aic_slot_with_aiv_kernel(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{'orch.submit' op 'aic' kernel @sf must be an #aicore.kernel on core aic, got aiv}}
  orch.submit mix(aic = @sf, aiv0 = @sf) args()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @aiv_slot_with_aic_kernel(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{'orch.submit' op 'aiv1' kernel @qk must be an #aicore.kernel on core aiv, got aic}}
  orch.submit mix(aiv0 = @sf, aiv1 = @qk) args()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
// expected-error @+1 {{'aicore.kernel' must be an #aicore.kernel<...> attribute, got 1 : i64}}
func.func private @odd() attributes {aicore.kernel = 1}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @unknown_task_kind(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{unknown task kind 'cube'; expected 'aic', 'aiv' or 'mix'}}
  orch.submit cube(aic = @qk) args()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @unknown_kernel_slot(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{unknown kernel slot 'aiv2'; expected 'aic', 'aiv0' or 'aiv1'}}
  orch.submit aiv(aiv2 = @sf) args()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @kernel_slot_twice(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{kernel slot 'aiv0' given twice}}
  orch.submit mix(aiv0 = @sf, aiv0 = @sf) args()
  return
}

// -----

func.func private @qk() attributes {aicore.kernel = #aicore.kernel<core = aic>}
func.func private @sf() attributes {aicore.kernel = #aicore.kernel<core = aiv>}

func.func @unknown_direction(%t: !orch.tensor<16x128xf32>) {
  // expected-error @+1 {{unknown tensor argument direction 'read'; expected 'in', 'out' or 'inout'}}
  orch.submit aiv(aiv0 = @sf) args(read %t : !orch.tensor<16x128xf32>)
  return
}
