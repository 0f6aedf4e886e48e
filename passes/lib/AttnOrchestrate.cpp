//===- AttnOrchestrate.cpp - ring-buffer orchestration of paged attention ----===//
//
// Lowers each tiled paged-attention nest (found by structure, TiledAttention.h)
// whose stages name their kernels into an `orch` function for simpler's
// tensormap_and_ringbuffer runtime. The nest is converted, not rebuilt:
//  * the tensors it reads become `orch.external`s at the target's argument
//    positions;
//  * the parallel loop becomes the SPMD launches' tiles (its trip count) or,
//    per tile, host loops over its dimensions;
//  * the KV loop becomes the host loop of KV steps, one scope per step;
//  * stage results another stage consumes become buffers allocated in that
//    scope, the KV loop's iter_args the running state of an enclosing scope,
//    each sized from its tensor type;
//  * each stage op becomes one submission of its kernel, the arguments in the
//    order of the kernel's `#aicore.kernel`, bound by role;
//  * index arithmetic, reads of the paging tensors and the slices per tile
//    are cloned onto the host (through an IRMapping), each hoisted out of the
//    host loops and scopes it does not depend on.
// An SPMD launch runs min(tiles, clusters) blocks (spmd-blocks=clusters; the
// kernels loop over their tiles) or one block per tile (spmd-blocks=tiles).
// Split-KV (attn-tile kv-splits): the part loop is one more parallel
// dimension of the chains (SPMD blocks tiles x parts, or a host loop over the
// parts of a tile on views of their states), and attn.merge_partials one more
// submission after the KV steps, over the tiles.
// It also accounts the ring needs of every scope and checks them against the
// runtime's limits.
//
// Hazard discipline: the runtime tracks read-after-write and (for inout)
// write-after-write, never write-after-read. Every task here writes only fresh
// allocations of the current step or the running state it takes `inout`, and
// each step's intermediates live in that step's scope, so no buffer is
// rewritten while a reader may still be pending.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Transforms/Passes.h"

#include "ptoattn/Dialect/Attn/IR/Attn.h"
#include "ptoattn/Dialect/Orch/IR/Orch.h"
#include "ptoattn/Target/A2A3.h"
#include "ptoattn/Transforms/IndexBuilder.h"
#include "ptoattn/Transforms/KernelABI.h"
#include "ptoattn/Transforms/TiledAttention.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::ptoattn {
#define GEN_PASS_DEF_ATTNORCHESTRATE
#include "ptoattn/Transforms/Passes.h.inc"
} // namespace mlir::ptoattn

using namespace mlir;
using namespace mlir::ptoattn;
namespace tgt = mlir::ptoattn::target;

/// Orchestration argument positions fixed by the target (DESIGN.md section 4).
enum OrchArg : int64_t { kQuery, kKeyCache, kValueCache, kBlockTable, kContextLens, kOut };
static constexpr int64_t kNumTensorArgs = 6;
static constexpr int64_t kNumScalarArgs = 1;

namespace {

/// Runtime limits of one ring.
struct RingLimits {
  int64_t taskWindow;
  int64_t heapBytes;
  int64_t depPool;
};

/// Fanin of one task in the worst case (no producer finished when it is wired):
/// `edges` is what simpler's ensure_space asks of the dependency pool (one per
/// distinct producer still alive), `entries` what wiring takes (producers that
/// are tasks; alloc tasks are complete at once). `*First`: the first iteration
/// of the scope's loop, which has no earlier iteration's writer to wait for.
struct TaskFanin {
  int64_t edges = 0, entries = 0, edgesFirst = 0, entriesFirst = 0;
};

/// What one scope asks of its ring.
struct RingUsage {
  int64_t slots = 0;
  int64_t heapBytes = 0;
  int64_t depEntries = 0;
  SmallVector<TaskFanin> tasks; // in submission order, alloc tasks included
};

/// A runtime buffer for one tensor of the nest: per block (SPMD) or tile,
/// [rows, cols] (cols 0: a vector of rows entries).
struct BufferSpec {
  abi::TensorRole role;
  int64_t rows;
  int64_t cols;
  Type element;
};

/// What the orchestration needs to know of one stage op: its stage (for a
/// kernel without an argument list: the stage's ABI signature) and the roles
/// of its tensor operands and results, which bind them to kernel arguments.
/// A new stage op is one entry here.
struct StageOpRoles {
  TypeID op;
  abi::Stage stage;
  SmallVector<abi::TensorRole> operands;
  SmallVector<abi::TensorRole> results;
};

} // namespace

static ArrayRef<StageOpRoles> getStageOpRoles() {
  using R = abi::TensorRole;
  using S = abi::Stage;
  static const StageOpRoles table[] = {
      {TypeID::get<attn::QKMatmulOp>(), S::QKMatmul, {R::Query, R::KeyCache}, {R::Scores}},
      {TypeID::get<attn::SoftmaxPrepareOp>(),
       S::SoftmaxPrepare,
       {R::Scores},
       {R::Probs, R::BlockMax, R::BlockSum}},
      {TypeID::get<attn::PVMatmulOp>(), S::PVMatmul, {R::Probs, R::ValueCache}, {R::BlockOut}},
      {TypeID::get<attn::OnlineUpdateOp>(),
       S::OnlineUpdate,
       {R::BlockMax, R::BlockSum, R::BlockOut, R::AccMax, R::AccSum, R::AccOut},
       {R::AccMax, R::AccSum, R::AccOut}},
      {TypeID::get<attn::MergePartialsOp>(),
       S::MergePartials,
       {R::AccMax, R::AccSum, R::AccOut},
       {R::Out}},
  };
  return table;
}

static const StageOpRoles *lookupStageOp(Operation *op) {
  for (const StageOpRoles &entry : getStageOpRoles())
    if (entry.op == op->getName().getTypeID())
      return &entry;
  return nullptr;
}

/// The nest value a kernel scalar is taken from.
static Value getScalarSource(TiledAttention ta, abi::ScalarRole role) {
  auto softmax = cast<attn::SoftmaxPrepareOp>(ta.getStage(abi::Stage::SoftmaxPrepare));
  switch (role) {
  case abi::ScalarRole::KvStep:
    return ta.kvLoop.getInductionVar();
  case abi::ScalarRole::NumSteps:
    return ta.kvLoop.getUpperBound();
  case abi::ScalarRole::ValidCols:
    return softmax.getValidCols();
  case abi::ScalarRole::Scale:
    return softmax.getScale();
  }
  llvm_unreachable("unknown scalar role");
}

/// The buffer one block's or tile's `type` takes: a matrix as it is, a vector
/// of per-row scalars one lane slot per AIV lane (the lanes write them apart).
static FailureOr<BufferSpec> getBufferSpec(Operation *op, abi::TensorRole role, Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape() || tensor.getRank() < 1 || tensor.getRank() > 2)
    return op->emitOpError() << "attn-orchestrate expects a static rank-1 or rank-2 tensor for '"
                             << abi::getTensorRoleName(role) << "', got " << type;
  if (tensor.getRank() == 1)
    return BufferSpec{role, tgt::kVectorLanes * abi::getLaneSlotFloats(tensor.getDimSize(0)), 0,
                      tensor.getElementType()};
  return BufferSpec{role, tensor.getDimSize(0), tensor.getDimSize(1), tensor.getElementType()};
}

/// The kernel each stage names, indexed by abi::Stage (the split-KV merge's
/// last, null without a split); an error if a stage has none.
static FailureOr<std::array<FlatSymbolRefAttr, 5>> getStageKernels(const TiledAttention &ta) {
  std::array<FlatSymbolRefAttr, 5> kernels;
  SmallVector<std::pair<abi::Stage, Operation *>> ops;
  for (abi::Stage stage : abi::getStages())
    ops.push_back({stage, ta.getStage(stage)});
  if (ta.merge)
    ops.push_back({abi::Stage::MergePartials, ta.merge});
  for (auto [stage, op] : ops) {
    auto kernel = op->getAttrOfType<FlatSymbolRefAttr>("kernel");
    if (!kernel)
      return op->emitOpError() << "has no kernel: run attn-assign-cores before attn-orchestrate";
    kernels[static_cast<int>(stage)] = kernel;
  }
  return kernels;
}

