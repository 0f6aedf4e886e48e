// Probes of the per-instruction cost model (test/sim/test_cost_model.py): each function runs a
// few tile instructions on a bare simulated core and returns the modeled cycles it asks for.
#include <pto/pto-inst.hpp>

#include <vector>

using namespace pto;

namespace {

struct Probe {
    sim::CoreCtx ctx;
    std::vector<uint8_t> mem;
    Probe(bool aic, bool model_only) {
        const uint32_t caps[sim::LOC_COUNT] = {SIM_L1_BYTES, SIM_L0A_BYTES, SIM_L0B_BYTES, SIM_L0C_BYTES, SIM_UB_BYTES};
        mem.assign(size_t(SIM_L1_BYTES) + SIM_L0A_BYTES + SIM_L0B_BYTES + SIM_L0C_BYTES + SIM_UB_BYTES, 0);
        uint8_t *m = mem.data();
        for (int l = 0; l < sim::LOC_COUNT; l++) {
            const bool mine = aic ? l != sim::LOC_UB : l == sim::LOC_UB;
            if (mine) ctx.buf[l] = m, ctx.cap[l] = caps[l];
            m += caps[l];
        }
        ctx.kind = aic ? sim::CORE_AIC : sim::CORE_AIV;
        ctx.model_only = model_only;
        sim::g_core = &ctx;
    }
    ~Probe() { sim::g_core = nullptr; }
    double pipe(int p) const { return ctx.pipe_busy[p]; }
};

std::vector<uint16_t> gm(1 << 20);  // 2 MiB of bf16 "global memory"

using VecF32 = Tile<TileType::Vec, float, 64, 128>;
using VecBf16 = Tile<TileType::Vec, bfloat16_t, 64, 128>;
using GmBf16 = GlobalTensor<bfloat16_t, Shape<1, 1, 1, 64, 128>, Stride<8192, 8192, 8192, 128, 1>>;
using GmF32 = GlobalTensor<float, Shape<1, 1, 1, 64, 128>, Stride<8192, 8192, 8192, 128, 1>>;

}  // namespace

extern "C" {

// One 16x128 @ 128x128 bf16 TMATMUL: M-pipe cycles.
double probe_tmatmul() {
    Probe p(true, true);
    TileLeft<bfloat16_t, 16, 128> a;
    TileRight<bfloat16_t, 128, 128> b;
    TileAcc<float, 16, 128> c;
    TASSIGN(a, 0x0);
    TASSIGN(b, 0x0);
    TASSIGN(c, 0x0);
    TMATMUL(c, a, b);
    return p.pipe(PIPE_M);
}

// TLOAD of a 64x128 bf16 tile (16 KiB) from GM to UB: MTE2 cycles.
double probe_tload_ub() {
    Probe p(false, false);
    VecBf16 t;
    TASSIGN(t, 0x0);
    GmBf16 g(reinterpret_cast<bfloat16_t *>(gm.data()));
    TLOAD(t, g);
    return p.pipe(PIPE_MTE2);
}

// TLOAD of the same 16 KiB into L1: MTE2 cycles.
double probe_tload_l1() {
    Probe p(true, false);
    Tile<TileType::Mat, bfloat16_t, 64, 128> t;
    TASSIGN(t, 0x0);
    GmBf16 g(reinterpret_cast<bfloat16_t *>(gm.data()));
    TLOAD(t, g);
    return p.pipe(PIPE_MTE2);
}

// TSTORE of a 64x128 fp32 Vec tile (32 KiB) to GM: MTE3 cycles.
double probe_tstore_ub() {
    Probe p(false, false);
    VecF32 t;
    TASSIGN(t, 0x0);
    GmF32 g(reinterpret_cast<float *>(gm.data()));
    TSTORE(g, t);
    return p.pipe(PIPE_MTE3);
}

// TMOV of a 16x128 bf16 Mat tile into L0A (4 KiB): MTE1 cycles.
double probe_tmov_l0a() {
    Probe p(true, false);
    Tile<TileType::Mat, bfloat16_t, 16, 128, BLayout::ColMajor, 16, 128, SLayout::RowMajor, 512> m;
    TileLeft<bfloat16_t, 16, 128> a;
    TASSIGN(m, 0x0);
    TASSIGN(a, 0x0);
    TMOV(a, m);
    return p.pipe(PIPE_MTE1);
}

// Vector instructions on 64x128 fp32: V cycles of TADD, TEXP, TROWMAX (one each).
double probe_tadd(int model_only) {
    Probe p(false, model_only != 0);
    VecF32 a, b, c;
    TASSIGN(a, 0x0);
    TASSIGN(b, 0x8000);
    TASSIGN(c, 0x10000);
    TADD(c, a, b);
    return p.pipe(PIPE_V);
}

double probe_texp() {
    Probe p(false, true);
    VecF32 a;
    TASSIGN(a, 0x0);
    TEXP(a, a);
    return p.pipe(PIPE_V);
}

double probe_trowmax() {
    Probe p(false, true);
    VecF32 a, tmp;
    Tile<TileType::Vec, float, 64, 8> d;
    TASSIGN(a, 0x0);
    TASSIGN(tmp, 0x8000);
    TASSIGN(d, 0x10000);
    TROWMAX(d, a, tmp);
    return p.pipe(PIPE_V);
}

// Four blocks streamed through UB: TLOAD (MTE2), then TEXP (V), then TSTORE (MTE3). With
// `barrier` every step ends in pipe_barrier(PIPE_ALL); otherwise two buffers and flags let
// the next load run under the current exp. Returns the modeled duration (cycles).
double probe_stream(int barrier) {
    Probe p(false, true);
    VecF32 buf[2];
    TASSIGN(buf[0], 0x0);
    TASSIGN(buf[1], 0x8000);
    GmF32 g(reinterpret_cast<float *>(gm.data()));
    if (!barrier) {
        set_flag(PIPE_MTE3, PIPE_MTE2, EVENT_ID0);
        set_flag(PIPE_MTE3, PIPE_MTE2, EVENT_ID1);
    }
    for (int i = 0; i < 4; i++) {
        VecF32 &t = buf[i & 1];
        if (!barrier) wait_flag(PIPE_MTE3, PIPE_MTE2, i & 1);
        TLOAD(t, g);
        if (barrier) pipe_barrier(PIPE_ALL);
        else set_flag(PIPE_MTE2, PIPE_V, i & 1), wait_flag(PIPE_MTE2, PIPE_V, i & 1);
        TEXP(t, t);
        if (barrier) pipe_barrier(PIPE_ALL);
        else set_flag(PIPE_V, PIPE_MTE3, i & 1), wait_flag(PIPE_V, PIPE_MTE3, i & 1);
        TSTORE(g, t);
        if (barrier) pipe_barrier(PIPE_ALL);
        else set_flag(PIPE_MTE3, PIPE_MTE2, i & 1);
    }
    if (!barrier) {
        wait_flag(PIPE_MTE3, PIPE_MTE2, EVENT_ID0);
        wait_flag(PIPE_MTE3, PIPE_MTE2, EVENT_ID1);
    }
    return p.ctx.clock_max();
}
}
