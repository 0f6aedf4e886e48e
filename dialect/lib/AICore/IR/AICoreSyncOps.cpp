//===- AICoreSyncOps.cpp - aicore pipe synchronisation ------------------------===//
//
// Verifiers of the flag operations. An event orders two different pipes;
// PIPE_ALL is only meaningful for pipe_barrier.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Dialect/AICore/IR/AICore.h"

using namespace mlir;
using namespace mlir::ptoattn::aicore;

/// set_flag and wait_flag share their operand rules.
static LogicalResult verifyFlag(Operation *op, Pipe src, Pipe dst) {
  if (src == Pipe::All || dst == Pipe::All)
    return op->emitOpError() << "pipes must be s, v, m, mte1, mte2, mte3 or fix (all is only "
                                "valid for pipe_barrier), got "
                             << stringifyPipe(src) << " -> " << stringifyPipe(dst);
  if (src == dst)
    return op->emitOpError() << "src and dst pipes must differ (use pipe_barrier within one "
                                "pipe), got "
                             << stringifyPipe(src) << " -> " << stringifyPipe(dst);
  return success();
}

LogicalResult SetFlagOp::verify() { return verifyFlag(*this, getSrc(), getDst()); }

LogicalResult WaitFlagOp::verify() { return verifyFlag(*this, getSrc(), getDst()); }
