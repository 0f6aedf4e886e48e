//===- AICoreMemoryOps.cpp - aicore tiles, kernel arguments and data movement ===//
//
// Verifiers of the aicore operations that declare tiles, read kernel
// arguments, build GM views and move data (tload, tstore, tmov, treshape,
// tfillpad). The layout and shape rules are those PTO-ISA's TLOAD, TSTORE and
// TMOV check with static_asserts, or with run-time asserts whose operands are
// static here.
//
//===----------------------------------------------------------------------===//

#include "AICoreVerifyUtils.h"

#include "ptoattn/Target/A2A3.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::ptoattn;
using namespace mlir::ptoattn::aicore;
using namespace mlir::ptoattn::aicore::checks;

/// Tensor descriptors occupy args[0..32), scalars follow them up to args[48)
/// (CORE_MAX_TENSOR_ARGS = 32, CORE_MAX_SCALAR_ARGS = 16).
static constexpr int64_t kMaxTensorArgs = 32;
static constexpr int64_t kMaxArgs = 48;

//===----------------------------------------------------------------------===//
// TileOp
//===----------------------------------------------------------------------===//

void TileOp::getAsmResultNames(function_ref<void(Value, StringRef)> setNameFn) {
  setNameFn(getResult(), stringifyTileLocation(getResult().getType().getLocation()));
}

LogicalResult TileOp::verify() {
  TileType type = getResult().getType();
  unsigned numDynamic = type.getNumDynamicValidDims();
  if (getValidDims().size() != numDynamic)
    return emitOpError() << "needs one valid operand per '?' in the tile's valid shape "
                         << formatValidShape(type) << " (" << numDynamic << "), got "
                         << getValidDims().size();

  target::Buffer buffer = getBuffer(type.getLocation());
  int64_t usable = target::getUsableBytes(buffer);
  int64_t bytes = type.getSizeInBytes();
  if (bytes > usable)
    return emitOpError() << "tile needs " << bytes << " bytes, more than the " << usable
                         << " bytes usable in " << target::getBufferName(buffer);
  std::optional<int64_t> offset = getOffset();
  if (!offset)
    return success();
  if (*offset % target::kTileAlignBytes != 0)
    return emitOpError() << "offset must be a multiple of " << target::kTileAlignBytes
                         << " bytes, got " << *offset;
  if (*offset + bytes > usable)
    return emitOpError() << "tile of " << bytes << " bytes at offset " << *offset
                         << " ends at byte " << *offset + bytes << ", beyond the " << usable
                         << " bytes usable in " << target::getBufferName(buffer);
  return success();
}

//===----------------------------------------------------------------------===//
// Kernel arguments
//===----------------------------------------------------------------------===//

LogicalResult TensorPtrOp::verify() {
  if (getArg() >= kMaxTensorArgs)
    return emitOpError() << "arg must name a tensor descriptor slot in [0, " << kMaxTensorArgs
                         << "), got " << getArg();
  return success();
}

LogicalResult TensorDimOp::verify() {
  if (getArg() >= kMaxTensorArgs)
    return emitOpError() << "arg must name a tensor descriptor slot in [0, " << kMaxTensorArgs
                         << "), got " << getArg();
  if (getDim() >= GmViewType::kRank)
    return emitOpError() << "dim must be in [0, " << GmViewType::kRank << "), got " << getDim();
  return success();
}

LogicalResult ScalarArgOp::verify() {
  if (getArg() >= kMaxArgs)
    return emitOpError() << "arg must name an argument slot in [0, " << kMaxArgs << "), got "
                         << getArg();
  return success();
}

//===----------------------------------------------------------------------===//
// GmViewOp
//===----------------------------------------------------------------------===//

LogicalResult GmViewOp::verify() {
  GmViewType view = getResult().getType();
  Type baseElement = getBase().getType().getElementType();
  if (baseElement != view.getElementType())
    return emitOpError() << "result element type must equal the base pointer's ("
                         << formatType(baseElement) << "), got "
                         << formatType(view.getElementType());
  if (getSizes().size() != view.getNumDynamicDims())
    return emitOpError() << "needs one size operand per '?' dim of the result ("
                         << view.getNumDynamicDims() << "), got " << getSizes().size();
  if (getStrides().size() != view.getNumDynamicStrides())
    return emitOpError() << "needs one stride operand per '?' stride of the result ("
                         << view.getNumDynamicStrides() << "), got " << getStrides().size();
  return success();
}

//===----------------------------------------------------------------------===//
// TLoadOp / TStoreOp
//===----------------------------------------------------------------------===//

/// Product of `dims`, or kDynamic if any is dynamic.
static int64_t product(ArrayRef<int64_t> dims) {
  int64_t result = 1;
  for (int64_t dim : dims) {
    if (ShapedType::isDynamic(dim))
      return ShapedType::kDynamic;
    result *= dim;
  }
  return result;
}

