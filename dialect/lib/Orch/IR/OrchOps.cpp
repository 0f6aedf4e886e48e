//===- OrchOps.cpp - orch data and scope operations --------------------------===//
//
// The generated op classes of `orch`, the custom assembly pieces of
// `orch.submit`, and the verifiers of the operations that create or read
// runtime tensors (external, arg_dim, arg_scalar, alloc, view, read). Task
// submission is verified in OrchSubmit.cpp.
//
// Messages name the operand or attribute, the rule and the allowed values.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Dialect/Orch/IR/Orch.h"

#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace mlir::ptoattn::orch;

//===----------------------------------------------------------------------===//
// Custom assembly of orch.submit
//===----------------------------------------------------------------------===//

/// Parses `<kind>(slot = @kernel, ...)`: the task kind keyword, then the
/// filled MixedKernels slots `aic`, `aiv0`, `aiv1`, each at most once, in any
/// order.
static ParseResult parseKindAndSlots(OpAsmParser &parser, TaskKindAttr &kind,
                                     FlatSymbolRefAttr &aic, FlatSymbolRefAttr &aiv0,
                                     FlatSymbolRefAttr &aiv1) {
  SMLoc kindLoc = parser.getCurrentLocation();
  StringRef kindName;
  if (parser.parseKeyword(&kindName))
    return failure();
  std::optional<TaskKind> parsedKind = symbolizeTaskKind(kindName);
  if (!parsedKind)
    return parser.emitError(kindLoc)
           << "unknown task kind '" << kindName << "'; expected 'aic', 'aiv' or 'mix'";
  kind = TaskKindAttr::get(parser.getContext(), *parsedKind);
  return parser.parseCommaSeparatedList(AsmParser::Delimiter::Paren, [&]() -> ParseResult {
    SMLoc loc = parser.getCurrentLocation();
    StringRef slot;
    if (parser.parseKeyword(&slot) || parser.parseEqual())
      return failure();
    FlatSymbolRefAttr *target = llvm::StringSwitch<FlatSymbolRefAttr *>(slot)
                                    .Case("aic", &aic)
                                    .Case("aiv0", &aiv0)
                                    .Case("aiv1", &aiv1)
                                    .Default(nullptr);
    if (!target)
      return parser.emitError(loc)
             << "unknown kernel slot '" << slot << "'; expected 'aic', 'aiv0' or 'aiv1'";
    if (*target)
      return parser.emitError(loc) << "kernel slot '" << slot << "' given twice";
    return parser.parseAttribute(*target);
  });
}

static void printKindAndSlots(OpAsmPrinter &printer, Operation *, TaskKindAttr kind,
                              FlatSymbolRefAttr aic, FlatSymbolRefAttr aiv0,
                              FlatSymbolRefAttr aiv1) {
  llvm::ListSeparator sep;
  auto printSlot = [&](StringRef slot, FlatSymbolRefAttr kernel) {
    if (kernel)
      printer << StringRef(sep) << slot << " = " << kernel;
  };
  printer << stringifyTaskKind(kind.getValue()) << "(";
  printSlot("aic", aic);
  printSlot("aiv0", aiv0);
  printSlot("aiv1", aiv1);
  printer << ")";
}

/// Parses an optional ` blocks(<int>)` or ` blocks(%value)`.
static ParseResult parseBlockNum(OpAsmParser &parser,
                                 std::optional<OpAsmParser::UnresolvedOperand> &dynamicNum,
                                 IntegerAttr &staticNum) {
  if (failed(parser.parseOptionalKeyword("blocks")))
    return success();
  if (parser.parseLParen())
    return failure();
  OpAsmParser::UnresolvedOperand operand;
  OptionalParseResult hasOperand = parser.parseOptionalOperand(operand);
  if (hasOperand.has_value()) {
    if (failed(*hasOperand))
      return failure();
    dynamicNum = operand;
  } else {
    int64_t value;
    if (parser.parseInteger(value))
      return failure();
    staticNum = parser.getBuilder().getI64IntegerAttr(value);
  }
  return parser.parseRParen();
}

