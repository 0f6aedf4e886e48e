//===- ComputePatterns.cpp - tile instructions ------------------------------===//
//
// One PTO-ISA call per aicore instruction, destination first as in the C++
// API. Tiles are passed by reference, so the call is an `emitc.verbatim` with
// the tile objects as operands.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include <functional>

namespace mlir::ptoattn::aicore_to_emitc {
namespace {

//===----------------------------------------------------------------------===//
// Instructions
//===----------------------------------------------------------------------===//

/// One PTO-ISA instruction: `callee(operands..., trailing)`, destination first.
template <typename OpTy> struct InstrLowering : OpConversionPattern<OpTy> {
  using Adaptor = typename OpTy::Adaptor;
  using OperandFn = std::function<SmallVector<Value>(Adaptor)>;
  using TrailingFn = std::function<std::string(OpTy)>;
  InstrLowering(const TypeConverter &converter, MLIRContext *ctx, StringRef callee,
                OperandFn operands, TrailingFn trailing = nullptr)
      : OpConversionPattern<OpTy>(converter, ctx), callee(callee), operands(std::move(operands)),
        trailing(std::move(trailing)) {}
  LogicalResult matchAndRewrite(OpTy op, Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    emitVerbatimCall(rewriter, op.getLoc(), callee, operands(adaptor),
                     trailing ? trailing(op) : "");
    rewriter.eraseOp(op);
    return success();
  }
  std::string callee;
  OperandFn operands;
  TrailingFn trailing;
};

/// Adds the instruction pattern for `OpTy`.
template <typename OpTy>
static void addInstr(RewritePatternSet &patterns, const TypeConverter &converter, StringRef callee,
                     typename InstrLowering<OpTy>::OperandFn operands,
                     typename InstrLowering<OpTy>::TrailingFn trailing = nullptr) {
  patterns.add<InstrLowering<OpTy>>(converter, patterns.getContext(), callee, std::move(operands),
                                    std::move(trailing));
}

template <typename OpTy>
static void addBinary(RewritePatternSet &patterns, const TypeConverter &converter,
                      StringRef callee) {
  addInstr<OpTy>(patterns, converter, callee, [](typename OpTy::Adaptor a) {
    return SmallVector<Value>{a.getDst(), a.getSrc0(), a.getSrc1()};
  });
}

template <typename OpTy>
static void addUnary(RewritePatternSet &patterns, const TypeConverter &converter,
                     StringRef callee) {
  addInstr<OpTy>(patterns, converter, callee, [](typename OpTy::Adaptor a) {
    return SmallVector<Value>{a.getDst(), a.getSrc()};
  });
}

template <typename OpTy>
static void addRowReduce(RewritePatternSet &patterns, const TypeConverter &converter,
                         StringRef callee) {
  addInstr<OpTy>(patterns, converter, callee, [](typename OpTy::Adaptor a) {
    return SmallVector<Value>{a.getDst(), a.getSrc(), a.getTmp()};
  });
}

template <typename OpTy>
static void addRowExpand(RewritePatternSet &patterns, const TypeConverter &converter,
                         StringRef callee) {
  addInstr<OpTy>(patterns, converter, callee, [](typename OpTy::Adaptor a) {
    SmallVector<Value> operands = {a.getDst(), a.getSrc0(), a.getSrc1()};
    if (a.getTmp())
      operands.push_back(a.getTmp());
    return operands;
  });
}

template <typename OpTy>
static void addMatmul(RewritePatternSet &patterns, const TypeConverter &converter,
                      StringRef callee) {
  addInstr<OpTy>(patterns, converter, callee, [](typename OpTy::Adaptor a) {
    return SmallVector<Value>{a.getAcc(), a.getLeft(), a.getRight()};
  });
}

template <typename OpTy>
static void addTileScalar(RewritePatternSet &patterns, const TypeConverter &converter,
                          StringRef callee) {
  addInstr<OpTy>(patterns, converter, callee, [](typename OpTy::Adaptor a) {
    return SmallVector<Value>{a.getDst(), a.getSrc(), a.getScalar()};
  });
}

} // namespace

void populateComputePatterns(RewritePatternSet &patterns, const TypeConverter &converter) {
  addInstr<ac::TLoadOp>(patterns, converter, "TLOAD", [](ac::TLoadOp::Adaptor a) {
    return SmallVector<Value>{a.getDst(), a.getSrc()};
  });
  addInstr<ac::TStoreOp>(patterns, converter, "TSTORE", [](ac::TStoreOp::Adaptor a) {
    return SmallVector<Value>{a.getDst(), a.getSrc()};
  });
  addUnary<ac::TMovOp>(patterns, converter, "TMOV");
  addUnary<ac::TFillPadOp>(patterns, converter, "TFILLPAD");
  addUnary<ac::TFillPadInplaceOp>(patterns, converter, "TFILLPAD_INPLACE");
  addUnary<ac::TExpOp>(patterns, converter, "TEXP");
  addInstr<ac::TCvtOp>(
      patterns, converter, "TCVT",
      [](ac::TCvtOp::Adaptor a) { return SmallVector<Value>{a.getDst(), a.getSrc()}; },
      [](ac::TCvtOp op) { return (", " + cppRoundMode(op.getRound())).str(); });
  addInstr<ac::TExpandSOp>(patterns, converter, "TEXPANDS", [](ac::TExpandSOp::Adaptor a) {
    return SmallVector<Value>{a.getDst(), a.getScalar()};
  });
  addMatmul<ac::TMatmulOp>(patterns, converter, "TMATMUL");
  // The (out, in, left, right) form: pto-isa's CPU backend at the pin has no
  // three-operand TMATMUL_ACC (only the NPU backends do), so simpler's a2a3sim
  // would not compile it; the accumulator is both.
  addInstr<ac::TMatmulAccOp>(patterns, converter, "TMATMUL_ACC", [](ac::TMatmulAccOp::Adaptor a) {
    return SmallVector<Value>{a.getAcc(), a.getAcc(), a.getLeft(), a.getRight()};
  });
  addBinary<ac::TAddOp>(patterns, converter, "TADD");
  addBinary<ac::TSubOp>(patterns, converter, "TSUB");
  addBinary<ac::TMulOp>(patterns, converter, "TMUL");
  addBinary<ac::TMaxOp>(patterns, converter, "TMAX");
  addTileScalar<ac::TMulSOp>(patterns, converter, "TMULS");
  addTileScalar<ac::TAddSOp>(patterns, converter, "TADDS");
  addRowReduce<ac::TRowMaxOp>(patterns, converter, "TROWMAX");
  addRowReduce<ac::TRowSumOp>(patterns, converter, "TROWSUM");
  addRowExpand<ac::TRowExpandSubOp>(patterns, converter, "TROWEXPANDSUB");
  addRowExpand<ac::TRowExpandMulOp>(patterns, converter, "TROWEXPANDMUL");
  addRowExpand<ac::TRowExpandDivOp>(patterns, converter, "TROWEXPANDDIV");
}

} // namespace mlir::ptoattn::aicore_to_emitc
