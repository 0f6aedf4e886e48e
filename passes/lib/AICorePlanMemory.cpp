//===- AICorePlanMemory.cpp - on-chip addresses of aicore tiles ---------------===//
//
// Gives every `aicore.tile` of a kernel its byte offset in the on-chip buffer
// of its location (the TASSIGN address): L1, L0A, L0B, L0C or UB. Tiles whose
// live ranges are disjoint share bytes; views (`tile_alias`, `treshape`) have
// no storage of their own and keep their source alive. Offsets already in the
// IR are kept, so the pass is idempotent and hand-placed tiles are respected.
//
// Live ranges are intervals on a pre-order numbering of the kernel's ops. That
// numbering makes an `scf.if`'s two branches disjoint intervals (only one of
// them runs), and a tile used inside a region op but declared outside it stays
// live over the whole region op, which covers every iteration of a loop.
//
// The planner never overflows silently: a kernel whose tiles cannot be placed
// within the usable bytes of a buffer is an error naming the kernel, the
// buffer, the bytes needed and available, and the largest tiles live at the
// peak. Reusing bytes across pipes needs pipe flags; `aicore-insert-sync`
// derives those from the offsets chosen here.
//
//===----------------------------------------------------------------------===//

#include "ptoattn/Transforms/AICorePasses.h"

#include "ptoattn/Dialect/AICore/IR/AICore.h"
#include "ptoattn/Dialect/Orch/IR/Orch.h"
#include "ptoattn/Target/A2A3.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/MathExtras.h"

#include <optional>
#include <string>

namespace mlir::ptoattn {
#define GEN_PASS_DEF_AICOREPLANMEMORY
#include "ptoattn/Transforms/AICorePasses.h.inc"
} // namespace mlir::ptoattn

using namespace mlir;
using namespace mlir::ptoattn;
namespace tgt = mlir::ptoattn::target;

// The kernel's `aicore.memory` records the high-water mark (bytes) of each
// buffer it uses; reports and the output manifest read it.

/// Buffers in the order diagnostics and the memory attribute list them.
static constexpr tgt::Buffer kBuffers[] = {tgt::Buffer::L1, tgt::Buffer::L0A, tgt::Buffer::L0B,
                                           tgt::Buffer::L0C, tgt::Buffer::UB};

/// Tiles of the largest-first list in an overflow diagnostic.
static constexpr size_t kMaxTilesInDiagnostic = 8;

namespace {

/// Pre-order position of every op of a kernel, and the last position inside
/// each op's regions.
struct OpNumbering {
  DenseMap<Operation *, int64_t> index;
  DenseMap<Operation *, int64_t> subtreeEnd;

  explicit OpNumbering(func::FuncOp kernel) {
    int64_t next = 0;
    for (Block &block : kernel.getBody())
      for (Operation &op : block)
        number(&op, next);
  }

private:
  void number(Operation *op, int64_t &next) {
    index[op] = next++;
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (Operation &nested : block)
          number(&nested, next);
    subtreeEnd[op] = next - 1;
  }
};

/// One tile declaration: its storage and when that storage is live.
struct TileInterval {
  aicore::TileOp op;
  tgt::Buffer buffer;
  /// Size rounded up to the tile alignment, so neighbours stay aligned.
  int64_t bytes;
  /// Closed interval of pre-order positions.
  int64_t start;
  int64_t end;
  /// Offset from the IR (kept) or chosen by the planner.
  std::optional<int64_t> offset;
  bool preassigned;

  bool overlaps(const TileInterval &other) const {
    return start <= other.end && other.start <= end;
  }
};

/// Result of one buffer's planning: an offset per tile (parallel to the
/// buffer's tile list) and the high-water mark reached.
struct Placement {
  SmallVector<int64_t> offsets;
  int64_t highWater = 0;
};

} // namespace

/// The last position at which `tile` or any view of it is used. A use nested
/// in a region counts as a use by the region op in the tile's own block, so
/// the tile stays live over that whole op.
static int64_t getLiveEnd(aicore::TileOp tile, const OpNumbering &numbering) {
  Block *home = tile->getBlock();
  int64_t end = numbering.index.lookup(tile);
  SmallVector<Value> worklist = {tile.getResult()};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      // Dominance puts every use in the declaring block or below it.
      Operation *ancestor = home->findAncestorOpInBlock(*user);
      if (!ancestor)
        ancestor = user;
      end = std::max(end, numbering.subtreeEnd.lookup(ancestor));
      auto view = dyn_cast<ViewLikeOpInterface>(user);
      if (!view || view.getViewSource() != value)
        continue;
      for (Value result : user->getResults())
        if (isa<aicore::TileType>(result.getType()))
          worklist.push_back(result);
    }
  }
  return end;
}

