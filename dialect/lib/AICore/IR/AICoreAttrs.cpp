//===- AICoreAttrs.cpp - aicore dialect attributes ------------------------===//
//
// The kernel and target contracts: their verifiers, the dialect-attribute
// verifier that checks where they are attached, and the lookups passes use.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Dialect/AICore/IR/AICore.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::ptoattn;
using namespace mlir::ptoattn::aicore;

#define GET_ATTRDEF_CLASSES
#include "ptoattn/Dialect/AICore/IR/AICoreAttrs.cpp.inc"

void AICoreDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "ptoattn/Dialect/AICore/IR/AICoreAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// KernelArgAttr
//===----------------------------------------------------------------------===//

LogicalResult KernelArgAttr::verify(function_ref<InFlightDiagnostic()> emitError, ArgKind kind,
                                    StringRef role, Type type) {
  if (role.empty())
    return emitError() << "#aicore.arg role must not be empty";
  if (kind == ArgKind::Scalar) {
    if (!type.isSignlessInteger(64) && !type.isF32())
      return emitError() << "#aicore.arg scalar '" << role
                         << "' must be i64 or f32 (a float in the low 32 bits), got " << type;
    return success();
  }
  if (!isSupportedElementType(type))
    return emitError() << "#aicore.arg tensor '" << role << "' has an unsupported element type "
                       << type;
  return success();
}

std::string KernelArgAttr::describe() const {
  if (isTensor())
    return (stringifyArgKind(getKind()) + " " + getRole()).str();
  return ((getType().isF32() ? "f32 " : "i64 ") + getRole()).str();
}

//===----------------------------------------------------------------------===//
// KernelAttr
//===----------------------------------------------------------------------===//

LogicalResult KernelAttr::verify(function_ref<InFlightDiagnostic()> emitError, CoreType core,
                                 int64_t lanes, Strategy strategy, ArrayAttr args) {
  const target::TargetInfo &info = target::getDefaultTarget();
  if (core == CoreType::AIC && lanes != 1)
    return emitError() << "#aicore.kernel on the aic core runs on 1 lane, got " << lanes;
  if (core == CoreType::AIV && (lanes < 1 || lanes > info.vectorLanes))
    return emitError() << "#aicore.kernel on the aiv core runs on 1 to " << info.vectorLanes
                       << " lanes, got " << lanes;
  bool sawScalar = false;
  if (!args)
    return success();
  for (Attribute attr : args) {
    auto arg = dyn_cast<KernelArgAttr>(attr);
    if (!arg)
      return emitError() << "#aicore.kernel args must be #aicore.arg entries, got " << attr;
    if (arg.isTensor() && sawScalar)
      return emitError() << "#aicore.kernel tensor argument '" << arg.getRole()
                         << "' follows a scalar: tensors come first (add_* order)";
    sawScalar |= !arg.isTensor();
  }
  return success();
}

SmallVector<KernelArgAttr> KernelAttr::getArguments() const {
  if (!getArgs())
    return {};
  return llvm::to_vector(
      llvm::map_range(getArgs(), [](Attribute attr) { return cast<KernelArgAttr>(attr); }));
}

unsigned KernelAttr::getNumTensors() const {
  return llvm::count_if(getArguments(), [](KernelArgAttr arg) { return arg.isTensor(); });
}

//===----------------------------------------------------------------------===//
// TargetAttr
//===----------------------------------------------------------------------===//

LogicalResult TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringRef chip) {
  if (!target::lookupTarget(chip))
    return emitError() << "target '" << chip << "' is not supported: must be "
                       << target::formatTargetNames();
  return success();
}

const target::TargetInfo &TargetAttr::getInfo() const { return *target::lookupTarget(getChip()); }

//===----------------------------------------------------------------------===//
// Dialect attributes
//===----------------------------------------------------------------------===//

LogicalResult AICoreDialect::verifyOperationAttribute(Operation *op, NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == kKernelAttrName) {
    if (!isa<KernelAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' must be an #aicore.kernel<...> attribute, got "
                             << attr.getValue();
    // A kernel function, or the emitc.file its body becomes.
    if (!isa<FunctionOpInterface>(op) && op->getName().getStringRef() != "emitc.file")
      return op->emitError() << "'" << name << "' is only valid on a kernel function, not on '"
                             << op->getName() << "'";
    return success();
  }
  if (name == kTargetAttrName) {
    if (!isa<TargetAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' must be an #aicore.target<\"chip\"> "
                             << "attribute, got " << attr.getValue();
    if (!isa<ModuleOp>(op))
      return op->emitError() << "'" << name << "' is only valid on a builtin.module, not on '"
                             << op->getName() << "'";
    return success();
  }
  if (name == kMemoryAttrName) {
    auto dict = dyn_cast<DictionaryAttr>(attr.getValue());
    if (!dict || !getKernelAttr(op))
      return op->emitError() << "'" << name
                             << "' must be a dictionary of buffer bytes on a kernel function";
    for (NamedAttribute entry : dict) {
      auto bytes = dyn_cast<IntegerAttr>(entry.getValue());
      StringRef buffer = entry.getName().getValue();
      if (!llvm::is_contained({"L1", "L0A", "L0B", "L0C", "UB"}, buffer) || !bytes ||
          bytes.getInt() < 0)
        return op->emitError() << "'" << name << "' entry '" << buffer
                               << "' must be an L1, L0A, L0B, L0C or UB byte count";
    }
    return success();
  }
  return op->emitError() << "unknown aicore dialect attribute '" << name << "'; allowed: '"
                         << kKernelAttrName << "', '" << kTargetAttrName << "', '"
                         << kMemoryAttrName << "'";
}

const target::TargetInfo &mlir::ptoattn::aicore::getTargetInfo(Operation *op) {
  for (Operation *scope = op; scope; scope = scope->getParentOp())
    if (auto module = dyn_cast<ModuleOp>(scope))
      if (auto attr = module->getAttrOfType<TargetAttr>(AICoreDialect::kTargetAttrName))
        return attr.getInfo();
  return target::getDefaultTarget();
}

target::Buffer mlir::ptoattn::aicore::getBuffer(TileLocation location) {
  switch (location) {
  case TileLocation::Mat:
    return target::Buffer::L1;
  case TileLocation::Left:
    return target::Buffer::L0A;
  case TileLocation::Right:
    return target::Buffer::L0B;
  case TileLocation::Acc:
    return target::Buffer::L0C;
  case TileLocation::Vec:
    break;
  }
  return target::Buffer::UB;
}

KernelAttr mlir::ptoattn::aicore::getKernelAttr(Operation *op) {
  return op->getAttrOfType<KernelAttr>(AICoreDialect::kKernelAttrName);
}
