//===- OrchTypes.cpp - orch dialect types ------------------------------------===//
//
// Parser, printer and verifier of `!orch.tensor`. The syntax reuses the builtin
// shaped-type dimension list (`4x?xbf16`) so the type reads like a tensor.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Dialect/Orch/IR/Orch.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::ptoattn::orch;

#define GET_TYPEDEF_CLASSES
#include "ptoattn/Dialect/Orch/IR/OrchTypes.cpp.inc"

void OrchDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "ptoattn/Dialect/Orch/IR/OrchTypes.cpp.inc"
      >();
}

/// The runtime's ChipTensor holds at most this many dimensions (MAX_TENSOR_DIMS).
static constexpr int64_t kMaxRank = 5;

bool ChipTensorType::isValidElementType(Type type) {
  // Exactly the element types of the runtime's DataType enum on a2a3.
  if (type.isF32() || type.isF16() || type.isBF16())
    return true;
  if (auto intType = dyn_cast<IntegerType>(type)) {
    unsigned width = intType.getWidth();
    if (width == 1)
      return intType.isSignless();
    if (width != 8 && width != 16 && width != 32 && width != 64)
      return false;
    // Signless integers are the signed DataTypes (INT8..INT64).
    return intType.isSignless() || intType.isUnsigned();
  }
  return false;
}

Type ChipTensorType::parse(AsmParser &parser) {
  SmallVector<int64_t> shape;
  Type elementType;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess() ||
      parser.parseDimensionList(shape, /*allowDynamic=*/true,
                                /*withTrailingX=*/true) ||
      parser.parseType(elementType) || parser.parseGreater())
    return {};
  return parser.getChecked<ChipTensorType>(loc, parser.getContext(), shape, elementType);
}

void ChipTensorType::print(AsmPrinter &printer) const {
  printer << "<";
  printer.printDimensionList(getShape());
  printer << "x" << getElementType() << ">";
}

LogicalResult ChipTensorType::verify(function_ref<InFlightDiagnostic()> emitError,
                                     ArrayRef<int64_t> shape, Type elementType) {
  if (shape.empty() || static_cast<int64_t>(shape.size()) > kMaxRank)
    return emitError() << "!orch.tensor rank must be 1 to " << kMaxRank
                       << " (runtime MAX_TENSOR_DIMS), got " << shape.size();
  for (auto [i, size] : llvm::enumerate(shape))
    if (!ShapedType::isDynamic(size) && size < 0)
      return emitError() << "!orch.tensor dim " << i << " must be >= 0 or '?', got " << size;
  if (!isValidElementType(elementType))
    return emitError() << "!orch.tensor element type must be a runtime DataType "
                          "(f32, f16, bf16, i1, i8, i16, i32, i64, ui8, ui16, "
                          "ui32, ui64), got "
                       << elementType;
  return success();
}