/// The strategy the kernels were built for (recorded once, by
/// attn-assign-cores, in each `#aicore.kernel`); an error if a kernel has no
/// contract or two kernels disagree.
static FailureOr<abi::Strategy> getKernelStrategy(const TiledAttention &ta,
                                                  ArrayRef<FlatSymbolRefAttr> kernels) {
  func::FuncOp func = ta.func;
  std::optional<abi::Strategy> strategy;
  for (FlatSymbolRefAttr kernel : kernels) {
    if (!kernel)
      continue;
    auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(func, kernel);
    if (!callee)
      return func.emitError() << "kernel " << kernel << " does not name a func.func";
    aicore::KernelAttr contract = aicore::getKernelAttr(callee);
    if (!contract)
      return func.emitError() << "kernel " << kernel
                              << " has no #aicore.kernel contract: run attn-assign-cores";
    if (strategy && *strategy != contract.getStrategy())
      return func.emitError() << "kernel " << kernel << " was built for strategy '"
                              << abi::getStrategyName(contract.getStrategy())
                              << "' but the other kernels for '" << abi::getStrategyName(*strategy)
                              << "'";
    strategy = contract.getStrategy();
  }
  return *strategy;
}

/// The allocation a tensor (or a view of one) lives in, if any.
static orch::AllocOp getAllocOf(Value tensor) {
  while (auto view = tensor.getDefiningOp<orch::ViewOp>())
    tensor = view.getSource();
  return tensor.getDefiningOp<orch::AllocOp>();
}

namespace {

/// Lowers one nest into the body of an orchestration function and accounts
/// the ring needs of its scopes.
class OrchestrationBuilder {
public:
  OrchestrationBuilder(OpBuilder &b, Location loc, const TiledAttention &ta, abi::Strategy strategy,
                       int64_t accountedBatch, int64_t ringHeapBytes, int64_t maxLaunchBlocks)
      : b(b), ib{b, loc}, loc(loc), ta(ta), strategy(strategy), accountedBatch(accountedBatch),
        ringHeapBytes(ringHeapBytes), maxLaunchBlocks(maxLaunchBlocks) {}

  /// Emits the body into the current insertion block; an error (reported) if
  /// something of the nest has no host equivalent.
  LogicalResult build();

  /// Scopes built, with their needs, in creation order.
  SmallVector<std::pair<orch::ScopeOp, RingUsage>> scopes;
  /// The KV-step scopes (one instance per step of a tile) and the number of
  /// tiles run one after another on their ring (0: unbounded).
  SmallPtrSet<Operation *, 2> stepScopes;
  int64_t tilesInSequence = 1;

private:
  orch::ChipTensorType tensorType(ArrayRef<int64_t> shape, Type element) {
    return orch::ChipTensorType::get(b.getContext(), shape, element);
  }
  /// `orch.external` for orchestration argument `index`, typed like `type`.
  Value external(int64_t index, RankedTensorType type);
  /// Finds the stage ops, the buffers they need and the parallel loop's trip
  /// counts.
  LogicalResult analyze();
  /// Opens a scope; later allocations and submissions count against it.
  orch::ScopeOp openScope();
  void closeScope(orch::ScopeOp scope);
  /// Allocates `specs` for `tiles` tiles (a constant or an index value) in one
  /// `orch.alloc`, binds them by role.
  void allocate(ArrayRef<BufferSpec> specs, OpFoldResult tiles);
  /// The contract of `op`'s kernel; a kernel without an argument list (a
  /// hand-written stub) takes its stage's ABI arguments.
  aicore::KernelAttr getContract(Operation *op);
  /// Clones onto the host, in the nest's program order, the tiles and scalars
  /// the kernels of `stages` take, so that the host computes them in the order
  /// the nest does.
  void prepare(ArrayRef<Operation *> stages);
  /// Submits the kernel of stage op `op` with `blocks` blocks.
  LogicalResult submit(Operation *op, OpFoldResult blocks);
  /// The host value of kernel scalar `role`, as `type` (null if it depends on
  /// something the host does not run).
  Value materializeScalar(abi::ScalarRole role, Type type);
  /// Per tile: the host view of the tile the kernels take as `role` (null if
  /// the nest has no such tile or the host cannot compute it).
  Value materializeTile(abi::TensorRole role);
  /// Per tile with several blocks per KV step: the step's block-table entries
  /// (a [1, blocks] view) and a cache's blocks of the tile's KV head, from
  /// the loop gathering the step's blocks.
  Value materializeStepTable();
  Value materializeHeadCache(scf::ForOp gather, unsigned result);
  /// The host tensor bound to `role`.
  FailureOr<Value> lookupTensor(Operation *op, FlatSymbolRefAttr kernel, abi::TensorRole role);

  /// The host value of nest value `v`: cloned (with what it is computed from)
  /// at the insertion point, hoisted out of every host loop and scope it does
  /// not depend on; null if it depends on something the host does not run.
  Value materialize(Value v);
  /// Where an op with host operands `operands` goes.
  OpBuilder::InsertPoint getHoistPoint(ValueRange operands, bool loopsOnly = false);
  /// A view of host tensor `source` at nest offsets and sizes.
  Value materializeView(Value source, ArrayRef<OpFoldResult> offsets, ArrayRef<OpFoldResult> sizes);
  /// The largest value of the nest's `v` over the parallel loop's iterations
  /// it depends on, at least `floor` (a host reduction loop per dimension).
  Value materializeMax(Value v, int64_t floor);

  /// A counted loop whose body `body` gets the induction variable.
  void forLoop(Value upper, function_ref<void(Value)> body);

  /// SPMD tiles of the dimensions `trips`: their product.
  FailureOr<OpFoldResult> blockCount(ArrayRef<OpFoldResult> trips);
  /// Blocks of the SPMD launches of `stages` over `tiles` tiles: at most
  /// maxLaunchBlocks (the kernels loop over their tiles); an error if a
  /// stage's task cannot take that many.
  FailureOr<OpFoldResult> launchBlocks(OpFoldResult tiles, ArrayRef<Operation *> stages);
  /// Split-KV, per tile: points the running state at part `part` of the
  /// tile's parts (`parts`: the whole buffers, in accumulatorSpecs order).
  void selectPart(ArrayRef<Value> parts, Value part);

  LogicalResult buildSpmd();
  LogicalResult buildPerTile();

  /// Ring-heap bytes of `specs` for `tiles` tiles (each buffer 1 KiB aligned).
  int64_t heapBytes(ArrayRef<BufferSpec> specs, int64_t tiles) const;
  /// Whether `steps` KV steps of `blocks` blocks each allocate more than one
  /// ring heap holds (an i1 computed at run time: both may be dynamic).
  Value exceedsRingHeap(Value steps, OpFoldResult blocks);

  OpBuilder &b;
  IndexBuilder ib;
  Location loc;
  TiledAttention ta;
  abi::Strategy strategy;
  /// Batch used to size rings when the batch is dynamic.
  int64_t accountedBatch;
  /// Heap of one ring, for bounding how far the orchestration runs ahead.
  int64_t ringHeapBytes;
  /// Most blocks of one SPMD launch (the target's clusters; 0: one per tile).
  int64_t maxLaunchBlocks;

  /// Nest values to host values, and index host values as i64 scalars.
  IRMapping mapping;
  DenseMap<Value, Value> i64Values;
  /// Target argument position of each tensor the nest reads.
  DenseMap<Value, int64_t> entryPositions;
  /// The stage ops of the KV step, in program order.
  SmallVector<Operation *> stepStages;
  /// Buffers of one KV step (stage results another stage reads) and of the
  /// running state (the KV loop's iter_args), in order.
  SmallVector<BufferSpec> stepSpecs, accumulatorSpecs;
  /// Stage ops whose results the KV loop carries to its next step.
  SmallPtrSet<Operation *, 2> carriedStages;
  /// The parallel loop's trip counts and induction variables, then (split-KV)
  /// the part loop's: the chains' dimensions. The first `tileDims` are the
  /// tiles'.
  SmallVector<OpFoldResult> tripCounts;
  SmallVector<Value> parallelIvs;
  size_t tileDims = 0;
  /// Host tensors by role: allocated buffers and whole external tensors; per
  /// tile, the nest values whose views the kernels take instead.
  DenseMap<abi::TensorRole, Value> tensors;
  DenseMap<abi::TensorRole, Value> tileValues;
  /// The tile of the result the parallel loop writes (per tile: the view).
  tensor::ParallelInsertSliceOp resultTile;
  /// The loop gathering a multi-block step's key and value blocks (null for
  /// one block per step).
  scf::ForOp stepGather;
  Value stepTable;
  Value outTile;

