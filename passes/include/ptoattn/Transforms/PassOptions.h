//===- PassOptions.h - typed values of ptoattn pass options -------*- C++ -*-===//
//
// The allowed values of the enum-typed pass options, in upstream
// `llvm::cl::values(clEnumValN(...))` form. The passes (Passes.td) and the
// pipeline (Pipelines.h) expand the same lists, so an option spelled for one
// is accepted by the other and a bad value is rejected by the parser itself,
// with the allowed values (EnumOptionParser).
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_TRANSFORMS_PASSOPTIONS_H
#define PTOATTN_TRANSFORMS_PASSOPTIONS_H

#include "ptoattn/Dialect/AICore/IR/AICore.h"
#include "ptoattn/Target/A2A3.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/CommandLine.h"

#include <string>

namespace mlir::ptoattn {

/// How many blocks an SPMD launch of attn-orchestrate runs: one per tile, or
/// at most one per cluster of the target, each looping over its tiles.
enum class SpmdBlocks : int64_t { Clusters, Tiles };

/// The parser of an enum pass option: llvm::cl's own rejects a bad value with
/// "Cannot find option named '48'!"; this one names the option and lists its
/// allowed values. It keeps llvm::cl::parser's members, which MLIR's pass
/// options read (`Values`) to print an option back.
template <typename T> class EnumOptionParser : public llvm::cl::generic_parser_base {
protected:
  struct OptionInfo : public GenericOptionInfo {
    OptionInfo(llvm::StringRef name, T value, llvm::StringRef help)
        : GenericOptionInfo(name, help), V(value) {}
    llvm::cl::OptionValue<T> V;
  };
  llvm::SmallVector<OptionInfo, 4> Values;

public:
  using parser_data_type = T;

  EnumOptionParser(llvm::cl::Option &owner) : generic_parser_base(owner) {}

  unsigned getNumOptions() const override { return Values.size(); }
  llvm::StringRef getOption(unsigned n) const override { return Values[n].Name; }
  llvm::StringRef getDescription(unsigned n) const override { return Values[n].HelpStr; }
  const llvm::cl::GenericOptionValue &getOptionValue(unsigned n) const override {
    return Values[n].V;
  }

  /// Returns true on error, as llvm::cl parsers do.
  bool parse(llvm::cl::Option &option, llvm::StringRef, llvm::StringRef arg, T &value) {
    for (const OptionInfo &info : Values) {
      if (info.Name == arg) {
        value = info.V.getValue();
        return false;
      }
    }
    std::string allowed;
    for (size_t i = 0, e = Values.size(); i != e; ++i)
      allowed += (i == 0 ? "" : i + 1 == e ? " or " : ", ") + Values[i].Name.str();
    return option.error(option.ArgStr + " " + arg + " is not supported: must be " + allowed);
  }

  template <typename V>
  void addLiteralOption(llvm::StringRef name, const V &value, llvm::StringRef help) {
    Values.emplace_back(name, static_cast<T>(value), help);
    llvm::cl::AddLiteralOption(Owner, name);
  }
  void removeLiteralOption(llvm::StringRef name) {
    Values.erase(Values.begin() + findOption(name));
  }
};

} // namespace mlir::ptoattn

// Every option of these enum types, in the passes and the pipeline, parses
// with EnumOptionParser.
namespace llvm::cl {
template <>
class parser<::mlir::ptoattn::aicore::Strategy>
    : public ::mlir::ptoattn::EnumOptionParser<::mlir::ptoattn::aicore::Strategy> {
public:
  using EnumOptionParser::EnumOptionParser;
};
template <>
class parser<::mlir::ptoattn::target::QueryTileOption>
    : public ::mlir::ptoattn::EnumOptionParser<::mlir::ptoattn::target::QueryTileOption> {
public:
  using EnumOptionParser::EnumOptionParser;
};
template <>
class parser<::mlir::ptoattn::SpmdBlocks>
    : public ::mlir::ptoattn::EnumOptionParser<::mlir::ptoattn::SpmdBlocks> {
public:
  using EnumOptionParser::EnumOptionParser;
};
} // namespace llvm::cl

#define PTOATTN_SPMD_BLOCKS_VALUES                                                                 \
  ::llvm::cl::values(                                                                              \
      clEnumValN(::mlir::ptoattn::SpmdBlocks::Clusters, "clusters",                                \
                 "min(tiles, the target's clusters); each block loops over tiles"),                \
      clEnumValN(::mlir::ptoattn::SpmdBlocks::Tiles, "tiles", "one block per tile"))

#define PTOATTN_STRATEGY_VALUES                                                                    \
  ::llvm::cl::values(clEnumValN(::mlir::ptoattn::aicore::Strategy::Spmd, "spmd",                   \
                                "one task per stage and KV step covers every tile"),               \
                     clEnumValN(::mlir::ptoattn::aicore::Strategy::PerTile, "per-tile",            \
                                "one task per tile, KV step and stage; paging by views"))

#define PTOATTN_QUERY_TILE_VALUES                                                                  \
  ::llvm::cl::values(                                                                              \
      clEnumValN(::mlir::ptoattn::target::QueryTileOption::Auto, "0",                              \
                 "the smallest tile holding one KV-head group"),                                   \
      clEnumValN(::mlir::ptoattn::target::QueryTileOption::Rows16, "16", "16 rows"),               \
      clEnumValN(::mlir::ptoattn::target::QueryTileOption::Rows32, "32", "32 rows"),               \
      clEnumValN(::mlir::ptoattn::target::QueryTileOption::Rows64, "64", "64 rows"))

#endif // PTOATTN_TRANSFORMS_PASSOPTIONS_H
