/*===- ScheduleModel.h - C API of the schedule cost model -----------*- C -*-===*\
|*                                                                              *|
|* The modeled task graph of a lowered module, for `--schedule auto`.           *|
|*                                                                              *|
\*===----------------------------------------------------------------------===*/

#ifndef PTOATTN_C_SCHEDULEMODEL_H
#define PTOATTN_C_SCHEDULEMODEL_H

#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Models the lowered `module` (aicore kernels after aicore-insert-sync, one
/// orch.entry) run on `batch` sequences of the given context lengths with a
/// block table `maxBlocks` wide, on `clusters` clusters (0: the model's
/// default): interprets the orchestration, charges every kernel invocation
/// with the simulator's per-instruction costs and schedules the task graph
/// with the simulator's task-level model. Streams JSON: `tasks` and `blocks`
/// (only these when `maxModeledBlocks` is negative or the graph holds more
/// blocks), `makespan_us`, `hbm_bytes`, `bound`, `lower_bounds_us`,
/// `invocations`, `modeled_invocations`, `tile_iterations` (iterations of
/// loops at a kernel's top level run by non-memoisable invocations) and
/// `replayed_iterations` (those replayed from a memoised iteration); or, when `pruneAboveUs` > 0
/// and what HBM, the cubes or the vector cores alone need is at least that, only `pruned_us` (a
/// bound reached while the graph was built: the build stops there, nothing is scheduled); or
/// `error` when the IR holds an op the model cannot follow. `memoize` false interprets every
/// invocation and iteration (the same result, slower: the reference the memoised model is tested
/// against).
MLIR_CAPI_EXPORTED void ptoattnModelSchedule(MlirOperation module, const int64_t *contextLens,
                                             intptr_t batch, int64_t maxBlocks, int64_t clusters,
                                             int64_t maxModeledBlocks, double pruneAboveUs,
                                             bool memoize, MlirStringCallback callback,
                                             void *userData);

#ifdef __cplusplus
}
#endif

#endif /* PTOATTN_C_SCHEDULEMODEL_H */
