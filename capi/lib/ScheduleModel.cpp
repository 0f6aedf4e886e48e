//===- ScheduleModel.cpp - the modeled task graph of a lowered module -----===//
//
// `--schedule auto` compares candidate schedules with the simulator's timing
// model without compiling or running any C++. This file builds, from a lowered
// module (aicore kernels after plan-memory and insert-sync, the orch
// orchestration), the task graph the runtime would execute for given context
// lengths, with each block's modeled kernel time:
//
//  * the orchestration is interpreted: loops, reads of the context lengths,
//    allocations (alloc-only tasks) and submits; fanin edges follow the
//    runtime's rule (creator edges, and `in`/`inout` waiting for earlier
//    overlapping `out`/`inout` writers);
//  * every (task, block, lane) runs its kernel's IR through an interpreter of
//    the scalar code (block index, scalars, the lengths it loads) that charges
//    each tile instruction with the simulator's own functions: the cost
//    formulas of `pto/sim/cost_a2a3.hpp` and the in-order pipe clock of
//    `pto/sim/core.hpp` / `sync.hpp` (charge, set_flag, wait_flag,
//    pipe_barrier), so the estimate and a simulated run share one model.
//
// Invocations are memoised on what their cost can depend on (the kernel, the
// lane and the scalars that reach control flow and tile extents); so are the
// iterations of a kernel's grid-stride tile loop, which read their lengths
// per tile, by recording and replaying their pipe-clock calls (exact). The
// graph goes to `ptosim_model_graph` in the layout that entry point takes.
//
//===----------------------------------------------------------------------===//

#include "ptoattn-c/ScheduleModel.h"

#include "ptoattn/Dialect/AICore/IR/AICore.h"
#include "ptoattn/Dialect/Orch/IR/Orch.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Support.h"
#include "mlir/CAPI/Utils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/JSON.h"

// The simulator's per-invocation model (header-only) and its task-level model
// (sim/runtime/timeline.cpp, compiled into this library too).
#include "pto/sim/core.hpp"
#include "pto/sim/sync.hpp"
#include "timeline.h"

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

using namespace mlir;
namespace ac = mlir::ptoattn::aicore;
namespace orch = mlir::ptoattn::orch;
namespace cost = pto::sim::cost;