  /// The submit that last wrote a tensor in the innermost open scope, and the
  /// tasks there that read a tensor before any write (an earlier iteration's
  /// writer, if the scope writes it).
  DenseMap<Value, Operation *> lastWriter;
  SmallVector<std::pair<size_t, SmallVector<Value>>> carriedReads;
  SmallVector<RingUsage *> openScopes;
  SmallVector<orch::ScopeOp> openScopeOps;
  SmallVector<std::unique_ptr<RingUsage>> usages;
};

} // namespace

Value OrchestrationBuilder::external(int64_t index, RankedTensorType type) {
  SmallVector<Value> dynamicSizes;
  for (int64_t dim = 0; dim < type.getRank(); ++dim)
    if (type.isDynamicDim(dim))
      dynamicSizes.push_back(orch::ArgDimOp::create(
          b, loc, b.getIndexType(), static_cast<uint64_t>(index), static_cast<uint64_t>(dim)));
  return orch::ExternalOp::create(b, loc, tensorType(type.getShape(), type.getElementType()),
                                  static_cast<uint64_t>(index), dynamicSizes);
}

LogicalResult OrchestrationBuilder::analyze() {
  // The parallel loop (and the split-KV part loop inside it): their trip counts
  // are the block count or the host loops.
  for (scf::ForallOp loop : {ta.forall, ta.splitLoop}) {
    if (!loop)
      continue;
    for (auto [lower, upper, step, iv] :
         llvm::zip(loop.getMixedLowerBound(), loop.getMixedUpperBound(), loop.getMixedStep(),
                   loop.getInductionVars())) {
      if (!isConstantIntValue(lower, 0) || !isConstantIntValue(step, 1))
        return loop.emitOpError()
               << "attn-orchestrate expects a normalized parallel loop (lower bound 0, step 1)";
      tripCounts.push_back(upper);
      parallelIvs.push_back(iv);
    }
    if (loop == ta.forall)
      tileDims = tripCounts.size();
  }

  // The stage ops of a KV step and the roles of what flows between them.
  DenseMap<Value, abi::TensorRole> resultRoles;
  for (Operation &op : ta.kvLoop.getBody()->without_terminator()) {
    const StageOpRoles *entry = lookupStageOp(&op);
    if (!entry)
      continue;
    stepStages.push_back(&op);
    for (auto [result, role] : llvm::zip_equal(op.getResults(), entry->results))
      resultRoles[result] = role;
    auto tensorOperands = llvm::make_filter_range(
        op.getOperands(), [](Value v) { return isa<RankedTensorType>(v.getType()); });
    for (auto [operand, role] : llvm::zip_equal(tensorOperands, entry->operands)) {
      auto it = resultRoles.find(operand);
      if (it != resultRoles.end() && it->second != role)
        return op.emitOpError() << "attn-orchestrate expects its '" << abi::getTensorRoleName(role)
                                << "' from a stage, got the '" << abi::getTensorRoleName(it->second)
                                << "' of " << operand.getDefiningOp()->getName();
      if (it == resultRoles.end() && !ta.kvLoop.getRegionIterArgs().empty() &&
          llvm::is_contained(ta.kvLoop.getRegionIterArgs(), operand))
        continue; // the running state, bound below
      if (it == resultRoles.end())
        tileValues[role] = operand; // an input tile
      if (auto gather = operand.getDefiningOp<scf::ForOp>();
          gather && role == abi::TensorRole::KeyCache)
        stepGather = gather;
    }
  }

  // Stage results another stage reads: this step's buffers.
  for (Operation *op : stepStages)
    for (OpResult result : op->getResults()) {
      bool read = llvm::any_of(result.getUsers(),
                               [](Operation *user) { return lookupStageOp(user) != nullptr; });
      if (!read)
        continue;
      FailureOr<BufferSpec> spec = getBufferSpec(op, resultRoles[result], result.getType());
      if (failed(spec))
        return failure();
      stepSpecs.push_back(*spec);
    }

  // The KV loop's iter_args: the running state, written by the stage whose
  // results are yielded.
  auto yield = cast<scf::YieldOp>(ta.kvLoop.getBody()->getTerminator());
  for (auto [iterArg, yielded] : llvm::zip(ta.kvLoop.getRegionIterArgs(), yield.getOperands())) {
    auto it = resultRoles.find(yielded);
    if (it == resultRoles.end())
      return ta.kvLoop.emitOpError()
             << "attn-orchestrate expects every value the KV loop carries to be a stage result";
    carriedStages.insert(yielded.getDefiningOp());
    FailureOr<BufferSpec> spec = getBufferSpec(ta.kvLoop, it->second, iterArg.getType());
    if (failed(spec))
      return failure();
    accumulatorSpecs.push_back(*spec);
  }

  // The tile of the result: the parallel loop's insert of the KV loop's result.
  for (Operation &op : ta.forall.getTerminator().getYieldingOps())
    if (auto insert = dyn_cast<tensor::ParallelInsertSliceOp>(op))
      resultTile = insert;
  if (!resultTile || !llvm::hasSingleElement(ta.forall.getTerminator().getYieldingOps()))
    return ta.forall.emitOpError()
           << "attn-orchestrate expects the parallel loop to insert one tile of its result";
  return success();
}

orch::ScopeOp OrchestrationBuilder::openScope() {
  auto scope = orch::ScopeOp::create(b, loc);
  b.setInsertionPointToStart(&scope.getBody().front());
  usages.push_back(std::make_unique<RingUsage>());
  openScopes.push_back(usages.back().get());
  openScopeOps.push_back(scope);
  lastWriter.clear();
  carriedReads.clear();
  scopes.push_back({scope, {}});
  return scope;
}

void OrchestrationBuilder::closeScope(orch::ScopeOp scope) {
  // A read before any write of a tensor this scope writes waits on the previous
  // iteration's writer (a modifier edge, a task: one pool entry).
  for (auto &[index, values] : carriedReads) {
    SmallPtrSet<Operation *, 4> previous;
    for (Value v : values)
      if (Operation *w = lastWriter.lookup(v))
        previous.insert(w);
    openScopes.back()->tasks[index].edges += previous.size();
    openScopes.back()->tasks[index].entries += previous.size();
  }
  lastWriter.clear();
  carriedReads.clear();
  openScopeOps.pop_back();
  RingUsage usage = *openScopes.pop_back_val();
  for (auto &[op, recorded] : scopes)
    if (op == scope)
      recorded = usage;
  scope.setRingAttr(
      orch::RingAttr::get(b.getContext(), usage.slots, usage.heapBytes, usage.depEntries));
  b.setInsertionPointAfter(scope);
}

void OrchestrationBuilder::allocate(ArrayRef<BufferSpec> specs, OpFoldResult tiles) {
  std::optional<int64_t> staticTiles = getConstantIntValue(tiles);
  int64_t accountedTiles = 1;
  for (OpFoldResult trips : tripCounts)
    accountedTiles *= getConstantIntValue(trips).value_or(accountedBatch);
  if (staticTiles)
    accountedTiles = *staticTiles;
  SmallVector<Type> types;
  SmallVector<Value> dynamicSizes;
  RingUsage &usage = *openScopes.back();
  usage.slots += 1; // alloc_tensors is a task of its own
  usage.tasks.push_back({});
  for (const BufferSpec &spec : specs) {
    int64_t rows = staticTiles ? *staticTiles * spec.rows : ShapedType::kDynamic;
    if (!staticTiles)
      dynamicSizes.push_back(
          ib.mul(getValueOrCreateConstantIndexOp(b, loc, tiles), ib.constant(spec.rows)));
    SmallVector<int64_t> shape = {rows};
    if (spec.cols)
      shape.push_back(spec.cols);
    types.push_back(tensorType(shape, spec.element));
  }
  usage.heapBytes += heapBytes(specs, accountedTiles);
  auto alloc = orch::AllocOp::create(b, loc, TypeRange(types), ValueRange(dynamicSizes),
                                     /*manual_dep=*/false);
  for (auto [spec, result] : llvm::zip(specs, alloc.getResults()))
    tensors[spec.role] = result;
}

