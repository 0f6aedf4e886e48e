// ptoattn simulator: element types of runtime tensors (names and values follow simpler).
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

constexpr int MAX_TENSOR_DIMS = 5;

enum class AddressSpace : uint8_t { HOST = 0, DEVICE = 1 };

enum class DataType : uint8_t {
  FLOAT32,
  FLOAT16,
  INT32,
  INT16,
  INT8,
  UINT8,
  BFLOAT16,
  INT64,
  UINT64,
  UINT16,
  UINT32,
  BOOL,
  DATA_TYPE_NUM,
};

inline uint64_t get_element_size(DataType dt) {
  switch (dt) {
  case DataType::FLOAT32:
  case DataType::INT32:
  case DataType::UINT32:
    return 4;
  case DataType::FLOAT16:
  case DataType::INT16:
  case DataType::UINT16:
  case DataType::BFLOAT16:
    return 2;
  case DataType::INT8:
  case DataType::UINT8:
  case DataType::BOOL:
    return 1;
  case DataType::INT64:
  case DataType::UINT64:
    return 8;
  default:
    return 0;
  }
}

inline const char *get_dtype_name(DataType dt) {
  static const char *const names[] = {"FLOAT32",  "FLOAT16", "INT32",  "INT16",  "INT8",   "UINT8",
                                      "BFLOAT16", "INT64",   "UINT64", "UINT16", "UINT32", "BOOL"};
  const unsigned i = static_cast<unsigned>(dt);
  return i < sizeof(names) / sizeof(names[0]) ? names[i] : "UNKNOWN";
}

template <typename T>
inline constexpr bool is_supported_scalar_arg_v =
    std::is_arithmetic_v<std::remove_cv_t<std::remove_reference_t<T>>> ||
    std::is_enum_v<std::remove_cv_t<std::remove_reference_t<T>>>;

// Scalars travel as 64-bit slots: floating-point values keep their bit pattern in the low
// bytes (a float scale is its fp32 bits), integers are converted.
template <typename T> inline uint64_t to_u64(T v) {
  using U = std::remove_cv_t<std::remove_reference_t<T>>;
  if constexpr (std::is_floating_point_v<U>) {
    uint64_t r = 0;
    std::memcpy(&r, &v, sizeof(U));
    return r;
  } else if constexpr (std::is_enum_v<U>) {
    return static_cast<uint64_t>(static_cast<std::underlying_type_t<U>>(v));
  } else {
    return static_cast<uint64_t>(v);
  }
}

template <typename T> inline T from_u64(uint64_t v) {
  if constexpr (std::is_floating_point_v<T>) {
    T r;
    std::memcpy(&r, &v, sizeof(T));
    return r;
  } else {
    return static_cast<T>(v);
  }
}
