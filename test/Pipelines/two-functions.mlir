// RUN: ptoattn-opt %S/../../examples/two_layers.mlir --ptoattn-pipeline=to-emitc=false | FileCheck %s
// RUN: ptoattn-opt %S/../../examples/two_layers.mlir --ptoattn-pipeline="strategy=per-tile to-emitc=false" | FileCheck %s --check-prefix=PERTILE
//
// Two attention layers of different configurations in one module (MQA 16/1 with
// 128-row blocks, GQA 32/8 with 64-row blocks) lower into two independent
// kernel families and two orchestrations, each with its own tile shapes and
// block counts. (`ptoattn compile` writes one output directory per function;
// test_cli.py runs both on the simulator.)

// CHECK-LABEL: func.func @mqa_layer_qk_matmul()
//       CHECK:   aicore.tmatmul ins({{.*}} : !aicore.tile<left, 16x128xbf16>, !aicore.tile<right, 128x128xbf16>)
// CHECK-LABEL: func.func @mqa_layer_orchestration() attributes {orch.entry = #orch.entry<tensors = 6, scalars = 1>}
//       CHECK:   orch.external 0 : !orch.tensor<2x16x128xbf16>
//       CHECK:   orch.submit aic(aic = @mqa_layer_qk_matmul) blocks(2)
//       CHECK:   orch.submit mix(aiv0 = @mqa_layer_online_update, aiv1 = @mqa_layer_online_update) blocks(2)
// CHECK-LABEL: func.func @gqa_layer_qk_matmul()
//       CHECK:   aicore.tmatmul ins({{.*}} : !aicore.tile<left, 16x128xbf16>, !aicore.tile<right, 128x64xbf16>)
// CHECK-LABEL: func.func @gqa_layer_orchestration() attributes {orch.entry = #orch.entry<tensors = 6, scalars = 1>}
//       CHECK:   orch.external 0 : !orch.tensor<2x32x128xbf16>
//       CHECK:   orch.submit aic(aic = @gqa_layer_qk_matmul) blocks(16)
//   CHECK-NOT:   @mqa_layer_
//   CHECK-NOT:   attn.

// PERTILE-LABEL: func.func @mqa_layer_orchestration()
//   PERTILE-NOT:   blocks(
//       PERTILE:   orch.submit aic(aic = @mqa_layer_qk_matmul)
// PERTILE-LABEL: func.func @gqa_layer_orchestration()
//       PERTILE:   orch.view %{{.*}} [1, 4, 128] : !orch.tensor<2x32x128xbf16> -> !orch.tensor<1x4x128xbf16>
//       PERTILE:   orch.submit aic(aic = @gqa_layer_qk_matmul)
