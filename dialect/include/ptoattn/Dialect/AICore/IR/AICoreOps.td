//===- AICoreOps.td - aicore dialect operations --------------*- tablegen -*-===//
//
// Operations of the `aicore` dialect, one per PTO-ISA tile instruction plus
// the kernel-argument accessors and synchronisation a kernel body needs.
// Instructions are destination-passing like the C++ API: tiles and GM views
// are memory handles, every instruction declares which of them it reads and
// writes, and none returns a value except `treshape`, which creates an alias.
// Operand types are loose in ODS (any tile) so that the verifiers can name the
// operand, the PTO-ISA rule and the allowed values in their messages.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_DIALECT_AICORE_IR_AICOREOPS_TD
#define PTOATTN_DIALECT_AICORE_IR_AICOREOPS_TD

include "ptoattn/Dialect/AICore/IR/AICoreDialect.td"
include "ptoattn/Dialect/AICore/IR/AICoreEnums.td"
include "ptoattn/Dialect/AICore/IR/AICoreAttrs.td"
include "ptoattn/Dialect/AICore/IR/AICoreTypes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ViewLikeInterface.td"
include "mlir/IR/OpAsmInterface.td"

//===----------------------------------------------------------------------===//
// Operand helpers
//===----------------------------------------------------------------------===//

/// Tile operands by role: what the instruction does to the memory behind them.
def AICore_TileIn : Arg<AICore_TileType, "source tile", [MemRead]>;
def AICore_TileOut : Arg<AICore_TileType, "destination tile", [MemWrite]>;
def AICore_TileInOut : Arg<AICore_TileType, "updated tile", [MemRead, MemWrite]>;
def AICore_TileScratch : Arg<AICore_TileType, "scratch tile", [MemWrite]>;

//===----------------------------------------------------------------------===//
// Tile declaration
//===----------------------------------------------------------------------===//