static void printBlockNum(OpAsmPrinter &printer, Operation *, Value dynamicNum,
                          IntegerAttr staticNum) {
  if (dynamicNum)
    printer << " blocks(" << dynamicNum << ")";
  else if (staticNum)
    printer << " blocks(" << staticNum.getInt() << ")";
}

/// Parses `(dir %tensor : type, ...)` where dir is `in`, `out` or `inout`.
static ParseResult parseTensorArgs(OpAsmParser &parser,
                                   SmallVectorImpl<OpAsmParser::UnresolvedOperand> &tensors,
                                   SmallVectorImpl<Type> &types, ArrayAttr &directions) {
  SmallVector<Attribute> dirs;
  MLIRContext *ctx = parser.getContext();
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Paren, [&]() -> ParseResult {
        SMLoc loc = parser.getCurrentLocation();
        StringRef keyword;
        if (parser.parseKeyword(&keyword))
          return failure();
        std::optional<ArgDirection> dir = symbolizeArgDirection(keyword);
        if (!dir)
          return parser.emitError(loc) << "unknown tensor argument direction '" << keyword
                                       << "'; expected 'in', 'out' or 'inout'";
        dirs.push_back(ArgDirectionAttr::get(ctx, *dir));
        return failure(parser.parseOperand(tensors.emplace_back()) ||
                       parser.parseColonType(types.emplace_back()));
      }))
    return failure();
  directions = ArrayAttr::get(ctx, dirs);
  return success();
}

static void printTensorArgs(OpAsmPrinter &printer, Operation *, OperandRange tensors,
                            TypeRange types, ArrayAttr directions) {
  printer << "(";
  for (auto [i, tensor] : llvm::enumerate(tensors)) {
    if (i)
      printer << ", ";
    // A generic-form op may carry fewer directions than tensors; the verifier
    // reports that, the printer must not crash on it.
    if (i < directions.size())
      if (auto dir = dyn_cast<ArgDirectionAttr>(directions[i]))
        printer << stringifyArgDirection(dir.getValue()) << " ";
    printer << tensor << " : " << types[i];
  }
  printer << ")";
}

#define GET_OP_CLASSES
#include "ptoattn/Dialect/Orch/IR/OrchOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Shared checks
//===----------------------------------------------------------------------===//

/// A dimension size as written in types: `?` when dynamic.
static std::string formatDim(int64_t size) {
  return ShapedType::isDynamic(size) ? std::string("'?'") : std::to_string(size);
}

/// The entry configuration of the function enclosing `op`, if it has one.
static EntryAttr getEntryConfig(Operation *op) {
  if (auto fn = op->getParentOfType<FunctionOpInterface>())
    return fn->getAttrOfType<EntryAttr>(OrchDialect::kEntryAttrName);
  return {};
}

/// Checks an orchestration argument index: non-negative, and below the count
/// declared by the enclosing function's `orch.entry` when there is one.
static LogicalResult verifyArgIndex(Operation *op, int64_t index, bool isTensor) {
  StringRef what = isTensor ? "tensor" : "scalar";
  if (index < 0)
    return op->emitOpError() << "arg_index must be >= 0, got " << index;
  EntryAttr entry = getEntryConfig(op);
  if (!entry)
    return success();
  int64_t count = isTensor ? entry.getTensors() : entry.getScalars();
  if (index < count)
    return success();
  InFlightDiagnostic diag = op->emitOpError()
                            << "arg_index " << index
                            << " is out of range: " << OrchDialect::kEntryAttrName << " declares "
                            << count << " " << what << " argument(s)";
  if (count > 0)
    diag << ", allowed 0.." << count - 1;
  return diag;
}

/// Checks that `numOperands` index operands supply the `?` dimensions of the
/// given types.
static LogicalResult verifyDynamicSizes(Operation *op, TypeRange types, size_t numOperands) {
  unsigned expected = 0;
  for (Type type : types)
    expected += cast<ChipTensorType>(type).getNumDynamicDims();
  if (expected == numOperands)
    return success();
  return op->emitOpError() << "expects " << expected
                           << " dynamic size operand(s), one per '?' dimension "
                              "of the result type(s), got "
                           << numOperands;
}