namespace {

/// A failure of the interpreter: an op it cannot evaluate.
struct Unsupported {
  std::string message;
};

/// A modeled build stopped early: the graph outgrew its block limit, or what
/// HBM, the cubes or the vector cores alone need reached the pruning bound.
struct TooManyBlocks {};
struct Pruned {
  double boundUs;
};

int simPipe(ac::Pipe pipe) {
  switch (pipe) {
  case ac::Pipe::S:
    return PIPE_S;
  case ac::Pipe::V:
    return PIPE_V;
  case ac::Pipe::M:
    return PIPE_M;
  case ac::Pipe::MTE1:
    return PIPE_MTE1;
  case ac::Pipe::MTE2:
    return PIPE_MTE2;
  case ac::Pipe::MTE3:
    return PIPE_MTE3;
  case ac::Pipe::Fix:
    return PIPE_FIX;
  case ac::Pipe::All:
    return PIPE_ALL;
  }
  return PIPE_S;
}

/// A runtime tensor as the orchestration sees it: its buffer, and the flat
/// element range [start, end) of the view (strides of the buffer kept).
struct TensorVal {
  int64_t buffer = -1;
  int64_t start = 0, end = 0;
  SmallVector<int64_t> shape, strides;
};

/// Integer evaluation of the arith ops both kinds of IR use.
std::optional<int64_t> evalArith(Operation *op, ArrayRef<int64_t> in) {
  auto name = op->getName().getStringRef();
  if (auto c = dyn_cast<arith::ConstantOp>(op)) {
    if (auto i = dyn_cast<IntegerAttr>(c.getValue()))
      return i.getValue().getSExtValue();
    return 0; // float constants: only their existence matters to timing
  }
  if (isa<arith::IndexCastOp, arith::IndexCastUIOp, arith::ExtSIOp, arith::ExtUIOp, arith::TruncIOp,
          arith::BitcastOp, arith::SIToFPOp, arith::UIToFPOp>(op))
    return in[0];
  if (in.size() == 2) {
    int64_t a = in[0], b = in[1];
    if (name == "arith.addi")
      return a + b;
    if (name == "arith.subi")
      return a - b;
    if (name == "arith.muli")
      return a * b;
    if (name == "arith.divsi" || name == "arith.divui")
      return b ? a / b : 0;
    if (name == "arith.floordivsi")
      return b ? (a / b - ((a % b != 0) && ((a < 0) != (b < 0)))) : 0;
    if (name == "arith.ceildivsi" || name == "arith.ceildivui")
      return b ? (a + b - 1) / b : 0;
    if (name == "arith.remsi" || name == "arith.remui")
      return b ? a % b : 0;
    if (name == "arith.minsi" || name == "arith.minui")
      return std::min(a, b);
    if (name == "arith.maxsi" || name == "arith.maxui")
      return std::max(a, b);
    if (name == "arith.andi")
      return a & b;
    if (name == "arith.ori")
      return a | b;
    if (name == "arith.xori")
      return a ^ b;
    if (name == "arith.shli")
      return a << b;
    if (name == "arith.shrsi" || name == "arith.shrui")
      return a >> b;
    if (auto cmp = dyn_cast<arith::CmpIOp>(op)) {
      switch (cmp.getPredicate()) {
      case arith::CmpIPredicate::eq:
        return a == b;
      case arith::CmpIPredicate::ne:
        return a != b;
      case arith::CmpIPredicate::slt:
      case arith::CmpIPredicate::ult:
        return a < b;
      case arith::CmpIPredicate::sle:
      case arith::CmpIPredicate::ule:
        return a <= b;
      case arith::CmpIPredicate::sgt:
      case arith::CmpIPredicate::ugt:
        return a > b;
      case arith::CmpIPredicate::sge:
      case arith::CmpIPredicate::uge:
        return a >= b;
      }
    }
    if (op->getDialect() && op->getDialect()->getNamespace() == "arith")
      return 0; // float arithmetic on scalars: no effect on control flow or sizes
  }
  if (auto sel = dyn_cast<arith::SelectOp>(op))
    return in[0] ? in[1] : in[2];
  return std::nullopt;
}

/// What the interpreter needs to know of the values a kernel reads from GM.
struct KernelInputs {
  ArrayRef<TensorVal> tensors; // the submit's tensor arguments, in kernel order
  ArrayRef<int64_t> scalars;   // the submit's scalars
  int64_t blockIdx = 0, subBlockId = 0, blockNum = 1;
  int64_t lensBuffer = -1, tableBuffer = -1;
  ArrayRef<int64_t> lens;
};

/// One modeled invocation: its duration, busy cycles per pipe and GM bytes.
struct Invocation {
  double cycles = 0, bytes = 0;
  double busy[8] = {};
};

/// The scalar part both interpreters share: integer arith, scf.if and scf.for
/// over concrete values; `Derived::stepOther` handles every other op.
template <typename Derived> class ScalarInterpreter {
protected:
  DenseMap<Value, int64_t> ints;

  /// A derived interpreter may run a loop its own way (true: done).
  bool runLoop(scf::ForOp) { return false; }

  int64_t get(Value v) {
    auto it = ints.find(v);
    if (it == ints.end())
      throw Unsupported{"a scalar the model cannot evaluate"};
    return it->second;
  }

  int64_t getOrZero(Value v) { return isa<IntegerType, IndexType>(v.getType()) ? get(v) : 0; }

  void run(Block &block) {
    for (Operation &op : block)
      step(&op);
  }

  /// Runs a region's block with `args` bound; returns its yielded values.
  SmallVector<int64_t> runRegion(Region &region, ArrayRef<int64_t> args) {
    Block &b = region.front();
    for (auto [arg, v] : llvm::zip(b.getArguments(), args))
      ints[arg] = v;
    SmallVector<int64_t> yielded;
    for (Operation &op : b) {
      if (isa<scf::YieldOp>(op)) {
        for (Value v : op.getOperands())
          yielded.push_back(getOrZero(v));
        break;
      }
      step(&op);
    }
    return yielded;
  }

  void step(Operation *op) {
    if (op->getNumRegions() == 0 && op->getDialect() &&
        op->getDialect()->getNamespace() == "arith") {
      SmallVector<int64_t> operands;
      for (Value v : op->getOperands())
        operands.push_back(getOrZero(v));
      if (auto r = evalArith(op, operands)) {
        if (op->getNumResults() == 1)
          ints[op->getResult(0)] = *r;
        return;
      }
      throw Unsupported{"arith op " + op->getName().getStringRef().str()};
    }
    if (auto ifOp = dyn_cast<scf::IfOp>(op)) {
      Region &r = get(ifOp.getCondition()) ? ifOp.getThenRegion() : ifOp.getElseRegion();
      if (r.empty())
        return;
      SmallVector<int64_t> ys = runRegion(r, {});
      for (auto [res, v] : llvm::zip(ifOp.getResults(), ys))
        ints[res] = v;
      return;
    }
    if (auto forOp = dyn_cast<scf::ForOp>(op)) {
      if (static_cast<Derived *>(this)->runLoop(forOp))
        return;
      int64_t lb = get(forOp.getLowerBound()), ub = get(forOp.getUpperBound()),
              st = get(forOp.getStep());
      SmallVector<int64_t> iter;
      for (Value v : forOp.getInitArgs())
        iter.push_back(getOrZero(v));
      for (int64_t i = lb; st > 0 && i < ub; i += st) {
        SmallVector<int64_t> args{i};
        args.append(iter);
        iter = runRegion(forOp.getRegion(), args);
      }
      for (auto [res, v] : llvm::zip(forOp.getResults(), iter))
        ints[res] = v;
      return;
    }
    static_cast<Derived *>(this)->stepOther(op);
  }
};

/// What a block's modeled cost can depend on. The cost is decided by control
/// flow (scf.if conditions, scf.for bounds) and tile valid extents; following
/// their operands back to the block's top level (or out of it) gives the
/// *frontier*: values the cost is a function of. A memo key is the frontier's
/// values, computed by evaluating only the top-level ops they need (`keyOps`).
/// A block whose cost depends on a load nested in one of its regions, or on a
/// value a region yields, cannot be keyed.
struct CostPlan {
  bool memoizable = true;
  SmallVector<Value> frontier;
  SmallVector<Operation *> keyOps; // top-level ops computing the frontier, in order
};

/// Scalar ops a key may evaluate ahead of the block: no charge, no tile.
bool isKeyScalarOp(Operation *op) {
  return (op->getDialect() && op->getDialect()->getNamespace() == "arith" &&
          op->getNumRegions() == 0) ||
         isa<ac::LoadScalarOp, ac::ScalarArgOp, ac::TensorPtrOp, ac::TensorDimOp, ac::GetBlockIdxOp,
             ac::GetBlockNumOp, ac::GetSubBlockIdOp>(op);
}

/// The plan of `scope`: a kernel's body, or the body of a loop in it (then
/// values defined outside the loop, and its induction variable, are keys too,
/// and every key op must be a plain scalar op). `keyedLoop`, for a kernel's
/// body: the plan of a loop at its top level whose iterations are keyed on
/// their own (null: not keyable); such a loop is a key op, opaque: its key is
/// its trip count and its iterations' keys, so its bounds and what its
/// iterations' keys read from outside it are computed, not keyed.
CostPlan planCost(Block &scope,
                  llvm::function_ref<const CostPlan *(scf::ForOp)> keyedLoop = nullptr) {
  CostPlan p;
  Operation *owner = scope.getParentOp();
  bool loopBody = isa<scf::ForOp>(owner);
  SmallVector<Value> work, needed;
  DenseSet<Operation *> opaque;
  for (Operation &top : scope) {
    auto loop = dyn_cast<scf::ForOp>(&top);
    if (const CostPlan *lp = loop && keyedLoop ? keyedLoop(loop) : nullptr) {
      opaque.insert(loop);
      needed.append({loop.getLowerBound(), loop.getUpperBound(), loop.getStep()});
      auto outside = [&](Value v) { return !loop->isAncestor(v.getParentBlock()->getParentOp()); };
      for (Value v : lp->frontier)
        if (outside(v))
          needed.push_back(v);
      for (Operation *k : lp->keyOps)
        for (Value v : k->getOperands())
          if (outside(v))
            needed.push_back(v);
      continue;
    }
    top.walk([&](Operation *op) {
      if (auto ifOp = dyn_cast<scf::IfOp>(op))
        work.push_back(ifOp.getCondition());
      else if (auto forOp = dyn_cast<scf::ForOp>(op))
        work.append({forOp.getLowerBound(), forOp.getUpperBound(), forOp.getStep()});
      else if (auto tile = dyn_cast<ac::TileOp>(op))
        work.append(tile.getValidDims().begin(), tile.getValidDims().end());
      else if (auto alias = dyn_cast<ac::TileAliasOp>(op))
        work.append(alias.getValidDims().begin(), alias.getValidDims().end());
    });
  }
  DenseSet<Value> seen, frontier;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (!seen.insert(v).second)
      continue;
    Operation *def = v.getDefiningOp();
    if (!def) {
      auto arg = cast<BlockArgument>(v);
      if (loopBody && arg.getOwner() == &scope && arg.getArgNumber() == 0) {
        frontier.insert(v); // this loop's induction variable
        continue;
      }
      auto loop = dyn_cast_or_null<scf::ForOp>(arg.getOwner()->getParentOp());
      if (!loop || arg != loop.getInductionVar())
        p.memoizable = false; // an iter_arg: a value a region carries
      continue;               // a nested loop's induction variable: its bounds are roots
    }
    if (def->getBlock() == &scope || !owner->isProperAncestor(def)) {
      frontier.insert(v); // at the top level, or computed before the scope runs
      continue;
    }
    if (isa<ac::LoadScalarOp>(def) || def->getNumRegions() != 0)
      p.memoizable = false; // a nested load, or a value yielded by a region
    work.append(def->getOperands().begin(), def->getOperands().end());
  }
  // The top-level ops the frontier needs (their backward slice), in program order.
  DenseSet<Operation *> slice;
  SmallVector<Operation *> ops;
  SmallVector<Value> seeds(frontier.begin(), frontier.end());
  seeds.append(needed);
  for (Value v : seeds)
    if (Operation *def = v.getDefiningOp(); def && def->getBlock() == &scope)
      ops.push_back(def);
  while (!ops.empty()) {
    Operation *op = ops.pop_back_val();
    if (!slice.insert(op).second)
      continue;
    if (op->getNumRegions() != 0 || (loopBody && !isKeyScalarOp(op)))
      p.memoizable = false;
    for (Value v : op->getOperands())
      if (Operation *def = v.getDefiningOp(); def && def->getBlock() == &scope)
        ops.push_back(def);
  }
  for (Operation &op : scope)
    if (slice.contains(&op) || opaque.contains(&op))
      p.keyOps.push_back(&op);
  // Key order: the scope's own values in program order, then the others (the
  // induction variable, values from outside) in a fixed order of their first use.
  for (Operation *op : p.keyOps)
    for (Value r : op->getResults())
      if (frontier.contains(r))
        p.frontier.push_back(r);
  SmallVector<Value> outer;
  for (Operation &top : scope)
    top.walk([&](Operation *op) {
      for (Value v : op->getOperands())
        if (frontier.contains(v) && !llvm::is_contained(p.frontier, v) &&
            !llvm::is_contained(outer, v))
          outer.push_back(v);
    });
  for (Value v : outer)
    if (!(v.getDefiningOp() && v.getDefiningOp()->getBlock() == &scope))
      p.frontier.push_back(v);
  return p;
}

