//===- OrchSubmit.cpp - verification of orch.submit --------------------------===//
//
// Checks a task submission against the runtime's rules: the task kind agrees
// with the filled MixedKernels slots, kernel symbols name func.func kernels of
// the right core type, the block count fits set_block_num, the argument counts
// fit CoreTaskArgs, and no task writes a tensor it also reads (the runtime does
// not track write-after-read, so such a task would race with itself and with
// later readers).
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Dialect/AICore/IR/AICore.h"
#include "ptoattn/Dialect/Orch/IR/Orch.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::ptoattn::orch;

namespace {

/// One kernel slot of MixedKernels: its keyword, the symbol in it, and the core
/// type its kernel must run on.
struct KernelSlot {
  StringRef name;
  FlatSymbolRefAttr kernel;
  StringRef coreType;
};

/// Where a tensor argument points, as far as the IR shows: the value at the
/// bottom of its view chain plus the element box of the view in the root's
/// coordinates. Views keep rank and strides, so offsets compose per dimension.
struct Footprint {
  Value root;
  /// Set when the root wraps an orchestration argument; two externals of the
  /// same argument alias even though they are different values.
  std::optional<int64_t> externalArg;
  /// Whether every offset and size below is a compile-time constant.
  bool exact = true;
  SmallVector<int64_t> offsets;
  SmallVector<int64_t> sizes;
};

} // namespace

static SmallVector<KernelSlot, 3> getKernelSlots(SubmitOp op) {
  return {{"aic", op.getAicKernelAttr(), "aic"},
          {"aiv0", op.getAiv0KernelAttr(), "aiv"},
          {"aiv1", op.getAiv1KernelAttr(), "aiv"}};
}

/// The `directions` attribute for a list of directions.
static ArrayAttr buildDirectionsAttr(MLIRContext *ctx, ArrayRef<ArgDirection> directions) {
  return ArrayAttr::get(ctx, llvm::map_to_vector(directions, [&](ArgDirection dir) {
                          return Attribute(ArgDirectionAttr::get(ctx, dir));
                        }));
}

void SubmitOp::build(OpBuilder &builder, OperationState &state, TaskKind kind,
                     FlatSymbolRefAttr aicKernel, FlatSymbolRefAttr aiv0Kernel,
                     FlatSymbolRefAttr aiv1Kernel, Value blockNum, ValueRange tensors,
                     ArrayRef<ArgDirection> directions, ValueRange scalars) {
  build(builder, state, TaskKindAttr::get(builder.getContext(), kind), aicKernel, aiv0Kernel,
        aiv1Kernel, blockNum, /*static_block_num=*/IntegerAttr(), tensors,
        buildDirectionsAttr(builder.getContext(), directions), scalars);
}

void SubmitOp::build(OpBuilder &builder, OperationState &state, TaskKind kind,
                     FlatSymbolRefAttr aicKernel, FlatSymbolRefAttr aiv0Kernel,
                     FlatSymbolRefAttr aiv1Kernel, int64_t blockNum, ValueRange tensors,
                     ArrayRef<ArgDirection> directions, ValueRange scalars) {
  build(builder, state, TaskKindAttr::get(builder.getContext(), kind), aicKernel, aiv0Kernel,
        aiv1Kernel, /*block_num=*/Value(), builder.getI64IntegerAttr(blockNum), tensors,
        buildDirectionsAttr(builder.getContext(), directions), scalars);
}

std::optional<int64_t> SubmitOp::getConstantBlockNum() {
  if (IntegerAttr attr = getStaticBlockNumAttr())
    return attr.getInt();
  if (Value value = getBlockNum()) {
    APInt constant;
    if (matchPattern(value, m_ConstantInt(&constant)))
      return constant.getSExtValue();
    return std::nullopt;
  }
  // The runtime's default launch spec runs one block.
  return 1;
}

