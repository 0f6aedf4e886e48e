//===- PassOptions.h - typed values of ptoattn pass options -------*- C++ -*-===//
//
// The allowed values of the enum-typed pass options, in upstream
// `llvm::cl::values(clEnumValN(...))` form. The passes (Passes.td) and the
// pipeline (Pipelines.h) expand the same lists, so an option spelled for one
// is accepted by the other and a bad value is rejected by the parser itself.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_TRANSFORMS_PASSOPTIONS_H
#define PTOATTN_TRANSFORMS_PASSOPTIONS_H

#include "ptoattn/Dialect/AICore/IR/AICore.h"
#include "ptoattn/Target/A2A3.h"

#include "llvm/Support/CommandLine.h"

#define PTOATTN_STRATEGY_VALUES                                                          \
  ::llvm::cl::values(                                                                    \
      clEnumValN(::mlir::ptoattn::aicore::Strategy::Spmd, "spmd",                        \
                 "one task per stage and KV step covers every tile"),                    \
      clEnumValN(::mlir::ptoattn::aicore::Strategy::PerTile, "per-tile",                 \
                 "one task per tile, KV step and stage; paging by views"))

#define PTOATTN_QUERY_TILE_VALUES                                                        \
  ::llvm::cl::values(                                                                    \
      clEnumValN(::mlir::ptoattn::target::QueryTileOption::Auto, "0",                    \
                 "the smallest tile holding one KV-head group"),                         \
      clEnumValN(::mlir::ptoattn::target::QueryTileOption::Rows16, "16", "16 rows"),     \
      clEnumValN(::mlir::ptoattn::target::QueryTileOption::Rows32, "32", "32 rows"),     \
      clEnumValN(::mlir::ptoattn::target::QueryTileOption::Rows64, "64", "64 rows"))

#endif // PTOATTN_TRANSFORMS_PASSOPTIONS_H
