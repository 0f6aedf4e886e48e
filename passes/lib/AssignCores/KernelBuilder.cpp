//===- KernelBuilder.cpp - building aicore kernel bodies -----------------===//

#include "KernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::ptoattn;
using namespace mlir::ptoattn::assign_cores;
using aicore::BLayout;
using aicore::SLayout;
using aicore::TileLocation;
using aicore::TileType;

Value KernelBuilder::tensorPtr(abi::TensorRole role, Type element) {
  std::optional<unsigned> index = sig.findTensor(role);
  assert(index && "kernel does not take this tensor");
  return aicore::TensorPtrOp::create(b, loc, aicore::GmPtrType::get(b.getContext(), element),
                                     b.getI64IntegerAttr(*index));
}

Value KernelBuilder::tensorDim(abi::TensorRole role, int64_t dim) {
  std::optional<unsigned> index = sig.findTensor(role);
  assert(index && "kernel does not take this tensor");
  return aicore::TensorDimOp::create(b, loc, b.getIndexType(), b.getI64IntegerAttr(*index),
                                     b.getI64IntegerAttr(dim));
}

Value KernelBuilder::scalarIndex(abi::ScalarRole role) {
  std::optional<unsigned> index = sig.findScalarArg(role);
  assert(index && "kernel does not take this scalar");
  Value raw = aicore::ScalarArgOp::create(b, loc, b.getI64Type(), b.getI64IntegerAttr(*index));
  return ib.toIndex(raw);
}

Value KernelBuilder::scalarF32(abi::ScalarRole role) {
  std::optional<unsigned> index = sig.findScalarArg(role);
  assert(index && "kernel does not take this scalar");
  return aicore::ScalarArgOp::create(b, loc, b.getF32Type(), b.getI64IntegerAttr(*index));
}

BlockPosition KernelBuilder::blockPosition(Value block) {
  const TileGeometry &geo = shape.geo;
  // A chain's tiles are query tiles x parts; the merge's are the query tiles.
  Value tileBlock = block, part;
  if (shape.isSplitKv() && sig.stage != abi::Stage::MergePartials) {
    Value parts = ib.constant(shape.kvSplits);
    tileBlock = arith::DivUIOp::create(b, loc, block, parts);
    part = arith::RemUIOp::create(b, loc, block, parts);
  }
  Value perSeq = ib.constant(geo.getTilesPerSequence());
  Value perGroup = ib.constant(geo.tilesPerGroup);
  Value seq = arith::DivUIOp::create(b, loc, tileBlock, perSeq);
  Value inSeq = arith::RemUIOp::create(b, loc, tileBlock, perSeq);
  Value kvHead = arith::DivUIOp::create(b, loc, inSeq, perGroup);
  Value tile = arith::RemUIOp::create(b, loc, inSeq, perGroup);
  return {block, seq, kvHead, tile, part};
}

Value KernelBuilder::tileCount() {
  int64_t perSeq = shape.geo.getTilesPerSequence();
  if (shape.isSplitKv() && sig.stage != abi::Stage::MergePartials)
    perSeq *= shape.kvSplits;
  if (!ShapedType::isDynamic(shape.batch))
    return ib.constant(shape.batch * perSeq);
  // Every spmd kernel but the merge reads the lengths; the merge writes the output.
  Value batch = sig.findTensor(abi::TensorRole::ContextLens)
                    ? tensorDim(abi::TensorRole::ContextLens, 0)
                    : tensorDim(abi::TensorRole::Out, 0);
  return ib.mul(batch, ib.constant(perSeq));
}

BlockPosition KernelBuilder::enterTileLoop() {
  Value first = aicore::GetBlockIdxOp::create(b, loc, b.getIndexType());
  Value stride = aicore::GetBlockNumOp::create(b, loc, b.getIndexType());
  auto loop = scf::ForOp::create(b, loc, first, tileCount(), stride);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  return blockPosition(loop.getInductionVar());
}

KvSteps KernelBuilder::kvSteps(const BlockPosition &pos, Value step) {
  const TileGeometry &geo = shape.geo;
  Value length = contextLength(pos.seq);
  if (!shape.isSplitKv())
    return {length, step, ib.ceilDiv(length, ib.constant(geo.getStepColumns()))};
  Value numBlocks = ib.ceilDiv(length, ib.constant(geo.blockSize));
  Value perPart = ib.ceilDiv(numBlocks, ib.constant(shape.kvSplits));
  Value first = ib.mul(pos.part, perPart);
  Value blocks = ib.max(ib.min(ib.sub(numBlocks, first), perPart), ib.constant(0));
  if (!geo.isMultiBlock())
    return {length, ib.add(first, step), blocks};
  return {length, Value(), ib.ceilDiv(blocks, ib.constant(geo.blocksPerStep)), first, blocks};
}

Value KernelBuilder::stepFirstBlock(const KvSteps &kv, Value step) {
  Value perStep = ib.constant(shape.geo.blocksPerStep);
  if (kv.partFirstBlock)
    return ib.add(kv.partFirstBlock, ib.mul(step, perStep));
  return ib.mul(kv.seqStep, perStep);
}

