// ptoattn simulator: the runtime tensor descriptor (ChipTensor) shared by orchestration code,
// kernels and the runtime. Field names, order and the 128-byte size follow simpler's wire
// layout, because kernels read buffer.addr / start_offset / shapes[] directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "data_type.h"
#include "pto_task_id.h"

struct PTOBufferHandle {
  uint64_t addr; // base address of the underlying buffer
  uint64_t size; // its size in bytes
};

enum class TensorArgType : int32_t {
  INPUT = 0,
  OUTPUT = 1, // runtime-allocated from a TensorCreateInfo
  INOUT = 2,
  OUTPUT_EXISTING = 3, // add_output() of an existing tensor: depends on its creator only
  NO_DEP = 4,
};

struct alignas(64) ChipTensor {
  PTOBufferHandle buffer;
  PTO2TaskId owner_task_id; // creator task, invalid() for external tensors
  uint64_t start_offset;    // view origin, in elements from buffer.addr
  int32_t version;
  uint32_t ndims;
  DataType dtype;
  bool manual_dep;
  bool is_contiguous;
  AddressSpace address_space;
  uint32_t shapes[MAX_TENSOR_DIMS];
  uint64_t extent_elem_cache; // 1 + sum((shape_i - 1) * stride_i): elements the view can reach
  uint32_t strides[MAX_TENSOR_DIMS];
  uint8_t _pad_cl2[36];

  uint64_t numel() const {
    uint64_t n = 1;
    for (uint32_t i = 0; i < ndims; i++)
      n *= shapes[i];
    return n;
  }
  uint64_t extent_elem() const { return extent_elem_cache; }
  uint64_t nbytes() const { return numel() * get_element_size(dtype); }
  template <typename T> T *data_as() const {
    return reinterpret_cast<T *>(static_cast<uintptr_t>(buffer.addr));
  }
  uint64_t compute_flat_offset(const uint32_t idx[], uint32_t n) const {
    uint64_t off = start_offset;
    for (uint32_t d = 0; d < n && d < ndims; d++)
      off += static_cast<uint64_t>(idx[d]) * strides[d];
    return off;
  }

  // Recompute extent and contiguity after shapes/strides change.
  void refresh_derived() {
    uint64_t extent = 1, expect = 1;
    bool contig = true;
    for (int i = static_cast<int>(ndims) - 1; i >= 0; --i) {
      if (strides[i] != expect)
        contig = false;
      if (shapes[i] == 0)
        extent = 0;
      else if (extent)
        extent += static_cast<uint64_t>(shapes[i] - 1) * strides[i];
      expect *= shapes[i];
    }
    extent_elem_cache = extent;
    is_contiguous = contig;
  }

  void init_external(void *addr, uint64_t size_bytes, const uint32_t in_shapes[], uint32_t in_ndims,
                     DataType dt, int32_t ver = 0, bool manual = false,
                     AddressSpace as = AddressSpace::HOST) {
    std::memset(this, 0, sizeof(*this));
    buffer = {reinterpret_cast<uint64_t>(addr), size_bytes};
    owner_task_id = PTO2TaskId::invalid();
    ndims = in_ndims;
    dtype = dt;
    version = ver;
    manual_dep = manual;
    address_space = as;
    uint32_t s = 1;
    for (int i = static_cast<int>(in_ndims) - 1; i >= 0; --i) {
      shapes[i] = in_shapes[i];
      strides[i] = s;
      s *= in_shapes[i];
    }
    refresh_derived();
  }

  // A sub-block at per-dim offsets with new per-dim sizes; strides are kept. Views that would
  // leave the parent are the orchestration's bug; the runtime reports them at submit time.
  ChipTensor view(const uint32_t view_shapes[], const uint32_t view_offsets[],
                  bool manual = false) const {
    ChipTensor r = *this;
    bool empty = false;
    for (uint32_t i = 0; i < ndims; i++)
      empty = empty || view_shapes[i] == 0;
    for (uint32_t i = 0; i < ndims; i++) {
      if (!empty)
        r.start_offset += static_cast<uint64_t>(view_offsets[i]) * strides[i];
      r.shapes[i] = view_shapes[i];
    }
    r.manual_dep = manual;
    r.refresh_derived();
    return r;
  }

  ChipTensor reshape(const uint32_t new_shapes[], uint32_t new_ndims, bool manual = false) const {
    ChipTensor r = *this;
    r.ndims = new_ndims;
    uint32_t s = 1;
    for (int i = static_cast<int>(new_ndims) - 1; i >= 0; --i) {
      r.shapes[i] = new_shapes[i];
      r.strides[i] = s;
      s *= new_shapes[i];
    }
    r.manual_dep = manual;
    r.refresh_derived();
    return r;
  }

  ChipTensor transpose(uint32_t x, uint32_t y, bool manual = false) const {
    ChipTensor r = *this;
    uint32_t t = r.shapes[x];
    r.shapes[x] = r.shapes[y];
    r.shapes[y] = t;
    t = r.strides[x];
    r.strides[x] = r.strides[y];
    r.strides[y] = t;
    r.manual_dep = manual;
    r.refresh_derived();
    return r;
  }
};

static_assert(sizeof(ChipTensor) == 128, "ChipTensor is two 64-byte lines");
static_assert(offsetof(ChipTensor, owner_task_id) == 16 &&
                  offsetof(ChipTensor, start_offset) == 24 && offsetof(ChipTensor, ndims) == 36 &&
                  offsetof(ChipTensor, dtype) == 40 && offsetof(ChipTensor, shapes) == 44 &&
                  offsetof(ChipTensor, extent_elem_cache) == 64 &&
                  offsetof(ChipTensor, strides) == 72,
              "ChipTensor layout must match the runtime wire format");
static_assert(std::is_trivially_copyable_v<ChipTensor>, "ChipTensor must be trivially copyable");

inline ChipTensor make_tensor_external(void *addr, const uint32_t shapes[], uint32_t ndims,
                                       DataType dtype = DataType::FLOAT32, bool manual_dep = false,
                                       int32_t version = 0, AddressSpace as = AddressSpace::HOST) {
  uint64_t n = 1;
  for (uint32_t i = 0; i < ndims; i++)
    n *= shapes[i];
  ChipTensor t;
  t.init_external(addr, n * get_element_size(dtype), shapes, ndims, dtype, version, manual_dep, as);
  return t;
}

inline ChipTensor make_tensor_strided(void *addr, const uint32_t shapes[], const uint32_t strides[],
                                      uint32_t ndims, DataType dtype = DataType::FLOAT32,
                                      bool manual_dep = false, int32_t version = 0,
                                      AddressSpace as = AddressSpace::HOST) {
  ChipTensor t = make_tensor_external(addr, shapes, ndims, dtype, manual_dep, version, as);
  for (uint32_t i = 0; i < ndims; i++)
    t.strides[i] = strides[i];
  t.refresh_derived();
  t.buffer.size = t.extent_elem_cache * get_element_size(dtype);
  return t;
}
