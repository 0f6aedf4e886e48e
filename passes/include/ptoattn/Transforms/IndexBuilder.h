//===- IndexBuilder.h - short-hand index arithmetic for passes ----*- C++ -*-===//
//
// The tiling and orchestration passes emit many small index computations
// (offsets, trip counts, clamps); this keeps them one line each.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_TRANSFORMS_INDEXBUILDER_H
#define PTOATTN_TRANSFORMS_INDEXBUILDER_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

namespace mlir::ptoattn {

/// Builds `index` arithmetic at the builder's insertion point.
struct IndexBuilder {
  OpBuilder &b;
  Location loc;

  Value constant(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value min(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }
  Value max(Value x, Value y) { return arith::MaxSIOp::create(b, loc, x, y); }
  Value ceilDiv(Value x, Value y) { return arith::CeilDivUIOp::create(b, loc, x, y); }
  Value equal(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y);
  }
  Value less(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, y);
  }
  /// An i32/i64 value as an index.
  Value toIndex(Value v) { return arith::IndexCastOp::create(b, loc, b.getIndexType(), v); }
  /// An index value as i64 (a kernel scalar).
  Value toI64(Value v) { return arith::IndexCastOp::create(b, loc, b.getI64Type(), v); }
};

} // namespace mlir::ptoattn

#endif // PTOATTN_TRANSFORMS_INDEXBUILDER_H
