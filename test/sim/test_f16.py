"""`half` in the simulator headers is a real IEEE binary16 type, and every conversion between
f16, bf16 and f32 rounds once, in the RoundMode the instruction names.

The trap this guards against: PTO-ISA's CPU headers spell half as the host's _Float16, and a
hand-rolled fallback to float would keep 13 extra mantissa bits. Each assertion below fails
for an fp32 or bf16 substitute, and the bulk checks compare every rounding mode with an
oracle written here (neighbours on the target's grid of values), independent of the headers.
"""

from __future__ import annotations

import ctypes
import textwrap

import ml_dtypes
import numpy as np
import pytest

from ptoattn.sim import toolchain

SRC = textwrap.dedent(r"""
    #include <pto/pto-inst.hpp>
    #include <type_traits>
    static_assert(!std::is_same_v<half, _Float16>, "half must not be the host's _Float16");
    static_assert(!std::is_floating_point_v<half>, "half must not be a native float type");
    static_assert(!std::is_same_v<half, bfloat16_t>, "half must not be bf16");
    using pto::RoundMode;
    extern "C" int f16_size() { return sizeof(half); }
    extern "C" unsigned f16_from_double(double d) { return half(d).bits; }
    extern "C" float f16_value(unsigned short u) { return static_cast<float>(half::from_bits(u)); }
    extern "C" void f32_to_f16(const float *in, unsigned short *out, int n, int mode) {
        for (int i = 0; i < n; i++) out[i] = pto::sim::convert<half>(in[i], RoundMode(mode)).bits;
    }
    extern "C" void f16_to_f32(const unsigned short *in, float *out, int n) {
        for (int i = 0; i < n; i++) out[i] = pto::sim::convert<float>(half::from_bits(in[i]));
    }
    extern "C" void f16_to_bf16(const unsigned short *in, unsigned short *out, int n, int mode) {
        for (int i = 0; i < n; i++) out[i] = pto::sim::convert<bfloat16_t>(half::from_bits(in[i]), RoundMode(mode)).bits;
    }
    extern "C" void bf16_to_f16(const unsigned short *in, unsigned short *out, int n, int mode) {
        for (int i = 0; i < n; i++) out[i] = pto::sim::convert<half>(bfloat16_t::from_bits(in[i]), RoundMode(mode)).bits;
    }
    extern "C" unsigned f16_sum(float a, float b) { half h(a); h += b; return h.bits; }
""")

# pto::RoundMode values (sim/include/pto/sim/types.hpp, same as PTO-ISA).
NONE, RINT, ROUND, FLOOR, CEIL, TRUNC, ODD = range(7)
MODES = [NONE, RINT, ROUND, FLOOR, CEIL, TRUNC, ODD]


@pytest.fixture(scope="module")
def lib(tmp_path_factory) -> ctypes.CDLL:
    d = tmp_path_factory.mktemp("f16")
    src = d / "f16_probe.cpp"
    src.write_text(SRC)
    res = toolchain.build_all([toolchain.BuildJob("f16 probe", (src,))])[0]
    lib = ctypes.CDLL(str(res.path))
    lib.f16_from_double.argtypes = [ctypes.c_double]
    lib.f16_from_double.restype = ctypes.c_uint
    lib.f16_value.argtypes = [ctypes.c_ushort]
    lib.f16_value.restype = ctypes.c_float
    lib.f16_sum.argtypes = [ctypes.c_float, ctypes.c_float]
    lib.f16_sum.restype = ctypes.c_uint
    return lib


def _ptr(a: np.ndarray):
    return a.ctypes.data_as(ctypes.c_void_p)


def _f32_to_f16(lib, x: np.ndarray, mode: int) -> np.ndarray:
    x = np.ascontiguousarray(x, dtype=np.float32)
    out = np.zeros(x.size, dtype=np.uint16)
    lib.f32_to_f16(_ptr(x), _ptr(out), x.size, mode)
    return out


