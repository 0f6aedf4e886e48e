// RUN: ptoattn-opt %s -split-input-file -aicore-verify-sync -verify-diagnostics | FileCheck %s
//
// Each case plants one synchronisation bug in an otherwise correct kernel; the checker reports it
// on the later operation, with a note on the other one. Correct kernels pass unchanged.

// A correctly synchronised vector kernel is accepted and left as it is.
// CHECK-LABEL: func.func @accepts_correct_kernel()
//       CHECK:   aicore.set_flag mte2 -> v, event0
//       CHECK:   aicore.pipe_barrier v
//       CHECK:   aicore.pipe_sync
func.func @accepts_correct_kernel() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %c0 = arith.constant 0 : index
  %p = aicore.tensor_ptr 0 : !aicore.gm_ptr<f32>
  %g = aicore.gm_view %p[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x64xf32>
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x64xf32>
  aicore.tload ins(%g : !aicore.gm<1x1x1x8x64xf32>) outs(%a : !aicore.tile<vec, 8x64xf32>)
  aicore.set_flag mte2 -> v, event0
  aicore.wait_flag mte2 -> v, event0
  aicore.texp ins(%a : !aicore.tile<vec, 8x64xf32>) outs(%a : !aicore.tile<vec, 8x64xf32>)
  aicore.pipe_barrier v
  aicore.texp ins(%a : !aicore.tile<vec, 8x64xf32>) outs(%a : !aicore.tile<vec, 8x64xf32>)
  aicore.set_flag v -> mte3, event0
  aicore.wait_flag v -> mte3, event0
  aicore.tstore ins(%a : !aicore.tile<vec, 8x64xf32>) outs(%g : !aicore.gm<1x1x1x8x64xf32>)
  aicore.pipe_sync
  return
}

// -----

// Ordering is transitive: mte2 -> mte1 -> m covers the load for the matmul's operands, and a
// chain through one pipe pair covers every later consumer on that pipe.
// CHECK-LABEL: func.func @accepts_transitive_chain()
func.func @accepts_transitive_chain() attributes {aicore.kernel = #aicore.kernel<core = aic>} {
  %c0 = arith.constant 0 : index
  %qp = aicore.tensor_ptr 0 : !aicore.gm_ptr<bf16>
  %sp = aicore.tensor_ptr 1 : !aicore.gm_ptr<f32>
  %q = aicore.gm_view %qp[%c0] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x16x16xbf16>
  %s = aicore.gm_view %sp[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x16x16xf32>
  %qm = aicore.tile offset 0 : !aicore.tile<mat, 16x16xbf16, blayout = col_major, slayout = row_major>
  %km = aicore.tile offset 512 : !aicore.tile<mat, 16x16xbf16, slayout = col_major>
  %ql = aicore.tile offset 0 : !aicore.tile<left, 16x16xbf16>
  %kr = aicore.tile offset 0 : !aicore.tile<right, 16x16xbf16>
  %acc = aicore.tile offset 0 : !aicore.tile<acc, 16x16xf32>
  aicore.tload ins(%q : !aicore.gm<1x1x1x16x16xbf16>)
               outs(%qm : !aicore.tile<mat, 16x16xbf16, blayout = col_major, slayout = row_major>)
  aicore.set_flag mte2 -> mte1, event0
  aicore.wait_flag mte2 -> mte1, event0
  aicore.tmov ins(%qm : !aicore.tile<mat, 16x16xbf16, blayout = col_major, slayout = row_major>)
              outs(%ql : !aicore.tile<left, 16x16xbf16>)
  aicore.tmov ins(%km : !aicore.tile<mat, 16x16xbf16, slayout = col_major>)
              outs(%kr : !aicore.tile<right, 16x16xbf16>)
  aicore.set_flag mte1 -> m, event0
  aicore.wait_flag mte1 -> m, event0
  aicore.tmatmul ins(%ql, %kr : !aicore.tile<left, 16x16xbf16>, !aicore.tile<right, 16x16xbf16>)
                 outs(%acc : !aicore.tile<acc, 16x16xf32>)
  aicore.set_flag m -> fix, event3
  aicore.wait_flag m -> fix, event3
  aicore.tstore ins(%acc : !aicore.tile<acc, 16x16xf32>) outs(%s : !aicore.gm<1x1x1x16x16xf32>)
  aicore.pipe_sync
  return
}

// -----

// Missing wait: the flag is set but the V instruction does not wait for it (and the flag stays
// set).
func.func @missing_wait() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %c0 = arith.constant 0 : index
  %p = aicore.tensor_ptr 0 : !aicore.gm_ptr<f32>
  %g = aicore.gm_view %p[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x64xf32>
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x64xf32>
  %b = aicore.tile offset 2048 : !aicore.tile<vec, 8x64xf32>
  // expected-note@+1 {{the earlier instruction}}
  aicore.tload ins(%g : !aicore.gm<1x1x1x8x64xf32>) outs(%a : !aicore.tile<vec, 8x64xf32>)
  // expected-error@+1 {{flag mte2 -> v, event0 is still set when the kernel returns}}
  aicore.set_flag mte2 -> v, event0
  // expected-error@+1 {{'aicore.texp' op on pipe v reads bytes that 'aicore.tload' on pipe mte2 wrote, with no set_flag/wait_flag mte2 -> v chain between them}}
  aicore.texp ins(%a : !aicore.tile<vec, 8x64xf32>) outs(%b : !aicore.tile<vec, 8x64xf32>)
  aicore.pipe_sync
  // expected-note@+1 {{the kernel returns here}}
  return
}

// -----

// Missing barrier between two dependent V instructions.
func.func @missing_barrier() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x64xf32>
  %b = aicore.tile offset 2048 : !aicore.tile<vec, 8x64xf32>
  // expected-note@+1 {{the earlier instruction}}
  aicore.texp ins(%a : !aicore.tile<vec, 8x64xf32>) outs(%b : !aicore.tile<vec, 8x64xf32>)
  // expected-error@+1 {{'aicore.texp' op on pipe v reads bytes that 'aicore.texp' on pipe v wrote, with no pipe_barrier v between them}}
  aicore.texp ins(%b : !aicore.tile<vec, 8x64xf32>) outs(%b : !aicore.tile<vec, 8x64xf32>)
  aicore.pipe_sync
  return
}

