//===- A2A3.h - limits of the Ascend a2a3 target ------------------*- C++ -*-===//
//
// The single description of what the a2a3 (Atlas A2/A3, 910B/910C) cores provide
// and what the ptoattn pipeline supports on them. `attn-check-target` rejects
// configurations against it; the tiling, core-assignment and memory-planning
// passes size their tiles from the same numbers, so the check and the lowering
// can never disagree.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_TARGET_A2A3_H
#define PTOATTN_TARGET_A2A3_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace mlir::ptoattn::target {

/// On-chip buffers of one cluster (1 AIC + 2 AIV).
enum class Buffer { L1, L0A, L0B, L0C, UB };

/// The buffer's name as used in diagnostics ("L1", "UB", ...).
llvm::StringRef getBufferName(Buffer buffer);

/// Bytes a kernel may use in `buffer`. For UB this excludes the top 8 KB, which
/// some row-broadcast and convert instructions use as scratch.
int64_t getUsableBytes(Buffer buffer);

/// Raw capacities (bytes) per core.
inline constexpr int64_t kL1Bytes = 512 * 1024;
inline constexpr int64_t kL0ABytes = 64 * 1024;
inline constexpr int64_t kL0BBytes = 64 * 1024;
inline constexpr int64_t kL0CBytes = 128 * 1024;
inline constexpr int64_t kUBBytes = 192 * 1024;
/// UB scratch at the top of UB (from 184 KB), reserved for the hardware.
inline constexpr int64_t kUBScratchBytes = 8 * 1024;

/// Alignment of every on-chip tile address.
inline constexpr int64_t kTileAlignBytes = 32;
/// Two blocks or two lanes must never write the same GM line of this size.
inline constexpr int64_t kGmLineBytes = 64;
/// Cube operands are 16x16 fractals; M, K and N are multiples of 16, at most 4095.
inline constexpr int64_t kCubeFractal = 16;
inline constexpr int64_t kCubeMaxDim = 4095;
/// Per-row scalars (row max, row sum) are fp32 columns padded to 8 (32 bytes).
inline constexpr int64_t kRowScalarColumns = 8;
/// Vector lanes (AIV cores) per cluster; vector stages split rows across them.
inline constexpr int64_t kVectorLanes = 2;
/// Hardware event ids (EVENT_ID0..7) per pipe pair for set_flag/wait_flag.
inline constexpr int64_t kNumEventIds = 8;
/// Box (fractal) bytes of L1/L0A/L0B/UB tiles; L0C (Acc) boxes are twice that.
inline constexpr int64_t kBoxBytes = 512;
inline constexpr int64_t kAccBoxBytes = 1024;

/// simpler's tensormap_and_ringbuffer runtime: rings per orchestration (a
/// scope at depth d allocates from ring min(d, kNumRings - 1)), the alignment
/// of each runtime-allocated output in a ring's heap, and the per-ring
/// defaults (PTO2_RING_TASK_WINDOW, PTO2_RING_HEAP, PTO2_RING_DEP_POOL).
inline constexpr int64_t kNumRings = 4;
inline constexpr int64_t kHeapAlignBytes = 1024;
inline constexpr int64_t kDefaultRingTaskWindow = 16384;
inline constexpr int64_t kDefaultRingHeapBytes = 256 * 1024 * 1024;
inline constexpr int64_t kDefaultRingDepPool = 16384;

/// One chip of the a2a3 family. The chips share the core micro-architecture
/// (every limit above); they differ in how many clusters run blocks at once.
struct TargetInfo {
  /// "910B1", "910B2", "910B3", "910B4".
  llvm::StringRef chip;
  /// Clusters (1 AIC + 2 AIV each): 24 on 910B1/B2, 20 on 910B3/B4.
  int64_t clusters;

  int64_t cubeMaxDim = kCubeMaxDim;
  int64_t cubeFractal = kCubeFractal;
  int64_t tileAlignBytes = kTileAlignBytes;
  int64_t boxBytes = kBoxBytes;
  int64_t accBoxBytes = kAccBoxBytes;
  int64_t gmLineBytes = kGmLineBytes;
  int64_t vectorLanes = kVectorLanes;
  int64_t numEventIds = kNumEventIds;
  int64_t numRings = kNumRings;
  int64_t heapAlignBytes = kHeapAlignBytes;

  /// Bytes a kernel may use in `buffer` (see getUsableBytes).
  int64_t getUsableBytes(Buffer buffer) const;
  /// AIV cores of the chip (both lanes of every cluster).
  int64_t getVectorCores() const { return clusters * vectorLanes; }
};

/// Every supported chip, in name order.
llvm::ArrayRef<TargetInfo> getTargets();
/// The chip named `chip`, or null.
const TargetInfo *lookupTarget(llvm::StringRef chip);
/// The chip a module without `aicore.target` is compiled for (910B1).
const TargetInfo &getDefaultTarget();
/// "910B1, 910B2, 910B3 or 910B4" for diagnostics.
std::string formatTargetNames();

/// Head dimensions: multiples of the cube fractal up to this bound.
inline constexpr int64_t kMaxHeadDim = 256;

/// Block sizes (KV rows per cache block, one KV tile) the pipeline supports.
llvm::ArrayRef<int64_t> getSupportedBlockSizes();
/// Query-tile row counts the pipeline supports.
llvm::ArrayRef<int64_t> getSupportedQueryTiles();
/// Split-KV parts per sequence (`kv-splits`): 1 (no split) up to this bound;
/// the merge kernel unrolls its loop over the parts.
inline constexpr int64_t kMaxKvSplits = 16;

/// Orchestration strategies, by their option spelling ("spmd", "per-tile").
llvm::ArrayRef<llvm::StringRef> getStrategyNames();

/// The `q-tile` pass option: automatic or one of getSupportedQueryTiles().
enum class QueryTileOption : int64_t { Auto = 0, Rows16 = 16, Rows32 = 32, Rows64 = 64 };

/// Query-tile rows for `groupSize` heads sharing one KV head. A nonzero
/// `requested` value wins; otherwise the smallest supported tile holding the
/// whole group, or the largest tile when no tile does.
int64_t chooseQueryTile(int64_t groupSize, QueryTileOption requested = QueryTileOption::Auto);

/// Prints `values` as "16, 32 or 64" for diagnostics.
std::string formatChoices(llvm::ArrayRef<int64_t> values);

/// Number of query tiles covering one KV-head group.
int64_t getQueryTilesPerGroup(int64_t groupSize, int64_t queryTile);

} // namespace mlir::ptoattn::target

#endif // PTOATTN_TARGET_A2A3_H