Value OrchestrationBuilder::materializeScalar(abi::ScalarRole role, Type type) {
  Value scalar = materialize(getScalarSource(ta, role));
  if (!scalar || !scalar.getType().isIndex() || !type.isInteger(64))
    return scalar;
  Value &cast = i64Values[scalar];
  if (!cast) {
    // A loop-invariant scalar leaves its loop; otherwise it stays with the
    // submissions of its scope.
    OpBuilder::InsertionGuard guard(b);
    b.restoreInsertionPoint(getHoistPoint(scalar, /*loopsOnly=*/true));
    cast = ib.toI64(scalar);
  }
  return cast;
}

/// The `tensor.extract_slice` of one cache block that `gather` inserts into
/// its result `result`, and the `tensor.extract` of its block id.
static std::pair<tensor::ExtractSliceOp, tensor::ExtractOp> getGatheredBlock(scf::ForOp gather,
                                                                             unsigned result) {
  Value yielded = gather.getBody()->getTerminator()->getOperand(result);
  auto insert = yielded.getDefiningOp<tensor::InsertSliceOp>();
  auto slice = insert ? insert.getSource().getDefiningOp<tensor::ExtractSliceOp>()
                      : tensor::ExtractSliceOp();
  tensor::ExtractOp entry;
  if (slice)
    if (auto block = dyn_cast<Value>(slice.getMixedOffsets()[0]))
      if (auto cast = block.getDefiningOp<arith::IndexCastOp>())
        entry = cast.getIn().getDefiningOp<tensor::ExtractOp>();
  return {slice, entry};
}

Value OrchestrationBuilder::materializeHeadCache(scf::ForOp gather, unsigned result) {
  auto [slice, entry] = getGatheredBlock(gather, result);
  if (!slice)
    return {};
  Value cache = materialize(slice.getSource());
  auto position = entryPositions.find(slice.getSource());
  if (!cache || position == entryPositions.end())
    return {};
  // Every block of the KV head the slice takes: the kernel indexes them by id.
  SmallVector<OpFoldResult> offsets = slice.getMixedOffsets(), sizes = slice.getMixedSizes();
  offsets[0] = b.getIndexAttr(0);
  auto type = cast<orch::ChipTensorType>(cache.getType());
  if (type.isDynamicDim(0)) {
    OpBuilder::InsertionGuard guard(b);
    b.restoreInsertionPoint(getHoistPoint({}));
    sizes[0] = orch::ArgDimOp::create(b, loc, b.getIndexType(),
                                      static_cast<uint64_t>(position->second), uint64_t(0))
                   .getResult();
    mapping.map(cast<Value>(sizes[0]), cast<Value>(sizes[0]));
  } else {
    sizes[0] = b.getIndexAttr(type.getDimSize(0));
  }
  return materializeView(cache, offsets, sizes);
}

Value OrchestrationBuilder::materializeStepTable() {
  // Built once: the step's matmul submissions share it.
  if (stepTable)
    return stepTable;
  auto [slice, entry] = getGatheredBlock(stepGather, 0);
  if (!entry || entry.getIndices().size() != 2)
    return {};
  // Entry [b, first + i] for i < count: the view [b, first] of 1 x count entries.
  auto index = entry.getIndices()[1].getDefiningOp<arith::AddIOp>();
  Value iv = stepGather.getInductionVar();
  if (!index || (index.getLhs() != iv && index.getRhs() != iv))
    return {};
  Value first = index.getLhs() == iv ? index.getRhs() : index.getLhs();
  Value table = materialize(entry.getTensor());
  if (!table)
    return {};
  stepTable = materializeView(table, {entry.getIndices()[0], first},
                              {b.getIndexAttr(1), stepGather.getUpperBound()});
  return stepTable;
}

Value OrchestrationBuilder::materializeTile(abi::TensorRole role) {
  if (stepGather && role == abi::TensorRole::BlockTable)
    return materializeStepTable();
  if (role != abi::TensorRole::Out) {
    Value tile = tileValues.lookup(role);
    return tile ? materialize(tile) : Value();
  }
  // The output tile: where the parallel loop inserts its result.
  if (!outTile) {
    Value dest = materialize(resultTile.getDest());
    if (dest)
      outTile = materializeView(dest, resultTile.getMixedOffsets(), resultTile.getMixedSizes());
  }
  return outTile;
}

FailureOr<Value> OrchestrationBuilder::lookupTensor(Operation *op, FlatSymbolRefAttr kernel,
                                                    abi::TensorRole role) {
  // Per tile the kernels take the nest's tiles of the inputs and the output
  // (paging by views); under SPMD the whole tensors.
  if (strategy == abi::Strategy::PerTile &&
      (tileValues.count(role) || role == abi::TensorRole::Out ||
       (stepGather && role == abi::TensorRole::BlockTable))) {
    {
      Value host = materializeTile(role);
      if (!host)
        return op->emitOpError() << "attn-orchestrate cannot compute the '"
                                 << abi::getTensorRoleName(role) << "' tile of kernel " << kernel
                                 << " on the host";
      return host;
    }
  }
  if (Value host = tensors.lookup(role))
    return host;
  return op->emitOpError() << "kernel " << kernel << " takes '" << abi::getTensorRoleName(role)
                           << "', which the nest does not provide";
}

aicore::KernelAttr OrchestrationBuilder::getContract(Operation *op) {
  auto kernel = op->getAttrOfType<FlatSymbolRefAttr>("kernel");
  auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(ta.func, kernel);
  aicore::KernelAttr contract = aicore::getKernelAttr(callee);
  if (contract.getArgs())
    return contract;
  return abi::getKernelAttr(b.getContext(),
                            abi::getKernelSignature(lookupStageOp(op)->stage, strategy,
                                                    /*splitKv=*/bool(ta.merge)),
                            strategy, ta.element);
}

void OrchestrationBuilder::prepare(ArrayRef<Operation *> stages) {
  SmallVector<Value> needed;
  SmallVector<std::pair<Value, std::pair<abi::ScalarRole, Type>>> scalars;
  bool outTileNeeded = false;
  for (Operation *op : stages)
    for (aicore::KernelArgAttr arg : getContract(op).getArguments()) {
      if (!arg.isTensor()) {
        if (std::optional<abi::ScalarRole> role = abi::parseScalarRole(arg.getRole()))
          scalars.push_back({getScalarSource(ta, *role), {*role, arg.getType()}});
      } else if (std::optional<abi::TensorRole> role = abi::parseTensorRole(arg.getRole())) {
        if (strategy == abi::Strategy::PerTile && tileValues.count(*role))
          needed.push_back(tileValues.lookup(*role));
        else if (strategy == abi::Strategy::PerTile && *role == abi::TensorRole::Out)
          outTileNeeded = true;
      }
    }
  DenseMap<Operation *, int64_t> order;
  ta.forall->walk<WalkOrder::PreOrder>([&](Operation *op) { order[op] = order.size(); });
  auto position = [&](Value v) {
    Operation *def = v.getDefiningOp();
    return def ? order.lookup(def) : -1;
  };
  for (auto &[source, scalar] : scalars)
    needed.push_back(source);
  llvm::stable_sort(needed, [&](Value x, Value y) { return position(x) < position(y); });
  // Failures are reported by submit.
  for (Value v : needed) {
    (void)materialize(v);
    for (auto &[source, scalar] : scalars)
      if (source == v)
        (void)materializeScalar(scalar.first, scalar.second);
  }
  if (outTileNeeded)
    (void)materializeTile(abi::TensorRole::Out);
}

