//===- AICoreVerifyUtils.cpp - shared checks of aicore verifiers -------------===//
//
// Implements the operand checks the aicore instruction verifiers share.
//
//===----------------------------------------------------------------------===//

#include "AICoreVerifyUtils.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::ptoattn::aicore;
using namespace mlir::ptoattn::aicore::checks;

std::string checks::formatDim(int64_t dim) {
  return ShapedType::isDynamic(dim) ? std::string("?") : std::to_string(dim);
}

std::string checks::formatValidShape(TileType type) {
  return "[" + formatDim(type.getValidRows()) + ", " + formatDim(type.getValidCols()) + "]";
}

std::string checks::formatShape(TileType type) {
  return std::to_string(type.getRows()) + "x" + std::to_string(type.getCols());
}

std::string checks::formatType(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return text;
}

LogicalResult checks::verifyLocation(Operation *op, const NamedTile &t,
                                     ArrayRef<TileLocation> allowed) {
  if (llvm::is_contained(allowed, t.type.getLocation()))
    return success();
  // "an acc tile", "a vec tile".
  StringRef first = stringifyTileLocation(allowed.front());
  InFlightDiagnostic diag = op->emitOpError()
                            << t.name << (first.starts_with("a") ? " must be an " : " must be a ");
  for (auto [i, loc] : llvm::enumerate(allowed)) {
    if (i > 0)
      diag << (i + 1 == allowed.size() ? " or " : ", ");
    diag << stringifyTileLocation(loc);
  }
  return diag << " tile, got " << stringifyTileLocation(t.type.getLocation());
}

LogicalResult checks::verifyRowMajor(Operation *op, const NamedTile &t) {
  if (t.type.isRowMajor())
    return success();
  return op->emitOpError() << t.name << " must be row_major (blayout), got "
                           << stringifyBLayout(t.type.getBlayout());
}

LogicalResult checks::verifyNd(Operation *op, const NamedTile &t) {
  if (t.type.isRowMajor() && !t.type.isBoxed())
    return success();
  return op->emitOpError() << t.name
                           << " must be an ND tile (blayout = row_major, slayout = none_box), "
                              "got layout "
                           << t.type.getLayoutName();
}

LogicalResult checks::verifyElementType(Operation *op, const NamedTile &t,
                                        ArrayRef<StringRef> allowed) {
  std::string name = formatType(t.type.getElementType());
  if (llvm::is_contained(allowed, name))
    return success();
  InFlightDiagnostic diag = op->emitOpError() << t.name << " element type must be one of ";
  llvm::interleaveComma(allowed, diag);
  return diag << ", got " << name;
}

LogicalResult checks::verifySameElementType(Operation *op, const NamedTile &t,
                                            const NamedTile &ref) {
  if (t.type.getElementType() == ref.type.getElementType())
    return success();
  return op->emitOpError() << t.name << " element type must equal " << ref.name << " element type ("
                           << formatType(ref.type.getElementType()) << "), got "
                           << formatType(t.type.getElementType());
}

LogicalResult checks::verifySameElementBytes(Operation *op, const NamedTile &t,
                                             const NamedTile &ref) {
  if (t.type.getElementBytes() == ref.type.getElementBytes())
    return success();
  return op->emitOpError() << t.name << " element type must have the size of " << ref.name
                           << " element type (" << formatType(ref.type.getElementType()) << ", "
                           << ref.type.getElementBytes() << " bytes), got "
                           << formatType(t.type.getElementType()) << " ("
                           << t.type.getElementBytes() << " bytes)";
}

LogicalResult checks::verifySameShape(Operation *op, const NamedTile &t, const NamedTile &ref) {
  if (t.type.getShape() == ref.type.getShape())
    return success();
  return op->emitOpError() << t.name << " shape must equal " << ref.name << " shape ("
                           << formatShape(ref.type) << "), got " << formatShape(t.type);
}

LogicalResult checks::verifySameValidShape(Operation *op, const NamedTile &t,
                                           const NamedTile &ref) {
  if (mayEqual(t.type.getValidRows(), ref.type.getValidRows()) &&
      mayEqual(t.type.getValidCols(), ref.type.getValidCols()))
    return success();
  return op->emitOpError() << t.name << " valid shape must equal " << ref.name << " valid shape "
                           << formatValidShape(ref.type) << ", got " << formatValidShape(t.type);
}

LogicalResult checks::verifyVectorElementwise(Operation *op, ArrayRef<NamedTile> tiles,
                                              ArrayRef<StringRef> allowedTypes) {
  const NamedTile &dst = tiles.front();
  for (const NamedTile &t : tiles)
    if (failed(verifyLocation(op, t, {TileLocation::Vec})) || failed(verifyRowMajor(op, t)))
      return failure();
  if (failed(verifyElementType(op, dst, allowedTypes)))
    return failure();
  for (const NamedTile &t : tiles.drop_front())
    if (failed(verifySameElementType(op, t, dst)) || failed(verifySameValidShape(op, t, dst)))
      return failure();
  return success();
}
