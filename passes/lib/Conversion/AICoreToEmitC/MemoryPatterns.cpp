//===- MemoryPatterns.cpp - declarations, arguments, GM ---------------------===//
//
// Patterns for the aicore ops that declare things rather than compute: tiles
// and their aliases (Tile<...> + TASSIGN), kernel arguments decoded from
// args[], the runtime's SPMD context, GM views (GlobalTensor<...>) and scalar
// reads of global memory.
//
//===----------------------------------------------------------------------===//

#include "../EmitCCommon.h"
#include "Common.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::ptoattn::aicore_to_emitc {
namespace {

//===----------------------------------------------------------------------===//
// Declarations, kernel arguments, GM
//===----------------------------------------------------------------------===//

/// Base for patterns that need the kernel entry (argument roles, names).
template <typename OpTy> struct KernelPattern : OpConversionPattern<OpTy> {
  KernelPattern(const TypeConverter &converter, MLIRContext *ctx, const KernelEntries &entries)
      : OpConversionPattern<OpTy>(converter, ctx), entries(entries) {}
  const KernelEntries &entries;

  /// The C++ name fixed for `v` before the conversion.
  std::string nameOf(const KernelEntry &entry, Value v, StringRef fallback) const {
    auto it = entry.names.find(v);
    return it != entry.names.end() ? it->second : fallback.str();
  }
};

/// A tile object at its planned address. For `tile_alias` that is a second
/// object over the source's bytes: the same TASSIGN address.
template <typename OpTy> struct PlacedTileLowering : KernelPattern<OpTy> {
  using KernelPattern<OpTy>::KernelPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    std::optional<int64_t> offset = getTileOffset(op.getResult());
    const KernelEntry *entry = getKernelEntry(op, this->entries);
    if (!offset || !entry)
      return rewriter.notifyMatchFailure(op, "tile has no planned offset");
    auto type = cast<ac::TileType>(op.getType());
    Value tile = declareTile(rewriter, op.getLoc(), *this->getTypeConverter(), type,
                             adaptor.getValidDims(), this->nameOf(*entry, op.getResult(), "tile"));
    assignTile(rewriter, op.getLoc(), tile, *offset);
    rewriter.replaceOp(op, tile);
    return success();
  }
};

/// `TRESHAPE(dst, src)` into a new object of the result type.
struct TReshapeLowering : KernelPattern<ac::TReshapeOp> {
  using KernelPattern::KernelPattern;
  LogicalResult matchAndRewrite(ac::TReshapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    std::optional<int64_t> offset = getTileOffset(op.getSrc());
    const KernelEntry *entry = getKernelEntry(op, entries);
    auto type = cast<ac::TileType>(op.getType());
    if (!offset || !entry || type.getNumDynamicValidDims() != 0)
      return rewriter.notifyMatchFailure(op, "needs an offset and a static valid shape");
    Value tile = declareTile(rewriter, op.getLoc(), *getTypeConverter(), type, {},
                             nameOf(*entry, op.getResult(), "reshaped"));
    emitVerbatimCall(rewriter, op.getLoc(), "TRESHAPE", {tile, adaptor.getSrc()});
    rewriter.replaceOp(op, tile);
    return success();
  }
};

/// `__gm__ T* name = reinterpret_cast<__gm__ T*>(d->buffer.addr) + d->start_offset;`
struct TensorPtrLowering : KernelPattern<ac::TensorPtrOp> {
  using KernelPattern::KernelPattern;
  LogicalResult matchAndRewrite(ac::TensorPtrOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    const KernelEntry *entry = getKernelEntry(op, entries);
    int64_t slot = op.getArg();
    if (!entry || slot >= static_cast<int64_t>(entry->isTensor.size()) || !entry->isTensor[slot])
      return rewriter.notifyMatchFailure(op, "args[] slot is not a tensor argument");
    Type ptrType = getTypeConverter()->convertType(op.getType());
    std::string cppType = *emitc_common::cppTypeName(ptrType);
    std::string desc = entry->roles[slot] + "_tensor";
    emitc_common::replaceWithNamed(
        rewriter, op, ptrType, cppType, nameOf(*entry, op.getResult(), entry->roles[slot]),
        llvm::formatv(" = reinterpret_cast<{0}>({1}->buffer.addr) + {1}->start_offset", cppType,
                      desc)
            .str());
    return success();
  }
};

/// `d->shapes[k]`, as an int64_t.
struct TensorDimLowering : KernelPattern<ac::TensorDimOp> {
  using KernelPattern::KernelPattern;
  LogicalResult matchAndRewrite(ac::TensorDimOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    const KernelEntry *entry = getKernelEntry(op, entries);
    int64_t slot = op.getArg();
    if (!entry || slot >= static_cast<int64_t>(entry->isTensor.size()) || !entry->isTensor[slot])
      return rewriter.notifyMatchFailure(op, "args[] slot is not a tensor argument");
    rewriter.replaceOpWithNewOp<emitc::LiteralOp>(
        op, rewriter.getI64Type(),
        llvm::formatv("static_cast<int64_t>({0}_tensor->shapes[{1}])", entry->roles[slot],
                      op.getDim())
            .str());
    return success();
  }
};