LogicalResult OrchestrationBuilder::submit(Operation *op, OpFoldResult blocks) {
  auto kernel = op->getAttrOfType<FlatSymbolRefAttr>("kernel");
  aicore::KernelAttr contract = getContract(op);

  SmallVector<Value> args;
  SmallVector<Attribute> directions;
  SmallVector<Value> scalarArgs;
  for (aicore::KernelArgAttr arg : contract.getArguments()) {
    if (arg.isTensor()) {
      std::optional<abi::TensorRole> role = abi::parseTensorRole(arg.getRole());
      FailureOr<Value> tensor =
          role ? lookupTensor(op, kernel, *role)
               : FailureOr<Value>(op->emitOpError() << "kernel " << kernel << " takes unknown "
                                                    << "tensor '" << arg.getRole() << "'");
      if (failed(tensor))
        return failure();
      args.push_back(*tensor);
      orch::ArgDirection dir = arg.getKind() == aicore::ArgKind::In    ? orch::ArgDirection::in
                               : arg.getKind() == aicore::ArgKind::Out ? orch::ArgDirection::out
                                                                       : orch::ArgDirection::inout;
      directions.push_back(orch::ArgDirectionAttr::get(b.getContext(), dir));
      continue;
    }
    std::optional<abi::ScalarRole> role = abi::parseScalarRole(arg.getRole());
    if (!role)
      return op->emitOpError() << "kernel " << kernel << " takes unknown scalar '" << arg.getRole()
                               << "'";
    Value scalar = materializeScalar(*role, arg.getType());
    if (!scalar)
      return op->emitOpError() << "kernel " << kernel << " takes '" << arg.getRole()
                               << "', which depends on the parallel loop's index and cannot "
                                  "be passed to a "
                               << abi::getStrategyName(strategy) << " task";
    scalarArgs.push_back(scalar);
  }

  Value dynamicBlocks;
  IntegerAttr staticBlocks;
  if (std::optional<int64_t> n = getConstantIntValue(blocks)) {
    if (*n != 1)
      staticBlocks = b.getI64IntegerAttr(*n);
  } else {
    dynamicBlocks = cast<Value>(blocks);
  }
  bool vector = contract.getCore() == abi::CoreType::AIV;
  FlatSymbolRefAttr secondLane = vector && contract.getLanes() > 1 ? kernel : nullptr;
  auto submitOp = orch::SubmitOp::create(
      b, loc, vector ? orch::TaskKind::mix : orch::TaskKind::aic,
      vector ? FlatSymbolRefAttr() : kernel, vector ? kernel : nullptr, secondLane, dynamicBlocks,
      staticBlocks, args, b.getArrayAttr(directions), scalarArgs);
  RingUsage &usage = *openScopes.back();
  usage.slots += 1;
  // The runtime's fanin: every non-output argument's creator (the alloc task that
  // owns it) and, for inputs and inouts, its last tracked writer; duplicates once.
  SmallPtrSet<Operation *, 8> creators, writers;
  SmallVector<Value> carried;
  for (auto [arg, direction] : llvm::zip(args, directions)) {
    orch::ArgDirection dir = cast<orch::ArgDirectionAttr>(direction).getValue();
    if (orch::AllocOp alloc = getAllocOf(arg))
      creators.insert(alloc);
    if (dir == orch::ArgDirection::out)
      continue;
    if (Operation *w = lastWriter.lookup(arg))
      writers.insert(w);
    else if (auto alloc = arg.getDefiningOp<orch::AllocOp>();
             alloc && alloc->getParentOfType<orch::ScopeOp>() != openScopeOps.back())
      carried.push_back(arg); // allocated outside this scope: maybe written by an earlier iteration
  }
  for (auto [arg, direction] : llvm::zip(args, directions))
    if (cast<orch::ArgDirectionAttr>(direction).getValue() != orch::ArgDirection::in)
      lastWriter[arg] = submitOp;
  int64_t edges = creators.size() + writers.size(), entries = writers.size();
  if (isa<attn::MergePartialsOp>(op)) {
    // The parts' last updates, in the closed step scopes: one spmd task covers
    // every part, per tile each part has its own.
    int64_t partWriters = strategy == abi::Strategy::Spmd ? 1 : ta.kvSplits;
    edges += partWriters;
    entries += partWriters;
  }
  if (!carried.empty())
    carriedReads.push_back({usage.tasks.size(), carried});
  usage.tasks.push_back({edges, entries, edges, entries});
  return success();
}

OpBuilder::InsertPoint OrchestrationBuilder::getHoistPoint(ValueRange operands, bool loopsOnly) {
  Block *block = b.getInsertionBlock();
  OpBuilder::InsertPoint point = b.saveInsertionPoint();
  // Out of host loops and scopes the operands do not depend on. Out of a
  // conditional only on the way out of a loop around it (loop-invariant, so
  // computed once instead of under the condition in every step): nothing
  // becomes unconditional within an iteration, so a block-table entry past the
  // sequence is never read. `loopsOnly` treats scopes like conditionals.
  bool inConditional = false;
  while (Operation *parent = block->getParentOp()) {
    if (llvm::any_of(operands, [&](Value v) {
          return parent->isAncestor(v.getParentBlock()->getParentOp());
        }))
      break;
    if (isa<scf::IfOp>(parent) || (loopsOnly && isa<orch::ScopeOp>(parent))) {
      inConditional = true;
    } else if (!isa<scf::ForOp, orch::ScopeOp>(parent)) {
      break;
    }
    block = parent->getBlock();
    if (inConditional && !isa<scf::ForOp>(parent))
      continue;
    inConditional = false;
    point = OpBuilder::InsertPoint(block, Block::iterator(parent));
  }
  return point;
}

Value OrchestrationBuilder::materializeView(Value source, ArrayRef<OpFoldResult> offsets,
                                            ArrayRef<OpFoldResult> sizes) {
  SmallVector<Value> dynamicOffsets, dynamicSizes;
  SmallVector<int64_t> staticOffsets, staticSizes;
  dispatchIndexOpFoldResults(offsets, dynamicOffsets, staticOffsets);
  dispatchIndexOpFoldResults(sizes, dynamicSizes, staticSizes);
  SmallVector<Value> operands = {source};
  for (Value &v : llvm::concat<Value>(dynamicOffsets, dynamicSizes)) {
    v = materialize(v);
    if (!v)
      return {};
    operands.push_back(v);
  }
  OpBuilder::InsertionGuard guard(b);
  b.restoreInsertionPoint(getHoistPoint(operands));
  auto sourceType = cast<orch::ChipTensorType>(source.getType());
  return orch::ViewOp::create(b, loc, tensorType(staticSizes, sourceType.getElementType()), source,
                              dynamicOffsets, dynamicSizes, b.getDenseI64ArrayAttr(staticOffsets),
                              b.getDenseI64ArrayAttr(staticSizes));
}

