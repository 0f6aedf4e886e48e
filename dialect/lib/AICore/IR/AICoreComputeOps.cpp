//===- AICoreComputeOps.cpp - aicore cube and vector instructions -----------===//
//
// Verifiers of the aicore compute instructions: the cube matmuls and the
// vector element-wise, conversion, row-reduction and row-broadcast
// instructions. Each check is one PTO-ISA legality rule for a2a3 (tile
// locations, layouts, element types, and shape agreement wherever the shapes
// are static).
//
//===----------------------------------------------------------------------===//

#include "AICoreVerifyUtils.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::ptoattn::aicore;
using namespace mlir::ptoattn::aicore::checks;

//===----------------------------------------------------------------------===//
// Cube
//===----------------------------------------------------------------------===//

/// The cube's largest M, K or N.
static constexpr int64_t kCubeMaxExtent = ::mlir::ptoattn::target::kCubeMaxDim;

/// TMATMUL and TMATMUL_ACC: acc (M x N) <- left (M x K) x right (K x N).
static LogicalResult verifyMatmul(Operation *op, Value leftValue, Value rightValue,
                                  Value accValue) {
  NamedTile left = named("left", leftValue);
  NamedTile right = named("right", rightValue);
  NamedTile acc = named("acc", accValue);
  if (failed(verifyLocation(op, left, {TileLocation::Left})) ||
      failed(verifyLocation(op, right, {TileLocation::Right})) ||
      failed(verifyLocation(op, acc, {TileLocation::Acc})))
    return failure();

  std::string a = formatType(left.type.getElementType());
  std::string b = formatType(right.type.getElementType());
  std::string c = formatType(acc.type.getElementType());
  bool legal = (c == "f32" && a == b && (a == "bf16" || a == "f16" || a == "f32")) ||
               (c == "i32" && a == "i8" && b == "i8");
  if (!legal)
    return op->emitOpError() << "element types must be f32 <- bf16 x bf16, f32 <- f16 x f16, "
                                "f32 <- f32 x f32 or i32 <- i8 x i8, got "
                             << c << " <- " << a << " x " << b;

  // m, k and n come from the valid shapes; they must agree and fit the cube.
  int64_t m = left.type.getValidRows(), k = left.type.getValidCols();
  int64_t rightK = right.type.getValidRows(), n = right.type.getValidCols();
  if (!mayEqual(k, rightK))
    return op->emitOpError() << "left valid cols (K = " << k << ") must equal right valid rows ("
                             << rightK << ")";
  for (auto [name, extent] : {std::pair<StringRef, int64_t>{"M (left valid rows)", m},
                              {"K (left valid cols)", k},
                              {"N (right valid cols)", n}})
    if (!ShapedType::isDynamic(extent) && extent > kCubeMaxExtent)
      return op->emitOpError() << name << " must be in [1, " << kCubeMaxExtent << "], got "
                               << extent;
  if (!ShapedType::isDynamic(m) && m > acc.type.getRows())
    return op->emitOpError() << "M (left valid rows, " << m << ") must not exceed acc rows ("
                             << acc.type.getRows() << ")";
  if (!ShapedType::isDynamic(n) && n > acc.type.getCols())
    return op->emitOpError() << "N (right valid cols, " << n << ") must not exceed acc cols ("
                             << acc.type.getCols() << ")";
  return success();
}

LogicalResult TMatmulOp::verify() { return verifyMatmul(*this, getLeft(), getRight(), getAcc()); }

LogicalResult TMatmulAccOp::verify() {
  return verifyMatmul(*this, getLeft(), getRight(), getAcc());
}

//===----------------------------------------------------------------------===//
// Vector: element-wise
//===----------------------------------------------------------------------===//

/// TADD, TSUB, TMUL, TMAX.
static LogicalResult verifyBinary(Operation *op, Value src0, Value src1, Value dst) {
  return verifyVectorElementwise(op, {named("dst", dst), named("src0", src0), named("src1", src1)},
                                 kVectorArithTypes);
}

