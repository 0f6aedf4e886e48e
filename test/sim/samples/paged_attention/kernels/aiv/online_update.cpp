// online_update (AIV, MIX task: both lanes, 8 rows each). Merges block j into the running
// (m, l, O) of its (batch, kv head, q-tile) block; after the sequence's last block writes
// out = O / l for the valid head rows. Sequences that ended earlier are left unchanged; an
// empty sequence gets zeros at j == 0.
#include <cstdint>
#include <pto/pto-inst.hpp>

#include "intrinsic.h"
#include "tensor.h"

using namespace pto;

#include "pipe_sync.h"

template <int D>
static __aicore__ void up_impl(__gm__ int64_t *args) {
    constexpr int M = 16, R = 8;
    __gm__ ChipTensor *mij = reinterpret_cast<__gm__ ChipTensor *>(args[0]);
    __gm__ ChipTensor *lij = reinterpret_cast<__gm__ ChipTensor *>(args[1]);
    __gm__ ChipTensor *oij = reinterpret_cast<__gm__ ChipTensor *>(args[2]);
    __gm__ ChipTensor *cl = reinterpret_cast<__gm__ ChipTensor *>(args[3]);
    __gm__ ChipTensor *mi = reinterpret_cast<__gm__ ChipTensor *>(args[4]);
    __gm__ ChipTensor *li = reinterpret_cast<__gm__ ChipTensor *>(args[5]);
    __gm__ ChipTensor *oi = reinterpret_cast<__gm__ ChipTensor *>(args[6]);
    __gm__ ChipTensor *out = reinterpret_cast<__gm__ ChipTensor *>(args[7]);
    const uint32_t j = static_cast<uint32_t>(args[8]);
    const uint32_t KVH = static_cast<uint32_t>(args[9]);
    const uint32_t BS = static_cast<uint32_t>(args[10]);
    const int32_t blk = get_block_idx(args);
    const int32_t lane = get_sub_block_id(args);

    const uint32_t batch = cl->shapes[0], H = out->shapes[1];
    const uint32_t group = H / KVH, q_tiles = (group + M - 1) / M;
    const uint32_t b = blk / (KVH * q_tiles), g = (blk / q_tiles) % KVH, qt = blk % q_tiles;
    (void)batch;
    const int32_t len = reinterpret_cast<__gm__ int32_t *>(cl->buffer.addr)[cl->start_offset + b];
    const uint32_t nb = (static_cast<uint32_t>(len) + BS - 1) / BS;
    const uint32_t tile_rows = (group - qt * M) < static_cast<uint32_t>(M) ? group - qt * M : M;
    const int32_t lane_rows_i = static_cast<int32_t>(tile_rows) - lane * R;
    const uint32_t lane_rows = lane_rows_i <= 0 ? 0 : (lane_rows_i > R ? R : lane_rows_i);
    const uint64_t row0 = static_cast<uint64_t>(blk) * M + lane * R;
    const uint64_t col0 = static_cast<uint64_t>(blk) * 32 + lane * 16;
    __gm__ float *out_addr = reinterpret_cast<__gm__ float *>(out->buffer.addr) + out->start_offset +
                             (static_cast<uint64_t>(b) * H + g * group + qt * M + lane * R) * D;

    using TileO = Tile<TileType::Vec, float, R, D, BLayout::RowMajor, R, D>;
    using TileOut = Tile<TileType::Vec, float, R, D, BLayout::RowMajor, -1, D>;
    using TileCol = Tile<TileType::Vec, float, R, 1, BLayout::ColMajor, R, 1>;
    using GO = GlobalTensor<float, Shape<1, 1, 1, R, D>, Stride<1, 1, 1, D, 1>>;
    using GOut = GlobalTensor<float, Shape<1, 1, 1, -1, D>, Stride<1, 1, 1, D, 1>>;
    using GCol = GlobalTensor<float, Shape<1, 1, 1, R, 1>, Stride<1, 1, 1, 1, 1>, Layout::DN>;
    constexpr uint32_t OB = R * D * 4;
    TileO o_acc, o_new;
    TileOut o_out(lane_rows);
    TileCol m_acc, l_acc, m_new, l_new, m_max, alpha, beta;
    TASSIGN(o_acc, 0x0);
    TASSIGN(o_out, 0x0);
    TASSIGN(o_new, OB);
    TASSIGN(m_acc, 2 * OB);
    TASSIGN(l_acc, 2 * OB + 32);
    TASSIGN(m_new, 2 * OB + 64);
    TASSIGN(l_new, 2 * OB + 96);
    TASSIGN(m_max, 2 * OB + 128);
    TASSIGN(alpha, 2 * OB + 160);
    TASSIGN(beta, 2 * OB + 192);
    GOut outg(out_addr, Shape<1, 1, 1, -1, D>(1, 1, 1, lane_rows, D));

    if (j >= nb) {  // no KV block j for this sequence
        if (nb == 0 && j == 0 && lane_rows > 0) {
            TEXPANDS(o_acc, 0.0f);
            set_flag(PIPE_V, PIPE_MTE3, EVENT_ID0);
            wait_flag(PIPE_V, PIPE_MTE3, EVENT_ID0);
            TSTORE(outg, o_out);
            pipe_sync();
        }
        return;
    }
    GCol mijg(reinterpret_cast<__gm__ float *>(mij->buffer.addr) + mij->start_offset + col0);
    GCol lijg(reinterpret_cast<__gm__ float *>(lij->buffer.addr) + lij->start_offset + col0);
    GO oijg(reinterpret_cast<__gm__ float *>(oij->buffer.addr) + oij->start_offset + row0 * D);
    GCol mig(reinterpret_cast<__gm__ float *>(mi->buffer.addr) + mi->start_offset + col0);
    GCol lig(reinterpret_cast<__gm__ float *>(li->buffer.addr) + li->start_offset + col0);
    GO oig(reinterpret_cast<__gm__ float *>(oi->buffer.addr) + oi->start_offset + row0 * D);

    if (j == 0) {
        TLOAD(m_acc, mijg);
        TLOAD(l_acc, lijg);
        TLOAD(o_acc, oijg);
        set_flag(PIPE_MTE2, PIPE_V, EVENT_ID0);
        wait_flag(PIPE_MTE2, PIPE_V, EVENT_ID0);
    } else {
        TLOAD(m_acc, mig);
        TLOAD(l_acc, lig);
        TLOAD(o_acc, oig);
        TLOAD(m_new, mijg);
        TLOAD(l_new, lijg);
        TLOAD(o_new, oijg);
        set_flag(PIPE_MTE2, PIPE_V, EVENT_ID0);
        wait_flag(PIPE_MTE2, PIPE_V, EVENT_ID0);
        TMAX(m_max, m_acc, m_new);
        pipe_barrier(PIPE_V);
        TSUB(alpha, m_acc, m_max);
        TSUB(beta, m_new, m_max);
        pipe_barrier(PIPE_V);
        TEXP(alpha, alpha);
        TEXP(beta, beta);
        pipe_barrier(PIPE_V);
        TMUL(l_acc, l_acc, alpha);
        TMUL(l_new, l_new, beta);
        pipe_barrier(PIPE_V);
        TADD(l_acc, l_acc, l_new);
        TROWEXPANDMUL(o_acc, o_acc, alpha);
        TROWEXPANDMUL(o_new, o_new, beta);
        pipe_barrier(PIPE_V);
        TADD(o_acc, o_acc, o_new);
        TADDS(m_acc, m_max, 0.0f);
        pipe_barrier(PIPE_V);
    }
    if (j + 1 == nb) {
        TROWEXPANDDIV(o_acc, o_acc, l_acc);
        set_flag(PIPE_V, PIPE_MTE3, EVENT_ID0);
        wait_flag(PIPE_V, PIPE_MTE3, EVENT_ID0);
        if (lane_rows > 0) TSTORE(outg, o_out);
    } else {
        set_flag(PIPE_V, PIPE_MTE3, EVENT_ID0);
        wait_flag(PIPE_V, PIPE_MTE3, EVENT_ID0);
        TSTORE(mig, m_acc);
        TSTORE(lig, l_acc);
        TSTORE(oig, o_acc);
    }
    pipe_sync();
}

extern "C" __aicore__ void kernel_entry(__gm__ int64_t *args) {
    __gm__ ChipTensor *oij = reinterpret_cast<__gm__ ChipTensor *>(args[2]);
    const uint32_t D = oij->shapes[1];
    if (D == 128) up_impl<128>(args);
    else if (D == 64) up_impl<64>(args);
}
