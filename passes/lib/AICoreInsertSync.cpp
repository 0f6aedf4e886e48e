//===- AICoreInsertSync.cpp - order the pipes of aicore kernels -------------===//
//
// Inserts set_flag/wait_flag pairs between instructions on different pipes
// that touch overlapping on-chip bytes, pipe_barrier(V) between dependent
// vector instructions, and the final pipe_sync of each kernel.
//
// Each block is synchronised on its own and every pair it inserts stays in
// that block: for the enclosing block a region op (scf.if, scf.for) is one
// instruction that runs on every pipe used inside it, so dependencies into a
// region are waited for before the region op and dependencies out of it are
// signalled after it (a set_flag covers all work issued to its pipe so far,
// including the region's). Coverage is tracked with per-pipe vector clocks so
// that one pair orders every later consumer it already covers. Event ids are
// assigned last, in program order, per pipe pair. An SPMD kernel's grid-stride
// tile loop ends each iteration with pipe_barrier(PIPE_ALL): a tile starts on
// drained pipes, as the block the runtime would otherwise have started for it.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Transforms/AICorePasses.h"

#include "Sync/SyncModel.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"

#include <vector>

namespace mlir::ptoattn {
#define GEN_PASS_DEF_AICOREINSERTSYNC
#include "ptoattn/Transforms/AICorePasses.h.inc"
} // namespace mlir::ptoattn

using namespace mlir;
using namespace mlir::ptoattn;
using namespace mlir::ptoattn::aicore;
using namespace mlir::ptoattn::aicore::sync;

namespace {

/// For each pipe P, what is known to have completed before any instruction
/// issued to P from now on.
using Clocks = std::array<Clock, kNumPipes>;

/// One instruction of a block, or a region op standing for all it contains.
struct Item {
  Operation *op;
  SmallVector<Access> accesses;
};

/// A set_flag/wait_flag pair whose event id is assigned at the end.
struct FlagPair {
  SetFlagOp set;
  WaitFlagOp wait;
};

class SyncInserter {
public:
  explicit SyncInserter(MLIRContext *context) : builder(context) {}

  /// Synchronises `block` and, recursively, the regions of its ops.
  LogicalResult syncBlock(Block &block);
  /// Gives every inserted pair an event id; fails on exhaustion.
  LogicalResult assignEvents(func::FuncOp func);
  /// Ends every return path with the drain of the kernel's store pipes.
  void addFinalDrain(func::FuncOp func);

private:
  /// The items of `block`, synchronising nested regions on the way.
  LogicalResult collectItems(Block &block, SmallVectorImpl<Item> &items);
  void syncLoopCarried(scf::ForOp loop);
  /// A set_flag after `after` (behind earlier sets there) and a wait_flag
  /// right before `before`.
  FlagPair insertPair(Operation *after, Operation *before, Pipe src, Pipe dst);

  OpBuilder builder;
  SmallVector<FlagPair> pairs;
  /// The last set_flag inserted after an op, so later ones follow it.
  DenseMap<Operation *, Operation *> lastSetAfter;
};

} // namespace

/// Whether the two accesses conflict (overlap, at least one writes).
static bool conflicts(const Access &a, const Access &b) {
  return (a.write || b.write) && a.range.overlaps(b.range);
}

FlagPair SyncInserter::insertPair(Operation *after, Operation *before, Pipe src, Pipe dst) {
  Operation *anchor = after;
  if (Operation *last = lastSetAfter.lookup(after))
    anchor = last;
  builder.setInsertionPointAfter(anchor);
  auto set = SetFlagOp::create(builder, after->getLoc(), src, dst, Event::Event0);
  lastSetAfter[after] = set;
  builder.setInsertionPoint(before);
  auto wait = WaitFlagOp::create(builder, before->getLoc(), src, dst, Event::Event0);
  FlagPair pair{set, wait};
  pairs.push_back(pair);
  return pair;
}