/// The valid tile shape an ND or DN transfer of `view` implies: ND moves
/// rows = shape[0]*...*shape[3] by cols = shape[4]; DN is its transpose.
static std::pair<int64_t, int64_t> getImpliedValidShape(GmViewType view) {
  ArrayRef<int64_t> s = view.getShape();
  if (view.getLayout() == GmLayout::ND)
    return {product(s.take_front(4)), s[4]};
  return {s[3], product({s[0], s[1], s[2], s[4]})};
}

/// For same-layout ND/DN transfers PTO-ISA asserts that the tile's valid
/// shape is the one the view implies; checked where both are static.
static LogicalResult verifyTransferValidShape(Operation *op, const NamedTile &tile,
                                              StringRef viewName, GmViewType view) {
  if (view.getLayout() == GmLayout::NZ)
    return success();
  auto [rows, cols] = getImpliedValidShape(view);
  if (mayEqual(tile.type.getValidRows(), rows) && mayEqual(tile.type.getValidCols(), cols))
    return success();
  return op->emitOpError() << tile.name << " valid shape must be the "
                           << stringifyGmLayout(view.getLayout()) << " extent of " << viewName
                           << " [" << formatDim(rows) << ", " << formatDim(cols) << "] ("
                           << (view.getLayout() == GmLayout::ND
                                   ? "rows = dims 0*1*2*3, cols = dim 4"
                                   : "rows = dim 3, cols = dims 0*1*2*4")
                           << "), got " << formatValidShape(tile.type);
}

/// The tile layout name that has the same meaning as the GM layout.
static StringRef getMatchingTileLayout(GmLayout layout) {
  switch (layout) {
  case GmLayout::ND:
    return "nd";
  case GmLayout::DN:
    return "dn";
  case GmLayout::NZ:
    return "nz";
  }
  llvm_unreachable("unknown GmLayout");
}

/// The per-burst row count (dim 3 for ND, dim 4 for DN) must stay below 4096.
static LogicalResult verifyBurstCount(Operation *op, StringRef viewName, GmViewType view) {
  if (view.getLayout() == GmLayout::NZ)
    return success();
  unsigned dim = view.getLayout() == GmLayout::ND ? 3 : 4;
  int64_t bursts = view.getShape()[dim];
  if (ShapedType::isDynamic(bursts) || bursts < 4096)
    return success();
  return op->emitOpError() << viewName << " dim " << dim
                           << " (the DMA burst count) must be below 4096, got " << bursts;
}

LogicalResult TLoadOp::verify() {
  NamedTile dst = named("dst", getDst());
  GmViewType src = getSrc().getType();
  if (failed(verifyLocation(*this, dst, {TileLocation::Mat, TileLocation::Vec})))
    return failure();
  if (dst.type.getElementBytes() != getElementBytes(src.getElementType()))
    return emitOpError() << "dst element type must have the size of src element type ("
                         << formatType(src.getElementType()) << "), got "
                         << formatType(dst.type.getElementType());

  StringRef tileLayout = dst.type.getLayoutName();
  StringRef sameLayout = getMatchingTileLayout(src.getLayout());
  bool isSameLayout = tileLayout == sameLayout;
  // The mat-only conversions: ND into NZ fractals, DN into ZN fractals (the
  // latter transposes, which is how K^T reaches L1).
  bool isConversion = dst.type.getLocation() == TileLocation::Mat &&
                      ((src.getLayout() == GmLayout::ND && tileLayout == "nz") ||
                       (src.getLayout() == GmLayout::DN && tileLayout == "zn"));
  if (!isSameLayout && !isConversion) {
    if (dst.type.getLocation() == TileLocation::Vec)
      return emitOpError() << "a vec dst must have the layout of the src view (nd -> nd, "
                              "dn -> dn, nz -> nz), got "
                           << stringifyGmLayout(src.getLayout()) << " -> " << tileLayout;
    return emitOpError() << "a mat dst loads nd -> nd or nz, dn -> dn or zn, nz -> nz, got "
                         << stringifyGmLayout(src.getLayout()) << " -> " << tileLayout;
  }
  if (dst.type.isBoxed() && dst.type.getFractal() != 512)
    return emitOpError() << "a boxed dst must use 512-byte boxes, got fractal = "
                         << dst.type.getFractal();
  if (isConversion) {
    // ND->NZ and DN->ZN take a 2-D view: dims 0..2 are static 1.
    ArrayRef<int64_t> outer = src.getShape().take_front(3);
    if (llvm::any_of(outer, [](int64_t d) { return d != 1; }))
      return emitOpError() << "src dims 0..2 must be static 1 for an "
                           << stringifyGmLayout(src.getLayout()) << " -> " << tileLayout
                           << " load (2-D views only), got [" << formatDim(outer[0]) << ", "
                           << formatDim(outer[1]) << ", " << formatDim(outer[2]) << "]";
    return success();
  }
  if (failed(verifyBurstCount(*this, "src", src)))
    return failure();
  return verifyTransferValidShape(*this, dst, "src", src);
}

