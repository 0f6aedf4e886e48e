//===- Registration.cpp - C API to register ptoattn ----------------------===//

#include "ptoattn-c/Registration.h"

#include "ptoattn/InitAll.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Support.h"
#include "mlir/CAPI/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Target/Cpp/CppEmitter.h"
#include "llvm/Support/JSON.h"

void ptoattnRegisterAllDialects(MlirDialectRegistry registry) {
  mlir::ptoattn::registerAllDialects(*unwrap(registry));
}

void ptoattnLoadAllDialects(MlirContext context) {
  unwrap(context)->loadDialect<mlir::ptoattn::attn::AttnDialect>();
  unwrap(context)->loadDialect<mlir::ptoattn::aicore::AICoreDialect>();
  unwrap(context)->loadDialect<mlir::ptoattn::orch::OrchDialect>();
}

void ptoattnRegisterAllPasses(void) { mlir::ptoattn::registerAllPasses(); }

MlirLogicalResult ptoattnTranslateToCpp(MlirOperation op, MlirStringRef fileId,
                                        MlirStringCallback callback, void *userData) {
  mlir::detail::CallbackOstream stream(callback, userData);
  mlir::Operation *root = unwrap(op);
  llvm::StringRef id = unwrap(fileId);
  // With an id, translate that file alone: the module's other top-level ops
  // would each leave an empty line around it.
  if (!id.empty())
    for (mlir::Operation &child : root->getRegion(0).front())
      if (auto file = llvm::dyn_cast<mlir::emitc::FileOp>(child); file && file.getId() == id)
        root = file;
  return wrap(mlir::emitc::translateToCpp(root, stream, /*declareVariablesAtTop=*/false, id));
}

void ptoattnDescribeTarget(MlirStringCallback callback, void *userData) {
  namespace tgt = mlir::ptoattn::target;
  llvm::json::Array chips;
  for (const tgt::TargetInfo &info : tgt::getTargets())
    chips.push_back(llvm::json::Object{{"chip", info.chip}, {"clusters", info.clusters}});
  llvm::json::Array strategies;
  for (llvm::StringRef name : tgt::getStrategyNames())
    strategies.push_back(name);
  llvm::json::Object description{
      {"targets", std::move(chips)},
      {"default_target", tgt::getDefaultTarget().chip},
      {"query_tiles", llvm::json::Array(tgt::getSupportedQueryTiles())},
      {"block_sizes", llvm::json::Array(tgt::getSupportedBlockSizes())},
      {"strategies", std::move(strategies)},
      {"max_kv_splits", tgt::kMaxKvSplits},
      {"num_rings", tgt::kNumRings},
      {"ring_defaults", llvm::json::Object{{"ring_task_window", tgt::kDefaultRingTaskWindow},
                                           {"ring_heap", tgt::kDefaultRingHeapBytes},
                                           {"ring_dep_pool", tgt::kDefaultRingDepPool}}}};
  mlir::detail::CallbackOstream stream(callback, userData);
  stream << llvm::json::Value(std::move(description));
}

void ptoattnDescribeModule(MlirOperation module, MlirStringCallback callback, void *userData) {
  namespace ac = mlir::ptoattn::aicore;
  llvm::json::Array kernels;
  unwrap(module)->walk([&](mlir::func::FuncOp func) {
    ac::KernelAttr kernel = ac::getKernelAttr(func);
    if (!kernel)
      return;
    llvm::json::Array args;
    for (ac::KernelArgAttr arg : kernel.getArguments()) {
      std::string type;
      llvm::raw_string_ostream os(type);
      arg.getType().print(os);
      args.push_back(llvm::json::Object{{"kind", ac::stringifyArgKind(arg.getKind())},
                                        {"role", arg.getRole()},
                                        {"type", type},
                                        {"text", arg.describe()}});
    }
    llvm::json::Object memory;
    if (auto dict = func->getAttrOfType<mlir::DictionaryAttr>(ac::AICoreDialect::kMemoryAttrName))
      for (mlir::NamedAttribute entry : dict)
        memory[entry.getName().getValue()] =
            mlir::cast<mlir::IntegerAttr>(entry.getValue()).getInt();
    kernels.push_back(llvm::json::Object{{"name", func.getSymName()},
                                         {"core_type", ac::stringifyCoreType(kernel.getCore())},
                                         {"lanes", kernel.getLanes()},
                                         {"strategy", ac::stringifyStrategy(kernel.getStrategy())},
                                         {"arguments", std::move(args)},
                                         {"memory", std::move(memory)}});
  });
  namespace orch = mlir::ptoattn::orch;
  llvm::json::Array orchestrations;
  unwrap(module)->walk([&](mlir::func::FuncOp func) {
    if (!func->hasAttr(orch::OrchDialect::kEntryAttrName))
      return;
    llvm::json::Object ids;
    for (auto [name, id] : orch::getKernelIds(func))
      ids[name] = id;
    llvm::json::Array rings;
    for (orch::RingAttr ring : orch::getRingRequirements(func, mlir::ptoattn::target::kNumRings))
      rings.push_back(llvm::json::Object{{"task_slots", ring.getTaskSlots()},
                                         {"heap_bytes", ring.getHeapBytes()},
                                         {"dep_entries", ring.getDepEntries()}});
    orchestrations.push_back(llvm::json::Object{{"name", func.getSymName()},
                                                {"kernel_ids", std::move(ids)},
                                                {"ring_requirements", std::move(rings)}});
  });
  const mlir::ptoattn::target::TargetInfo &info = ac::getTargetInfo(unwrap(module));
  llvm::json::Object description{
      {"target", llvm::json::Object{{"chip", info.chip}, {"clusters", info.clusters}}},
      {"kernels", std::move(kernels)},
      {"orchestrations", std::move(orchestrations)}};
  mlir::detail::CallbackOstream stream(callback, userData);
  stream << llvm::json::Value(std::move(description));
}
