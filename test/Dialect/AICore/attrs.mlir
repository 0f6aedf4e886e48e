// RUN: ptoattn-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// The typed contracts round-trip.
// RUN: ptoattn-opt %s -split-input-file -verify-diagnostics | ptoattn-opt -split-input-file | FileCheck %s

// The kernel contract: defaults (1 lane, spmd, no arguments) are not printed.
// CHECK-LABEL: func.func private @minimal() attributes {aicore.kernel = #aicore.kernel<core = aiv>}
func.func private @minimal() attributes {aicore.kernel = #aicore.kernel<core = aiv, lanes = 1, strategy = spmd>}

// CHECK-LABEL: func.func private @softmax()
// CHECK-SAME: aicore.kernel = #aicore.kernel<core = aiv, lanes = 2, strategy = per_tile, args = [#aicore.arg<in "scores" : f32>, #aicore.arg<out "probs" : bf16>, #aicore.arg<scalar "valid_cols" : i64>, #aicore.arg<scalar "scale" : f32>]>
// CHECK-SAME: aicore.memory = {UB = 8704 : i64}
func.func private @softmax() attributes {aicore.kernel = #aicore.kernel<core = aiv, lanes = 2, strategy = per_tile, args = [#aicore.arg<in "scores" : f32>, #aicore.arg<out "probs" : bf16>, #aicore.arg<scalar "valid_cols" : i64>, #aicore.arg<scalar "scale" : f32>]>, aicore.memory = {UB = 8704 : i64}}

// -----

// The target chip of a module.
// CHECK: module attributes {aicore.target = #aicore.target<"910B3">}
module attributes {aicore.target = #aicore.target<"910B3">} {
}

// -----

// expected-error @+1 {{#aicore.kernel on the aic core runs on 1 lane, got 2}}
func.func private @two_lane_cube() attributes {aicore.kernel = #aicore.kernel<core = aic, lanes = 2>}

// -----

// expected-error @+1 {{#aicore.kernel on the aiv core runs on 1 to 2 lanes, got 3}}
func.func private @three_lanes() attributes {aicore.kernel = #aicore.kernel<core = aiv, lanes = 3>}

// -----

// expected-error @+1 {{#aicore.kernel tensor argument 'out' follows a scalar: tensors come first (add_* order)}}
func.func private @scalar_first() attributes {aicore.kernel = #aicore.kernel<core = aic, args = [#aicore.arg<scalar "kv_step" : i64>, #aicore.arg<out "out" : f32>]>}

// -----

// expected-error @+2 {{#aicore.arg scalar 'scale' must be i64 or f32 (a float in the low 32 bits), got 'f16'}}
// expected-error @+1 {{failed to parse AICore_KernelAttr parameter 'args'}}
func.func private @half_scalar() attributes {aicore.kernel = #aicore.kernel<core = aiv, args = [#aicore.arg<scalar "scale" : f16>]>}

// -----

// expected-error @+2 {{#aicore.arg tensor 'query' has an unsupported element type 'f64'}}
// expected-error @+1 {{failed to parse AICore_KernelAttr parameter 'args'}}
func.func private @f64_tensor() attributes {aicore.kernel = #aicore.kernel<core = aic, args = [#aicore.arg<in "query" : f64>]>}

// -----

// expected-error @+1 {{'aicore.kernel' is only valid on a kernel function, not on 'builtin.module'}}
module attributes {aicore.kernel = #aicore.kernel<core = aic>} {
}

// -----

// expected-error @+1 {{'aicore.memory' entry 'L2' must be an L1, L0A, L0B, L0C or UB byte count}}
func.func private @bad_memory() attributes {aicore.kernel = #aicore.kernel<core = aic>, aicore.memory = {L2 = 4 : i64}}

// -----

// expected-error @+1 {{target '910C' is not supported: must be 910B1, 910B2, 910B3 or 910B4}}
module attributes {aicore.target = #aicore.target<"910C">} {
}

// -----

// expected-error @+1 {{'aicore.target' is only valid on a builtin.module, not on 'func.func'}}
func.func private @chip_on_function() attributes {aicore.target = #aicore.target<"910B1">}

// -----

// expected-error @+1 {{unknown aicore dialect attribute 'aicore.chip'; allowed: 'aicore.kernel', 'aicore.target', 'aicore.memory'}}
func.func private @unknown() attributes {aicore.chip = 1}
