//===- TypeNames.cpp - C++ spelling of aicore types -------------------------===//
//
// How aicore tiles, GM views and pointers are spelled in PTO-ISA C++, and the
// type converter of convert-aicore-to-emitc built on those spellings.
//
//===----------------------------------------------------------------------===//

#include "../EmitCCommon.h"
#include "Common.h"

#include "mlir/Dialect/EmitC/Transforms/TypeConversions.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::ptoattn::aicore_to_emitc {

//===----------------------------------------------------------------------===//
// C++ spelling of aicore types
//===----------------------------------------------------------------------===//

/// The PTO-ISA C++ name of an element type.
std::string cppElementType(Type type) {
  if (type.isF32())
    return "float";
  if (type.isF16())
    return "half";
  if (type.isBF16())
    return "bfloat16_t";
  if (auto intType = dyn_cast<IntegerType>(type))
    return llvm::formatv("{0}int{1}_t", intType.isUnsigned() ? "u" : "", intType.getWidth()).str();
  return "<unsupported>";
}

/// A static extent, or -1 (PTO-ISA DYNAMIC) for `?`.
static int64_t cppExtent(int64_t extent) { return ShapedType::isDynamic(extent) ? -1 : extent; }

static StringRef cppBLayout(ac::BLayout layout) {
  return layout == ac::BLayout::RowMajor ? "BLayout::RowMajor" : "BLayout::ColMajor";
}

static StringRef cppSLayout(ac::SLayout layout) {
  switch (layout) {
  case ac::SLayout::NoneBox:
    return "SLayout::NoneBox";
  case ac::SLayout::RowMajor:
    return "SLayout::RowMajor";
  case ac::SLayout::ColMajor:
    return "SLayout::ColMajor";
  }
  llvm_unreachable("unknown SLayout");
}

static StringRef cppPadValue(ac::PadValue pad) {
  switch (pad) {
  case ac::PadValue::Null:
    return "PadValue::Null";
  case ac::PadValue::Zero:
    return "PadValue::Zero";
  case ac::PadValue::Min:
    return "PadValue::Min";
  case ac::PadValue::Max:
    return "PadValue::Max";
  }
  llvm_unreachable("unknown PadValue");
}

static StringRef cppTileType(ac::TileLocation loc) {
  switch (loc) {
  case ac::TileLocation::Mat:
    return "TileType::Mat";
  case ac::TileLocation::Left:
    return "TileType::Left";
  case ac::TileLocation::Right:
    return "TileType::Right";
  case ac::TileLocation::Acc:
    return "TileType::Acc";
  case ac::TileLocation::Vec:
    return "TileType::Vec";
  }
  llvm_unreachable("unknown TileLocation");
}

/// The buffer a tile location names, for comments.
StringRef bufferName(ac::TileLocation loc) {
  switch (loc) {
  case ac::TileLocation::Mat:
    return "L1";
  case ac::TileLocation::Left:
    return "L0A";
  case ac::TileLocation::Right:
    return "L0B";
  case ac::TileLocation::Acc:
    return "L0C";
  case ac::TileLocation::Vec:
    return "UB";
  }
  llvm_unreachable("unknown TileLocation");
}

/// Whether a cube tile has exactly the layout of its PTO-ISA alias and no pad,
/// so that `TileLeft/TileRight/TileAcc` name it. Left is ZZ on a2a3 hardware
/// and NZ under pto-isa's CPU simulation: the alias keeps the file portable.
static bool hasAliasLayout(ac::TileType type) {
  if (type.getPad() != ac::PadValue::Null)
    return false;
  switch (type.getLocation()) {
  case ac::TileLocation::Left:
    return type.getSlayout() == ac::SLayout::RowMajor && type.getFractal() == 512;
  case ac::TileLocation::Right:
    return type.isRowMajor() && type.getSlayout() == ac::SLayout::ColMajor &&
           type.getFractal() == 512;
  case ac::TileLocation::Acc:
    return !type.isRowMajor() && type.getSlayout() == ac::SLayout::RowMajor &&
           type.getFractal() == 1024;
  default:
    return false;
  }
}

