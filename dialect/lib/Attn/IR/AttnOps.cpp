//===- AttnOps.cpp - attn dialect operations ----------------------------------===//
//
// Verifiers of the `attn` operations. Every message names the operand, the
// dimension and the value that was expected, so a user can fix the IR without
// reading this file.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Dialect/AICore/IR/AICore.h"
#include "ptoattn/Dialect/Attn/IR/Attn.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::ptoattn::attn;

#define GET_OP_CLASSES
#include "ptoattn/Dialect/Attn/IR/AttnOps.cpp.inc"

namespace {

/// One tensor operand (or the result) and the names of its dimensions, so checks
/// can say "key_cache dim 3 (head_dim)".
struct NamedTensor {
  StringRef name;
  RankedTensorType type;
  ArrayRef<StringRef> dimNames;

  int64_t dim(unsigned i) const { return type.getDimSize(i); }
  std::string describe(unsigned i) const {
    return (name + " dim " + Twine(i) + " (" + dimNames[i] + ")").str();
  }
};

} // namespace

static std::string formatDim(int64_t size) {
  return ShapedType::isDynamic(size) ? std::string("?") : std::to_string(size);
}

/// Checks the rank of `t`.
static LogicalResult verifyRank(Operation *op, const NamedTensor &t) {
  if (t.type.getRank() == static_cast<int64_t>(t.dimNames.size()))
    return success();
  std::string expected;
  llvm::raw_string_ostream os(expected);
  os << "[";
  llvm::interleaveComma(t.dimNames, os);
  os << "]";
  return op->emitOpError() << t.name << " must have rank " << t.dimNames.size() << " " << expected
                           << ", got rank " << t.type.getRank();
}

/// Checks that dimension `i` of `t` is static and positive.
static LogicalResult verifyStaticDim(Operation *op, const NamedTensor &t, unsigned i) {
  if (ShapedType::isDynamic(t.dim(i)))
    return op->emitOpError() << t.describe(i) << " must be static";
  if (t.dim(i) <= 0)
    return op->emitOpError() << t.describe(i) << " must be positive, got " << t.dim(i);
  return success();
}

/// Checks that dimension `i` of `t` is positive when static.
static LogicalResult verifyPositiveIfStatic(Operation *op, const NamedTensor &t, unsigned i) {
  if (!ShapedType::isDynamic(t.dim(i)) && t.dim(i) <= 0)
    return op->emitOpError() << t.describe(i) << " must be positive, got " << t.dim(i);
  return success();
}

/// Checks that dimension `i` of `t` agrees with dimension `j` of `ref` where both
/// are static.
static LogicalResult verifySameDim(Operation *op, const NamedTensor &t, unsigned i,
                                   const NamedTensor &ref, unsigned j) {
  int64_t a = t.dim(i), b = ref.dim(j);
  if (ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b)
    return success();
  return op->emitOpError() << t.describe(i) << " must equal " << ref.describe(j) << " = "
                           << formatDim(b) << ", got " << formatDim(a);
}

