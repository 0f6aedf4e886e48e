# ptoattn: the two commands of the README.
#   make demo   install everything, then run the main job
#   make test   install everything, then run every test (pytest, which runs lit)
#
# Everything is installed into .venv from the package registries; nothing on the machine
# besides Python 3.11, g++ and cmake is assumed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check
STAMP  := $(VENV)/.ptoattn-installed

# Reinstall when anything that goes into the wheel changes.
SOURCES := pyproject.toml CMakeLists.txt $(shell find capi dialect passes tools python sim \
             -type f \( -name '*.td' -o -name '*.h' -o -name '*.cpp' -o -name '*.py' \
             -o -name '*.hpp' -o -name 'CMakeLists.txt' \) 2>/dev/null)

.PHONY: install test demo clean

install: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) $(SOURCES)
	$(PIP) install -q $$($(PY) -c "import tomllib; print(' '.join(tomllib.load(open('pyproject.toml', 'rb'))['build-system']['requires']))")
	$(PIP) install -q --no-build-isolation '.[test]'
	@touch $@

test: install
	$(PY) -m pytest

demo: install
	$(PY) examples/demo.py

clean:
	rm -rf build
