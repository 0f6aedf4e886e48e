//===- AttnOrchestrate.cpp - ring-buffer orchestration of paged attention ----===//
//
// Turns each tiled paged-attention nest (found by structure, TiledAttention.h)
// whose stages name their kernels into an `orch` function for simpler's
// tensormap_and_ringbuffer runtime: external
// tensors for the target arguments, scopes, runtime-allocated intermediates,
// task submissions in kernel-argument order (from KernelABI.h), SPMD block
// counts, MIX tasks for the two-lane vector stages, and the ring needs of every
// scope, checked against the runtime's limits.
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
#include "ptoattn/Transforms/TileGeometry.h"
#include "ptoattn/Transforms/TiledAttention.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/SymbolTable.h"
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

/// An intermediate tensor: `tiles` tiles of [rows, cols] (cols 0: a vector of
/// rows entries per tile).
struct IntermediateSpec {
  abi::TensorRole role;
  int64_t rows;
  int64_t cols;
  Type element;
};

} // namespace

/// The kernel each stage names, indexed by abi::Stage; an error if a stage has none.
static FailureOr<std::array<FlatSymbolRefAttr, 4>> getStageKernels(const TiledAttention &ta) {
  std::array<FlatSymbolRefAttr, 4> kernels;
  for (abi::Stage stage : abi::getStages()) {
    Operation *op = ta.getStage(stage);
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
                              << "' but the other kernels for '"
                              << abi::getStrategyName(*strategy) << "'";
    strategy = contract.getStrategy();
  }
  return *strategy;
}

namespace {

/// Builds one orchestration function and accounts the ring needs of its scopes.
class OrchestrationBuilder {
public:
  OrchestrationBuilder(OpBuilder &b, Location loc, const TiledAttention &ta,
                       ArrayRef<FlatSymbolRefAttr> kernels, abi::Strategy strategy,
                       int64_t accountedBatch, int64_t ringHeapBytes)
      : b(b), ib{b, loc}, loc(loc), ta(ta), kernels(kernels), strategy(strategy),
        accountedBatch(accountedBatch), ringHeapBytes(ringHeapBytes) {}

  /// Emits the body into the current insertion block.
  void build();

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
  /// Opens a scope; later allocations and submissions count against it.
  orch::ScopeOp openScope();
  void closeScope(orch::ScopeOp scope);
  /// Allocates `specs` for `tiles` tiles (a constant or an index value) in one
  /// `orch.alloc`, records them by role.
  void allocate(ArrayRef<IntermediateSpec> specs, OpFoldResult tiles);
  /// Submits `stage`'s kernel with the tensors in `roles` and the scalars.
  void submit(abi::Stage stage, OpFoldResult blocks,
              const DenseMap<abi::ScalarRole, Value> &scalars);
  Value view(Value source, ArrayRef<OpFoldResult> offsets, ArrayRef<OpFoldResult> sizes);
  Value read(Value tensor, ArrayRef<Value> indices) {
    Type element = cast<orch::ChipTensorType>(tensor.getType()).getElementType();
    SmallVector<int64_t> staticIndices(indices.size(), ShapedType::kDynamic);
    return orch::ReadOp::create(b, loc, element, tensor, indices, staticIndices);
  }
  /// A counted loop whose body `body` gets the induction variable.
  void forLoop(Value upper, function_ref<void(Value)> body);
  /// The number of sequences: the query's dim 0, read from the argument when
  /// it is dynamic.
  Value batchSize();

  void buildSpmd();
  void buildPerTile();

  /// Ring-heap bytes of `specs` for `tiles` tiles (each buffer 1 KiB aligned).
  int64_t heapBytes(ArrayRef<IntermediateSpec> specs, int64_t tiles) const;
  /// Whether `steps` KV steps of `blocks` blocks each allocate more than one
  /// ring heap holds (an i1 computed at run time: both may be dynamic).
  Value exceedsRingHeap(Value steps, OpFoldResult blocks);

  SmallVector<IntermediateSpec> accumulatorSpecs() const;
  SmallVector<IntermediateSpec> stepSpecs() const;

  OpBuilder &b;
  IndexBuilder ib;
  Location loc;
  const TiledAttention &ta;
  /// Kernel of each stage, indexed by abi::Stage.
  ArrayRef<FlatSymbolRefAttr> kernels;
  abi::Strategy strategy;
  /// Batch used to size rings when the batch is dynamic.
  int64_t accountedBatch;
  /// Heap of one ring, for bounding how far the orchestration runs ahead.
  int64_t ringHeapBytes;

