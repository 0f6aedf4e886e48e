// ptoattn simulator: a real IEEE 754 binary16 type, spelled `half` as in PTO-ISA.
//
// Why a struct and not a compiler type: the host's _Float16 (what PTO-ISA's CPU headers use)
// depends on the compiler and its flags, and float would silently keep 13 extra mantissa bits.
// This type stores the 16 raw bits; every conversion into it rounds once, in integer
// arithmetic, with the RoundMode the instruction names (subnormals, infinities and NaN as
// IEEE 754 defines them). Arithmetic happens in float and rounds back, as bfloat16_t does.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>

#include "pto/sim/bf16.hpp"
#include "pto/sim/types.hpp"

namespace pto {
namespace sim {

constexpr uint16_t kHalfInf = 0x7c00u;
constexpr uint16_t kHalfMaxFinite = 0x7bffu;

// Rounds (-1)^negative * sig * 2^exp2 (sig != 0, finite) to binary16 under `mode`.
// The f16 grid near the value has spacing 2^(max(e, -14) - 10), e = floor(log2(value)).
inline uint16_t round_to_f16(bool negative, uint64_t sig, int exp2, RoundMode mode) {
  const uint16_t sign = negative ? 0x8000u : 0u;
  const int msb = 63 - __builtin_clzll(sig);
  const int e = msb + exp2;                     // unbiased exponent of the leading bit
  const int quantum = (e < -14 ? -14 : e) - 10; // exponent of one unit in the last place
  const int shift = quantum - exp2;             // low bits of sig below the unit
  // shift > 0 for every float or double source: they carry more than 11 significant bits.
  const bool farBelow = shift >= 64; // below half the smallest subnormal: only the sticky bit
  const uint64_t q0 = farBelow ? 0 : sig >> shift;
  const uint64_t rem = farBelow ? sig : sig & ((uint64_t(1) << shift) - 1);
  const uint64_t halfway = farBelow ? 0 : uint64_t(1) << (shift - 1);
  const bool inexact = rem != 0;
  uint64_t q = q0;
  if (inexact) {
    switch (mode) {
    case RoundMode::CAST_ROUND: // nearest, ties away from zero
      if (!farBelow && rem >= halfway)
        q++;
      break;
    case RoundMode::CAST_TRUNC:
      break;
    case RoundMode::CAST_FLOOR:
      if (negative)
        q++;
      break;
    case RoundMode::CAST_CEIL:
      if (!negative)
        q++;
      break;
    case RoundMode::CAST_ODD:
      q |= 1u;
      break;
    default: // CAST_NONE / CAST_RINT: nearest, ties to even
      if (!farBelow && (rem > halfway || (rem == halfway && (q & 1u))))
        q++;
      break;
    }
  }
  // Normal results carry the implicit bit in q (1024..2048); a carry into 2048 moves to the
  // next binade by plain addition. Subnormal results are q itself (1024 becomes the smallest
  // normal).
  uint64_t magnitude = e >= -14 ? (uint64_t(e + 15) << 10) + (q - 1024u) : q;
  if (magnitude >= kHalfInf) {
    // Overflow: nearest modes give infinity; directed modes stop at the largest finite
    // value unless they round away from zero.
    const bool toInf = mode == RoundMode::CAST_NONE || mode == RoundMode::CAST_RINT ||
                       mode == RoundMode::CAST_ROUND ||
                       (mode == RoundMode::CAST_FLOOR && negative) ||
                       (mode == RoundMode::CAST_CEIL && !negative);
    magnitude = toInf ? kHalfInf : kHalfMaxFinite;
  }
  return static_cast<uint16_t>(sign | magnitude);
}

// An IEEE value with `manBits` fraction bits and exponent `bias` (all-ones exponent: Inf/NaN).
inline uint16_t ieee_to_f16(bool negative, uint64_t exp, uint64_t man, int manBits,
                            uint64_t expOnes, int bias, RoundMode mode) {
  const uint16_t sign = negative ? 0x8000u : 0u;
  if (exp == expOnes) {
    if (man == 0)
      return static_cast<uint16_t>(sign | kHalfInf);
    // NaN: keep sign and top payload bits, force the quiet bit so it cannot become Inf.
    return static_cast<uint16_t>(sign | 0x7e00u | (man >> (manBits - 10)));
  }
  if (exp == 0 && man == 0)
    return sign;
  if (exp == 0)
    return round_to_f16(negative, man, 1 - bias - manBits, mode);
  return round_to_f16(negative, man | (uint64_t(1) << manBits),
                      static_cast<int>(exp) - bias - manBits, mode);
}

inline uint16_t f32_to_f16_mode(float f, RoundMode mode) {
  const uint32_t u = f32_bits(f);
  return ieee_to_f16((u >> 31) != 0, (u >> 23) & 0xffu, u & 0x7fffffu, 23, 0xffu, 127, mode);
}

inline uint16_t f64_to_f16_mode(double d, RoundMode mode) {
  uint64_t u;
  std::memcpy(&u, &d, 8);
  return ieee_to_f16((u >> 63) != 0, (u >> 52) & 0x7ffu, u & 0xfffffffffffffull, 52, 0x7ffu, 1023,
                     mode);
}

inline uint16_t f32_to_f16_rne(float f) { return f32_to_f16_mode(f, RoundMode::CAST_RINT); }

// Exact: every binary16 value is a float.
inline float f16_to_f32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu, man = h & 0x3ffu;
  if (exp == 0x1fu)
    return bits_f32(sign | 0x7f800000u | (man << 13));
  if (exp == 0) {
    if (man == 0)
      return bits_f32(sign);
    // Subnormal man * 2^-24: normalise so the leading bit becomes the implicit one.
    const int lead = 31 - __builtin_clz(man); // 0..9
    const uint32_t frac = (man << (10 - lead)) & 0x3ffu;
    return bits_f32(sign | (static_cast<uint32_t>(lead - 24 + 127) << 23) | (frac << 13));
  }
  return bits_f32(sign | ((exp - 15 + 127) << 23) | (man << 13));
}

} // namespace sim
} // namespace pto

