// ptoattn simulator: the PTO-ISA tile API subset ptoattn emits, implemented for the CPU.
// Same header name, namespace and function names as PTO-ISA, so emitted kernels compile
// unchanged; see docs/simulator.md for the supported subset.
#pragma once

// Instruction bodies are vectorised even though kernels are built at plain -O2.
#pragma GCC push_options
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic")
#include "pto/sim/bf16.hpp"
#include "pto/sim/core.hpp"
#include "pto/sim/global.hpp"
#include "pto/sim/half.hpp"
#include "pto/sim/inst_cube.hpp"
#include "pto/sim/inst_mem.hpp"
#include "pto/sim/inst_vec.hpp"
#include "pto/sim/sync.hpp"
#include "pto/sim/tile.hpp"
#include "pto/sim/types.hpp"
#pragma GCC pop_options

namespace pto {
using ::bfloat16_t;
using ::half;
} // namespace pto
