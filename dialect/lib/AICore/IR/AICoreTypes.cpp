//===- AICoreTypes.cpp - aicore tile, GM view and GM pointer types -----------===//
//
// Parsing, printing and verification of the aicore types. The tile type's
// verifier holds the static rules PTO-ISA's `Tile` enforces with
// static_asserts, so an illegal tile is rejected here rather than by the C++
// compiler after emission.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Dialect/AICore/IR/AICore.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::ptoattn::aicore;

#define GET_TYPEDEF_CLASSES
#include "ptoattn/Dialect/AICore/IR/AICoreTypes.cpp.inc"

void AICoreDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "ptoattn/Dialect/AICore/IR/AICoreTypes.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

bool mlir::ptoattn::aicore::isSupportedElementType(Type type) {
  if (type.isF32() || type.isF16() || type.isBF16())
    return true;
  auto intType = dyn_cast<IntegerType>(type);
  return intType && !intType.isSigned() && llvm::is_contained({8u, 16u, 32u}, intType.getWidth());
}

int64_t mlir::ptoattn::aicore::getElementBytes(Type type) {
  return type.getIntOrFloatBitWidth() / 8;
}

/// The sentence every element-type diagnostic ends with.
static constexpr StringLiteral kSupportedElementTypes =
    "f32, f16, bf16, i8, i16, i32, ui8, ui16 or ui32";

static std::string formatDim(int64_t dim) {
  return ShapedType::isDynamic(dim) ? std::string("?") : std::to_string(dim);
}

/// Parses `[a, b, ...]` where each entry is an integer or `?`.
static ParseResult parseMaybeDynamicList(AsmParser &parser, SmallVectorImpl<int64_t> &values) {
  return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&]() -> ParseResult {
    if (succeeded(parser.parseOptionalQuestion())) {
      values.push_back(ShapedType::kDynamic);
      return success();
    }
    int64_t value;
    if (parser.parseInteger(value))
      return failure();
    values.push_back(value);
    return success();
  });
}

static void printMaybeDynamicList(AsmPrinter &printer, ArrayRef<int64_t> values) {
  printer << "[";
  llvm::interleaveComma(values, printer, [&](int64_t v) { printer << formatDim(v); });
  printer << "]";
}

/// Parses `(, key = value)* >`, each key at most once. `parseValue` parses
/// the value of a known key and returns std::nullopt for an unknown one, which
/// is reported as an unknown `what`, listing the `expected` keys.
static ParseResult
parseKeyedParams(AsmParser &parser, StringRef what, StringRef expected,
                 function_ref<std::optional<ParseResult>(StringRef key)> parseValue) {
  llvm::StringSet<> seen;
  while (succeeded(parser.parseOptionalComma())) {
    SMLoc keyLoc = parser.getCurrentLocation();
    StringRef key;
    if (parser.parseKeyword(&key))
      return failure();
    if (!seen.insert(key).second)
      return parser.emitError(keyLoc) << "parameter '" << key << "' given twice";
    if (parser.parseEqual())
      return failure();
    std::optional<ParseResult> result = parseValue(key);
    if (!result)
      return parser.emitError(keyLoc)
             << "unknown " << what << " '" << key << "', expected " << expected;
    if (failed(*result))
      return failure();
  }
  return parser.parseGreater();
}

/// Parses a keyword naming a case of an enum with the given symbolizer.
template <typename EnumT>
static ParseResult parseEnumKeyword(AsmParser &parser, StringRef what, StringRef allowed,
                                    std::optional<EnumT> (*symbolize)(StringRef), EnumT &result) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef keyword;
  if (parser.parseKeyword(&keyword))
    return failure();
  std::optional<EnumT> value = symbolize(keyword);
  if (!value)
    return parser.emitError(loc) << "unknown " << what << " '" << keyword << "', expected one of "
                                 << allowed;
  result = *value;
  return success();
}

//===----------------------------------------------------------------------===//
// TileType
//===----------------------------------------------------------------------===//