LogicalResult TAddOp::verify() { return verifyBinary(*this, getSrc0(), getSrc1(), getDst()); }
LogicalResult TSubOp::verify() { return verifyBinary(*this, getSrc0(), getSrc1(), getDst()); }
LogicalResult TMulOp::verify() { return verifyBinary(*this, getSrc0(), getSrc1(), getDst()); }
LogicalResult TMaxOp::verify() { return verifyBinary(*this, getSrc0(), getSrc1(), getDst()); }

/// `scalar` has the element type of `tile` (the C++ parameter is `T`).
static LogicalResult verifyScalarType(Operation *op, Value scalar, const NamedTile &tile) {
  Type expected = tile.type.getElementType();
  if (scalar.getType() == expected)
    return success();
  return op->emitOpError() << "scalar type must be the " << tile.name << " element type ("
                           << formatType(expected) << "), got " << formatType(scalar.getType());
}

/// TMULS, TADDS.
static LogicalResult verifyTileScalar(Operation *op, Value src, Value scalar, Value dst) {
  NamedTile dstTile = named("dst", dst);
  if (failed(verifyVectorElementwise(op, {dstTile, named("src", src)}, kVectorArithTypes)))
    return failure();
  return verifyScalarType(op, scalar, dstTile);
}

LogicalResult TMulSOp::verify() { return verifyTileScalar(*this, getSrc(), getScalar(), getDst()); }
LogicalResult TAddSOp::verify() { return verifyTileScalar(*this, getSrc(), getScalar(), getDst()); }

LogicalResult TExpOp::verify() {
  return verifyVectorElementwise(*this, {named("dst", getDst()), named("src", getSrc())},
                                 {"f32", "f16"});
}

LogicalResult TCvtOp::verify() {
  NamedTile src = named("src", getSrc());
  NamedTile dst = named("dst", getDst());
  for (const NamedTile &t : {dst, src})
    if (failed(verifyLocation(*this, t, {TileLocation::Vec})) || failed(verifyRowMajor(*this, t)))
      return failure();
  std::string from = formatType(src.type.getElementType());
  std::string to = formatType(dst.type.getElementType());
  bool legal = (from == "f32" && (to == "bf16" || to == "f16")) ||
               ((from == "bf16" || from == "f16") && to == "f32");
  if (!legal)
    return emitOpError() << "conversion must be f32 -> bf16, f32 -> f16, bf16 -> f32 or "
                            "f16 -> f32, got "
                         << from << " -> " << to;
  return verifySameValidShape(*this, src, dst);
}

LogicalResult TExpandSOp::verify() {
  NamedTile dst = named("dst", getDst());
  if (failed(verifyLocation(*this, dst, {TileLocation::Mat, TileLocation::Vec})))
    return failure();
  return verifyScalarType(*this, getScalar(), dst);
}

//===----------------------------------------------------------------------===//
// Vector: row reductions
//===----------------------------------------------------------------------===//

/// TROWMAX, TROWSUM: dst[i] = reduce(src[i][:]).
static LogicalResult verifyRowReduce(Operation *op, Value srcValue, Value dstValue,
                                     Value tmpValue) {
  NamedTile src = named("src", srcValue);
  NamedTile dst = named("dst", dstValue);
  NamedTile tmp = named("tmp", tmpValue);
  for (const NamedTile &t : {src, dst, tmp})
    if (failed(verifyLocation(op, t, {TileLocation::Vec})))
      return failure();
  if (failed(verifyNd(op, src)) || failed(verifyElementType(op, src, kVectorArithTypes)))
    return failure();
  // The result is a row of per-row values (ND) or a DN column.
  bool isColumn = !dst.type.isRowMajor() && dst.type.getCols() == 1;
  if (dst.type.isBoxed() || !(dst.type.isRowMajor() || isColumn))
    return op->emitOpError() << "dst must be an ND tile or a DN column (blayout = col_major, "
                                "slayout = none_box, 1 col), got layout "
                             << dst.type.getLayoutName() << " with " << dst.type.getCols()
                             << " cols";
  if (failed(verifySameElementType(op, dst, src)))
    return failure();
  if (!mayEqual(dst.type.getValidRows(), src.type.getValidRows()))
    return op->emitOpError() << "dst valid rows must equal src valid rows ("
                             << formatDim(src.type.getValidRows()) << "), got "
                             << formatDim(dst.type.getValidRows());
  if (failed(verifySameElementType(op, tmp, src)) || failed(verifySameShape(op, tmp, src)))
    return failure();
  return success();
}

