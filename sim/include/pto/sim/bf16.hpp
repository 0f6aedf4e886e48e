// ptoattn simulator: a real 16-bit bfloat16 type.
//
// Why a struct and not a compiler type: gcc 12 has no usable __bf16 arithmetic, and the
// tempting fallback (_Float16 or float) silently changes numerics. This type stores the
// 16 raw bits and converts float -> bf16 with round-to-nearest-even, so results match
// hardware bit for bit wherever the hardware rounds that way.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace pto {
namespace sim {

inline uint32_t f32_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

inline float bits_f32(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// Round-to-nearest-even; NaNs stay NaN (quiet bit forced so truncation cannot make Inf).
inline uint16_t f32_to_bf16_rne(float f) {
  uint32_t u = f32_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((u >> 16) | 0x0040u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}

// Round-to-nearest, ties away from zero (hardware CAST_ROUND).
inline uint16_t f32_to_bf16_rna(float f) {
  uint32_t u = f32_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((u >> 16) | 0x0040u);
  u += 0x8000u;
  return static_cast<uint16_t>(u >> 16);
}

inline uint16_t f32_to_bf16_trunc(float f) {
  uint32_t u = f32_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((u >> 16) | 0x0040u);
  return static_cast<uint16_t>(u >> 16);
}

inline float bf16_to_f32(uint16_t b) { return bits_f32(static_cast<uint32_t>(b) << 16); }

// Round-to-nearest-even straight from double, as a real bf16 conversion does: going through
// float first would round twice and can land one bf16 ulp off.
inline uint16_t f64_to_bf16_rne(double d) {
  if (d != d)
    return f32_to_bf16_rne(static_cast<float>(d));
  int e = 0;
  std::frexp(d, &e);                         // |d| = m * 2^e, m in [0.5, 1)
  const int lsb = (e > -125 ? e : -125) - 8; // bf16 keeps 8 significant bits, fewer when subnormal
  const double q =
      std::ldexp(std::nearbyint(std::ldexp(d, -lsb)), lsb); // exact in bf16 or overflows
  return static_cast<uint16_t>(f32_bits(static_cast<float>(q)) >> 16);
}

} // namespace sim
} // namespace pto

struct bfloat16_t {
  uint16_t bits;

  bfloat16_t() = default;
  bfloat16_t(float f) : bits(pto::sim::f32_to_bf16_rne(f)) {}
  bfloat16_t(double d) : bits(pto::sim::f64_to_bf16_rne(d)) {}
  bfloat16_t(int i) : bits(pto::sim::f32_to_bf16_rne(static_cast<float>(i))) {}
  operator float() const { return pto::sim::bf16_to_f32(bits); }

  static bfloat16_t from_bits(uint16_t b) {
    bfloat16_t r;
    r.bits = b;
    return r;
  }

  bfloat16_t &operator+=(float o) { return *this = bfloat16_t(float(*this) + o); }
  bfloat16_t &operator-=(float o) { return *this = bfloat16_t(float(*this) - o); }
  bfloat16_t &operator*=(float o) { return *this = bfloat16_t(float(*this) * o); }
  bfloat16_t &operator/=(float o) { return *this = bfloat16_t(float(*this) / o); }
  bfloat16_t operator-() const { return from_bits(static_cast<uint16_t>(bits ^ 0x8000u)); }
};

static_assert(sizeof(bfloat16_t) == 2, "bfloat16_t must be exactly 16 bits");
static_assert(alignof(bfloat16_t) == 2, "bfloat16_t must be 2-byte aligned");

namespace std {
template <> class numeric_limits<bfloat16_t> {
public:
  static constexpr bool is_specialized = true;
  static constexpr bool has_infinity = true;
  static constexpr bool has_quiet_NaN = true;
  static bfloat16_t infinity() { return bfloat16_t::from_bits(0x7f80u); }
  static bfloat16_t quiet_NaN() { return bfloat16_t::from_bits(0x7fc0u); }
  static bfloat16_t max() { return bfloat16_t::from_bits(0x7f7fu); }
  static bfloat16_t lowest() { return bfloat16_t::from_bits(0xff7fu); }
  static bfloat16_t min() { return bfloat16_t::from_bits(0x0080u); }
};
} // namespace std
