"""ctypes binding of the simulator runtime library (sim/runtime/c_api.cpp)."""

from __future__ import annotations

import ctypes
import json
from pathlib import Path

import ml_dtypes
import numpy as np

from ptoattn.sim import toolchain
from ptoattn.sim.errors import SimError
from ptoattn.sim.report import RunReport
from ptoattn.sim.timing import SPAN_DTYPE, ModelReport, spans_from_pointer

# DataType enum values of the runtime (data_type.h).
_DTYPES = {
    np.dtype(np.float32): 0,
    np.dtype(np.float16): 1,
    np.dtype(np.int32): 2,
    np.dtype(np.int16): 3,
    np.dtype(np.int8): 4,
    np.dtype(np.uint8): 5,
    np.dtype(ml_dtypes.bfloat16): 6,
    np.dtype(np.int64): 7,
    np.dtype(np.uint64): 8,
    np.dtype(np.uint16): 9,
    np.dtype(np.uint32): 10,
    np.dtype(np.bool_): 11,
}

_libs: dict[str, ctypes.CDLL] = {}


def _lib(path: Path) -> ctypes.CDLL:
    key = str(path)
    if key not in _libs:
        toolchain.check_sanitizer_runtime()
        lib = ctypes.CDLL(key)
        lib.ptosim_last_error.restype = ctypes.c_char_p
        lib.ptosim_create.restype = ctypes.c_void_p
        lib.ptosim_create.argtypes = [ctypes.c_char_p]
        lib.ptosim_destroy.argtypes = [ctypes.c_void_p]
        lib.ptosim_load_orchestration.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.ptosim_load_kernel.argtypes = [
            ctypes.c_void_p,
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.c_char_p,
        ]
        lib.ptosim_run.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_int64),
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.POINTER(ctypes.c_uint64),
            ctypes.c_int,
        ]
        lib.ptosim_report.restype = ctypes.c_void_p
        lib.ptosim_report.argtypes = [ctypes.c_void_p]
        lib.ptosim_free.argtypes = [ctypes.c_void_p]
        lib.ptosim_spans.restype = ctypes.c_void_p
        lib.ptosim_spans.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int64)]
        lib.ptosim_model_graph.restype = ctypes.c_void_p
        lib.ptosim_model_graph.argtypes = [ctypes.c_char_p, ctypes.c_int, *[ctypes.c_void_p] * 6]
        lib.ptosim_model_summary.restype = ctypes.c_void_p
        lib.ptosim_model_summary.argtypes = [ctypes.c_void_p]
        lib.ptosim_model_spans.restype = ctypes.c_void_p
        lib.ptosim_model_spans.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int64)]
        lib.ptosim_model_free.argtypes = [ctypes.c_void_p]
        if lib.ptosim_span_size() != SPAN_DTYPE.itemsize:
            raise SimError(
                f"{key}: timeline span layout differs from ptoattn.sim.timing.SPAN_DTYPE"
            )
        _libs[key] = lib
    return _libs[key]


def scalar_bits(value) -> int:
    """A scalar as the runtime's 64-bit slot: floats keep their fp32 bit pattern."""
    if isinstance(value, (float, np.floating)):
        return int(np.array(value, dtype=np.float32).view(np.uint32))
    if isinstance(value, (bool, np.bool_)):
        return int(bool(value))
    if isinstance(value, (int, np.integer)):
        return int(value) & 0xFFFFFFFFFFFFFFFF
    raise SimError(f"scalar argument {value!r}: expected a float or an int")


class NativeRuntime:
    """One runtime instance: loaded orchestration + kernels, run, report."""

    def __init__(self, lib_path: Path, options: str):
        self._lib = _lib(lib_path)
        self._h = self._lib.ptosim_create(options.encode())
        self._kernel_names: dict[int, str] = {}
        if not self._h:
            raise SimError(self._lib.ptosim_last_error().decode())

    def close(self) -> None:
        if getattr(self, "_h", None):  # not set when __init__ failed
            self._lib.ptosim_destroy(self._h)
            self._h = None

    def __del__(self):
        self.close()

    def load_orchestration(self, path: Path) -> None:
        if self._lib.ptosim_load_orchestration(self._h, str(path).encode()) != 0:
            raise SimError(self._lib.ptosim_last_error().decode())

    def load_kernel(self, func_id: int, name: str, core: str, path: Path) -> None:
        self._kernel_names[func_id] = name
        if core not in ("aic", "aiv"):
            raise SimError(f"kernel {name}: core_type must be 'aic' or 'aiv', got {core!r}")
        rc = self._lib.ptosim_load_kernel(
            self._h, func_id, name.encode(), 0 if core == "aic" else 1, str(path).encode()
        )
        if rc != 0:
            raise SimError(self._lib.ptosim_last_error().decode())

    def run(self, tensors: list[tuple[str, np.ndarray]], scalars: list) -> RunReport:
        rows = np.zeros((max(1, len(tensors)), 8), dtype=np.int64)
        for i, (name, arr) in enumerate(tensors):
            if not arr.flags.c_contiguous:
                raise SimError(f"{name}: the simulator needs a C-contiguous array")
            if arr.dtype not in _DTYPES:
                raise SimError(
                    f"{name}: dtype {arr.dtype} is not supported (use one of "
                    f"{', '.join(sorted(str(d) for d in _DTYPES))})"
                )
            if not 1 <= arr.ndim <= 5:
                raise SimError(f"{name}: rank {arr.ndim} is not supported (1..5)")
            rows[i, 0] = arr.ctypes.data
            rows[i, 1] = arr.ndim
            rows[i, 2] = _DTYPES[arr.dtype]
            rows[i, 3 : 3 + arr.ndim] = arr.shape
        names = "\n".join(n for n, _ in tensors).encode()
        sc = (ctypes.c_uint64 * max(1, len(scalars)))(*[scalar_bits(s) for s in scalars])
        self._lib.ptosim_run(
            self._h,
            rows.ctypes.data_as(ctypes.POINTER(ctypes.c_int64)),
            len(tensors),
            names,
            sc,
            len(scalars),
        )
        raw = self._lib.ptosim_report(self._h)
        try:
            text = ctypes.string_at(raw).decode()
        finally:
            self._lib.ptosim_free(raw)
        data = json.loads(text)
        report = RunReport.from_json(data)
        count = ctypes.c_int64()
        spans = spans_from_pointer(
            self._lib.ptosim_spans(self._h, ctypes.byref(count)), count.value
        )
        report.model = ModelReport.from_native(data["model"], spans, dict(self._kernel_names))
        return report