// -----

// Write after read through byte reuse: %b is planned onto %a's bytes, and the load into %b does
// not wait for the V instruction reading %a.
func.func @missing_war_on_reused_bytes() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %c0 = arith.constant 0 : index
  %p = aicore.tensor_ptr 0 : !aicore.gm_ptr<f32>
  %g = aicore.gm_view %p[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x64xf32>
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x64xf32>
  %b = aicore.tile offset 1024 : !aicore.tile<vec, 4x64xf32>
  %c = aicore.tile offset 4096 : !aicore.tile<vec, 8x64xf32>
  // expected-note@+1 {{the earlier instruction}}
  aicore.texp ins(%a : !aicore.tile<vec, 8x64xf32>) outs(%c : !aicore.tile<vec, 8x64xf32>)
  %h = aicore.gm_view %p[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x4x64xf32>
  // expected-error@+1 {{'aicore.tload' op on pipe mte2 overwrites bytes that 'aicore.texp' on pipe v reads, with no set_flag/wait_flag v -> mte2 chain between them}}
  aicore.tload ins(%h : !aicore.gm<1x1x1x4x64xf32>) outs(%b : !aicore.tile<vec, 4x64xf32>)
  aicore.pipe_sync
  return
}

// -----

// Unmatched set: the same flag set twice without a wait in between.
func.func @set_twice() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  // expected-note@+1 {{it was set here}}
  aicore.set_flag v -> mte3, event2
  // expected-error@+1 {{flag v -> mte3, event2 is set again before its wait_flag}}
  aicore.set_flag v -> mte3, event2
  aicore.wait_flag v -> mte3, event2
  aicore.pipe_sync
  return
}

// -----

// A wait whose set happens on one branch only.
func.func @wait_without_set_on_some_path(%c: i1) attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  scf.if %c {
    aicore.set_flag mte2 -> v, event1
  }
  // expected-error@+1 {{wait_flag mte2 -> v, event1 has no matching set_flag before it on some path}}
  aicore.wait_flag mte2 -> v, event1
  aicore.pipe_sync
  return
}

// -----

// A flag set inside a branch and never waited for is live when the kernel returns.
func.func @flag_live_at_exit(%c: i1) attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  scf.if %c {
    // expected-error@+1 {{flag v -> mte3, event0 is still set when the kernel returns}}
    aicore.set_flag v -> mte3, event0
  }
  aicore.pipe_sync
  // expected-note@+1 {{the kernel returns here}}
  return
}

// -----

// Missing drain: the kernel returns without pipe_sync.
func.func @missing_drain() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %c0 = arith.constant 0 : index
  %p = aicore.tensor_ptr 0 : !aicore.gm_ptr<f32>
  %g = aicore.gm_view %p[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x64xf32>
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x64xf32>
  %zero = arith.constant 0.0 : f32
  aicore.texpands ins(%zero : f32) outs(%a : !aicore.tile<vec, 8x64xf32>)
  aicore.set_flag v -> mte3, event0
  aicore.wait_flag v -> mte3, event0
  aicore.tstore ins(%a : !aicore.tile<vec, 8x64xf32>) outs(%g : !aicore.gm<1x1x1x8x64xf32>)
  // expected-error@+1 {{kernel does not end with aicore.pipe_sync (the drain of its mte3 stores) on some path}}
  return
}

// -----