/// Follows `value` through orch.view ops to the tensor it is carved from.
static Footprint getFootprint(Value value) {
  Footprint fp;
  auto type = cast<ChipTensorType>(value.getType());
  fp.offsets.assign(type.getRank(), 0);
  fp.sizes.assign(type.getShape().begin(), type.getShape().end());
  fp.exact = type.hasStaticShape();
  while (auto view = value.getDefiningOp<ViewOp>()) {
    // An invalid view (reported by its own verifier) gives up on exactness
    // rather than indexing past the box.
    if (view.getStaticOffsets().size() != fp.offsets.size())
      fp.exact = false;
    for (auto [d, offset] : llvm::enumerate(view.getStaticOffsets())) {
      if (d >= fp.offsets.size())
        break;
      if (ShapedType::isDynamic(offset))
        fp.exact = false;
      else
        fp.offsets[d] += offset;
    }
    value = view.getSource();
  }
  fp.root = value;
  if (auto external = value.getDefiningOp<ExternalOp>())
    fp.externalArg = external.getArgIndex();
  return fp;
}

/// Whether two tensor arguments may share an element. Exact boxes in the same
/// root are compared; everything else on the same memory is assumed to overlap.
static bool mayOverlap(const Footprint &a, const Footprint &b) {
  if (a.root != b.root)
    return a.externalArg && b.externalArg && *a.externalArg == *b.externalArg;
  if (!a.exact || !b.exact || a.sizes.size() != b.sizes.size())
    return true;
  for (size_t d = 0; d < a.sizes.size(); ++d) {
    int64_t aEnd = a.offsets[d] + a.sizes[d];
    int64_t bEnd = b.offsets[d] + b.sizes[d];
    if (a.sizes[d] == 0 || b.sizes[d] == 0 || aEnd <= b.offsets[d] || bEnd <= a.offsets[d])
      return false;
  }
  return true;
}

/// Checks that the filled kernel slots form the shape the task kind submits.
static LogicalResult verifyKindAndSlots(SubmitOp op) {
  SmallVector<KernelSlot, 3> slots = getKernelSlots(op);
  unsigned filled = llvm::count_if(slots, [](const KernelSlot &s) { return s.kernel; });
  bool hasAic = static_cast<bool>(op.getAicKernelAttr());
  switch (op.getKind()) {
  case TaskKind::aic:
    if (!hasAic)
      return op.emitOpError() << "kind 'aic' requires the 'aic' kernel slot (rt_submit_aic_task)";
    for (const KernelSlot &slot : slots)
      if (slot.kernel && slot.name != "aic")
        return op.emitOpError() << "kind 'aic' takes only the 'aic' kernel slot, but '" << slot.name
                                << "' is set; use kind 'mix' for "
                                   "several kernels";
    return success();
  case TaskKind::aiv:
    if (hasAic)
      return op.emitOpError() << "kind 'aiv' must not fill the 'aic' kernel slot; "
                                 "use kind 'mix' for AIC + AIV";
    if (filled != 1)
      return op.emitOpError() << "kind 'aiv' takes exactly one of the 'aiv0'/'aiv1' "
                                 "kernel slots (rt_submit_aiv_task), got "
                              << filled << "; use kind 'mix' for both lanes";
    return success();
  case TaskKind::mix:
    if (filled < 2)
      return op.emitOpError() << "kind 'mix' needs at least two filled kernel slots "
                                 "of 'aic', 'aiv0', 'aiv1', got "
                              << filled << "; a single kernel is an 'aic' or 'aiv' task";
    return success();
  }
  llvm_unreachable("unknown task kind");
}

/// Checks the block count given to launch_spec.set_block_num. The runtime
/// keeps the block count and also block count x filled slots (the number of
/// subtasks) in int16 fields without an overflow check, so both must fit.
static LogicalResult verifyBlockNum(SubmitOp op) {
  if (op.getBlockNum() && op.getStaticBlockNumAttr())
    return op.emitOpError() << "block count is given both as a value and as the "
                               "static_block_num attribute; give one";
  std::optional<int64_t> blocks = op.getConstantBlockNum();
  if (!blocks)
    return success();
  int64_t filled = std::max<int64_t>(
      1, llvm::count_if(getKernelSlots(op), [](const KernelSlot &s) { return s.kernel; }));
  int64_t maxBlocks = SubmitOp::kMaxBlockNum / filled;
  if (*blocks >= 1 && *blocks <= maxBlocks)
    return success();
  InFlightDiagnostic diag = op.emitOpError() << "block count must be in [1, " << maxBlocks << "]";
  if (filled > 1)
    diag << " for a task with " << filled << " kernel slots (the runtime counts "
         << "block count x slots subtasks in an int16)";
  else
    diag << " (set_block_num takes a positive int16)";
  return diag << ", got " << *blocks;
}