/// `Tile<TileType::X, T, R, C, BLayout, VR, VC[, SLayout, fractal[, PadValue]]>`,
/// or the cube alias `TileLeft<T, R, C, VR, VC>` etc.
std::string cppTileTypeName(ac::TileType type) {
  std::string elem = cppElementType(type.getElementType());
  int64_t vr = cppExtent(type.getValidRows()), vc = cppExtent(type.getValidCols());
  if (hasAliasLayout(type)) {
    StringRef alias = type.getLocation() == ac::TileLocation::Left    ? "TileLeft"
                      : type.getLocation() == ac::TileLocation::Right ? "TileRight"
                                                                      : "TileAcc";
    return llvm::formatv("{0}<{1}, {2}, {3}, {4}, {5}>", alias, elem, type.getRows(),
                         type.getCols(), vr, vc)
        .str();
  }
  std::string name =
      llvm::formatv("Tile<{0}, {1}, {2}, {3}, {4}, {5}, {6}", cppTileType(type.getLocation()), elem,
                    type.getRows(), type.getCols(), cppBLayout(type.getBlayout()), vr, vc)
          .str();
  bool needPad = type.getPad() != ac::PadValue::Null;
  if (needPad || type.getSlayout() != ac::SLayout::NoneBox || type.getFractal() != 512)
    name += llvm::formatv(", {0}, {1}", cppSLayout(type.getSlayout()), type.getFractal()).str();
  if (needPad)
    name += (", " + cppPadValue(type.getPad())).str();
  return name + ">";
}

/// The strides of a GM view; packed ones when the type leaves them out.
SmallVector<int64_t> getViewStrides(ac::GmViewType type) {
  if (!type.getStrides().empty())
    return SmallVector<int64_t>(type.getStrides());
  FailureOr<SmallVector<int64_t>> packed =
      ac::GmViewType::getPackedStrides(type.getShape(), type.getLayout());
  return succeeded(packed) ? *packed : SmallVector<int64_t>(type.getShape().size(), -1);
}

static std::string cppExtentList(ArrayRef<int64_t> extents) {
  return llvm::join(
      llvm::map_range(extents, [](int64_t e) { return std::to_string(cppExtent(e)); }), ", ");
}

std::string cppShapeName(ac::GmViewType type) {
  return "Shape<" + cppExtentList(type.getShape()) + ">";
}

std::string cppStrideName(ac::GmViewType type) {
  return "Stride<" + cppExtentList(getViewStrides(type)) + ">";
}

/// `GlobalTensor<T, Shape<...>, Stride<...>[, Layout::DN|NZ]>` (ND is the default).
std::string cppGlobalTensorName(ac::GmViewType type) {
  std::string name =
      llvm::formatv("GlobalTensor<{0}, {1}, {2}", cppElementType(type.getElementType()),
                    cppShapeName(type), cppStrideName(type))
          .str();
  if (type.getLayout() == ac::GmLayout::DN)
    name += ", Layout::DN";
  else if (type.getLayout() == ac::GmLayout::NZ)
    name += ", Layout::NZ";
  return name + ">";
}

StringRef cppPipe(ac::Pipe pipe) {
  switch (pipe) {
  case ac::Pipe::S:
    return "PIPE_S";
  case ac::Pipe::V:
    return "PIPE_V";
  case ac::Pipe::M:
    return "PIPE_M";
  case ac::Pipe::MTE1:
    return "PIPE_MTE1";
  case ac::Pipe::MTE2:
    return "PIPE_MTE2";
  case ac::Pipe::MTE3:
    return "PIPE_MTE3";
  case ac::Pipe::Fix:
    return "PIPE_FIX";
  case ac::Pipe::All:
    return "PIPE_ALL";
  }
  llvm_unreachable("unknown pipe");
}

StringRef cppRoundMode(ac::RoundMode mode) {
  switch (mode) {
  case ac::RoundMode::None:
    return "RoundMode::CAST_NONE";
  case ac::RoundMode::Rint:
    return "RoundMode::CAST_RINT";
  case ac::RoundMode::Round:
    return "RoundMode::CAST_ROUND";
  case ac::RoundMode::Floor:
    return "RoundMode::CAST_FLOOR";
  case ac::RoundMode::Ceil:
    return "RoundMode::CAST_CEIL";
  case ac::RoundMode::Trunc:
    return "RoundMode::CAST_TRUNC";
  case ac::RoundMode::Odd:
    return "RoundMode::CAST_ODD";
  }
  llvm_unreachable("unknown round mode");
}