  DenseMap<abi::TensorRole, Value> tensors;
  /// The submit that last wrote a tensor in the innermost open scope, and the
  /// tasks there that read a tensor before any write (an earlier iteration's
  /// writer, if the scope writes it).
  DenseMap<Value, Operation *> lastWriter;
  SmallVector<std::pair<size_t, SmallVector<Value>>> carriedReads;
  Value scale;
  SmallVector<RingUsage *> openScopes;
  SmallVector<orch::ScopeOp> openScopeOps;
  SmallVector<std::unique_ptr<RingUsage>> usages;
};

} // namespace

Value OrchestrationBuilder::external(int64_t index, RankedTensorType type) {
  SmallVector<Value> dynamicSizes;
  for (int64_t dim = 0; dim < type.getRank(); ++dim)
    if (type.isDynamicDim(dim))
      dynamicSizes.push_back(
          orch::ArgDimOp::create(b, loc, b.getIndexType(), static_cast<uint64_t>(index),
                                 static_cast<uint64_t>(dim)));
  return orch::ExternalOp::create(b, loc, tensorType(type.getShape(), type.getElementType()),
                                  static_cast<uint64_t>(index), dynamicSizes);
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
  scope.setRingAttr(orch::RingAttr::get(b.getContext(), usage.slots, usage.heapBytes,
                                        usage.depEntries));
  b.setInsertionPointAfter(scope);
}