def _grid(dtype) -> tuple[np.ndarray, np.ndarray, float]:
    """Non-negative values of a 16-bit float format in bit order (which is value order), with
    infinity standing in as the next power of two, so that overflow rounds like any value."""
    inf_bits = int(np.array(np.inf, dtype=dtype).view(np.uint16))
    bits = np.arange(inf_bits + 1, dtype=np.uint16)
    values = bits.view(dtype).astype(np.float64)
    beyond = 2.0 * 2.0 ** np.floor(np.log2(values[-2]))  # 65536 for f16, 2^128 for bf16
    values[-1] = beyond
    return bits, values, beyond


def _oracle(x: np.ndarray, dtype, mode: int) -> np.ndarray:
    """Bits of x (finite, any float type) rounded to ``dtype`` under ``mode``, by IEEE 754 rules."""
    bits, values, beyond = _grid(dtype)
    x = np.asarray(x, dtype=np.float64)
    a = np.abs(x)
    neg = np.signbit(x)
    lo = np.clip(np.searchsorted(values, a, side="right") - 1, 0, len(values) - 1)
    hi = np.minimum(lo + 1, len(values) - 1)
    big = a >= beyond  # past every finite value: the neighbours are max finite and infinity
    lo = np.where(big, len(values) - 2, lo)
    hi = np.where(big, len(values) - 1, hi)
    exact = (values[lo] == a) & ~big
    twice, mid = 2 * a, values[lo] + values[hi]  # both exact in float64
    if mode in (NONE, RINT):
        pick_hi = (twice > mid) | ((twice == mid) & (bits[lo] % 2 == 1))
    elif mode == ROUND:
        pick_hi = twice >= mid
    elif mode == TRUNC:
        pick_hi = np.zeros_like(exact)
    elif mode == FLOOR:
        pick_hi = neg.copy()
    elif mode == CEIL:
        pick_hi = ~neg
    else:  # ODD: the neighbour whose last bit is 1
        pick_hi = bits[hi] % 2 == 1
    mag = np.where(exact, bits[lo], np.where(pick_hi, bits[hi], bits[lo]))
    return (mag | np.where(neg, 0x8000, 0)).astype(np.uint16)


def _values() -> np.ndarray:
    """float32 values across f16's whole range and beyond, with exact ties and subnormals."""
    rng = np.random.default_rng(0)
    n = 20000
    spread = (rng.choice([-1.0, 1.0], n) * rng.uniform(1, 2, n)
              * 2.0 ** rng.integers(-30, 18, n)).astype(np.float32)
    f16 = rng.integers(0, 0x7bff, 4000).astype(np.uint16).view(np.float16).astype(np.float64)
    ulp = np.spacing(f16.astype(np.float16)).astype(np.float64)
    ties = (f16 + ulp / 2).astype(np.float32)  # 12 significant bits: exact in f32
    special = np.array([65504, 65519, 65519.996, 65520, 65536, 1e38, -1e38, 2.0 ** -24, 2.0 ** -25,
                        3 * 2.0 ** -26, 2.0 ** -25 * 1.0000001, 1e-40, -1e-45, 0.0, -0.0],
                       dtype=np.float32)
    subnormal = rng.uniform(-1e-38, 1e-38, 500).astype(np.float32)
    return np.concatenate([spread, ties, -ties, special, subnormal])


def test_half_is_16_bits(lib):
    assert lib.f16_size() == 2


def test_value_that_fp32_and_bf16_keep_but_fp16_rounds(lib):
    # 1 + 2^-11 is a tie in fp16 (10 mantissa bits): it rounds to even, 1.0. fp32 keeps it.
    assert lib.f16_from_double(1.0 + 2.0 ** -11) == 0x3C00
    assert lib.f16_from_double(1.0 + 3 * 2.0 ** -11) == 0x3C02
    # 1 + 2^-10 is exact in fp16 but not in bf16 (7 bits): a bf16 substitute would say 1.0.
    assert lib.f16_value(0x3C01) == 1.0 + 2.0 ** -10
    # The sum is rounded back to 16 bits: 2048 + 1 is not representable.
    assert lib.f16_sum(2048.0, 1.0) == 0x6800