/// TSTORE from L0C goes through the fixpipe, which converts on the way out.
static LogicalResult verifyAccStore(Operation *op, const NamedTile &src, GmViewType dst) {
  if (failed(verifyElementType(op, src, {"f32", "i32"})))
    return failure();
  std::string dstType = formatType(dst.getElementType());
  if (!llvm::is_contained({"f32", "f16", "bf16", "i32"}, dstType))
    return op->emitOpError() << "dst element type must be one of f32, f16, bf16, i32 for a "
                                "store from acc, got "
                             << dstType;
  if (dst.getLayout() == GmLayout::DN)
    return op->emitOpError() << "dst layout must be nd or nz for a store from acc, got dn";
  if (src.type.getCols() > target::kCubeMaxDim)
    return op->emitOpError() << "src cols must be at most " << target::kCubeMaxDim
                             << " for a store from acc, got " << src.type.getCols();
  if (dst.getLayout() == GmLayout::ND && src.type.getRows() > 8192)
    return op->emitOpError() << "src rows must be at most 8192 for an nd store from acc, got "
                             << src.type.getRows();
  return success();
}

LogicalResult TStoreOp::verify() {
  NamedTile src = named("src", getSrc());
  GmViewType dst = getDst().getType();
  if (failed(verifyLocation(*this, src, {TileLocation::Mat, TileLocation::Acc, TileLocation::Vec})))
    return failure();
  if (src.type.getLocation() == TileLocation::Acc)
    return verifyAccStore(*this, src, dst);

  if (src.type.getElementBytes() != getElementBytes(dst.getElementType()))
    return emitOpError() << "dst element type must have the size of src element type ("
                         << formatType(src.type.getElementType()) << "), got "
                         << formatType(dst.getElementType());
  // Single-row and single-column tiles have no layout to disagree with.
  bool isVector = src.type.getRows() == 1 || src.type.getCols() == 1;
  StringRef tileLayout = src.type.getLayoutName();
  if (!isVector && tileLayout != getMatchingTileLayout(dst.getLayout()))
    return emitOpError() << "src must have the layout of the dst view (nd -> nd, dn -> dn, "
                            "nz -> nz), got "
                         << tileLayout << " -> " << stringifyGmLayout(dst.getLayout());
  if (dst.getLayout() == GmLayout::NZ)
    return success();
  if (src.type.getLocation() == TileLocation::Vec) {
    // UB -> GM moves whole 32-byte blocks per row (ND) or column (DN).
    unsigned dim = dst.getLayout() == GmLayout::ND ? 4 : 3;
    int64_t extent = dst.getShape()[dim];
    int64_t bytes = src.type.getElementBytes();
    if (!ShapedType::isDynamic(extent) && extent * bytes % 32 != 0)
      return emitOpError() << "dst dim " << dim << " * sizeof(element) must be a multiple of "
                           << "32 bytes for a store from vec, got " << extent << " * " << bytes
                           << " = " << extent * bytes;
  }
  if (failed(verifyBurstCount(*this, "dst", dst)))
    return failure();
  return verifyTransferValidShape(*this, src, "dst", dst);
}

//===----------------------------------------------------------------------===//
// TMovOp
//===----------------------------------------------------------------------===//

LogicalResult TMovOp::verify() {
  NamedTile src = named("src", getSrc());
  NamedTile dst = named("dst", getDst());
  TileLocation from = src.type.getLocation(), to = dst.type.getLocation();
  bool legal =
      (from == TileLocation::Mat && (to == TileLocation::Left || to == TileLocation::Right)) ||
      (from == TileLocation::Vec && to == TileLocation::Vec) ||
      (from == TileLocation::Acc && to == TileLocation::Mat);
  if (!legal)
    return emitOpError() << "cannot move a " << stringifyTileLocation(from) << " tile to a "
                         << stringifyTileLocation(to)
                         << " tile; legal pairs are mat -> left, mat -> right, vec -> vec, "
                            "acc -> mat";
  if (failed(verifySameShape(*this, dst, src)))
    return failure();
  switch (from) {
  case TileLocation::Mat:
    return verifySameElementType(*this, dst, src);
  case TileLocation::Vec:
    return verifySameElementBytes(*this, dst, src);
  default:
    break;
  }
  // acc -> mat: the fixpipe narrows f32 to a 16-bit NZ tile.
  if (failed(verifyElementType(*this, src, {"f32"})) ||
      failed(verifyElementType(*this, dst, {"f16", "bf16"})))
    return failure();
  if (dst.type.getLayoutName() != "nz" || dst.type.getFractal() != 512)
    return emitOpError() << "dst must be an NZ tile with 512-byte boxes (blayout = col_major, "
                            "slayout = row_major, fractal = 512) for a move from acc, got "
                         << dst.type.getLayoutName() << " with fractal = " << dst.type.getFractal();
  return success();
}