LogicalResult SyncInserter::collectItems(Block &block, SmallVectorImpl<Item> &items) {
  for (Operation &op : block) {
    if (op.getNumRegions() == 0) {
      if (!isTileInstruction(&op))
        continue;
      Item item{&op, {}};
      if (failed(collectAccesses(&op, item.accesses)))
        return failure();
      items.push_back(std::move(item));
      continue;
    }
    // Synchronise the region's blocks first; the ops inserted there are not
    // instructions, so collecting the region's accesses afterwards is safe.
    Item item{&op, {}};
    WalkResult walk = op.walk([&](Operation *nested) {
      if (nested != &op && isTileInstruction(nested) &&
          failed(collectAccesses(nested, item.accesses)))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();
    if (item.accesses.empty())
      continue;
    if (!isa<scf::IfOp, scf::ForOp>(op))
      return op.emitOpError() << "contains tile instructions; aicore-insert-sync handles "
                                 "only scf.if and scf.for regions";
    for (Region &region : op.getRegions())
      for (Block &nested : region)
        if (failed(syncBlock(nested)))
          return failure();
    if (isGridStrideLoop(&op)) {
      // Each tile as a block of its own: on drained pipes, nothing carried.
      builder.setInsertionPoint(op.getRegion(0).front().getTerminator());
      PipeBarrierOp::create(builder, op.getLoc(), Pipe::All);
    } else if (auto loop = dyn_cast<scf::ForOp>(op)) {
      syncLoopCarried(loop);
    }
    items.push_back(std::move(item));
  }
  return success();
}

/// The next iteration of a loop body depends on this one: order every
/// conflicting pair (later item of this iteration, earlier or same item of the
/// next) at the end of the body, before the yield, so no flag crosses the back
/// edge. A later item depending on an earlier one is already ordered inside
/// the next iteration: the set_flag there covers both iterations' work.
void SyncInserter::syncLoopCarried(scf::ForOp loop) {
  Block *body = loop.getBody();
  SmallVector<SmallVector<Access>> items;
  for (Operation &op : *body) {
    SmallVector<Access> accesses;
    op.walk([&](Operation *nested) {
      if (isTileInstruction(nested))
        (void)collectAccesses(nested, accesses);
    });
    if (!accesses.empty())
      items.push_back(std::move(accesses));
  }
  std::array<std::array<bool, kNumPipes>, kNumPipes> need{};
  bool barrier = false;
  for (size_t j = 0; j < items.size(); ++j)
    for (size_t i = 0; i <= j; ++i)
      for (const Access &late : items[j])
        for (const Access &early : items[i]) {
          if (!conflicts(late, early))
            continue;
          if (late.pipe == early.pipe)
            barrier |= late.pipe == Pipe::V;
          else
            need[pipeIndex(late.pipe)][pipeIndex(early.pipe)] = true;
        }
  Operation *yield = body->getTerminator();
  for (unsigned q = 0; q < kNumPipes; ++q)
    for (unsigned p = 0; p < kNumPipes; ++p) {
      if (!need[q][p])
        continue;
      builder.setInsertionPoint(yield);
      auto set = SetFlagOp::create(builder, yield->getLoc(), pipeAt(q), pipeAt(p), Event::Event0);
      auto wait = WaitFlagOp::create(builder, yield->getLoc(), pipeAt(q), pipeAt(p), Event::Event0);
      pairs.push_back({set, wait});
    }
  if (barrier) {
    builder.setInsertionPoint(yield);
    PipeBarrierOp::create(builder, yield->getLoc(), Pipe::V);
  }
}

LogicalResult SyncInserter::syncBlock(Block &block) {
  SmallVector<Item> items;
  if (failed(collectItems(block, items)))
    return failure();

  struct Past {
    int64_t item;
    Access access;
  };
  SmallVector<Past> history;
  Clocks known;
  known.fill(emptyClock());
  // known[Q] right after each item: what a set_flag placed there carries.
  std::vector<Clocks> after;

  for (auto [index, item] : llvm::enumerate(items)) {
    int64_t i = index;
    // need[Q][P]: latest item on Q that this item's P part must wait for.
    std::array<Clock, kNumPipes> need;
    need.fill(emptyClock());
    bool barrier = false;
    for (const Access &access : item.accesses) {
      unsigned p = pipeIndex(access.pipe);
      for (const Past &past : history) {
        if (!conflicts(access, past.access))
          continue;
        unsigned q = pipeIndex(past.access.pipe);
        if (q == p) {
          // Other pipes execute in order; V does not for dependent ops.
          if (access.pipe == Pipe::V && known[p][p] < past.item)
            barrier = true;
          continue;
        }
        if (known[p][q] < past.item)
          need[q][p] = std::max(need[q][p], past.item);
      }
    }

    Clocks updated = known;
    for (unsigned q = 0; q < kNumPipes; ++q)
      for (unsigned p = 0; p < kNumPipes; ++p) {
        int64_t k = need[q][p];
        if (k < 0)
          continue;
        insertPair(items[k].op, item.op, pipeAt(q), pipeAt(p));
        // The set fires once pipe Q finished everything issued up to item k,
        // which itself started after what Q knew then.
        Clock token = after[k][q];
        token[q] = std::max(token[q], k);
        mergeInto(updated[p], token);
      }
    if (barrier) {
      builder.setInsertionPoint(item.op);
      PipeBarrierOp::create(builder, item.op->getLoc(), Pipe::V);
      unsigned v = pipeIndex(Pipe::V);
      updated[v][v] = i - 1;
    }
    known = updated;
    for (const Access &access : item.accesses)
      history.push_back({i, access});
    after.push_back(known);
  }
  return success();
}

void SyncInserter::addFinalDrain(func::FuncOp func) {
  Pipe drain = getDrainPipe(func);
  SmallVector<Pipe> others;
  for (Pipe pipe : getStorePipes(func))
    if (pipe != drain)
      others.push_back(pipe);
  for (Block &block : func.getBody())
    if (auto ret = dyn_cast<func::ReturnOp>(block.getTerminator())) {
      builder.setInsertionPoint(ret);
      // pipe_sync drains one store pipe; any other one is drained to S.
      for (Pipe pipe : others) {
        auto set = SetFlagOp::create(builder, ret.getLoc(), pipe, Pipe::S, Event::Event0);
        auto wait = WaitFlagOp::create(builder, ret.getLoc(), pipe, Pipe::S, Event::Event0);
        pairs.push_back({set, wait});
      }
      PipeSyncOp::create(builder, ret.getLoc());
    }
}

LogicalResult SyncInserter::assignEvents(func::FuncOp func) {
  constexpr unsigned kNumEvents = target::kNumEventIds;
  DenseMap<Operation *, WaitFlagOp> waitOf;
  for (const FlagPair &pair : pairs)
    waitOf[pair.set] = pair.wait;
  // live[src][dst]: which event ids are set and not yet waited for.
  std::array<std::array<std::array<bool, kNumEvents>, kNumPipes>, kNumPipes> live{};
  DenseMap<Operation *, unsigned> eventOfWait;
  WalkResult walk = func.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (auto set = dyn_cast<SetFlagOp>(op)) {
      WaitFlagOp wait = waitOf.lookup(op);
      if (!wait)
        return WalkResult::advance();
      auto &ids = live[pipeIndex(set.getSrc())][pipeIndex(set.getDst())];
      unsigned id = 0;
      while (id < kNumEvents && ids[id])
        ++id;
      if (id == kNumEvents) {
        InFlightDiagnostic diag =
            set.emitError() << "event-id exhaustion: more than " << kNumEvents << " flags "
                            << stringifyPipe(set.getSrc()) << " -> " << stringifyPipe(set.getDst())
                            << " would be live at once (event0..event7 per pipe pair)";
        diag.attachNote(wait.getLoc()) << "this flag's wait_flag";
        return WalkResult::interrupt();
      }
      ids[id] = true;
      set.setEvent(static_cast<Event>(id));
      wait.setEvent(static_cast<Event>(id));
      eventOfWait[wait] = id;
      return WalkResult::advance();
    }
    if (auto wait = dyn_cast<WaitFlagOp>(op)) {
      auto it = eventOfWait.find(op);
      if (it != eventOfWait.end())
        live[pipeIndex(wait.getSrc())][pipeIndex(wait.getDst())][it->second] = false;
    }
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

namespace {
struct AICoreInsertSyncPass
    : public mlir::ptoattn::impl::AICoreInsertSyncBase<AICoreInsertSyncPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!isKernel(func) || func.isExternal())
      return;
    // Already synchronised (by hand or an earlier run): leave it alone.
    bool hasSync = false;
    func.walk([&](Operation *op) { hasSync |= isSyncOp(op); });
    if (hasSync)
      return;
    // Flags are kept within one block; across unstructured branches that
    // would need a CFG analysis this pass does not do.
    if (!func.getBody().hasOneBlock()) {
      func.emitOpError() << "aicore-insert-sync expects a kernel body of one block "
                            "(structured control flow)";
      return signalPassFailure();
    }
    SyncInserter inserter(&getContext());
    if (failed(inserter.syncBlock(func.getBody().front())))
      return signalPassFailure();
    inserter.addFinalDrain(func);
    if (failed(inserter.assignEvents(func)))
      return signalPassFailure();
  }
};
} // namespace