//===----------------------------------------------------------------------===//
// Type aliases
//===----------------------------------------------------------------------===//

/// `F32`, `Bf16`, `I32`, ... for alias names.
static std::string aliasElement(Type type) {
  std::string cpp = cppElementType(type);
  if (type.isF32())
    return "F32";
  if (type.isF16())
    return "F16";
  if (type.isBF16())
    return "Bf16";
  if (auto it = dyn_cast<IntegerType>(type))
    return llvm::formatv("{0}{1}", it.isUnsigned() ? "U" : "I", it.getWidth()).str();
  return "T";
}

static std::string aliasExtent(int64_t e) {
  return ShapedType::isDynamic(e) ? "N" : std::to_string(e);
}

/// The salient features of a type; `TypeAliases::get` numbers the rare
/// types that share them.
static std::string aliasBase(Type type) {
  if (auto tile = dyn_cast<ac::TileType>(type)) {
    static constexpr StringLiteral locs[] = {"Mat", "Left", "Right", "Acc", "Vec"};
    std::string name =
        llvm::formatv("{0}{1}_{2}x{3}", locs[static_cast<int>(tile.getLocation())],
                      aliasElement(tile.getElementType()), tile.getRows(), tile.getCols())
            .str();
    if (tile.getValidRows() != tile.getRows() || tile.getValidCols() != tile.getCols())
      name += "_Valid" + aliasExtent(tile.getValidRows()) + "x" + aliasExtent(tile.getValidCols());
    if (tile.getPad() != ac::PadValue::Null)
      name += ("_Pad" + cppPadValue(tile.getPad()).drop_front(strlen("PadValue::"))).str();
    return name;
  }
  auto view = cast<ac::GmViewType>(type);
  ArrayRef<int64_t> shape = view.getShape();
  // Leading unit dims say nothing: GM views are 5-D for the DMA.
  size_t first = 0;
  while (first + 2 < shape.size() && shape[first] == 1)
    ++first;
  std::string name = "Gm" + aliasElement(view.getElementType()) + "_" +
                     llvm::join(llvm::map_range(shape.drop_front(first), aliasExtent), "x");
  if (view.getLayout() == ac::GmLayout::DN)
    name += "_DN";
  if (view.getLayout() == ac::GmLayout::NZ)
    name += "_NZ";
  return name;
}

/// The alias of a tile or GM-view type (assigned on first request).
StringRef TypeAliases::get(Type type) {
  auto it = aliases.find(type);
  if (it != aliases.end())
    return it->second;
  std::string base = aliasBase(type);
  unsigned n = ++taken[base];
  std::string name = n == 1 ? base : llvm::formatv("{0}_{1}", base, n).str();
  return aliases[type] = name;
}

std::string TypeAliases::declaration(Type type) {
  std::string cpp = isa<ac::TileType>(type) ? cppTileTypeName(cast<ac::TileType>(type))
                                            : cppGlobalTensorName(cast<ac::GmViewType>(type));
  return ("using " + get(type) + " = " + cpp + ";").str();
}

//===----------------------------------------------------------------------===//
// Type conversion
//===----------------------------------------------------------------------===//

KernelTypeConverter::KernelTypeConverter(MLIRContext *ctx, TypeAliases &aliases) {
  addConversion([](Type type) -> std::optional<Type> {
    if (emitc::isSupportedEmitCType(type))
      return type;
    return std::nullopt;
  });
  emitc_common::populateIndexTypeConversion(*this);
  addConversion([ctx, &aliases](ac::TileType type) -> Type {
    return emitc::OpaqueType::get(ctx, aliases.get(type));
  });
  addConversion([ctx, &aliases](ac::GmViewType type) -> Type {
    return emitc::OpaqueType::get(ctx, aliases.get(type));
  });
  addConversion([ctx](ac::GmPtrType type) -> Type {
    return emitc::PointerType::get(
        emitc::OpaqueType::get(ctx, "__gm__ " + cppElementType(type.getElementType())));
  });
}

} // namespace mlir::ptoattn::aicore_to_emitc