LogicalResult TRowMaxOp::verify() { return verifyRowReduce(*this, getSrc(), getDst(), getTmp()); }
LogicalResult TRowSumOp::verify() { return verifyRowReduce(*this, getSrc(), getDst(), getTmp()); }

//===----------------------------------------------------------------------===//
// Vector: row broadcasts
//===----------------------------------------------------------------------===//

/// Whether `t` can be the full operand of a row-expand instruction: row-major
/// with `dst`'s valid shape.
static bool canBeFullOperand(TileType t, TileType dst) {
  return t.isRowMajor() && mayEqual(t.getValidRows(), dst.getValidRows()) &&
         mayEqual(t.getValidCols(), dst.getValidCols());
}

/// Whether `t` can be the per-row scalar operand: `dst`'s valid rows, and
/// either row-major with one 32-byte block of valid columns or a column-major
/// column.
static bool canBeScalarOperand(TileType t, TileType dst) {
  int64_t blockCols = 32 / t.getElementBytes();
  int64_t cols = t.getValidCols();
  bool shapeOk = t.isRowMajor() ? mayEqual(cols, blockCols) : mayEqual(cols, 1);
  return shapeOk && mayEqual(t.getValidRows(), dst.getValidRows());
}

/// TROWEXPANDSUB, TROWEXPANDMUL, TROWEXPANDDIV.
static LogicalResult verifyRowExpand(Operation *op, Value src0Value, Value src1Value,
                                     Value dstValue, Value tmpValue) {
  NamedTile src0 = named("src0", src0Value);
  NamedTile src1 = named("src1", src1Value);
  NamedTile dst = named("dst", dstValue);
  for (const NamedTile &t : {dst, src0, src1})
    if (failed(verifyLocation(op, t, {TileLocation::Vec})))
      return failure();
  if (failed(verifyRowMajor(op, dst)) || failed(verifyElementType(op, dst, kVectorArithTypes)) ||
      failed(verifySameElementType(op, src0, dst)) || failed(verifySameElementType(op, src1, dst)))
    return failure();
  bool legal = (canBeFullOperand(src0.type, dst.type) && canBeScalarOperand(src1.type, dst.type)) ||
               (canBeFullOperand(src1.type, dst.type) && canBeScalarOperand(src0.type, dst.type));
  if (!legal)
    return op->emitOpError()
           << "one source must be row_major with dst's valid shape " << formatValidShape(dst.type)
           << " and the other a per-row scalar tile with dst's valid rows (row_major with "
           << 32 / dst.type.getElementBytes()
           << " valid cols, or col_major with 1 valid col); got src0 " << src0.type.getLayoutName()
           << " " << formatValidShape(src0.type) << ", src1 " << src1.type.getLayoutName() << " "
           << formatValidShape(src1.type);
  if (!tmpValue)
    return success();
  NamedTile tmp = named("tmp", tmpValue);
  if (failed(verifyLocation(op, tmp, {TileLocation::Vec})) ||
      failed(verifySameElementType(op, tmp, dst)))
    return failure();
  return success();
}

LogicalResult TRowExpandSubOp::verify() {
  return verifyRowExpand(*this, getSrc0(), getSrc1(), getDst(), getTmp());
}
LogicalResult TRowExpandMulOp::verify() {
  return verifyRowExpand(*this, getSrc0(), getSrc1(), getDst(), getTmp());
}
LogicalResult TRowExpandDivOp::verify() {
  return verifyRowExpand(*this, getSrc0(), getSrc1(), getDst(), getTmp());
}
