//===- AICoreToEmitC.cpp - aicore kernels to EmitC ---------------------------===//
//
// Lowers each aicore kernel function to an `emitc.file` named after the
// kernel, holding one complete C++ source: simpler's kernel includes,
// `using namespace pto;` and `extern "C" __aicore__ void
// kernel_entry(__gm__ int64_t* args)`. Tiles and GM views become PTO-ISA
// `Tile<...>` / `GlobalTensor<...>` objects, instructions their PTO-ISA
// calls. The upstream C++ translation prints a kernel with
// `mlir-translate --mlir-to-cpp --file-id=<kernel>`; nothing patches its text.
//
// Tile instructions take their tiles by non-const reference, which
// `emitc.call_opaque` cannot express (it copies lvalues); they are printed by
// `emitc.verbatim` with operands, which names the C++ object itself.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Conversion/Passes.h"

#include "AICoreToEmitC/Common.h"

#include "mlir/Conversion/ArithToEmitC/ArithToEmitC.h"
#include "mlir/Conversion/SCFToEmitC/SCFToEmitC.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::ptoattn {
#define GEN_PASS_DEF_CONVERTAICORETOEMITC
#include "ptoattn/Conversion/Passes.h.inc"
} // namespace mlir::ptoattn

using namespace mlir;
using namespace mlir::ptoattn;
using namespace mlir::ptoattn::aicore_to_emitc;

/// Attributes of a kernel function (set by attn-assign-cores).
static constexpr StringLiteral kCoreTypeAttr = "ptoattn.core_type";
static constexpr StringLiteral kKernelArgsAttr = "ptoattn.kernel_args";
static constexpr StringLiteral kLanesAttr = "ptoattn.lanes";
/// Set on the declaration left behind: the id of the emitc.file holding the body.
static constexpr StringLiteral kEmitCFileAttr = "ptoattn.emitc_file";
/// The C++ entry every kernel file defines (simpler's kernel ABI).
static constexpr StringLiteral kEntryName = "kernel_entry";

//===----------------------------------------------------------------------===//
// Kernel files
//===----------------------------------------------------------------------===//

/// Whether `func` is a kernel produced by attn-assign-cores.
static bool isKernel(func::FuncOp func) {
  return func->hasAttr(kCoreTypeAttr) && func->hasAttr(kKernelArgsAttr) && !func.isExternal();
}

