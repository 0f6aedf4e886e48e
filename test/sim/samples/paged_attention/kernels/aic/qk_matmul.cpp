// QK matmul (AIC, SPMD over (batch, kv head, q-tile) blocks): sij = q_tile . K_block^T.
//
// The query tile holds the `group` heads sharing one KV head, padded with zero rows to 16.
// K is read as K^T for free through a DN global tensor. Sequences whose context ended before
// KV block j write nothing (their later stages skip too).
#include <cstdint>
#include <pto/pto-inst.hpp>

#include "intrinsic.h"
#include "tensor.h"

using namespace pto;

#include "pipe_sync.h"

template <int D, int BS>
static __aicore__ void qk_impl(__gm__ ChipTensor *query, __gm__ ChipTensor *kc, __gm__ ChipTensor *bt,
                               __gm__ ChipTensor *cl, __gm__ ChipTensor *sij, uint32_t j, int32_t blk) {
    constexpr int M = 16;
    const uint32_t H = query->shapes[1], KVH = kc->shapes[2], MB = bt->shapes[1];
    const uint32_t group = H / KVH, q_tiles = (group + M - 1) / M;
    const uint32_t b = blk / (KVH * q_tiles), g = (blk / q_tiles) % KVH, qt = blk % q_tiles;
    const int32_t len = reinterpret_cast<__gm__ int32_t *>(cl->buffer.addr)[cl->start_offset + b];
    if (static_cast<int64_t>(j) * BS >= len) return;  // this sequence has no KV block j
    const int32_t cache_block = reinterpret_cast<__gm__ int32_t *>(bt->buffer.addr)[bt->start_offset + b * MB + j];
    const uint32_t h0 = g * group + qt * M;
    const uint32_t rows = (group - qt * M) < static_cast<uint32_t>(M) ? group - qt * M : M;

    __gm__ bfloat16_t *q_addr = reinterpret_cast<__gm__ bfloat16_t *>(query->buffer.addr) + query->start_offset +
                                (static_cast<uint64_t>(b) * H + h0) * D;
    __gm__ bfloat16_t *k_addr = reinterpret_cast<__gm__ bfloat16_t *>(kc->buffer.addr) + kc->start_offset +
                                (static_cast<uint64_t>(cache_block) * BS * KVH + g) * D;
    __gm__ float *s_addr = reinterpret_cast<__gm__ float *>(sij->buffer.addr) + sij->start_offset +
                           static_cast<uint64_t>(blk) * M * BS;

    using GQ = GlobalTensor<bfloat16_t, Shape<1, 1, 1, -1, D>, Stride<1, 1, 1, D, 1>>;
    using GK = GlobalTensor<bfloat16_t, Shape<1, 1, 1, D, BS>, Stride<1, 1, 1, 1, -1>, Layout::DN>;
    using GS = GlobalTensor<float, Shape<1, 1, 1, M, BS>, Stride<1, 1, 1, BS, 1>>;
    GQ qg(q_addr, Shape<1, 1, 1, -1, D>(1, 1, 1, rows, D));
    GK kg(k_addr, Shape<1, 1, 1, D, BS>(), Stride<1, 1, 1, 1, -1>(1, 1, 1, 1, KVH * D));
    GS sg(s_addr);

    using MatQDyn = Tile<TileType::Mat, bfloat16_t, M, D, BLayout::ColMajor, -1, D, SLayout::RowMajor, 512>;
    using MatQ = Tile<TileType::Mat, bfloat16_t, M, D, BLayout::ColMajor, M, D, SLayout::RowMajor, 512, PadValue::Zero>;
    using MatK = Tile<TileType::Mat, bfloat16_t, D, BS, BLayout::RowMajor, D, BS, SLayout::ColMajor, 512>;
    MatQDyn q_dyn(rows);
    MatQ q_mat;
    MatK k_mat;
    TileLeft<bfloat16_t, M, D> q_l0;
    TileRight<bfloat16_t, D, BS> k_l0;
    TileAcc<float, M, BS> s_acc;
    TASSIGN(q_dyn, 0x0);
    TASSIGN(q_mat, 0x0);
    TASSIGN(k_mat, M * D * 2);
    TASSIGN(q_l0, 0x0);
    TASSIGN(k_l0, 0x0);
    TASSIGN(s_acc, 0x0);

    TLOAD(q_dyn, qg);
    set_flag(PIPE_MTE2, PIPE_MTE1, EVENT_ID0);
    TLOAD(k_mat, kg);
    set_flag(PIPE_MTE2, PIPE_MTE1, EVENT_ID1);
    wait_flag(PIPE_MTE2, PIPE_MTE1, EVENT_ID0);
    TFILLPAD_INPLACE(q_mat, q_dyn);  // zero the padding rows of the group
    TMOV(q_l0, q_mat);
    wait_flag(PIPE_MTE2, PIPE_MTE1, EVENT_ID1);
    TMOV(k_l0, k_mat);
    set_flag(PIPE_MTE1, PIPE_M, EVENT_ID0);
    wait_flag(PIPE_MTE1, PIPE_M, EVENT_ID0);
    TMATMUL(s_acc, q_l0, k_l0);
    set_flag(PIPE_M, PIPE_FIX, EVENT_ID0);
    wait_flag(PIPE_M, PIPE_FIX, EVENT_ID0);
    TSTORE(sg, s_acc);
    pipe_sync();
}

extern "C" __aicore__ void kernel_entry(__gm__ int64_t *args) {
    __gm__ ChipTensor *query = reinterpret_cast<__gm__ ChipTensor *>(args[0]);
    __gm__ ChipTensor *kc = reinterpret_cast<__gm__ ChipTensor *>(args[1]);
    __gm__ ChipTensor *bt = reinterpret_cast<__gm__ ChipTensor *>(args[2]);
    __gm__ ChipTensor *cl = reinterpret_cast<__gm__ ChipTensor *>(args[3]);
    __gm__ ChipTensor *sij = reinterpret_cast<__gm__ ChipTensor *>(args[4]);
    const uint32_t j = static_cast<uint32_t>(args[5]);
    const int32_t blk = get_block_idx(args);
    const uint32_t D = query->shapes[2], BS = kc->shapes[1];
    if (D == 128 && BS == 128) qk_impl<128, 128>(query, kc, bt, cl, sij, j, blk);
    else if (D == 128 && BS == 64) qk_impl<128, 64>(query, kc, bt, cl, sij, j, blk);
    else if (D == 128 && BS == 32) qk_impl<128, 32>(query, kc, bt, cl, sij, j, blk);
    else if (D == 64 && BS == 64) qk_impl<64, 64>(query, kc, bt, cl, sij, j, blk);
}
