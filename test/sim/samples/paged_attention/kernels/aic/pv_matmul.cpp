// PV matmul (AIC, SPMD): oij = p_tile (bf16) . V_block. Ended sequences are skipped.
#include <cstdint>
#include <pto/pto-inst.hpp>

#include "intrinsic.h"
#include "tensor.h"

using namespace pto;

#include "pipe_sync.h"

template <int D, int BS>
static __aicore__ void pv_impl(__gm__ ChipTensor *pij, __gm__ ChipTensor *vc, __gm__ ChipTensor *bt,
                               __gm__ ChipTensor *cl, __gm__ ChipTensor *oij, uint32_t j, int32_t blk,
                               uint32_t nblk_per_batch) {
    constexpr int M = 16;
    const uint32_t KVH = vc->shapes[2], MB = bt->shapes[1];
    const uint32_t b = blk / nblk_per_batch;
    const uint32_t g = (blk % nblk_per_batch) / (nblk_per_batch / KVH);
    const int32_t len = reinterpret_cast<__gm__ int32_t *>(cl->buffer.addr)[cl->start_offset + b];
    if (static_cast<int64_t>(j) * BS >= len) return;
    const int32_t cache_block = reinterpret_cast<__gm__ int32_t *>(bt->buffer.addr)[bt->start_offset + b * MB + j];

    __gm__ bfloat16_t *p_addr = reinterpret_cast<__gm__ bfloat16_t *>(pij->buffer.addr) + pij->start_offset +
                                static_cast<uint64_t>(blk) * M * BS;
    __gm__ bfloat16_t *v_addr = reinterpret_cast<__gm__ bfloat16_t *>(vc->buffer.addr) + vc->start_offset +
                                (static_cast<uint64_t>(cache_block) * BS * KVH + g) * D;
    __gm__ float *o_addr = reinterpret_cast<__gm__ float *>(oij->buffer.addr) + oij->start_offset +
                           static_cast<uint64_t>(blk) * M * D;

    using GP = GlobalTensor<bfloat16_t, Shape<1, 1, 1, M, BS>, Stride<1, 1, 1, BS, 1>>;
    using GV = GlobalTensor<bfloat16_t, Shape<1, 1, 1, BS, D>, Stride<1, 1, 1, -1, 1>>;
    using GO = GlobalTensor<float, Shape<1, 1, 1, M, D>, Stride<1, 1, 1, D, 1>>;
    GP pg(p_addr);
    GV vg(v_addr, Shape<1, 1, 1, BS, D>(), Stride<1, 1, 1, -1, 1>(1, 1, 1, KVH * D, 1));
    GO og(o_addr);

    using MatP = Tile<TileType::Mat, bfloat16_t, M, BS, BLayout::ColMajor, M, BS, SLayout::RowMajor, 512>;
    using MatV = Tile<TileType::Mat, bfloat16_t, BS, D, BLayout::ColMajor, BS, D, SLayout::RowMajor, 512>;
    MatP p_mat;
    MatV v_mat;
    TileLeft<bfloat16_t, M, BS> p_l0;
    TileRight<bfloat16_t, BS, D> v_l0;
    TileAcc<float, M, D> o_acc;
    TASSIGN(p_mat, 0x0);
    TASSIGN(v_mat, M * BS * 2);
    TASSIGN(p_l0, 0x0);
    TASSIGN(v_l0, 0x0);
    TASSIGN(o_acc, 0x0);

    TLOAD(p_mat, pg);
    set_flag(PIPE_MTE2, PIPE_MTE1, EVENT_ID0);
    TLOAD(v_mat, vg);
    set_flag(PIPE_MTE2, PIPE_MTE1, EVENT_ID1);
    wait_flag(PIPE_MTE2, PIPE_MTE1, EVENT_ID0);
    TMOV(p_l0, p_mat);
    wait_flag(PIPE_MTE2, PIPE_MTE1, EVENT_ID1);
    TMOV(v_l0, v_mat);
    set_flag(PIPE_MTE1, PIPE_M, EVENT_ID0);
    wait_flag(PIPE_MTE1, PIPE_M, EVENT_ID0);
    TMATMUL(o_acc, p_l0, v_l0);
    set_flag(PIPE_M, PIPE_FIX, EVENT_ID0);
    wait_flag(PIPE_M, PIPE_FIX, EVENT_ID0);
    TSTORE(og, o_acc);
    pipe_sync();
}

extern "C" __aicore__ void kernel_entry(__gm__ int64_t *args) {
    __gm__ ChipTensor *pij = reinterpret_cast<__gm__ ChipTensor *>(args[0]);
    __gm__ ChipTensor *vc = reinterpret_cast<__gm__ ChipTensor *>(args[1]);
    __gm__ ChipTensor *bt = reinterpret_cast<__gm__ ChipTensor *>(args[2]);
    __gm__ ChipTensor *cl = reinterpret_cast<__gm__ ChipTensor *>(args[3]);
    __gm__ ChipTensor *oij = reinterpret_cast<__gm__ ChipTensor *>(args[4]);
    const uint32_t j = static_cast<uint32_t>(args[5]);
    const int32_t blk = get_block_idx(args);
    const uint32_t batch = bt->shapes[0];
    const uint32_t nblk_per_batch = static_cast<uint32_t>(get_block_num(args)) / batch;
    const uint32_t D = vc->shapes[3], BS = vc->shapes[1];
    if (D == 128 && BS == 128) pv_impl<128, 128>(pij, vc, bt, cl, oij, j, blk, nblk_per_batch);
    else if (D == 128 && BS == 64) pv_impl<128, 64>(pij, vc, bt, cl, oij, j, blk, nblk_per_batch);
    else if (D == 128 && BS == 32) pv_impl<128, 32>(pij, vc, bt, cl, oij, j, blk, nblk_per_batch);
    else if (D == 64 && BS == 64) pv_impl<64, 64>(pij, vc, bt, cl, oij, j, blk, nblk_per_batch);
}
