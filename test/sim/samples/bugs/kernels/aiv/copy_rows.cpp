// Test kernel: copies 16 rows x 16 fp32 from tensor 0 to tensor 1, or plants a bug chosen by
// the `mode` scalar (args[2]): 1 write into the input, 2 write past the output view,
// 3 read far outside every tensor, 4 each SPMD block stores 8 floats (32 B) so neighbouring
// blocks share a 64-byte line, 5 wait_flag without set_flag and no final drain.
#include <cstdint>
#include <pto/pto-inst.hpp>

#include "intrinsic.h"
#include "tensor.h"

using namespace pto;

#include "pipe_sync.h"

extern "C" __aicore__ void kernel_entry(__gm__ int64_t *args) {
    __gm__ ChipTensor *src = reinterpret_cast<__gm__ ChipTensor *>(args[0]);
    __gm__ ChipTensor *dst = reinterpret_cast<__gm__ ChipTensor *>(args[1]);
    const int mode = static_cast<int>(args[2]);
    const int blk = get_block_idx(args);
    __gm__ float *s = reinterpret_cast<__gm__ float *>(src->buffer.addr) + src->start_offset;
    __gm__ float *d = reinterpret_cast<__gm__ float *>(dst->buffer.addr) + dst->start_offset;
    using G = GlobalTensor<float, Shape<1, 1, 1, 16, 16>, Stride<1, 1, 1, 16, 1>>;
    using G8 = GlobalTensor<float, Shape<1, 1, 1, 1, 8>, Stride<1, 1, 1, 8, 1>>;
    using T = Tile<TileType::Vec, float, 16, 16, BLayout::RowMajor, 16, 16>;
    using T8 = Tile<TileType::Vec, float, 1, 8, BLayout::RowMajor, 1, 8>;
    T t;
    T8 t8;
    TASSIGN(t, 0x0);
    TASSIGN(t8, 0x0);
    if (mode == 3) {
        G far(s + (1 << 24));
        TLOAD(t, far);
    } else {
        G in(s);
        TLOAD(t, in);
    }
    set_flag(PIPE_MTE2, PIPE_V, EVENT_ID0);
    wait_flag(PIPE_MTE2, PIPE_V, EVENT_ID0);
    TMULS(t, t, 2.0f);
    set_flag(PIPE_V, PIPE_MTE3, EVENT_ID0);
    if (mode == 5) {
        wait_flag(PIPE_V, PIPE_MTE3, EVENT_ID1);  // never set: hangs on hardware
        G out(d);
        TSTORE(out, t);
        return;  // and no pipe_sync()
    }
    wait_flag(PIPE_V, PIPE_MTE3, EVENT_ID0);
    if (mode == 1) {
        G out(s);
        TSTORE(out, t);
    } else if (mode == 2) {
        G out(d + 16 * 16);
        TSTORE(out, t);
    } else if (mode == 4) {
        G8 out(d + blk * 8);
        TSTORE(out, t8);
    } else {
        G out(d);
        TSTORE(out, t);
    }
    pipe_sync();
}
