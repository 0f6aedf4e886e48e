// The C++ ptoattn emits, checked with FileCheck: the full pipeline, then the pinned upstream
// mlir-translate printing one emitc.file at a time (what the driver writes to disk).
//
// RUN: ptoattn-opt %s --ptoattn-pipeline > %t.spmd
// RUN: ptoattn-opt %s --ptoattn-pipeline=strategy=per-tile > %t.pertile
// RUN: mlir-translate --mlir-to-cpp --file-id=gqa_qk_matmul %t.spmd | FileCheck %s --check-prefix=QK
// RUN: mlir-translate --mlir-to-cpp --file-id=gqa_softmax_prepare %t.spmd | FileCheck %s --check-prefix=SM
// RUN: mlir-translate --mlir-to-cpp --file-id=gqa_pv_matmul %t.spmd | FileCheck %s --check-prefix=PV
// RUN: mlir-translate --mlir-to-cpp --file-id=gqa_online_update %t.spmd | FileCheck %s --check-prefix=UP
// RUN: mlir-translate --mlir-to-cpp --file-id=orchestration %t.spmd | FileCheck %s --check-prefix=ORCH
// RUN: mlir-translate --mlir-to-cpp --file-id=orchestration %t.pertile | FileCheck %s --check-prefix=ORCHTILE
// RUN: mlir-translate --mlir-to-cpp --file-id=gqa_qk_matmul %t.pertile | FileCheck %s --check-prefix=QKTILE

// GQA 40/8 on 64-row blocks: groups of 5 heads in 16-row query tiles, 3 x 8 = 24 SPMD blocks.
func.func @gqa(%q: tensor<3x40x128xbf16>, %k: tensor<?x64x8x128xbf16>, %v: tensor<?x64x8x128xbf16>,
               %bt: tensor<3x?xi32>, %lens: tensor<3xi32>, %scale: f32) -> tensor<3x40x128xf32> {
  %out = attn.paged_attention query(%q) key_cache(%k) value_cache(%v) block_table(%bt) context_lens(%lens) scale(%scale)
      : (tensor<3x40x128xbf16>, tensor<?x64x8x128xbf16>, tensor<?x64x8x128xbf16>, tensor<3x?xi32>, tensor<3xi32>, f32) -> tensor<3x40x128xf32>
  return %out : tensor<3x40x128xf32>
}

// Cube kernel: entry, descriptors, the real query rows of the group into a zero-padded
// NZ L1 tile, K^T through a DN view, TASSIGN offsets, the MTE2 -> MTE1 -> M -> FIX chain.
// QK:      #include <pto/pto-inst.hpp>
// QK:      extern "C" __aicore__ void kernel_entry(__gm__ int64_t* [[ARGS:v[0-9]+]]) {
// QK:        reinterpret_cast<__gm__ ChipTensor*>([[ARGS]][0]);
// QK:        get_block_idx([[ARGS]])
// QK:        GlobalTensor<bfloat16_t, Shape<1, 1, 1, 5, 128>, Stride<{{.*}}, 128, 1>>
// QK:        GlobalTensor<bfloat16_t, Shape<1, 1, 1, 128, 64>, Stride<{{.*}}, 1, 1024>, Layout::DN>
// QK:        Tile<TileType::Mat, bfloat16_t, 16, 128, BLayout::ColMajor, 16, 128, SLayout::RowMajor, 512, PadValue::Zero> [[QMAT:v[0-9]+]];
// QK-NEXT:   TASSIGN([[QMAT]], 0x0);
// QK:        Tile<TileType::Mat, bfloat16_t, 16, 128, BLayout::ColMajor, 5, 128, SLayout::RowMajor, 512, PadValue::Zero> [[QROWS:v[0-9]+]];
// QK-NEXT:   TASSIGN([[QROWS]], 0x0);
// QK:        TileLeft<bfloat16_t, 16, 128, 16, 128> [[LEFT:v[0-9]+]];
// QK:        TileRight<bfloat16_t, 128, 64, 128, 64> [[RIGHT:v[0-9]+]];
// QK:        TileAcc<float, 16, 64, 16, 64> [[ACC:v[0-9]+]];
// QK:        TLOAD([[QROWS]],
// QK:        set_flag(PIPE_MTE2, PIPE_MTE1, EVENT_ID[[E1:[0-7]]]);
// QK:        wait_flag(PIPE_MTE2, PIPE_MTE1, EVENT_ID[[E1]]);
// QK:        TMOV([[LEFT]], [[QMAT]]);
// QK:        set_flag(PIPE_MTE1, PIPE_M, EVENT_ID[[E2:[0-7]]]);
// QK:        wait_flag(PIPE_MTE1, PIPE_M, EVENT_ID[[E2]]);
// QK-NEXT:   TMATMUL([[ACC]], [[LEFT]], [[RIGHT]]);
// QK-NEXT:   set_flag(PIPE_M, PIPE_FIX, EVENT_ID[[E3:[0-7]]]);
// QK-NEXT:   wait_flag(PIPE_M, PIPE_FIX, EVENT_ID[[E3]]);
// QK-NEXT:   TSTORE({{v[0-9]+}}, [[ACC]]);
// QK:        pipe_sync();

