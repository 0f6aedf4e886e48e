//===- Builders.cpp - EmitC builders of the aicore patterns -----------------===//
//
// Small EmitC constructions the patterns share: expressions, argument slots,
// by-reference calls through `emitc.verbatim`, tile declarations and TASSIGN.
//
//===----------------------------------------------------------------------===//

#include "../EmitCCommon.h"
#include "Common.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::ptoattn::aicore_to_emitc {

//===----------------------------------------------------------------------===//
// Helpers shared by the patterns
//===----------------------------------------------------------------------===//

Type sizeTType(MLIRContext *ctx) { return emitc::SizeTType::get(ctx); }

emitc::OpaqueType opaque(MLIRContext *ctx, StringRef text) {
  return emitc::OpaqueType::get(ctx, text);
}

/// The kernel entry enclosing `op`.
const KernelEntry *getKernelEntry(Operation *op, const KernelEntries &entries) {
  auto func = op->getParentOfType<emitc::FuncOp>();
  auto it = func ? entries.find(func.getOperation()) : entries.end();
  return it == entries.end() ? nullptr : &it->second;
}

/// Reads an lvalue (`emitc.load` typed by what the lvalue holds).
Value loadValue(OpBuilder &b, Location loc, Value lvalue) {
  return emitc::LoadOp::create(b, loc, cast<emitc::LValueType>(lvalue.getType()).getValueType(),
                               lvalue);
}

/// `emitc.expression` over `operands` whose body `build` fills in and whose
/// result is the value `build` returns. `noInline` keeps it a named variable
/// (a GlobalTensor bound to a reference parameter must not be a temporary).
Value buildExpression(OpBuilder &b, Location loc, Type resultType, ValueRange operands,
                      bool noInline, function_ref<Value(OpBuilder &, ValueRange)> build) {
  auto expr = emitc::ExpressionOp::create(b, loc, resultType, operands, noInline);
  Block *body = &expr.getBodyRegion().emplaceBlock();
  SmallVector<Location> locs(operands.size(), loc);
  body->addArguments(operands.getTypes(), locs);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(body);
  Value result = build(b, body->getArguments());
  emitc::YieldOp::create(b, loc, result);
  return expr.getResult();
}

/// Loads `lvalue` and casts it to `type` in one expression.
Value loadAs(OpBuilder &b, Location loc, Value lvalue, Type type) {
  return buildExpression(b, loc, type, lvalue, /*noInline=*/false,
                         [&](OpBuilder &eb, ValueRange in) {
                           Value loaded = loadValue(eb, loc, in[0]);
                           return emitc::CastOp::create(eb, loc, type, loaded).getResult();
                         });
}

/// `verbatim` with its operands as `{}` placeholders: a call that takes tiles by
/// reference, e.g. `TLOAD({}, {});`.
void emitVerbatimCall(OpBuilder &b, Location loc, StringRef callee, ValueRange operands,
                      StringRef trailing) {
  SmallVector<std::string> holes(operands.size(), "{}");
  std::string text = (callee + "(" + llvm::join(holes, ", ") + trailing + ");").str();
  emitc_common::verbatim(b, loc, text, operands);
}

/// The on-chip byte offset a tile value is bound to, through aliases.
std::optional<int64_t> getTileOffset(Value tile) {
  Operation *def = tile.getDefiningOp();
  if (auto tileOp = dyn_cast_if_present<ac::TileOp>(def)) {
    if (std::optional<uint64_t> offset = tileOp.getOffset())
      return static_cast<int64_t>(*offset);
    return std::nullopt;
  }
  if (auto alias = dyn_cast_if_present<ac::TileAliasOp>(def))
    return getTileOffset(alias.getSrc());
  if (auto reshape = dyn_cast_if_present<ac::TReshapeOp>(def))
    return getTileOffset(reshape.getSrc());
  return std::nullopt;
}

/// Declares the tile object `name` of `type` (constructed with `validDims`
/// when its valid shape is dynamic).
Value declareTile(OpBuilder &b, Location loc, const TypeConverter &converter, ac::TileType type,
                  ValueRange validDims, StringRef name) {
  Type cppType = converter.convertType(type);
  auto object = cast<emitc::OpaqueType>(cppType);
  SmallVector<StringRef> holes(validDims.size(), "{}");
  std::string init = validDims.empty() ? "" : "(" + llvm::join(holes, ", ") + ")";
  return emitc_common::declareNamed(b, loc, cppType, object.getValue(), name, init, validDims);
}

/// `TASSIGN(tile, offset)`: binds the object to its on-chip address.
void assignTile(OpBuilder &b, Location loc, Value tile, int64_t offset) {
  emitc_common::verbatim(b, loc, llvm::formatv("TASSIGN({{}, {0:x});", offset).str(), tile);
}

} // namespace mlir::ptoattn::aicore_to_emitc
