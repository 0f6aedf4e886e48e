//===- OrchTypes.td - orch dialect types ----------------------*- tablegen -*-===//
//
// The runtime tensor handle. The runtime describes every tensor with a
// `ChipTensor` descriptor (address, element type, 1 to 5 dimensions, strides);
// the type keeps what the orchestration must know statically: the element type,
// the rank, and whichever dimensions are compile-time constants.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_DIALECT_ORCH_IR_ORCHTYPES_TD
#define PTOATTN_DIALECT_ORCH_IR_ORCHTYPES_TD

include "ptoattn/Dialect/Orch/IR/OrchDialect.td"

//===----------------------------------------------------------------------===//
// ChipTensorType
//===----------------------------------------------------------------------===//

def Orch_ChipTensorType : Orch_Type<"ChipTensor", "tensor"> {
  let summary = "handle of a runtime tensor (a ChipTensor descriptor)";
  let description = [{
    A value of this type stands for one `ChipTensor` of the runtime: an
    external tensor wrapped from an orchestration argument, a buffer allocated
    on the ring heap, or a view of either. The shape is written like a builtin
    tensor's; `?` marks a dimension known only at run time.

    The rank is 1 to 5 (`MAX_TENSOR_DIMS`). The element type is one of the
    runtime's `DataType` values: `f32`, `f16`, `bf16`, `i1` (BOOL), `i8`, `i16`,
    `i32`, `i64`, `ui8`, `ui16`, `ui32`, `ui64`. Static dimensions may be 0
    (the runtime allows zero-size views); allocations require positive ones.

    Example:

    ```mlir
    !orch.tensor<16x128xbf16>
    !orch.tensor<?x128xf32>
    ```
  }];

  let parameters = (ins
    ArrayRefParameter<"int64_t", "dimension sizes; ShapedType::kDynamic for `?`">:$shape,
    "::mlir::Type":$elementType
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;

  let extraClassDeclaration = [{
    int64_t getRank() const { return getShape().size(); }
    int64_t getDimSize(unsigned i) const { return getShape()[i]; }
    bool isDynamicDim(unsigned i) const {
      return ::mlir::ShapedType::isDynamic(getShape()[i]);
    }
    /// Number of `?` dimensions.
    unsigned getNumDynamicDims() const {
      return llvm::count_if(getShape(), ::mlir::ShapedType::isDynamic);
    }
    bool hasStaticShape() const { return getNumDynamicDims() == 0; }
    /// Whether `type` is an element type the runtime's DataType can describe.
    static bool isValidElementType(::mlir::Type type);
  }];
}

#endif // PTOATTN_DIALECT_ORCH_IR_ORCHTYPES_TD
