//===- AICoreTypes.td - types of the aicore dialect ----------*- tablegen -*-===//
//
// The three kinds of values an AICore kernel handles: on-chip tiles
// (`!aicore.tile`, a PTO-ISA `Tile<...>`), views of global memory
// (`!aicore.gm`, a PTO-ISA `GlobalTensor<...>`) and raw global-memory
// pointers (`!aicore.gm_ptr`, a `__gm__ T*`) from which views are built.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_DIALECT_AICORE_IR_AICORETYPES_TD
#define PTOATTN_DIALECT_AICORE_IR_AICORETYPES_TD

include "ptoattn/Dialect/AICore/IR/AICoreDialect.td"
include "ptoattn/Dialect/AICore/IR/AICoreEnums.td"
include "mlir/IR/AttrTypeBase.td"

class AICore_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<AICore_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

//===----------------------------------------------------------------------===//
// TileType
//===----------------------------------------------------------------------===//

def AICore_TileType : AICore_Type<"Tile", "tile"> {
  let summary = "an on-chip tile (PTO-ISA Tile)";
  let description = [{
    A handle to a 2-D block of on-chip memory, with every template parameter
    of the PTO-ISA `Tile<Loc, T, Rows, Cols, BLayout, ValidRows, ValidCols,
    SLayout, SFractalSize, PadValue>`:

    ```
    !aicore.tile<vec, 8x128xf32, valid = [8, ?], pad = min>
    !aicore.tile<mat, 16x128xbf16, blayout = col_major, slayout = row_major>
    !aicore.tile<acc, 16x128xf32>
    ```

    - location: `mat` (L1), `left` (L0A), `right` (L0B), `acc` (L0C) or
      `vec` (UB). Global memory is not a tile location; see `!aicore.gm`.
    - static shape `RowsxCols` and element type.
    - `valid`: the valid rows and columns, each static or `?` (supplied by
      `aicore.tile` operands at run time). Default: the shape.
    - `blayout` (`row_major`/`col_major`), `slayout` (`none_box`,
      `row_major`, `col_major`), `fractal` (box bytes: 512 or 1024) and
      `pad` (`null`, `zero`, `min`, `max`).

    The layout defaults depend on the location and are those of the PTO-ISA
    tile aliases, so the common tiles print short: `mat` and `vec` default to
    ND (`row_major`, `none_box`, 512); `left` to `TileLeft` on a2a3 hardware
    (`row_major`, `row_major` boxes, 512); `right` to `TileRight`
    (`row_major`, `col_major` boxes, 512); `acc` to `TileAcc` (`col_major`,
    `row_major` boxes, 1024). `pad` defaults to `null`. A parameter is printed
    only when it differs from its default.

    The type verifier enforces the static rules of `Tile`: valid extents
    within the shape; unboxed row-major rows and unboxed column-major columns
    span a multiple of 32 bytes; boxed tiles are a whole number of boxes.
  }];

  let parameters = (ins
    EnumParameter<AICore_TileLocation>:$location,
    ArrayRefParameter<"int64_t">:$shape,
    "::mlir::Type":$elementType,
    ArrayRefParameter<"int64_t">:$validShape,
    EnumParameter<AICore_BLayout>:$blayout,
    EnumParameter<AICore_SLayout>:$slayout,
    "int64_t":$fractal,
    EnumParameter<AICore_PadValue>:$pad
  );

  let builders = [
    // A tile with the default layout of its location, fully valid, no pad.
    TypeBuilderWithInferredContext<(ins
        "TileLocation":$location, "::llvm::ArrayRef<int64_t>":$shape,
        "::mlir::Type":$elementType)>
  ];

  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let skipDefaultBuilders = 0;

  let extraClassDeclaration = [{
    /// Static capacity.
    int64_t getRows() const { return getShape()[0]; }
    int64_t getCols() const { return getShape()[1]; }
    /// Valid extents; ShapedType::kDynamic when supplied at run time.
    int64_t getValidRows() const { return getValidShape()[0]; }
    int64_t getValidCols() const { return getValidShape()[1]; }
    /// Number of valid dims that are dynamic (= operands of `aicore.tile`).
    unsigned getNumDynamicValidDims() const;
    /// Bytes of one element.
    int64_t getElementBytes() const;
    /// Bytes the tile occupies in its buffer (Rows * Cols * element bytes).
    int64_t getSizeInBytes() const;
    bool isBoxed() const { return getSlayout() != SLayout::NoneBox; }
    bool isRowMajor() const { return getBlayout() == BLayout::RowMajor; }
    /// PTO-ISA layout name of (blayout, slayout): "nd", "dn", "nz", "zn",
    /// "zz", or "nn" for the unnamed column-major/column-box combination.
    ::llvm::StringRef getLayoutName() const;
    /// The same tile with another valid shape.
    TileType withValidShape(::llvm::ArrayRef<int64_t> validShape) const;
  }];
}

//===----------------------------------------------------------------------===//
// GmViewType
//===----------------------------------------------------------------------===//

def AICore_GmViewType : AICore_Type<"GmView", "gm"> {
  let summary = "a view of global memory (PTO-ISA GlobalTensor)";
  let description = [{
    What `GlobalTensor<T, Shape<5 dims>, Stride<5 dims>, Layout>` needs: an
    element type, a 5-D shape and 5 element strides (each static or `?`) and
    a layout (`nd`, `dn` or `nz`, default `nd`):

    ```
    !aicore.gm<1x1x1x16x128xbf16>                                   // packed ND
    !aicore.gm<1x1x1x128x128xbf16, stride = [?, ?, ?, 1, 128], layout = dn>
    !aicore.gm<1x1x1x16x?xf32, stride = [?, ?, ?, 128, 1]>
    ```

    `stride` may be left out when the shape is static and the layout is `nd`
    or `dn`: the view is then packed (row-major resp. column-major in the last
    two dims, outer dims dense), and the printer leaves it out in that case.
  }];

  let parameters = (ins
    ArrayRefParameter<"int64_t">:$shape,
    "::mlir::Type":$elementType,
    ArrayRefParameter<"int64_t">:$strides,
    EnumParameter<AICore_GmLayout>:$layout
  );

  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;

  let extraClassDeclaration = [{
    /// Number of dims (always 5 once verified).
    static constexpr unsigned kRank = 5;
    /// Packed strides of `shape` for `layout`, or failure when the shape is
    /// not static or the layout has no packed form (nz).
    static ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    getPackedStrides(::llvm::ArrayRef<int64_t> shape, GmLayout layout);
    unsigned getNumDynamicDims() const;
    unsigned getNumDynamicStrides() const;
  }];
}

//===----------------------------------------------------------------------===//
// GmPtrType
//===----------------------------------------------------------------------===//

def AICore_GmPtrType : AICore_Type<"GmPtr", "gm_ptr"> {
  let summary = "a typed global-memory pointer (`__gm__ T*`)";
  let description = [{
    The element address of a kernel tensor argument
    (`buffer.addr + start_offset`), from which `aicore.gm_view` builds views
    and `aicore.load_scalar` reads single elements.

    ```
    !aicore.gm_ptr<bf16>
    ```
  }];
  let parameters = (ins "::mlir::Type":$elementType);
  let assemblyFormat = "`<` $elementType `>`";
  let genVerifyDecl = 1;
}

#endif // PTOATTN_DIALECT_AICORE_IR_AICORETYPES_TD
