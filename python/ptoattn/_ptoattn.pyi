# Types of the compiled extension (python/src/PTOAttnModule.cpp), for mypy and editors.
from typing import Any

__version__: str

def register_dialects(context: Any, load: bool = True) -> None: ...
def describe_target() -> str: ...
def describe_module(module: Any) -> str: ...
def model_schedule(
    module: Any,
    context_lens: list[int],
    max_blocks: int,
    clusters: int = 0,
    max_modeled_blocks: int = -1,
    prune_above_us: float = 0.0,
    memoize: bool = True,
) -> str: ...
def translate_to_cpp(op: Any, file_id: str = "") -> str | None: ...
