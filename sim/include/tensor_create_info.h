// ptoattn simulator: description of a runtime-allocated output (shape + dtype), as in simpler.
#pragma once

#include <cstdint>

#include "data_type.h"
#include "tensor.h"

class TensorCreateInfo {
public:
  TensorCreateInfo() = default;
  TensorCreateInfo(const uint32_t shapes_in[], uint32_t ndims_in,
                   DataType dtype_in = DataType::FLOAT32, bool manual_dep_in = false)
      : ndims(ndims_in), dtype(dtype_in), manual_dep(manual_dep_in) {
    for (uint32_t i = 0; i < ndims_in && i < MAX_TENSOR_DIMS; i++)
      shapes[i] = shapes_in[i];
  }

  template <typename T = uint64_t> void set_initial_value(T value) {
    has_initial_value = true;
    initial_value = to_u64(value);
  }

  uint64_t buffer_size_bytes() const {
    uint64_t n = 1;
    for (uint32_t i = 0; i < ndims; i++)
      n *= shapes[i];
    return n * get_element_size(dtype);
  }

  uint64_t initial_value = 0;
  bool has_initial_value = false;
  uint32_t ndims = 0;
  DataType dtype = DataType::FLOAT32;
  bool manual_dep = false;
  uint32_t shapes[MAX_TENSOR_DIMS] = {};
};
