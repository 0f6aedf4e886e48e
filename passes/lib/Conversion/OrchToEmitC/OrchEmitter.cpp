//===- OrchEmitter.cpp - orch ops to EmitC, op by op ---------------------===//
//
// Every orch op becomes a fixed short sequence of runtime API calls; the few
// arith/scf ops an orchestration uses map onto EmitC one to one (`index` is
// `int64_t`). EmitC has no member-call operation and `emitc.call_opaque`
// refuses lvalue operands, so calls on runtime objects (`view`, `get_ref`,
// `add_input`, the submits) are `emitc.verbatim` statements whose `{}`
// placeholders EmitC fills with its own value names.
//
//===----------------------------------------------------------------------===//

#include "OrchEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::ptoattn;
using namespace mlir::ptoattn::orch_to_emitc;

/// The runtime DataType spelling of an orch element type.
static StringRef dataTypeName(Type type) {
  if (type.isF32()) return "DataType::FLOAT32";
  if (type.isF16()) return "DataType::FLOAT16";
  if (type.isBF16()) return "DataType::BFLOAT16";
  if (type.isInteger(1)) return "DataType::BOOL";
  auto it = dyn_cast<IntegerType>(type);
  if (!it) return "";
  bool u = it.isUnsigned();
  switch (it.getWidth()) {
  case 8: return u ? "DataType::UINT8" : "DataType::INT8";
  case 16: return u ? "DataType::UINT16" : "DataType::INT16";
  case 32: return u ? "DataType::UINT32" : "DataType::INT32";
  case 64: return u ? "DataType::UINT64" : "DataType::INT64";
  default: return "";
  }
}

Value OrchEmitter::uint32Array(Location loc, ArrayRef<int64_t> statics, ValueRange dynamics) {
  SmallVector<std::string> items;
  for (int64_t s : statics)
    items.push_back(ShapedType::isDynamic(s) ? "0" : std::to_string(s));
  Type u32 = b.getIntegerType(32, /*isSigned=*/false);
  auto arrayType = emitc::ArrayType::get({static_cast<int64_t>(statics.size())}, u32);
  Value array = emitc::VariableOp::create(
      b, loc, arrayType,
      emitc::OpaqueAttr::get(b.getContext(), "{" + llvm::join(items, ", ") + "}"));
  unsigned next = 0;
  for (auto [i, s] : llvm::enumerate(statics)) {
    if (!ShapedType::isDynamic(s)) continue;
    Value v = emitc::CastOp::create(b, loc, u32, rvalue(loc, dynamics[next++]));
    Value idx = literal(loc, emitc::SizeTType::get(b.getContext()), std::to_string(i));
    Value slot = emitc::SubscriptOp::create(b, loc, cast<TypedValue<emitc::ArrayType>>(array),
                                            ValueRange{idx});
    emitc::AssignOp::create(b, loc, slot, v);
  }
  return array;
}

LogicalResult OrchEmitter::emitBlock(Block &block) {
  for (Operation &op : block.without_terminator())
    if (failed(emitOp(&op))) return failure();
  return success();
}