namespace {
/// The layout parameters a location implies when the type leaves them out:
/// those of the PTO-ISA alias for that location (TileLeft, TileRight,
/// TileAcc), or of a plain `Tile<>` for mat and vec.
struct TileLayoutDefaults {
  BLayout blayout;
  SLayout slayout;
  int64_t fractal;
};
} // namespace

static TileLayoutDefaults getLayoutDefaults(TileLocation location) {
  switch (location) {
  case TileLocation::Left:
    // TileLeft on a2a3 hardware (ZZ). The CPU-sim build of PTO-ISA uses NZ;
    // both have row-major boxes, which is what TMOV and TMATMUL care about.
    return {BLayout::RowMajor, SLayout::RowMajor, 512};
  case TileLocation::Right:
    return {BLayout::RowMajor, SLayout::ColMajor, 512};
  case TileLocation::Acc:
    return {BLayout::ColMajor, SLayout::RowMajor, 1024};
  case TileLocation::Mat:
  case TileLocation::Vec:
    break;
  }
  return {BLayout::RowMajor, SLayout::NoneBox, 512};
}

TileType TileType::get(TileLocation location, ArrayRef<int64_t> shape, Type elementType) {
  TileLayoutDefaults d = getLayoutDefaults(location);
  return get(elementType.getContext(), location, shape, elementType, shape, d.blayout, d.slayout,
             d.fractal, PadValue::Null);
}

TileType TileType::getChecked(function_ref<InFlightDiagnostic()> emitError, TileLocation location,
                              ArrayRef<int64_t> shape, Type elementType) {
  TileLayoutDefaults d = getLayoutDefaults(location);
  return getChecked(emitError, elementType.getContext(), location, shape, elementType, shape,
                    d.blayout, d.slayout, d.fractal, PadValue::Null);
}

unsigned TileType::getNumDynamicValidDims() const {
  return llvm::count_if(getValidShape(), ShapedType::isDynamic);
}

int64_t TileType::getElementBytes() const { return aicore::getElementBytes(getElementType()); }

int64_t TileType::getSizeInBytes() const { return getRows() * getCols() * getElementBytes(); }

StringRef TileType::getLayoutName() const {
  bool row = isRowMajor();
  switch (getSlayout()) {
  case SLayout::NoneBox:
    return row ? "nd" : "dn";
  case SLayout::RowMajor:
    return row ? "zz" : "nz";
  case SLayout::ColMajor:
    return row ? "zn" : "nn";
  }
  llvm_unreachable("unknown SLayout");
}

TileType TileType::withValidShape(ArrayRef<int64_t> validShape) const {
  return get(getContext(), getLocation(), getShape(), getElementType(), validShape, getBlayout(),
             getSlayout(), getFractal(), getPad());
}

Type TileType::parse(AsmParser &parser) {
  SMLoc typeLoc = parser.getCurrentLocation();
  if (parser.parseLess())
    return {};

  SMLoc locationLoc = parser.getCurrentLocation();
  StringRef locationName;
  if (parser.parseKeyword(&locationName))
    return {};
  std::optional<TileLocation> location = symbolizeTileLocation(locationName);
  if (!location) {
    InFlightDiagnostic diag = parser.emitError(locationLoc)
                              << "unknown tile location '" << locationName
                              << "', expected one of mat, left, right, acc, vec";
    if (locationName == "gm")
      diag << " (global memory is not a tile location; use !aicore.gm)";
    return {};
  }

  SmallVector<int64_t> shape;
  Type elementType;
  if (parser.parseComma() ||
      parser.parseDimensionList(shape, /*allowDynamic=*/false, /*withTrailingX=*/true) ||
      parser.parseType(elementType))
    return {};

  TileLayoutDefaults defaults = getLayoutDefaults(*location);
  SmallVector<int64_t> validShape(shape);
  BLayout blayout = defaults.blayout;
  SLayout slayout = defaults.slayout;
  int64_t fractal = defaults.fractal;
  PadValue pad = PadValue::Null;

  auto parseTileParam = [&](StringRef key) -> std::optional<ParseResult> {
    if (key == "valid") {
      validShape.clear();
      return parseMaybeDynamicList(parser, validShape);
    }
    if (key == "blayout")
      return parseEnumKeyword(parser, "blayout", "row_major, col_major", symbolizeBLayout, blayout);
    if (key == "slayout")
      return parseEnumKeyword(parser, "slayout", "none_box, row_major, col_major", symbolizeSLayout,
                              slayout);
    if (key == "fractal")
      return parser.parseInteger(fractal);
    if (key == "pad")
      return parseEnumKeyword(parser, "pad value", "null, zero, min, max", symbolizePadValue, pad);
    return std::nullopt;
  };
  if (parseKeyedParams(parser, "tile parameter", "valid, blayout, slayout, fractal or pad",
                       parseTileParam))
    return {};
  return getChecked([&] { return parser.emitError(typeLoc); }, parser.getContext(), *location,
                    shape, elementType, validShape, blayout, slayout, fractal, pad);
}