/// Checks that a mixed static/dynamic list has one entry per dimension and that
/// its `kDynamic` markers match the operand count.
static LogicalResult verifyMixedList(Operation *op, StringRef name, ArrayRef<int64_t> staticValues,
                                     ValueRange values, ChipTensorType type, StringRef typeRole) {
  if (static_cast<int64_t>(staticValues.size()) != type.getRank())
    return op->emitOpError() << "expects " << type.getRank() << " " << name
                             << ", one per dimension of the " << typeRole << " " << type << ", got "
                             << staticValues.size();
  return verifyListOfOperandsOrIntegers(op, name, type.getRank(), staticValues, values);
}

//===----------------------------------------------------------------------===//
// Result names
//===----------------------------------------------------------------------===//

void ExternalOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getResult(), ("ext" + Twine(getArgIndex())).str());
}

void ArgDimOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) { setNameFn(getResult(), "dim"); }

void ArgScalarOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getResult(), ("scalar" + Twine(getArgIndex())).str());
}

void AllocOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  // One name per result so uses print as %buf_1 rather than %5#1.
  for (Value result : getResults())
    setNameFn(result, "buf");
}

void ViewOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) { setNameFn(getResult(), "view"); }

void ReadOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) { setNameFn(getResult(), "elem"); }

//===----------------------------------------------------------------------===//
// ExternalOp
//===----------------------------------------------------------------------===//

LogicalResult ExternalOp::verify() {
  if (failed(verifyArgIndex(*this, getArgIndex(), /*isTensor=*/true)))
    return failure();
  return verifyDynamicSizes(*this, getResult().getType(), getDynamicSizes().size());
}

//===----------------------------------------------------------------------===//
// ArgDimOp
//===----------------------------------------------------------------------===//

LogicalResult ArgDimOp::verify() {
  if (failed(verifyArgIndex(*this, getArgIndex(), /*isTensor=*/true)))
    return failure();
  // ChipTensor::shapes has MAX_TENSOR_DIMS entries.
  if (getDim() < 0 || getDim() >= 5)
    return emitOpError() << "dim must be 0 to 4 (a runtime tensor has at most 5 "
                            "dimensions), got "
                         << getDim();
  return success();
}

//===----------------------------------------------------------------------===//
// ArgScalarOp
//===----------------------------------------------------------------------===//

/// Scalars cross the runtime as raw 64-bit values; these are the types the
/// orchestration reinterprets them as.
static bool isScalarArgType(Type type) {
  return type.isSignlessInteger(64) || type.isSignlessInteger(32) || type.isF32();
}

LogicalResult ArgScalarOp::verify() {
  if (failed(verifyArgIndex(*this, getArgIndex(), /*isTensor=*/false)))
    return failure();
  if (!isScalarArgType(getType()))
    return emitOpError() << "result type must be i64, i32 or f32 (orchestration "
                            "scalars are raw 64-bit values), got "
                         << getType();
  return success();
}

//===----------------------------------------------------------------------===//
// ScopeOp
//===----------------------------------------------------------------------===//

void ScopeOp::build(OpBuilder &builder, OperationState &state, RingAttr ring) {
  if (ring)
    state.addAttribute(getRingAttrName(state.name), ring);
  state.addRegion()->push_back(new Block());
}

LogicalResult ScopeOp::verify() {
  // The runtime's scope stack holds PTO2_MAX_SCOPE_DEPTH scopes including the
  // implicit one the executor opens around the entry, and only asserts (a
  // no-op in release builds) on overflow.
  unsigned depth = 1;
  for (Operation *parent = (*this)->getParentOp(); parent; parent = parent->getParentOp())
    if (isa<ScopeOp>(parent))
      ++depth;
  if (depth > kMaxNesting)
    return emitOpError() << "is nested " << depth << " deep; at most " << kMaxNesting
                         << " orch.scope levels fit the runtime's scope stack "
                            "(PTO2_MAX_SCOPE_DEPTH = 64, one taken by the entry's "
                            "implicit scope)";
  return success();
}