/// Rejects kernels this lowering cannot print, with a diagnostic on the op.
static LogicalResult checkKernel(func::FuncOp func) {
  if (func.getNumArguments() != 0 || func.getNumResults() != 0)
    return func.emitError("kernel must take no arguments and return nothing (it reads args[] "
                          "through aicore ops)");
  if (!func.getBody().hasOneBlock())
    return func.emitError("kernel body must be a single block");
  auto args = dyn_cast<ArrayAttr>(func->getAttr(kKernelArgsAttr));
  if (!args || !llvm::all_of(args, [](Attribute a) { return isa<StringAttr>(a); }))
    return func.emitError() << kKernelArgsAttr << " must be an array of strings";
  WalkResult walk = func.walk([&](Operation *op) {
    if (auto tile = dyn_cast<ac::TileOp>(op); tile && !tile.getOffset()) {
      tile.emitError("tile has no on-chip offset: run aicore-plan-memory first");
      return WalkResult::interrupt();
    }
    if (isa<ac::TileAliasOp, ac::TReshapeOp>(op) && !getTileOffset(op->getResult(0))) {
      op->emitError("cannot find the on-chip offset of this alias's source tile");
      return WalkResult::interrupt();
    }
    if (auto reshape = dyn_cast<ac::TReshapeOp>(op);
        reshape && cast<ac::TileType>(reshape.getType()).getNumDynamicValidDims() != 0) {
      reshape.emitError("treshape to a dynamic valid shape is not supported");
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

/// Whether a `ptoattn.kernel_args` entry names a tensor ("in x", "out y", "inout z").
static bool isTensorArg(StringRef entry) {
  return entry.starts_with("in ") || entry.starts_with("out ") || entry.starts_with("inout ");
}

/// Moves the body of `func` into `emitc.file "<name>"` + `kernel_entry`,
/// decodes the tensor arguments at entry, and leaves `func` a declaration.
static emitc::FuncOp outlineKernel(func::FuncOp func, KernelEntries &entries) {
  MLIRContext *ctx = func.getContext();
  Location loc = func.getLoc();
  OpBuilder b(func);
  StringRef name = func.getSymName();
  auto coreType = cast<StringAttr>(func->getAttr(kCoreTypeAttr));
  auto kernelArgs = cast<ArrayAttr>(func->getAttr(kKernelArgsAttr));

  auto file = emitc::FileOp::create(b, loc, name);
  file->setAttr(kCoreTypeAttr, coreType);
  b.setInsertionPointToStart(&file.getBodyRegion().front());
  int64_t lanes = 1;
  if (auto lanesAttr = dyn_cast_if_present<IntegerAttr>(func->getAttr(kLanesAttr)))
    lanes = lanesAttr.getInt();
  emitc::VerbatimOp::create(
      b, loc,
      llvm::formatv("// {0}: {1} kernel ({2} lane{3}), emitted by ptoattn convert-aicore-to-emitc", name,
                    coreType.getValue().upper(), lanes, lanes == 1 ? "" : "s")
          .str());
  emitc::VerbatimOp::create(
      b, loc,
      "// args: " + llvm::join(llvm::map_range(kernelArgs,
                                               [](Attribute a) { return cast<StringAttr>(a).getValue(); }),
                               ", "));
  // Same includes, in the same order, as simpler's hand-written kernels.
  emitc::IncludeOp::create(b, loc, "cstdint", /*is_standard_include=*/true);
  emitc::IncludeOp::create(b, loc, "pto/pto-inst.hpp", /*is_standard_include=*/true);
  emitc::IncludeOp::create(b, loc, "intrinsic.h");
  emitc::IncludeOp::create(b, loc, "tensor.h");
  emitc::VerbatimOp::create(b, loc, "using namespace pto;");
  emitc::IncludeOp::create(b, loc, "pipe_sync.h");

  auto argsType = emitc::PointerType::get(opaque(ctx, "__gm__ int64_t"));
  auto entryFunc = emitc::FuncOp::create(b, loc, kEntryName, FunctionType::get(ctx, {argsType}, {}));
  entryFunc.setSpecifiersAttr(b.getStrArrayAttr({"extern \"C\" __aicore__"}));
  Block *body = entryFunc.addEntryBlock();
  b.setInsertionPointToStart(body);

  // Decode the tensor descriptors in add_* order: args[i] is the address of
  // the i-th tensor's ChipTensor.
  KernelEntry &entry = entries[entryFunc.getOperation()];
  entry.args = body->getArgument(0);
  auto descType = emitc::PointerType::get(opaque(ctx, "__gm__ ChipTensor"));
  for (auto [slot, attr] : llvm::enumerate(kernelArgs)) {
    StringRef what = cast<StringAttr>(attr).getValue();
    if (!isTensorArg(what))
      break;
    emitc::VerbatimOp::create(b, loc, llvm::formatv("// args[{0}]: {1}", slot, what).str());
    Value var = emitc::VariableOp::create(b, loc, emitc::LValueType::get(descType),
                                          emitc::OpaqueAttr::get(ctx, ""));
    Value raw = argSlot(b, loc, entry.args, slot);
    Value cast = buildExpression(b, loc, descType, raw, /*noInline=*/false, [&](OpBuilder &eb, ValueRange in) {
      Value word = loadValue(eb, loc, in[0]);
      return emitc::CallOpaqueOp::create(eb, loc, TypeRange{descType}, "reinterpret_cast", ValueRange{word},
                                         ArrayAttr{}, eb.getArrayAttr({TypeAttr::get(descType)}))
          .getResult(0);
    });
    emitc::AssignOp::create(b, loc, var, cast);
    entry.descriptors.push_back(var);
  }

  Block &oldBody = func.getBody().front();
  body->getOperations().splice(body->end(), oldBody.getOperations());
  // The C++ translation prints every top-level function, even with
  // --file-id: drop the kernel unless something (orch.submit) still names it,
  // in which case a private declaration keeps that reference valid.
  if (SymbolTable::symbolKnownUseEmpty(func, func->getParentOp())) {
    func.erase();
  } else {
    func.getBody().getBlocks().clear();
    func.setPrivate();
    func->setAttr(kEmitCFileAttr, b.getStringAttr(name));
  }
  return entryFunc;
}

namespace {

struct ConvertAICoreToEmitCPass
    : mlir::ptoattn::impl::ConvertAICoreToEmitCBase<ConvertAICoreToEmitCPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<func::FuncOp> kernels;
    for (auto func : module.getOps<func::FuncOp>())
      if (isKernel(func))
        kernels.push_back(func);

    bool ok = true;
    for (func::FuncOp func : kernels)
      ok &= succeeded(checkKernel(func));
    if (!ok)
      return signalPassFailure();

    KernelEntries entries;
    SmallVector<Operation *> files;
    for (func::FuncOp func : kernels)
      files.push_back(outlineKernel(func, entries)->getParentOp());
    if (files.empty())
      return;

    // Upstream arith-to-emitc has no ceildiv/min/max: expand them first.
    RewritePatternSet expand(ctx);
    arith::populateCeilFloorDivExpandOpsPatterns(expand);
    arith::populateArithExpandOpsPatterns(expand);
    FrozenRewritePatternSet frozenExpand(std::move(expand));
    for (Operation *file : files)
      if (failed(applyPatternsGreedily(file, frozenExpand)))
        return signalPassFailure();

    KernelTypeConverter converter(ctx);
    RewritePatternSet patterns(ctx);
    populateMemoryPatterns(patterns, converter, entries);
    populateComputePatterns(patterns, converter);
    populateSyncPatterns(patterns, converter);
    populateArithToEmitCPatterns(converter, patterns);
    populateSCFToEmitCConversionPatterns(patterns, converter);

    ConversionTarget target(*ctx);
    target.addLegalDialect<emitc::EmitCDialect>();
    target.addIllegalDialect<ac::AICoreDialect, arith::ArithDialect, scf::SCFDialect,
                             func::FuncDialect>();
    if (failed(applyPartialConversion(files, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
