//===- AttnAssignCores.cpp - outline tile stages into core kernels ----------===//
//
// Creates the four kernel functions of a tiled paged attention in the aicore
// dialect (two cube kernels, two dual-lane vector kernels) and points each
// stage op at its kernel. The kernel bodies live in AssignCores/; this file
// decides names, attributes and legality.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Transforms/Passes.h"

#include "AssignCores/KernelBuilder.h"
#include "ptoattn/Transforms/TiledAttention.h"

#include "mlir/IR/SymbolTable.h"

namespace mlir::ptoattn {
#define GEN_PASS_DEF_ATTNASSIGNCORES
#include "ptoattn/Transforms/Passes.h.inc"
} // namespace mlir::ptoattn

using namespace mlir;
using namespace mlir::ptoattn;
using namespace mlir::ptoattn::assign_cores;

/// Each lane's rows hold per-row scalars padded to this many fp32 columns.
static LogicalResult checkLaneSplit(const TiledAttention &ta) {
  int64_t rows = ta.geo.queryTile;
  if (rows % target::kVectorLanes == 0 &&
      (rows / target::kVectorLanes) % target::kRowScalarColumns == 0)
    return success();
  return ta.getStage(abi::Stage::SoftmaxPrepare)->emitOpError()
         << "query tile of " << rows << " rows cannot be split across " << target::kVectorLanes
         << " AIV lanes: each lane needs a multiple of " << target::kRowScalarColumns
         << " rows (supported query tiles: "
         << target::formatChoices(target::getSupportedQueryTiles()) << ")";
}

/// Creates `stage`'s kernel before `ta.func` and returns its symbol.
static FlatSymbolRefAttr createKernel(SymbolTable &symbols, const TiledAttention &ta,
                                      const KernelShape &shape, abi::Stage stage) {
  func::FuncOp func = ta.func;
  OpBuilder b(func);
  Location loc = ta.getStage(stage)->getLoc();
  abi::KernelSignature sig = abi::getKernelSignature(stage, shape.strategy);
  auto kernel = func::FuncOp::create(
      b, loc, (func.getName() + "_" + abi::getStageName(stage)).str(),
      b.getFunctionType({}, {}));
  kernel->setAttr(aicore::AICoreDialect::kKernelAttrName,
                  abi::getKernelAttr(b.getContext(), sig, shape.strategy, ta.element));
  symbols.insert(kernel); // renames on a clash

  b.setInsertionPointToStart(kernel.addEntryBlock());
  KernelBuilder kb(b, loc, shape, stage);
  switch (stage) {
  case abi::Stage::QKMatmul:
    buildQKMatmulKernel(kb);
    break;
  case abi::Stage::SoftmaxPrepare:
    buildSoftmaxPrepareKernel(kb);
    break;
  case abi::Stage::PVMatmul:
    buildPVMatmulKernel(kb);
    break;
  case abi::Stage::OnlineUpdate:
    buildOnlineUpdateKernel(kb);
    break;
  }
  func::ReturnOp::create(b, loc);
  return FlatSymbolRefAttr::get(kernel);
}

namespace {

struct AttnAssignCoresPass : public ptoattn::impl::AttnAssignCoresBase<AttnAssignCoresPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    for (func::FuncOp func : funcs) {
      FailureOr<std::optional<TiledAttention>> matched =
          matchTiledAttention(func, "attn-assign-cores");
      if (failed(matched))
        return signalPassFailure();
      if (!*matched)
        continue;
      const TiledAttention &ta = **matched;
      for (abi::Stage stage : abi::getStages())
        if (ta.getStage(stage)->hasAttr("kernel")) {
          ta.getStage(stage)->emitOpError() << "already runs on a kernel; attn-assign-cores "
                                               "runs once per tiled function";
          return signalPassFailure();
        }
      if (failed(checkLaneSplit(ta)))
        return signalPassFailure();

      KernelShape shape{ta.geo, ta.element, strategy};
      for (abi::Stage stage : abi::getStages())
        ta.getStage(stage)->setAttr("kernel", createKernel(symbols, ta, shape, stage));
    }
  }
};

} // namespace
