// ptoattn simulator runtime: do two views of the same buffer share elements?
#pragma once

#include "tensor.h"

namespace ptosim {

enum class Overlap { NONE, COVERED, PARTIAL };

// `probe` against an existing region `e` (both views of buffers with the same base address).
// Byte ranges decide first; views with identical nested strides are refined per dimension.
inline Overlap tensor_overlap(const ChipTensor &probe, const ChipTensor &e) {
  const uint64_t pes = get_element_size(probe.dtype), ees = get_element_size(e.dtype);
  const uint64_t p0 = probe.start_offset * pes,
                 p1 = (probe.start_offset + probe.extent_elem()) * pes;
  const uint64_t e0 = e.start_offset * ees, e1 = (e.start_offset + e.extent_elem()) * ees;
  if (p1 <= e0 || e1 <= p0 || p0 == p1 || e0 == e1)
    return Overlap::NONE;
  const bool whole = p0 <= e0 && e1 <= p1;
  if (probe.is_contiguous && e.is_contiguous)
    return whole ? Overlap::COVERED : Overlap::PARTIAL;
  if (probe.ndims != e.ndims || pes != ees)
    return Overlap::PARTIAL;
  for (uint32_t i = 0; i < e.ndims; i++)
    if (probe.strides[i] != e.strides[i])
      return Overlap::PARTIAL;
  for (uint32_t i = 1; i < e.ndims; i++)
    if (e.strides[i] == 0 || e.strides[i - 1] % e.strides[i] != 0)
      return Overlap::PARTIAL;
  // Decompose both origins into per-dimension coordinates and intersect the boxes.
  uint64_t po = probe.start_offset, eo = e.start_offset;
  bool covered = true;
  for (uint32_t i = 0; i < e.ndims; i++) {
    const uint64_t pc = po / e.strides[i], ec = eo / e.strides[i];
    po -= pc * e.strides[i];
    eo -= ec * e.strides[i];
    const uint64_t pa = pc, pb = pc + probe.shapes[i], ea = ec, eb = ec + e.shapes[i];
    if (pb <= ea || eb <= pa)
      return Overlap::NONE;
    if (!(pa <= ea && eb <= pb))
      covered = false;
  }
  return covered ? Overlap::COVERED : Overlap::PARTIAL;
}

} // namespace ptosim
