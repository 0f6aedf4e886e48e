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

// Cube kernel: one `using` per tile and view type, named objects, the real query rows of
// the group into a zero-padded L1 tile, K^T through a DN view, TASSIGN offsets, the
// MTE2 -> MTE1 -> M -> FIX chain.
// QK:      #include <pto/pto-inst.hpp>
// QK:      using GmBf16_128x64_DN = GlobalTensor<bfloat16_t, Shape<1, 1, 1, 128, 64>, Stride<{{.*}}, 1, 1024>, Layout::DN>;
// QK:      using [[QMATT:MatBf16_16x128_PadZero]] = Tile<TileType::Mat, bfloat16_t, 16, 128, BLayout::ColMajor, 16, 128, SLayout::RowMajor, 512, PadValue::Zero>;
// QK-NEXT: using [[QROWST:MatBf16_16x128_Valid5x128_PadZero]] = Tile<TileType::Mat, bfloat16_t, 16, 128, BLayout::ColMajor, 5, 128, SLayout::RowMajor, 512, PadValue::Zero>;
// QK:      using [[LEFTT:LeftBf16_16x128]] = TileLeft<bfloat16_t, 16, 128, 16, 128>;
// QK-NEXT: using [[RIGHTT:RightBf16_128x64]] = TileRight<bfloat16_t, 128, 64, 128, 64>;
// QK-NEXT: using [[ACCT:AccF32_16x64]] = TileAcc<float, 16, 64, 16, 64>;
// QK:      extern "C" __aicore__ void kernel_entry(__gm__ int64_t* [[ARGS:v[0-9]+]]) {
// QK-NEXT:   __gm__ int64_t *args = [[ARGS]];
// QK-NEXT:   __gm__ ChipTensor *query_tensor = reinterpret_cast<__gm__ ChipTensor *>(args[0]);
// QK:        const int64_t block_idx = get_block_idx(args);
// QK:        [[QMATT]] [[QMAT:query_tile]];
// QK-NEXT:   TASSIGN([[QMAT]], 0x0);
// QK-NEXT:   [[QROWST]] query_valid;
// QK-NEXT:   TASSIGN(query_valid, 0x0);
// QK:        [[LEFTT]] [[LEFT:[a-z0-9_]+]];
// QK:        [[RIGHTT]] [[RIGHT:[a-z0-9_]+]];
// QK:        [[ACCT]] scores_tile;
// QK:        TLOAD(query_valid, query_gm);
// QK:        set_flag(PIPE_MTE2, PIPE_MTE1, EVENT_ID[[E1:[0-7]]]);
// QK:        wait_flag(PIPE_MTE2, PIPE_MTE1, EVENT_ID[[E1]]);
// QK:        TMOV([[LEFT]], [[QMAT]]);
// QK:        set_flag(PIPE_MTE1, PIPE_M, EVENT_ID[[E2:[0-7]]]);
// QK:        wait_flag(PIPE_MTE1, PIPE_M, EVENT_ID[[E2]]);
// QK-NEXT:   TMATMUL(scores_tile, [[LEFT]], [[RIGHT]]);
// QK-NEXT:   set_flag(PIPE_M, PIPE_FIX, EVENT_ID[[E3:[0-7]]]);
// QK-NEXT:   wait_flag(PIPE_M, PIPE_FIX, EVENT_ID[[E3]]);
// QK-NEXT:   TSTORE(scores_gm, scores_tile);
// QK:        pipe_sync();

// Vector lane: rows from get_sub_block_id, the -inf pad alias at the same UB address, the
// vector pipe ordered by barriers, MTE2 -> V -> MTE3 flags; index arithmetic in int64_t.
// SM:        using [[ST:VecF32_8x64_Valid8xN]] = Tile<TileType::Vec, float, 8, 64, BLayout::RowMajor, 8, -1>;
// SM-NEXT:   using [[XT:VecF32_8x64_PadMin]] = Tile<TileType::Vec, float, 8, 64, BLayout::RowMajor, 8, 64, SLayout::NoneBox, 512, PadValue::Min>;
// SM:        extern "C" __aicore__ void kernel_entry(
// SM-NOT:    size_t
// SM-NOT:    ptrdiff_t
// SM:        const int64_t sub_block_id = get_sub_block_id(args);
// SM:        [[ST]] scores_tile(
// SM-NEXT:   TASSIGN(scores_tile, 0x0);
// SM-NEXT:   [[XT]] scores_padded;
// SM-NEXT:   TASSIGN(scores_padded, 0x0);
// SM:        TLOAD(scores_tile, scores_gm);
// SM-NEXT:   set_flag(PIPE_MTE2, PIPE_V, EVENT_ID[[E:[0-7]]]);
// SM-NEXT:   wait_flag(PIPE_MTE2, PIPE_V, EVENT_ID[[E]]);
// SM-NEXT:   TMULS(scores_tile, scores_tile, scale);
// SM-NEXT:   pipe_barrier(PIPE_V);
// SM-NEXT:   TFILLPAD_INPLACE(scores_padded, scores_tile);
// SM:        TCVT(probs_tile, scores_padded, RoundMode::CAST_RINT);
// SM:        set_flag(PIPE_V, PIPE_MTE3,
// SM:        TSTORE(probs_gm, probs_tile);
// SM:        pipe_sync();