Value OrchestrationBuilder::materialize(Value v) {
  if (Value host = mapping.lookupOrNull(v))
    return host;
  Operation *op = v.getDefiningOp();
  if (!op)
    return {}; // an induction variable the host does not run
  Value host;
  if (auto gather = dyn_cast<scf::ForOp>(op); gather && gather == stepGather) {
    // A multi-block step's keys or values: the kernel gathers the blocks
    // itself from the KV head's cache.
    host = materializeHeadCache(gather, cast<OpResult>(v).getResultNumber());
  } else if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    // The kernel pads the tile's rows itself; it takes the real rows.
    host = materialize(pad.getSource());
  } else if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
    Value source = materialize(slice.getSource());
    if (source && llvm::all_of(slice.getMixedStrides(),
                               [](OpFoldResult s) { return isConstantIntValue(s, 1); }))
      host = materializeView(source, slice.getMixedOffsets(), slice.getMixedSizes());
  } else if (auto extract = dyn_cast<tensor::ExtractOp>(op)) {
    // A host read of a paging tensor (a context length, a block-table entry).
    Value tensor = materialize(extract.getTensor());
    SmallVector<Value> indices = {tensor};
    for (Value index : extract.getIndices())
      indices.push_back(materialize(index));
    if (llvm::all_of(indices, [](Value i) { return bool(i); })) {
      OpBuilder::InsertionGuard guard(b);
      b.restoreInsertionPoint(getHoistPoint(indices));
      Type element = cast<orch::ChipTensorType>(tensor.getType()).getElementType();
      SmallVector<int64_t> staticIndices(indices.size() - 1, ShapedType::kDynamic);
      host = orch::ReadOp::create(b, loc, element, tensor, ArrayRef(indices).drop_front(),
                                  staticIndices);
    }
  } else if (auto dim = dyn_cast<tensor::DimOp>(op)) {
    // A size of a target argument: read from the runtime's argument.
    auto position = entryPositions.find(dim.getSource());
    std::optional<int64_t> index = dim.getConstantIndex();
    if (position != entryPositions.end() && index) {
      OpBuilder::InsertionGuard guard(b);
      b.restoreInsertionPoint(getHoistPoint({}));
      host =
          orch::ArgDimOp::create(b, loc, b.getIndexType(), static_cast<uint64_t>(position->second),
                                 static_cast<uint64_t>(*index));
    }
  } else if (isa<arith::ArithDialect>(op->getDialect()) && op->getNumRegions() == 0 && isPure(op)) {
    SmallVector<Value> operands;
    for (Value operand : op->getOperands()) {
      operands.push_back(materialize(operand));
      if (!operands.back())
        return {};
    }
    OpBuilder::InsertionGuard guard(b);
    b.restoreInsertionPoint(getHoistPoint(operands));
    return b.clone(*op, mapping)->getResult(cast<OpResult>(v).getResultNumber());
  }
  if (host)
    mapping.map(v, host);
  return host;
}

Value OrchestrationBuilder::materializeMax(Value v, int64_t floor) {
  // The parallel loop's dimensions `v` is computed from.
  SmallVector<bool> used(parallelIvs.size(), false);
  SmallVector<Value> work = {v};
  SmallPtrSet<Operation *, 16> seen;
  while (!work.empty()) {
    Value value = work.pop_back_val();
    for (auto [dim, iv] : llvm::enumerate(parallelIvs))
      used[dim] = used[dim] || value == iv;
    Operation *op = value.getDefiningOp();
    if (op && ta.forall->isProperAncestor(op) && seen.insert(op).second)
      llvm::append_range(work, op->getOperands());
  }

  // One reduction loop per such dimension, outermost first; the nest's values
  // computed inside are this reduction's own.
  IRMapping outer = mapping;
  Value init = ib.constant(floor);
  SmallVector<scf::ForOp> loops;
  for (auto [dim, iv] : llvm::enumerate(parallelIvs)) {
    if (!used[dim])
      continue;
    Value upper = getValueOrCreateConstantIndexOp(b, loc, tripCounts[dim]);
    if (auto dynamicUpper = dyn_cast<Value>(tripCounts[dim]))
      upper = materialize(dynamicUpper);
    auto loop =
        scf::ForOp::create(b, loc, ib.constant(0), upper, ib.constant(1),
                           ValueRange{loops.empty() ? init : loops.back().getRegionIterArg(0)});
    if (!loops.empty())
      scf::YieldOp::create(b, loc, loop.getResult(0));
    mapping.map(iv, loop.getInductionVar());
    loops.push_back(loop);
    b.setInsertionPointToStart(loop.getBody());
  }
  Value result = materialize(v);
  if (result && !loops.empty()) {
    scf::YieldOp::create(b, loc, ib.max(loops.back().getRegionIterArg(0), result));
    result = loops.front().getResult(0);
  } else if (result) {
    result = ib.max(init, result);
  }
  if (!loops.empty())
    b.setInsertionPointAfter(loops.front());
  mapping = outer;
  return result;
}