LogicalResult OrchEmitter::emitOp(Operation *op) {
  Location loc = op->getLoc();
  if (auto ext = dyn_cast<orch::ExternalOp>(op)) {
    emitExternal(ext);
    return success();
  }
  if (auto dim = dyn_cast<orch::ArgDimOp>(op)) {
    Value raw = literal(loc, b.getIntegerType(32, false),
                        llvm::formatv("orch_args.tensor({0}).ref().shapes[{1}]",
                                      dim.getArgIndex(), dim.getDim())
                            .str());
    map[dim.getResult()] = emitc::CastOp::create(b, loc, b.getI64Type(), raw);
    return success();
  }
  if (auto sc = dyn_cast<orch::ArgScalarOp>(op)) {
    Value raw = literal(loc, b.getIntegerType(64, false),
                        llvm::formatv("orch_args.scalar({0})", sc.getArgIndex()).str());
    Type t = scalarType(sc.getType());
    map[sc.getResult()] =
        emitc::CallOpaqueOp::create(b, loc, TypeRange{t}, "from_u64", ValueRange{raw},
                                    ArrayAttr{}, b.getArrayAttr({TypeAttr::get(t)}))
            .getResult(0);
    return success();
  }
  if (auto scope = dyn_cast<orch::ScopeOp>(op)) return emitScope(scope);
  if (auto alloc = dyn_cast<orch::AllocOp>(op)) {
    emitAlloc(alloc);
    return success();
  }
  if (auto view = dyn_cast<orch::ViewOp>(op)) {
    emitView(view);
    return success();
  }
  if (auto read = dyn_cast<orch::ReadOp>(op)) {
    emitRead(read);
    return success();
  }
  if (auto wait = dyn_cast<orch::WaitOp>(op)) {
    emitWait(wait);
    return success();
  }
  if (auto submit = dyn_cast<orch::SubmitOp>(op)) {
    emitSubmit(submit);
    return success();
  }
  if (auto forOp = dyn_cast<scf::ForOp>(op)) return emitFor(forOp);
  if (auto ifOp = dyn_cast<scf::IfOp>(op)) return emitIf(ifOp);
  if (op->getDialect() && isa<arith::ArithDialect>(op->getDialect())) return emitArith(op);
  return op->emitOpError("cannot be lowered by convert-orch-to-emitc");
}

LogicalResult OrchEmitter::emitArith(Operation *op) {
  Location loc = op->getLoc();
  auto operand = [&](unsigned i) { return rvalue(loc, op->getOperand(i)); };
  Type resultType = op->getNumResults() ? scalarType(op->getResult(0).getType()) : Type();
  Value result;
  if (auto c = dyn_cast<arith::ConstantOp>(op)) {
    // Integer constants are printed inline where they are used.
    if (auto ia = dyn_cast<IntegerAttr>(c.getValue())) {
      if (ia.getType().isInteger(1))
        result = literal(loc, resultType, ia.getValue().isZero() ? "false" : "true");
      else
        result = literal(loc, resultType, std::to_string(ia.getValue().getSExtValue()));
    } else if (auto fa = dyn_cast<FloatAttr>(c.getValue())) {
      result = emitc::ConstantOp::create(b, loc, resultType, fa);
    } else {
      return op->emitOpError("cannot be lowered by convert-orch-to-emitc: non-scalar constant");
    }
  } else if (isa<arith::IndexCastOp, arith::IndexCastUIOp, arith::ExtSIOp, arith::ExtUIOp,
                 arith::TruncIOp>(op)) {
    Value src = operand(0);
    result = src.getType() == resultType ? src : emitc::CastOp::create(b, loc, resultType, src);
  } else if (isa<arith::AddIOp>(op)) {
    result = emitc::AddOp::create(b, loc, resultType, operand(0), operand(1));
  } else if (isa<arith::SubIOp>(op)) {
    result = emitc::SubOp::create(b, loc, resultType, operand(0), operand(1));
  } else if (isa<arith::MulIOp>(op)) {
    result = emitc::MulOp::create(b, loc, resultType, operand(0), operand(1));
  } else if (isa<arith::DivSIOp, arith::DivUIOp>(op)) {
    result = emitc::DivOp::create(b, loc, resultType, operand(0), operand(1));
  } else if (isa<arith::RemSIOp, arith::RemUIOp>(op)) {
    result = emitc::RemOp::create(b, loc, resultType, operand(0), operand(1));
  } else if (isa<arith::CeilDivUIOp, arith::CeilDivSIOp>(op)) {
    // Orchestration operands are non-negative counts: (a + b - 1) / b.
    Value a = operand(0), d = operand(1);
    Value sum = emitc::AddOp::create(b, loc, resultType, a, d);
    Value minus = emitc::SubOp::create(b, loc, resultType, sum, literal(loc, resultType, "1"));
    result = emitc::DivOp::create(b, loc, resultType, minus, d);
  } else if (isa<arith::MaxSIOp, arith::MinSIOp, arith::MaxUIOp, arith::MinUIOp>(op)) {
    bool isMax = isa<arith::MaxSIOp, arith::MaxUIOp>(op);
    std::string cty = resultType.isInteger(32) ? "int32_t" : "int64_t";
    result = emitc::CallOpaqueOp::create(b, loc, TypeRange{resultType},
                                         (isMax ? "std::max<" : "std::min<") + cty + ">",
                                         ValueRange{operand(0), operand(1)})
                 .getResult(0);
  } else if (auto cmp = dyn_cast<arith::CmpIOp>(op)) {
    emitc::CmpPredicate pred;
    switch (cmp.getPredicate()) {
    case arith::CmpIPredicate::eq: pred = emitc::CmpPredicate::eq; break;
    case arith::CmpIPredicate::ne: pred = emitc::CmpPredicate::ne; break;
    case arith::CmpIPredicate::slt:
    case arith::CmpIPredicate::ult: pred = emitc::CmpPredicate::lt; break;
    case arith::CmpIPredicate::sle:
    case arith::CmpIPredicate::ule: pred = emitc::CmpPredicate::le; break;
    case arith::CmpIPredicate::sgt:
    case arith::CmpIPredicate::ugt: pred = emitc::CmpPredicate::gt; break;
    case arith::CmpIPredicate::sge:
    case arith::CmpIPredicate::uge: pred = emitc::CmpPredicate::ge; break;
    }
    result = emitc::CmpOp::create(b, loc, b.getI1Type(),
                                  emitc::CmpPredicateAttr::get(b.getContext(), pred), operand(0),
                                  operand(1));
  } else if (isa<arith::AndIOp>(op) && resultType.isInteger(1)) {
    result = emitc::LogicalAndOp::create(b, loc, resultType, operand(0), operand(1));
  } else if (isa<arith::OrIOp>(op) && resultType.isInteger(1)) {
    result = emitc::LogicalOrOp::create(b, loc, resultType, operand(0), operand(1));
  } else if (isa<arith::SelectOp>(op)) {
    result = emitc::ConditionalOp::create(b, loc, resultType, operand(0), operand(1), operand(2));
  } else {
    return op->emitOpError("cannot be lowered by convert-orch-to-emitc");
  }
  map[op->getResult(0)] = result;
  return success();
}