LogicalResult PagedAttentionOp::verify() {
  Operation *op = getOperation();
  static const StringRef queryDims[] = {"batch", "num_heads", "head_dim"};
  static const StringRef cacheDims[] = {"num_blocks", "block_size", "num_kv_heads", "head_dim"};
  static const StringRef tableDims[] = {"batch", "max_blocks_per_seq"};
  static const StringRef lensDims[] = {"batch"};

  NamedTensor query{"query", getQuery().getType(), queryDims};
  NamedTensor key{"key_cache", getKeyCache().getType(), cacheDims};
  NamedTensor value{"value_cache", getValueCache().getType(), cacheDims};
  NamedTensor table{"block_table", getBlockTable().getType(), tableDims};
  NamedTensor lens{"context_lens", getContextLens().getType(), lensDims};
  NamedTensor result{"result", getResult().getType(), queryDims};

  for (const NamedTensor *t : {&query, &key, &value, &table, &lens, &result})
    if (failed(verifyRank(op, *t)))
      return failure();

  // Element types.
  Type elem = query.type.getElementType();
  if (!elem.isBF16() && !elem.isF16())
    return emitOpError() << "query element type must be bf16 or f16, got " << elem;
  for (const NamedTensor *t : {&key, &value})
    if (t->type.getElementType() != elem)
      return emitOpError() << t->name << " element type must match query (" << elem << "), got "
                           << t->type.getElementType();
  for (const NamedTensor *t : {&table, &lens})
    if (!t->type.getElementType().isSignlessInteger(32))
      return emitOpError() << t->name << " element type must be i32, got "
                           << t->type.getElementType();
  if (!result.type.getElementType().isF32())
    return emitOpError() << "result element type must be f32, got " << result.type.getElementType();

  // Dimensions that size on-chip tiles must be static.
  for (unsigned i : {1u, 2u})
    if (failed(verifyStaticDim(op, query, i)))
      return failure();
  for (const NamedTensor *t : {&key, &value}) {
    for (unsigned i : {1u, 2u, 3u})
      if (failed(verifyStaticDim(op, *t, i)))
        return failure();
    if (failed(verifyPositiveIfStatic(op, *t, 0)))
      return failure();
  }
  for (auto [t, i] : {std::pair{&query, 0u}, {&table, 0u}, {&table, 1u}, {&lens, 0u}})
    if (failed(verifyPositiveIfStatic(op, *t, i)))
      return failure();

  // Consistency between operands.
  if (failed(verifySameDim(op, key, 3, query, 2)))
    return failure();
  for (unsigned i = 0; i < 4; ++i)
    if (failed(verifySameDim(op, value, i, key, i)))
      return failure();
  if (failed(verifySameDim(op, table, 0, query, 0)) || failed(verifySameDim(op, lens, 0, query, 0)))
    return failure();
  for (unsigned i = 0; i < 3; ++i)
    if (failed(verifySameDim(op, result, i, query, i)))
      return failure();

  int64_t numHeads = query.dim(1), numKvHeads = key.dim(2);
  if (numHeads % numKvHeads != 0)
    return emitOpError() << "query dim 1 (num_heads) = " << numHeads
                         << " must be a multiple of key_cache dim 2 (num_kv_heads) = "
                         << numKvHeads;
  return success();
}

//===----------------------------------------------------------------------===//
// Tile-stage operations
//===----------------------------------------------------------------------===//

/// Checks `a . b^T` (transposeB) or `a . b` shapes and element types of a cube
/// matmul producing fp32 `result`.
static LogicalResult verifyTileMatmul(Operation *op, StringRef lhsName, RankedTensorType lhs,
                                      StringRef rhsName, RankedTensorType rhs,
                                      RankedTensorType result, bool transposeRhs) {
  if (lhs.getRank() != 2 || rhs.getRank() != 2 || result.getRank() != 2)
    return op->emitOpError() << "operands and result must be 2-D tiles";
  Type elem = lhs.getElementType();
  if (!elem.isBF16() && !elem.isF16())
    return op->emitOpError() << lhsName << " element type must be bf16 or f16, got " << elem;
  if (rhs.getElementType() != elem)
    return op->emitOpError() << rhsName << " element type must match " << lhsName << " (" << elem
                             << "), got " << rhs.getElementType();
  if (!result.getElementType().isF32())
    return op->emitOpError() << "result element type must be f32, got " << result.getElementType();
  int64_t k = lhs.getDimSize(1);
  int64_t rhsK = transposeRhs ? rhs.getDimSize(1) : rhs.getDimSize(0);
  int64_t n = transposeRhs ? rhs.getDimSize(0) : rhs.getDimSize(1);
  if (rhsK != k)
    return op->emitOpError() << rhsName << " dim " << (transposeRhs ? 1 : 0) << " must equal "
                             << lhsName << " dim 1 = " << k << ", got " << rhsK;
  if (result.getDimSize(0) != lhs.getDimSize(0) || result.getDimSize(1) != n)
    return op->emitOpError() << "result must be " << lhs.getDimSize(0) << "x" << n << ", got "
                             << result.getDimSize(0) << "x" << result.getDimSize(1);
  return success();
}

LogicalResult QKMatmulOp::verify() {
  return verifyTileMatmul(*this, "query", getQuery().getType(), "key", getKey().getType(),
                          getScores().getType(), /*transposeRhs=*/true);
}

LogicalResult PVMatmulOp::verify() {
  return verifyTileMatmul(*this, "probs", getProbs().getType(), "value", getValue().getType(),
                          getBlockOut().getType(), /*transposeRhs=*/false);
}

