//===- KernelABI.cpp - argument contract of the paged-attention kernels ---===//

#include "ptoattn/Transforms/KernelABI.h"

#include "ptoattn/Target/A2A3.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir::ptoattn::abi;

llvm::StringRef mlir::ptoattn::abi::getStrategyName(Strategy strategy) {
  return strategy == Strategy::Spmd ? "spmd" : "per-tile";
}

llvm::StringRef mlir::ptoattn::abi::getStageName(Stage stage) {
  switch (stage) {
  case Stage::QKMatmul:
    return "qk_matmul";
  case Stage::SoftmaxPrepare:
    return "softmax_prepare";
  case Stage::PVMatmul:
    return "pv_matmul";
  case Stage::OnlineUpdate:
    return "online_update";
  case Stage::MergePartials:
    return "merge_partials";
  }
  llvm_unreachable("unknown stage");
}

llvm::StringRef mlir::ptoattn::abi::getTensorRoleName(TensorRole role) {
  switch (role) {
  case TensorRole::Query:
    return "query";
  case TensorRole::KeyCache:
    return "key_cache";
  case TensorRole::ValueCache:
    return "value_cache";
  case TensorRole::BlockTable:
    return "block_table";
  case TensorRole::ContextLens:
    return "context_lens";
  case TensorRole::Scores:
    return "scores";
  case TensorRole::Probs:
    return "probs";
  case TensorRole::BlockMax:
    return "block_max";
  case TensorRole::BlockSum:
    return "block_sum";
  case TensorRole::BlockOut:
    return "block_out";
  case TensorRole::AccMax:
    return "acc_max";
  case TensorRole::AccSum:
    return "acc_sum";
  case TensorRole::AccOut:
    return "acc_out";
  case TensorRole::Out:
    return "out";
  }
  llvm_unreachable("unknown tensor role");
}

llvm::StringRef mlir::ptoattn::abi::getScalarRoleName(ScalarRole role) {
  switch (role) {
  case ScalarRole::KvStep:
    return "kv_step";
  case ScalarRole::ValidCols:
    return "valid_cols";
  case ScalarRole::NumSteps:
    return "num_steps";
  case ScalarRole::Scale:
    return "scale";
  }
  llvm_unreachable("unknown scalar role");
}

std::optional<TensorRole> mlir::ptoattn::abi::parseTensorRole(llvm::StringRef name) {
  for (int r = 0; r <= static_cast<int>(TensorRole::Out); ++r)
    if (getTensorRoleName(static_cast<TensorRole>(r)) == name)
      return static_cast<TensorRole>(r);
  return std::nullopt;
}

std::optional<ScalarRole> mlir::ptoattn::abi::parseScalarRole(llvm::StringRef name) {
  for (ScalarRole role :
       {ScalarRole::KvStep, ScalarRole::NumSteps, ScalarRole::ValidCols, ScalarRole::Scale})
    if (getScalarRoleName(role) == name)
      return role;
  return std::nullopt;
}

std::optional<unsigned> KernelSignature::findTensor(TensorRole role) const {
  for (auto [i, param] : llvm::enumerate(tensors))
    if (param.role == role)
      return i;
  return std::nullopt;
}

std::optional<unsigned> KernelSignature::findScalarArg(ScalarRole role) const {
  for (auto [i, param] : llvm::enumerate(scalars))
    if (param.role == role)
      return tensors.size() + i;
  return std::nullopt;
}

llvm::ArrayRef<Stage> mlir::ptoattn::abi::getStages() {
  static const Stage stages[] = {Stage::QKMatmul, Stage::SoftmaxPrepare, Stage::PVMatmul,
                                 Stage::OnlineUpdate};
  return stages;
}