// Vector lane: rows from get_sub_block_id, the -inf pad alias at the same UB address, the
// vector pipe ordered by barriers, MTE2 -> V -> MTE3 flags.
// SM:        extern "C" __aicore__ void kernel_entry(
// SM:        [[LANE:v[0-9]+]] = (size_t) get_sub_block_id(
// SM:        Tile<TileType::Vec, float, 8, 64, BLayout::RowMajor, 8, -1> [[S:v[0-9]+]] = Tile<TileType::Vec, float, 8, 64, BLayout::RowMajor, 8, -1>(
// SM-NEXT:   TASSIGN([[S]], 0x0);
// SM:        Tile<TileType::Vec, float, 8, 64, BLayout::RowMajor, 8, 64, SLayout::NoneBox, 512, PadValue::Min> [[X:v[0-9]+]];
// SM-NEXT:   TASSIGN([[X]], 0x0);
// SM:        TLOAD([[S]],
// SM-NEXT:   set_flag(PIPE_MTE2, PIPE_V, EVENT_ID[[E:[0-7]]]);
// SM-NEXT:   wait_flag(PIPE_MTE2, PIPE_V, EVENT_ID[[E]]);
// SM-NEXT:   TMULS([[S]], [[S]],
// SM-NEXT:   pipe_barrier(PIPE_V);
// SM-NEXT:   TFILLPAD_INPLACE([[X]], [[S]]);
// SM:        TCVT({{v[0-9]+}}, [[X]], RoundMode::CAST_RINT);
// SM:        set_flag(PIPE_V, PIPE_MTE3,
// SM:        TSTORE(
// SM:        pipe_sync();

// The PV kernel: V's live rows are loaded through a valid-rows alias of the L1 tile, whose other rows
// TFILLPAD (the one-type Mat overload, on MTE2) zeroes before the TMOV to L0B.
// PV:        Tile<TileType::Mat, bfloat16_t, 64, 128, BLayout::ColMajor, 64, 128, SLayout::RowMajor, 512, PadValue::Zero> [[VM:v[0-9]+]];
// PV:        Tile<TileType::Mat, bfloat16_t, 64, 128, BLayout::ColMajor, -1, 128, SLayout::RowMajor, 512, PadValue::Zero> [[VL:v[0-9]+]] = Tile<TileType::Mat, bfloat16_t, 64, 128, BLayout::ColMajor, -1, 128, SLayout::RowMajor, 512, PadValue::Zero>([[LIVE:v[0-9]+]]);
// PV:        TLOAD([[VL]],
// PV-NEXT:   TFILLPAD([[VL]], [[VL]]);
// PV-NEXT:   set_flag(PIPE_MTE2, PIPE_MTE1, EVENT_ID[[E:[0-7]]]);
// PV:        wait_flag(PIPE_MTE2, PIPE_MTE1, EVENT_ID[[E]]);
// PV-NEXT:   TMOV({{v[0-9]+}}, [[VM]]);

// Update lane: the lane's real rows stored through a run-time valid-rows alias.
// UP:        get_sub_block_id(
// UP-DAG:    Tile<TileType::Vec, float, 8, 128, BLayout::RowMajor, -1, 128> [[REAL:v[0-9]+]] = Tile<TileType::Vec, float, 8, 128, BLayout::RowMajor, -1, 128>(
// UP-DAG:    TROWEXPANDDIV(
// UP:        TSTORE({{v[0-9]+}}, [[REAL]]);
// UP:        pipe_sync();

// SPMD orchestration: 24 blocks per stage, vector stages as MIX tasks on both AIV lanes.
// ORCH:      #define FUNC_GQA_QK_MATMUL 0
// ORCH:      PTO2OrchestrationConfig aicpu_orchestration_config(
// ORCH-NEXT:   (void)
// ORCH-NEXT:   return PTO2OrchestrationConfig{7};
// ORCH:      void aicpu_orchestration_entry(const ChipTaskArgs & [[A:v[0-9]+]]) {
// ORCH:      PTO2_SCOPE() {
// ORCH:      alloc_tensors(
// ORCH:      .add_input(
// ORCH:      .launch_spec.set_block_num(24);
// ORCH-NEXT: rt_submit_aic_task(FUNC_GQA_QK_MATMUL,
// ORCH:      .launch_spec.set_block_num(24);
// ORCH-NEXT: MixedKernels [[MIX:v[0-9]+]];
// ORCH-NEXT: [[MIX]].aiv0_kernel_id = FUNC_GQA_SOFTMAX_PREPARE;
// ORCH-NEXT: [[MIX]].aiv1_kernel_id = FUNC_GQA_SOFTMAX_PREPARE;
// ORCH-NEXT: rt_submit_task([[MIX]],
// ORCH:      .add_inout(
// ORCH:      .add_output(

// Per-tile orchestration: paging by views; one block per task.
// ORCHTILE:      get_tensor_data<int32_t>(
// ORCHTILE:      .view(
// ORCHTILE-NOT:  set_block_num
// ORCHTILE:      rt_submit_aic_task(FUNC_GQA_QK_MATMUL,
// QKTILE-NOT:    get_block_idx
// QKTILE:        TMATMUL(
