//===- AttnCheckTarget.cpp - reject configurations a2a3 cannot run -----------===//
//
// Checks each `attn.paged_attention` against the a2a3 target description: the
// head dimension and block size the cube and the pipeline support, extents
// that the runtime's uint32 tensor descriptors cannot hold, the query tile
// option, and whether every stage's kernel fits the on-chip buffers: a copy of
// the operation is lowered to its real kernels (attn-tile, attn-assign-cores,
// aicore-plan-memory in a scratch module, by a pass manager of its own) and each
// kernel's planned `aicore.memory` is compared with the target's capacity.
// Reports every violation, then fails; leaves the IR as it was.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Transforms/Passes.h"

#include "ptoattn/Dialect/AICore/IR/AICore.h"
#include "ptoattn/Dialect/Attn/IR/Attn.h"
#include "ptoattn/Target/A2A3.h"
#include "ptoattn/Transforms/AICorePasses.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <limits>

namespace mlir::ptoattn {
#define GEN_PASS_DEF_ATTNCHECKTARGET
#include "ptoattn/Transforms/Passes.h.inc"
} // namespace mlir::ptoattn

using namespace mlir;
using namespace mlir::ptoattn;
namespace tgt = mlir::ptoattn::target;

/// head_dim is the K of the QK matmul and the N of the PV matmul: a multiple of
/// the cube fractal, bounded so that one K^T or V tile fits L0B.
static LogicalResult checkHeadDim(attn::PagedAttentionOp op) {
  int64_t headDim = op.getHeadDim();
  if (headDim % tgt::kCubeFractal == 0 && headDim <= tgt::kMaxHeadDim)
    return success();
  return op.emitOpError() << "head_dim " << headDim << " is not supported: must be a multiple of "
                          << tgt::kCubeFractal << " between " << tgt::kCubeFractal << " and "
                          << tgt::kMaxHeadDim;
}

/// One KV tile is one cache block, so block_size is the N of QK and the K of PV.
static LogicalResult checkBlockSize(attn::PagedAttentionOp op) {
  int64_t blockSize = op.getBlockSize();
  if (llvm::is_contained(tgt::getSupportedBlockSizes(), blockSize))
    return success();
  return op.emitOpError() << "block_size " << blockSize << " is not supported: must be "
                          << tgt::formatChoices(tgt::getSupportedBlockSizes());
}

/// simpler's tensor descriptors hold each extent and each element stride as a
/// uint32 (the orchestration passes shapes as `uint32_t[]`), so every static
/// extent and every stride made of static extents must fit one.
static LogicalResult checkExtentsFitRuntime(attn::PagedAttentionOp op) {
  constexpr uint64_t kLimit = std::numeric_limits<uint32_t>::max();
  auto query = op.getQuery().getType(), cache = op.getKeyCache().getType();
  auto table = op.getBlockTable().getType();
  struct Extent {
    StringRef name;
    int64_t value;
  };
  SmallVector<Extent> extents = {{"batch", query.getDimSize(0)},
                                 {"num_heads", query.getDimSize(1)},
                                 {"head_dim", query.getDimSize(2)},
                                 {"num_blocks (key_cache dim 0)", cache.getDimSize(0)},
                                 {"block_size", cache.getDimSize(1)},
                                 {"num_kv_heads", cache.getDimSize(2)},
                                 {"max_blocks_per_seq (block_table dim 1)", table.getDimSize(1)}};
  bool ok = true;
  for (const Extent &e : extents) {
    if (ShapedType::isDynamic(e.value) || static_cast<uint64_t>(e.value) <= kLimit)
      continue;
    op.emitOpError() << e.name << " " << e.value << " is too large: the runtime holds tensor "
                     << "extents as uint32, so it must be at most " << kLimit;
    ok = false;
  }
  if (!ok)
    return failure();
  // Row strides of query/out and of the caches.
  auto checkStride = [&](StringRef what, ArrayRef<int64_t> dims) {
    if (llvm::any_of(dims, ShapedType::isDynamic))
      return;
    uint64_t product = 1;
    for (int64_t d : dims) {
      product *= static_cast<uint64_t>(d);
      if (product > kLimit) {
        op.emitOpError() << what << " is too large: the runtime holds element strides as "
                         << "uint32, so it must be at most " << kLimit;
        ok = false;
        return;
      }
    }
  };
  checkStride("num_heads x head_dim (the row stride of query and out)",
              {query.getDimSize(1), query.getDimSize(2)});
  checkStride("block_size x num_kv_heads x head_dim (the block stride of the caches)",
              {cache.getDimSize(1), cache.getDimSize(2), cache.getDimSize(3)});
  return success(ok);
}

