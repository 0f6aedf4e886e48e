//===- AICoreVerifySync.cpp - check the pipe synchronisation of kernels -----===//
//
// An independent checker for what aicore-insert-sync (or a kernel author)
// produced. It does not reuse the insertion algorithm: it enumerates every
// control-flow path of a kernel as a straight-line trace (both branches of
// each scf.if, 0/1/2 iterations of each scf.for; a loop whose body ends with
// pipe_barrier(PIPE_ALL) runs each body path twice instead of every pair of
// paths, as no state but balanced flags crosses that barrier) and simulates the flags and
// pipes along it with vector clocks. Each violation is reported once, as an
// error on the later op with a note on the other one. The CPU simulator runs
// pipes in program order, so it cannot see missing syncs; this pass can.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Transforms/AICorePasses.h"

#include "Sync/SyncModel.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"

#include <map>
#include <set>
#include <string>
#include <tuple>

namespace mlir::ptoattn {
#define GEN_PASS_DEF_AICOREVERIFYSYNC
#include "ptoattn/Transforms/AICorePasses.h.inc"
} // namespace mlir::ptoattn

using namespace mlir;
using namespace mlir::ptoattn;
using namespace mlir::ptoattn::aicore;
using namespace mlir::ptoattn::aicore::sync;

namespace {

using Trace = SmallVector<Operation *>;

/// Paths beyond this many are not enumerated (the kernels ptoattn emits have
/// a handful).
constexpr size_t kMaxPaths = 4096;

/// Checks the traces of one kernel and reports each violation once.
class SyncChecker {
public:
  explicit SyncChecker(func::FuncOp func) : func(func), drain(getDrainPipe(func)) {}

  LogicalResult run();

private:
  LogicalResult enumerate(Block &block, SmallVectorImpl<Trace> &traces);
  void checkTrace(ArrayRef<Operation *> trace);
  bool firstReport(StringRef kind, Operation *a, Operation *b = nullptr);

  func::FuncOp func;
  Pipe drain;
  DenseMap<Operation *, SmallVector<Access>> accessesOf;
  std::set<std::tuple<std::string, Operation *, Operation *>> reported;
  bool failedAny = false;
};

} // namespace

/// Records a violation; true the first time this (kind, ops) is seen.
bool SyncChecker::firstReport(StringRef kind, Operation *a, Operation *b) {
  failedAny = true;
  return reported.insert({kind.str(), a, b}).second;
}

/// Appends every `traces` x `suffixes` concatenation to `out`.
static void appendAll(SmallVectorImpl<Trace> &traces, ArrayRef<Trace> suffixes,
                      SmallVectorImpl<Trace> &out) {
  for (const Trace &prefix : traces)
    for (const Trace &suffix : suffixes) {
      Trace joined = prefix;
      joined.append(suffix.begin(), suffix.end());
      out.push_back(std::move(joined));
    }
}

/// The traces of `block`: every combination of branch choices and loop
/// trip counts 0, 1, 2, keeping instructions, sync ops and the return.
LogicalResult SyncChecker::enumerate(Block &block, SmallVectorImpl<Trace> &traces) {
  traces.assign(1, Trace());
  for (Operation &op : block) {
    SmallVector<Trace> alternatives;
    if (auto ifOp = dyn_cast<scf::IfOp>(op)) {
      for (Region *region : {&ifOp.getThenRegion(), &ifOp.getElseRegion()}) {
        if (region->empty()) {
          alternatives.push_back({});
          continue;
        }
        SmallVector<Trace> branch;
        if (failed(enumerate(region->front(), branch)))
          return failure();
        alternatives.append(branch.begin(), branch.end());
      }
    } else if (auto loop = dyn_cast<scf::ForOp>(op)) {
      SmallVector<Trace> body;
      if (failed(enumerate(*loop.getBody(), body)))
        return failure();
      alternatives.push_back({});
      alternatives.append(body.begin(), body.end());
      if (endsWithFullBarrier(loop)) {
        // Nothing crosses the back edge (every path waits for its own flags,
        // else a one-iteration path reports it), so the second iteration does
        // not depend on the first one's path: each path twice covers it.
        for (const Trace &path : body) {
          Trace twice = path;
          twice.append(path.begin(), path.end());
          alternatives.push_back(std::move(twice));
        }
      } else {
        SmallVector<Trace> once(body.begin(), body.end());
        appendAll(once, body, alternatives);
      }
    } else if (op.getNumRegions() != 0) {
      bool hasAICore = false;
      op.walk([&](Operation *nested) { hasAICore |= isa<AICoreDialect>(nested->getDialect()); });
      if (hasAICore)
        return op.emitOpError() << "contains aicore operations; aicore-verify-sync follows "
                                   "only scf.if and scf.for regions";
      continue;
    } else if (isTileInstruction(&op)) {
      SmallVector<Access> accesses;
      if (failed(collectAccesses(&op, accesses)))
        return failure();
      accessesOf[&op] = std::move(accesses);
      alternatives.push_back({&op});
    } else if (isSyncOp(&op) || isa<func::ReturnOp>(op)) {
      alternatives.push_back({&op});
    } else {
      continue;
    }
    SmallVector<Trace> next;
    appendAll(traces, alternatives, next);
    if (next.size() > kMaxPaths)
      return op.emitOpError() << "kernel has more than " << kMaxPaths
                              << " control-flow paths; aicore-verify-sync cannot check it";
    traces = std::move(next);
  }
  return success();
}