def AICore_TileOp : AICore_Op<"tile", [
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "declares an on-chip tile (Tile<...> + TASSIGN)";
  let description = [{
    Declares a tile variable of the result type. Each `?` in the type's valid
    shape takes one `index` operand, rows first (the `Tile(vr, vc)`
    constructor arguments). `offset` is the tile's byte address in its buffer
    (`TASSIGN(tile, offset)`); it is absent until `aicore-plan-memory` fills
    it in, and must then be 32-byte aligned and keep the tile inside the
    buffer (for `vec`, below the UB scratch at 184 KB).

    Two declarations at the same offset alias, as in hand-written kernels
    that view one UB buffer with a dynamic-column or padded type.

    Example:

    ```mlir
    %s = aicore.tile valid(%len) offset 0 : !aicore.tile<vec, 16x128xf32, valid = [16, ?]>
    ```
  }];

  let arguments = (ins Variadic<Index>:$validDims,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntNonNegative]>>:$offset);
  let results = (outs Res<AICore_TileType, "the tile", [MemAlloc]>:$result);
  let assemblyFormat = [{
    (`valid` `(` $validDims^ `)`)? (`offset` $offset^)? attr-dict `:` qualified(type($result))
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Kernel arguments and SPMD context
//===----------------------------------------------------------------------===//

def AICore_TensorPtrOp : AICore_Op<"tensor_ptr", [Pure]> {
  let summary = "element pointer of a tensor kernel argument";
  let description = [{
    `args[arg]` is a tensor descriptor (`ChipTensor`); the result is its
    element address, `buffer.addr + start_offset`, typed by the result.
    Tensor descriptors occupy `args[0..32)`.

    Example:

    ```mlir
    %q = aicore.tensor_ptr 0 : !aicore.gm_ptr<bf16>
    ```
  }];
  let arguments = (ins ConfinedAttr<I64Attr, [IntNonNegative]>:$arg);
  let results = (outs AICore_GmPtrType:$result);
  let assemblyFormat = "$arg attr-dict `:` qualified(type($result))";
  let hasVerifier = 1;
}

def AICore_TensorDimOp : AICore_Op<"tensor_dim", [Pure]> {
  let summary = "runtime size of one dim of a tensor kernel argument";
  let description = [{
    `shapes[dim]` of the tensor descriptor `args[arg]`: the runtime extent of
    that dim of the view the orchestration passed (for example the valid
    length of a partial KV block). `dim` is in `[0, 5)`.

    Example:

    ```mlir
    %valid_len = aicore.tensor_dim 3[1]
    ```
  }];
  let arguments = (ins ConfinedAttr<I64Attr, [IntNonNegative]>:$arg,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$dim);
  let results = (outs Index:$result);
  let assemblyFormat = "$arg `[` $dim `]` attr-dict";
  let hasVerifier = 1;
}

def AICore_ScalarArgOp : AICore_Op<"scalar_arg", [Pure]> {
  let summary = "scalar kernel argument";
  let description = [{
    Reads the 64-bit scalar `args[arg]`. With an `i64` result it is the raw
    value; with an `f32` result the low 32 bits reinterpreted as a float,
    which is how the orchestration passes an fp32 scalar such as `scale`.
    Scalars follow the tensors in `args[]`, so `arg < 48`.

    Example:

    ```mlir
    %scale = aicore.scalar_arg 6 : f32
    ```
  }];
  let arguments = (ins ConfinedAttr<I64Attr, [IntNonNegative]>:$arg);
  let results = (outs AnyTypeOf<[I64, F32]>:$result);
  let assemblyFormat = "$arg attr-dict `:` type($result)";
  let hasVerifier = 1;
}

class AICore_ContextOp<string mnemonic, string accessor, string meaning>
    : AICore_Op<mnemonic, [Pure, OpAsmOpInterface]> {
  let summary = meaning # " (" # accessor # "(args))";
  let description = [{
    Reads the runtime's SPMD context through `}] # accessor # [{(args)`,
    never the hardware register of the same name (the runtime does not set
    it). The value is constant for the whole kernel invocation.

    Example:

    ```mlir
    %v = aicore.}] # mnemonic # [{
    ```
  }];
  let results = (outs Index:$result);
  let assemblyFormat = "attr-dict";
  let extraClassDeclaration = [{
    /// Names the result after the accessor, e.g. `%block_idx`.
    void getAsmResultNames(
        ::llvm::function_ref<void(::mlir::Value, ::llvm::StringRef)> setName) {
      setName(getResult(), "}] # !subst("get_", "", accessor) # [{");
    }
  }];
}

def AICore_GetBlockIdxOp
    : AICore_ContextOp<"get_block_idx", "get_block_idx", "index of this SPMD block">;
def AICore_GetBlockNumOp
    : AICore_ContextOp<"get_block_num", "get_block_num", "number of SPMD blocks of the task">;
def AICore_GetSubBlockIdOp
    : AICore_ContextOp<"get_sub_block_id", "get_sub_block_id", "vector lane of a MIX task">;

//===----------------------------------------------------------------------===//
// Global memory
//===----------------------------------------------------------------------===//

def AICore_GmViewOp : AICore_Op<"gm_view", [Pure, AttrSizedOperandSegments]> {
  let summary = "view of global memory at an element offset (GlobalTensor)";
  let description = [{
    Builds the `GlobalTensor` described by the result type over
    `base + offset` (an element offset). Each `?` in the result shape takes
    one `sizes` operand and each `?` stride one `strides` operand, in dim
    order.

    Example (a K block read transposed through a DN view):

    ```mlir
    %kt = aicore.gm_view %k[%off]
        : !aicore.gm_ptr<bf16>
       -> !aicore.gm<1x1x1x128x128xbf16, stride = [16384, 16384, 16384, 1, 128], layout = dn>
    ```
  }];
  let arguments = (ins AICore_GmPtrType:$base, Index:$offset,
                       Variadic<Index>:$sizes, Variadic<Index>:$strides);
  let results = (outs AICore_GmViewType:$result);
  let assemblyFormat = [{
    $base `[` $offset `]` (`sizes` `(` $sizes^ `)`)? (`strides` `(` $strides^ `)`)?
    attr-dict `:` qualified(type($base)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def AICore_LoadScalarOp : AICore_Op<"load_scalar", [
    TypesMatchWith<"result type is the pointer's element type", "base", "result",
                   "::llvm::cast<GmPtrType>($_self).getElementType()">]> {
  let summary = "scalar read of one global-memory element";
  let description = [{
    Reads `base[index]` through the scalar unit, as kernels do to look up
    `block_table` and `context_lens` entries.

    Example:

    ```mlir
    %block = aicore.load_scalar %table[%i] : !aicore.gm_ptr<i32>
    ```
  }];
  let arguments = (ins Arg<AICore_GmPtrType, "global memory read", [MemRead]>:$base,
                       Index:$index);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$base `[` $index `]` attr-dict `:` qualified(type($base))";
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def AICore_TLoadOp : AICore_Op<"tload"> {
  let summary = "copies global memory into a tile (TLOAD)";
  let description = [{
    `TLOAD(dst, src)`: DMA (pipe MTE2) from a GM view into a `vec` or `mat`
    tile. Layout pairs: `vec` tiles load ND from `nd`, DN from `dn` and NZ
    from `nz` views; `mat` tiles additionally load `nd` into NZ and `dn` into
    ZN (the free transpose of K). Element sizes match. Where both are static,
    the tile's valid rows/cols must equal what the view's shape implies
    (ND: rows = shape[0]·…·shape[3], cols = shape[4]; DN the transpose).

    Example:

    ```mlir
    aicore.tload ins(%q : !aicore.gm<1x1x1x16x128xbf16>)
                 outs(%qm : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>)
    ```
  }];
  let arguments = (ins Arg<AICore_GmViewType, "global memory read", [MemRead]>:$src,
                       AICore_TileOut:$dst);
  let assemblyFormat = [{
    `ins` `(` $src `:` qualified(type($src)) `)`
    `outs` `(` $dst `:` qualified(type($dst)) `)` attr-dict
  }];
  let hasVerifier = 1;
}

def AICore_TStoreOp : AICore_Op<"tstore"> {
  let summary = "copies a tile to global memory (TSTORE)";
  let description = [{
    `TSTORE(dst, src)`: from a `vec` tile (pipe MTE3), a `mat` tile, or an
    `acc` tile through the fixpipe (pipe FIX). `vec`/`mat` tiles store to the
    view of their own layout (ND to `nd`, DN to `dn`, NZ to `nz`; single-row
    or single-column tiles to any) with the same element size; a `vec` ND
    store needs shape[4]·sizeof(T) to be a multiple of 32 bytes. `acc` tiles
    hold f32/i32, store to `nd` or `nz` views of f32, f16, bf16 or i32, and
    have at most 4095 columns.

    Example:

    ```mlir
    aicore.tstore ins(%acc : !aicore.tile<acc, 16x128xf32>)
                  outs(%s : !aicore.gm<1x1x1x16x128xf32>)
    ```
  }];
  let arguments = (ins AICore_TileIn:$src,
                       Arg<AICore_GmViewType, "global memory written", [MemWrite]>:$dst);
  let assemblyFormat = [{
    `ins` `(` $src `:` qualified(type($src)) `)`
    `outs` `(` $dst `:` qualified(type($dst)) `)` attr-dict
  }];
  let hasVerifier = 1;
}

/// `ins(%src : T) outs(%dst : T)`: one source, one destination.
class AICore_UnaryTileOp<string mnemonic, list<Trait> traits = []>
    : AICore_Op<mnemonic, traits> {
  let arguments = (ins AICore_TileIn:$src, AICore_TileOut:$dst);
  let assemblyFormat = [{
    `ins` `(` $src `:` qualified(type($src)) `)`
    `outs` `(` $dst `:` qualified(type($dst)) `)` attr-dict
  }];
  let hasVerifier = 1;
}

def AICore_TMovOp : AICore_UnaryTileOp<"tmov"> {
  let summary = "copies a tile between buffers (TMOV)";
  let description = [{
    `TMOV(dst, src)`. Legal location pairs: `mat`→`left`, `mat`→`right`
    (pipe MTE1; same element type), `vec`→`vec` (same element size) and
    `acc`→`mat` (fixpipe; f32 NZ into an f16/bf16 NZ tile with 512-byte
    boxes). Source and destination have the same rows and columns.

    Example:

    ```mlir
    aicore.tmov ins(%qm : !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>)
                outs(%ql : !aicore.tile<left, 16x128xbf16>)
    ```
  }];
}

def AICore_TReshapeOp : AICore_Op<"treshape", [Pure, ViewLikeOpInterface]> {
  let summary = "reinterprets a tile with another shape (TRESHAPE)";
  let description = [{
    `TRESHAPE(dst, src)`: the result aliases the source's memory with another
    tile type. Location and total bytes are unchanged, and either both types
    are boxed or neither is. The result is the only value an instruction
    creates; memory planning gives it the source's address.

    Example (per-row scalars as a column, then as a row):

    ```mlir
    %row = aicore.treshape %m : !aicore.tile<vec, 16x1xf32, blayout = col_major>
                              -> !aicore.tile<vec, 1x16xf32>
    ```
  }];
  let arguments = (ins AICore_TileType:$src);
  let results = (outs AICore_TileType:$result);
  let assemblyFormat = [{
    $src attr-dict `:` qualified(type($src)) `->` qualified(type($result))
  }];
  let extraClassDeclaration = [{
    ::mlir::Value getViewSource() { return getSrc(); }
  }];
  let hasVerifier = 1;
}

def AICore_TileAliasOp : AICore_Op<"tile_alias", [Pure, ViewLikeOpInterface]> {
  let summary = "another declaration over a tile's bytes (other valid shape or pad)";
  let description = [{
    A second `Tile<...>` variable bound (`TASSIGN`) to the same on-chip
    address as `src`, differing only in its valid shape and pad value:
    location, element type, shape and layouts are the same. Kernels use it to
    see one buffer with a run-time valid extent (store only a lane's real
    rows) or with a pad value (`tfillpad_inplace` masking). Memory planning
    treats the result as `src` itself. Each `?` in the result's valid shape
    takes one `index` operand, rows first.

    Example:

    ```mlir
    %rows = aicore.tile_alias %o valid(%n)
        : !aicore.tile<vec, 8x128xf32> -> !aicore.tile<vec, 8x128xf32, valid = [?, 128]>
    ```
  }];
  let arguments = (ins AICore_TileType:$src, Variadic<Index>:$validDims);
  let results = (outs AICore_TileType:$result);
  let assemblyFormat = [{
    $src (`valid` `(` $validDims^ `)`)? attr-dict
    `:` qualified(type($src)) `->` qualified(type($result))
  }];
  let extraClassDeclaration = [{
    ::mlir::Value getViewSource() { return getSrc(); }
  }];
  let hasVerifier = 1;
}

def AICore_TFillPadOp : AICore_UnaryTileOp<"tfillpad"> {
  let summary = "copies a tile and fills the rest with the pad value (TFILLPAD)";
  let description = [{
    `TFILLPAD(dst, src)` on `vec` tiles of the same rows/columns and element
    size: the source's valid region is copied and the remainder of the
    destination's valid region is set to the destination's pad value, which
    must not be `null`.

    On a `mat` tile (PTO-ISA's L1 overload, run by the DMA engine: pipe
    MTE2), `src` and `dst` are the same NZ tile and every element outside its
    valid region is set to zero; pad must be `zero` or `null`. The PV matmul
    uses it to zero the rows of a V block past the context, which may hold
    stale NaN or Inf.

    Example:

    ```mlir
    aicore.tfillpad ins(%s : !aicore.tile<vec, 16x128xf32, valid = [16, ?]>)
                    outs(%p : !aicore.tile<vec, 16x128xf32, pad = min>)
    ```
  }];
}

def AICore_TFillPadInplaceOp : AICore_Op<"tfillpad_inplace"> {
  let summary = "fills a tile's padding in place (TFILLPAD_INPLACE)";
  let description = [{
    `TFILLPAD_INPLACE(dst, src)`: `dst` and `src` view the same `vec` buffer;
    the elements of `dst`'s valid region outside `src`'s valid region are set
    to `dst`'s pad value (not `null`). Same rows/columns and element size.
    Typically masks the columns of a partial KV block with −inf before a row
    max.

    Example:

    ```mlir
    aicore.tfillpad_inplace ins(%s : !aicore.tile<vec, 16x128xf32, valid = [16, ?]>)
                            outs(%p : !aicore.tile<vec, 16x128xf32, pad = min>)
    ```
  }];
  let arguments = (ins AICore_TileIn:$src, AICore_TileInOut:$dst);
  let assemblyFormat = [{
    `ins` `(` $src `:` qualified(type($src)) `)`
    `outs` `(` $dst `:` qualified(type($dst)) `)` attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Cube
//===----------------------------------------------------------------------===//

class AICore_MatmulOp<string mnemonic, Arg accArg>
    : AICore_Op<mnemonic> {
  let arguments = (ins AICore_TileIn:$left, AICore_TileIn:$right, accArg:$acc);
  let assemblyFormat = [{
    `ins` `(` $left `,` $right `:` qualified(type($left)) `,` qualified(type($right)) `)`
    `outs` `(` $acc `:` qualified(type($acc)) `)` attr-dict
  }];
  let hasVerifier = 1;
}

def AICore_TMatmulOp : AICore_MatmulOp<"tmatmul", AICore_TileOut> {
  let summary = "matrix product into an accumulator (TMATMUL)";
  let description = [{
    `TMATMUL(acc, left, right)`: `acc = left × right` on the cube (pipe M).
    `left` is a `left` tile (M×K), `right` a `right` tile (K×N), `acc` an
    `acc` tile (M×N). Types: f32 ← bf16×bf16, f16×f16 or f32×f32; i32 ←
    i8×i8. M, K and N (static valid extents) are in [1, 4095].

    Example:

    ```mlir
    aicore.tmatmul ins(%ql, %kr : !aicore.tile<left, 16x128xbf16>,
                                 !aicore.tile<right, 128x128xbf16>)
                   outs(%acc : !aicore.tile<acc, 16x128xf32>)
    ```
  }];
}

def AICore_TMatmulAccOp : AICore_MatmulOp<"tmatmul_acc", AICore_TileInOut> {
  let summary = "matrix product added to an accumulator (TMATMUL_ACC)";
  let description = [{
    `TMATMUL_ACC(acc, left, right)`: `acc += left × right`, with the operand
    rules of `aicore.tmatmul`. Used to sum partial products over K.

    Example:

    ```mlir
    aicore.tmatmul_acc ins(%ql, %kr : !aicore.tile<left, 16x128xbf16>,
                                     !aicore.tile<right, 128x128xbf16>)
                       outs(%acc : !aicore.tile<acc, 16x128xf32>)
    ```
  }];
}

//===----------------------------------------------------------------------===//
// Vector: element-wise
//===----------------------------------------------------------------------===//

/// `ins(%src0, %src1 : T, T) outs(%dst : T)`: element-wise binary operation.
class AICore_BinaryTileOp<string mnemonic, string instr, string expr>
    : AICore_Op<mnemonic> {
  let summary = "element-wise " # expr # " (" # instr # ")";
  let description = [{
    `}] # instr # [{(dst, src0, src1)`: `dst = }] # expr # [{` over the
    valid region of `dst`. All three are row-major `vec` tiles of one element
    type (f32, f16, i32 or i16; a2a3 has no bf16 vector arithmetic) with equal
    valid shapes.

    Example:

    ```mlir
    aicore.}] # mnemonic # [{ ins(%a, %b : !aicore.tile<vec, 1x16xf32>, !aicore.tile<vec, 1x16xf32>)
        outs(%c : !aicore.tile<vec, 1x16xf32>)
    ```
  }];
  let arguments = (ins AICore_TileIn:$src0, AICore_TileIn:$src1, AICore_TileOut:$dst);
  let assemblyFormat = [{
    `ins` `(` $src0 `,` $src1 `:` qualified(type($src0)) `,` qualified(type($src1)) `)`
    `outs` `(` $dst `:` qualified(type($dst)) `)` attr-dict
  }];
  let hasVerifier = 1;
}

def AICore_TAddOp : AICore_BinaryTileOp<"tadd", "TADD", "src0 + src1">;
def AICore_TSubOp : AICore_BinaryTileOp<"tsub", "TSUB", "src0 - src1">;
def AICore_TMulOp : AICore_BinaryTileOp<"tmul", "TMUL", "src0 * src1">;
def AICore_TMaxOp : AICore_BinaryTileOp<"tmax", "TMAX", "max(src0, src1)">;

/// `ins(%src, %scalar : T, s) outs(%dst : T)`: tile-scalar operation.
class AICore_TileScalarOp<string mnemonic, string instr, string expr>
    : AICore_Op<mnemonic> {
  let summary = "element-wise " # expr # " (" # instr # ")";
  let description = [{
    `}] # instr # [{(dst, src, scalar)`: `dst = }] # expr # [{` over the
    valid region of `dst`. Row-major `vec` tiles of one element type (f32,
    f16, i32 or i16) with equal valid shapes; the scalar has the element type.

    Example:

    ```mlir
    aicore.}] # mnemonic # [{ ins(%s, %scale : !aicore.tile<vec, 16x128xf32>, f32)
        outs(%s : !aicore.tile<vec, 16x128xf32>)
    ```
  }];
  let arguments = (ins AICore_TileIn:$src, AnyType:$scalar, AICore_TileOut:$dst);
  let assemblyFormat = [{
    `ins` `(` $src `,` $scalar `:` qualified(type($src)) `,` type($scalar) `)`
    `outs` `(` $dst `:` qualified(type($dst)) `)` attr-dict
  }];
  let hasVerifier = 1;
}

def AICore_TMulSOp : AICore_TileScalarOp<"tmuls", "TMULS", "src * scalar">;
def AICore_TAddSOp : AICore_TileScalarOp<"tadds", "TADDS", "src + scalar">;

def AICore_TExpOp : AICore_UnaryTileOp<"texp"> {
  let summary = "element-wise exponential (TEXP)";
  let description = [{
    `TEXP(dst, src)`: `dst = exp(src)` on row-major `vec` tiles of one float
    element type (f32 or f16) with equal valid shapes.

    Example:

    ```mlir
    aicore.texp ins(%s : !aicore.tile<vec, 16x128xf32>) outs(%s : !aicore.tile<vec, 16x128xf32>)
    ```
  }];
}

def AICore_TCvtOp : AICore_Op<"tcvt"> {
  let summary = "element type conversion (TCVT)";
  let description = [{
    `TCVT(dst, src, RoundMode::CAST_<MODE>)`: converts each element of the
    valid region. Row-major `vec` tiles with equal valid shapes. Accepted are
    the float conversions f32 → bf16/f16 and bf16/f16 → f32 (a2a3 also has
    integer conversions, which ptoattn does not use). The mode keyword is the
    lowercase `CAST_*` name (`rint` = nearest-even, `round` = ties away).

    Example:

    ```mlir
    aicore.tcvt rint ins(%p : !aicore.tile<vec, 16x128xf32>)
                     outs(%pb : !aicore.tile<vec, 16x128xbf16>)
    ```
  }];
  let arguments = (ins AICore_RoundModeAttr:$round, AICore_TileIn:$src, AICore_TileOut:$dst);
  let assemblyFormat = [{
    $round `ins` `(` $src `:` qualified(type($src)) `)`
    `outs` `(` $dst `:` qualified(type($dst)) `)` attr-dict
  }];
  let hasVerifier = 1;
}

def AICore_TExpandSOp : AICore_Op<"texpands"> {
  let summary = "fills a tile with a scalar (TEXPANDS)";
  let description = [{
    `TEXPANDS(dst, scalar)`: every element of `dst`'s valid region becomes
    `scalar`, which has `dst`'s element type. `dst` is a `vec` or `mat` tile.

    Example (the running max starts at a large negative sentinel):

    ```mlir
    aicore.texpands ins(%neg : f32) outs(%m : !aicore.tile<vec, 1x16xf32>)
    ```
  }];
  let arguments = (ins AnyType:$scalar, AICore_TileOut:$dst);
  let assemblyFormat = [{
    `ins` `(` $scalar `:` type($scalar) `)` `outs` `(` $dst `:` qualified(type($dst)) `)` attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Vector: row reductions and row broadcasts
//===----------------------------------------------------------------------===//

/// `ins(%src : T) outs(%dst : T) tmp(%tmp : T)`: per-row reduction.
class AICore_RowReduceOp<string mnemonic, string instr, string what>
    : AICore_Op<mnemonic> {
  let summary = "per-row " # what # " (" # instr # ")";
  let description = [{
    `}] # instr # [{(dst, src, tmp)`: row `i` of `dst` gets the }] # what #
    [{ of row `i` of `src`'s valid region.

    `src` is an ND `vec` tile (row_major, none_box); `dst` is a `vec` tile of
    the same element type (f32, f16, i32 or i16) that is either ND or a DN
    column (col_major, none_box, 1 column), with as many valid rows as `src`.
    `tmp` is scratch with `src`'s shape and element type.

    Example:

    ```mlir
    aicore.}] # mnemonic # [{ ins(%s : !aicore.tile<vec, 16x128xf32>)
        outs(%m : !aicore.tile<vec, 16x1xf32, blayout = col_major>)
        tmp(%t : !aicore.tile<vec, 16x128xf32>)
    ```
  }];
  let arguments = (ins AICore_TileIn:$src, AICore_TileOut:$dst, AICore_TileScratch:$tmp);
  let assemblyFormat = [{
    `ins` `(` $src `:` qualified(type($src)) `)` `outs` `(` $dst `:` qualified(type($dst)) `)`
    `tmp` `(` $tmp `:` qualified(type($tmp)) `)` attr-dict
  }];
  let hasVerifier = 1;
}

def AICore_TRowMaxOp : AICore_RowReduceOp<"trowmax", "TROWMAX", "maximum">;
def AICore_TRowSumOp : AICore_RowReduceOp<"trowsum", "TROWSUM", "sum">;

/// `ins(%src0, %src1 : T, S) outs(%dst : T) [tmp(%tmp : T)]`: broadcast a
/// per-row scalar across each row.
class AICore_RowExpandOp<string mnemonic, string instr, string expr>
    : AICore_Op<mnemonic> {
  let summary = "per-row broadcast " # expr # " (" # instr # ")";
  let description = [{
    `}] # instr # [{(dst, src0, src1[, tmp])`: `dst[i][j] = }] # expr # [{`
    where `s[i]` is row `i`'s scalar. `dst` and the full operand are
    row-major `vec` tiles with equal valid shapes; the scalar operand is a
    `vec` tile with `dst`'s valid rows that is either row-major with
    32/sizeof(T) valid columns (8 for f32) or a column-major column (1 valid
    column). One element type (f32, f16, i32 or i16). Either source may be the
    scalar one. `tmp`, when given, is scratch of the same element type.

    Example:

    ```mlir
    aicore.}] # mnemonic # [{ ins(%s, %m : !aicore.tile<vec, 16x128xf32>,
                                 !aicore.tile<vec, 16x1xf32, blayout = col_major>)
        outs(%s : !aicore.tile<vec, 16x128xf32>)
    ```
  }];
  let arguments = (ins AICore_TileIn:$src0, AICore_TileIn:$src1, AICore_TileOut:$dst,
                       Arg<Optional<AICore_TileType>, "scratch tile", [MemWrite]>:$tmp);
  let assemblyFormat = [{
    `ins` `(` $src0 `,` $src1 `:` qualified(type($src0)) `,` qualified(type($src1)) `)`
    `outs` `(` $dst `:` qualified(type($dst)) `)`
    (`tmp` `(` $tmp^ `:` qualified(type($tmp)) `)`)? attr-dict
  }];
  let hasVerifier = 1;
}

def AICore_TRowExpandSubOp
    : AICore_RowExpandOp<"trowexpandsub", "TROWEXPANDSUB", "x[i][j] - s[i]">;
def AICore_TRowExpandMulOp
    : AICore_RowExpandOp<"trowexpandmul", "TROWEXPANDMUL", "x[i][j] * s[i]">;
def AICore_TRowExpandDivOp
    : AICore_RowExpandOp<"trowexpanddiv", "TROWEXPANDDIV", "x[i][j] / s[i]">;

//===----------------------------------------------------------------------===//
// Synchronisation
//===----------------------------------------------------------------------===//

// Sync operations carry no memory-effect interface on purpose: MLIR then
// treats them as having unknown effects, so no transformation removes or
// reorders them relative to the instructions they order.

def AICore_SetFlagOp : AICore_Op<"set_flag"> {
  let summary = "signals an event from one pipe to another (set_flag)";
  let description = [{
    `set_flag(PIPE_<src>, PIPE_<dst>, EVENT_ID<n>)`: once the work issued to
    pipe `src` so far has completed, event `n` of the pair is set. The pipes
    differ and neither is `all`.

    Example (the load into L1 is done; MTE1 may start):

    ```mlir
    aicore.set_flag mte2 -> mte1, event0
    ```
  }];
  let arguments = (ins AICore_PipeAttr:$src, AICore_PipeAttr:$dst, AICore_EventAttr:$event);
  let assemblyFormat = "$src `->` $dst `,` $event attr-dict";
  let hasVerifier = 1;
}

def AICore_WaitFlagOp : AICore_Op<"wait_flag"> {
  let summary = "waits for an event from one pipe to another (wait_flag)";
  let description = [{
    `wait_flag(PIPE_<src>, PIPE_<dst>, EVENT_ID<n>)`: pipe `dst` stalls until
    the matching `set_flag` has fired. Same operand rules as `set_flag`.

    Example:

    ```mlir
    aicore.wait_flag mte2 -> mte1, event0
    ```
  }];
  let arguments = (ins AICore_PipeAttr:$src, AICore_PipeAttr:$dst, AICore_EventAttr:$event);
  let assemblyFormat = "$src `->` $dst `,` $event attr-dict";
  let hasVerifier = 1;
}

def AICore_PipeBarrierOp : AICore_Op<"pipe_barrier"> {
  let summary = "orders instructions within one pipe (pipe_barrier)";
  let description = [{
    `pipe_barrier(PIPE_<pipe>)`: later instructions on `pipe` start after the
    earlier ones finished; used between dependent vector instructions.

    Example:

    ```mlir
    aicore.pipe_barrier v
    ```
  }];
  let arguments = (ins AICore_PipeAttr:$pipe);
  let assemblyFormat = "$pipe attr-dict";
}

def AICore_PipeSyncOp : AICore_Op<"pipe_sync"> {
  let summary = "drains the kernel's final store (pipe_sync)";
  let description = [{
    `pipe_sync()`: the last operation of every kernel. It waits until the
    kernel's final store has left the core (FIX → S on the cube core, MTE3 →
    S on a vector core) so the runtime may hand the output to the next task.

    Example:

    ```mlir
    aicore.pipe_sync
    ```
  }];
  let assemblyFormat = "attr-dict";
}

#endif // PTOATTN_DIALECT_AICORE_IR_AICOREOPS_TD