/// Checks that `vector` has one f32 entry per row of `tile`.
static LogicalResult verifyRowVector(Operation *op, StringRef name, RankedTensorType vector,
                                     RankedTensorType tile) {
  if (vector.getDimSize(0) != tile.getDimSize(0))
    return op->emitOpError() << name << " must have one entry per row (" << tile.getDimSize(0)
                             << "), got " << vector.getDimSize(0);
  return success();
}

LogicalResult SoftmaxPrepareOp::verify() {
  RankedTensorType scores = getScores().getType(), probs = getProbs().getType();
  if (scores.getRank() != 2 || !scores.getElementType().isF32())
    return emitOpError() << "scores must be a 2-D f32 tile, got " << scores;
  if (probs.getShape() != scores.getShape())
    return emitOpError() << "probs shape must match scores, got " << probs;
  Type elem = probs.getElementType();
  if (!elem.isBF16() && !elem.isF16())
    return emitOpError() << "probs element type must be bf16 or f16, got " << elem;
  if (failed(verifyRowVector(*this, "row_max", getRowMax().getType(), scores)) ||
      failed(verifyRowVector(*this, "row_sum", getRowSum().getType(), scores)))
    return failure();
  if (std::optional<int64_t> cols = getConstantIntValue(getValidCols()))
    if (*cols < 1 || *cols > scores.getDimSize(1))
      return emitOpError() << "valid_cols must be in [1, " << scores.getDimSize(1) << "], got "
                           << *cols;
  return success();
}

LogicalResult OnlineUpdateOp::verify() {
  RankedTensorType out = getOut().getType();
  if (out.getRank() != 2 || !out.getElementType().isF32())
    return emitOpError() << "out must be a 2-D f32 tile, got " << out;
  return verifyRowVector(*this, "row_max", getRowMax().getType(), out);
}

LogicalResult MergePartialsOp::verify() {
  RankedTensorType max = getPartMax().getType();
  RankedTensorType out = getPartOut().getType(), result = getResult().getType();
  for (auto [name, type] : {std::pair<StringRef, RankedTensorType>{"part_max", max},
                            {"part_out", out},
                            {"result", result}})
    if (!type.getElementType().isF32())
      return emitOpError() << name << " element type must be f32, got " << type.getElementType();
  if (out.getRank() != 3)
    return emitOpError() << "part_out must be [parts, rows, head_dim], got rank " << out.getRank();
  if (max.getRank() != 2 || max.getShape() != out.getShape().take_front(2))
    return emitOpError() << "part_max must be [parts, rows] = [" << out.getDimSize(0) << ", "
                         << out.getDimSize(1) << "], got " << max;
  if (result.getShape() != out.getShape().drop_front())
    return emitOpError() << "result must be [rows, head_dim] = [" << out.getDimSize(1) << ", "
                         << out.getDimSize(2) << "], got " << result;
  return success();
}

/// A stage's `kernel`, if set, must name a func.func whose `#aicore.kernel`
/// runs on the stage's core.
static LogicalResult verifyStageKernel(Operation *op, FlatSymbolRefAttr kernel, StringRef coreType,
                                       SymbolTableCollection &symbols) {
  if (!kernel)
    return success();
  auto callee = symbols.lookupNearestSymbolFrom<func::FuncOp>(op, kernel);
  if (!callee)
    return op->emitOpError() << "kernel " << kernel << " does not name a func.func";
  ptoattn::aicore::KernelAttr actual = ptoattn::aicore::getKernelAttr(callee);
  StringRef actualCore = actual ? ptoattn::aicore::stringifyCoreType(actual.getCore()) : "none";
  if (actualCore != coreType)
    return op->emitOpError() << "kernel " << kernel << " must be an #aicore.kernel on core "
                             << coreType << ", got " << actualCore;
  return success();
}

LogicalResult QKMatmulOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return verifyStageKernel(*this, getKernelAttr(), kCoreType, symbols);
}
LogicalResult SoftmaxPrepareOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return verifyStageKernel(*this, getKernelAttr(), kCoreType, symbols);
}
LogicalResult PVMatmulOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return verifyStageKernel(*this, getKernelAttr(), kCoreType, symbols);
}
LogicalResult OnlineUpdateOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return verifyStageKernel(*this, getKernelAttr(), kCoreType, symbols);
}
LogicalResult MergePartialsOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return verifyStageKernel(*this, getKernelAttr(), kCoreType, symbols);
}
