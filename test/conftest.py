"""Settings every test shares."""

import os

# Emitted kernels and orchestrations run on the simulator are built with -Wall -Wextra -Werror
# (toolchain.WARNINGS_AS_ERRORS), so a warning in emitted code fails the tests instead of creeping
# in. Subprocesses (the CLI) inherit it.
os.environ.setdefault("PTOATTN_SIM_WERROR", "1")