void TileType::print(AsmPrinter &printer) const {
  printer << "<" << stringifyTileLocation(getLocation()) << ", ";
  for (int64_t dim : getShape())
    printer << dim << "x";
  printer << getElementType();
  if (getValidShape() != getShape()) {
    printer << ", valid = ";
    printMaybeDynamicList(printer, getValidShape());
  }
  TileLayoutDefaults defaults = getLayoutDefaults(getLocation());
  if (getBlayout() != defaults.blayout)
    printer << ", blayout = " << stringifyBLayout(getBlayout());
  if (getSlayout() != defaults.slayout)
    printer << ", slayout = " << stringifySLayout(getSlayout());
  if (getFractal() != defaults.fractal)
    printer << ", fractal = " << getFractal();
  if (getPad() != PadValue::Null)
    printer << ", pad = " << stringifyPadValue(getPad());
  printer << ">";
}

LogicalResult TileType::verify(function_ref<InFlightDiagnostic()> emitError, TileLocation location,
                               ArrayRef<int64_t> shape, Type elementType,
                               ArrayRef<int64_t> validShape, BLayout blayout, SLayout slayout,
                               int64_t fractal, PadValue pad) {
  if (shape.size() != 2)
    return emitError() << "tile shape must have 2 dims (rows x cols), got " << shape.size();
  static constexpr StringLiteral dimNames[] = {"rows", "cols"};
  for (auto [name, dim] : llvm::zip_equal(dimNames, shape))
    if (ShapedType::isDynamic(dim) || dim <= 0)
      return emitError() << "tile " << name << " must be static and positive, got "
                         << formatDim(dim);
  if (validShape.size() != 2)
    return emitError() << "tile valid shape must have 2 entries [rows, cols], got "
                       << validShape.size();
  for (auto [name, valid, dim] : llvm::zip_equal(dimNames, validShape, shape)) {
    if (ShapedType::isDynamic(valid))
      continue;
    if (valid <= 0 || valid > dim)
      return emitError() << "tile valid " << name << " must be ? or in [1, " << dim
                         << "] (the tile's " << name << "), got " << valid;
  }
  if (!isSupportedElementType(elementType))
    return emitError() << "tile element type must be " << kSupportedElementTypes << ", got "
                       << elementType;
  namespace tgt = ::mlir::ptoattn::target;
  if (fractal != tgt::kBoxBytes && fractal != tgt::kAccBoxBytes)
    return emitError() << "tile fractal (box bytes) must be " << tgt::kBoxBytes << " or "
                       << tgt::kAccBoxBytes << ", got " << fractal;

  // Cube tiles are emitted as the PTO-ISA aliases (TileLeft, TileRight,
  // TileAcc), which fix the layout; a different layout here would silently
  // disagree with the emitted C++. TileLeft's outer layout depends on the
  // build (row_major on a2a3 hardware, col_major under CPU simulation), so
  // either is accepted.
  TileLayoutDefaults defaults = getLayoutDefaults(location);
  if (location == TileLocation::Left &&
      (slayout != defaults.slayout || fractal != defaults.fractal))
    return emitError() << "a left tile must have the TileLeft layout (slayout = row_major, "
                          "fractal = 512), got slayout = "
                       << stringifySLayout(slayout) << ", fractal = " << fractal;
  if ((location == TileLocation::Right || location == TileLocation::Acc) &&
      (blayout != defaults.blayout || slayout != defaults.slayout || fractal != defaults.fractal))
    return emitError() << (location == TileLocation::Acc ? "an " : "a ")
                       << stringifyTileLocation(location) << " tile must have the "
                       << (location == TileLocation::Right ? "TileRight" : "TileAcc")
                       << " layout (blayout = " << stringifyBLayout(defaults.blayout)
                       << ", slayout = " << stringifySLayout(defaults.slayout)
                       << ", fractal = " << defaults.fractal
                       << "), got blayout = " << stringifyBLayout(blayout)
                       << ", slayout = " << stringifySLayout(slayout) << ", fractal = " << fractal;

  int64_t bytes = aicore::getElementBytes(elementType);
  int64_t rows = shape[0], cols = shape[1];
  if (slayout == SLayout::NoneBox) {
    if (fractal != 512)
      return emitError() << "an unboxed tile (slayout = none_box) must keep fractal = 512, got "
                         << fractal;
    // The DMA and vector units move whole 32-byte blocks along the
    // contiguous dimension.
    bool rowMajor = blayout == BLayout::RowMajor;
    int64_t contiguous = rowMajor ? cols : rows;
    if (contiguous * bytes % 32 != 0)
      return emitError() << "unboxed " << stringifyBLayout(blayout) << " tile needs "
                         << (rowMajor ? "cols" : "rows")
                         << " * sizeof(element) to be a multiple of 32 bytes, got " << contiguous
                         << " * " << bytes << " = " << contiguous * bytes;
    return success();
  }

  // Box extents as PTO-ISA defines them: 1024-byte (Acc) boxes are 16x16;
  // 512-byte boxes are 16 rows of 32 bytes (row-major boxes) or 32 bytes of
  // rows by 16 columns (column-major boxes).
  int64_t boxRows = 16, boxCols = 16;
  if (fractal == 512) {
    if (slayout == SLayout::RowMajor)
      boxCols = 32 / bytes;
    else
      boxRows = 32 / bytes;
  }
  // PTO-ISA lets vec tiles and single-row tiles hold a partial box of rows.
  bool rowsExempt = location == TileLocation::Vec || rows == 1;
  if (!rowsExempt && rows % boxRows != 0)
    return emitError() << "boxed tile rows (" << rows << ") must be a multiple of the box rows ("
                       << boxRows << ") of a " << fractal << "-byte " << stringifySLayout(slayout)
                       << " box of " << elementType;
  if (cols % boxCols != 0)
    return emitError() << "boxed tile cols (" << cols << ") must be a multiple of the box cols ("
                       << boxCols << ") of a " << fractal << "-byte " << stringifySLayout(slayout)
                       << " box of " << elementType;
  return success();
}

