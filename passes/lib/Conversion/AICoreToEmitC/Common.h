//===- Common.h - shared by the aicore-to-EmitC patterns --------------------*- C++ -*-===//
//
// What the pattern files of convert-aicore-to-emitc share: the C++ spelling of
// aicore types, the type converter, the per-kernel entry information the
// argument patterns read, small EmitC builders, and the populate functions of
// the op families (memory and arguments, compute, sync).
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_CONVERSION_AICORETOEMITC_COMMON_H
#define PTOATTN_CONVERSION_AICORETOEMITC_COMMON_H

#include "ptoattn/Dialect/AICore/IR/AICore.h"

#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/DenseMap.h"

#include <optional>
#include <string>

namespace mlir::ptoattn::aicore_to_emitc {

namespace ac = ::mlir::ptoattn::aicore;

//===----------------------------------------------------------------------===//
// C++ spelling (TypeNames.cpp)
//===----------------------------------------------------------------------===//

/// The PTO-ISA C++ name of an element type (`float`, `bfloat16_t`, `int32_t`, ...).
std::string cppElementType(Type type);
/// `Tile<TileType::X, T, R, C, BLayout, VR, VC[, SLayout, fractal[, PadValue]]>` or the cube
/// alias `TileLeft/TileRight/TileAcc<T, R, C, VR, VC>`.
std::string cppTileTypeName(ac::TileType type);
/// `GlobalTensor<T, Shape<...>, Stride<...>[, Layout::DN|NZ]>`.
std::string cppGlobalTensorName(ac::GmViewType type);
std::string cppShapeName(ac::GmViewType type);
std::string cppStrideName(ac::GmViewType type);
/// The strides of a GM view; packed ones when the type leaves them out.
SmallVector<int64_t> getViewStrides(ac::GmViewType type);
/// The buffer a tile location names (L1, L0A, ...), for comments.
StringRef bufferName(ac::TileLocation loc);
StringRef cppPipe(ac::Pipe pipe);
StringRef cppRoundMode(ac::RoundMode mode);

/// The `using` aliases of tile and GM-view types, shared by every kernel of
/// the module: one alias per distinct C++ type, named after its shape
/// (`VecF32_8x128`, `GmBf16_128x128_DN`), in first-use order.
class TypeAliases {
public:
  /// The alias of a tile or GM-view type (assigned on first request).
  StringRef get(Type type);
  /// `using <alias> = <C++ type>;` of `type`.
  std::string declaration(Type type);

private:
  DenseMap<Type, std::string> aliases;
  llvm::StringMap<unsigned> taken;
};

/// index -> int64_t, scalars unchanged, aicore handles -> PTO-ISA objects
/// spelled by their `using` alias. Tiles and GM views are named C++ objects
/// (`emitc.literal`s of their declared name).
class KernelTypeConverter : public TypeConverter {
public:
  KernelTypeConverter(MLIRContext *ctx, TypeAliases &aliases);
};

//===----------------------------------------------------------------------===//
// Kernel entries and EmitC builders (Builders.cpp)
//===----------------------------------------------------------------------===//

/// What the patterns need about the kernel being lowered.
struct KernelEntry {
  /// The role of each args[] slot (`scores`, `kv_step`), from `#aicore.kernel`.
  SmallVector<std::string> roles;
  /// Whether args[] slot i holds a tensor descriptor (`<role>_tensor`).
  SmallVector<bool> isTensor;
  /// The C++ name of each named value of the aicore kernel (tiles, GM views,
  /// element pointers, scalar arguments, SPMD queries), fixed before the
  /// conversion in program order.
  DenseMap<Value, std::string> names;
};
/// By `emitc.func` kernel_entry operation.
using KernelEntries = DenseMap<Operation *, KernelEntry>;

Type sizeTType(MLIRContext *ctx);
emitc::OpaqueType opaque(MLIRContext *ctx, StringRef text);
/// The kernel entry enclosing `op`, or null.
const KernelEntry *getKernelEntry(Operation *op, const KernelEntries &entries);
/// Reads an lvalue (`emitc.load` typed by what the lvalue holds).
Value loadValue(OpBuilder &b, Location loc, Value lvalue);
/// `emitc.expression` over `operands` whose body `build` fills in and whose
/// result is the value `build` returns. `noInline` keeps it a named variable.
Value buildExpression(OpBuilder &b, Location loc, Type resultType, ValueRange operands,
                      bool noInline, function_ref<Value(OpBuilder &, ValueRange)> build);
/// Loads `lvalue` and casts it to `type` in one expression.
Value loadAs(OpBuilder &b, Location loc, Value lvalue, Type type);
/// `callee({}, {}...trailing);` as `emitc.verbatim` with operands: a call that
/// takes tiles by reference.
void emitVerbatimCall(OpBuilder &b, Location loc, StringRef callee, ValueRange operands,
                      StringRef trailing = "");
/// The on-chip byte offset a tile value is bound to, through aliases.
std::optional<int64_t> getTileOffset(Value tile);
/// Declares the tile object `name` of `type` (constructed with `validDims`
/// when its valid shape is dynamic).
Value declareTile(OpBuilder &b, Location loc, const TypeConverter &converter, ac::TileType type,
                  ValueRange validDims, StringRef name);
/// `TASSIGN(tile, offset)`.
void assignTile(OpBuilder &b, Location loc, Value tile, int64_t offset);

//===----------------------------------------------------------------------===//
// Pattern families
//===----------------------------------------------------------------------===//

/// Tile declarations and aliases, kernel arguments, SPMD context, GM views
/// and scalar reads (MemoryPatterns.cpp).
void populateMemoryPatterns(RewritePatternSet &patterns, const TypeConverter &converter,
                            const KernelEntries &entries);
/// One PTO-ISA call per tile instruction (ComputePatterns.cpp).
void populateComputePatterns(RewritePatternSet &patterns, const TypeConverter &converter);
/// Flags, barriers, the final drain, return, and unsigned index division
/// (SyncPatterns.cpp).
void populateSyncPatterns(RewritePatternSet &patterns, const TypeConverter &converter);

} // namespace mlir::ptoattn::aicore_to_emitc

#endif // PTOATTN_CONVERSION_AICORETOEMITC_COMMON_H