// pipe_sync drains FIX on the cube core; a store from L1 leaves on MTE3 and needs its own drain.
func.func @undrained_second_store_pipe() attributes {aicore.kernel = #aicore.kernel<core = aic>} {
  %c0 = arith.constant 0 : index
  %p = aicore.tensor_ptr 0 : !aicore.gm_ptr<bf16>
  %g = aicore.gm_view %p[%c0] : !aicore.gm_ptr<bf16> -> !aicore.gm<1x1x1x16x16xbf16>
  %m = aicore.tile offset 0 : !aicore.tile<mat, 16x16xbf16>
  aicore.tload ins(%g : !aicore.gm<1x1x1x16x16xbf16>) outs(%m : !aicore.tile<mat, 16x16xbf16>)
  aicore.set_flag mte2 -> mte3, event0
  aicore.wait_flag mte2 -> mte3, event0
  // expected-error@+1 {{store on pipe mte3 is not drained before the kernel returns (needs set_flag/wait_flag mte3 -> s)}}
  aicore.tstore ins(%m : !aicore.tile<mat, 16x16xbf16>) outs(%g : !aicore.gm<1x1x1x16x16xbf16>)
  aicore.pipe_sync
  return
}

// -----

// A loop body's syncs must also order one iteration after the previous one: here the next
// iteration's load overwrites %a while this iteration's V instruction may still read it, and
// the next iteration's texp rewrites %b with no barrier.
func.func @missing_loop_carried_sync(%n: index) attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %p = aicore.tensor_ptr 0 : !aicore.gm_ptr<f32>
  %g = aicore.gm_view %p[%c0] : !aicore.gm_ptr<f32> -> !aicore.gm<1x1x1x8x64xf32>
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x64xf32>
  %b = aicore.tile offset 2048 : !aicore.tile<vec, 8x64xf32>
  scf.for %i = %c0 to %n step %c1 {
    // expected-error@+1 {{'aicore.tload' op on pipe mte2 overwrites bytes that 'aicore.texp' on pipe v reads, with no set_flag/wait_flag v -> mte2 chain between them}}
    aicore.tload ins(%g : !aicore.gm<1x1x1x8x64xf32>) outs(%a : !aicore.tile<vec, 8x64xf32>)
    aicore.set_flag mte2 -> v, event0
    aicore.wait_flag mte2 -> v, event0
    // The previous iteration's texp also writes %b: that needs a barrier.
    // expected-note@+2 {{the earlier instruction}}
    // expected-error@+1 {{'aicore.texp' op on pipe v overwrites bytes that 'aicore.texp' on pipe v wrote, with no pipe_barrier v between them}}
    aicore.texp ins(%a : !aicore.tile<vec, 8x64xf32>) outs(%b : !aicore.tile<vec, 8x64xf32>)
  }
  aicore.pipe_sync
  return
}

// -----

// Each scf.if doubles the paths; past 4096 the checker gives up with an error.
func.func @too_many_paths(%c0: i1, %c1: i1, %c2: i1, %c3: i1, %c4: i1, %c5: i1, %c6: i1,
                          %c7: i1, %c8: i1, %c9: i1, %c10: i1, %c11: i1, %c12: i1)
    attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  scf.if %c0 {
    aicore.pipe_barrier v
  }
  scf.if %c1 {
    aicore.pipe_barrier v
  }
  scf.if %c2 {
    aicore.pipe_barrier v
  }
  scf.if %c3 {
    aicore.pipe_barrier v
  }
  scf.if %c4 {
    aicore.pipe_barrier v
  }
  scf.if %c5 {
    aicore.pipe_barrier v
  }
  scf.if %c6 {
    aicore.pipe_barrier v
  }
  scf.if %c7 {
    aicore.pipe_barrier v
  }
  scf.if %c8 {
    aicore.pipe_barrier v
  }
  scf.if %c9 {
    aicore.pipe_barrier v
  }
  scf.if %c10 {
    aicore.pipe_barrier v
  }
  scf.if %c11 {
    aicore.pipe_barrier v
  }
  // expected-error@+1 {{'scf.if' op kernel has more than 4096 control-flow paths; aicore-verify-sync cannot check it}}
  scf.if %c12 {
    aicore.pipe_barrier v
  }
  aicore.pipe_sync
  return
}

// -----

// Region ops other than scf.if / scf.for are not followed.
func.func @unsupported_region() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x64xf32>
  // expected-error@+1 {{'scf.execute_region' op contains aicore operations; aicore-verify-sync follows only scf.if and scf.for regions}}
  scf.execute_region {
    aicore.texp ins(%a : !aicore.tile<vec, 8x64xf32>) outs(%a : !aicore.tile<vec, 8x64xf32>)
    scf.yield
  }
  aicore.pipe_sync
  return
}

// -----

// expected-error@+1 {{'func.func' op aicore-verify-sync expects a kernel body of one block}}
func.func @unstructured_body() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  aicore.pipe_sync
  return
^bb1:
  aicore.pipe_sync
  return
}

// -----

func.func private @opaque(!aicore.tile<vec, 8x64xf32>)

// A tile handed to an op of no known pipe cannot be checked.
func.func @unknown_pipe() attributes {aicore.kernel = #aicore.kernel<core = aiv>} {
  %a = aicore.tile offset 0 : !aicore.tile<vec, 8x64xf32>
  // expected-error@+1 {{'func.call' op touches on-chip tiles but runs on no known pipe}}
  func.call @opaque(%a) : (!aicore.tile<vec, 8x64xf32>) -> ()
  aicore.pipe_sync
  return
}
