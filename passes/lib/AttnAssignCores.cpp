//===- AttnAssignCores.cpp - outline tile stages into core kernels ----------===//
//
// Lowers each stage op of a tiled paged attention (attn-tile's loop nest, found
// by TiledAttention.h) to its kernel function in the aicore dialect: one
// rewrite pattern per stage op outlines the kernel next to the function and
// points the op at it. Cube stages become AIC kernels; the two vector stages
// become kernels both AIV lanes of a cluster run, as does the split-KV merge
// (attn.merge_partials). The kernel bodies (the
// recipes) live in AssignCores/; each pattern hangs one of them on its op.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Transforms/Passes.h"

#include "AssignCores/KernelBuilder.h"
#include "ptoattn/Transforms/TiledAttention.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

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

namespace {

/// What the stage patterns know about the nest a stage op belongs to.
struct NestKernels {
  const TiledAttention *ta;
  KernelShape shape;
};

/// Nests by their KV loop (the parent of every chain stage op) and, under
/// split-KV, by their tile loop (the parent of the merge).
using NestMap = DenseMap<Operation *, NestKernels>;

/// Outlines the kernel of one stage op: a `func.func` named
/// `<function>_<stage>` before the nest's function, carrying its
/// `#aicore.kernel` contract, with the body `buildBody` makes; the op then
/// names it in `kernel`.
template <typename StageOp> struct OutlineStagePattern : public OpRewritePattern<StageOp> {
  using BodyBuilder = void (*)(KernelBuilder &);

  OutlineStagePattern(MLIRContext *ctx, const NestMap &nests, SymbolTable &symbols,
                      abi::Stage stage, BodyBuilder buildBody)
      : OpRewritePattern<StageOp>(ctx), nests(nests), symbols(symbols), stage(stage),
        buildBody(buildBody) {}

  LogicalResult matchAndRewrite(StageOp op, PatternRewriter &rewriter) const override {
    auto it = nests.find(op->getParentOp());
    if (op.getKernelAttr() || it == nests.end())
      return failure();
    const NestKernels &nest = it->second;
    func::FuncOp func = nest.ta->func;
    Location loc = op.getLoc();
    abi::KernelSignature sig = abi::getKernelSignature(
        stage, nest.shape.strategy, nest.shape.isSplitKv(), nest.shape.geo.isMultiBlock());

    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(func);
    auto kernel =
        func::FuncOp::create(rewriter, loc, (func.getName() + "_" + abi::getStageName(stage)).str(),
                             rewriter.getFunctionType({}, {}));
    kernel->setAttr(
        aicore::AICoreDialect::kKernelAttrName,
        abi::getKernelAttr(rewriter.getContext(), sig, nest.shape.strategy, nest.ta->element));
    symbols.insert(kernel); // renames on a clash
    rewriter.setInsertionPointToStart(kernel.addEntryBlock());
    KernelBuilder kb(rewriter, loc, nest.shape, stage);
    buildBody(kb);
    // The body may end inside its tile loop (KernelBuilder::enterTileLoop).
    rewriter.setInsertionPointToEnd(&kernel.getBody().front());
    func::ReturnOp::create(rewriter, loc);

    rewriter.modifyOpInPlace(op, [&] { op.setKernelAttr(FlatSymbolRefAttr::get(kernel)); });
    return success();
  }

  const NestMap &nests;
  SymbolTable &symbols;
  abi::Stage stage;
  BodyBuilder buildBody;
};

struct AttnAssignCoresPass : public ptoattn::impl::AttnAssignCoresBase<AttnAssignCoresPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SymbolTable symbols(module);

    // Find every nest first: outlining inserts functions into the module.
    SmallVector<TiledAttention> nests;
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    for (func::FuncOp func : funcs) {
      FailureOr<SmallVector<TiledAttention>> found = findTiledAttentions(func, "attn-assign-cores");
      if (failed(found))
        return signalPassFailure();
      llvm::append_range(nests, *found);
    }

    NestMap byLoop;
    for (const TiledAttention &ta : nests) {
      for (abi::Stage stage : abi::getStages())
        if (ta.getStage(stage)->hasAttr("kernel")) {
          ta.getStage(stage)->emitOpError() << "already runs on a kernel; attn-assign-cores "
                                               "runs once per tiled function";
          return signalPassFailure();
        }
      if (failed(checkLaneSplit(ta)))
        return signalPassFailure();
      if (attn::MergePartialsOp merge = ta.merge; merge && merge.getKernelAttr()) {
        merge.emitOpError() << "already runs on a kernel; attn-assign-cores runs once per "
                               "tiled function";
        return signalPassFailure();
      }
      byLoop[ta.kvLoop] = {
          &ta, KernelShape{ta.geo, ta.element, strategy, ta.kvSplits, ta.queryType.getDimSize(0)}};
      if (ta.merge)
        byLoop[ta.forall] = byLoop[ta.kvLoop];
    }
    if (byLoop.empty())
      return;

    RewritePatternSet patterns(ctx);
    patterns.add<OutlineStagePattern<attn::QKMatmulOp>>(ctx, byLoop, symbols, abi::Stage::QKMatmul,
                                                        buildQKMatmulKernel);
    patterns.add<OutlineStagePattern<attn::SoftmaxPrepareOp>>(
        ctx, byLoop, symbols, abi::Stage::SoftmaxPrepare, buildSoftmaxPrepareKernel);
    patterns.add<OutlineStagePattern<attn::PVMatmulOp>>(ctx, byLoop, symbols, abi::Stage::PVMatmul,
                                                        buildPVMatmulKernel);
    patterns.add<OutlineStagePattern<attn::OnlineUpdateOp>>(
        ctx, byLoop, symbols, abi::Stage::OnlineUpdate, buildOnlineUpdateKernel);
    patterns.add<OutlineStagePattern<attn::MergePartialsOp>>(
        ctx, byLoop, symbols, abi::Stage::MergePartials, buildMergePartialsKernel);
    // One walk in program order: each stage op is outlined once, new kernels
    // are not visited, and nothing is folded.
    walkAndApplyPatterns(module, FrozenRewritePatternSet(std::move(patterns)));
  }
};

} // namespace
