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
#include "EmitCCommon.h"

#include "mlir/Conversion/ArithToEmitC/ArithToEmitC.h"
#include "mlir/Conversion/SCFToEmitC/SCFToEmitC.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"
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
static bool isKernel(func::FuncOp func) { return ac::getKernelAttr(func) && !func.isExternal(); }

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

/// The name the kernel builder gave the tile `op` declares or aliases: a
/// `NameLoc` around the location of its kernel (KernelBuilder::named). A
/// location the op only inherits, as every op of the kernel does, is no name
/// even when it is a `NameLoc` (the Python builder names every op after its
/// function).
static std::optional<StringRef> givenName(Operation *op, Location kernelLoc) {
  auto name = dyn_cast<NameLoc>(op->getLoc());
  if (!isa<ac::TileOp, ac::TileAliasOp>(op) || !name || name.getChildLoc() != kernelLoc)
    return std::nullopt;
  return name.getName().strref();
}

/// The name that says what a tile holds: the one the kernel builder gave it
/// (`givenName`, e.g. `alpha`), else from how the kernel uses it: the
/// argument it is loaded from or stored to (`scores_tile`), the tile it is
/// moved, converted or aliased from (`query_left`, `probs_f32`,
/// `scores_padded`), `tmp` for a reduction's scratch; else its buffer.
static void nameTiles(func::FuncOp func, ArrayRef<std::string> roles,
                      DenseMap<Value, std::string> &bases) {
  func.walk([&](Operation *op) {
    if (std::optional<StringRef> name = givenName(op, func.getLoc()))
      bases.try_emplace(op->getResult(0), name->str());
  });
  auto viewRole = [&](Value view) -> std::optional<std::string> {
    auto gm = view.getDefiningOp<ac::GmViewOp>();
    auto ptr = gm ? gm.getBase().getDefiningOp<ac::TensorPtrOp>() : ac::TensorPtrOp();
    if (!ptr || ptr.getArg() >= static_cast<int64_t>(roles.size()))
      return std::nullopt;
    return roles[ptr.getArg()];
  };
  auto stem = [&](Value tile) {
    StringRef name = bases.lookup(tile);
    name.consume_back("_tile");
    return name.str();
  };
  func.walk([&](Operation *op) {
    if (auto load = dyn_cast<ac::TLoadOp>(op)) {
      if (std::optional<std::string> role = viewRole(load.getSrc()))
        bases.try_emplace(load.getDst(), *role + "_tile");
    } else if (auto store = dyn_cast<ac::TStoreOp>(op)) {
      if (std::optional<std::string> role = viewRole(store.getDst()))
        bases.try_emplace(store.getSrc(), *role + "_tile");
    } else if (auto max = dyn_cast<ac::TRowMaxOp>(op)) {
      bases.try_emplace(max.getTmp(), "tmp");
    } else if (auto sum = dyn_cast<ac::TRowSumOp>(op)) {
      bases.try_emplace(sum.getTmp(), "tmp");
    }
  });
  // Derived names follow their source; two rounds reach an alias of a move.
  for (int round = 0; round < 2; ++round)
    func.walk([&](Operation *op) {
      if (auto mov = dyn_cast<ac::TMovOp>(op); mov && bases.count(mov.getSrc())) {
        StringRef loc =
            ac::stringifyTileLocation(cast<ac::TileType>(mov.getDst().getType()).getLocation());
        bases.try_emplace(mov.getDst(), stem(mov.getSrc()) + "_" + loc.str());
      } else if (auto cvt = dyn_cast<ac::TCvtOp>(op); cvt && bases.count(cvt.getSrc())) {
        Type elem = cast<ac::TileType>(cvt.getDst().getType()).getElementType();
        StringRef suffix = elem.isF32()    ? "f32"
                           : elem.isBF16() ? "bf16"
                           : elem.isF16()  ? "f16"
                                           : "cvt";
        bases.try_emplace(cvt.getDst(), stem(cvt.getSrc()) + "_" + suffix.str());
      } else if (auto alias = dyn_cast<ac::TileAliasOp>(op); alias && bases.count(alias.getSrc())) {
        bool padded = cast<ac::TileType>(alias.getType()).getPad() != ac::PadValue::Null;
        bases.try_emplace(alias.getResult(), stem(alias.getSrc()) + (padded ? "_padded" : "_view"));
      } else if (auto reshape = dyn_cast<ac::TReshapeOp>(op);
                 reshape && bases.count(reshape.getSrc())) {
        bases.try_emplace(reshape.getResult(), stem(reshape.getSrc()) + "_reshaped");
      }
    });
}

