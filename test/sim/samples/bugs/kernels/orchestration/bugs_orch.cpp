// Test orchestration for the simulator's checks: args src [64, 16] f32, dst [64, 16] f32,
// scalars orch_mode, kernel_mode. orch_mode: 0 one copy task per 16-row slice (correct);
// 1 two tasks write the same dst rows via add_output (no WAW edge: OUTPUT_EXISTING skips the
// lookup); 2 a consumer reads the producer's rows through a manual_dep view (forgotten RAW);
// 3 a task overwrites rows another task reads (WAR is not tracked); 4 one scope submits 12
// tasks (deadlocks with a small task window); 5 one SPMD task with 4 blocks.
#include <cstdint>

#include "pto_orchestration_api.h"

extern "C" {

__attribute__((visibility("default"))) PTO2OrchestrationConfig aicpu_orchestration_config(const ChipTaskArgs &) {
    return PTO2OrchestrationConfig{4};
}

static void copy_task(const ChipTensor &src, const ChipTensor &dst, uint64_t kmode, bool dst_inout = false) {
    CoreTaskArgs a;
    a.add_input(src);
    if (dst_inout) a.add_inout(dst);
    else a.add_output(dst);
    a.add_scalar(kmode);
    rt_submit_aiv_task(0, a);
}

__attribute__((visibility("default"))) void aicpu_orchestration_entry(const ChipTaskArgs &args) {
    const ChipTensor &src = args.tensor(0).ref();
    const ChipTensor &dst = args.tensor(1).ref();
    const uint64_t orch_mode = args.scalar(0), kmode = args.scalar(1);
    const uint32_t rows16[2] = {16, 16};
    auto slice = [&](const ChipTensor &t, uint32_t row) {
        const uint32_t off[2] = {row, 0};
        return t.view(rows16, off);
    };
    if (orch_mode == 0) {
        for (uint32_t r = 0; r < 64; r += 16) {
            ChipTensor s = slice(src, r), d = slice(dst, r);
            copy_task(s, d, kmode);
        }
    } else if (orch_mode == 1) {
        ChipTensor s0 = slice(src, 0), s1 = slice(src, 16), d = slice(dst, 0);
        copy_task(s0, d, kmode);
        copy_task(s1, d, kmode);
    } else if (orch_mode == 2) {
        ChipTensor s0 = slice(src, 0), d0 = slice(dst, 0), d1 = slice(dst, 16);
        copy_task(s0, d0, kmode);
        const uint32_t off[2] = {0, 0};
        ChipTensor d0_nodep = dst.view(rows16, off, /*manual_dep=*/true);
        copy_task(d0_nodep, d1, kmode);
    } else if (orch_mode == 3) {
        ChipTensor s0 = slice(src, 0), d0 = slice(dst, 0), d1 = slice(dst, 16);
        copy_task(s0, d0, kmode);    // writes dst rows 0..15
        copy_task(d0, d1, kmode);    // reads them
        ChipTensor s2 = slice(src, 32);
        copy_task(s2, d0, kmode);    // overwrites them: no edge to the reader
    } else if (orch_mode == 4) {
        PTO2_SCOPE() {
            for (int i = 0; i < 12; i++) {
                ChipTensor s = slice(src, 16 * (i % 4)), d = slice(dst, 16 * (i % 4));
                copy_task(s, d, kmode, true);
            }
        }
    } else if (orch_mode == 5) {
        CoreTaskArgs a;
        a.add_input(src);
        a.add_output(dst);
        a.add_scalar(kmode);
        a.launch_spec.set_block_num(4);
        rt_submit_aiv_task(0, a);
    }
}

}  // extern "C"