/// `const int64_t name = args[i];`, or `const float name =
/// from_u64<float>(static_cast<uint64_t>(args[i]));` for an f32.
struct ScalarArgLowering : KernelPattern<ac::ScalarArgOp> {
  using KernelPattern::KernelPattern;
  LogicalResult matchAndRewrite(ac::ScalarArgOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    const KernelEntry *entry = getKernelEntry(op, entries);
    if (!entry)
      return rewriter.notifyMatchFailure(op, "not inside a kernel entry");
    Type type = op.getType();
    std::string fallback = llvm::formatv("arg{0}", op.getArg()).str();
    return emitc_common::replaceWithConstant(
        rewriter, op, type, nameOf(*entry, op.getResult(), fallback), [&](StringRef cppType) {
          return type.isInteger(64)
                     ? llvm::formatv("args[{0}]", op.getArg()).str()
                     : llvm::formatv("from_u64<{0}>(static_cast<uint64_t>(args[{1}]))", cppType,
                                     op.getArg())
                           .str();
        });
  }
};

/// `const int64_t block_idx = get_block_idx(args);` and friends: the
/// runtime's SPMD context, never the hardware registers of the same name.
template <typename OpTy> struct ContextLowering : KernelPattern<OpTy> {
  ContextLowering(const TypeConverter &converter, MLIRContext *ctx, const KernelEntries &entries,
                  StringRef accessor)
      : KernelPattern<OpTy>(converter, ctx, entries), accessor(accessor) {}
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    const KernelEntry *entry = getKernelEntry(op, this->entries);
    if (!entry)
      return rewriter.notifyMatchFailure(op, "not inside a kernel entry");
    StringRef fallback = StringRef(accessor).drop_front(strlen("get_"));
    return emitc_common::replaceWithConstant(rewriter, op, rewriter.getI64Type(),
                                             this->nameOf(*entry, op.getResult(), fallback),
                                             [&](StringRef) { return accessor + "(args)"; });
  }
  std::string accessor;
};

/// `GmT name(base + offset[, Shape<...>(dims)[, Stride<...>(strides)]]);`
struct GmViewLowering : KernelPattern<ac::GmViewOp> {
  using KernelPattern::KernelPattern;
  LogicalResult matchAndRewrite(ac::GmViewOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    const KernelEntry *entry = getKernelEntry(op, entries);
    if (!entry)
      return rewriter.notifyMatchFailure(op, "not inside a kernel entry");
    auto type = cast<ac::GmViewType>(op.getType());
    Type tensorType = getTypeConverter()->convertType(type);
    SmallVector<Value> operands = {adaptor.getBase()};
    std::string init = "({}";
    // A zero offset is left out: `q + 0` says nothing.
    auto offset = adaptor.getOffset().getDefiningOp<emitc::LiteralOp>();
    if (!offset || offset.getValue() != "0") {
      init += " + {}";
      operands.push_back(adaptor.getOffset());
    }
    /// Constructor arguments: static extents as numbers, dynamic ones as operands.
    auto ctor = [&](StringRef cppType, ArrayRef<int64_t> extents, ValueRange dynamic) {
      SmallVector<std::string> args;
      for (int64_t e : extents)
        args.push_back(ShapedType::isDynamic(e) ? "{}" : std::to_string(e));
      llvm::append_range(operands, dynamic);
      init += (", " + cppType + "(" + llvm::join(args, ", ") + ")").str();
    };
    bool dynShape = !adaptor.getSizes().empty(), dynStride = !adaptor.getStrides().empty();
    if (dynShape || dynStride)
      ctor(cppShapeName(type), type.getShape(), adaptor.getSizes());
    if (dynStride)
      ctor(cppStrideName(type), getViewStrides(type), adaptor.getStrides());
    init += ")";
    emitc_common::replaceWithNamed(rewriter, op, tensorType,
                                   cast<emitc::OpaqueType>(tensorType).getValue(),
                                   nameOf(*entry, op.getResult(), "view"), init, operands);
    return success();
  }
};

/// `base[index]`: a scalar read of global memory.
struct LoadScalarLowering : OpConversionPattern<ac::LoadScalarOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ac::LoadScalarOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Type type = getTypeConverter()->convertType(op.getType());
    if (!type)
      return rewriter.notifyMatchFailure(op, "unsupported scalar type");
    // The element is `__gm__ T`; the cast drops the address-space qualifier.
    auto ptrType = cast<emitc::PointerType>(adaptor.getBase().getType());
    Value elem = emitc::SubscriptOp::create(rewriter, op.getLoc(),
                                            emitc::LValueType::get(ptrType.getPointee()),
                                            adaptor.getBase(), ValueRange{adaptor.getIndex()});
    rewriter.replaceOp(op, loadAs(rewriter, op.getLoc(), elem, type));
    return success();
  }
};

} // namespace

void populateMemoryPatterns(RewritePatternSet &patterns, const TypeConverter &converter,
                            const KernelEntries &entries) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<LoadScalarLowering>(converter, ctx);
  patterns
      .add<PlacedTileLowering<ac::TileOp>, PlacedTileLowering<ac::TileAliasOp>, TReshapeLowering,
           GmViewLowering, TensorPtrLowering, TensorDimLowering, ScalarArgLowering>(converter, ctx,
                                                                                    entries);
  patterns.add<ContextLowering<ac::GetBlockIdxOp>>(converter, ctx, entries, "get_block_idx");
  patterns.add<ContextLowering<ac::GetBlockNumOp>>(converter, ctx, entries, "get_block_num");
  patterns.add<ContextLowering<ac::GetSubBlockIdOp>>(converter, ctx, entries, "get_sub_block_id");
}

} // namespace mlir::ptoattn::aicore_to_emitc