void OrchestrationBuilder::allocate(ArrayRef<IntermediateSpec> specs, OpFoldResult tiles) {
  std::optional<int64_t> staticTiles = getConstantIntValue(tiles);
  int64_t accountedTiles =
      staticTiles ? *staticTiles : accountedBatch * ta.geo.getTilesPerSequence();
  SmallVector<Type> types;
  SmallVector<Value> dynamicSizes;
  RingUsage &usage = *openScopes.back();
  usage.slots += 1; // alloc_tensors is a task of its own
  usage.tasks.push_back({});
  for (const IntermediateSpec &spec : specs) {
    int64_t rows = staticTiles ? *staticTiles * spec.rows : ShapedType::kDynamic;
    if (!staticTiles)
      dynamicSizes.push_back(ib.mul(getValueOrCreateConstantIndexOp(b, loc, tiles),
                                    ib.constant(spec.rows)));
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

void OrchestrationBuilder::submit(abi::Stage stage, OpFoldResult blocks,
                                  const DenseMap<abi::ScalarRole, Value> &scalars) {
  abi::KernelSignature sig = abi::getKernelSignature(stage, strategy);
  FlatSymbolRefAttr kernel = kernels[static_cast<int>(stage)];
  SmallVector<Value> args;
  SmallVector<Attribute> directions;
  for (const abi::TensorParam &param : sig.tensors) {
    args.push_back(tensors.lookup(param.role));
    orch::ArgDirection dir = param.direction == abi::Direction::In    ? orch::ArgDirection::in
                             : param.direction == abi::Direction::Out ? orch::ArgDirection::out
                                                                      : orch::ArgDirection::inout;
    directions.push_back(orch::ArgDirectionAttr::get(b.getContext(), dir));
  }
  SmallVector<Value> scalarArgs;
  for (const abi::ScalarParam &param : sig.scalars)
    scalarArgs.push_back(scalars.lookup(param.role));

  Value dynamicBlocks;
  IntegerAttr staticBlocks;
  if (std::optional<int64_t> n = getConstantIntValue(blocks)) {
    if (*n != 1)
      staticBlocks = b.getI64IntegerAttr(*n);
  } else {
    dynamicBlocks = cast<Value>(blocks);
  }
  bool vector = sig.core == abi::CoreType::AIV;
  auto op = orch::SubmitOp::create(b, loc, vector ? orch::TaskKind::mix : orch::TaskKind::aic,
                                   vector ? FlatSymbolRefAttr() : kernel, vector ? kernel : nullptr,
                                   vector ? kernel : nullptr, dynamicBlocks, staticBlocks, args,
                                   b.getArrayAttr(directions), scalarArgs);
  RingUsage &usage = *openScopes.back();
  usage.slots += 1;
  // The runtime's fanin: every non-output argument's creator (the alloc task that
  // owns it) and, for inputs and inouts, its last tracked writer; duplicates once.
  SmallPtrSet<Operation *, 8> creators, writers;
  SmallVector<Value> carried;
  for (auto [arg, param] : llvm::zip(args, sig.tensors)) {
    if (auto alloc = arg.getDefiningOp<orch::AllocOp>())
      creators.insert(alloc);
    if (param.direction == abi::Direction::Out)
      continue;
    if (Operation *w = lastWriter.lookup(arg))
      writers.insert(w);
    else if (auto alloc = arg.getDefiningOp<orch::AllocOp>();
             alloc && alloc->getParentOfType<orch::ScopeOp>() != openScopeOps.back())
      carried.push_back(arg); // allocated outside this scope: maybe written by an earlier iteration
  }
  for (auto [arg, param] : llvm::zip(args, sig.tensors))
    if (param.direction != abi::Direction::In)
      lastWriter[arg] = op;
  int64_t edges = creators.size() + writers.size(), entries = writers.size();
  if (!carried.empty())
    carriedReads.push_back({usage.tasks.size(), carried});
  usage.tasks.push_back({edges, entries, edges, entries});
}

Value OrchestrationBuilder::view(Value source, ArrayRef<OpFoldResult> offsets,
                                 ArrayRef<OpFoldResult> sizes) {
  SmallVector<Value> dynamicOffsets, dynamicSizes;
  SmallVector<int64_t> staticOffsets, staticSizes;
  dispatchIndexOpFoldResults(offsets, dynamicOffsets, staticOffsets);
  dispatchIndexOpFoldResults(sizes, dynamicSizes, staticSizes);
  auto sourceType = cast<orch::ChipTensorType>(source.getType());
  return orch::ViewOp::create(b, loc, tensorType(staticSizes, sourceType.getElementType()), source,
                              dynamicOffsets, dynamicSizes, b.getDenseI64ArrayAttr(staticOffsets),
                              b.getDenseI64ArrayAttr(staticSizes));
}

void OrchestrationBuilder::forLoop(Value upper, function_ref<void(Value)> body) {
  auto loop = scf::ForOp::create(b, loc, ib.constant(0), upper, ib.constant(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  body(loop.getInductionVar());
}

int64_t OrchestrationBuilder::heapBytes(ArrayRef<IntermediateSpec> specs, int64_t tiles) const {
  int64_t total = 0;
  for (const IntermediateSpec &spec : specs)
    total += llvm::alignTo(tiles * spec.rows * std::max<int64_t>(spec.cols, 1) *
                               spec.element.getIntOrFloatBitWidth() / 8,
                           tgt::kHeapAlignBytes);
  return total;
}

Value OrchestrationBuilder::exceedsRingHeap(Value steps, OpFoldResult blocks) {
  Value tiles = getValueOrCreateConstantIndexOp(b, loc, blocks);
  Value align = ib.constant(tgt::kHeapAlignBytes);
  Value stepBytes = ib.constant(0);
  for (const IntermediateSpec &spec : stepSpecs()) {
    int64_t tileBytes =
        spec.rows * std::max<int64_t>(spec.cols, 1) * spec.element.getIntOrFloatBitWidth() / 8;
    Value bytes = ib.mul(tiles, ib.constant(tileBytes));
    stepBytes = ib.add(stepBytes, ib.mul(ib.ceilDiv(bytes, align), align));
  }
  return ib.less(ib.constant(ringHeapBytes), ib.mul(steps, stepBytes));
}

SmallVector<IntermediateSpec> OrchestrationBuilder::accumulatorSpecs() const {
  using R = abi::TensorRole;
  Type f32 = b.getF32Type();
  const int64_t slots = tgt::kVectorLanes * abi::getLaneSlotFloats(ta.geo.queryTile);
  return {{R::AccMax, slots, 0, f32},
          {R::AccSum, slots, 0, f32},
          {R::AccOut, ta.geo.queryTile, ta.geo.headDim, f32}};
}

SmallVector<IntermediateSpec> OrchestrationBuilder::stepSpecs() const {
  using R = abi::TensorRole;
  Type f32 = b.getF32Type();
  const int64_t q = ta.geo.queryTile;
  const int64_t slots = tgt::kVectorLanes * abi::getLaneSlotFloats(q);
  return {{R::Scores, q, ta.geo.blockSize, f32},
          {R::Probs, q, ta.geo.blockSize, ta.element},
          {R::BlockMax, slots, 0, f32},
          {R::BlockSum, slots, 0, f32},
          {R::BlockOut, q, ta.geo.headDim, f32}};
}

void OrchestrationBuilder::build() {
  using R = abi::TensorRole;
  tensors[R::Query] = external(kQuery, ta.queryType);
  tensors[R::KeyCache] = external(kKeyCache, ta.cacheType);
  tensors[R::ValueCache] = external(kValueCache, ta.cacheType);
  tensors[R::BlockTable] = external(kBlockTable, ta.tableType);
  tensors[R::ContextLens] = external(kContextLens, ta.lensType);
  tensors[R::Out] = external(kOut, ta.resultType);
  scale = orch::ArgScalarOp::create(b, loc, b.getF32Type(), static_cast<uint64_t>(0));
  if (strategy == abi::Strategy::Spmd)
    buildSpmd();
  else
    buildPerTile();
}

Value OrchestrationBuilder::batchSize() {
  if (!ta.queryType.isDynamicDim(0))
    return ib.constant(ta.queryType.getDimSize(0));
  return orch::ArgDimOp::create(b, loc, b.getIndexType(), uint64_t(kQuery), uint64_t(0));
}

void OrchestrationBuilder::buildSpmd() {
  using R = abi::TensorRole;
  using S = abi::ScalarRole;
  const TileGeometry &geo = ta.geo;
  Value batch = batchSize();
  OpFoldResult blocks =
      ta.queryType.isDynamicDim(0)
          ? OpFoldResult(ib.mul(batch, ib.constant(geo.getTilesPerSequence())))
          : OpFoldResult(b.getIndexAttr(ta.queryType.getDimSize(0) * geo.getTilesPerSequence()));

  // KV steps: the longest sequence's block count, at least one so that empty
  // sequences still get their zero rows from the update kernel.
  auto maxLoop = scf::ForOp::create(
      b, loc, ib.constant(0), batch, ib.constant(1), ValueRange{ib.constant(1)},
      [&](OpBuilder &nb, Location l, Value seq, ValueRange longest) {
        IndexBuilder lb{nb, l};
        Value length = lb.toIndex(read(tensors[R::ContextLens], {seq}));
        Value steps = lb.ceilDiv(length, lb.constant(geo.blockSize));
        scf::YieldOp::create(nb, l, lb.max(longest[0], steps));
      });
  Value numSteps = maxLoop.getResult(0);

  // Without a bound the orchestration submits steps far faster than the device
  // retires them and fills the ring heap; simpler's runtime then aborts when the
  // ring's head does not retire within its deadlock timeout (batch 256, context
  // 8192). So when all steps' intermediates exceed one heap (known only at run
  // time), each step waits for the previous step's update before submitting its
  // own: about two steps stay live, and this step's QK, softmax and PV still
  // overlap the previous update. Each spmd task spans every sequence, so little
  // cross-step parallelism is lost.
  Value boundRunAhead = exceedsRingHeap(numSteps, blocks);
  orch::ScopeOp accScope = openScope();
  allocate(accumulatorSpecs(), blocks);
  forLoop(numSteps, [&](Value step) {
    orch::ScopeOp stepScope = openScope();
    stepScopes.insert(stepScope);
    allocate(stepSpecs(), blocks);
    DenseMap<S, Value> scalars = {{S::KvStep, ib.toI64(step)}, {S::Scale, scale}};
    for (abi::Stage stage : abi::getStages()) {
      if (stage == abi::Stage::OnlineUpdate) {
        auto bound = scf::IfOp::create(b, loc, boundRunAhead);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(bound.thenBlock()->getTerminator());
        orch::WaitOp::create(b, loc, tensors[R::AccSum]);
      }
      submit(stage, blocks, scalars);
    }
    closeScope(stepScope);
  });
  closeScope(accScope);
}

void OrchestrationBuilder::buildPerTile() {
  using R = abi::TensorRole;
  using S = abi::ScalarRole;
  const TileGeometry &geo = ta.geo;
  tilesInSequence = ta.queryType.isDynamicDim(0)
                        ? 0
                        : ta.queryType.getDimSize(0) * geo.getTilesPerSequence();
  Value batch = batchSize();
  OpFoldResult one = b.getIndexAttr(1);
  Value query = tensors[R::Query], out = tensors[R::Out];
  Value keyCache = tensors[R::KeyCache], valueCache = tensors[R::ValueCache];

  forLoop(batch, [&](Value seq) {
    Value length = ib.toIndex(read(tensors[R::ContextLens], {seq}));
    Value numSteps = ib.ceilDiv(length, ib.constant(geo.blockSize));
    // One step even for an empty sequence: its update task writes the zero rows.
    Value loopSteps = ib.max(numSteps, ib.constant(1));
    Value numSteps64 = ib.toI64(numSteps);
    forLoop(ib.constant(geo.numKvHeads), [&](Value kvHead) {
      forLoop(ib.constant(geo.tilesPerGroup), [&](Value tile) {
        Value firstHead = geo.buildFirstHead(ib, kvHead, tile);
        OpFoldResult rows = geo.buildRowCount(ib, tile);
        OpFoldResult zero = b.getIndexAttr(0), headDim = b.getIndexAttr(geo.headDim);
        tensors[R::Query] = view(query, {seq, firstHead, zero}, {one, rows, headDim});
        tensors[R::Out] = view(out, {seq, firstHead, zero}, {one, rows, headDim});

        orch::ScopeOp tileScope = openScope();
        allocate(accumulatorSpecs(), one);
        forLoop(loopSteps, [&](Value step) {
          orch::ScopeOp stepScope = openScope();
          stepScopes.insert(stepScope);
          allocate(stepSpecs(), one);
          DenseMap<S, Value> scalars = {{S::KvStep, ib.toI64(step)},
                                        {S::NumSteps, numSteps64},
                                        {S::Scale, scale}};
          auto active = scf::IfOp::create(b, loc, ib.less(step, numSteps));
          {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPoint(active.thenBlock()->getTerminator());
            // Paging by views: the block id is read on the host.
            Value block = ib.toIndex(read(tensors[R::BlockTable], {seq, step}));
            SmallVector<OpFoldResult> blockOffsets = {block, zero, kvHead, zero};
            SmallVector<OpFoldResult> blockSizes = {one, b.getIndexAttr(geo.blockSize), one,
                                                    headDim};
            tensors[R::KeyCache] = view(keyCache, blockOffsets, blockSizes);
            tensors[R::ValueCache] = view(valueCache, blockOffsets, blockSizes);
            Value blockSize = ib.constant(geo.blockSize);
            scalars[S::ValidCols] =
                ib.toI64(ib.min(ib.sub(length, ib.mul(step, blockSize)), blockSize));
            submit(abi::Stage::QKMatmul, one, scalars);
            submit(abi::Stage::SoftmaxPrepare, one, scalars);
            submit(abi::Stage::PVMatmul, one, scalars);
          }
          submit(abi::Stage::OnlineUpdate, one, scalars);
          closeScope(stepScope);
        });
        closeScope(tileScope);
      });
    });
  });
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

/// Reports every scope whose needs exceed its ring.
static LogicalResult checkRings(func::FuncOp func,
                                ArrayRef<std::pair<orch::ScopeOp, RingUsage>> scopes,
                                const RingLimits &limits) {
  bool ok = true;
  for (auto [index, entry] : llvm::enumerate(scopes)) {
    const RingUsage &usage = entry.second;
    auto report = [&](StringRef what, int64_t need, int64_t limit, StringRef option,
                      StringRef env) {
      ok = false;
      func.emitError() << "scope " << index << " needs " << need << " " << what
                       << " but a ring holds " << limit << "; raise " << option << " (" << env
                       << ") to at least " << need << " or reduce the batch";
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

namespace {

struct AttnOrchestratePass : public ptoattn::impl::AttnOrchestrateBase<AttnOrchestratePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();

    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    SymbolTable symbols(module);
    for (func::FuncOp func : funcs) {
      FailureOr<SmallVector<TiledAttention>> found =
          findTiledAttentions(func, "attn-orchestrate");
      if (failed(found))
        return signalPassFailure();
      if (found->empty())
        continue;
      for (const TiledAttention &ta : *found)
        if (failed(orchestrate(ta, symbols)))
          return signalPassFailure();
      // Every nest of the function now runs from its orchestration.
      symbols.erase(func);
    }
  }

  /// Builds `ta`'s orchestration function before its function.
  LogicalResult orchestrate(const TiledAttention &ta, SymbolTable &symbols) {
    func::FuncOp func = ta.func;
    if (attn::MergePartialsOp merge = ta.merge)
      return merge.emitOpError()
             << "split-KV (kv-splits > 1) cannot be orchestrated yet; use kv-splits=1";
    RingLimits limits{ringTaskWindow, ringHeap, ringDepPool};
    FailureOr<std::array<FlatSymbolRefAttr, 4>> kernels = getStageKernels(ta);
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
    OrchestrationBuilder builder(b, loc, ta, *kernels, *parsed, accountedBatch, ringHeap);
    builder.build();
    func::ReturnOp::create(b, loc);
    // A scope's dep_entries: what its ring's dependency pool needs while it runs.
    for (auto &[scope, usage] : builder.scopes) {
      bool step = builder.stepScopes.contains(scope);
      usage.depEntries = dependencyPoolNeed(usage.tasks, step ? maxKvBlocks : 1,
                                            step ? builder.tilesInSequence : 1);
      scope.setRingAttr(orch::RingAttr::get(&getContext(), usage.slots, usage.heapBytes,
                                            usage.depEntries));
    }

    return checkRings(func, builder.scopes, limits);
  }
};

} // namespace
