//===- EmitCCommon.cpp - shared by the conversions to EmitC ---------------===//

#include "EmitCCommon.h"

#include "mlir/Conversion/ArithToEmitC/ArithToEmitC.h"
#include "mlir/Conversion/SCFToEmitC/SCFToEmitC.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::ptoattn::emitc_common {

void populateIndexTypeConversion(TypeConverter &converter) {
  converter.addConversion(
      [](IndexType type) -> Type { return IntegerType::get(type.getContext(), 64); });
}

namespace {
/// `ceildiv(a, b)` on index as `(a + (b - 1)) / b`: sizes and counts are
/// non-negative, and a appears once (upstream's `a == 0 ? 0 : (a - 1) / b + 1`
/// repeats it, which the translation prints in full twice).
template <typename CeilDivOp> struct IndexCeilDiv : OpRewritePattern<CeilDivOp> {
  using OpRewritePattern<CeilDivOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(CeilDivOp op, PatternRewriter &rewriter) const override {
    if (!op.getType().isIndex())
      return failure();
    Location loc = op.getLoc();
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value bias = arith::SubIOp::create(rewriter, loc, op.getRhs(), one);
    Value sum = arith::AddIOp::create(rewriter, loc, op.getLhs(), bias);
    rewriter.replaceOpWithNewOp<arith::DivUIOp>(op, sum, op.getRhs());
    return success();
  }
};
} // namespace

LogicalResult prepareArith(Operation *root) {
  MLIRContext *ctx = root->getContext();
  RewritePatternSet expand(ctx);
  expand.add<IndexCeilDiv<arith::CeilDivUIOp>, IndexCeilDiv<arith::CeilDivSIOp>>(ctx,
                                                                                 /*benefit=*/2);
  arith::populateCeilFloorDivExpandOpsPatterns(expand);
  arith::populateArithExpandOpsPatterns(expand);
  // Only the arith ops are rewritten: a greedy walk of the whole file would
  // also erase unused allocations, which are not this function's to drop.
  SmallVector<Operation *> arithOps;
  root->walk([&](Operation *op) {
    if (isa_and_present<arith::ArithDialect>(op->getDialect()))
      arithOps.push_back(op);
  });
  GreedyRewriteConfig config;
  config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
  if (failed(applyOpPatternsGreedily(arithOps, std::move(expand), config)))
    return failure();
  root->walk([&](Operation *op) {
    if (!isa<arith::AddIOp, arith::SubIOp, arith::MulIOp>(op) ||
        !op->getResult(0).getType().isIndex())
      return;
    auto flags = cast<arith::ArithIntegerOverflowFlagsInterface>(op);
    flags->setAttr(flags.getIntegerOverflowAttrName(),
                   arith::IntegerOverflowFlagsAttr::get(ctx, flags.getOverflowAttr().getValue() |
                                                                 arith::IntegerOverflowFlags::nsw));
  });
  return success();
}

namespace {
/// `arith.divui` / `arith.remui` on `index`, which upstream computes through
/// `uint64_t` casts: index operands of a division are sizes and counts, never
/// negative, so `int64_t` `/` and `%` give the same result.
template <typename ArithOp, typename EmitCOp>
struct IndexUnsignedLowering : OpConversionPattern<ArithOp> {
  using OpConversionPattern<ArithOp>::OpConversionPattern;
  LogicalResult matchAndRewrite(ArithOp op, typename ArithOp::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (!op.getType().isIndex())
      return rewriter.notifyMatchFailure(op, "upstream handles integer types");
    Type type = this->getTypeConverter()->convertType(op.getType());
    rewriter.replaceOpWithNewOp<EmitCOp>(op, type, adaptor.getLhs(), adaptor.getRhs());
    return success();
  }
};
/// Integer and boolean constants print where they are used (`x + 128`), as an
/// engineer writes them, rather than as one variable each.
struct IntegerConstantLowering : OpConversionPattern<arith::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(arith::ConstantOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto value = dyn_cast<IntegerAttr>(op.getValue());
    Type type = getTypeConverter()->convertType(op.getType());
    if (!value || !type)
      return rewriter.notifyMatchFailure(op, "not an integer scalar");
    std::string text = value.getType().isInteger(1)
                           ? (value.getValue().isZero() ? "false" : "true")
                           : std::to_string(value.getValue().getSExtValue());
    rewriter.replaceOpWithNewOp<emitc::LiteralOp>(op, type, text);
    return success();
  }
};
/// `arith.index_cast` between `index` and `i64` is no cast at all once index
/// is `int64_t`.
template <typename CastOp> struct SameTypeCastLowering : OpConversionPattern<CastOp> {
  using OpConversionPattern<CastOp>::OpConversionPattern;
  LogicalResult matchAndRewrite(CastOp op, typename CastOp::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (this->getTypeConverter()->convertType(op.getType()) != adaptor.getIn().getType())
      return rewriter.notifyMatchFailure(op, "a real conversion");
    rewriter.replaceOp(op, adaptor.getIn());
    return success();
  }
};
/// `andi`/`ori` on `i1` as `&&`/`||`: bool operands, and the printed
/// condition reads as a C++ engineer writes it (`a == 0 & b == 0` would also
/// draw -Wparentheses). Both operands are pure values, so short-circuiting
/// changes nothing.
template <typename ArithOp, typename EmitCOp>
struct BoolLogicLowering : OpConversionPattern<ArithOp> {
  using OpConversionPattern<ArithOp>::OpConversionPattern;
  LogicalResult matchAndRewrite(ArithOp op, typename ArithOp::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (!op.getType().isInteger(1))
      return rewriter.notifyMatchFailure(op, "not a bool");
    rewriter.replaceOpWithNewOp<EmitCOp>(op, op.getType(), adaptor.getLhs(), adaptor.getRhs());
    return success();
  }
};
/// `func.return` of a void function (a kernel entry, the orchestration entry).
struct VoidReturnLowering : OpConversionPattern<func::ReturnOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(func::ReturnOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (op.getNumOperands() != 0)
      return rewriter.notifyMatchFailure(op, "the entries return nothing");
    rewriter.replaceOpWithNewOp<emitc::ReturnOp>(op, Value());
    return success();
  }
};
} // namespace

void populateScalarPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  populateArithToEmitCPatterns(converter, patterns);
  populateSCFToEmitCConversionPatterns(patterns, converter);
  populateIndexTypeConversion(converter);
  patterns.add<IndexUnsignedLowering<arith::DivUIOp, emitc::DivOp>,
               IndexUnsignedLowering<arith::RemUIOp, emitc::RemOp>, IntegerConstantLowering,
               SameTypeCastLowering<arith::IndexCastOp>, SameTypeCastLowering<arith::IndexCastUIOp>,
               BoolLogicLowering<arith::AndIOp, emitc::LogicalAndOp>,
               BoolLogicLowering<arith::OrIOp, emitc::LogicalOrOp>, VoidReturnLowering>(
      converter, patterns.getContext(), /*benefit=*/2);
}

std::optional<std::string> cppTypeName(Type type) {
  if (auto opaque = dyn_cast<emitc::OpaqueType>(type))
    return opaque.getValue().str();
  if (auto ptr = dyn_cast<emitc::PointerType>(type)) {
    std::optional<std::string> pointee = cppTypeName(ptr.getPointee());
    return pointee ? std::optional(*pointee + "*") : std::nullopt;
  }
  if (isa<emitc::SizeTType>(type))
    return "size_t";
  if (type.isInteger(1))
    return "bool";
  if (auto it = dyn_cast<IntegerType>(type))
    return llvm::formatv("{0}int{1}_t", it.isUnsigned() ? "u" : "", it.getWidth()).str();
  if (type.isF32())
    return "float";
  if (type.isF64())
    return "double";
  return std::nullopt;
}

void verbatim(OpBuilder &b, Location loc, StringRef text, ValueRange operands) {
  emitc::VerbatimOp::create(b, loc, b.getStringAttr(text), operands);
}

Value declareNamed(OpBuilder &b, Location loc, Type type, StringRef cppType, StringRef name,
                   StringRef init, ValueRange operands) {
  verbatim(b, loc, (cppType + " " + name + init + ";").str(), operands);
  return emitc::LiteralOp::create(b, loc, type, name);
}

void replaceWithNamed(ConversionPatternRewriter &rewriter, Operation *op, Type type,
                      StringRef cppType, StringRef name, StringRef init, ValueRange operands) {
  rewriter.replaceOp(op, declareNamed(rewriter, op->getLoc(), type, cppType, name, init, operands));
}

LogicalResult replaceWithConstant(ConversionPatternRewriter &rewriter, Operation *op, Type type,
                                  StringRef name,
                                  llvm::function_ref<std::string(StringRef cppType)> value,
                                  ValueRange operands) {
  std::optional<std::string> cppType = cppTypeName(type);
  if (!cppType)
    return rewriter.notifyMatchFailure(op, "the value's type has no C++ spelling");
  replaceWithNamed(rewriter, op, type, "const " + *cppType, name, " = " + value(*cppType),
                   operands);
  return success();
}

std::string NameTable::unique(StringRef base) {
  unsigned &count = used[base];
  ++count;
  if (count == 1)
    return base.str();
  return llvm::formatv("{0}_{1}", base, count).str();
}

} // namespace mlir::ptoattn::emitc_common