KernelSignature mlir::ptoattn::abi::getKernelSignature(Stage stage, Strategy strategy, bool splitKv,
                                                       bool multiBlock) {
  using D = Direction;
  using T = TensorRole;
  const bool spmd = strategy == Strategy::Spmd;
  KernelSignature sig{stage, CoreType::AIC, 1, {}, {}};
  auto in = [&](T role) { sig.tensors.push_back({role, D::In}); };
  auto out = [&](T role) { sig.tensors.push_back({role, D::Out}); };
  auto inout = [&](T role) { sig.tensors.push_back({role, D::InOut}); };
  auto scalar = [&](ScalarRole role, ScalarKind kind = ScalarKind::I64) {
    sig.scalars.push_back({role, kind});
  };
  // In spmd every kernel locates its tile and KV block itself.
  auto paging = [&] {
    if (spmd) {
      in(T::BlockTable);
      in(T::ContextLens);
    } else if (multiBlock) {
      in(T::BlockTable);
    }
  };

  switch (stage) {
  case Stage::QKMatmul:
    in(T::Query);
    in(T::KeyCache);
    paging();
    out(T::Scores);
    break;
  case Stage::SoftmaxPrepare:
    sig.core = CoreType::AIV;
    sig.lanes = target::kVectorLanes;
    in(T::Scores);
    if (spmd)
      in(T::ContextLens);
    out(T::Probs);
    out(T::BlockMax);
    out(T::BlockSum);
    break;
  case Stage::PVMatmul:
    in(T::Probs);
    in(T::ValueCache);
    paging();
    out(T::BlockOut);
    break;
  case Stage::OnlineUpdate:
    sig.core = CoreType::AIV;
    sig.lanes = target::kVectorLanes;
    in(T::BlockMax);
    in(T::BlockSum);
    in(T::BlockOut);
    if (spmd)
      in(T::ContextLens);
    // Read-modify-write of the running state: inout makes step j+1 wait for step j.
    inout(T::AccMax);
    inout(T::AccSum);
    inout(T::AccOut);
    if (!splitKv)
      out(T::Out);
    break;
  case Stage::MergePartials:
    sig.core = CoreType::AIV;
    sig.lanes = target::kVectorLanes;
    in(T::AccMax);
    in(T::AccSum);
    in(T::AccOut);
    out(T::Out);
    break;
  }

  if (stage == Stage::MergePartials) {
    // Needs no scalar: the parts' states say everything.
  } else if (spmd) {
    scalar(ScalarRole::KvStep);
  } else if (stage == Stage::SoftmaxPrepare || stage == Stage::PVMatmul) {
    scalar(ScalarRole::ValidCols);
  } else if (stage == Stage::OnlineUpdate) {
    scalar(ScalarRole::KvStep);
    scalar(ScalarRole::NumSteps);
  }
  if (stage == Stage::SoftmaxPrepare)
    scalar(ScalarRole::Scale, ScalarKind::F32Bits);
  return sig;
}

/// Element type of tensor `role`: f32 for everything computed in fp32, i32
/// for the paging tables, `element` for query, caches and probabilities.
static mlir::Type getRoleElementType(mlir::MLIRContext *ctx, TensorRole role, mlir::Type element) {
  switch (role) {
  case TensorRole::Query:
  case TensorRole::KeyCache:
  case TensorRole::ValueCache:
  case TensorRole::Probs:
    return element;
  case TensorRole::BlockTable:
  case TensorRole::ContextLens:
    return mlir::IntegerType::get(ctx, 32);
  default:
    return mlir::Float32Type::get(ctx);
  }
}

mlir::ptoattn::aicore::KernelAttr mlir::ptoattn::abi::getKernelAttr(mlir::MLIRContext *ctx,
                                                                    const KernelSignature &sig,
                                                                    Strategy strategy,
                                                                    mlir::Type element) {
  using aicore::ArgKind;
  llvm::SmallVector<mlir::Attribute> args;
  for (const TensorParam &param : sig.tensors) {
    ArgKind kind = param.direction == Direction::In    ? ArgKind::In
                   : param.direction == Direction::Out ? ArgKind::Out
                                                       : ArgKind::InOut;
    args.push_back(aicore::KernelArgAttr::get(ctx, kind, getTensorRoleName(param.role),
                                              getRoleElementType(ctx, param.role, element)));
  }
  for (const ScalarParam &param : sig.scalars) {
    mlir::Type type = param.kind == ScalarKind::F32Bits
                          ? mlir::Type(mlir::Float32Type::get(ctx))
                          : mlir::Type(mlir::IntegerType::get(ctx, 64));
    args.push_back(
        aicore::KernelArgAttr::get(ctx, ArgKind::Scalar, getScalarRoleName(param.role), type));
  }
  return aicore::KernelAttr::get(ctx, sig.core, sig.lanes, strategy,
                                 mlir::ArrayAttr::get(ctx, args));
}

int64_t mlir::ptoattn::abi::getLaneSlotFloats(int64_t queryTile) {
  const int64_t lineFloats = target::kGmLineBytes / 4;
  return llvm::alignTo(queryTile / target::kVectorLanes, lineFloats);
}
