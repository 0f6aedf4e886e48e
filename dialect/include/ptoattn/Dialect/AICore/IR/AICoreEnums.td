//===- AICoreEnums.td - enumerations of the aicore dialect -*- tablegen -*-===//
//
// The PTO-ISA enumerations the aicore types and operations carry: tile
// locations and layouts, pad values, GM layouts, conversion rounding modes,
// pipes and event ids. Keywords are the lowercase PTO-ISA names so that the
// IR reads like the C++ it becomes.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_DIALECT_AICORE_IR_AICOREENUMS_TD
#define PTOATTN_DIALECT_AICORE_IR_AICOREENUMS_TD

include "ptoattn/Dialect/AICore/IR/AICoreDialect.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Tile parameters
//===----------------------------------------------------------------------===//

def AICore_TileLocation : I32EnumAttr<"TileLocation",
    "on-chip buffer a tile lives in (PTO-ISA TileType)", [
      I32EnumAttrCase<"Mat", 0, "mat">,     // L1
      I32EnumAttrCase<"Left", 1, "left">,   // L0A
      I32EnumAttrCase<"Right", 2, "right">, // L0B
      I32EnumAttrCase<"Acc", 3, "acc">,     // L0C
      I32EnumAttrCase<"Vec", 4, "vec">      // UB
    ]> {
  let cppNamespace = "::mlir::ptoattn::aicore";
  let genSpecializedAttr = 0;
}

def AICore_BLayout : I32EnumAttr<"BLayout",
    "outer (box-grid) layout of a tile (PTO-ISA BLayout)", [
      I32EnumAttrCase<"RowMajor", 0, "row_major">,
      I32EnumAttrCase<"ColMajor", 1, "col_major">
    ]> {
  let cppNamespace = "::mlir::ptoattn::aicore";
  let genSpecializedAttr = 0;
}

def AICore_SLayout : I32EnumAttr<"SLayout",
    "inner box layout of a tile (PTO-ISA SLayout)", [
      I32EnumAttrCase<"NoneBox", 0, "none_box">,
      I32EnumAttrCase<"RowMajor", 1, "row_major">,
      I32EnumAttrCase<"ColMajor", 2, "col_major">
    ]> {
  let cppNamespace = "::mlir::ptoattn::aicore";
  let genSpecializedAttr = 0;
}

def AICore_PadValue : I32EnumAttr<"PadValue",
    "value written into a tile's padding (PTO-ISA PadValue)", [
      I32EnumAttrCase<"Null", 0, "null">,
      I32EnumAttrCase<"Zero", 1, "zero">,
      I32EnumAttrCase<"Min", 2, "min">,
      I32EnumAttrCase<"Max", 3, "max">
    ]> {
  let cppNamespace = "::mlir::ptoattn::aicore";
  let genSpecializedAttr = 0;
}

//===----------------------------------------------------------------------===//
// Global memory
//===----------------------------------------------------------------------===//

def AICore_GmLayout : I32EnumAttr<"GmLayout",
    "layout of a global-memory view (PTO-ISA Layout)", [
      I32EnumAttrCase<"ND", 0, "nd">, // row-major in the last two dims
      I32EnumAttrCase<"DN", 1, "dn">, // column-major in the last two dims
      I32EnumAttrCase<"NZ", 2, "nz">  // cube fractal
    ]> {
  let cppNamespace = "::mlir::ptoattn::aicore";
  let genSpecializedAttr = 0;
}

//===----------------------------------------------------------------------===//
// Instruction modifiers
//===----------------------------------------------------------------------===//

// These are plain integer-backed enum attributes rather than dialect
// EnumAttrs: the latter print with a doubled space in custom assembly
// (`aicore.set_flag  mte2`), the former print as bare keywords.

def AICore_RoundModeAttr : I32EnumAttr<"RoundMode",
    "rounding of a type conversion (PTO-ISA RoundMode::CAST_*)", [
      I32EnumAttrCase<"None", 0, "none">,
      I32EnumAttrCase<"Rint", 1, "rint">,   // nearest, ties to even
      I32EnumAttrCase<"Round", 2, "round">, // nearest, ties away from zero
      I32EnumAttrCase<"Floor", 3, "floor">,
      I32EnumAttrCase<"Ceil", 4, "ceil">,
      I32EnumAttrCase<"Trunc", 5, "trunc">,
      I32EnumAttrCase<"Odd", 6, "odd">
    ]> {
  let cppNamespace = "::mlir::ptoattn::aicore";
}

def AICore_PipeAttr : I32EnumAttr<"Pipe", "an AICore pipeline (PIPE_*)", [
      I32EnumAttrCase<"S", 0, "s">,       // scalar
      I32EnumAttrCase<"V", 1, "v">,       // vector
      I32EnumAttrCase<"M", 2, "m">,       // cube
      I32EnumAttrCase<"MTE1", 3, "mte1">, // L1 -> L0A/L0B
      I32EnumAttrCase<"MTE2", 4, "mte2">, // GM -> L1/UB
      I32EnumAttrCase<"MTE3", 5, "mte3">, // UB -> GM
      I32EnumAttrCase<"Fix", 6, "fix">,   // L0C -> GM/L1
      I32EnumAttrCase<"All", 7, "all">
    ]> {
  let cppNamespace = "::mlir::ptoattn::aicore";
}

def AICore_EventAttr : I32EnumAttr<"Event", "a hardware event id (EVENT_ID0..7)", [
      I32EnumAttrCase<"Event0", 0, "event0">,
      I32EnumAttrCase<"Event1", 1, "event1">,
      I32EnumAttrCase<"Event2", 2, "event2">,
      I32EnumAttrCase<"Event3", 3, "event3">,
      I32EnumAttrCase<"Event4", 4, "event4">,
      I32EnumAttrCase<"Event5", 5, "event5">,
      I32EnumAttrCase<"Event6", 6, "event6">,
      I32EnumAttrCase<"Event7", 7, "event7">
    ]> {
  let cppNamespace = "::mlir::ptoattn::aicore";
}

//===----------------------------------------------------------------------===//
// Kernel contract
//===----------------------------------------------------------------------===//

def AICore_CoreType : I32EnumAttr<"CoreType", "core a kernel runs on", [
      I32EnumAttrCase<"AIC", 0, "aic">, // the cube core of a cluster
      I32EnumAttrCase<"AIV", 1, "aiv">  // a vector core (lane) of a cluster
    ]> {
  let cppNamespace = "::mlir::ptoattn::aicore";
  let genSpecializedAttr = 0;
}

def AICore_ArgKind : I32EnumAttr<"ArgKind",
    "how a kernel receives one argument (its CoreTaskArgs method)", [
      I32EnumAttrCase<"In", 0, "in">,       // add_input
      I32EnumAttrCase<"Out", 1, "out">,     // add_output
      I32EnumAttrCase<"InOut", 2, "inout">, // add_inout
      I32EnumAttrCase<"Scalar", 3, "scalar"> // add_scalar (raw 64 bits)
    ]> {
  let cppNamespace = "::mlir::ptoattn::aicore";
  let genSpecializedAttr = 0;
}

def AICore_Strategy : I32EnumAttr<"Strategy",
    "how the orchestration addresses a kernel's tiles", [
      I32EnumAttrCase<"Spmd", 0, "spmd">,        // one task covers every tile
      I32EnumAttrCase<"PerTile", 1, "per_tile">  // one task per tile, paging by views
    ]> {
  let cppNamespace = "::mlir::ptoattn::aicore";
  let genSpecializedAttr = 0;
}

#endif // PTOATTN_DIALECT_AICORE_IR_AICOREENUMS_TD