//===----------------------------------------------------------------------===//
// TReshapeOp
//===----------------------------------------------------------------------===//

LogicalResult TReshapeOp::verify() {
  NamedTile src = named("src", getSrc());
  NamedTile result = named("result", getResult());
  if (result.type.getLocation() != src.type.getLocation())
    return emitOpError() << "result must stay in the src location ("
                         << stringifyTileLocation(src.type.getLocation()) << "), got "
                         << stringifyTileLocation(result.type.getLocation());
  if (result.type.getSizeInBytes() != src.type.getSizeInBytes())
    return emitOpError() << "result must have the src's total bytes (" << src.type.getSizeInBytes()
                         << "), got " << result.type.getSizeInBytes();
  if (result.type.isBoxed() != src.type.isBoxed())
    return emitOpError() << "result and src must both be boxed or both unboxed, got "
                         << (result.type.isBoxed() ? "a boxed" : "an unboxed") << " result of "
                         << (src.type.isBoxed() ? "a boxed" : "an unboxed") << " src";
  return success();
}

//===----------------------------------------------------------------------===//
// TileAliasOp
//===----------------------------------------------------------------------===//

LogicalResult TileAliasOp::verify() {
  TileType src = getSrc().getType(), result = getResult().getType();
  // Only the valid shape and the pad value may differ: anything else would
  // reinterpret the bytes, which is treshape's job.
  if (result.getLocation() != src.getLocation() || result.getShape() != src.getShape() ||
      result.getElementType() != src.getElementType() || result.getBlayout() != src.getBlayout() ||
      result.getSlayout() != src.getSlayout() || result.getFractal() != src.getFractal())
    return emitOpError() << "result may differ from src only in valid shape and pad value, got "
                         << src << " -> " << result;
  unsigned numDynamic = result.getNumDynamicValidDims();
  if (getValidDims().size() != numDynamic)
    return emitOpError() << "needs one valid operand per '?' in the result's valid shape ("
                         << numDynamic << "), got " << getValidDims().size();
  return success();
}

//===----------------------------------------------------------------------===//
// TFillPadOp / TFillPadInplaceOp
//===----------------------------------------------------------------------===//

/// Both fill-pad forms: vec tiles of one shape and element size, and a
/// destination pad value to fill with.
static LogicalResult verifyFillPad(Operation *op, const NamedTile &src, const NamedTile &dst) {
  if (failed(verifyLocation(op, src, {TileLocation::Vec})) ||
      failed(verifyLocation(op, dst, {TileLocation::Vec})) ||
      failed(verifySameShape(op, src, dst)) || failed(verifySameElementBytes(op, src, dst)))
    return failure();
  if (dst.type.getPad() == PadValue::Null)
    return op->emitOpError() << "dst pad value must be zero, min or max, got null";
  return success();
}

/// PTO-ISA's L1 form, `TFILLPAD(t, t)`: zeroes an NZ mat tile outside its
/// valid region (on a2a3 the DMA engine writes the constant). One tile type
/// for both operands, as the instruction's single template parameter demands.
static LogicalResult verifyMatFillPad(Operation *op, const NamedTile &src, const NamedTile &dst) {
  if (src.type != dst.type)
    return op->emitOpError() << "a mat tfillpad zeroes one tile in place: src and dst must "
                                "have the same type";
  if (dst.type.getLayoutName() != "nz")
    return op->emitOpError() << "a mat tfillpad needs an nz tile (blayout = col_major, "
                                "slayout = row_major), got "
                             << dst.type.getLayoutName();
  if (dst.type.getPad() != PadValue::Zero && dst.type.getPad() != PadValue::Null)
    return op->emitOpError() << "a mat tfillpad fills with zero: pad must be zero or null";
  return success();
}

LogicalResult TFillPadOp::verify() {
  NamedTile src = named("src", getSrc()), dst = named("dst", getDst());
  if (failed(verifyLocation(*this, src, {TileLocation::Vec, TileLocation::Mat})))
    return failure();
  if (src.type.getLocation() == TileLocation::Mat)
    return verifyMatFillPad(*this, src, dst);
  return verifyFillPad(*this, src, dst);
}

LogicalResult TFillPadInplaceOp::verify() {
  return verifyFillPad(*this, named("src", getSrc()), named("dst", getDst()));
}