/// `src -> dst, eventN`, as the IR spells it.
static std::string describeFlag(Pipe src, Pipe dst, Event event) {
  return (stringifyPipe(src) + " -> " + stringifyPipe(dst) + ", " + stringifyEvent(event)).str();
}

/// Simulates flags and pipe clocks along one trace and reports what breaks.
void SyncChecker::checkTrace(ArrayRef<Operation *> trace) {
  struct LiveFlag {
    Operation *set;
    Clock token;
  };
  struct Past {
    int64_t position;
    Operation *op;
    Access access;
  };
  std::map<std::tuple<unsigned, unsigned, unsigned>, LiveFlag> live;
  // hb[P][Q]: latest trace position on pipe Q known complete before any
  // instruction issued to P from now on.
  std::array<Clock, kNumPipes> hb;
  hb.fill(emptyClock());
  Clock last = emptyClock();
  SmallVector<Past> history;
  Operation *previous = nullptr;

  auto signalAll = [&](const Clock &token) {
    for (Clock &clock : hb)
      mergeInto(clock, token);
  };

  for (auto [position, op] : llvm::enumerate(trace)) {
    int64_t pos = position;
    if (auto set = dyn_cast<SetFlagOp>(op)) {
      auto key = std::make_tuple(pipeIndex(set.getSrc()), pipeIndex(set.getDst()),
                                 static_cast<unsigned>(set.getEvent()));
      auto it = live.find(key);
      if (it != live.end()) {
        if (firstReport("twice", op, it->second.set)) {
          InFlightDiagnostic diag =
              set.emitError() << "flag " << describeFlag(set.getSrc(), set.getDst(), set.getEvent())
                              << " is set again before its wait_flag";
          diag.attachNote(it->second.set->getLoc()) << "it was set here";
        }
      }
      Clock token = hb[pipeIndex(set.getSrc())];
      token[pipeIndex(set.getSrc())] = last[pipeIndex(set.getSrc())];
      live[key] = {op, token};
    } else if (auto wait = dyn_cast<WaitFlagOp>(op)) {
      auto key = std::make_tuple(pipeIndex(wait.getSrc()), pipeIndex(wait.getDst()),
                                 static_cast<unsigned>(wait.getEvent()));
      auto it = live.find(key);
      if (it == live.end()) {
        if (firstReport("unmatched-wait", op))
          wait.emitError() << "wait_flag "
                           << describeFlag(wait.getSrc(), wait.getDst(), wait.getEvent())
                           << " has no matching set_flag before it on some path";
      } else {
        // A wait on S stalls the scalar unit, which issues every pipe's work.
        if (wait.getDst() == Pipe::S)
          signalAll(it->second.token);
        else
          mergeInto(hb[pipeIndex(wait.getDst())], it->second.token);
        live.erase(it);
      }
    } else if (auto barrier = dyn_cast<PipeBarrierOp>(op)) {
      if (barrier.getPipe() == Pipe::All) {
        signalAll(last);
      } else {
        unsigned p = pipeIndex(barrier.getPipe());
        hb[p][p] = std::max(hb[p][p], last[p]);
      }
    } else if (isa<PipeSyncOp>(op)) {
      Clock token = hb[pipeIndex(drain)];
      token[pipeIndex(drain)] = last[pipeIndex(drain)];
      signalAll(token);
    } else if (isa<func::ReturnOp>(op)) {
      for (auto &[key, flag] : live)
        if (firstReport("live-at-exit", flag.set)) {
          auto set = cast<SetFlagOp>(flag.set);
          InFlightDiagnostic diag =
              set.emitError() << "flag " << describeFlag(set.getSrc(), set.getDst(), set.getEvent())
                              << " is still set when the kernel returns";
          diag.attachNote(op->getLoc()) << "the kernel returns here";
        }
      if (!isa_and_nonnull<PipeSyncOp>(previous)) {
        if (firstReport("no-drain", op))
          op->emitError() << "kernel does not end with aicore.pipe_sync (the drain of its "
                          << stringifyPipe(drain) << " stores) on some path";
      }
      // Stores on another pipe than the one pipe_sync drains need their own
      // drain to S.
      for (const Past &past : history) {
        unsigned q = pipeIndex(past.access.pipe);
        if (!isa<TStoreOp>(past.op) || past.access.pipe == drain ||
            hb[pipeIndex(Pipe::S)][q] >= past.position)
          continue;
        if (firstReport("no-drain", past.op))
          past.op->emitError() << "store on pipe " << stringifyPipe(past.access.pipe)
                               << " is not drained before the kernel returns (needs "
                                  "set_flag/wait_flag "
                               << stringifyPipe(past.access.pipe) << " -> s)";
      }
    } else {
      for (const Access &access : accessesOf.lookup(op)) {
        unsigned p = pipeIndex(access.pipe);
        for (const Past &past : history) {
          if (past.position == pos || !(access.write || past.access.write) ||
              !access.range.overlaps(past.access.range))
            continue;
          unsigned q = pipeIndex(past.access.pipe);
          bool inOrder = q == p && access.pipe != Pipe::V;
          if (inOrder || hb[p][q] >= past.position)
            continue;
          // A conflict has a write on at least one side.
          StringRef kind = access.write ? "overwrites bytes that" : "reads bytes that";
          StringRef verb = past.access.write ? "wrote" : "reads";
          if (!firstReport(q == p ? "barrier" : "flag", op, past.op))
            continue;
          InFlightDiagnostic diag = op->emitOpError();
          diag << "on pipe " << stringifyPipe(access.pipe) << " " << kind << " '"
               << past.op->getName() << "' on pipe " << stringifyPipe(past.access.pipe) << " "
               << verb << ", with no ";
          if (q == p)
            diag << "pipe_barrier " << stringifyPipe(access.pipe);
          else
            diag << "set_flag/wait_flag " << stringifyPipe(past.access.pipe) << " -> "
                 << stringifyPipe(access.pipe) << " chain";
          diag << " between them";
          diag.attachNote(past.op->getLoc()) << "the earlier instruction";
        }
      }
      for (const Access &access : accessesOf.lookup(op))
        history.push_back({pos, op, access});
      for (const Access &access : accessesOf.lookup(op))
        last[pipeIndex(access.pipe)] = pos;
    }
    previous = op;
  }
}

LogicalResult SyncChecker::run() {
  SmallVector<Trace> traces;
  if (func.getBody().getBlocks().size() != 1)
    return func.emitOpError() << "aicore-verify-sync expects a kernel body of one block";
  if (failed(enumerate(func.getBody().front(), traces)))
    return failure();
  for (const Trace &trace : traces)
    checkTrace(trace);
  return failure(failedAny);
}

namespace {
struct AICoreVerifySyncPass
    : public mlir::ptoattn::impl::AICoreVerifySyncBase<AICoreVerifySyncPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!isKernel(func) || func.isExternal())
      return;
    SyncChecker checker(func);
    if (failed(checker.run()))
      signalPassFailure();
    markAllAnalysesPreserved();
  }
};
} // namespace