struct KeyHash {
  size_t operator()(const std::vector<int64_t> &k) const {
    return llvm::hash_combine_range(k.begin(), k.end());
  }
};

/// One call the interpreter made into the simulator's pipe clock, recorded so
/// a loop iteration with the same key replays the same calls in order: the
/// replay is the very arithmetic of interpreting it again, so exact.
struct ClockCall {
  enum Kind : uint8_t { Charge, SetFlag, WaitFlag, Barrier, GmRead, GmWrite } kind;
  int8_t a = 0, b = 0, c = 0; // pipe; or src, dst, event
  double cycles = 0;
  uint64_t bytes = 0;
};

/// Memoised iterations of the loops at a kernel's top level (the grid-stride
/// tile loops): an invocation that is not memoisable as a whole (it reads
/// context lengths per tile) is mostly iterations whose cost depends on a few
/// scalars of their own (the tile's length and step). Shared by every
/// invocation of one modeled graph.
struct IterationMemo {
  std::map<Operation *, CostPlan> plans; // per scf.for at a kernel's top level (stable refs)
  std::unordered_map<std::vector<int64_t>, std::vector<ClockCall>, KeyHash> traces;
  std::vector<int64_t> key; // reused: a lookup allocates nothing
  int64_t iterations = 0, replayed = 0;

  const CostPlan &plan(scf::ForOp loop) {
    auto [it, inserted] = plans.try_emplace(loop.getOperation());
    if (inserted)
      it->second = loop.getNumResults() == 0 ? planCost(*loop.getBody()) : CostPlan{false};
    return it->second;
  }
};

class KernelInterpreter : public ScalarInterpreter<KernelInterpreter> {
public:
  /// Models one invocation of `func`.
  KernelInterpreter(func::FuncOp func, bool aic, const KernelInputs &in,
                    IterationMemo *loops = nullptr)
      : in(in), loops(loops) {
    ctx.emplace();
    ctx->model_only = true;
    ctx->kind = aic ? pto::sim::CORE_AIC : pto::sim::CORE_AIV;
    pto::sim::g_core = &*ctx;
    run(func.getBody().front());
    pto::sim::g_core = nullptr;
  }

  /// Evaluates just `only` (the scalar code a memo key needs); charges nothing.
  /// Reused across invocations (the scalar map keeps its buckets).
  /// A key op may be a keyed loop of `loops`: its iterations' keys go to `loopKeys`.
  KernelInterpreter(const KernelInputs &in, IterationMemo *loops) : in(in), loops(loops) {}
  void evaluate(ArrayRef<Operation *> only) {
    ints.clear();
    reads.clear();
    loopKeys.clear();
    for (Operation *op : only)
      step(op);
  }

  Invocation result() const {
    Invocation r;
    r.cycles = ctx->clock_max();
    std::copy(ctx->pipe_busy, ctx->pipe_busy + 8, r.busy);
    r.bytes = double(ctx->gm_bytes_read + ctx->gm_bytes_written);
    return r;
  }

  /// Every scalar the invocation read.
  SmallVector<int64_t> reads;
  /// The keys of every iteration of the keyed loops `evaluate` ran, in order.
  std::vector<int64_t> loopKeys;

  /// A scalar the interpreter computed.
  int64_t valueOf(Value v) { return get(v); }

private:
  const KernelInputs &in;
  IterationMemo *loops = nullptr; // null: every iteration is interpreted
  std::vector<ClockCall> *recording = nullptr;
  std::optional<pto::sim::CoreCtx> ctx; // only when charging: it is large