LogicalResult OrchEmitter::emitFor(scf::ForOp op) {
  Location loc = op.getLoc();
  // Loop-carried values live in variables declared before the loop.
  SmallVector<Value> vars;
  for (auto [init, res] : llvm::zip(op.getInitArgs(), op.getResults())) {
    Value var = declare(loc, scalarType(res.getType()));
    emitc::AssignOp::create(b, loc, var, rvalue(loc, init));
    vars.push_back(var);
  }
  auto forOp = emitc::ForOp::create(b, loc, rvalue(loc, op.getLowerBound()),
                                    rvalue(loc, op.getUpperBound()), rvalue(loc, op.getStep()));
  {
    OpBuilder::InsertionGuard guard(b);
    Block *body = forOp.getBody();
    if (!body->empty() && body->back().hasTrait<OpTrait::IsTerminator>())
      b.setInsertionPoint(&body->back());
    else
      b.setInsertionPointToEnd(body);
    map[op.getInductionVar()] = forOp.getInductionVar();
    for (auto [arg, var] : llvm::zip(op.getRegionIterArgs(), vars)) map[arg] = var;
    if (failed(emitBlock(*op.getBody()))) return failure();
    auto yield = cast<scf::YieldOp>(op.getBody()->getTerminator());
    // Read every yielded value before any variable is overwritten.
    SmallVector<Value> next;
    for (Value v : yield.getOperands()) next.push_back(rvalue(loc, v));
    for (auto [var, v] : llvm::zip(vars, next)) emitc::AssignOp::create(b, loc, var, v);
  }
  for (auto [res, var] : llvm::zip(op.getResults(), vars)) map[res] = var;
  return success();
}