/// Tile values must come from a declaration or a view of one; anything else
/// (a tile block argument, a tile yielded out of a region) has storage the
/// planner cannot see.
static LogicalResult checkTilesTraceable(func::FuncOp kernel) {
  WalkResult result = kernel.walk([&](Operation *op) -> WalkResult {
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          if (isa<aicore::TileType>(arg.getType())) {
            op->emitOpError() << "has a tile block argument; aicore-plan-memory only places "
                                 "tiles declared by aicore.tile and their views";
            return WalkResult::interrupt();
          }
    if (isa<aicore::TileOp>(op) || isa<ViewLikeOpInterface>(op))
      return WalkResult::advance();
    for (Value value : op->getResults())
      if (isa<aicore::TileType>(value.getType())) {
        op->emitOpError() << "produces a tile that is neither an aicore.tile declaration nor "
                             "a view of one; aicore-plan-memory cannot place it";
        return WalkResult::interrupt();
      }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

/// Places the tiles of one buffer, visiting them in `order` (indices into
/// `tiles`): each free tile takes the lowest aligned offset that does not
/// overlap, in bytes, any already placed tile live at the same time.
/// Pre-assigned tiles are placed first, where they are.
static Placement placeTiles(ArrayRef<TileInterval> tiles, ArrayRef<size_t> order) {
  Placement placement;
  placement.offsets.assign(tiles.size(), 0);
  SmallVector<size_t> placed;
  for (auto [i, tile] : llvm::enumerate(tiles))
    if (tile.offset) {
      placement.offsets[i] = *tile.offset;
      placed.push_back(i);
    }
  for (size_t i : order) {
    const TileInterval &tile = tiles[i];
    if (tile.offset)
      continue;
    SmallVector<std::pair<int64_t, int64_t>> busy;
    for (size_t j : placed)
      if (tiles[j].overlaps(tile))
        busy.push_back({placement.offsets[j], placement.offsets[j] + tiles[j].bytes});
    llvm::sort(busy);
    int64_t candidate = 0;
    for (auto [begin, end] : busy) {
      if (candidate + tile.bytes <= begin)
        break;
      candidate = std::max<int64_t>(candidate, llvm::alignTo(end, tgt::kTileAlignBytes));
    }
    placement.offsets[i] = candidate;
    placed.push_back(i);
  }
  for (auto [i, tile] : llvm::enumerate(tiles))
    placement.highWater = std::max(placement.highWater, placement.offsets[i] + tile.bytes);
  return placement;
}

/// First fit in declaration order; if that fragments the buffer past its
/// capacity, first fit largest-first (ties in declaration order), which packs
/// tighter when a few large tiles dominate. Both orders are deterministic.
static Placement planBuffer(ArrayRef<TileInterval> tiles, int64_t usable) {
  SmallVector<size_t> order = llvm::to_vector(llvm::seq<size_t>(0, tiles.size()));
  Placement byStart = placeTiles(tiles, order);
  if (byStart.highWater <= usable)
    return byStart;
  llvm::stable_sort(order, [&](size_t a, size_t b) { return tiles[a].bytes > tiles[b].bytes; });
  Placement bySize = placeTiles(tiles, order);
  return bySize.highWater < byStart.highWater ? bySize : byStart;
}

/// `16x128xf32`.
static std::string describeTile(aicore::TileOp tile) {
  aicore::TileType type = tile.getResult().getType();
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type.getRows() << "x" << type.getCols() << "x" << type.getElementType();
  return text;
}

/// Reports that `tiles` (one buffer of `kernel`) do not fit: the bytes live at
/// the peak position when those alone exceed the buffer, else the packed
/// size; the tiles live at the peak, largest first; and a note at the
/// declaration where the peak begins.
static void reportOverflow(func::FuncOp kernel, tgt::Buffer buffer, ArrayRef<TileInterval> tiles,
                           int64_t packedBytes, int64_t usable) {
  // The live set only grows at a declaration, so the peak is at some start.
  int64_t peakBytes = -1;
  const TileInterval *peakTile = nullptr;
  for (const TileInterval &tile : tiles) {
    int64_t live = 0;
    for (const TileInterval &other : tiles)
      if (other.start <= tile.start && tile.start <= other.end)
        live += other.bytes;
    if (live > peakBytes) {
      peakBytes = live;
      peakTile = &tile;
    }
  }
  SmallVector<const TileInterval *> live;
  for (const TileInterval &tile : tiles)
    if (tile.start <= peakTile->start && peakTile->start <= tile.end)
      live.push_back(&tile);
  llvm::stable_sort(
      live, [](const TileInterval *a, const TileInterval *b) { return a->bytes > b->bytes; });

  std::string listed;
  for (auto [i, tile] : llvm::enumerate(llvm::ArrayRef(live).take_front(kMaxTilesInDiagnostic)))
    listed += (i ? ", " : "") + describeTile(tile->op) + ": " + std::to_string(tile->bytes);
  if (live.size() > kMaxTilesInDiagnostic)
    listed += ", and " + std::to_string(live.size() - kMaxTilesInDiagnostic) + " more";

  StringRef name = tgt::getBufferName(buffer);
  InFlightDiagnostic diag = kernel.emitError() << "kernel @" << kernel.getSymName() << " needs ";
  if (peakBytes > usable)
    diag << peakBytes << " bytes of " << name << " at its peak";
  else
    diag << packedBytes << " bytes of " << name << " once packed (" << peakBytes
         << " live at its peak)";
  diag << " but " << name << " holds " << usable << " (tiles live at the peak: " << listed << ")";
  diag.attachNote(peakTile->op->getLoc()) << "the " << name << " peak begins at this tile";
}

/// Plans every buffer of `kernel`, then writes the offsets and the memory
/// attribute. Nothing is written unless every buffer fits; with
/// `recordOverflow` the memory attribute is written anyway (no offsets, no
/// error) when a buffer does not.
static LogicalResult planKernel(func::FuncOp kernel, bool recordOverflow) {
  if (failed(checkTilesTraceable(kernel)))
    return failure();
  OpNumbering numbering(kernel);

  // Tiles per buffer in declaration (pre-order) order.
  DenseMap<tgt::Buffer, SmallVector<TileInterval>> byBuffer;
  kernel.walk<WalkOrder::PreOrder>([&](aicore::TileOp tile) {
    aicore::TileType type = tile.getResult().getType();
    tgt::Buffer buffer = aicore::getBuffer(type.getLocation());
    std::optional<int64_t> offset = tile.getOffset();
    auto bytes = static_cast<int64_t>(llvm::alignTo(type.getSizeInBytes(), tgt::kTileAlignBytes));
    byBuffer[buffer].push_back(TileInterval{tile, buffer, bytes, numbering.index.lookup(tile),
                                            getLiveEnd(tile, numbering), offset,
                                            offset.has_value()});
  });

  bool fits = true;
  SmallVector<std::pair<tgt::Buffer, Placement>> placements;
  for (tgt::Buffer buffer : kBuffers) {
    auto it = byBuffer.find(buffer);
    if (it == byBuffer.end())
      continue;
    int64_t usable = tgt::getUsableBytes(buffer);
    Placement placement = planBuffer(it->second, usable);
    if (placement.highWater > usable) {
      if (!recordOverflow)
        reportOverflow(kernel, buffer, it->second, placement.highWater, usable);
      fits = false;
    }
    placements.push_back({buffer, std::move(placement)});
  }

  Builder builder(kernel.getContext());
  SmallVector<NamedAttribute> memory;
  for (auto &[buffer, placement] : placements) {
    if (fits)
      for (auto [tile, offset] : llvm::zip_equal(byBuffer[buffer], placement.offsets))
        if (!tile.preassigned)
          tile.op.setOffset(offset);
    memory.push_back(builder.getNamedAttr(tgt::getBufferName(buffer),
                                          builder.getI64IntegerAttr(placement.highWater)));
  }
  if (!fits && !recordOverflow)
    return failure();
  kernel->setAttr(aicore::AICoreDialect::kMemoryAttrName, builder.getDictionaryAttr(memory));
  return success();
}

namespace {

struct AICorePlanMemoryPass : public ptoattn::impl::AICorePlanMemoryBase<AICorePlanMemoryPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Only kernels run on a core; the orchestration function has no tiles.
    if (!aicore::getKernelAttr(func) || func.isExternal())
      return markAllAnalysesPreserved();
    if (failed(planKernel(func, recordOverflow)))
      signalPassFailure();
  }
};

} // namespace
