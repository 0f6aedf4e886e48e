// Paged attention orchestration, SPMD strategy (hand-written sample in the style ptoattn emits).
//
// Per KV-block iteration j, one SPMD task per stage covers every (batch, kv head, q-tile)
// block: QK (AIC), softmax_prepare (MIX: both AIV lanes, 8 rows each), PV (AIC),
// online_update (MIX). Kernels read block_table / context_lens themselves and skip blocks
// whose sequence has ended, so the accumulators of finished sequences stay unchanged.
// Arguments: query, key_cache, value_cache, block_table, context_lens, out, scale.
#include <algorithm>
#include <cstdint>

#include "pto_orchestration_api.h"

#define FUNC_QK_MATMUL 0
#define FUNC_SOFTMAX_PREPARE 1
#define FUNC_PV_MATMUL 2
#define FUNC_ONLINE_UPDATE 3

static constexpr uint32_t kQTile = 16;  // query rows per cube tile (heads of one KV group, padded)

extern "C" {

__attribute__((visibility("default"))) PTO2OrchestrationConfig aicpu_orchestration_config(const ChipTaskArgs &) {
    return PTO2OrchestrationConfig{7};
}

__attribute__((visibility("default"))) void aicpu_orchestration_entry(const ChipTaskArgs &orch_args) {
    const ChipTensor &query = orch_args.tensor(0).ref();
    const ChipTensor &key_cache = orch_args.tensor(1).ref();
    const ChipTensor &value_cache = orch_args.tensor(2).ref();
    const ChipTensor &block_table = orch_args.tensor(3).ref();
    const ChipTensor &context_lens = orch_args.tensor(4).ref();
    const ChipTensor &out = orch_args.tensor(5).ref();
    const uint64_t scale_bits = orch_args.scalar(0);

    const uint32_t batch = query.shapes[0], num_heads = query.shapes[1], head_dim = query.shapes[2];
    const uint32_t block_size = key_cache.shapes[1], kv_heads = key_cache.shapes[2];
    const uint32_t group = num_heads / kv_heads;
    const uint32_t q_tiles = (group + kQTile - 1) / kQTile;
    const uint32_t nblk = batch * kv_heads * q_tiles;

    // Iterations: the longest sequence's block count (at least one, so empty sequences get zeros).
    uint32_t iters = 1;
    for (uint32_t b = 0; b < batch; b++) {
        const uint32_t idx[1] = {b};
        const int32_t len = get_tensor_data<int32_t>(context_lens, 1, idx);
        iters = std::max<uint32_t>(iters, (static_cast<uint32_t>(len) + block_size - 1) / block_size);
    }

    // Accumulators live across iterations (outer scope). Per-row scalars: each AIV lane owns
    // a 64-byte line (16 floats, 8 used) so the two lanes never share a GM line.
    const uint32_t acc_o_shape[2] = {nblk * kQTile, head_dim};
    const uint32_t acc_s_shape[1] = {nblk * 2 * 16};
    TensorCreateInfo acc_o_ci(acc_o_shape, 2, DataType::FLOAT32);
    TensorCreateInfo acc_s_ci(acc_s_shape, 1, DataType::FLOAT32);
    TaskOutputTensors acc = alloc_tensors(acc_o_ci, acc_s_ci, acc_s_ci);
    const ChipTensor &oi = acc.get_ref(0);
    const ChipTensor &mi = acc.get_ref(1);
    const ChipTensor &li = acc.get_ref(2);

    const uint32_t s_shape[2] = {nblk * kQTile, block_size};
    const uint32_t o_shape[2] = {nblk * kQTile, head_dim};
    TensorCreateInfo sij_ci(s_shape, 2, DataType::FLOAT32);
    TensorCreateInfo pij_ci(s_shape, 2, DataType::BFLOAT16);
    TensorCreateInfo row_ci(acc_s_shape, 1, DataType::FLOAT32);
    TensorCreateInfo oij_ci(o_shape, 2, DataType::FLOAT32);

    for (uint32_t j = 0; j < iters; j++) {
        PTO2_SCOPE() {
            CoreTaskArgs qk;
            qk.add_input(query, key_cache, block_table, context_lens);
            qk.add_output(sij_ci);
            qk.add_scalar(static_cast<uint64_t>(j));
            qk.launch_spec.set_block_num(static_cast<int16_t>(nblk));
            TaskOutputTensors qk_out = rt_submit_aic_task(FUNC_QK_MATMUL, qk);
            const ChipTensor &sij = qk_out.get_ref(0);

            CoreTaskArgs sf;
            sf.add_input(sij, context_lens);
            sf.add_output(pij_ci, row_ci, row_ci);
            sf.add_scalar(scale_bits, static_cast<uint64_t>(j));
            sf.launch_spec.set_block_num(static_cast<int16_t>(nblk));
            MixedKernels sf_k;
            sf_k.aiv0_kernel_id = FUNC_SOFTMAX_PREPARE;
            sf_k.aiv1_kernel_id = FUNC_SOFTMAX_PREPARE;
            TaskOutputTensors sf_out = rt_submit_task(sf_k, sf);
            const ChipTensor &pij = sf_out.get_ref(0);
            const ChipTensor &mij = sf_out.get_ref(1);
            const ChipTensor &lij = sf_out.get_ref(2);

            CoreTaskArgs pv;
            pv.add_input(pij, value_cache, block_table, context_lens);
            pv.add_output(oij_ci);
            pv.add_scalar(static_cast<uint64_t>(j));
            pv.launch_spec.set_block_num(static_cast<int16_t>(nblk));
            TaskOutputTensors pv_out = rt_submit_aic_task(FUNC_PV_MATMUL, pv);
            const ChipTensor &oij = pv_out.get_ref(0);

            CoreTaskArgs up;
            up.add_input(mij, lij, oij, context_lens);
            up.add_inout(mi, li, oi, out);
            up.add_scalar(static_cast<uint64_t>(j), static_cast<uint64_t>(kv_heads), static_cast<uint64_t>(block_size));
            up.launch_spec.set_block_num(static_cast<int16_t>(nblk));
            MixedKernels up_k;
            up_k.aiv0_kernel_id = FUNC_ONLINE_UPDATE;
            up_k.aiv1_kernel_id = FUNC_ONLINE_UPDATE;
            rt_submit_task(up_k, up);
        }
    }
}

}  // extern "C"