  // The simulator's pipe clock, through which every charge goes (and is
  // recorded while an iteration is being memoised).
  void chargeOn(int pipe, double cycles) {
    if (recording)
      recording->push_back({ClockCall::Charge, int8_t(pipe), 0, 0, cycles, 0});
    pto::sim::charge(pipe, cycles);
  }
  void setFlag(int src, int dst, int event) {
    if (recording)
      recording->push_back({ClockCall::SetFlag, int8_t(src), int8_t(dst), int8_t(event), 0, 0});
    ::set_flag(src, dst, event);
  }
  void waitFlag(int src, int dst, int event) {
    if (recording)
      recording->push_back({ClockCall::WaitFlag, int8_t(src), int8_t(dst), int8_t(event), 0, 0});
    ::wait_flag(src, dst, event);
  }
  void barrier(int pipe) {
    if (recording)
      recording->push_back({ClockCall::Barrier, int8_t(pipe), 0, 0, 0, 0});
    ::pipe_barrier(pipe);
  }
  void gmBytes(uint64_t bytes, bool write) {
    if (recording)
      recording->push_back({write ? ClockCall::GmWrite : ClockCall::GmRead, 0, 0, 0, 0, bytes});
    (write ? ctx->gm_bytes_written : ctx->gm_bytes_read) += bytes;
  }
  static void replay(ArrayRef<ClockCall> calls, pto::sim::CoreCtx &c) {
    for (const ClockCall &k : calls)
      switch (k.kind) {
      case ClockCall::Charge:
        pto::sim::charge(k.a, k.cycles);
        break;
      case ClockCall::SetFlag:
        ::set_flag(k.a, k.b, k.c);
        break;
      case ClockCall::WaitFlag:
        ::wait_flag(k.a, k.b, k.c);
        break;
      case ClockCall::Barrier:
        ::pipe_barrier(k.a);
        break;
      case ClockCall::GmRead:
        c.gm_bytes_read += k.bytes;
        break;
      case ClockCall::GmWrite:
        c.gm_bytes_written += k.bytes;
        break;
      }
  }

  /// A loop at the kernel's top level, iteration by iteration: an iteration
  /// whose key (its plan's frontier) was seen replays that iteration's calls.
  /// False when the loop cannot be keyed (then it is interpreted as usual).
  bool runLoop(scf::ForOp loop) {
    if (!loops || !isa<func::FuncOp>(loop->getParentOp()))
      return false;
    const CostPlan &p = loops->plan(loop);
    if (!p.memoizable)
      return false;
    int64_t lb = get(loop.getLowerBound()), ub = get(loop.getUpperBound()),
            st = get(loop.getStep());
    Block &iteration = *loop.getBody();
    Value iv = loop.getInductionVar();
    // Iteration `i`'s key (its plan's frontier), appended to `out`.
    auto keyIteration = [&](int64_t i, std::vector<int64_t> &out) {
      ints[iv] = i;
      for (Operation *op : p.keyOps)
        step(op);
      for (Value v : p.frontier)
        out.push_back(get(v));
    };
    if (!ctx) { // a key: the trip count and every iteration's key, nothing charged
      loopKeys.push_back(st > 0 && ub > lb ? (ub - lb + st - 1) / st : 0);
      for (int64_t i = lb; st > 0 && i < ub; i += st)
        keyIteration(i, loopKeys);
      return true;
    }
    for (int64_t i = lb; st > 0 && i < ub; i += st) {
      ++loops->iterations;
      std::vector<int64_t> &key = loops->key;
      key.assign({int64_t(reinterpret_cast<uintptr_t>(loop.getOperation()))});
      keyIteration(i, key);
      auto it = loops->traces.find(key);
      if (it != loops->traces.end()) {
        ++loops->replayed;
        replay(it->second, *ctx);
        continue;
      }
      std::vector<ClockCall> calls;
      recording = &calls;
      for (Operation &op : iteration.without_terminator())
        step(&op);
      recording = nullptr;
      loops->traces.emplace(key, std::move(calls));
    }
    return true;
  }
  DenseMap<Value, std::pair<int64_t, int64_t>> valid; // dynamic valid extents of tiles

  std::pair<int64_t, int64_t> validOf(Value tile) {
    auto it = valid.find(tile);
    if (it != valid.end())
      return it->second;
    auto type = cast<ac::TileType>(tile.getType());
    return {type.getValidRows(), type.getValidCols()};
  }

  void setValid(Value result, ac::TileType type, ValueRange dims) {
    int64_t r = type.getValidRows(), c = type.getValidCols();
    unsigned i = 0;
    if (ShapedType::isDynamic(r))
      r = get(dims[i++]);
    if (ShapedType::isDynamic(c))
      c = get(dims[i++]);
    valid[result] = {r, c};
  }

  static uint64_t elemBytes(Type t) { return (t.getIntOrFloatBitWidth() + 7) / 8; }

  uint64_t tileBytes(Value tile, Type elem) {
    auto [r, c] = validOf(tile);
    return uint64_t(r) * uint64_t(c) * elemBytes(elem);
  }

  uint64_t tileElems(Value tile) {
    auto [r, c] = validOf(tile);
    return uint64_t(r) * uint64_t(c);
  }

  static ac::TileLocation loc(Value tile) {
    return cast<ac::TileType>(tile.getType()).getLocation();
  }
  static unsigned tileElemBytes(Value tile) {
    return elemBytes(cast<ac::TileType>(tile.getType()).getElementType());
  }

  void vec(int vop, Value tile) {
    chargeOn(PIPE_V, cost::vec_cycles(vop, tileElems(tile), tileElemBytes(tile)));
  }

  int64_t loadScalar(ac::LoadScalarOp op) {
    auto ptr = op->getOperand(0).getDefiningOp<ac::TensorPtrOp>();
    int64_t index = get(op->getOperand(1));
    int64_t value = 0;
    if (ptr) {
      int64_t arg = int64_t(ptr.getArg());
      if (arg < int64_t(in.tensors.size())) {
        const TensorVal &t = in.tensors[arg];
        int64_t flat = t.start + index;
        if (t.buffer == in.lensBuffer)
          value = flat >= 0 && flat < int64_t(in.lens.size()) ? in.lens[flat] : 0;
        else if (t.buffer == in.tableBuffer)
          value = flat; // a distinct block id; only addresses depend on it
      }
    }
    reads.push_back(value);
    return value;
  }

