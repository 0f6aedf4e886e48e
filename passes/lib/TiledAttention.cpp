//===- TiledAttention.cpp - finding attn-tile's output again -------------===//

#include "ptoattn/Transforms/TiledAttention.h"

using namespace mlir;
using namespace mlir::ptoattn;

FailureOr<std::optional<TiledAttention>>
mlir::ptoattn::matchTiledAttention(func::FuncOp func, StringRef passName) {
  Operation *stages[4] = {};
  unsigned found = 0;
  bool duplicate = false;
  auto record = [&](abi::Stage stage, Operation *op) {
    Operation *&slot = stages[static_cast<int>(stage)];
    duplicate |= slot != nullptr;
    slot = op;
    ++found;
  };
  func.walk([&](Operation *op) {
    if (isa<attn::QKMatmulOp>(op))
      record(abi::Stage::QKMatmul, op);
    else if (isa<attn::SoftmaxPrepareOp>(op))
      record(abi::Stage::SoftmaxPrepare, op);
    else if (isa<attn::PVMatmulOp>(op))
      record(abi::Stage::PVMatmul, op);
    else if (isa<attn::OnlineUpdateOp>(op))
      record(abi::Stage::OnlineUpdate, op);
  });
  if (found == 0)
    return std::optional<TiledAttention>();
  if (duplicate || llvm::is_contained(stages, nullptr))
    return func.emitError() << passName
                            << " expects one attention loop nest from attn-tile per function, "
                               "with one of each tile stage";

  FunctionType type = func.getFunctionType();
  auto ranked = [&](unsigned i, int64_t rank) {
    auto t = dyn_cast<RankedTensorType>(type.getInput(i));
    return t && t.getRank() == rank ? t : RankedTensorType();
  };
  if (type.getNumInputs() != 6 || type.getNumResults() != 1 || !ranked(0, 3) ||
      !ranked(1, 4) || !ranked(2, 4) || !ranked(3, 2) || !ranked(4, 1) ||
      !type.getInput(5).isF32() || !isa<RankedTensorType>(type.getResult(0)))
    return func.emitError() << passName
                            << " expects the paged-attention signature (query, key_cache, "
                               "value_cache, block_table, context_lens, scale) -> out";

  TiledAttention ta;
  ta.func = func;
  ta.queryType = ranked(0, 3);
  ta.cacheType = ranked(1, 4);
  ta.tableType = ranked(3, 2);
  ta.lensType = ranked(4, 1);
  ta.resultType = cast<RankedTensorType>(type.getResult(0));
  ta.element = ta.queryType.getElementType();
  llvm::copy(stages, ta.stages);
  int64_t queryTile =
      cast<attn::QKMatmulOp>(ta.getStage(abi::Stage::QKMatmul)).getQuery().getType().getDimSize(0);
  ta.geo = TileGeometry::get(ta.queryType.getDimSize(1), ta.cacheType.getDimSize(2),
                             ta.queryType.getDimSize(2), ta.cacheType.getDimSize(1), queryTile);
  return std::optional<TiledAttention>(ta);
}