namespace {

/// What one stage's kernel plans to use of one on-chip buffer.
struct StageFootprint {
  /// The stage op's name: qk_matmul, softmax_prepare, ...
  std::string stage;
  tgt::Buffer buffer;
  /// The planned high-water mark.
  int64_t bytes;
  /// The kernel's tiles in that buffer.
  SmallVector<aicore::TileType> tiles;
};

} // namespace

namespace {

struct AttnCheckTargetPass : public ptoattn::impl::AttnCheckTargetBase<AttnCheckTargetPass> {
  using Base::Base;

  void runOnOperation() override {
    bool ok = true;
    const tgt::QueryTileOption requestedTile = queryTile;
    SmallVector<attn::PagedAttentionOp> ops;
    getOperation()->walk([&](attn::PagedAttentionOp op) { ops.push_back(op); });
    for (attn::PagedAttentionOp op : ops) {
      // Memory is only meaningful for shapes the cube accepts at all.
      if (failed(checkExtentsFitRuntime(op)) | failed(checkHeadDim(op)) |
          failed(checkBlockSize(op))) {
        ok = false;
        continue;
      }
      if (failed(checkKernelsFit(op, tgt::chooseQueryTile(op.getGroupSize(), requestedTile))))
        ok = false;
    }
    if (!ok)
      signalPassFailure();
    markAllAnalysesPreserved();
  }

  /// Lowers a copy of `op` (with `blockSize` rows per cache block instead of
  /// its own, if nonzero) to its kernels in a scratch module, plans their
  /// memory, and returns every stage's planned use of every buffer.
  FailureOr<SmallVector<StageFootprint>> planKernels(attn::PagedAttentionOp op, int64_t queryTile,
                                                     int64_t blockSize) {
    Location loc = op.getLoc();
    OpBuilder b(&getContext());
    OwningOpRef<ModuleOp> scratch = ModuleOp::create(loc);
    if (auto module = op->getParentOfType<ModuleOp>())
      if (Attribute target = module->getAttr(aicore::AICoreDialect::kTargetAttrName))
        (*scratch)->setAttr(aicore::AICoreDialect::kTargetAttrName, target);
    b.setInsertionPointToEnd(scratch->getBody());
    SmallVector<Type> argTypes(op->getOperandTypes());
    if (blockSize)
      for (Value cache : {op.getKeyCache(), op.getValueCache()}) {
        auto type = cast<RankedTensorType>(cache.getType());
        SmallVector<int64_t> shape(type.getShape());
        shape[1] = blockSize;
        for (OpOperand &operand : op->getOpOperands())
          if (operand.get() == cache)
            argTypes[operand.getOperandNumber()] = type.clone(shape);
      }
    auto func = func::FuncOp::create(b, loc, "footprint",
                                     b.getFunctionType(argTypes, op->getResultTypes()));
    b.setInsertionPointToStart(func.addEntryBlock());
    OperationState state(loc, op->getName());
    state.addOperands(func.getArguments());
    state.addAttributes(op->getAttrs());
    state.addTypes(op->getResultTypes());
    Operation *copy = b.create(state);
    func::ReturnOp::create(b, loc, copy->getResults());

    // A pass manager of its own: a tile larger than its buffer fails the
    // aicore verifier, but its size is exactly what is measured here, so the
    // scratch pipeline does not verify.
    PassManager pm(&getContext(), ModuleOp::getOperationName());
    pm.enableVerifier(false);
    AttnTileOptions tile;
    tile.queryTile = static_cast<tgt::QueryTileOption>(queryTile);
    pm.addNestedPass<func::FuncOp>(createAttnTile(tile));
    pm.addPass(createAttnAssignCores());
    AICorePlanMemoryOptions plan;
    plan.recordOverflow = true;
    pm.addNestedPass<func::FuncOp>(createAICorePlanMemory(plan));
    std::string firstError;
    LogicalResult lowered = success();
    {
      ScopedDiagnosticHandler quiet(&getContext(), [&](Diagnostic &diag) {
        if (diag.getSeverity() == DiagnosticSeverity::Error && firstError.empty())
          firstError = diag.str();
        return success();
      });
      lowered = pm.run(*scratch);
    }

    SmallVector<StageFootprint> footprints;
    scratch->walk([&](Operation *stage) {
      auto kernelName = stage->getAttrOfType<FlatSymbolRefAttr>("kernel");
      auto kernel = kernelName
                        ? SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(stage, kernelName)
                        : func::FuncOp();
      auto memory =
          kernel ? kernel->getAttrOfType<DictionaryAttr>(aicore::AICoreDialect::kMemoryAttrName)
                 : DictionaryAttr();
      if (!memory)
        return;
      for (tgt::Buffer buffer : {tgt::Buffer::L1, tgt::Buffer::L0A, tgt::Buffer::L0B,
                                 tgt::Buffer::L0C, tgt::Buffer::UB}) {
        auto bytes = memory.getAs<IntegerAttr>(tgt::getBufferName(buffer));
        if (!bytes)
          continue;
        StageFootprint footprint{stage->getName().stripDialect().str(), buffer, bytes.getInt(), {}};
        kernel.walk([&](aicore::TileOp tileOp) {
          aicore::TileType type = tileOp.getResult().getType();
          if (aicore::getBuffer(type.getLocation()) == buffer)
            footprint.tiles.push_back(type);
        });
        footprints.push_back(std::move(footprint));
      }
    });
    if (failed(lowered))
      return op.emitOpError() << "cannot be lowered to check its kernels' on-chip memory: "
                              << firstError;
    return footprints;
  }