LogicalResult OrchEmitter::emitIf(scf::IfOp op) {
  Location loc = op.getLoc();
  SmallVector<Value> vars;
  for (Value res : op.getResults()) vars.push_back(declare(loc, scalarType(res.getType())));
  bool hasElse = !op.getElseRegion().empty();
  auto ifOp = emitc::IfOp::create(b, loc, rvalue(loc, op.getCondition()),
                                  /*addThenBlock=*/true, /*addElseBlock=*/hasElse);
  auto emitBranch = [&](Block &src, Region &dst) -> LogicalResult {
    OpBuilder::InsertionGuard guard(b);
    Block *body = &dst.front();
    // IfOp's builder leaves the blocks without their emitc.yield.
    if (body->empty() || !body->back().hasTrait<OpTrait::IsTerminator>()) {
      b.setInsertionPointToEnd(body);
      emitc::YieldOp::create(b, loc);
    }
    b.setInsertionPoint(&body->back());
    if (failed(emitBlock(src))) return failure();
    auto yield = cast<scf::YieldOp>(src.getTerminator());
    for (auto [var, v] : llvm::zip(vars, yield.getOperands()))
      emitc::AssignOp::create(b, loc, var, rvalue(loc, v));
    return success();
  };
  if (failed(emitBranch(op.getThenRegion().front(), ifOp.getThenRegion()))) return failure();
  if (hasElse && failed(emitBranch(op.getElseRegion().front(), ifOp.getElseRegion())))
    return failure();
  for (auto [res, var] : llvm::zip(op.getResults(), vars)) map[res] = var;
  return success();
}

LogicalResult OrchEmitter::emitScope(orch::ScopeOp op) {
  Location loc = op.getLoc();
  if (auto ring = op.getRingAttr())
    verbatim(loc, llvm::formatv("// scope: {0} task slots, {1} heap bytes, {2} dependency entries",
                                ring.getTaskSlots(), ring.getHeapBytes(), ring.getDepEntries())
                      .str());
  verbatim(loc, "PTO2_SCOPE() {");
  LogicalResult status = emitBlock(op.getBody().front());
  verbatim(loc, "}");
  return status;
}

void OrchEmitter::emitExternal(orch::ExternalOp op) {
  Location loc = op.getLoc();
  auto type = cast<orch::ChipTensorType>(op.getType());
  Value shape = uint32Array(loc, type.getShape(), op.getDynamicSizes());
  Value addr = literal(loc, emitc::PointerType::get(emitc::OpaqueType::get(b.getContext(), "void")),
                       llvm::formatv("orch_args.tensor({0}).ref().data_as<void>()",
                                     op.getArgIndex())
                           .str());
  ArrayAttr args = b.getArrayAttr(
      {b.getIndexAttr(0), b.getIndexAttr(1), b.getI32IntegerAttr(type.getRank()),
       emitc::OpaqueAttr::get(b.getContext(), dataTypeName(type.getElementType())),
       b.getBoolAttr(op.getManualDep())});
  map[op.getResult()] =
      emitc::CallOpaqueOp::create(b, loc, TypeRange{chipTensorType()}, "make_tensor_external",
                                  ValueRange{addr, shape}, args)
          .getResult(0);
}