Value KernelBuilder::stepPositions(const KvSteps &kv, Value step) {
  const TileGeometry &geo = shape.geo;
  if (!kv.partFirstBlock)
    return geo.buildStepPositions(ib, kv.length, kv.seqStep);
  // The step's blocks are min(N, part blocks - step * N): the last step of a
  // part stops at the part's end even where the sequence goes on.
  Value perStep = ib.constant(geo.blocksPerStep), blockSize = ib.constant(geo.blockSize);
  Value count = ib.min(ib.sub(kv.partBlocks, ib.mul(step, perStep)), perStep);
  return ib.min(ib.sub(kv.length, ib.mul(stepFirstBlock(kv, step), blockSize)),
                ib.mul(count, blockSize));
}

Value KernelBuilder::contextLength(Value seq) {
  Value lens = tensorPtr(abi::TensorRole::ContextLens, b.getI32Type());
  return ib.toIndex(aicore::LoadScalarOp::create(b, loc, b.getI32Type(), lens, seq));
}

Value KernelBuilder::cacheBlock(Value seq, Value step) {
  Value table = tensorPtr(abi::TensorRole::BlockTable, b.getI32Type());
  Value width = tensorDim(abi::TensorRole::BlockTable, 1);
  Value entry = ib.add(ib.mul(seq, width), step);
  return ib.toIndex(aicore::LoadScalarOp::create(b, loc, b.getI32Type(), table, entry));
}

TileType KernelBuilder::tileType(TileLocation location, int64_t rows, int64_t cols, Type element) {
  return TileType::get(location, {rows, cols}, element);
}

TileType KernelBuilder::withValid(TileType type, int64_t validRows, int64_t validCols) {
  return TileType::get(b.getContext(), type.getLocation(), type.getShape(), type.getElementType(),
                       {validRows, validCols}, type.getBlayout(), type.getSlayout(),
                       type.getFractal(), type.getPad());
}

TileType KernelBuilder::withPad(TileType type, aicore::PadValue pad) {
  return TileType::get(b.getContext(), type.getLocation(), type.getShape(), type.getElementType(),
                       type.getValidShape(), type.getBlayout(), type.getSlayout(),
                       type.getFractal(), pad);
}

TileType KernelBuilder::matTile(int64_t rows, int64_t cols, Type element, BLayout blayout,
                                SLayout slayout) {
  // Built in one step: the default (ND) layout of such a shape need not be valid.
  return TileType::get(b.getContext(), TileLocation::Mat, {rows, cols}, element, {rows, cols},
                       blayout, slayout, /*fractal=*/512, aicore::PadValue::Null);
}

TileType KernelBuilder::nzMatTile(int64_t rows, int64_t cols, Type element) {
  return matTile(rows, cols, element, BLayout::ColMajor, SLayout::RowMajor);
}

TileType KernelBuilder::columnTile(int64_t rows) {
  return TileType::get(b.getContext(), TileLocation::Vec, {rows, 1}, b.getF32Type(), {rows, 1},
                       BLayout::ColMajor, SLayout::NoneBox, /*fractal=*/512,
                       aicore::PadValue::Null);
}

TileType KernelBuilder::rowTile(int64_t rows) {
  return tileType(TileLocation::Vec, 1, rows, b.getF32Type());
}

Value KernelBuilder::declare(TileType type, ValueRange validDims) {
  return aicore::TileOp::create(b, loc, type, validDims, /*offset=*/nullptr);
}

Value KernelBuilder::declare(StringRef name, TileType type, ValueRange validDims) {
  return aicore::TileOp::create(b, name.empty() ? loc : named(name), type, validDims,
                                /*offset=*/nullptr);
}

Location KernelBuilder::named(StringRef name) const {
  return NameLoc::get(b.getStringAttr(name), loc);
}

aicore::GmViewType KernelBuilder::regionType(int64_t rows, int64_t cols, int64_t pitch,
                                             Type element, bool transposed) {
  // Dims 0..2 are 1; their strides only need to be consistent with the region.
  int64_t outer = (ShapedType::isDynamic(rows) ? shape.geo.queryTile : rows) * pitch;
  if (transposed)
    outer = (ShapedType::isDynamic(cols) ? shape.geo.blockSize : cols) * pitch;
  SmallVector<int64_t> strides = {outer, outer, outer, transposed ? 1 : pitch,
                                  transposed ? pitch : 1};
  return aicore::GmViewType::get(b.getContext(), {1, 1, 1, rows, cols}, element, strides,
                                 transposed ? aicore::GmLayout::DN : aicore::GmLayout::ND);
}

Value KernelBuilder::view(Value ptr, Value offset, aicore::GmViewType type, ValueRange sizes) {
  return aicore::GmViewOp::create(b, loc, type, ptr, offset, sizes, /*strides=*/ValueRange());
}

void KernelBuilder::forLoop(Value upper, function_ref<void(Value)> body, int64_t step) {
  auto loop = scf::ForOp::create(b, loc, ib.constant(0), upper, ib.constant(step));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  body(loop.getInductionVar());
}

void KernelBuilder::ifThen(Value cond, function_ref<void()> then) {
  auto op = scf::IfOp::create(b, loc, cond);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(op.thenBlock()->getTerminator());
  then();
}

void KernelBuilder::ifThenElse(Value cond, function_ref<void()> then,
                               function_ref<void()> otherwise) {
  auto op = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(op.thenBlock()->getTerminator());
  then();
  b.setInsertionPoint(op.elseBlock()->getTerminator());
  otherwise();
}