//===----------------------------------------------------------------------===//
// AllocOp
//===----------------------------------------------------------------------===//

LogicalResult AllocOp::verify() {
  if (getResults().empty())
    return emitOpError() << "expects at least one result (one TensorCreateInfo "
                            "per allocated tensor)";
  for (auto [i, type] : llvm::enumerate(getResultTypes())) {
    auto tensorType = cast<ChipTensorType>(type);
    for (auto [d, size] : llvm::enumerate(tensorType.getShape()))
      if (!ShapedType::isDynamic(size) && size <= 0)
        return emitOpError() << "result #" << i << " dim " << d
                             << " must be positive (a ring-heap buffer cannot be "
                                "empty), got "
                             << size;
  }
  return verifyDynamicSizes(*this, getResultTypes(), getDynamicSizes().size());
}

//===----------------------------------------------------------------------===//
// ViewOp
//===----------------------------------------------------------------------===//

LogicalResult ViewOp::verify() {
  ChipTensorType source = getSource().getType();
  ChipTensorType result = getResult().getType();
  if (failed(
          verifyMixedList(*this, "offsets", getStaticOffsets(), getOffsets(), source, "source")) ||
      failed(verifyMixedList(*this, "sizes", getStaticSizes(), getSizes(), source, "source")))
    return failure();
  // ChipTensor::view keeps the parent's dimensions and strides.
  if (result.getRank() != source.getRank())
    return emitOpError() << "result rank must equal the source rank " << source.getRank()
                         << " (a view keeps the dimensions), got " << result.getRank();
  if (result.getElementType() != source.getElementType())
    return emitOpError() << "result element type must equal the source element type "
                         << source.getElementType() << ", got " << result.getElementType();
  for (int64_t d = 0; d < source.getRank(); ++d) {
    int64_t offset = getStaticOffsets()[d];
    int64_t size = getStaticSizes()[d];
    int64_t extent = source.getDimSize(d);
    bool staticOffset = !ShapedType::isDynamic(offset);
    bool staticSize = !ShapedType::isDynamic(size);
    if (staticOffset && offset < 0)
      return emitOpError() << "offset of dim " << d << " must be >= 0, got " << offset;
    if (staticSize && size < 0)
      return emitOpError() << "size of dim " << d << " must be >= 0, got " << size;
    if (staticSize && result.getDimSize(d) != size)
      return emitOpError() << "result dim " << d << " must equal the static size " << size
                           << ", got " << formatDim(result.getDimSize(d));
    if (!staticSize && !result.isDynamicDim(d))
      return emitOpError() << "result dim " << d << " must be '?' because its size is a value, got "
                           << result.getDimSize(d);
    if (ShapedType::isDynamic(extent) || !staticSize)
      continue;
    if (size > extent)
      return emitOpError() << "size " << size << " of dim " << d << " exceeds the source dim of "
                           << extent;
    // Offsets of zero-size views are ignored by the runtime.
    if (staticOffset && size > 0 && offset + size > extent)
      return emitOpError() << "dim " << d << " is out of bounds: offset " << offset << " + size "
                           << size << " = " << offset + size << " exceeds the source dim of "
                           << extent;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// ReadOp
//===----------------------------------------------------------------------===//

LogicalResult ReadOp::verify() {
  ChipTensorType type = getTensor().getType();
  if (failed(verifyMixedList(*this, "indices", getStaticIndices(), getIndices(), type, "tensor")))
    return failure();
  for (auto [d, index] : llvm::enumerate(getStaticIndices())) {
    if (ShapedType::isDynamic(index))
      continue;
    if (index < 0)
      return emitOpError() << "index of dim " << d << " must be >= 0, got " << index;
    if (!type.isDynamicDim(d) && index >= type.getDimSize(d))
      return emitOpError() << "index " << index << " of dim " << d
                           << " is out of bounds: the dim has size " << type.getDimSize(d);
  }
  return success();
}
