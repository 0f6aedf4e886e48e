// softmax_prepare (AIV, MIX task: both lanes, 8 of the 16 tile rows each).
//   s = scale * sij (columns past the context masked to -inf)
//   m = rowmax(s); p = bf16(exp(s - m)); l = rowsum(p as fp32)
// Each lane writes its 8 row maxima / sums into its own 64-byte line.
#include <cstdint>
#include <pto/pto-inst.hpp>

#include "intrinsic.h"
#include "tensor.h"

using namespace pto;

#include "pipe_sync.h"

template <int BS>
static __aicore__ void sf_impl(__gm__ ChipTensor *sij, __gm__ ChipTensor *cl, __gm__ ChipTensor *pij,
                               __gm__ ChipTensor *mij, __gm__ ChipTensor *lij, float scale, uint32_t j, int32_t blk,
                               uint32_t nblk_per_batch, int32_t lane) {
    constexpr int M = 16, R = 8;
    const uint32_t b = blk / nblk_per_batch;
    const int32_t len = reinterpret_cast<__gm__ int32_t *>(cl->buffer.addr)[cl->start_offset + b];
    const int64_t valid = static_cast<int64_t>(len) - static_cast<int64_t>(j) * BS;
    if (valid <= 0) return;  // ended sequence: the update stage skips it too
    const uint32_t valid_cols = valid < BS ? static_cast<uint32_t>(valid) : BS;
    const uint64_t row0 = static_cast<uint64_t>(blk) * M + lane * R;

    using GS = GlobalTensor<float, Shape<1, 1, 1, R, BS>, Stride<1, 1, 1, BS, 1>>;
    using GP = GlobalTensor<bfloat16_t, Shape<1, 1, 1, R, BS>, Stride<1, 1, 1, BS, 1>>;
    using GCol = GlobalTensor<float, Shape<1, 1, 1, R, 1>, Stride<1, 1, 1, 1, 1>, Layout::DN>;
    GS sg(reinterpret_cast<__gm__ float *>(sij->buffer.addr) + sij->start_offset + row0 * BS);
    GP pg(reinterpret_cast<__gm__ bfloat16_t *>(pij->buffer.addr) + pij->start_offset + row0 * BS);
    GCol mg(reinterpret_cast<__gm__ float *>(mij->buffer.addr) + mij->start_offset + blk * 32 + lane * 16);
    GCol lg(reinterpret_cast<__gm__ float *>(lij->buffer.addr) + lij->start_offset + blk * 32 + lane * 16);

    using TileS = Tile<TileType::Vec, float, R, BS, BLayout::RowMajor, R, BS>;
    using TileSDyn = Tile<TileType::Vec, float, R, BS, BLayout::RowMajor, R, -1>;
    using TileSPad = Tile<TileType::Vec, float, R, BS, BLayout::RowMajor, R, BS, SLayout::NoneBox, 512, PadValue::Min>;
    using TileP = Tile<TileType::Vec, bfloat16_t, R, BS, BLayout::RowMajor, R, BS>;
    using TileCol = Tile<TileType::Vec, float, R, 1, BLayout::ColMajor, R, 1>;
    constexpr uint32_t S = R * BS * 4;
    TileS s_t, p_t, tmp_t;
    TileSDyn s_dyn(valid_cols);
    TileSPad s_pad;
    TileP pb_t;
    TileCol m_t, l_t;
    TASSIGN(s_t, 0x0);
    TASSIGN(s_dyn, 0x0);
    TASSIGN(s_pad, 0x0);
    TASSIGN(p_t, S);
    TASSIGN(tmp_t, 2 * S);
    TASSIGN(m_t, 3 * S);
    TASSIGN(l_t, 3 * S + 32);
    TASSIGN(pb_t, 3 * S + 64);

    TLOAD(s_t, sg);
    set_flag(PIPE_MTE2, PIPE_V, EVENT_ID0);
    wait_flag(PIPE_MTE2, PIPE_V, EVENT_ID0);
    TFILLPAD_INPLACE(s_pad, s_dyn);
    pipe_barrier(PIPE_V);
    TMULS(s_t, s_t, scale);
    pipe_barrier(PIPE_V);
    TROWMAX(m_t, s_t, tmp_t);
    pipe_barrier(PIPE_V);
    TROWEXPANDSUB(p_t, s_t, m_t);
    pipe_barrier(PIPE_V);
    TEXP(p_t, p_t);
    pipe_barrier(PIPE_V);
    TCVT(pb_t, p_t, RoundMode::CAST_RINT);
    set_flag(PIPE_V, PIPE_MTE3, EVENT_ID0);
    pipe_barrier(PIPE_V);
    TCVT(p_t, pb_t, RoundMode::CAST_RINT);
    pipe_barrier(PIPE_V);
    TROWSUM(l_t, p_t, tmp_t);
    set_flag(PIPE_V, PIPE_MTE3, EVENT_ID1);
    wait_flag(PIPE_V, PIPE_MTE3, EVENT_ID0);
    TSTORE(pg, pb_t);
    TSTORE(mg, m_t);
    wait_flag(PIPE_V, PIPE_MTE3, EVENT_ID1);
    TSTORE(lg, l_t);
    pipe_sync();
}

extern "C" __aicore__ void kernel_entry(__gm__ int64_t *args) {
    __gm__ ChipTensor *sij = reinterpret_cast<__gm__ ChipTensor *>(args[0]);
    __gm__ ChipTensor *cl = reinterpret_cast<__gm__ ChipTensor *>(args[1]);
    __gm__ ChipTensor *pij = reinterpret_cast<__gm__ ChipTensor *>(args[2]);
    __gm__ ChipTensor *mij = reinterpret_cast<__gm__ ChipTensor *>(args[3]);
    __gm__ ChipTensor *lij = reinterpret_cast<__gm__ ChipTensor *>(args[4]);
    union {
        uint32_t u;
        float f;
    } scale;
    scale.u = static_cast<uint32_t>(args[5]);
    const uint32_t j = static_cast<uint32_t>(args[6]);
    const int32_t blk = get_block_idx(args);
    const uint32_t nblk_per_batch = static_cast<uint32_t>(get_block_num(args)) / cl->shapes[0];
    const int32_t lane = get_sub_block_id(args);
    const uint32_t BS = sij->shapes[1];
    if (BS == 128) sf_impl<128>(sij, cl, pij, mij, lij, scale.f, j, blk, nblk_per_batch, lane);
    else if (BS == 64) sf_impl<64>(sij, cl, pij, mij, lij, scale.f, j, blk, nblk_per_batch, lane);
    else if (BS == 32) sf_impl<32>(sij, cl, pij, mij, lij, scale.f, j, blk, nblk_per_batch, lane);
}
