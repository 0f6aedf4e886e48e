//===- MemoryPatterns.cpp - declarations, arguments, GM ---------------------===//
//
// Patterns for the aicore ops that declare things rather than compute: tiles
// and their aliases (Tile<...> + TASSIGN), kernel arguments decoded from
// args[], the runtime's SPMD context, GM views (GlobalTensor<...>) and scalar
// reads of global memory.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

namespace mlir::ptoattn::aicore_to_emitc {
namespace {

//===----------------------------------------------------------------------===//
// Declarations, kernel arguments, GM
//===----------------------------------------------------------------------===//

/// Base for patterns that need the kernel entry (args, descriptors).
template <typename OpTy>
struct KernelPattern : OpConversionPattern<OpTy> {
  KernelPattern(const TypeConverter &converter, MLIRContext *ctx, const KernelEntries &entries)
      : OpConversionPattern<OpTy>(converter, ctx), entries(entries) {}
  const KernelEntries &entries;
};

/// A tile object at its planned address. For `tile_alias` that is a second
/// object over the source's bytes: the same TASSIGN address.
template <typename OpTy>
struct PlacedTileLowering : OpConversionPattern<OpTy> {
  PlacedTileLowering(const TypeConverter &converter, MLIRContext *ctx, StringRef what)
      : OpConversionPattern<OpTy>(converter, ctx), what(what) {}
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    std::optional<int64_t> offset = getTileOffset(op.getResult());
    if (!offset)
      return rewriter.notifyMatchFailure(op, "tile has no planned offset");
    auto type = cast<ac::TileType>(op.getType());
    Value tile = declareTile(rewriter, op.getLoc(), *this->getTypeConverter(), type,
                             adaptor.getValidDims(), *offset, what);
    assignTile(rewriter, op.getLoc(), tile, *offset);
    rewriter.replaceOp(op, tile);
    return success();
  }
  std::string what;
};

/// `TRESHAPE(dst, src)` into a new object of the result type.
struct TReshapeLowering : OpConversionPattern<ac::TReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ac::TReshapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    std::optional<int64_t> offset = getTileOffset(op.getSrc());
    auto type = cast<ac::TileType>(op.getType());
    if (!offset || type.getNumDynamicValidDims() != 0)
      return rewriter.notifyMatchFailure(op, "needs an offset and a static valid shape");
    Value tile = declareTile(rewriter, op.getLoc(), *getTypeConverter(), type, {}, *offset,
                             "reshaped view in");
    emitVerbatimCall(rewriter, op.getLoc(), "TRESHAPE", {tile, adaptor.getSrc()});
    rewriter.replaceOp(op, tile);
    return success();
  }
};

/// `reinterpret_cast<__gm__ T*>(d->buffer.addr) + d->start_offset`.
struct TensorPtrLowering : KernelPattern<ac::TensorPtrOp> {
  using KernelPattern::KernelPattern;
  LogicalResult matchAndRewrite(ac::TensorPtrOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    const KernelEntry *entry = getKernelEntry(op, entries);
    int64_t slot = op.getArg();
    if (!entry || slot >= static_cast<int64_t>(entry->descriptors.size()) || !entry->descriptors[slot])
      return rewriter.notifyMatchFailure(op, "args[] slot is not a tensor argument");
    MLIRContext *ctx = getContext();
    Location loc = op.getLoc();
    Value desc = entry->descriptors[slot];
    auto u64 = emitc::LValueType::get(IntegerType::get(ctx, 64, IntegerType::Unsigned));
    Value buffer = emitc::MemberOfPtrOp::create(
        rewriter, loc, emitc::LValueType::get(opaque(ctx, "PTOBufferHandle")), "buffer", desc);
    Value addr = emitc::MemberOp::create(rewriter, loc, u64, "addr", buffer);
    Value start = emitc::MemberOfPtrOp::create(rewriter, loc, u64, "start_offset", desc);
    Type ptrType = getTypeConverter()->convertType(op.getType());
    Value ptr = buildExpression(rewriter, loc, ptrType, {addr, start}, /*noInline=*/true,
                                [&](OpBuilder &b, ValueRange in) {
                                  Value a = loadValue(b, loc, in[0]);
                                  Value s = loadValue(b, loc, in[1]);
                                  Value base = emitc::CallOpaqueOp::create(
                                                   b, loc, TypeRange{ptrType}, "reinterpret_cast",
                                                   ValueRange{a}, ArrayAttr{},
                                                   b.getArrayAttr({TypeAttr::get(ptrType)}))
                                                   .getResult(0);
                                  return emitc::AddOp::create(b, loc, ptrType, base, s).getResult();
                                });
    rewriter.replaceOp(op, ptr);
    return success();
  }
};