void OrchestrationBuilder::forLoop(Value upper, function_ref<void(Value)> body) {
  auto loop = scf::ForOp::create(b, loc, ib.constant(0), upper, ib.constant(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  body(loop.getInductionVar());
}

int64_t OrchestrationBuilder::heapBytes(ArrayRef<BufferSpec> specs, int64_t tiles) const {
  int64_t total = 0;
  for (const BufferSpec &spec : specs)
    total += llvm::alignTo(tiles * spec.rows * std::max<int64_t>(spec.cols, 1) *
                               spec.element.getIntOrFloatBitWidth() / 8,
                           tgt::kHeapAlignBytes);
  return total;
}

Value OrchestrationBuilder::exceedsRingHeap(Value steps, OpFoldResult blocks) {
  Value tiles = getValueOrCreateConstantIndexOp(b, loc, blocks);
  Value align = ib.constant(tgt::kHeapAlignBytes);
  Value stepBytes = ib.constant(0);
  for (const BufferSpec &spec : stepSpecs) {
    int64_t tileBytes =
        spec.rows * std::max<int64_t>(spec.cols, 1) * spec.element.getIntOrFloatBitWidth() / 8;
    Value bytes = ib.mul(tiles, ib.constant(tileBytes));
    stepBytes = ib.add(stepBytes, ib.mul(ib.ceilDiv(bytes, align), align));
  }
  return ib.less(ib.constant(ringHeapBytes), ib.mul(steps, stepBytes));
}

LogicalResult OrchestrationBuilder::build() {
  using R = abi::TensorRole;
  if (failed(analyze()))
    return failure();
  // The tensors the nest reads, at the target's argument positions.
  auto bind = [&](R role, Value nestValue, int64_t position, RankedTensorType type) {
    Value host = external(position, type);
    tensors[role] = host;
    mapping.map(nestValue, host);
    entryPositions[nestValue] = position;
  };
  bind(R::Query, ta.query, kQuery, ta.queryType);
  bind(R::KeyCache, ta.keyCache, kKeyCache, ta.cacheType);
  bind(R::ValueCache, ta.valueCache, kValueCache, ta.cacheType);
  bind(R::BlockTable, ta.blockTable, kBlockTable, ta.tableType);
  bind(R::ContextLens, ta.contextLens, kContextLens, ta.lensType);
  bind(R::Out, ta.forall.getRegionIterArgs()[0], kOut, ta.resultType);
  mapping.map(ta.scale,
              orch::ArgScalarOp::create(b, loc, b.getF32Type(), static_cast<uint64_t>(0)));
  return strategy == abi::Strategy::Spmd ? buildSpmd() : buildPerTile();
}

FailureOr<OpFoldResult> OrchestrationBuilder::blockCount(ArrayRef<OpFoldResult> tripCounts) {
  int64_t staticBlocks = 1;
  SmallVector<Value> dynamicTrips;
  for (OpFoldResult trips : tripCounts) {
    if (std::optional<int64_t> n = getConstantIntValue(trips))
      staticBlocks *= *n;
    else if (Value host = materialize(cast<Value>(trips)))
      dynamicTrips.push_back(host);
    else
      return ta.forall.emitOpError()
             << "attn-orchestrate cannot compute the parallel loop's trip count on the host";
  }
  OpFoldResult blocks = b.getIndexAttr(staticBlocks);
  for (Value trips : dynamicTrips)
    blocks = ib.mul(trips, ib.constant(staticBlocks));
  return blocks;
}

FailureOr<OpFoldResult> OrchestrationBuilder::launchBlocks(OpFoldResult tiles,
                                                           ArrayRef<Operation *> stages) {
  std::optional<int64_t> n = getConstantIntValue(tiles);
  if (maxLaunchBlocks > 0) {
    if (n)
      return OpFoldResult(b.getIndexAttr(std::min(*n, maxLaunchBlocks)));
    return OpFoldResult(ib.min(cast<Value>(tiles), ib.constant(maxLaunchBlocks)));
  }
  // One block per tile: the runtime counts blocks x kernel slots in an int16.
  for (Operation *op : stages) {
    aicore::KernelAttr contract = getContract(op);
    int64_t slots = contract.getCore() == abi::CoreType::AIV ? contract.getLanes() : 1;
    int64_t most = orch::SubmitOp::kMaxBlockNum / slots;
    if (n && *n > most)
      return op->emitOpError() << "needs " << *n << " SPMD blocks with spmd-blocks=tiles, more "
                               << "than its task of " << slots << " kernel slot(s) takes (" << most
                               << "); use spmd-blocks=clusters";
  }
  return tiles;
}

LogicalResult OrchestrationBuilder::buildSpmd() {
  using R = abi::TensorRole;
  // One tile per iteration of the parallel loop: the product of its trip
  // counts (split-KV: of the tiles' and the parts', part innermost). Buffers
  // are per tile; a launch runs launchBlocks of them.
  FailureOr<OpFoldResult> chainTiles = blockCount(tripCounts);
  if (failed(chainTiles))
    return failure();
  OpFoldResult tiles = *chainTiles;
  FailureOr<OpFoldResult> launch = launchBlocks(tiles, stepStages);
  if (failed(launch))
    return failure();
  OpFoldResult blocks = *launch;

  // KV steps: the largest KV loop bound over the parallel loop, at least one so
  // that empty sequences still get their zero rows from the update kernel.
  Value numSteps = materializeMax(ta.kvLoop.getUpperBound(), 1);
  if (!numSteps)
    return ta.kvLoop.emitOpError()
           << "attn-orchestrate cannot compute the KV loop's bound on the host";

  // Without a bound the orchestration submits steps far faster than the device
  // retires them and fills the ring heap; simpler's runtime then aborts when the
  // ring's head does not retire within its deadlock timeout (batch 256, context
  // 8192). So when all steps' intermediates exceed one heap (known only at run
  // time), each step waits for the previous step's update before submitting its
  // own: about two steps stay live, and this step's QK, softmax and PV still
  // overlap the previous update. Each spmd task spans every sequence, so little
  // cross-step parallelism is lost.
  Value boundRunAhead = exceedsRingHeap(numSteps, tiles);
  orch::ScopeOp accScope = openScope();
  allocate(accumulatorSpecs, tiles);
  LogicalResult result = success();
  forLoop(numSteps, [&](Value step) {
    mapping.map(ta.kvLoop.getInductionVar(), step);
    orch::ScopeOp stepScope = openScope();
    stepScopes.insert(stepScope);
    allocate(stepSpecs, tiles);
    prepare(stepStages);
    for (Operation *stage : stepStages) {
      if (carriedStages.contains(stage)) {
        // Waits for the previous step's write of the running sum.
        auto bound = scf::IfOp::create(b, loc, boundRunAhead);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(bound.thenBlock()->getTerminator());
        orch::WaitOp::create(b, loc, tensors[R::AccSum]);
      }
      if (failed(result) || failed(result = submit(stage, blocks)))
        return;
    }
    closeScope(stepScope);
  });
  if (ta.merge && succeeded(result)) {
    // Split-KV: the merge of each query tile's parts, after every step.
    FailureOr<OpFoldResult> mergeTiles = blockCount(ArrayRef(tripCounts).take_front(tileDims));
    if (failed(mergeTiles))
      return failure();
    FailureOr<OpFoldResult> mergeBlocks = launchBlocks(*mergeTiles, {ta.merge.getOperation()});
    if (failed(mergeBlocks))
      return failure();
    prepare(ta.merge.getOperation());
    result = submit(ta.merge, *mergeBlocks);
  }
  closeScope(accScope);
  return result;
}

LogicalResult OrchestrationBuilder::buildPerTile() {
  // Host loops over the parallel loop's dimensions, outermost first.
  tilesInSequence = 1;
  for (OpFoldResult trips : tripCounts)
    tilesInSequence *= getConstantIntValue(trips).value_or(0);
  SmallVector<Value> upperBounds;
  for (OpFoldResult trips : tripCounts) {
    Value upper = isa<Value>(trips) ? materialize(cast<Value>(trips))
                                    : ib.constant(*getConstantIntValue(trips));
    if (!upper)
      return ta.forall.emitOpError()
             << "attn-orchestrate cannot compute the parallel loop's trip count on the host";
    upperBounds.push_back(upper);
  }
  OpFoldResult one = b.getIndexAttr(1);
  LogicalResult result = success();
  // One chain: the KV steps of a tile (split-KV: of a part of it).
  std::function<void()> runChain = [&] {
    Value numSteps = materialize(ta.kvLoop.getUpperBound());
    if (!numSteps) {
      result = ta.kvLoop.emitOpError()
               << "attn-orchestrate cannot compute the KV loop's bound on the host";
      return;
    }
    // One step even for an empty sequence: its update task writes the zero rows.
    Value loopSteps;
    {
      OpBuilder::InsertionGuard guard(b);
      b.restoreInsertionPoint(getHoistPoint(numSteps));
      loopSteps = ib.max(numSteps, ib.constant(1));
    }
    forLoop(loopSteps, [&](Value step) {
      mapping.map(ta.kvLoop.getInductionVar(), step);
      orch::ScopeOp stepScope = openScope();
      stepScopes.insert(stepScope);
      allocate(stepSpecs, one);
      // Only steps below the KV loop's bound run the stages that do not carry
      // state (no block past the sequence is read); the running state's writer
      // runs in every step.
      scf::IfOp active;
      for (Operation *stage : stepStages) {
        OpBuilder::InsertionGuard guard(b);
        if (!carriedStages.contains(stage)) {
          if (!active) {
            active = scf::IfOp::create(b, loc, ib.less(step, numSteps));
            b.setInsertionPoint(active.thenBlock()->getTerminator());
            SmallVector<Operation *> guarded;
            for (Operation *other : stepStages)
              if (!carriedStages.contains(other))
                guarded.push_back(other);
            prepare(guarded);
          }
          b.setInsertionPoint(active.thenBlock()->getTerminator());
        } else {
          prepare(stage);
        }
        if (failed(result) || failed(result = submit(stage, one)))
          return;
      }
      closeScope(stepScope);
    });
  };
  std::function<void(unsigned)> buildLoops = [&](unsigned dim) {
    if (dim < tileDims) {
      forLoop(upperBounds[dim], [&](Value iv) {
        mapping.map(parallelIvs[dim], iv);
        buildLoops(dim + 1);
      });
      return;
    }
    orch::ScopeOp tileScope = openScope();
    if (!ta.merge) {
      allocate(accumulatorSpecs, one);
      runChain();
    } else {
      // Split-KV: the tile's part states in one allocation; each part's chain
      // runs on views of its state, then the merge reads them all.
      allocate(accumulatorSpecs, b.getIndexAttr(ta.kvSplits));
      SmallVector<Value> parts;
      for (const BufferSpec &spec : accumulatorSpecs)
        parts.push_back(tensors[spec.role]);
      forLoop(upperBounds[tileDims], [&](Value part) {
        mapping.map(parallelIvs[tileDims], part);
        selectPart(parts, part);
        runChain();
      });
      for (auto [spec, whole] : llvm::zip(accumulatorSpecs, parts))
        tensors[spec.role] = whole;
      if (succeeded(result)) {
        prepare(ta.merge.getOperation());
        result = submit(ta.merge, one);
      }
    }
    closeScope(tileScope);
  };
  buildLoops(0);
  return result;
}

void OrchestrationBuilder::selectPart(ArrayRef<Value> parts, Value part) {
  for (auto [spec, whole] : llvm::zip(accumulatorSpecs, parts)) {
    SmallVector<OpFoldResult> offsets = {ib.mul(part, ib.constant(spec.rows))};
    SmallVector<int64_t> sizes = {spec.rows};
    if (spec.cols) {
      offsets.push_back(b.getIndexAttr(0));
      sizes.push_back(spec.cols);
    }
    SmallVector<Value> dynamicOffsets;
    SmallVector<int64_t> staticOffsets;
    dispatchIndexOpFoldResults(offsets, dynamicOffsets, staticOffsets);
    tensors[spec.role] = orch::ViewOp::create(
        b, loc, tensorType(sizes, spec.element), whole, dynamicOffsets, ValueRange(),
        b.getDenseI64ArrayAttr(staticOffsets), b.getDenseI64ArrayAttr(sizes));
  }
}

/// Worst-case dependency-pool need of the ring that runs `tiles` tiles (0:
/// unbounded) of up to `steps` (0: unbounded) instances each of a scope whose
/// tasks have fanin `pattern`, every producer still running when its consumer is
/// wired. simpler frees entries only as the ring's tasks retire: every 64
/// retirements (PTO2_DEP_POOL_CLEANUP_INTERVAL) the pool's tail moves to the
/// mark of the newest retired task, and no task of an open scope retires. So a
/// task n whose scope starts at S waits for room with the pool holding every
/// entry since Q = 0 while S < 64, else since Q >= max(64, S - 63); it asks for
/// one entry per edge. Assumes a reclaim does not land just after an alloc task,
/// which records no mark (docs/passes/attn-orchestrate.md).
static int64_t dependencyPoolNeed(ArrayRef<TaskFanin> pattern, int64_t steps, int64_t tiles) {
  constexpr int64_t kReclaimInterval = 64;
  const int64_t perScope = pattern.size();
  if (perScope == 0)
    return 0;
  const int64_t stepsPerTile = steps > 0 ? std::min<int64_t>(steps, 1 << 16) : 1 << 16;
  const int64_t period = stepsPerTile * perScope;
  // Windows of up to kReclaimInterval + perScope tasks: two periods past the
  // first kReclaimInterval tasks cover every phase.
  int64_t length = 4 * kReclaimInterval + 2 * perScope + 2 * std::min<int64_t>(period, 1 << 16);
  if (tiles > 0)
    length = std::min(length, tiles * period);
  SmallVector<int64_t> prefix(length + 1, 0);
  int64_t need = 0;
  for (int64_t n = 0; n < length; ++n) {
    const TaskFanin &task = pattern[n % perScope];
    bool first = (n / perScope) % stepsPerTile == 0;
    int64_t entries = first ? task.entriesFirst : task.entries;
    int64_t edges = first ? task.edgesFirst : task.edges;
    prefix[n + 1] = prefix[n] + entries;
    if (entries == 0)
      continue; // every producer may have finished: no wait for the pool
    int64_t start = n - n % perScope;
    int64_t since = start < kReclaimInterval
                        ? 0
                        : std::max<int64_t>(kReclaimInterval, start - kReclaimInterval + 1);
    need = std::max(need, prefix[n] - prefix[since] + edges);
  }
  return need;
}

/// Reports every scope whose needs exceed its ring. A step's buffers grow
/// with its blocks (`blocksPerStep` > 1) and a scope's with the split parts
/// it holds (`kvSplits` > 1), so the heap message also names attn-tile's
/// kv-blocks-per-task and kv-splits.
static LogicalResult checkRings(func::FuncOp func,
                                ArrayRef<std::pair<orch::ScopeOp, RingUsage>> scopes,
                                const RingLimits &limits, int64_t blocksPerStep, int64_t kvSplits) {
  bool ok = true;
  std::string lowerTiling;
  if (blocksPerStep > 1)
    lowerTiling += ", lower kv-blocks-per-task (now " + std::to_string(blocksPerStep) + ")";
  if (kvSplits > 1)
    lowerTiling += ", lower kv-splits (now " + std::to_string(kvSplits) + ")";
  if (!lowerTiling.empty())
    lowerTiling += ",";
  for (auto [index, entry] : llvm::enumerate(scopes)) {
    const RingUsage &usage = entry.second;
    auto report = [&](StringRef what, int64_t need, int64_t limit, StringRef option,
                      StringRef env) {
      ok = false;
      func.emitError() << "scope " << index << " needs " << need << " " << what
                       << " but a ring holds " << limit << "; raise " << option << " (" << env
                       << ") to at least " << need << (what == "heap bytes" ? lowerTiling : "")
                       << " or reduce the batch";
    };
    // The runtime refuses a submission once a scope holds window - 1 tasks.
    if (usage.slots > limits.taskWindow - 1)
      report("task-window slots", usage.slots + 1, limits.taskWindow, "ring-task-window",
             "PTO2_RING_TASK_WINDOW");
    if (usage.heapBytes > limits.heapBytes)
      report("heap bytes", usage.heapBytes, limits.heapBytes, "ring-heap", "PTO2_RING_HEAP");
    if (usage.depEntries > limits.depPool)
      report("dependency entries", usage.depEntries, limits.depPool, "ring-dep-pool",
             "PTO2_RING_DEP_POOL");
  }
  return success(ok);
}

/// Whether everything in `func` outside its nests is pure, so that the
/// function is fully converted once its nests are.
static LogicalResult checkConverted(func::FuncOp func, ArrayRef<TiledAttention> nests) {
  for (Operation &op : func.getBody().getOps()) {
    if (isa<func::ReturnOp>(op) || isPure(&op) ||
        llvm::any_of(nests, [&](const TiledAttention &ta) { return ta.forall == &op; }))
      continue;
    return op.emitOpError() << "attn-orchestrate has no host equivalent for this op outside the "
                               "tiled nests of "
                            << func.getName();
  }
  return success();
}

namespace {

struct AttnOrchestratePass : public ptoattn::impl::AttnOrchestrateBase<AttnOrchestratePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();

    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    SymbolTable symbols(module);
    for (func::FuncOp func : funcs) {
      FailureOr<SmallVector<TiledAttention>> found = findTiledAttentions(func, "attn-orchestrate");
      if (failed(found))
        return signalPassFailure();
      if (found->empty())
        continue;
      if (failed(checkConverted(func, *found)))
        return signalPassFailure();
      for (const TiledAttention &ta : *found)
        if (failed(orchestrate(ta, symbols)))
          return signalPassFailure();
      // Every nest of the function now runs from its orchestration, and nothing
      // else in it has an effect: the function is converted.
      symbols.erase(func);
    }
  }

  /// Lowers `ta` into an orchestration function before its function.
  LogicalResult orchestrate(const TiledAttention &ta, SymbolTable &symbols) {
    func::FuncOp func = ta.func;
    RingLimits limits{ringTaskWindow, ringHeap, ringDepPool};
    FailureOr<std::array<FlatSymbolRefAttr, 5>> kernels = getStageKernels(ta);
    if (failed(kernels))
      return failure();
    FailureOr<abi::Strategy> parsed = getKernelStrategy(ta, *kernels);
    if (failed(parsed))
      return failure();

    int64_t accountedBatch = ta.queryType.getDimSize(0);
    if (ta.queryType.isDynamicDim(0)) {
      if (*parsed == abi::Strategy::Spmd && maxBatch <= 0) {
        func.emitError() << "batch is dynamic: pass max-batch=N to attn-orchestrate so the "
                            "spmd ring needs can be checked";
        return failure();
      }
      accountedBatch = std::max<int64_t>(maxBatch, 1);
    }

    OpBuilder b(func);
    Location loc = func.getLoc();
    auto orchFunc = func::FuncOp::create(b, loc, (func.getName() + "_orchestration").str(),
                                         b.getFunctionType({}, {}));
    symbols.insert(orchFunc); // renames when a function holds several nests
    orchFunc->setAttr("orch.entry",
                      orch::EntryAttr::get(&getContext(), kNumTensorArgs, kNumScalarArgs));
    b.setInsertionPointToStart(orchFunc.addEntryBlock());
    // spmd-blocks=clusters: a launch never has more blocks than the chip has clusters.
    int64_t maxLaunchBlocks =
        spmdBlocks == SpmdBlocks::Clusters ? aicore::getTargetInfo(func).clusters : 0;
    OrchestrationBuilder builder(b, loc, ta, *parsed, accountedBatch, ringHeap, maxLaunchBlocks);
    if (failed(builder.build()))
      return failure();
    func::ReturnOp::create(b, loc);
    // A scope's dep_entries: what its ring's dependency pool needs while it runs.
    for (auto &[scope, usage] : builder.scopes) {
      bool step = builder.stepScopes.contains(scope);
      // A KV step covers kv-blocks-per-task of the table's blocks.
      int64_t maxSteps = llvm::divideCeil(maxKvBlocks, ta.geo.blocksPerStep);
      usage.depEntries =
          dependencyPoolNeed(usage.tasks, step ? maxSteps : 1, step ? builder.tilesInSequence : 1);
      scope.setRingAttr(
          orch::RingAttr::get(&getContext(), usage.slots, usage.heapBytes, usage.depEntries));
    }

    return checkRings(func, builder.scopes, limits, ta.geo.blocksPerStep, ta.kvSplits);
  }
};

} // namespace
