//===- OrchToEmitC.cpp - orch orchestration function to EmitC -----------===//
//
// Lowers the orchestration function (`orch.entry`) to an `emitc.file
// "orchestration"` that the upstream C++ translation prints as the
// orchestration source for simpler's tensormap_and_ringbuffer runtime.
//
// The pass builds the file scaffolding (includes, FUNC_* defines, the two
// extern "C" functions), moves the entry's body into
// `aicpu_orchestration_entry` and converts it as a dialect conversion: one
// pattern per orch op, upstream's arith and scf patterns for the host
// arithmetic and loops, and the index type `int64_t` shared with the kernels
// (EmitCCommon.h). `orch.scope` stays a region: its body becomes the rest of
// the enclosing C++ block after a `PTO2_SCOPE_GUARD()`, or a block of its own.
//
// Runtime objects are C++ variables named after what they hold: a tensor
// takes the name the kernel contract (`#aicore.kernel` argument roles) gives
// the slot it is first submitted in (`query`, `scores`, ...), a task's
// arguments the kernel's name (`qk_matmul_args`). Calls on runtime objects
// (`view`, `get_ref`, `add_input`, the submits) are `emitc.verbatim`
// statements: EmitC has no member call, and `emitc.call_opaque` refuses
// lvalue operands.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Conversion/Passes.h"

#include "EmitCCommon.h"
#include "ptoattn/Dialect/AICore/IR/AICore.h"
#include "ptoattn/Dialect/Orch/IR/Orch.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::ptoattn {
#define GEN_PASS_DEF_CONVERTORCHTOEMITC
#include "ptoattn/Conversion/Passes.h.inc"
} // namespace mlir::ptoattn

using namespace mlir;
using namespace mlir::ptoattn;
using emitc_common::NameTable;
using emitc_common::verbatim;

/// The emitc.file id the orchestration source is emitted under.
static constexpr llvm::StringLiteral kFileId = "orchestration";

/// The `#define` naming a kernel's func_id: `FUNC_` + the upper-cased symbol.
static std::string kernelMacro(StringRef symbol) { return "FUNC_" + symbol.upper(); }

/// The runtime DataType spelling of an orch element type.
static StringRef dataTypeName(Type type) {
  if (type.isF32())
    return "DataType::FLOAT32";
  if (type.isF16())
    return "DataType::FLOAT16";
  if (type.isBF16())
    return "DataType::BFLOAT16";
  if (type.isInteger(1))
    return "DataType::BOOL";
  auto it = dyn_cast<IntegerType>(type);
  if (!it)
    return "";
  bool u = it.isUnsigned();
  switch (it.getWidth()) {
  case 8:
    return u ? "DataType::UINT8" : "DataType::INT8";
  case 16:
    return u ? "DataType::UINT16" : "DataType::INT16";
  case 32:
    return u ? "DataType::UINT32" : "DataType::INT32";
  case 64:
    return u ? "DataType::UINT64" : "DataType::INT64";
  default:
    return "";
  }
}

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

namespace {

/// The C++ names of the orchestration's values and tasks, fixed before the
/// conversion so that they follow program order.
struct OrchNames {
  DenseMap<Value, std::string> values;
  NameTable table;
  /// Dropped from kernel symbols to name their tasks (`paged_attention_`).
  std::string kernelPrefix;
  /// The scopes that end their enclosing block, read before the conversion
  /// moves bodies around.
  DenseSet<Operation *> lastInBlock;