  friend class ScalarInterpreter<KernelInterpreter>;
  void stepOther(Operation *op) {
    llvm::TypeSwitch<Operation *>(op)
        .Case<ac::GetBlockIdxOp>([&](auto o) { ints[o.getResult()] = in.blockIdx; })
        .Case<ac::GetBlockNumOp>([&](auto o) { ints[o.getResult()] = in.blockNum; })
        .Case<ac::GetSubBlockIdOp>([&](auto o) { ints[o.getResult()] = in.subBlockId; })
        .Case<ac::ScalarArgOp>([&](ac::ScalarArgOp o) {
          int64_t i = int64_t(o.getArg()) - int64_t(in.tensors.size());
          int64_t v = i >= 0 && i < int64_t(in.scalars.size()) ? in.scalars[i] : 0;
          reads.push_back(v);
          ints[o.getResult()] = v;
        })
        .Case<ac::TensorDimOp>([&](ac::TensorDimOp o) {
          int64_t arg = int64_t(o.getArg());
          int64_t dim = int64_t(o.getDim());
          int64_t v = 1;
          if (arg < int64_t(in.tensors.size()) && dim < int64_t(in.tensors[arg].shape.size()))
            v = in.tensors[arg].shape[dim];
          ints[o.getResult()] = v;
        })
        .Case<ac::LoadScalarOp>([&](ac::LoadScalarOp o) { ints[o->getResult(0)] = loadScalar(o); })
        .Case<ac::TileOp>([&](ac::TileOp o) {
          setValid(o.getResult(), o.getType(), o.getValidDims());
          chargeOn(PIPE_S, 0); // TASSIGN
        })
        .Case<ac::TileAliasOp>([&](ac::TileAliasOp o) {
          setValid(o.getResult(), cast<ac::TileType>(o.getResult().getType()), o.getValidDims());
          chargeOn(PIPE_S, 0);
        })
        .Case<ac::TReshapeOp>([&](auto) { chargeOn(PIPE_S, 0); })
        .Case<ac::TLoadOp>([&](ac::TLoadOp o) {
          Value dst = o.getDst();
          uint64_t bytes = tileBytes(dst, cast<ac::TileType>(dst.getType()).getElementType());
          chargeOn(PIPE_MTE2, cost::transfer_cycles(bytes, loc(dst) == ac::TileLocation::Mat
                                                               ? cost::kGmToL1GiBs
                                                               : cost::kGmToUbGiBs));
          gmBytes(bytes, /*write=*/false);
        })
        .Case<ac::TStoreOp>([&](ac::TStoreOp o) {
          Value src = o.getSrc();
          uint64_t bytes =
              tileBytes(src, cast<ac::GmViewType>(o.getDst().getType()).getElementType());
          if (loc(src) == ac::TileLocation::Acc)
            chargeOn(PIPE_FIX, cost::transfer_cycles(bytes, cost::kL0cToGmGiBs));
          else
            chargeOn(PIPE_MTE3, cost::transfer_cycles(bytes, cost::kUbToGmGiBs));
          gmBytes(bytes, /*write=*/true);
        })
        .Case<ac::TMovOp>([&](ac::TMovOp o) {
          Value dst = o.getDst(), src = o.getSrc();
          uint64_t bytes = tileBytes(dst, cast<ac::TileType>(dst.getType()).getElementType());
          ac::TileLocation s = loc(src), d = loc(dst);
          if (s == ac::TileLocation::Mat && d == ac::TileLocation::Left)
            chargeOn(PIPE_MTE1, cost::transfer_cycles(bytes, cost::kL1ToL0aGiBs));
          else if (s == ac::TileLocation::Mat)
            chargeOn(PIPE_MTE1, cost::transfer_cycles(bytes, cost::kL1ToL0bGiBs));
          else if (s == ac::TileLocation::Acc)
            chargeOn(PIPE_FIX, cost::transfer_cycles(bytes, cost::kL0cToL1GiBs));
          else
            chargeOn(PIPE_V, cost::transfer_cycles(bytes, cost::kUbToUbGiBs));
        })
        .Case<ac::TMatmulOp, ac::TMatmulAccOp>([&](auto o) {
          Value left, right;
          for (Value v : o->getOperands())
            if (auto t = dyn_cast<ac::TileType>(v.getType())) {
              if (t.getLocation() == ac::TileLocation::Left)
                left = v;
              if (t.getLocation() == ac::TileLocation::Right)
                right = v;
            }
          if (!left || !right)
            throw Unsupported{"a matmul without a left and a right tile"};
          auto [m, k] = validOf(left);
          int64_t n = validOf(right).second;
          chargeOn(PIPE_M, cost::mad_cycles(m, k, n, tileElemBytes(left)));
        })
        .Case<ac::TAddOp, ac::TSubOp, ac::TMaxOp>(
            [&](auto o) { vec(cost::VOP_BINARY, o.getDst()); })
        .Case<ac::TMulOp>([&](auto o) { vec(cost::VOP_MUL, o.getDst()); })
        .Case<ac::TMulSOp>([&](auto o) { vec(cost::VOP_MULS, o.getDst()); })
        .Case<ac::TAddSOp>([&](auto o) { vec(cost::VOP_ADDS, o.getDst()); })
        .Case<ac::TExpOp>([&](auto o) { vec(cost::VOP_EXP, o.getDst()); })
        .Case<ac::TRowMaxOp>([&](auto o) { vec(cost::VOP_ROWMAX, o.getSrc()); })
        .Case<ac::TRowSumOp>([&](auto o) { vec(cost::VOP_ROWSUM, o.getSrc()); })
        .Case<ac::TRowExpandSubOp, ac::TRowExpandMulOp, ac::TRowExpandDivOp>(
            [&](auto o) { vec(cost::VOP_ROWEXPAND, o.getDst()); })
        .Case<ac::TCvtOp>([&](ac::TCvtOp o) {
          Value d = o.getDst(), s = o.getSrc();
          chargeOn(PIPE_V, cost::vec_cycles(cost::VOP_MULS, tileElems(d),
                                            std::max(tileElemBytes(d), tileElemBytes(s))));
        })
        .Case<ac::TExpandSOp>([&](ac::TExpandSOp o) {
          Value d = o.getDst();
          if (loc(d) == ac::TileLocation::Vec)
            vec(cost::VOP_ADDS, d);
          else // the DMA engine fills L1 (MTE2), as TFILLPAD does
            chargeOn(PIPE_MTE2, cost::transfer_cycles(
                                    tileBytes(d, cast<ac::TileType>(d.getType()).getElementType()),
                                    cost::kGmToL1GiBs));
        })
        .Case<ac::TFillPadOp, ac::TFillPadInplaceOp>([&](auto o) {
          Value d = o.getDst(), s = o.getSrc();
          auto dt = cast<ac::TileType>(d.getType());
          if (dt.getLocation() == ac::TileLocation::Mat) {
            uint64_t padded =
                uint64_t(dt.getRows() - validOf(s).first) * dt.getCols() * tileElemBytes(d);
            chargeOn(PIPE_MTE2, cost::transfer_cycles(padded, cost::kGmToL1GiBs));
          } else {
            chargeOn(PIPE_V,
                     cost::transfer_cycles(tileBytes(d, dt.getElementType()), cost::kUbToUbGiBs));
          }
        })
        .Case<ac::SetFlagOp>([&](ac::SetFlagOp o) {
          setFlag(simPipe(o.getSrc()), simPipe(o.getDst()), int(o.getEvent()));
        })
        .Case<ac::WaitFlagOp>([&](ac::WaitFlagOp o) {
          waitFlag(simPipe(o.getSrc()), simPipe(o.getDst()), int(o.getEvent()));
        })
        .Case<ac::PipeBarrierOp>([&](ac::PipeBarrierOp o) { barrier(simPipe(o.getPipe())); })
        .Case<ac::PipeSyncOp>([&](auto) {
          // pipe_sync.h: the last store's pipe to the scalar pipe.
          int p = ctx->kind == pto::sim::CORE_AIC ? PIPE_FIX : PIPE_MTE3;
          setFlag(p, PIPE_S, 7);
          waitFlag(p, PIPE_S, 7);
        })
        .Case<ac::TensorPtrOp, ac::GmViewOp, func::ReturnOp>([](auto) {})
        .Default([&](Operation *other) {
          throw Unsupported{"kernel op " + other->getName().getStringRef().str()};
        });
  }
};