void OrchEmitter::emitAlloc(orch::AllocOp op) {
  Location loc = op.getLoc();
  verbatim(loc, llvm::formatv("// {0} buffer(s) on the ring heap, allocated by one alloc task",
                              op.getNumResults())
                    .str());
  Type ciType = emitc::OpaqueType::get(b.getContext(), "TensorCreateInfo");
  SmallVector<Value> infos;
  ValueRange dyn = op.getDynamicSizes();
  for (Value res : op.getResults()) {
    auto type = cast<orch::ChipTensorType>(res.getType());
    unsigned n = type.getNumDynamicDims();
    Value shape = uint32Array(loc, type.getShape(), dyn.take_front(n));
    dyn = dyn.drop_front(n);
    ArrayAttr args = b.getArrayAttr(
        {b.getIndexAttr(0), b.getI32IntegerAttr(type.getRank()),
         emitc::OpaqueAttr::get(b.getContext(), dataTypeName(type.getElementType())),
         b.getBoolAttr(op.getManualDep())});
    infos.push_back(emitc::CallOpaqueOp::create(b, loc, TypeRange{ciType}, "TensorCreateInfo",
                                                ValueRange{shape}, args)
                        .getResult(0));
  }
  Value outputs =
      emitc::CallOpaqueOp::create(
          b, loc, TypeRange{emitc::OpaqueType::get(b.getContext(), "TaskOutputTensors")},
          "alloc_tensors", infos)
          .getResult(0);
  // A failed allocation (e.g. the runtime's heap-deadlock report) returns no
  // outputs; get_ref on it would end in an assertion instead of the report.
  stopOnFailure(loc, "{}.empty()",
                llvm::formatv("alloc_tensors of {0} buffer(s) failed", op.getNumResults()).str(),
                outputs);
  for (auto [k, res] : llvm::enumerate(op.getResults())) {
    Value var = declare(loc, chipTensorType());
    verbatim(loc, llvm::formatv("{{} = {{}.get_ref({0});", k).str(), {var, outputs});
    map[res] = var;
  }
}

void OrchEmitter::emitView(orch::ViewOp op) {
  Location loc = op.getLoc();
  Value sizes = uint32Array(loc, op.getStaticSizes(), op.getSizes());
  Value offsets = uint32Array(loc, op.getStaticOffsets(), op.getOffsets());
  Value var = declare(loc, chipTensorType());
  verbatim(loc,
           llvm::formatv("{{} = {{}.view({{}, {{}, {0});", op.getManualDep() ? "true" : "false")
               .str(),
           {var, map.lookup(op.getSource()), sizes, offsets});
  map[op.getResult()] = var;
}

void OrchEmitter::emitRead(orch::ReadOp op) {
  Location loc = op.getLoc();
  auto type = cast<orch::ChipTensorType>(op.getTensor().getType());
  Value idx = uint32Array(loc, op.getStaticIndices(), op.getIndices());
  Type t = scalarType(op.getType());
  ArrayAttr args = b.getArrayAttr(
      {b.getIndexAttr(0), b.getI32IntegerAttr(type.getRank()), b.getIndexAttr(1)});
  map[op.getResult()] =
      emitc::CallOpaqueOp::create(b, loc, TypeRange{t}, "get_tensor_data",
                                  ValueRange{rvalue(loc, op.getTensor()), idx}, args,
                                  b.getArrayAttr({TypeAttr::get(t)}))
          .getResult(0);
}

void OrchEmitter::emitWait(orch::WaitOp op) {
  Location loc = op.getLoc();
  auto type = cast<orch::ChipTensorType>(op.getTensor().getType());
  Value idx = uint32Array(loc, SmallVector<int64_t>(type.getRank(), 0), {});
  verbatim(loc, "// wait for the tensor's writers: bounds how far the orchestration runs ahead");
  verbatim(loc, llvm::formatv("(void)get_tensor_data({{}, {0}, {{});", type.getRank()).str(),
           {map.lookup(op.getTensor()), idx});
}