// The PV kernel: V's live rows are loaded through a valid-rows alias of the L1 tile, whose other rows
// TFILLPAD (the one-type Mat overload, on MTE2) zeroes before the TMOV to L0B.
// PV:        using [[VLT:MatBf16_64x128_ValidNx128_PadZero]] = Tile<TileType::Mat, bfloat16_t, 64, 128, BLayout::ColMajor, -1, 128, SLayout::RowMajor, 512, PadValue::Zero>;
// PV:        MatBf16_64x128_PadZero [[VM:[a-z0-9_]+]];
// PV:        [[VLT]] value_valid([[LIVE:v[0-9]+]]);
// PV:        TLOAD(value_valid,
// PV-NEXT:   TFILLPAD(value_valid, value_valid);
// PV-NEXT:   set_flag(PIPE_MTE2, PIPE_MTE1, EVENT_ID[[E:[0-7]]]);
// PV:        wait_flag(PIPE_MTE2, PIPE_MTE1, EVENT_ID[[E]]);
// PV-NEXT:   TMOV({{[a-z0-9_]+}}, [[VM]]);

// Update lane: the lane's real rows stored through a run-time valid-rows alias.
// UP:        using [[REALT:VecF32_8x128_ValidNx128]] = Tile<TileType::Vec, float, 8, 128, BLayout::RowMajor, -1, 128>;
// UP:        get_sub_block_id(args)
// UP-DAG:    [[REALT]] out_tile(
// UP-DAG:    TROWEXPANDDIV(
// UP:        TSTORE(out_gm, out_tile);
// UP:        pipe_sync();

// SPMD orchestration: 24 blocks per stage, vector stages as MIX tasks on both AIV lanes;
// scopes as PTO2_SCOPE_GUARD() at the start of the block they span.
// ORCH:      #define FUNC_GQA_QK_MATMUL 0
// ORCH:      PTO2OrchestrationConfig aicpu_orchestration_config(
// ORCH-NEXT:   (void)
// ORCH-NEXT:   return PTO2OrchestrationConfig{7};
// ORCH:      void aicpu_orchestration_entry(const ChipTaskArgs & [[A:v[0-9]+]]) {
// ORCH-NEXT:   const ChipTaskArgs &orch_args = [[A]];
// ORCH:        ChipTensor query = make_tensor_external(orch_args.tensor(0).ref().data_as<void>(), query_shape, 3, DataType::BFLOAT16, false);
// ORCH:        PTO2_SCOPE_GUARD();
// ORCH:        alloc_tensors(
// ORCH:        for (int64_t [[KV:i[0-9]+]] = 0;
// ORCH-NEXT:     // scope:
// ORCH-NEXT:     PTO2_SCOPE_GUARD();
// ORCH:          qk_matmul_args.add_input(query, key_cache, block_table, context_lens);
// ORCH-NEXT:     qk_matmul_args.add_output(scores);
// ORCH-NEXT:     qk_matmul_args.add_scalar([[KV]]);
// ORCH-NEXT:     qk_matmul_args.launch_spec.set_block_num(24);
// ORCH-NEXT:     rt_submit_aic_task(FUNC_GQA_QK_MATMUL, qk_matmul_args);
// ORCH:          softmax_prepare_args.launch_spec.set_block_num(24);
// ORCH-NEXT:     MixedKernels softmax_prepare_kernels;
// ORCH-NEXT:     softmax_prepare_kernels.aiv0_kernel_id = FUNC_GQA_SOFTMAX_PREPARE;
// ORCH-NEXT:     softmax_prepare_kernels.aiv1_kernel_id = FUNC_GQA_SOFTMAX_PREPARE;
// ORCH-NEXT:     rt_submit_task(softmax_prepare_kernels, softmax_prepare_args);
// ORCH:          online_update_args.add_inout(
// ORCH:          online_update_args.add_output(

// Per-tile orchestration: paging by views; one block per task.
// ORCHTILE:      get_tensor_data<int32_t>(
// ORCHTILE:      .view(
// ORCHTILE-NOT:  set_block_num
// ORCHTILE:      rt_submit_aic_task(FUNC_GQA_QK_MATMUL,
// QKTILE-NOT:    get_block_idx
// QKTILE:        TMATMUL(