/// Builds the graph: interprets the orchestration and models each invocation.
class GraphBuilder : public ScalarInterpreter<GraphBuilder> {
public:
  GraphBuilder(ModuleOp module, ArrayRef<int64_t> lens, int64_t maxBlocks, bool countOnly)
      : countOnly(countOnly), module(module), lens(lens), maxBlocks(maxBlocks) {}

  /// Only count tasks and blocks (a cheap lower bound on dispatch), model nothing.
  bool countOnly;
  int64_t totalBlocks = 0;
  /// A modeled build stops (TooManyBlocks) past `blockLimit` blocks (negative:
  /// no limit) and (Pruned) as soon as the work built so far needs at least
  /// `pruneAboveUs` (0: never): the bound only grows with the graph, so
  /// stopping early decides as the whole graph would, without building it.
  int64_t blockLimit = -1;
  double pruneAboveUs = 0;
  ptosim::ModelParams params;

  /// What HBM, the cubes or the vector cores alone need for the work built so
  /// far (the timeline's own lower bounds, preamble included).
  double workBoundUs() const {
    const double us = 1e6 / params.clock_hz;
    return params.preamble_us +
           std::max({workBytes / (params.hbm_effective_tbs * 1e6),
                     laneCycles[0] * us / params.clusters,
                     (laneCycles[1] + laneCycles[2]) * us / (2.0 * params.clusters)});
  }

  void build() {
    func::FuncOp entry;
    module.walk([&](func::FuncOp f) {
      if (f->hasAttr(orch::OrchDialect::kEntryAttrName))
        entry = f;
    });
    if (!entry)
      throw Unsupported{"the module has no orchestration (orch.entry) function"};
    for (auto [name, id] : orch::getKernelIds(entry))
      kernelIds[name] = int(id);
    // The externals first: arg_dim reads their shapes.
    entry.walk([&](orch::ExternalOp ext) {
      auto type = cast<orch::ChipTensorType>(ext.getResult().getType());
      externalTypes[int64_t(ext.getArgIndex())] = type;
    });
    run(entry.getBody().front());
  }

  /// The graph, as the simulator's timeline takes it.
  ptosim::ModelGraph graph;
  std::map<int, std::string> kernelNames;
  int64_t invocations = 0, modeled = 0;
  /// False: every invocation and loop iteration is interpreted (the reference
  /// the memoised model is tested against).
  bool memoize = true;
  IterationMemo loops;

private:
  ModuleOp module;
  ArrayRef<int64_t> lens;
  int64_t maxBlocks;
  llvm::StringMap<int> kernelIds;
  std::map<int64_t, orch::ChipTensorType> externalTypes;
  DenseMap<Value, TensorVal> tensors;
  int64_t nextBuffer = 100;
  int64_t lensBuffer = -1, tableBuffer = -1;
  std::map<int64_t, uint32_t> creator; // buffer -> the alloc task that created it
  struct Writer {
    int64_t start, end;
    uint32_t task;
    bool dead;
  };
  std::map<int64_t, std::vector<Writer>> writers; // the runtime's TensorMap
  llvm::StringMap<func::FuncOp> funcs;
  double workBytes = 0, laneCycles[3] = {0, 0, 0};

  int64_t dimOf(int64_t arg, int64_t dim) {
    auto it = externalTypes.find(arg);
    if (it == externalTypes.end())
      return 1;
    auto type = it->second;
    int64_t batch = int64_t(lens.size());
    if (type.getRank() == 4 && dim == 0) // a KV cache: every sequence's blocks
      return batch * maxBlocks;
    if (type.getRank() == 2 && dim == 1) // the block table's width
      return maxBlocks;
    if (!type.isDynamicDim(dim))
      return type.getDimSize(dim);
    return batch;
  }

