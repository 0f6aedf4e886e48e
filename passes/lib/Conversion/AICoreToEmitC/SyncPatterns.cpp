//===- SyncPatterns.cpp - pipe synchronisation and control ------------------===//
//
// set_flag/wait_flag/pipe_barrier with their PIPE_*/EVENT_ID* enumerators,
// the final pipe_sync(), the kernel's return, and the unsigned index division
// upstream arith-to-emitc leaves out.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::ptoattn::aicore_to_emitc {
namespace {

//===----------------------------------------------------------------------===//
// Synchronisation and return
//===----------------------------------------------------------------------===//

/// `set_flag(PIPE_a, PIPE_b, EVENT_IDn)` / `wait_flag(...)`.
template <typename OpTy> struct FlagLowering : OpConversionPattern<OpTy> {
  FlagLowering(const TypeConverter &converter, MLIRContext *ctx, StringRef callee)
      : OpConversionPattern<OpTy>(converter, ctx), callee(callee) {}
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    MLIRContext *ctx = op.getContext();
    ArrayAttr args = rewriter.getArrayAttr(
        {emitc::OpaqueAttr::get(ctx, cppPipe(op.getSrc())),
         emitc::OpaqueAttr::get(ctx, cppPipe(op.getDst())),
         emitc::OpaqueAttr::get(ctx,
                                "EVENT_ID" + std::to_string(static_cast<int>(op.getEvent())))});
    emitc::CallOpaqueOp::create(rewriter, op.getLoc(), TypeRange{}, callee, ValueRange{}, args);
    rewriter.eraseOp(op);
    return success();
  }
  std::string callee;
};

struct PipeBarrierLowering : OpConversionPattern<ac::PipeBarrierOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ac::PipeBarrierOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayAttr args =
        rewriter.getArrayAttr({emitc::OpaqueAttr::get(getContext(), cppPipe(op.getPipe()))});
    emitc::CallOpaqueOp::create(rewriter, op.getLoc(), TypeRange{}, "pipe_barrier", ValueRange{},
                                args);
    rewriter.eraseOp(op);
    return success();
  }
};

/// `pipe_sync()` (pipe_sync.h): the drain of the last store.
struct PipeSyncLowering : OpConversionPattern<ac::PipeSyncOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ac::PipeSyncOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    emitc::CallOpaqueOp::create(rewriter, op.getLoc(), TypeRange{}, "pipe_sync", ValueRange{});
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void populateSyncPatterns(RewritePatternSet &patterns, const TypeConverter &converter) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<PipeBarrierLowering, PipeSyncLowering>(converter, ctx);
  patterns.add<FlagLowering<ac::SetFlagOp>>(converter, ctx, "set_flag");
  patterns.add<FlagLowering<ac::WaitFlagOp>>(converter, ctx, "wait_flag");
}

} // namespace mlir::ptoattn::aicore_to_emitc
