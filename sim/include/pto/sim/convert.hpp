// ptoattn simulator: element conversions and pad values shared by the instructions.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "pto/sim/bf16.hpp"
#include "pto/sim/half.hpp"
#include "pto/sim/types.hpp"

namespace pto {
namespace sim {

inline uint16_t f32_to_bf16_mode(float f, RoundMode mode) {
  switch (mode) {
  case RoundMode::CAST_ROUND:
    return f32_to_bf16_rna(f);
  case RoundMode::CAST_TRUNC:
    return f32_to_bf16_trunc(f);
  case RoundMode::CAST_FLOOR:
  case RoundMode::CAST_CEIL: {
    const uint16_t t = f32_to_bf16_trunc(f);
    if (std::isnan(f) || bf16_to_f32(t) == f)
      return t;
    const bool up = (mode == RoundMode::CAST_CEIL) == (f > 0.0f); // away from zero?
    return up ? static_cast<uint16_t>(t + 1) : t;
  }
  case RoundMode::CAST_ODD: {
    const uint16_t t = f32_to_bf16_trunc(f);
    if (std::isnan(f) || bf16_to_f32(t) == f)
      return t;
    return static_cast<uint16_t>(t | 1u);
  }
  default: // CAST_NONE / CAST_RINT: the hardware default, round to nearest even
    return f32_to_bf16_rne(f);
  }
}

inline float round_int_mode(float f, RoundMode mode) {
  switch (mode) {
  case RoundMode::CAST_ROUND:
    return std::round(f);
  case RoundMode::CAST_FLOOR:
    return std::floor(f);
  case RoundMode::CAST_CEIL:
    return std::ceil(f);
  case RoundMode::CAST_TRUNC:
    return std::trunc(f);
  default:
    return std::nearbyint(f);
  }
}

// Transcendentals as pto-isa's CPU instructions compute them (a2a3sim's reference): in double,
// rounded once to the element type. Float std::exp is off by one ulp for about 1 in 12,000
// arguments, which flips single outputs against a2a3sim.
template <typename T> inline T exp_elem(T x) { return T(std::exp(static_cast<double>(x))); }
template <typename T> inline T sqrt_elem(T x) { return T(std::sqrt(static_cast<double>(x))); }

template <typename D, typename S> inline D convert(S v, RoundMode mode = RoundMode::CAST_RINT) {
  if constexpr (std::is_same_v<D, S>) {
    return v;
  } else if constexpr (std::is_same_v<D, bfloat16_t>) {
    return bfloat16_t::from_bits(f32_to_bf16_mode(static_cast<float>(v), mode));
  } else if constexpr (std::is_same_v<D, half>) {
    // From float, bf16 or f16 the float is exact, so this rounds once.
    return half::from_bits(f32_to_f16_mode(static_cast<float>(v), mode));
  } else if constexpr (std::is_same_v<S, bfloat16_t> || std::is_same_v<S, half>) {
    return convert<D, float>(static_cast<float>(v), mode);
  } else if constexpr (std::is_integral_v<D> && std::is_floating_point_v<S>) {
    return static_cast<D>(round_int_mode(static_cast<float>(v), mode));
  } else {
    return static_cast<D>(v);
  }
}

template <typename T> inline T pad_value(PadValue pv) {
  const uint64_t raw = static_cast<uint64_t>(pv);
  if (raw >= static_cast<uint64_t>(PadValue::CustomBase)) {
    const uint32_t bits = static_cast<uint32_t>(raw & 0xffffffffu);
    if constexpr (std::is_same_v<T, float>)
      return bits_f32(bits);
    else if constexpr (std::is_same_v<T, bfloat16_t>)
      return bfloat16_t::from_bits(static_cast<uint16_t>(bits));
    else if constexpr (std::is_same_v<T, half>)
      return half::from_bits(static_cast<uint16_t>(bits));
    else
      return static_cast<T>(bits);
  }
  switch (pv) {
  case PadValue::Min:
    if constexpr (std::numeric_limits<T>::has_infinity)
      return -std::numeric_limits<T>::infinity();
    else
      return std::numeric_limits<T>::lowest();
  case PadValue::Max:
    if constexpr (std::numeric_limits<T>::has_infinity)
      return std::numeric_limits<T>::infinity();
    else
      return std::numeric_limits<T>::max();
  default:
    return T(0);
  }
}

} // namespace sim
} // namespace pto