void OrchEmitter::emitSubmit(orch::SubmitOp op) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  // A comment naming the kernels: EmitC's value names say nothing.
  SmallVector<std::string> names;
  for (FlatSymbolRefAttr k : {op.getAicKernelAttr(), op.getAiv0KernelAttr(), op.getAiv1KernelAttr()})
    if (k && !llvm::is_contained(names, k.getValue().str())) names.push_back(k.getValue().str());
  std::string blocks = op.getStaticBlockNum()    ? std::to_string(*op.getStaticBlockNum())
                       : op.getBlockNum()        ? std::string("n")
                                                 : std::string("1");
  verbatim(loc, llvm::formatv("// task {0} ({1}, {2} block(s))", llvm::join(names, " + "),
                              orch::stringifyTaskKind(op.getKind()), blocks)
                    .str());

  Value args = declare(loc, emitc::OpaqueType::get(ctx, "CoreTaskArgs"));
  // Consecutive tensors of one direction share one add_* call.
  ArrayRef<Attribute> dirs = op.getDirections().getValue();
  ValueRange tensors = op.getTensors();
  for (size_t i = 0; i < tensors.size();) {
    auto dir = cast<orch::ArgDirectionAttr>(dirs[i]).getValue();
    SmallVector<Value> group{args};
    size_t j = i;
    for (; j < tensors.size() && cast<orch::ArgDirectionAttr>(dirs[j]).getValue() == dir; ++j)
      group.push_back(map.lookup(tensors[j]));
    StringRef call = dir == orch::ArgDirection::in    ? "add_input"
                     : dir == orch::ArgDirection::out ? "add_output"
                                                      : "add_inout";
    SmallVector<StringRef> holes(j - i, "{}");
    verbatim(loc, llvm::formatv("{{}.{0}({1});", call, llvm::join(holes, ", ")).str(), group);
    i = j;
  }
  if (!op.getScalars().empty()) {
    SmallVector<Value> group{args};
    for (Value s : op.getScalars()) group.push_back(rvalue(loc, s));
    SmallVector<StringRef> holes(op.getScalars().size(), "{}");
    verbatim(loc, llvm::formatv("{{}.add_scalar({0});", llvm::join(holes, ", ")).str(), group);
  }
  if (std::optional<int64_t> n = op.getStaticBlockNum()) {
    if (*n > 1) verbatim(loc, llvm::formatv("{{}.launch_spec.set_block_num({0});", *n).str(), {args});
  } else if (Value n = op.getBlockNum()) {
    verbatim(loc, "{}.launch_spec.set_block_num(static_cast<int16_t>({}));",
             {args, rvalue(loc, n)});
  }

  auto id = [](FlatSymbolRefAttr k) { return kernelMacro(k.getValue()); };
  switch (op.getKind()) {
  case orch::TaskKind::aic:
    verbatim(loc, llvm::formatv("rt_submit_aic_task({0}, {{});", id(op.getAicKernelAttr())).str(),
             {args});
    break;
  case orch::TaskKind::aiv: {
    FlatSymbolRefAttr k = op.getAiv0KernelAttr() ? op.getAiv0KernelAttr() : op.getAiv1KernelAttr();
    verbatim(loc, llvm::formatv("rt_submit_aiv_task({0}, {{});", id(k)).str(), {args});
    break;
  }
  case orch::TaskKind::mix: {
    // Slots left empty keep MixedKernels' default, INVALID_KERNEL_ID.
    Value mk = declare(loc, emitc::OpaqueType::get(ctx, "MixedKernels"));
    auto setSlot = [&](FlatSymbolRefAttr k, StringRef field) {
      if (!k) return;
      Value member = emitc::MemberOp::create(b, loc, emitc::LValueType::get(b.getI32Type()),
                                             b.getStringAttr(field), mk);
      emitc::AssignOp::create(b, loc, member, literal(loc, b.getI32Type(), id(k)));
    };
    setSlot(op.getAicKernelAttr(), "aic_kernel_id");
    setSlot(op.getAiv0KernelAttr(), "aiv0_kernel_id");
    setSlot(op.getAiv1KernelAttr(), "aiv1_kernel_id");
    verbatim(loc, "rt_submit_task({}, {});", {mk, args});
    break;
  }
  }
  // A refused submission (pool or window deadlock, invalid arguments) marks the
  // runtime fatal; later tasks would be dropped, so stop here with a message.
  stopOnFailure(loc, "rt_is_fatal()",
                "submitting task " + llvm::join(names, " + ") + " failed");
}

void OrchEmitter::stopOnFailure(Location loc, StringRef condition, StringRef what,
                                ValueRange args) {
  // With operands EmitC reads the text as a format string: a literal '{' is "{{".
  StringRef open = args.empty() ? "{" : "{{";
  verbatim(loc,
           ("if (" + condition + ") " + open +
            " rt_report_fatal(PTO2_ERROR_EXPLICIT_ORCH_FATAL, \"ptoattn orchestration: " + what +
            "; stopping (the runtime's report above says why)\"); return; }")
               .str(),
           args);
}
