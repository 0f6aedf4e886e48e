# ptoattn: the two commands of the README.
#   make demo   install everything, then run the main job
#   make test   install everything, then run every test (pytest, which runs lit once over test/)
#   make lint   the project's checks: ruff (lint, format) and mypy on python/ and bench/,
#               clang-format on the C++ (all pinned, from PyPI)
#   make format ruff (fixes, format) on python/ and bench/, clang-format on the C++
#   make test-sanitize   the same with the simulator built with ASan+UBSan (PTOATTN_SIM_SANITIZE=1)
#
# Everything is installed into .venv from the package registries; nothing on the machine
# besides Python 3.11, g++ and cmake is assumed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check
STAMP  := $(VENV)/.ptoattn-installed
LINT_STAMP := $(VENV)/.ptoattn-lint-installed
BIN    := $(VENV)/bin
PY_CHECKED := python bench
CXX_CHECKED = $(shell find dialect passes capi tools python/src sim -type f \
                \( -name '*.h' -o -name '*.hpp' -o -name '*.cpp' -o -name '*.c' \))

# Reinstall when anything that goes into the wheel changes.
SOURCES := pyproject.toml CMakeLists.txt $(shell find capi dialect passes tools python sim \
             -type f \( -name '*.td' -o -name '*.h' -o -name '*.cpp' -o -name '*.py' \
             -o -name '*.hpp' -o -name 'CMakeLists.txt' \) 2>/dev/null)

# PTOATTN_SIM_SANITIZE=1 make test: the simulator's runtime, kernels and orchestrations are
# built with ASan+UBSan and dlopen()ed into pytest, so the ASan runtime must be loaded first.
ifeq ($(PTOATTN_SIM_SANITIZE),1)
# libstdc++ too: ASan intercepts C++ throws (the MLIR bindings throw) only if it is loaded first.
TEST_ENV := LD_PRELOAD="$$($(CXX) -print-file-name=libasan.so) $$($(CXX) -print-file-name=libstdc++.so)" \
            ASAN_OPTIONS=detect_leaks=0$(if $(ASAN_OPTIONS),:$(ASAN_OPTIONS))
endif

.PHONY: install test test-sanitize lint format demo clean

install: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) $(SOURCES)
	$(PIP) install -q $$($(PY) -c "import tomllib; print(' '.join(tomllib.load(open('pyproject.toml', 'rb'))['build-system']['requires']))")
	$(PIP) install -q --no-build-isolation '.[test]'
	@touch $@

test: install
	$(TEST_ENV) $(PY) -m pytest

test-sanitize:
	$(MAKE) test PTOATTN_SIM_SANITIZE=1

# The checkers (the `lint` extra of pyproject.toml), the package's dependencies and the test
# extra, which mypy reads (numpy, hypothesis for bench/fuzz.py, ...). mypy checks ptoattn from
# python/, so lint builds nothing and stays fast after a C++ edit.
$(LINT_STAMP): $(PY) pyproject.toml
	$(PIP) install -q $$($(PY) -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; d = p['optional-dependencies']; print(' '.join(p['dependencies'] + d['test'] + d['lint']))")
	@touch $@

lint: $(LINT_STAMP)
	$(BIN)/ruff check $(PY_CHECKED)
	$(BIN)/ruff format --check $(PY_CHECKED)
	$(BIN)/mypy
	@echo "clang-format --dry-run --Werror <the C++ of dialect passes capi tools python/src sim>"
	@$(BIN)/clang-format --dry-run --Werror $(CXX_CHECKED)

# Rewrites python/ and bench/ with ruff and the C++ with clang-format (.clang-format).
format: $(LINT_STAMP)
	$(BIN)/ruff check --fix $(PY_CHECKED)
	$(BIN)/ruff format $(PY_CHECKED)
	$(BIN)/clang-format -i $(CXX_CHECKED)

demo: install
	$(PY) examples/demo.py

clean:
	rm -rf build