//===----------------------------------------------------------------------===//
// GmViewType
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<int64_t>> GmViewType::getPackedStrides(ArrayRef<int64_t> shape,
                                                             GmLayout layout) {
  if (shape.size() != kRank || layout == GmLayout::NZ)
    return failure();
  // The outermost extent never enters a stride, so it may be dynamic.
  if (llvm::any_of(shape.drop_front(), ShapedType::isDynamic))
    return failure();
  SmallVector<int64_t> strides(kRank);
  if (layout == GmLayout::ND) {
    strides[4] = 1;
    strides[3] = shape[4];
  } else {
    strides[3] = 1;
    strides[4] = shape[3];
  }
  strides[2] = shape[3] * shape[4];
  strides[1] = strides[2] * shape[2];
  strides[0] = strides[1] * shape[1];
  return strides;
}

unsigned GmViewType::getNumDynamicDims() const {
  return llvm::count_if(getShape(), ShapedType::isDynamic);
}

unsigned GmViewType::getNumDynamicStrides() const {
  return llvm::count_if(getStrides(), ShapedType::isDynamic);
}

Type GmViewType::parse(AsmParser &parser) {
  SMLoc typeLoc = parser.getCurrentLocation();
  SmallVector<int64_t> shape;
  Type elementType;
  if (parser.parseLess() ||
      parser.parseDimensionList(shape, /*allowDynamic=*/true, /*withTrailingX=*/true) ||
      parser.parseType(elementType))
    return {};

  SmallVector<int64_t> strides;
  GmLayout layout = GmLayout::ND;
  bool haveStrides = false;
  auto parseGmViewParam = [&](StringRef key) -> std::optional<ParseResult> {
    if (key == "stride") {
      haveStrides = true;
      return parseMaybeDynamicList(parser, strides);
    }
    if (key == "layout")
      return parseEnumKeyword(parser, "gm layout", "nd, dn, nz", symbolizeGmLayout, layout);
    return std::nullopt;
  };
  if (parseKeyedParams(parser, "gm view parameter", "stride or layout", parseGmViewParam))
    return {};
  // A shape of the wrong rank is reported by the verifier, not as a missing
  // stride.
  if (!haveStrides && shape.size() == kRank) {
    FailureOr<SmallVector<int64_t>> packed = getPackedStrides(shape, layout);
    if (failed(packed))
      return parser.emitError(typeLoc)
                 << "gm view needs an explicit stride unless its layout is nd or dn and "
                    "shape dims 1..4 are static",
             Type();
    strides = std::move(*packed);
  }
  return getChecked([&] { return parser.emitError(typeLoc); }, parser.getContext(), shape,
                    elementType, strides, layout);
}