/// `(size_t) d->shapes[k]`.
struct TensorDimLowering : KernelPattern<ac::TensorDimOp> {
  using KernelPattern::KernelPattern;
  LogicalResult matchAndRewrite(ac::TensorDimOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    const KernelEntry *entry = getKernelEntry(op, entries);
    int64_t slot = op.getArg();
    if (!entry || slot >= static_cast<int64_t>(entry->descriptors.size()) || !entry->descriptors[slot])
      return rewriter.notifyMatchFailure(op, "args[] slot is not a tensor argument");
    MLIRContext *ctx = getContext();
    Location loc = op.getLoc();
    auto u32 = IntegerType::get(ctx, 32, IntegerType::Unsigned);
    Value shapes = emitc::MemberOfPtrOp::create(rewriter, loc, emitc::ArrayType::get({5}, u32), "shapes",
                                                entry->descriptors[slot]);
    Value dim = emitc::LiteralOp::create(rewriter, loc, sizeTType(ctx), std::to_string(op.getDim()));
    Value elem = emitc::SubscriptOp::create(rewriter, loc, emitc::LValueType::get(u32), shapes,
                                            ValueRange{dim});
    rewriter.replaceOp(op, loadAs(rewriter, loc, elem, sizeTType(ctx)));
    return success();
  }
};

/// `(int64_t) args[i]`, or `from_u64<float>((uint64_t) args[i])` for an f32.
struct ScalarArgLowering : KernelPattern<ac::ScalarArgOp> {
  using KernelPattern::KernelPattern;
  LogicalResult matchAndRewrite(ac::ScalarArgOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    const KernelEntry *entry = getKernelEntry(op, entries);
    if (!entry)
      return rewriter.notifyMatchFailure(op, "not inside a kernel entry");
    Location loc = op.getLoc();
    Value slot = argSlot(rewriter, loc, entry->args, op.getArg());
    Type type = op.getType();
    if (type.isInteger(64)) {
      rewriter.replaceOp(op, loadAs(rewriter, loc, slot, type));
      return success();
    }
    auto u64 = IntegerType::get(getContext(), 64, IntegerType::Unsigned);
    Value value = buildExpression(rewriter, loc, type, slot, /*noInline=*/false,
                                  [&](OpBuilder &b, ValueRange in) {
                                    Value raw = loadValue(b, loc, in[0]);
                                    Value bits = emitc::CastOp::create(b, loc, u64, raw);
                                    return emitc::CallOpaqueOp::create(
                                               b, loc, TypeRange{type}, "from_u64", ValueRange{bits},
                                               ArrayAttr{}, b.getArrayAttr({TypeAttr::get(type)}))
                                        .getResult(0);
                                  });
    rewriter.replaceOp(op, value);
    return success();
  }
};

/// `(size_t) get_block_idx(args)` and friends: the runtime's SPMD context,
/// never the hardware registers of the same name.
template <typename OpTy>
struct ContextLowering : KernelPattern<OpTy> {
  ContextLowering(const TypeConverter &converter, MLIRContext *ctx, const KernelEntries &entries,
                  StringRef accessor)
      : KernelPattern<OpTy>(converter, ctx, entries), accessor(accessor) {}
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    const KernelEntry *entry = getKernelEntry(op, this->entries);
    if (!entry)
      return rewriter.notifyMatchFailure(op, "not inside a kernel entry");
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value value = buildExpression(rewriter, loc, sizeTType(ctx), entry->args, /*noInline=*/false,
                                  [&](OpBuilder &b, ValueRange in) {
                                    Value raw = emitc::CallOpaqueOp::create(
                                                    b, loc, TypeRange{b.getI32Type()}, accessor, in)
                                                    .getResult(0);
                                    return emitc::CastOp::create(b, loc, sizeTType(ctx), raw).getResult();
                                  });
    rewriter.replaceOp(op, value);
    return success();
  }
  std::string accessor;
};

