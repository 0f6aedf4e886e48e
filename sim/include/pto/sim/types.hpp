// ptoattn simulator: enums and constants of the PTO tile API subset (names follow PTO-ISA).
#pragma once

#include <cstdint>

#ifndef __gm__
#define __gm__
#endif
#ifndef __aicore__
#define __aicore__
#endif
#ifndef AICORE
#define AICORE
#endif

namespace pto {

constexpr int DYNAMIC = -1;

enum class TileType { Vec, Mat, Left, Right, Acc, Bias, Scaling, ScaleLeft, ScaleRight, Ctrl };
enum class BLayout { RowMajor = 0, ColMajor = 1 };
enum class SLayout { NoneBox = 0, RowMajor = 1, ColMajor = 2 };
enum class Layout { ND, DN, NZ };
enum class CompactMode { Null = 0, Normal = 1 };

enum class PadValue : uint64_t {
  Null = 0,
  Zero = 1,
  Max = 2,
  Min = 3,
  CustomBase = 0x100000000ULL
};

constexpr PadValue PadValueCustom(float value) {
  return static_cast<PadValue>(static_cast<uint64_t>(PadValue::CustomBase) |
                               static_cast<uint64_t>(__builtin_bit_cast(uint32_t, value)));
}

enum class RoundMode : uint8_t {
  CAST_NONE = 0,
  CAST_RINT = 1,  // nearest, ties to even
  CAST_ROUND = 2, // nearest, ties away from zero
  CAST_FLOOR = 3,
  CAST_CEIL = 4,
  CAST_TRUNC = 5,
  CAST_ODD = 6,
};

enum class SaturationMode : uint8_t { ON = 0, OFF = 1 };

namespace GlobalTensorDim {
constexpr int DIM_0 = 0, DIM_1 = 1, DIM_2 = 2, DIM_3 = 3, DIM_4 = 4, TOTAL_DIM = 5;
}

namespace TileConfig {
constexpr int alignedSize = 32;
constexpr int fixedRowSize = 16;
constexpr int fixedColSize = 16;
constexpr int fractalABSize = 512;
constexpr int fractalCSize = 1024;
} // namespace TileConfig

// Hardware rules of a2a3 (DESIGN.md section 4).
constexpr uint32_t SIM_L1_BYTES = 512u * 1024u;
constexpr uint32_t SIM_L0A_BYTES = 64u * 1024u;
constexpr uint32_t SIM_L0B_BYTES = 64u * 1024u;
constexpr uint32_t SIM_L0C_BYTES = 128u * 1024u;
constexpr uint32_t SIM_UB_BYTES = 192u * 1024u;
constexpr uint32_t TMP_UB_OFFSET = 184u * 1024u; // top 8 KB of UB: instruction scratch
constexpr uint32_t TMP_UB_SIZE = 8u * 1024u;
constexpr uint32_t SIM_ONCHIP_ALIGN = 32u;

} // namespace pto

// Pipes and events (global, as in the CCE toolchain; also visible inside pto). The values
// only need to be distinct small integers: the simulator indexes its flag counters by them.
typedef int pipe_t;
using event_t = int;
constexpr pipe_t PIPE_S = 0;
constexpr pipe_t PIPE_V = 1;
constexpr pipe_t PIPE_MTE1 = 2;
constexpr pipe_t PIPE_MTE2 = 3;
constexpr pipe_t PIPE_MTE3 = 4;
constexpr pipe_t PIPE_M = 5;
constexpr pipe_t PIPE_ALL = 6;
constexpr pipe_t PIPE_FIX = 7;

namespace pto {
constexpr int SIM_NUM_PIPES = 8;
constexpr int SIM_NUM_EVENTS = 8;
} // namespace pto

#define EVENT_ID0 0
#define EVENT_ID1 1
#define EVENT_ID2 2
#define EVENT_ID3 3
#define EVENT_ID4 4
#define EVENT_ID5 5
#define EVENT_ID6 6
#define EVENT_ID7 7