  static SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
    SmallVector<int64_t> strides(shape.size(), 1);
    for (int i = int(shape.size()) - 2; i >= 0; --i)
      strides[i] = strides[i + 1] * shape[i + 1];
    return strides;
  }

  TensorVal newTensor(int64_t buffer, orch::ChipTensorType type, ValueRange dynDims) {
    TensorVal t;
    t.buffer = buffer;
    unsigned d = 0;
    for (int64_t s : type.getShape())
      t.shape.push_back(ShapedType::isDynamic(s) ? (d < dynDims.size() ? get(dynDims[d++]) : 1)
                                                 : s);
    t.strides = rowMajorStrides(t.shape);
    int64_t n = 1;
    for (int64_t s : t.shape)
      n *= s;
    t.end = n;
    return t;
  }

  func::FuncOp kernel(StringRef name) {
    auto it = funcs.find(name);
    if (it != funcs.end())
      return it->second;
    auto f = module.lookupSymbol<func::FuncOp>(name);
    if (!f)
      throw Unsupported{"submit of an unknown kernel @" + name.str()};
    funcs[name] = f;
    return f;
  }

  /// What an invocation's cost can depend on (with the lane), found once per
  /// kernel: the memo key of a whole invocation.
  DenseMap<Operation *, CostPlan> plans;
  std::unordered_map<std::vector<int64_t>, Invocation, KeyHash> memo;
  std::vector<int64_t> key; // reused: a lookup allocates nothing
  KernelInputs current;     // what the key evaluator reads
  KernelInterpreter keys{current, &loops};

  const CostPlan &plan(func::FuncOp f) {
    auto [it, inserted] = plans.try_emplace(f.getOperation());
    if (!inserted)
      return it->second;
    Block &body = f.getBody().front();
    it->second = planCost(body);
    if (!it->second.memoizable) {
      // Reading lengths per tile (a grid-stride loop): keyed on its iterations' keys.
      CostPlan keyed = planCost(body, [&](scf::ForOp loop) -> const CostPlan * {
        const CostPlan &lp = loops.plan(loop);
        return lp.memoizable ? &lp : nullptr;
      });
      if (keyed.memoizable)
        it->second = std::move(keyed);
    }
    return it->second;
  }

  Invocation invoke(func::FuncOp f, bool aic, const KernelInputs &in) {
    ++invocations;
    if (!memoize) {
      ++modeled;
      return KernelInterpreter(f, aic, in).result();
    }
    const CostPlan &p = plan(f);
    if (!p.memoizable) {
      ++modeled;
      return KernelInterpreter(f, aic, in, &loops).result();
    }
    current = in;
    keys.evaluate(p.keyOps);
    key.assign({int64_t(reinterpret_cast<uintptr_t>(f.getOperation())), aic, in.subBlockId});
    for (Value v : p.frontier)
      key.push_back(keys.valueOf(v));
    key.insert(key.end(), keys.loopKeys.begin(), keys.loopKeys.end());
    auto it = memo.find(key);
    if (it != memo.end())
      return it->second;
    ++modeled;
    Invocation r = KernelInterpreter(f, aic, in, &loops).result();
    memo.emplace(key, r);
    return r;
  }

  ptosim::ModelTask &addTask(const int32_t kid[3], int64_t nblocks, bool alloc,
                             ArrayRef<uint32_t> deps) {
    ptosim::ModelTask &t = graph.tasks.emplace_back();
    std::copy(kid, kid + 3, t.kernel);
    t.block_num = int(nblocks);
    t.alloc_only = alloc;
    t.barrier = uint32_t(graph.barriers.size() - 1);
    t.fanin.assign(deps.begin(), deps.end());
    if (!countOnly)
      t.work.resize(size_t(nblocks) * 3);
    return t;
  }

  void submit(orch::SubmitOp op) {
    uint32_t task = uint32_t(graph.tasks.size());
    int64_t nblocks = op.getBlockNum()
                          ? get(op.getBlockNum())
                          : (op.getStaticBlockNum() ? int64_t(*op.getStaticBlockNum()) : 1);
    nblocks = std::max<int64_t>(nblocks, 1);
    totalBlocks += nblocks;
    if (!countOnly && blockLimit >= 0 && totalBlocks > blockLimit)
      throw TooManyBlocks{};
    if (countOnly) {
      int32_t none[3] = {-1, -1, -1};
      addTask(none, nblocks, false, {});
      return;
    }
    SmallVector<TensorVal> args;
    for (Value t : op.getTensors()) {
      auto it = tensors.find(t);
      if (it == tensors.end())
        throw Unsupported{"a submit argument the model cannot follow"};
      args.push_back(it->second);
    }
    auto dirs = op.getDirections();
    SmallVector<uint32_t> deps;
    for (auto [i, t] : llvm::enumerate(args)) {
      auto dir = cast<orch::ArgDirectionAttr>(dirs[i]).getValue();
      auto c = creator.find(t.buffer);
      if (c != creator.end())
        deps.push_back(c->second);
      if (dir == orch::ArgDirection::out)
        continue;
      for (Writer &w : writers[t.buffer]) {
        if (w.dead || w.end <= t.start || t.end <= w.start)
          continue;
        deps.push_back(w.task);
        if (dir == orch::ArgDirection::inout && t.start <= w.start && w.end <= t.end)
          w.dead = true;
      }
    }
    for (auto [i, t] : llvm::enumerate(args)) {
      auto dir = cast<orch::ArgDirectionAttr>(dirs[i]).getValue();
      if (dir != orch::ArgDirection::in)
        writers[t.buffer].push_back({t.start, t.end, task, false});
    }
    llvm::sort(deps);
    deps.erase(std::unique(deps.begin(), deps.end()), deps.end());

    SmallVector<int64_t> scalars;
    for (Value s : op.getScalars())
      scalars.push_back(isa<IntegerType, IndexType>(s.getType()) ? get(s) : 0);
    int32_t kid[3] = {-1, -1, -1};
    func::FuncOp lanes[3];
    std::optional<StringRef> syms[3] = {op.getAicKernel(), op.getAiv0Kernel(), op.getAiv1Kernel()};
    for (int l = 0; l < 3; ++l)
      if (syms[l]) {
        StringRef name = *syms[l];
        lanes[l] = kernel(name);
        auto id = kernelIds.find(name);
        kid[l] = id == kernelIds.end() ? 0 : id->second;
        kernelNames[kid[l]] = name.str();
      }
    ptosim::ModelTask &t = addTask(kid, nblocks, false, deps);

    KernelInputs in;
    in.tensors = args;
    in.scalars = scalars;
    in.blockNum = nblocks;
    in.lensBuffer = lensBuffer;
    in.tableBuffer = tableBuffer;
    in.lens = lens;
    for (int64_t b = 0; b < nblocks; ++b)
      for (int l = 0; l < 3; ++l) {
        if (!lanes[l])
          continue;
        in.blockIdx = b;
        in.subBlockId = l == 2 ? 1 : 0;
        Invocation w = invoke(lanes[l], l == 0, in);
        ptosim::LaneWork &lw = t.work[size_t(b) * 3 + size_t(l)];
        lw.cycles = w.cycles;
        std::copy(w.busy, w.busy + 8, lw.pipe_busy);
        lw.bytes = w.bytes;
        workBytes += w.bytes;
        laneCycles[l] += w.cycles;
      }
    if (pruneAboveUs > 0 && workBoundUs() >= pruneAboveUs)
      throw Pruned{workBoundUs()};
  }

  /// get_tensor_data: later submissions wait for the tensor's creator and writers.
  void barrierOn(Value tensor) {
    auto it = tensors.find(tensor);
    if (it == tensors.end())
      return;
    const TensorVal &t = it->second;
    SmallVector<uint32_t> seqs;
    auto c = creator.find(t.buffer);
    if (c != creator.end())
      seqs.push_back(c->second);
    for (Writer &w : writers[t.buffer])
      if (!w.dead && w.start < t.end && t.start < w.end)
        seqs.push_back(w.task);
    graph.barriers.emplace_back(seqs.begin(), seqs.end());
  }

  void alloc(orch::AllocOp op) {
    uint32_t task = uint32_t(graph.tasks.size());
    int32_t kid[3] = {-1, -1, -1};
    addTask(kid, 1, true, {});
    for (Value r : op->getResults()) {
      int64_t buffer = nextBuffer++;
      tensors[r] = newTensor(buffer, cast<orch::ChipTensorType>(r.getType()), {});
      creator[buffer] = task;
    }
  }

  void view(orch::ViewOp op) {
    auto it = tensors.find(op.getSource());
    if (it == tensors.end())
      throw Unsupported{"a view of a tensor the model cannot follow"};
    TensorVal t = it->second;
    TensorVal v;
    v.buffer = t.buffer;
    v.strides = t.strides;
    int64_t start = t.start;
    unsigned dynO = 0, dynS = 0;
    auto offsets = op.getOffsets();
    auto sizes = op.getSizes();
    for (auto [i, o] : llvm::enumerate(op.getStaticOffsets())) {
      int64_t off = ShapedType::isDynamic(o) ? get(offsets[dynO++]) : o;
      start += off * t.strides[i];
    }
    int64_t last = 0;
    for (auto [i, s] : llvm::enumerate(op.getStaticSizes())) {
      int64_t size = ShapedType::isDynamic(s) ? get(sizes[dynS++]) : s;
      v.shape.push_back(size);
      last += (size > 0 ? size - 1 : 0) * t.strides[i];
    }
    v.start = start;
    v.end = start + last + 1;
    for (int64_t s : v.shape)
      if (s == 0)
        v.end = start;
    tensors[op.getResult()] = v;
  }

  friend class ScalarInterpreter<GraphBuilder>;
  void stepOther(Operation *op) {
    llvm::TypeSwitch<Operation *>(op)
        .Case<orch::ExternalOp>([&](orch::ExternalOp o) {
          int64_t index = int64_t(o.getArgIndex());
          auto type = cast<orch::ChipTensorType>(o.getResult().getType());
          tensors[o.getResult()] = newTensor(index, type, o.getDynamicSizes());
          bool i32 = type.getElementType().isInteger(32);
          if (i32 && type.getRank() == 1)
            lensBuffer = index;
          if (i32 && type.getRank() == 2)
            tableBuffer = index;
        })
        .Case<orch::ArgDimOp>([&](orch::ArgDimOp o) {
          ints[o.getResult()] = dimOf(int64_t(o.getArgIndex()), int64_t(o.getDim()));
        })
        .Case<orch::ArgScalarOp>([&](orch::ArgScalarOp o) { ints[o.getResult()] = 0; })
        .Case<orch::ReadOp>([&](orch::ReadOp o) {
          auto it = tensors.find(o.getTensor());
          int64_t flat = 0;
          if (it != tensors.end()) {
            const TensorVal &t = it->second;
            flat = t.start;
            unsigned dyn = 0;
            auto indices = o.getIndices();
            for (auto [i, idx] : llvm::enumerate(o.getStaticIndices())) {
              int64_t v = ShapedType::isDynamic(idx) ? get(indices[dyn++]) : idx;
              flat += v * (i < t.strides.size() ? t.strides[i] : 1);
            }
            if (t.buffer == lensBuffer)
              ints[o.getResult()] = flat >= 0 && flat < int64_t(lens.size()) ? lens[flat] : 0;
            else
              ints[o.getResult()] = flat;
          } else {
            ints[o.getResult()] = 0;
          }
        })
        .Case<orch::ScopeOp>([&](orch::ScopeOp o) { run(o.getBody().front()); })
        .Case<orch::AllocOp>([&](orch::AllocOp o) { alloc(o); })
        .Case<orch::ViewOp>([&](orch::ViewOp o) { view(o); })
        .Case<orch::SubmitOp>([&](orch::SubmitOp o) { submit(o); })
        .Case<orch::WaitOp>([&](orch::WaitOp o) { barrierOn(o->getOperand(0)); })
        .Case<func::ReturnOp>([](auto) {})
        .Default([&](Operation *other) {
          throw Unsupported{"orchestration op " + other->getName().getStringRef().str()};
        });
  }
};

} // namespace

