//===- SyncModel.cpp - which pipe runs an aicore op, which bytes it touches -===//
//
// Pipe assignment follows the a2a3 core: MTE2 moves GM into L1/UB, MTE1 moves
// L1 into L0A/L0B, M is the cube, FIX drains L0C, MTE3 moves UB (or L1) out to
// GM and V is the vector unit. Byte ranges come from the tile offsets that
// aicore-plan-memory assigned, following tile_alias/treshape to the declared
// tile, so two tiles planned onto the same bytes conflict.
//
//===----------------------------------------------------------------------===//

#include "SyncModel.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/TypeSwitch.h"

#include <limits>

using namespace mlir;
using namespace mlir::ptoattn::aicore;
using namespace mlir::ptoattn::aicore::sync;

bool ByteRange::overlaps(const ByteRange &other) const {
  if (location != other.location)
    return false;
  if (root && other.root)
    return root == other.root;
  // One address unknown: assume the worst.
  if (root || other.root)
    return true;
  return begin < other.end && other.begin < end;
}

/// The declared tile (or other origin) behind a tile value, looking through
/// the two view ops.
static Value getRootTile(Value tile) {
  while (Operation *def = tile.getDefiningOp()) {
    if (auto reshape = dyn_cast<TReshapeOp>(def))
      tile = reshape.getSrc();
    else if (auto alias = dyn_cast<TileAliasOp>(def))
      tile = alias.getSrc();
    else
      break;
  }
  return tile;
}

/// Bytes behind a tile value.
static ByteRange getByteRange(Value tile) {
  Value root = getRootTile(tile);
  auto type = cast<TileType>(root.getType());
  ByteRange range{type.getLocation(), nullptr, 0, type.getSizeInBytes()};
  auto decl = root.getDefiningOp<TileOp>();
  if (!decl) {
    // Not a declaration we can see (e.g. a block argument): the whole buffer.
    range.end = std::numeric_limits<int64_t>::max();
    return range;
  }
  if (std::optional<int64_t> offset = decl.getOffset()) {
    range.begin = *offset;
    range.end = *offset + type.getSizeInBytes();
  } else {
    range.root = decl;
  }
  return range;
}

static TileLocation locationOf(Value tile) { return cast<TileType>(tile.getType()).getLocation(); }

/// The pipe `op` issues to, if it is a known tile instruction.
static std::optional<Pipe> getPipe(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::optional<Pipe>>(op)
      .Case<TLoadOp>([](auto) { return Pipe::MTE2; })
      .Case<TStoreOp>([](TStoreOp store) {
        return locationOf(store.getSrc()) == TileLocation::Acc ? Pipe::Fix : Pipe::MTE3;
      })
      .Case<TMovOp>([](TMovOp mov) -> std::optional<Pipe> {
        switch (locationOf(mov.getSrc())) {
        case TileLocation::Mat:
          return Pipe::MTE1;
        case TileLocation::Acc:
          return Pipe::Fix;
        case TileLocation::Vec:
          return Pipe::V;
        default:
          return std::nullopt;
        }
      })
      .Case<TMatmulOp, TMatmulAccOp>([](auto) { return Pipe::M; })
      // Filling L1 has no vector unit on the cube core; the DMA engine does it.
      .Case<TExpandSOp>([](TExpandSOp fill) {
        return locationOf(fill.getDst()) == TileLocation::Vec ? Pipe::V : Pipe::MTE2;
      })
      .Case<TFillPadOp>([](TFillPadOp fill) {
        return locationOf(fill.getDst()) == TileLocation::Vec ? Pipe::V : Pipe::MTE2;
      })
      .Case<TAddOp, TSubOp, TMulOp, TMaxOp, TMulSOp, TAddSOp, TExpOp, TCvtOp, TRowMaxOp, TRowSumOp,
            TRowExpandSubOp, TRowExpandMulOp, TRowExpandDivOp, TFillPadInplaceOp>(
          [](auto) { return Pipe::V; })
      .Default([](Operation *) { return std::nullopt; });
}

bool mlir::ptoattn::aicore::sync::isSyncOp(Operation *op) {
  return isa<SetFlagOp, WaitFlagOp, PipeBarrierOp, PipeSyncOp>(op);
}

bool mlir::ptoattn::aicore::sync::isTileInstruction(Operation *op) {
  if (isa<TileOp, TReshapeOp, TileAliasOp>(op) || isSyncOp(op))
    return false;
  return llvm::any_of(op->getOperands(),
                      [](Value operand) { return isa<TileType>(operand.getType()); });
}

LogicalResult mlir::ptoattn::aicore::sync::collectAccesses(Operation *op,
                                                           SmallVectorImpl<Access> &accesses) {
  std::optional<Pipe> pipe = getPipe(op);
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  if (!pipe || !effects)
    return op->emitOpError() << "touches on-chip tiles but runs on no known pipe; cannot "
                                "synchronise it";
  SmallVector<MemoryEffects::EffectInstance> instances;
  effects.getEffects(instances);
  for (const MemoryEffects::EffectInstance &effect : instances) {
    Value value = effect.getValue();
    if (!value || !isa<TileType>(value.getType()))
      continue;
    bool write = isa<MemoryEffects::Write>(effect.getEffect());
    if (!write && !isa<MemoryEffects::Read>(effect.getEffect()))
      continue;
    accesses.push_back({*pipe, getByteRange(value), write});
  }
  return success();
}

bool mlir::ptoattn::aicore::sync::isKernel(func::FuncOp func) {
  if (getKernelAttr(func))
    return true;
  bool hasAICore = false;
  func.walk([&](Operation *op) {
    if (isa<AICoreDialect>(op->getDialect()))
      hasAICore = true;
  });
  return hasAICore;
}

Pipe mlir::ptoattn::aicore::sync::getDrainPipe(func::FuncOp func) {
  if (KernelAttr kernel = getKernelAttr(func))
    return kernel.getCore() == CoreType::AIC ? Pipe::Fix : Pipe::MTE3;
  bool cube = false;
  func.walk([&](Operation *op) {
    if (std::optional<Pipe> pipe = getPipe(op))
      cube |= *pipe == Pipe::M || *pipe == Pipe::MTE1 || *pipe == Pipe::Fix;
  });
  return cube ? Pipe::Fix : Pipe::MTE3;
}

SmallVector<Pipe> mlir::ptoattn::aicore::sync::getStorePipes(func::FuncOp func) {
  SmallVector<Pipe> pipes;
  func.walk([&](TStoreOp store) {
    Pipe pipe = *getPipe(store);
    if (!llvm::is_contained(pipes, pipe))
      pipes.push_back(pipe);
  });
  llvm::sort(pipes, [](Pipe a, Pipe b) { return pipeIndex(a) < pipeIndex(b); });
  return pipes;
}

bool sync::isGridStrideLoop(Operation *op) {
  auto loop = dyn_cast<scf::ForOp>(op);
  return loop && loop.getLowerBound().getDefiningOp<GetBlockIdxOp>() &&
         loop.getStep().getDefiningOp<GetBlockNumOp>();
}

bool sync::endsWithFullBarrier(Operation *op) {
  auto loop = dyn_cast<scf::ForOp>(op);
  if (!loop)
    return false;
  Operation *yield = loop.getBody()->getTerminator();
  auto barrier = dyn_cast_or_null<PipeBarrierOp>(yield->getPrevNode());
  return barrier && barrier.getPipe() == Pipe::All;
}
