"""bfloat16 in the simulator headers is a real 16-bit type with round-to-nearest-even.

The trap this guards against: PTO-ISA's own CPU headers fall back to _Float16 on gcc < 13,
which silently changes every bf16 number. Each assertion below fails for an fp16 or fp32
substitute.
"""

from __future__ import annotations

import ctypes
import textwrap
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

from ptoattn.sim import toolchain

SRC = textwrap.dedent(r"""
    #include <pto/pto-inst.hpp>
    #include <type_traits>
    static_assert(!std::is_same_v<bfloat16_t, _Float16>, "bf16 must not be fp16");
    static_assert(!std::is_floating_point_v<bfloat16_t>, "bf16 must not be a native float type");
    extern "C" int bf16_size() { return sizeof(bfloat16_t); }
    extern "C" unsigned bf16_bits(float f) { bfloat16_t b(f); unsigned short u; __builtin_memcpy(&u, &b, 2); return u; }
    extern "C" float bf16_value(unsigned short u) { return static_cast<float>(bfloat16_t::from_bits(u)); }
    extern "C" void bf16_array(const float *in, unsigned short *out, int n) {
        for (int i = 0; i < n; i++) out[i] = bf16_bits(in[i]);
    }
    extern "C" unsigned bf16_round_away(float f) {
        return pto::sim::convert<bfloat16_t>(f, pto::RoundMode::CAST_ROUND).bits;
    }
""")


@pytest.fixture(scope="module")
def lib(tmp_path_factory) -> ctypes.CDLL:
    d = tmp_path_factory.mktemp("bf16")
    src = d / "bf16_probe.cpp"
    src.write_text(SRC)
    res = toolchain.build_all([toolchain.BuildJob("bf16 probe", (src,))])[0]
    lib = ctypes.CDLL(str(res.path))
    lib.bf16_bits.argtypes = [ctypes.c_float]
    lib.bf16_bits.restype = ctypes.c_uint
    lib.bf16_value.argtypes = [ctypes.c_ushort]
    lib.bf16_value.restype = ctypes.c_float
    lib.bf16_round_away.argtypes = [ctypes.c_float]
    lib.bf16_round_away.restype = ctypes.c_uint
    return lib


def test_bf16_is_16_bits(lib):
    assert lib.bf16_size() == 2


def test_value_that_fp16_keeps_but_bf16_rounds(lib):
    # 1 + 2^-9 is exact in fp16 (10 mantissa bits) but not in bf16 (7 bits): it must round to 1.0.
    x = 1.0 + 2.0 ** -9
    assert float(np.float16(x)) == x
    assert lib.bf16_bits(x) == 0x3F80
    assert lib.bf16_value(lib.bf16_bits(x)) == 1.0


def test_range_beyond_fp16(lib):
    # fp16 overflows above 65504; bf16 has fp32's exponent range.
    assert lib.bf16_bits(65536.0) == 0x4780
    assert lib.bf16_bits(1e30) == 0x714A  # fp32 bits 0x7149F2CA: low half > 0x8000 rounds up
    assert lib.bf16_value(0x7F7F) == pytest.approx(3.3895e38, rel=1e-3)


def test_round_to_nearest_even_ties(lib):
    assert lib.bf16_bits(1.0 + 2.0 ** -8) == 0x3F80        # tie between 0x3F80 and 0x3F81 -> even
    assert lib.bf16_bits(1.0 + 3 * 2.0 ** -8) == 0x3F82    # tie between 0x3F81 and 0x3F82 -> even
    assert lib.bf16_round_away(1.0 + 2.0 ** -8) == 0x3F81  # CAST_ROUND: ties away from zero


def test_nan_and_inf(lib):
    assert lib.bf16_bits(float("inf")) == 0x7F80
    assert lib.bf16_bits(float("-inf")) == 0xFF80
    assert (lib.bf16_bits(float("nan")) & 0x7F80) == 0x7F80 and (lib.bf16_bits(float("nan")) & 0x7F) != 0


def test_matches_ml_dtypes_bit_for_bit(lib):
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.standard_normal(20000).astype(np.float32),
                        rng.uniform(-1e-38, 1e-38, 2000).astype(np.float32),  # subnormals
                        (rng.standard_normal(2000) * 1e30).astype(np.float32)])
    out = np.zeros(x.size, dtype=np.uint16)
    lib.bf16_array(x.ctypes.data_as(ctypes.c_void_p), out.ctypes.data_as(ctypes.c_void_p), x.size)
    expect = x.astype(ml_dtypes.bfloat16).view(np.uint16)
    np.testing.assert_array_equal(out, expect)