void GmViewType::print(AsmPrinter &printer) const {
  printer << "<";
  for (int64_t dim : getShape())
    printer << formatDim(dim) << "x";
  printer << getElementType();
  FailureOr<SmallVector<int64_t>> packed = getPackedStrides(getShape(), getLayout());
  if (failed(packed) || ArrayRef<int64_t>(*packed) != getStrides()) {
    printer << ", stride = ";
    printMaybeDynamicList(printer, getStrides());
  }
  if (getLayout() != GmLayout::ND)
    printer << ", layout = " << stringifyGmLayout(getLayout());
  printer << ">";
}

LogicalResult GmViewType::verify(function_ref<InFlightDiagnostic()> emitError,
                                 ArrayRef<int64_t> shape, Type elementType,
                                 ArrayRef<int64_t> strides, GmLayout layout) {
  // GlobalTensor always has five dims; leading ones are 1 for 2-D data.
  if (shape.size() != kRank)
    return emitError() << "gm view shape must have 5 dims, got " << shape.size();
  if (strides.size() != kRank)
    return emitError() << "gm view stride must have 5 entries, got " << strides.size();
  for (auto [i, dim] : llvm::enumerate(shape))
    if (!ShapedType::isDynamic(dim) && dim <= 0)
      return emitError() << "gm view dim " << i << " must be ? or positive, got " << dim;
  for (auto [i, stride] : llvm::enumerate(strides))
    if (!ShapedType::isDynamic(stride) && stride <= 0)
      return emitError() << "gm view stride " << i << " must be ? or positive, got " << stride;
  if (!isSupportedElementType(elementType))
    return emitError() << "gm view element type must be " << kSupportedElementTypes << ", got "
                       << elementType;
  return success();
}

//===----------------------------------------------------------------------===//
// GmPtrType
//===----------------------------------------------------------------------===//

LogicalResult GmPtrType::verify(function_ref<InFlightDiagnostic()> emitError, Type elementType) {
  if (!isSupportedElementType(elementType))
    return emitError() << "gm pointer element type must be " << kSupportedElementTypes << ", got "
                       << elementType;
  return success();
}