/// Fixes the C++ name of every named value of `func`, distinct within the
/// kernel, in program order.
static void nameKernelValues(func::FuncOp func, KernelEntry &entry) {
  DenseMap<Value, std::string> bases;
  nameTiles(func, entry.roles, bases);
  auto role = [&](int64_t slot) {
    return slot < static_cast<int64_t>(entry.roles.size()) ? entry.roles[slot]
                                                           : llvm::formatv("arg{0}", slot).str();
  };
  emitc_common::NameTable table;
  table.unique("args");
  for (auto [slot, r] : llvm::enumerate(entry.roles))
    if (entry.isTensor[slot])
      table.unique(r + "_tensor");
  func.walk([&](Operation *op) {
    std::string base;
    if (auto ptr = dyn_cast<ac::TensorPtrOp>(op))
      base = role(ptr.getArg());
    else if (auto scalar = dyn_cast<ac::ScalarArgOp>(op))
      base = role(scalar.getArg());
    else if (auto view = dyn_cast<ac::GmViewOp>(op)) {
      auto ptr = view.getBase().getDefiningOp<ac::TensorPtrOp>();
      base = (ptr ? role(ptr.getArg()) : std::string("view")) + "_gm";
    } else if (isa<ac::GetBlockIdxOp>(op))
      base = "block_idx";
    else if (isa<ac::GetBlockNumOp>(op))
      base = "block_num";
    else if (isa<ac::GetSubBlockIdOp>(op))
      base = "sub_block_id";
    else if (isa<ac::TileOp, ac::TileAliasOp, ac::TReshapeOp>(op)) {
      auto it = bases.find(op->getResult(0));
      base =
          it != bases.end()
              ? it->second
              : StringRef(bufferName(cast<ac::TileType>(op->getResult(0).getType()).getLocation()))
                        .lower() +
                    "_tile";
    } else
      return;
    entry.names[op->getResult(0)] = table.unique(base);
  });
}

/// Moves the body of `func` into `emitc.file "<name>"` + `kernel_entry`,
/// declares the `using` aliases of its types and decodes the tensor
/// arguments at entry, and leaves `func` a declaration (or erases it).
static emitc::FuncOp outlineKernel(func::FuncOp func, KernelEntries &entries,
                                   TypeAliases &aliases) {
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
  auto verbatim = [&](StringRef text, ValueRange args = {}) {
    emitc_common::verbatim(b, loc, text, args);
  };
  int64_t lanes = kernel.getLanes();
  verbatim(
      llvm::formatv("// {0}: {1} kernel ({2} lane{3}), emitted by ptoattn convert-aicore-to-emitc",
                    name, StringRef(ac::stringifyCoreType(kernel.getCore())).upper(), lanes,
                    lanes == 1 ? "" : "s")
          .str());
  verbatim("// args: " +
           llvm::join(llvm::map_range(kernelArgs, [](ac::KernelArgAttr a) { return a.describe(); }),
                      ", "));
  // Same includes, in the same order, as simpler's hand-written kernels.
  emitc::IncludeOp::create(b, loc, "cstdint", /*is_standard_include=*/true);
  emitc::IncludeOp::create(b, loc, "pto/pto-inst.hpp", /*is_standard_include=*/true);
  emitc::IncludeOp::create(b, loc, "intrinsic.h");
  emitc::IncludeOp::create(b, loc, "tensor.h");
  verbatim("using namespace pto;");
  emitc::IncludeOp::create(b, loc, "pipe_sync.h");
  verbatim("");
  // One alias per tile and GM-view type, in first-use order.
  llvm::SetVector<Type> types;
  func.walk([&](Operation *op) {
    for (Type t : op->getResultTypes())
      if (isa<ac::TileType, ac::GmViewType>(t))
        types.insert(t);
  });
  for (Type t : types)
    verbatim(aliases.declaration(t));
  if (!types.empty())
    verbatim("");

  auto argsType = emitc::PointerType::get(opaque(ctx, "__gm__ int64_t"));
  auto entryFunc =
      emitc::FuncOp::create(b, loc, kEntryName, FunctionType::get(ctx, {argsType}, {}));
  entryFunc.setSpecifiersAttr(b.getStrArrayAttr({"extern \"C\" __aicore__"}));
  Block *body = entryFunc.addEntryBlock();
  b.setInsertionPointToStart(body);

  KernelEntry &entry = entries[entryFunc.getOperation()];
  for (ac::KernelArgAttr arg : kernelArgs) {
    entry.roles.push_back(arg.getRole().str());
    entry.isTensor.push_back(arg.isTensor());
  }
  nameKernelValues(func, entry);
  // EmitC names parameters itself; everything below is written against `args`.
  verbatim("__gm__ int64_t *args = {};", body->getArgument(0));
  // args[i] of a tensor is the address of its ChipTensor (add_* order).
  for (auto [slot, arg] : llvm::enumerate(kernelArgs))
    if (arg.isTensor())
      verbatim(
          llvm::formatv(
              "__gm__ ChipTensor *{0}_tensor = reinterpret_cast<__gm__ ChipTensor *>(args[{1}]);",
              entry.roles[slot], slot)
              .str());

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
    TypeAliases aliases;
    SmallVector<Operation *> files;
    for (func::FuncOp func : kernels)
      files.push_back(outlineKernel(func, entries, aliases)->getParentOp());
    if (files.empty())
      return;

    for (Operation *file : files)
      if (failed(emitc_common::prepareArith(file)))
        return signalPassFailure();

    KernelTypeConverter converter(ctx, aliases);
    RewritePatternSet patterns(ctx);
    populateMemoryPatterns(patterns, converter, entries);
    populateComputePatterns(patterns, converter);
    populateSyncPatterns(patterns, converter);
    emitc_common::populateScalarPatterns(converter, patterns);

    ConversionTarget target(*ctx);
    target.addLegalDialect<emitc::EmitCDialect>();
    target.addIllegalDialect<ac::AICoreDialect, arith::ArithDialect, scf::SCFDialect,
                             func::FuncDialect>();
    if (failed(applyPartialConversion(files, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
