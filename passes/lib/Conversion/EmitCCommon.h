//===- EmitCCommon.h - shared by the conversions to EmitC -------*- C++ -*-===//
//
// What convert-aicore-to-emitc and convert-orch-to-emitc share, so that a
// kernel and the orchestration print the same IR the same way: one index type
// (`int64_t`), the upstream arith/scf patterns, and named C++ objects.
//
// EmitC names values itself (`v1`, `v2`, ...). A value that means something
// (a tensor, a tile, a kernel argument) is declared by name instead: an
// `emitc.verbatim` declaration, `T name = {};` or `T name(...);`, and an
// `emitc.literal "name"` that the translation prints wherever it is used.
//
//===----------------------------------------------------------------------===//

#ifndef PTOATTN_CONVERSION_EMITCCOMMON_H
#define PTOATTN_CONVERSION_EMITCCOMMON_H

#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"

#include <optional>
#include <string>

namespace mlir::ptoattn::emitc_common {

/// Maps `index` to `int64_t`. Register after upstream's arith patterns (which
/// map it to `size_t`): a converter tries its most recent conversion first.
/// Index arithmetic is signed and in range (attn-check-target bounds every
/// size), so a value never goes through `ptrdiff_t`/`size_t` casts.
void populateIndexTypeConversion(TypeConverter &converter);

/// Rewrites the arith ops upstream arith-to-emitc has no pattern for into
/// ones it has: index ceildiv into `(a + b - 1) / b` (operands are
/// non-negative sizes; each appears once, so expressions stay short), other
/// ceil/floor divisions, min and max by upstream's expansions. Marks index `addi`/`subi`/`muli`
/// `nsw`, so that the upstream patterns compute in `int64_t` directly instead
/// of through unsigned casts. Runs on `root` in place.
LogicalResult prepareArith(Operation *root);

/// Upstream's arith and scf to EmitC patterns, the unsigned index division
/// they leave out, inline integer constants, bool `&&`/`||`, the void
/// `func.return`, and `populateIndexTypeConversion`.
void populateScalarPatterns(TypeConverter &converter, RewritePatternSet &patterns);

/// The C++ spelling of an EmitC value type (`int64_t`, `float`, `__gm__ T*`,
/// opaque types as written), or nullopt.
std::optional<std::string> cppTypeName(Type type);

/// `text` as one `emitc.verbatim` statement; each `{}` in it stands for the
/// next of `operands` (`{{` is a literal brace).
void verbatim(OpBuilder &b, Location loc, StringRef text, ValueRange operands = {});

/// `<cppType> name<init>;` (init holds `{}` for each of `operands`, `{{` for a
/// literal brace when there are operands) and an `emitc.literal "name"` of
/// `type` standing for the object.
Value declareNamed(OpBuilder &b, Location loc, Type type, StringRef cppType, StringRef name,
                   StringRef init, ValueRange operands = {});

/// Replaces the one-result `op` by a named C++ local: declares it
/// (`declareNamed`) and puts its `emitc.literal "name"` in place of the result.
void replaceWithNamed(ConversionPatternRewriter &rewriter, Operation *op, Type type,
                      StringRef cppType, StringRef name, StringRef init, ValueRange operands = {});

/// `replaceWithNamed` for a scalar that never changes: `const T name = value;`,
/// T the C++ spelling of `type` and `value(T)` the initializer. Fails (a match
/// failure) when `type` has no C++ spelling.
LogicalResult replaceWithConstant(ConversionPatternRewriter &rewriter, Operation *op, Type type,
                                  StringRef name,
                                  llvm::function_ref<std::string(StringRef cppType)> value,
                                  ValueRange operands = {});

/// Distinct C++ identifiers within one function: a second `scores` becomes
/// `scores_2`.
class NameTable {
public:
  std::string unique(StringRef base);

private:
  llvm::StringMap<unsigned> used;
};

} // namespace mlir::ptoattn::emitc_common

#endif // PTOATTN_CONVERSION_EMITCCOMMON_H
