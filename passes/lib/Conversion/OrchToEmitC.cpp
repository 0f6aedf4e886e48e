//===- OrchToEmitC.cpp - orch orchestration function to EmitC -----------===//
//
// Lowers the orchestration function (`orch.entry`) to an `emitc.file
// "orchestration"` that the upstream C++ translation prints as the
// orchestration source for simpler's tensormap_and_ringbuffer runtime.
//
// This file holds the pass: it checks the entry function, numbers the kernels,
// collects the per-ring needs for the driver, and builds the file scaffolding
// (includes, FUNC_* defines, the two extern "C" functions). The body is a
// direct op-by-op walk (OrchToEmitC/OrchEmitter.cpp) rather than a dialect
// conversion, because every op has exactly one translation; nothing is patched
// in the printed C++. `orch_args` is bound once, by name, at the top of the
// entry function so that argument accessors can be `emitc.literal`s.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Conversion/Passes.h"

#include "OrchToEmitC/OrchEmitter.h"
#include "ptoattn/Dialect/Orch/IR/Orch.h"

#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::ptoattn {
#define GEN_PASS_DEF_CONVERTORCHTOEMITC
#include "ptoattn/Conversion/Passes.h.inc"
} // namespace mlir::ptoattn

using namespace mlir;
using namespace mlir::ptoattn;

/// The emitc.file id the orchestration source is emitted under.
static constexpr llvm::StringLiteral kFileId = "orchestration";

namespace {

struct ConvertOrchToEmitCPass
    : public mlir::ptoattn::impl::ConvertOrchToEmitCBase<ConvertOrchToEmitCPass> {
  void runOnOperation() override;
};
} // namespace

void ConvertOrchToEmitCPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();
  func::FuncOp entry;
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (!fn->hasAttr(orch::OrchDialect::kEntryAttrName)) continue;
    if (entry) {
      fn.emitError("more than one orchestration entry function (orch.entry); the first is @")
          << entry.getSymName();
      return signalPassFailure();
    }
    entry = fn;
  }
  if (!entry) return; // Nothing to lower: a module of kernels only.
  if (entry.getNumArguments() != 0 || entry.getNumResults() != 0 || !entry.getBody().hasOneBlock()) {
    entry.emitError("orchestration entry must have one block, no arguments and no results");
    return signalPassFailure();
  }
  auto entryAttr = entry->getAttrOfType<orch::EntryAttr>(orch::OrchDialect::kEntryAttrName);
  if (!entryAttr) {
    entry.emitError("orch.entry must be an #orch.entry attribute");
    return signalPassFailure();
  }

  // Kernel ids by first use (the same numbering the driver reads for the manifest).
  llvm::MapVector<StringRef, int64_t> kernelIds = orch::getKernelIds(entry);

  OpBuilder b(ctx);
  Location loc = entry.getLoc();
  b.setInsertionPointToEnd(module.getBody());
  auto file = emitc::FileOp::create(b, loc, kFileId);
  if (file.getBodyRegion().empty()) file.getBodyRegion().emplaceBlock();
  b.setInsertionPointToStart(&file.getBodyRegion().front());
  emitc::VerbatimOp::create(
      b, loc,
      b.getStringAttr(llvm::formatv("// Orchestration @{0}, emitted by ptoattn (convert-orch-to-emitc).",
                                    entry.getSymName())
                          .str()));
  emitc::IncludeOp::create(b, loc, b.getStringAttr("cstdint"), b.getUnitAttr());
  emitc::IncludeOp::create(b, loc, b.getStringAttr("algorithm"), b.getUnitAttr());
  emitc::IncludeOp::create(b, loc, b.getStringAttr("pto_orchestration_api.h"));
  emitc::VerbatimOp::create(b, loc,
                            b.getStringAttr("// Kernel ids: the scene test's func_id values "
                                            "(numbered by first use below)."));
  for (auto [name, id] : kernelIds)
    emitc::VerbatimOp::create(
        b, loc,
        b.getStringAttr(llvm::formatv("#define {0} {1}",
                                      orch_to_emitc::OrchEmitter::kernelMacro(name), id)
                            .str()));

  Type argsType = emitc::OpaqueType::get(ctx, "const ChipTaskArgs &");
  auto specifiers = b.getStrArrayAttr({"extern \"C\" __attribute__((visibility(\"default\")))"});
  Type configType = emitc::OpaqueType::get(ctx, "PTO2OrchestrationConfig");
  auto config = emitc::FuncOp::create(b, loc, "aicpu_orchestration_config",
                                      b.getFunctionType({argsType}, {configType}));
  config.setSpecifiersAttr(specifiers);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(config.addEntryBlock());
    emitc::VerbatimOp::create(b, loc, b.getStringAttr("(void){};"),
                              ValueRange{config.getArgument(0)});
    Value cfg = emitc::LiteralOp::create(
        b, loc, configType,
        b.getStringAttr(llvm::formatv("PTO2OrchestrationConfig{{{0}}",
                                      entryAttr.getTensors() + entryAttr.getScalars())
                            .str()));
    emitc::ReturnOp::create(b, loc, cfg);
  }

  auto func = emitc::FuncOp::create(b, loc, "aicpu_orchestration_entry",
                                    b.getFunctionType({argsType}, {}));
  func.setSpecifiersAttr(specifiers);
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  // Binds the name the argument accessors below are written against.
  emitc::VerbatimOp::create(b, loc, b.getStringAttr("const ChipTaskArgs &orch_args = {};"),
                            ValueRange{func.getArgument(0)});
  orch_to_emitc::OrchEmitter emitter(b);
  if (failed(emitter.emitBlock(entry.getBody().front()))) {
    file.erase();
    return signalPassFailure();
  }
  emitc::ReturnOp::create(b, loc, Value());

  entry.erase();
}