/// Checks the argument lists against CoreTaskArgs.
static LogicalResult verifyArgLists(SubmitOp op) {
  if (op.getDirections().size() != op.getTensors().size())
    return op.emitOpError() << "expects one direction per tensor argument: "
                            << op.getTensors().size() << " tensor(s), " << op.getDirections().size()
                            << " direction(s)";
  if (op.getTensors().size() > SubmitOp::kMaxTensorArgs)
    return op.emitOpError() << "takes at most " << SubmitOp::kMaxTensorArgs
                            << " tensor arguments (CORE_MAX_TENSOR_ARGS), got "
                            << op.getTensors().size();
  if (op.getScalars().size() > SubmitOp::kMaxScalarArgs)
    return op.emitOpError() << "takes at most " << SubmitOp::kMaxScalarArgs
                            << " scalars (CORE_MAX_SCALAR_ARGS), got " << op.getScalars().size();
  for (auto [i, type] : llvm::enumerate(op.getScalars().getTypes()))
    if (!type.isSignlessInteger(64) && !type.isSignlessInteger(32) && !type.isF32())
      return op.emitOpError() << "scalar #" << i << " has type " << type
                              << "; scalars must be i64, i32 or f32 (add_scalar "
                                 "passes 64 raw bits, an f32 as its bits)";
  return success();
}

/// Rejects a task that writes (out/inout) a tensor overlapping one it reads
/// (in): the runtime orders writers only after earlier writers, never after
/// readers, so the write could land before the read.
static LogicalResult verifyNoWriteOfInput(SubmitOp op) {
  SmallVector<Footprint> footprints;
  for (Value tensor : op.getTensors())
    footprints.push_back(getFootprint(tensor));
  for (auto [i, readFp] : llvm::enumerate(footprints)) {
    if (op.getDirection(i) != ArgDirection::in)
      continue;
    for (auto [j, writeFp] : llvm::enumerate(footprints)) {
      ArgDirection dir = op.getDirection(j);
      if (dir == ArgDirection::in || !mayOverlap(readFp, writeFp))
        continue;
      return op.emitOpError() << "tensor argument #" << j << " ('" << stringifyArgDirection(dir)
                              << "') may overlap tensor argument #" << i
                              << " ('in'): a task must not write a tensor it reads, because the "
                                 "runtime does not track write-after-read; pass it once as "
                                 "'inout' or write a separate buffer";
    }
  }
  return success();
}

LogicalResult SubmitOp::verify() {
  if (failed(verifyArgLists(*this)) || failed(verifyKindAndSlots(*this)) ||
      failed(verifyBlockNum(*this)))
    return failure();
  return verifyNoWriteOfInput(*this);
}

LogicalResult SubmitOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  for (const KernelSlot &slot : getKernelSlots(*this)) {
    if (!slot.kernel)
      continue;
    Operation *callee = symbolTable.lookupNearestSymbolFrom(*this, slot.kernel);
    if (!callee)
      return emitOpError() << "'" << slot.name << "' kernel " << slot.kernel
                           << " does not resolve to a func.func in the enclosing "
                              "module";
    if (!isa<func::FuncOp>(callee))
      return emitOpError() << "'" << slot.name << "' kernel " << slot.kernel
                           << " must be a func.func, got '" << callee->getName() << "'";
    ptoattn::aicore::KernelAttr contract = ptoattn::aicore::getKernelAttr(callee);
    if (!contract)
      continue;
    StringRef core = ptoattn::aicore::stringifyCoreType(contract.getCore());
    if (core != slot.coreType)
      return emitOpError() << "'" << slot.name << "' kernel " << slot.kernel
                           << " must be an #aicore.kernel on core " << slot.coreType << ", got "
                           << core;
  }
  return success();
}
