//===- AICoreVerifyUtils.h - shared checks of aicore verifiers ----*- C++ -*-===//
//
// Checks that several aicore instructions share (tile location, layout,
// element type, shape agreement). Each emits one diagnostic naming the
// operand, the rule and the allowed values, so the op verifiers read as a
// list of PTO-ISA rules.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_LIB_AICORE_IR_AICOREVERIFYUTILS_H
#define PTOATTN_LIB_AICORE_IR_AICOREVERIFYUTILS_H

#include "ptoattn/Dialect/AICore/IR/AICore.h"

#include <string>

namespace mlir::ptoattn::aicore::checks {

/// A tile operand and the name diagnostics call it by.
struct NamedTile {
  StringRef name;
  TileType type;
};

/// A tile operand of `op` by name.
inline NamedTile named(StringRef name, Value value) {
  return {name, cast<TileType>(value.getType())};
}

/// `16` or `?`.
std::string formatDim(int64_t dim);
/// `[16, ?]`.
std::string formatValidShape(TileType type);
/// `16x128`.
std::string formatShape(TileType type);
/// The element type as printed (`f32`, `bf16`, ...).
std::string formatType(Type type);

/// Whether two extents can be equal: always when either is dynamic.
inline bool mayEqual(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// `t` lives in one of `allowed`.
LogicalResult verifyLocation(Operation *op, const NamedTile &t, ArrayRef<TileLocation> allowed);
/// `t` has a row-major outer layout.
LogicalResult verifyRowMajor(Operation *op, const NamedTile &t);
/// `t` is ND: row-major and unboxed.
LogicalResult verifyNd(Operation *op, const NamedTile &t);
/// `t`'s element type is one of `allowed` (names as printed).
LogicalResult verifyElementType(Operation *op, const NamedTile &t, ArrayRef<StringRef> allowed);
/// `t` and `ref` have the same element type.
LogicalResult verifySameElementType(Operation *op, const NamedTile &t, const NamedTile &ref);
/// `t` and `ref` have element types of the same size.
LogicalResult verifySameElementBytes(Operation *op, const NamedTile &t, const NamedTile &ref);
/// `t` and `ref` have the same static rows and cols.
LogicalResult verifySameShape(Operation *op, const NamedTile &t, const NamedTile &ref);
/// `t` and `ref` have the same valid shape wherever both are static.
LogicalResult verifySameValidShape(Operation *op, const NamedTile &t, const NamedTile &ref);

/// Element types of the a2a3 vector arithmetic (no bf16).
inline constexpr StringRef kVectorArithTypes[] = {"f32", "f16", "i32", "i16"};

/// The rules of a vector element-wise instruction: every tile is a row-major
/// vec tile of `dst`'s element type, which is one of `allowedTypes`, and
/// every source has `dst`'s valid shape. `tiles` starts with `dst`.
LogicalResult verifyVectorElementwise(Operation *op, ArrayRef<NamedTile> tiles,
                                      ArrayRef<StringRef> allowedTypes);

} // namespace mlir::ptoattn::aicore::checks

#endif // PTOATTN_LIB_AICORE_IR_AICOREVERIFYUTILS_H
