//===- OrchEmitter.h - orch ops to EmitC, op by op ----------*- C++ -*-===//
//
// The op-by-op half of convert-orch-to-emitc: builds the body of
// `aicpu_orchestration_entry` from the orchestration function's block.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_CONVERSION_ORCHTOEMITC_ORCHEMITTER_H
#define PTOATTN_CONVERSION_ORCHTOEMITC_ORCHEMITTER_H

#include "ptoattn/Dialect/Orch/IR/Orch.h"

#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

#include <string>

namespace mlir::ptoattn::orch_to_emitc {

/// Builds the body of `aicpu_orchestration_entry` from the orch function.
class OrchEmitter {
public:
  explicit OrchEmitter(OpBuilder &builder) : b(builder) {}

  /// Emits the ops of `block` (its terminator excepted) at the builder's
  /// insertion point; fails with a diagnostic on an op it cannot lower.
  LogicalResult emitBlock(Block &block);

  /// The `#define` naming a kernel's func_id: `FUNC_` + the upper-cased symbol.
  static std::string kernelMacro(StringRef symbol) { return "FUNC_" + symbol.upper(); }

private:
  LogicalResult emitOp(Operation *op);
  LogicalResult emitArith(Operation *op);
  LogicalResult emitFor(scf::ForOp op);
  LogicalResult emitIf(scf::IfOp op);
  LogicalResult emitScope(orch::ScopeOp op);
  void emitExternal(orch::ExternalOp op);
  void emitAlloc(orch::AllocOp op);
  void emitView(orch::ViewOp op);
  void emitRead(orch::ReadOp op);
  void emitWait(orch::WaitOp op);
  void emitSubmit(orch::SubmitOp op);
  /// `if (condition) { rt_report_fatal(...); return; }`: the orchestration
  /// stops with a message naming `what` failed. `condition` may hold `{}`
  /// placeholders for `args`.
  void stopOnFailure(Location loc, StringRef condition, StringRef what, ValueRange args = {});

  /// The C++-side type of a scalar MLIR type; `index` is `int64_t`.
  Type scalarType(Type type) const {
    return type.isIndex() ? Type(b.getI64Type()) : type;
  }
  Type chipTensorType() { return emitc::OpaqueType::get(b.getContext(), "ChipTensor"); }
  Value literal(Location loc, Type type, StringRef text) {
    return emitc::LiteralOp::create(b, loc, type, b.getStringAttr(text));
  }
  void verbatim(Location loc, StringRef text, ValueRange args = {}) {
    emitc::VerbatimOp::create(b, loc, b.getStringAttr(text), args);
  }
  /// An uninitialised local variable (`T v;`).
  Value declare(Location loc, Type type) {
    return emitc::VariableOp::create(b, loc, emitc::LValueType::get(type),
                                     emitc::OpaqueAttr::get(b.getContext(), ""));
  }
  /// A `uint32_t v[n]` holding `statics`, whose dynamic entries (kDynamic)
  /// are assigned from `dynamics` in order.
  Value uint32Array(Location loc, ArrayRef<int64_t> statics, ValueRange dynamics);
  /// The mapped value of `v`, loaded if it is a variable (EmitC calls take
  /// values, not lvalues).
  Value rvalue(Location loc, Value v) {
    Value m = map.lookup(v);
    if (auto lv = dyn_cast<emitc::LValueType>(m.getType()))
      return emitc::LoadOp::create(b, loc, lv.getValueType(), m);
    return m;
  }
  OpBuilder &b;
  /// orch/arith/scf value -> EmitC value (a value or an lvalue variable).
  DenseMap<Value, Value> map;
};

} // namespace mlir::ptoattn::orch_to_emitc

#endif // PTOATTN_CONVERSION_ORCHTOEMITC_ORCHEMITTER_H