struct half {
  uint16_t bits;

  half() = default;
  half(float f) : bits(pto::sim::f32_to_f16_rne(f)) {}
  half(double d) : bits(pto::sim::f64_to_f16_mode(d, pto::RoundMode::CAST_RINT)) {}
  half(int i)
      : bits(pto::sim::f64_to_f16_mode(static_cast<double>(i), pto::RoundMode::CAST_RINT)) {}
  operator float() const { return pto::sim::f16_to_f32(bits); }

  static half from_bits(uint16_t b) {
    half r;
    r.bits = b;
    return r;
  }

  half &operator+=(float o) { return *this = half(float(*this) + o); }
  half &operator-=(float o) { return *this = half(float(*this) - o); }
  half &operator*=(float o) { return *this = half(float(*this) * o); }
  half &operator/=(float o) { return *this = half(float(*this) / o); }
  half operator-() const { return from_bits(static_cast<uint16_t>(bits ^ 0x8000u)); }
};

static_assert(sizeof(half) == 2, "half must be exactly 16 bits");
static_assert(alignof(half) == 2, "half must be 2-byte aligned");

namespace std {
template <> class numeric_limits<half> {
public:
  static constexpr bool is_specialized = true;
  static constexpr bool has_infinity = true;
  static constexpr bool has_quiet_NaN = true;
  static constexpr bool has_denorm_loss = false;
  static constexpr int digits = 11;
  static half infinity() { return half::from_bits(pto::sim::kHalfInf); }
  static half quiet_NaN() { return half::from_bits(0x7e00u); }
  static half max() { return half::from_bits(pto::sim::kHalfMaxFinite); }
  static half lowest() { return half::from_bits(0xfbffu); }
  static half min() { return half::from_bits(0x0400u); }
  static half denorm_min() { return half::from_bits(0x0001u); }
  static half epsilon() { return half::from_bits(0x1400u); }
};
} // namespace std