/// `GlobalTensor<...>(base + offset[, Shape<...>(dims)[, Stride<...>(strides)]])`.
struct GmViewLowering : OpConversionPattern<ac::GmViewOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ac::GmViewOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    MLIRContext *ctx = getContext();
    Location loc = op.getLoc();
    auto type = cast<ac::GmViewType>(op.getType());
    Type tensorType = getTypeConverter()->convertType(type);
    Value base = adaptor.getBase();
    SmallVector<Value> operands = {base, adaptor.getOffset()};
    llvm::append_range(operands, adaptor.getSizes());
    llvm::append_range(operands, adaptor.getStrides());
    bool dynShape = !adaptor.getSizes().empty(), dynStride = !adaptor.getStrides().empty();
    /// Constructor arguments: static extents as literals, dynamic ones as operands.
    auto ctorArgs = [&](ArrayRef<int64_t> extents, unsigned firstOperand, OpBuilder &b) {
      SmallVector<Attribute> args;
      unsigned next = firstOperand;
      for (int64_t e : extents)
        args.push_back(ShapedType::isDynamic(e) ? Attribute(b.getIndexAttr(next++))
                                                : Attribute(emitc::OpaqueAttr::get(ctx, std::to_string(e))));
      return b.getArrayAttr(args);
    };
    Value view = buildExpression(
        rewriter, loc, tensorType, operands, /*noInline=*/true, [&](OpBuilder &b, ValueRange in) {
          // EmitC only adds integers (not size_t) to pointers.
          Value offset = emitc::CastOp::create(b, loc, b.getI64Type(), in[1]);
          Value ptr = emitc::AddOp::create(b, loc, base.getType(), in[0], offset);
          SmallVector<Value> args = {ptr};
          if (dynShape || dynStride) {
            auto shapeType = opaque(ctx, cppShapeName(type));
            ValueRange sizes = in.slice(2, adaptor.getSizes().size());
            args.push_back(emitc::CallOpaqueOp::create(b, loc, TypeRange{shapeType}, shapeType.getValue(),
                                                       sizes,
                                                       dynShape ? ctorArgs(type.getShape(), 0, b) : ArrayAttr{})
                               .getResult(0));
          }
          if (dynStride) {
            auto strideType = opaque(ctx, cppStrideName(type));
            ValueRange strides = in.drop_front(2 + adaptor.getSizes().size());
            args.push_back(emitc::CallOpaqueOp::create(b, loc, TypeRange{strideType},
                                                       strideType.getValue(), strides,
                                                       ctorArgs(getViewStrides(type), 0, b))
                               .getResult(0));
          }
          return emitc::CallOpaqueOp::create(b, loc, TypeRange{tensorType},
                                             cast<emitc::OpaqueType>(tensorType).getValue(), args)
              .getResult(0);
        });
    rewriter.replaceOp(op, view);
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
    Value elem = emitc::SubscriptOp::create(rewriter, op.getLoc(), emitc::LValueType::get(ptrType.getPointee()),
                                            adaptor.getBase(), ValueRange{adaptor.getIndex()});
    rewriter.replaceOp(op, loadAs(rewriter, op.getLoc(), elem, type));
    return success();
  }
};

} // namespace

void populateMemoryPatterns(RewritePatternSet &patterns, const TypeConverter &converter,
                            const KernelEntries &entries) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<PlacedTileLowering<ac::TileOp>>(converter, ctx, "tile in");
  patterns.add<PlacedTileLowering<ac::TileAliasOp>>(converter, ctx, "alias in");
  patterns.add<TReshapeLowering, GmViewLowering, LoadScalarLowering>(converter, ctx);
  patterns.add<TensorPtrLowering, TensorDimLowering, ScalarArgLowering>(converter, ctx, entries);
  patterns.add<ContextLowering<ac::GetBlockIdxOp>>(converter, ctx, entries, "get_block_idx");
  patterns.add<ContextLowering<ac::GetBlockNumOp>>(converter, ctx, entries, "get_block_num");
  patterns.add<ContextLowering<ac::GetSubBlockIdOp>>(converter, ctx, entries, "get_sub_block_id");
}

} // namespace mlir::ptoattn::aicore_to_emitc
