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

/// The C++ entry every kernel file defines (simpler's kernel ABI).
static constexpr StringLiteral kEntryName = "kernel_entry";

//===----------------------------------------------------------------------===//
// Kernel files
//===----------------------------------------------------------------------===//

/// Whether `func` is a kernel (it carries `#aicore.kernel`) with a body.
static bool isKernel(func::FuncOp func) {
  return ac::getKernelAttr(func) && !func.isExternal();
}

/// Rejects kernels this lowering cannot print, with a diagnostic on the op.
static LogicalResult checkKernel(func::FuncOp func) {
  if (func.getNumArguments() != 0 || func.getNumResults() != 0)
    return func.emitError("kernel must take no arguments and return nothing (it reads args[] "
                          "through aicore ops)");
  if (!func.getBody().hasOneBlock())
    return func.emitError("kernel body must be a single block");
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

/// Moves the body of `func` into `emitc.file "<name>"` + `kernel_entry`,
/// decodes the tensor arguments at entry, and leaves `func` a declaration.
static emitc::FuncOp outlineKernel(func::FuncOp func, KernelEntries &entries) {
  MLIRContext *ctx = func.getContext();
  Location loc = func.getLoc();
  OpBuilder b(func);
  StringRef name = func.getSymName();
  ac::KernelAttr kernel = ac::getKernelAttr(func);
  SmallVector<ac::KernelArgAttr> kernelArgs = kernel.getArguments();

  // The file carries no attribute: the converted module stays readable by
  // upstream tools that do not know the aicore dialect.
  auto file = emitc::FileOp::create(b, loc, name);
  b.setInsertionPointToStart(&file.getBodyRegion().front());
  int64_t lanes = kernel.getLanes();
  emitc::VerbatimOp::create(
      b, loc,
      llvm::formatv("// {0}: {1} kernel ({2} lane{3}), emitted by ptoattn convert-aicore-to-emitc", name,
                    StringRef(ac::stringifyCoreType(kernel.getCore())).upper(), lanes,
                    lanes == 1 ? "" : "s")
          .str());
  emitc::VerbatimOp::create(
      b, loc,
      "// args: " + llvm::join(llvm::map_range(kernelArgs,
                                               [](ac::KernelArgAttr a) { return a.describe(); }),
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
  for (auto [slot, arg] : llvm::enumerate(kernelArgs)) {
    if (!arg.isTensor())
      break;
    emitc::VerbatimOp::create(b, loc, llvm::formatv("// args[{0}]: {1}", slot, arg.describe()).str());
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
  // in which case a private declaration (still carrying its #aicore.kernel)
  // keeps that reference valid; its body is the emitc.file of the same name.
  if (SymbolTable::symbolKnownUseEmpty(func, func->getParentOp())) {
    func.erase();
  } else {
    func.getBody().getBlocks().clear();
    func.setPrivate();
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

    // Once the kernels are C++, nothing needs the chip any more; dropping it
    // keeps the module readable by upstream mlir-translate.
    if (!kernels.empty())
      module->removeAttr(ac::AICoreDialect::kTargetAttrName);

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