  /// Reports every stage whose kernel needs more of a buffer than the target
  /// has, naming the parameters that size its tiles there and the supported
  /// values with which it fits.
  LogicalResult checkKernelsFit(attn::PagedAttentionOp op, int64_t queryTile) {
    FailureOr<SmallVector<StageFootprint>> footprints = planKernels(op, queryTile, 0);
    if (failed(footprints))
      return failure();
    const tgt::TargetInfo &target = aicore::getTargetInfo(op);
    auto fitsWith = [&](const StageFootprint &over, int64_t tile, int64_t block) {
      FailureOr<SmallVector<StageFootprint>> other = planKernels(op, tile, block);
      return succeeded(other) && llvm::all_of(*other, [&](const StageFootprint &f) {
               return f.stage != over.stage || f.buffer != over.buffer ||
                      f.bytes <= target.getUsableBytes(f.buffer);
             });
    };

    bool fits = true;
    for (const StageFootprint &footprint : *footprints) {
      int64_t available = target.getUsableBytes(footprint.buffer);
      if (footprint.bytes <= available)
        continue;
      fits = false;
      // The parameters whose values size this buffer's tiles.
      bool byHeadDim = false, byBlock = false, byQueryTile = false;
      for (aicore::TileType type : footprint.tiles)
        for (int64_t extent : type.getShape()) {
          byHeadDim |= extent == op.getHeadDim();
          byBlock |= extent == op.getBlockSize();
          byQueryTile |= extent == queryTile || extent == queryTile / tgt::kVectorLanes;
        }
      SmallVector<aicore::TileType> largest(footprint.tiles);
      llvm::stable_sort(largest, [](aicore::TileType x, aicore::TileType y) {
        return x.getSizeInBytes() > y.getSizeInBytes();
      });
      std::string tiles;
      for (auto [i, type] : llvm::enumerate(ArrayRef(largest).take_front(4))) {
        std::string shape;
        for (int64_t extent : type.getShape())
          shape += std::to_string(extent) + "x";
        llvm::raw_string_ostream os(shape);
        os << type.getElementType();
        tiles += (i ? ", " : "") + shape + ": " + std::to_string(type.getSizeInBytes());
      }
      StringRef name = tgt::getBufferName(footprint.buffer);
      InFlightDiagnostic diag = op.emitOpError()
                                << footprint.stage << " needs " << footprint.bytes << " bytes of "
                                << name << " (its kernel's largest tiles there: " << tiles
                                << ") but " << name << " holds " << available;
      if (footprint.buffer == tgt::Buffer::UB)
        diag << " per lane with q-tile " << queryTile;
      SmallVector<std::string> params;
      if (byHeadDim)
        params.push_back("head_dim");
      if (byBlock)
        params.push_back("block_size");
      if (byQueryTile)
        params.push_back("q-tile");
      if (params.empty())
        continue;
      diag << "; change " << llvm::join(params, " or ");
      // Supported values of the other parameters with which the stage fits.
      SmallVector<int64_t> blocks, queryTiles;
      if (byBlock)
        for (int64_t block : tgt::getSupportedBlockSizes())
          if (block != op.getBlockSize() && fitsWith(footprint, queryTile, block))
            blocks.push_back(block);
      if (byQueryTile)
        for (int64_t tile : tgt::getSupportedQueryTiles())
          if (tile != queryTile && fitsWith(footprint, tile, 0))
            queryTiles.push_back(tile);
      if (!blocks.empty())
        diag << "; it fits with block_size " << tgt::formatChoices(blocks);
      if (!queryTiles.empty())
        diag << (blocks.empty() ? "; it fits with q-tile " : " or with q-tile ")
             << tgt::formatChoices(queryTiles);
    }
    return success(fits);
  }
};

} // namespace
