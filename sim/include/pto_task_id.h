// ptoattn simulator: 64-bit task id, (ring << 32) | local index, as in simpler's multi-ring
// runtime.
#pragma once

#include <cstdint>

struct PTO2TaskId {
  uint64_t raw;

  static constexpr PTO2TaskId make(uint32_t ring, uint32_t local) {
    return PTO2TaskId{(static_cast<uint64_t>(ring) << 32) | local};
  }
  static constexpr PTO2TaskId invalid() { return PTO2TaskId{~0ull}; }
  constexpr uint32_t ring() const { return static_cast<uint32_t>(raw >> 32); }
  constexpr uint32_t local() const { return static_cast<uint32_t>(raw); }
  constexpr bool is_valid() const { return raw != ~0ull; }
  constexpr bool operator==(PTO2TaskId o) const { return raw == o.raw; }
  constexpr bool operator!=(PTO2TaskId o) const { return raw != o.raw; }
};