def test_range_and_subnormals(lib):
    assert lib.f16_from_double(65504.0) == 0x7BFF
    assert lib.f16_from_double(65520.0) == 0x7C00  # the tie above the largest finite value
    assert lib.f16_from_double(65519.0) == 0x7BFF
    assert lib.f16_from_double(1e30) == 0x7C00     # bf16 and fp32 would keep it finite
    assert lib.f16_from_double(2.0 ** -24) == 0x0001
    assert lib.f16_from_double(2.0 ** -25) == 0x0000  # tie to even: zero
    assert lib.f16_from_double(3 * 2.0 ** -25) == 0x0002
    assert lib.f16_value(0x0001) == 2.0 ** -24
    assert lib.f16_value(0x03FF) == 1023 * 2.0 ** -24


def test_nan_and_inf(lib):
    assert lib.f16_from_double(float("inf")) == 0x7C00
    assert lib.f16_from_double(float("-inf")) == 0xFC00
    nan = lib.f16_from_double(float("nan"))
    assert (nan & 0x7C00) == 0x7C00 and (nan & 0x3FF) != 0
    # A signalling NaN whose payload lives only in the low bits must not turn into infinity.
    snan = np.array([0x7F800001], dtype=np.uint32).view(np.float32)
    out = _f32_to_f16(lib, snan, RINT)[0]
    assert (out & 0x7C00) == 0x7C00 and (out & 0x3FF) != 0
    assert np.isinf(lib.f16_value(0xFC00)) and lib.f16_value(0xFC00) < 0
    assert np.isnan(lib.f16_value(0x7E00))


def test_f32_to_f16_matches_numpy_bit_for_bit(lib):
    x = _values()
    with np.errstate(over="ignore"):
        expect = x.astype(np.float16).view(np.uint16)
    np.testing.assert_array_equal(_f32_to_f16(lib, x, RINT), expect)


@pytest.mark.parametrize("mode", MODES, ids=["none", "rint", "round", "floor", "ceil", "trunc", "odd"])
def test_f32_to_f16_every_round_mode(lib, mode: int):
    x = _values()
    np.testing.assert_array_equal(_f32_to_f16(lib, x, mode), _oracle(x, np.float16, mode))


def test_f16_to_f32_is_exact_for_every_value(lib):
    bits = np.arange(1 << 16, dtype=np.uint16)
    out = np.zeros(bits.size, dtype=np.float32)
    lib.f16_to_f32(_ptr(bits), _ptr(out), bits.size)
    expect = bits.view(np.float16).astype(np.float32)
    finite = ~np.isnan(expect)
    np.testing.assert_array_equal(out[finite].view(np.uint32), expect[finite].view(np.uint32))
    assert np.isnan(out[~finite]).all()


@pytest.mark.parametrize("mode", MODES, ids=["none", "rint", "round", "floor", "ceil", "trunc", "odd"])
def test_f16_bf16_conversions_every_round_mode(lib, mode: int):
    bits = np.arange(1 << 16, dtype=np.uint16)
    to_bf16 = np.zeros(bits.size, dtype=np.uint16)
    lib.f16_to_bf16(_ptr(bits), _ptr(to_bf16), bits.size, mode)
    f16_values = bits.view(np.float16)
    finite = np.isfinite(f16_values)
    np.testing.assert_array_equal(to_bf16[finite], _oracle(f16_values[finite], ml_dtypes.bfloat16, mode))
    if mode == RINT:
        np.testing.assert_array_equal(to_bf16[finite],
                                      f16_values[finite].astype(ml_dtypes.bfloat16).view(np.uint16))

    to_f16 = np.zeros(bits.size, dtype=np.uint16)
    lib.bf16_to_f16(_ptr(bits), _ptr(to_f16), bits.size, mode)
    bf16_values = bits.view(ml_dtypes.bfloat16)
    finite = np.isfinite(bf16_values.astype(np.float32))
    np.testing.assert_array_equal(to_f16[finite],
                                  _oracle(bf16_values[finite].astype(np.float64), np.float16, mode))
    # Infinities and NaN survive both ways.
    assert np.isnan(to_f16[~finite & np.isnan(bf16_values.astype(np.float32))].view(np.float16)).all()
