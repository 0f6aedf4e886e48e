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

/// "in query", "out scores", ... in argument order, for readers and the emitter.
static ArrayAttr describeArguments(Builder &b, const abi::KernelSignature &sig) {
  SmallVector<Attribute> args;
  for (const abi::TensorParam &param : sig.tensors) {
    StringRef dir = param.direction == abi::Direction::In    ? "in"
                    : param.direction == abi::Direction::Out ? "out"
                                                             : "inout";
    args.push_back(b.getStringAttr(dir + Twine(" ") + abi::getTensorRoleName(param.role)));
  }
  for (const abi::ScalarParam &param : sig.scalars)
    args.push_back(b.getStringAttr(
        (param.kind == abi::ScalarKind::F32Bits ? "f32 " : "i64 ") +
        abi::getScalarRoleName(param.role)));
  return b.getArrayAttr(args);
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
  kernel->setAttr("ptoattn.core_type", b.getStringAttr(abi::getCoreTypeName(sig.core)));
  kernel->setAttr("ptoattn.lanes", b.getI64IntegerAttr(sig.lanes));
  kernel->setAttr("ptoattn.strategy", b.getStringAttr(abi::getStrategyName(shape.strategy)));
  kernel->setAttr("ptoattn.kernel_args", describeArguments(b, sig));
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
    FailureOr<abi::Strategy> parsed = abi::parseStrategyOption(module, strategy);
    if (failed(parsed))
      return signalPassFailure();
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

      KernelShape shape{ta.geo, ta.element, *parsed};
      for (abi::Stage stage : abi::getStages())
        ta.getStage(stage)->setAttr("kernel", createKernel(symbols, ta, shape, stage));
    }
  }
};

} // namespace