void ptoattnModelSchedule(MlirOperation module, const int64_t *contextLens, intptr_t batch,
                          int64_t maxBlocks, int64_t clusters, int64_t maxModeledBlocks,
                          double pruneAboveUs, bool memoize, MlirStringCallback callback,
                          void *userData) {
  mlir::detail::CallbackOstream stream(callback, userData);
  auto mod = dyn_cast<ModuleOp>(unwrap(module));
  ArrayRef<int64_t> lens(contextLens, size_t(batch));
  llvm::json::Object out;
  try {
    if (!mod)
      throw Unsupported{"not a builtin.module"};
    auto count = [&] {
      GraphBuilder counted(mod, lens, maxBlocks, /*countOnly=*/true);
      counted.build();
      out["tasks"] = int64_t(counted.graph.tasks.size());
      out["blocks"] = counted.totalBlocks;
    };
    // Counting (cheap) gives the dispatch lower bound.
    if (maxModeledBlocks < 0) {
      count();
      stream << llvm::json::Value(std::move(out));
      return;
    }
    ptosim::ModelParams params;
    if (clusters > 0)
      params.clusters = int(clusters);
    GraphBuilder g(mod, lens, maxBlocks, /*countOnly=*/false);
    g.blockLimit = maxModeledBlocks;
    g.pruneAboveUs = pruneAboveUs;
    g.params = params;
    g.memoize = memoize;
    // How much of the graph was interpreted, for a pruned candidate too.
    auto countsInto = [&g](llvm::json::Object &o) {
      o["invocations"] = g.invocations;
      o["modeled_invocations"] = g.modeled;
      o["tile_iterations"] = g.loops.iterations;
      o["replayed_iterations"] = g.loops.replayed;
    };
    try {
      g.build();
    } catch (const TooManyBlocks &) {
      count(); // too large to model: the counts only
      stream << llvm::json::Value(std::move(out));
      return;
    } catch (const Pruned &pruned) {
      // A candidate that cannot beat `pruneAboveUs` is not scheduled.
      out["pruned_us"] = pruned.boundUs;
      countsInto(out);
      stream << llvm::json::Value(std::move(out));
      return;
    }
    out["tasks"] = int64_t(g.graph.tasks.size());
    out["blocks"] = g.totalBlocks;
    ptosim::ModelResult r = ptosim::model_timeline(g.graph, params);
    out["makespan_us"] = r.makespan_us;
    out["hbm_bytes"] = r.hbm_bytes;
    out["bound"] = r.bound;
    out["lower_bounds_us"] =
        llvm::json::Object{{"orchestrator", r.orch_us}, {"scheduler", r.sched_us},
                           {"hbm", r.hbm_us},           {"cube", r.cube_us},
                           {"vector", r.vector_us},     {"critical_path", r.critical_path_us}};
    countsInto(out);
  } catch (const Unsupported &err) {
    out["error"] = err.message;
  } catch (const pto::sim::KernelAbort &) {
    out["error"] = "the kernel model aborted";
  }
  stream << llvm::json::Value(std::move(out));
}