  std::string of(Value v, StringRef fallback) {
    auto it = values.find(v);
    return it != values.end() ? it->second : table.unique(fallback);
  }
  std::string task(StringRef kernel, StringRef suffix) {
    StringRef stem = kernel;
    stem.consume_front(kernelPrefix);
    return table.unique((stem + suffix).str());
  }
};

/// The longest common prefix of the kernel symbols that ends in `_`, so that
/// tasks are named by what differs (`qk_matmul`); empty for a single kernel.
static std::string commonKernelPrefix(const llvm::MapVector<StringRef, int64_t> &ids) {
  if (ids.size() < 2)
    return "";
  StringRef prefix = ids.front().first;
  for (auto &[name, id] : ids) {
    size_t n = 0;
    while (n < prefix.size() && n < name.size() && prefix[n] == name[n])
      ++n;
    prefix = prefix.take_front(n);
  }
  size_t cut = prefix.rfind('_');
  return cut == StringRef::npos ? "" : prefix.take_front(cut + 1).str();
}

/// Names every value a submission passes by the role the kernel contract
/// gives its slot; arg_dim values after their tensor. Program order decides
/// which of two same-role values keeps the bare name.
static void nameValues(func::FuncOp entry, ModuleOp module, OrchNames &names) {
  DenseMap<Value, StringRef> roles;
  entry.walk([&](orch::SubmitOp submit) {
    for (FlatSymbolRefAttr k :
         {submit.getAicKernelAttr(), submit.getAiv0KernelAttr(), submit.getAiv1KernelAttr()}) {
      auto kernel = k ? module.lookupSymbol<func::FuncOp>(k.getAttr()) : func::FuncOp();
      aicore::KernelAttr contract = kernel ? aicore::getKernelAttr(kernel) : aicore::KernelAttr();
      if (!contract)
        continue;
      SmallVector<aicore::KernelArgAttr> args = contract.getArguments();
      SmallVector<Value> operands(submit.getTensors());
      llvm::append_range(operands, submit.getScalars());
      for (auto [slot, v] : llvm::enumerate(operands))
        if (slot < args.size() && !args[slot].getRole().empty() && isa<OpResult>(v))
          roles.try_emplace(v, args[slot].getRole());
    }
  });
  DenseMap<int64_t, std::string> externals;
  entry.walk([&](Operation *op) {
    for (Value v : op->getResults()) {
      auto role = roles.find(v);
      if (role == roles.end())
        continue;
      names.values[v] = names.table.unique(role->second);
      if (auto ext = dyn_cast<orch::ExternalOp>(op))
        externals[ext.getArgIndex()] = names.values[v];
    }
  });
  entry.walk([&](orch::ArgDimOp dim) {
    auto ext = externals.find(dim.getArgIndex());
    std::string base =
        ext != externals.end() ? ext->second : llvm::formatv("arg{0}", dim.getArgIndex()).str();
    names.values[dim.getResult()] =
        names.table.unique(llvm::formatv("{0}_dim{1}", base, dim.getDim()).str());
  });
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// Base of the orch patterns: the shared names and small builders.
template <typename OpTy> struct OrchPattern : OpConversionPattern<OpTy> {
  OrchPattern(const TypeConverter &converter, MLIRContext *ctx, OrchNames &names)
      : OpConversionPattern<OpTy>(converter, ctx), names(names) {}
  OrchNames &names;

  Type chipTensor() const { return emitc::OpaqueType::get(this->getContext(), "ChipTensor"); }
  /// `uint32_t name[n] = {...};`: the static extents, then `dynamics` in
  /// order where an extent is dynamic.
  Value uint32Array(OpBuilder &b, Location loc, StringRef name, ArrayRef<int64_t> statics,
                    ValueRange dynamics) const {
    SmallVector<std::string> items;
    for (int64_t s : statics)
      items.push_back(ShapedType::isDynamic(s) ? "static_cast<uint32_t>({})" : std::to_string(s));
    std::string open = dynamics.empty() ? "{" : "{{";
    auto type = emitc::ArrayType::get({static_cast<int64_t>(statics.size())},
                                      b.getIntegerType(32, /*isSigned=*/false));
    return emitc_common::declareNamed(
        b, loc, type, "uint32_t", name,
        llvm::formatv("[{0}] = {1}{2}}", statics.size(), open, llvm::join(items, ", ")).str(),
        dynamics);
  }
  /// `if (condition) { rt_report_fatal(...); return; }`: the orchestration
  /// stops with a message naming `what` failed. `condition` may hold `{}`
  /// placeholders for `args`. Laid out as clang-format would, the message as
  /// adjacent string literals of at most kMessageChunk characters.
  static void stopOnFailure(OpBuilder &b, Location loc, StringRef condition, StringRef what,
                            ValueRange args = {}) {
    StringRef open = args.empty() ? "{" : "{{";
    std::string message =
        ("ptoattn orchestration: " + what + "; stopping (the runtime's report above says why)")
            .str();
    std::string text = ("if (" + condition + ") " + open + "\n").str();
    text += "  rt_report_fatal(PTO2_ERROR_EXPLICIT_ORCH_FATAL,";
    for (StringRef rest = message; !rest.empty();) {
      // Break after the last space that keeps the chunk short enough.
      size_t cut = rest.size() <= kMessageChunk ? rest.size()
                                                : rest.take_front(kMessageChunk).rfind(' ') + 1;
      if (cut == 0) // no space: npos + 1
        cut = kMessageChunk;
      text += "\n                  \"" + rest.take_front(cut).str() + "\"";
      rest = rest.drop_front(cut);
    }
    text += ");\n  return;\n}";
    verbatim(b, loc, text, args);
  }
  /// The longest piece of a fatal message on one line: with the call's
  /// continuation indent it keeps the line within 100 columns to nesting depth 10.
  static constexpr size_t kMessageChunk = 58;
};

/// `ChipTensor name = make_tensor_external(<arg i data>, name_shape, rank, dtype, manual);`
struct ExternalLowering : OrchPattern<orch::ExternalOp> {
  using OrchPattern::OrchPattern;
  LogicalResult matchAndRewrite(orch::ExternalOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<orch::ChipTensorType>(op.getType());
    std::string name = names.of(op.getResult(), llvm::formatv("arg{0}", op.getArgIndex()).str());
    Value shape =
        uint32Array(rewriter, loc, name + "_shape", type.getShape(), adaptor.getDynamicSizes());
    emitc_common::replaceWithNamed(
        rewriter, op, chipTensor(), "ChipTensor", name,
        llvm::formatv(
            " = make_tensor_external(orch_args.tensor({0}).ref().data_as<void>(), {{}, {1}, "
            "{2}, {3})",
            op.getArgIndex(), type.getRank(), dataTypeName(type.getElementType()),
            op.getManualDep() ? "true" : "false")
            .str(),
        shape);
    return success();
  }
};

/// `const int64_t name = orch_args.tensor(i).ref().shapes[d];`
struct ArgDimLowering : OrchPattern<orch::ArgDimOp> {
  using OrchPattern::OrchPattern;
  LogicalResult matchAndRewrite(orch::ArgDimOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    return emitc_common::replaceWithConstant(
        rewriter, op, rewriter.getI64Type(), names.of(op.getResult(), "dim"), [&](StringRef) {
          return llvm::formatv("orch_args.tensor({0}).ref().shapes[{1}]", op.getArgIndex(),
                               op.getDim())
              .str();
        });
  }
};

/// `const T name = from_u64<T>(orch_args.scalar(i));`
struct ArgScalarLowering : OrchPattern<orch::ArgScalarOp> {
  using OrchPattern::OrchPattern;
  LogicalResult matchAndRewrite(orch::ArgScalarOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Type type = getTypeConverter()->convertType(op.getType());
    std::string name = names.of(op.getResult(), llvm::formatv("scalar{0}", op.getArgIndex()).str());
    return emitc_common::replaceWithConstant(rewriter, op, type, name, [&](StringRef cppType) {
      return llvm::formatv("from_u64<{0}>(orch_args.scalar({1}))", cppType, op.getArgIndex()).str();
    });
  }
};

/// A scope that ends its enclosing block is a `PTO2_SCOPE_GUARD()` followed
/// by its body: the guard lives to the end of the C++ block, which is the end
/// of the scope. Any other scope gets a block of its own (`if (true) {...}`,
/// EmitC's only plain region).
struct ScopeLowering : OrchPattern<orch::ScopeOp> {
  using OrchPattern::OrchPattern;
  LogicalResult matchAndRewrite(orch::ScopeOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (auto ring = op.getRingAttr())
      verbatim(rewriter, loc,
               llvm::formatv("// scope: {0} task slots, {1} heap bytes, {2} dependency entries",
                             ring.getTaskSlots(), ring.getHeapBytes(), ring.getDepEntries())
                   .str());
    bool endsBlock = names.lastInBlock.contains(op);
    Block &body = op.getBody().front();
    if (endsBlock) {
      verbatim(rewriter, loc, "PTO2_SCOPE_GUARD();");
      rewriter.inlineBlockBefore(&body, op);
      rewriter.eraseOp(op);
      return success();
    }
    Value always = emitc::LiteralOp::create(rewriter, loc, rewriter.getI1Type(), "true");
    auto block = emitc::IfOp::create(rewriter, loc, always, /*addThenBlock=*/false,
                                     /*addElseBlock=*/false);
    Region &then = block.getThenRegion();
    rewriter.inlineRegionBefore(op.getBody(), then, then.end());
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(&then.front());
    verbatim(rewriter, loc, "PTO2_SCOPE_GUARD();");
    rewriter.setInsertionPointToEnd(&then.front());
    emitc::YieldOp::create(rewriter, loc);
    rewriter.eraseOp(op);
    return success();
  }
};

/// One `TensorCreateInfo` per buffer, one `alloc_tensors`, a check, and a
/// `ChipTensor` per buffer from `get_ref(k)`.
struct AllocLowering : OrchPattern<orch::AllocOp> {
  using OrchPattern::OrchPattern;
  LogicalResult matchAndRewrite(orch::AllocOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    verbatim(rewriter, loc,
             llvm::formatv("// {0} buffer(s) on the ring heap, allocated by one alloc task",
                           op.getNumResults())
                 .str());
    SmallVector<std::string> bufferNames;
    SmallVector<Value> infos;
    ValueRange dyn = adaptor.getDynamicSizes();
    for (Value res : op.getResults()) {
      auto type = cast<orch::ChipTensorType>(res.getType());
      std::string name = names.of(res, "buffer");
      bufferNames.push_back(name);
      unsigned n = type.getNumDynamicDims();
      Value shape = uint32Array(rewriter, loc, name + "_shape", type.getShape(), dyn.take_front(n));
      dyn = dyn.drop_front(n);
      infos.push_back(emitc_common::declareNamed(
          rewriter, loc, emitc::OpaqueType::get(ctx, "TensorCreateInfo"), "TensorCreateInfo",
          name + "_info",
          llvm::formatv("({{}, {0}, {1}, {2})", type.getRank(), dataTypeName(type.getElementType()),
                        op.getManualDep() ? "true" : "false")
              .str(),
          shape));
    }
    SmallVector<StringRef> holes(infos.size(), "{}");
    Value outputs = emitc_common::declareNamed(
        rewriter, loc, emitc::OpaqueType::get(ctx, "TaskOutputTensors"), "TaskOutputTensors",
        names.table.unique("buffers"), " = alloc_tensors(" + llvm::join(holes, ", ") + ")", infos);
    // A failed allocation (e.g. the runtime's heap-deadlock report) returns no
    // outputs; get_ref on it would end in an assertion instead of the report.
    stopOnFailure(rewriter, loc, "{}.empty()",
                  llvm::formatv("alloc_tensors of {0} buffer(s) failed", op.getNumResults()).str(),
                  outputs);
    SmallVector<Value> results;
    for (auto [k, name] : llvm::enumerate(bufferNames))
      results.push_back(emitc_common::declareNamed(rewriter, loc, chipTensor(), "ChipTensor", name,
                                                   llvm::formatv(" = {{}.get_ref({0})", k).str(),
                                                   outputs));
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// `ChipTensor name = source.view(name_sizes, name_offsets, manual);`
struct ViewLowering : OrchPattern<orch::ViewOp> {
  using OrchPattern::OrchPattern;
  LogicalResult matchAndRewrite(orch::ViewOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    std::string name = names.of(op.getResult(), "view");
    Value sizes =
        uint32Array(rewriter, loc, name + "_sizes", op.getStaticSizes(), adaptor.getSizes());
    Value offsets =
        uint32Array(rewriter, loc, name + "_offsets", op.getStaticOffsets(), adaptor.getOffsets());
    emitc_common::replaceWithNamed(
        rewriter, op, chipTensor(), "ChipTensor", name,
        llvm::formatv(" = {{}.view({{}, {{}, {0})", op.getManualDep() ? "true" : "false").str(),
        {adaptor.getSource(), sizes, offsets});
    return success();
  }
};

/// `const T name = get_tensor_data<T>(tensor, rank, name_index);`: a blocking
/// read of one element.
struct ReadLowering : OrchPattern<orch::ReadOp> {
  using OrchPattern::OrchPattern;
  LogicalResult matchAndRewrite(orch::ReadOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type type = getTypeConverter()->convertType(op.getType());
    // Checked before the index array is built: a pattern fails without changing the IR.
    if (!emitc_common::cppTypeName(type))
      return rewriter.notifyMatchFailure(op, "element type has no C++ spelling");
    int64_t rank = cast<orch::ChipTensorType>(op.getTensor().getType()).getRank();
    auto tensorName = adaptor.getTensor().getDefiningOp<emitc::LiteralOp>();
    std::string name =
        names.of(op.getResult(), tensorName ? (tensorName.getValue() + "_elem").str() : "elem");
    Value index =
        uint32Array(rewriter, loc, name + "_index", op.getStaticIndices(), adaptor.getIndices());
    return emitc_common::replaceWithConstant(
        rewriter, op, type, name,
        [&](StringRef cppType) {
          return llvm::formatv("get_tensor_data<{0}>({{}, {1}, {{})", cppType, rank).str();
        },
        {adaptor.getTensor(), index});
  }
};

/// A blocking read of element 0, for its ordering only.
struct WaitLowering : OrchPattern<orch::WaitOp> {
  using OrchPattern::OrchPattern;
  LogicalResult matchAndRewrite(orch::WaitOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<orch::ChipTensorType>(op.getTensor().getType());
    verbatim(rewriter, loc,
             "// wait for the tensor's writers: bounds how far the orchestration runs ahead");
    Value index = uint32Array(rewriter, loc, names.table.unique("first"),
                              SmallVector<int64_t>(type.getRank(), 0), {});
    verbatim(rewriter, loc,
             llvm::formatv("(void)get_tensor_data({{}, {0}, {{});", type.getRank()).str(),
             {adaptor.getTensor(), index});
    rewriter.eraseOp(op);
    return success();
  }
};

/// `CoreTaskArgs` filled in argument order (tensors, then scalars), the block
/// count, the submission and a check.
struct SubmitLowering : OrchPattern<orch::SubmitOp> {
  using OrchPattern::OrchPattern;
  LogicalResult matchAndRewrite(orch::SubmitOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    SmallVector<std::string> kernels;
    for (FlatSymbolRefAttr k :
         {op.getAicKernelAttr(), op.getAiv0KernelAttr(), op.getAiv1KernelAttr()})
      if (k && !llvm::is_contained(kernels, k.getValue().str()))
        kernels.push_back(k.getValue().str());
    std::string blocks = op.getStaticBlockNum() ? std::to_string(*op.getStaticBlockNum())
                         : op.getBlockNum()     ? std::string("n")
                                                : std::string("1");
    verbatim(rewriter, loc,
             llvm::formatv("// task {0} ({1}, {2} block(s))", llvm::join(kernels, " + "),
                           orch::stringifyTaskKind(op.getKind()), blocks)
                 .str());

    StringRef first = kernels.front();
    Value args =
        emitc_common::declareNamed(rewriter, loc, emitc::OpaqueType::get(ctx, "CoreTaskArgs"),
                                   "CoreTaskArgs", names.task(first, "_args"), "");
    // Consecutive tensors of one direction share one add_* call.
    ArrayRef<Attribute> dirs = op.getDirections().getValue();
    ValueRange tensors = adaptor.getTensors();
    for (size_t i = 0; i < tensors.size();) {
      auto dir = cast<orch::ArgDirectionAttr>(dirs[i]).getValue();
      SmallVector<Value> group{args};
      size_t j = i;
      for (; j < tensors.size() && cast<orch::ArgDirectionAttr>(dirs[j]).getValue() == dir; ++j)
        group.push_back(tensors[j]);
      StringRef call = dir == orch::ArgDirection::in    ? "add_input"
                       : dir == orch::ArgDirection::out ? "add_output"
                                                        : "add_inout";
      SmallVector<StringRef> holes(j - i, "{}");
      verbatim(rewriter, loc, llvm::formatv("{{}.{0}({1});", call, llvm::join(holes, ", ")).str(),
               group);
      i = j;
    }
    if (!adaptor.getScalars().empty()) {
      SmallVector<Value> group{args};
      llvm::append_range(group, adaptor.getScalars());
      SmallVector<StringRef> holes(adaptor.getScalars().size(), "{}");
      verbatim(rewriter, loc, llvm::formatv("{{}.add_scalar({0});", llvm::join(holes, ", ")).str(),
               group);
    }
    if (std::optional<int64_t> n = op.getStaticBlockNum()) {
      if (*n > 1)
        verbatim(rewriter, loc, llvm::formatv("{{}.launch_spec.set_block_num({0});", *n).str(),
                 args);
    } else if (Value n = adaptor.getBlockNum()) {
      verbatim(rewriter, loc, "{}.launch_spec.set_block_num(static_cast<int16_t>({}));", {args, n});
    }

    auto id = [](FlatSymbolRefAttr k) { return kernelMacro(k.getValue()); };
    switch (op.getKind()) {
    case orch::TaskKind::aic:
      verbatim(rewriter, loc,
               llvm::formatv("rt_submit_aic_task({0}, {{});", id(op.getAicKernelAttr())).str(),
               args);
      break;
    case orch::TaskKind::aiv: {
      FlatSymbolRefAttr k =
          op.getAiv0KernelAttr() ? op.getAiv0KernelAttr() : op.getAiv1KernelAttr();
      verbatim(rewriter, loc, llvm::formatv("rt_submit_aiv_task({0}, {{});", id(k)).str(), args);
      break;
    }
    case orch::TaskKind::mix: {
      // Slots left empty keep MixedKernels' default, INVALID_KERNEL_ID.
      Value mixed =
          emitc_common::declareNamed(rewriter, loc, emitc::OpaqueType::get(ctx, "MixedKernels"),
                                     "MixedKernels", names.task(first, "_kernels"), "");
      auto setSlot = [&](FlatSymbolRefAttr k, StringRef field) {
        if (k)
          verbatim(rewriter, loc, llvm::formatv("{{}.{0} = {1};", field, id(k)).str(), mixed);
      };
      setSlot(op.getAicKernelAttr(), "aic_kernel_id");
      setSlot(op.getAiv0KernelAttr(), "aiv0_kernel_id");
      setSlot(op.getAiv1KernelAttr(), "aiv1_kernel_id");
      verbatim(rewriter, loc, "rt_submit_task({}, {});", {mixed, args});
      break;
    }
    }
    // A refused submission (pool or window deadlock, invalid arguments) marks the
    // runtime fatal; later tasks would be dropped, so stop here with a message.
    stopOnFailure(rewriter, loc, "rt_is_fatal()",
                  "submitting task " + llvm::join(kernels, " + ") + " failed");
    rewriter.eraseOp(op);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct ConvertOrchToEmitCPass
    : public mlir::ptoattn::impl::ConvertOrchToEmitCBase<ConvertOrchToEmitCPass> {
  void runOnOperation() override;
};
} // namespace

/// Builds the file's includes, kernel ids and aicpu_orchestration_config;
/// returns the body block of aicpu_orchestration_entry, which binds
/// `orch_args`.
static Block *buildScaffold(OpBuilder &b, func::FuncOp entry, orch::EntryAttr entryAttr,
                            const llvm::MapVector<StringRef, int64_t> &kernelIds) {
  MLIRContext *ctx = b.getContext();
  Location loc = entry.getLoc();
  auto verbatim = [&](StringRef text, ValueRange args = {}) {
    emitc_common::verbatim(b, loc, text, args);
  };
  verbatim(llvm::formatv("// Orchestration @{0}, emitted by ptoattn (convert-orch-to-emitc).",
                         entry.getSymName())
               .str());
  emitc::IncludeOp::create(b, loc, b.getStringAttr("cstdint"), b.getUnitAttr());
  emitc::IncludeOp::create(b, loc, b.getStringAttr("pto_orchestration_api.h"));
  verbatim("// Kernel ids: the scene test's func_id values (numbered by first use below).");
  for (auto [name, id] : kernelIds)
    verbatim(llvm::formatv("#define {0} {1}", kernelMacro(name), id).str());
  verbatim("");

  Type argsType = emitc::OpaqueType::get(ctx, "const ChipTaskArgs &");
  auto specifiers = b.getStrArrayAttr({"extern \"C\" __attribute__((visibility(\"default\")))"});
  Type configType = emitc::OpaqueType::get(ctx, "PTO2OrchestrationConfig");
  auto config = emitc::FuncOp::create(b, loc, "aicpu_orchestration_config",
                                      b.getFunctionType({argsType}, {configType}));
  config.setSpecifiersAttr(specifiers);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(config.addEntryBlock());
    verbatim("(void){};", config.getArgument(0));
    Value cfg =
        emitc::LiteralOp::create(b, loc, configType,
                                 llvm::formatv("PTO2OrchestrationConfig{{{0}}",
                                               entryAttr.getTensors() + entryAttr.getScalars())
                                     .str());
    emitc::ReturnOp::create(b, loc, cfg);
  }
  verbatim("");
  auto func =
      emitc::FuncOp::create(b, loc, "aicpu_orchestration_entry", b.getFunctionType({argsType}, {}));
  func.setSpecifiersAttr(specifiers);
  Block *body = func.addEntryBlock();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(body);
  // EmitC names parameters itself; the accessors are written against this name.
  verbatim("const ChipTaskArgs &orch_args = {};", func.getArgument(0));
  return body;
}

void ConvertOrchToEmitCPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();
  func::FuncOp entry;
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (!fn->hasAttr(orch::OrchDialect::kEntryAttrName))
      continue;
    if (entry) {
      fn.emitError("more than one orchestration entry function (orch.entry); the first is @")
          << entry.getSymName();
      return signalPassFailure();
    }
    entry = fn;
  }
  if (!entry)
    return; // Nothing to lower: a module of kernels only.
  if (entry.getNumArguments() != 0 || entry.getNumResults() != 0 ||
      !entry.getBody().hasOneBlock()) {
    entry.emitError("orchestration entry must have one block, no arguments and no results");
    return signalPassFailure();
  }
  auto entryAttr = entry->getAttrOfType<orch::EntryAttr>(orch::OrchDialect::kEntryAttrName);
  if (!entryAttr) {
    entry.emitError("orch.entry must be an #orch.entry attribute");
    return signalPassFailure();
  }

  // The patterns below cover orch, arith, scf and the return; name anything else.
  WalkResult foreign = entry.getBody().walk([&](Operation *op) {
    if (isa<func::ReturnOp>(op) ||
        isa_and_present<orch::OrchDialect, arith::ArithDialect, scf::SCFDialect>(op->getDialect()))
      return WalkResult::advance();
    op->emitOpError("cannot be lowered by convert-orch-to-emitc");
    return WalkResult::interrupt();
  });
  if (foreign.wasInterrupted())
    return signalPassFailure();

  // Kernel ids by first use (the same numbering the driver reads for the manifest).
  llvm::MapVector<StringRef, int64_t> kernelIds = orch::getKernelIds(entry);
  OrchNames names;
  names.table.unique("orch_args");
  names.kernelPrefix = commonKernelPrefix(kernelIds);
  nameValues(entry, module, names);
  entry.walk([&](orch::ScopeOp scope) {
    Operation *next = scope->getNextNode();
    if (!next || next->hasTrait<OpTrait::IsTerminator>())
      names.lastInBlock.insert(scope);
  });
  OpBuilder b(ctx);
  b.setInsertionPointToEnd(module.getBody());
  auto file = emitc::FileOp::create(b, entry.getLoc(), kFileId);
  if (file.getBodyRegion().empty())
    file.getBodyRegion().emplaceBlock();
  b.setInsertionPointToStart(&file.getBodyRegion().front());
  Block *body = buildScaffold(b, entry, entryAttr, kernelIds);
  body->getOperations().splice(body->end(), entry.getBody().front().getOperations());
  entry.erase();

  if (failed(emitc_common::prepareArith(file)))
    return signalPassFailure();
  TypeConverter converter;
  converter.addConversion([](Type type) -> std::optional<Type> {
    if (emitc::isSupportedEmitCType(type))
      return type;
    return std::nullopt;
  });
  converter.addConversion(
      [ctx](orch::ChipTensorType) -> Type { return emitc::OpaqueType::get(ctx, "ChipTensor"); });
  RewritePatternSet patterns(ctx);
  emitc_common::populateScalarPatterns(converter, patterns);
  patterns.add<ExternalLowering, ArgDimLowering, ArgScalarLowering, ScopeLowering, AllocLowering,
               ViewLowering, ReadLowering, WaitLowering, SubmitLowering>(converter, ctx, names);
  ConversionTarget target(*ctx);
  target.addLegalDialect<emitc::EmitCDialect>();
  target.addIllegalDialect<orch::OrchDialect, arith::ArithDialect, scf::SCFDialect,
                           func::FuncDialect>();
  if (failed(applyPartialConversion(file, target, std::move(patterns))))
    signalPassFailure();
}
