//===- SyncModel.h - which pipe runs an aicore op, which bytes it touches ---===//
//
// The hardware model shared by aicore-insert-sync and aicore-verify-sync: the
// pipe each tile instruction issues to, the on-chip byte ranges it reads and
// writes, and which pipe a kernel's final `pipe_sync` drains. Both passes
// reason about the same model; how they use it (insertion per block vs.
// checking every path) is independent.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_PASSES_SYNC_SYNCMODEL_H
#define PTOATTN_PASSES_SYNC_SYNCMODEL_H

#include "ptoattn/Dialect/AICore/IR/AICore.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <array>
#include <optional>

namespace mlir::ptoattn::aicore::sync {

/// Pipes that instructions run on (PIPE_ALL excluded), indexable.
constexpr unsigned kNumPipes = 7;
inline unsigned pipeIndex(Pipe pipe) { return static_cast<unsigned>(pipe); }
inline Pipe pipeAt(unsigned index) { return static_cast<Pipe>(index); }

/// A vector clock over pipes: entry Q is the index of the latest item on pipe
/// Q known to have completed (-1: none).
using Clock = std::array<int64_t, kNumPipes>;

/// A clock that knows of nothing.
inline Clock emptyClock() {
  Clock clock;
  clock.fill(-1);
  return clock;
}

/// Pointwise maximum: what either clock knows.
inline void mergeInto(Clock &into, const Clock &from) {
  for (unsigned i = 0; i < kNumPipes; ++i)
    into[i] = std::max(into[i], from[i]);
}

/// Bytes of one on-chip buffer. A tile with a planned `offset` covers
/// [begin, end) of its buffer; a tile without one (`root` set) is only known
/// to cover its own bytes, so it overlaps the same root and, conservatively,
/// every tile whose address is known.
struct ByteRange {
  TileLocation location;
  Operation *root = nullptr;
  int64_t begin = 0;
  int64_t end = 0;

  bool overlaps(const ByteRange &other) const;
};

/// One read or write of on-chip bytes by an instruction on `pipe`.
struct Access {
  Pipe pipe;
  ByteRange range;
  bool write;
};

/// Whether `op` is a tile instruction (it reads or writes tiles).
bool isTileInstruction(Operation *op);

/// Whether `op` is one of the synchronisation ops.
bool isSyncOp(Operation *op);

/// Appends the on-chip accesses of the tile instruction `op`. Fails with a
/// diagnostic when no pipe is known for it.
LogicalResult collectAccesses(Operation *op, SmallVectorImpl<Access> &accesses);

/// Whether `func` is a kernel: it carries `#aicore.kernel` or contains
/// aicore operations.
bool isKernel(func::FuncOp func);

/// The store pipe `aicore.pipe_sync` drains: FIX on a cube (AIC) kernel,
/// MTE3 on a vector (AIV) kernel. The core comes from `#aicore.kernel`,
/// else from whether any instruction runs on a cube pipe.
Pipe getDrainPipe(func::FuncOp func);

/// Pipes of the `aicore.tstore`s in `func` (stores leave the core on them).
SmallVector<Pipe> getStorePipes(func::FuncOp func);

/// Whether `loop` is an SPMD kernel's grid-stride loop over its tiles (from
/// `get_block_idx` in steps of `get_block_num`). Each of its iterations is the
/// work one block would do alone; aicore-insert-sync ends the body with
/// `pipe_barrier(PIPE_ALL)`, so every tile starts on drained pipes as a block
/// does, and no dependency crosses the back edge.
bool isGridStrideLoop(Operation *loop);

/// Whether the body of `loop` ends with `pipe_barrier(PIPE_ALL)`: nothing an
/// iteration issued is outstanding when the next one starts.
bool endsWithFullBarrier(Operation *loop);

} // namespace mlir::ptoattn::aicore::sync

#endif // PTOATTN_PASSES_SYNC_SYNCMODEL_H
