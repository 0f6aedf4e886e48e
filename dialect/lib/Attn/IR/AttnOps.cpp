//===- AttnOps.cpp - attn dialect operations ----------------------------------===//
//
// Verifiers of the `attn` operations. Every message names the operand, the
// dimension and the value that was expected, so a user can fix the IR without
// reading this file.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Dialect/Attn/IR/Attn.h"

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
  return op->emitOpError() << t.name << " must have rank " << t.dimNames.size()
                           << " " << expected << ", got rank " << t.type.getRank();
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
      return emitOpError() << t->name << " element type must match query (" << elem
                           << "), got " << t->type.getElementType();
  for (const NamedTensor *t : {&table, &lens})
    if (!t->type.getElementType().isSignlessInteger(32))
      return emitOpError() << t->name << " element type must be i32, got "
                           << t->type.getElementType();
  if (!result.type.getElementType().isF32())
    return emitOpError() << "result element type must be f32, got "
                         << result.type.getElementType();

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
  if (failed(verifySameDim(op, table, 0, query, 0)) ||
      failed(verifySameDim(op, lens, 0, query, 0)))
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
