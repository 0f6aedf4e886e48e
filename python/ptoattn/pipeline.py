"""An editable view of ``ptoattn-pipeline`` for scripting.

The pipeline itself is a C++ object registered by name; ``Pipeline.default`` asks MLIR to
expand it (so Python never keeps its own copy of the pass list), and the result can be edited
(insert, replace or drop passes, set options, add upstream passes by name) and run with a
snapshot of the IR after every step. ``str(pipeline)`` is a textual pipeline that
``ptoattn-opt -pass-pipeline=...`` replays unchanged.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tempfile
import time
from pathlib import Path

from mlir import ir
from mlir.passmanager import PassManager

from ptoattn import _extension  # noqa: F401  (registers ptoattn's passes)
from ptoattn.errors import PTOAttnError
from ptoattn.options import CompileOptions

__all__ = ["PassEntry", "Pipeline", "PipelineError", "Snapshot"]


class PipelineError(PTOAttnError):
    """A pipeline could not be built, edited or run."""


@dataclasses.dataclass(frozen=True)
class PassEntry:
    """One pass: its flag, its options, and the op it is nested under ("" = the module)."""

    name: str
    options: tuple[tuple[str, str], ...] = ()
    anchor: str = ""

    def text(self) -> str:
        opts = " ".join(f"{k}={v}" for k, v in self.options)
        return f"{self.name}{{{opts}}}" if opts else self.name

    def with_option(self, key: str, value: object) -> PassEntry:
        kept = tuple((k, v) for k, v in self.options if k != key)
        return dataclasses.replace(self, options=kept + ((key, str(value)),))


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """The IR after one pass, and how long the pass took."""

    pass_name: str
    ir: str
    seconds: float


def _split_top_level(text: str) -> list[str]:
    """Splits "a{x=1},b(c,d)" at the commas that are not inside braces or parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    tail = text[start:].strip()
    if tail:
        parts.append(tail)
    return parts


def _parse_entries(text: str, anchor: str = "") -> list[PassEntry]:
    entries = []
    for part in _split_top_level(text):
        brace, paren = part.find("{"), part.find("(")
        if paren != -1 and (brace == -1 or paren < brace):
            nested = part[:paren].strip()
            entries += _parse_entries(part[paren + 1 : part.rindex(")")], nested)
            continue
        if brace == -1:
            entries.append(PassEntry(part, (), anchor))
            continue
        options = []
        for item in _split_options(part[brace + 1 : part.rindex("}")]):
            key, _, value = item.partition("=")
            options.append((key.strip(), value.strip()))
        entries.append(PassEntry(part[:brace].strip(), tuple(options), anchor))
    return entries


def _split_options(text: str) -> list[str]:
    """Options are separated by spaces, except inside braces or quotes."""
    items, depth, current, quote = [], 0, "", False
    for ch in text:
        if ch == '"':
            quote = not quote
        if ch in "{[" and not quote:
            depth += 1
        elif ch in "}]" and not quote:
            depth -= 1
        if ch == " " and depth == 0 and not quote:
            if current:
                items.append(current)
            current = ""
        else:
            current += ch
    if current:
        items.append(current)
    return items


_DUMP_PREFIX = re.compile(r"^[0-9]+(_[0-9]+)*_")


def _read_snapshots(
    tree: Path, entries: list[PassEntry], start_ns: int, final_ir: str
) -> list[Snapshot]:
    """The IR after each entry, from the IR printer's tree of dumps.

    The printer writes one file per pass run, in the order the passes ran (one thread): a
    module pass's dump sits in the module's folder, a nested pass's dumps in one folder per
    op it ran on. MLIR runs adjacent passes with the same anchor as one nested pipeline, op
    by op, so their dumps interleave; the module after such a pass is its dump on the last op.
    Seconds are the time between consecutive dumps (the pass and its printing).
    """
    files = sorted((p.stat().st_mtime_ns, p) for p in tree.rglob("*.mlir"))
    root = min((p.parent for _, p in files), key=lambda d: len(d.parts), default=tree)

    def pass_name(path: Path) -> str:
        return _DUMP_PREFIX.sub("", path.stem)

    def text(path: Path) -> str:
        body = path.read_text()
        return body.split("\n", 1)[1] if body.startswith("// -----//") else body

    taken: list[Snapshot] = []
    i, previous_ns, last_ir = 0, start_ns, ""
    k = 0
    while k < len(entries):
        entry = entries[k]
        if not entry.anchor:
            if i < len(files) and files[i][1].parent == root:
                stamp, path = files[i]
                last_ir = text(path)
                taken.append(Snapshot(entry.name, last_ir, (stamp - previous_ns) / 1e9))
                previous_ns, i = stamp, i + 1
            else:
                taken.append(Snapshot(entry.name, last_ir or final_ir, 0.0))
            k += 1
            continue
        group = [e for e in entries[k:]]
        group = group[
            : next((n for n, e in enumerate(group) if e.anchor != entry.anchor), len(group))
        ]
        run = []
        while i < len(files) and files[i][1].parent != root:
            run.append(files[i])
            i += 1
        for member in group:
            mine = [(stamp, path) for stamp, path in run if pass_name(path) == member.name]
            if mine:
                stamp, path = mine[-1]
                last_ir = text(path)
                taken.append(Snapshot(member.name, last_ir, (stamp - previous_ns) / 1e9))
                previous_ns = stamp
            else:
                taken.append(Snapshot(member.name, last_ir or final_ir, 0.0))
        k += len(group)
    return taken


@functools.cache
def _expansion_context() -> ir.Context:
    """One context for expanding pipeline texts: creating a context costs about as much as
    lowering a small module, and auto expands one pipeline per candidate."""
    return ir.Context()


class Pipeline:
    """An ordered list of passes, edited by pass name."""

    def __init__(self, entries: list[PassEntry]) -> None:
        self.entries = list(entries)

    @classmethod
    def default(cls, options: CompileOptions | None = None) -> Pipeline:
        """``ptoattn-pipeline`` with ``options``, expanded into its passes by MLIR."""
        options = options or CompileOptions()
        return cls.expand(f"builtin.module(ptoattn-pipeline{{{options.pipeline_options()}}})")

    @classmethod
    def expand(cls, text: str) -> Pipeline:
        """A textual pipeline naming registered pipelines (``ptoattn-lower``,
        ``ptoattn-emit``), expanded by MLIR into its passes."""
        with _expansion_context():
            try:
                expanded = str(PassManager.parse(text))
            except ValueError as err:
                raise PipelineError(str(err)) from None
        return cls.parse(expanded)

    @classmethod
    def parse(cls, text: str) -> Pipeline:
        """From a textual pipeline such as ``builtin.module(attn-tile,cse)``."""
        text = text.strip()
        if not text.startswith("builtin.module(") or not text.endswith(")"):
            raise PipelineError(f"expected 'builtin.module(...)', got {text!r}")
        return cls(_parse_entries(text[len("builtin.module(") : -1]))

    def __str__(self) -> str:
        parts: list[str] = []
        for entry in self.entries:
            parts.append(f"{entry.anchor}({entry.text()})" if entry.anchor else entry.text())
        return f"builtin.module({','.join(parts)})"

    @property
    def pass_names(self) -> list[str]:
        return [e.name for e in self.entries]

    def _index(self, name: str) -> int:
        for i, entry in enumerate(self.entries):
            if entry.name == name:
                return i
        raise PipelineError(
            f"no pass {name!r} in the pipeline; passes: {', '.join(self.pass_names)}"
        )

    def insert(
        self, entry: PassEntry | str, *, before: str | None = None, after: str | None = None
    ) -> Pipeline:
        """Inserts a pass (a PassEntry or a textual pass such as "cse") before/after a pass
        named in the pipeline, or at the end."""
        if isinstance(entry, str):
            (entry,) = _parse_entries(entry)
        if before is not None and after is not None:
            raise PipelineError("give before= or after=, not both")
        index = len(self.entries)
        if before is not None:
            index = self._index(before)
        elif after is not None:
            index = self._index(after) + 1
        self.entries.insert(index, entry)
        return self

    def replace(self, name: str, entry: PassEntry | str) -> Pipeline:
        if isinstance(entry, str):
            (entry,) = _parse_entries(entry)
        self.entries[self._index(name)] = entry
        return self

    def drop(self, name: str) -> Pipeline:
        del self.entries[self._index(name)]
        return self

    def set_option(self, name: str, key: str, value: object) -> Pipeline:
        i = self._index(name)
        self.entries[i] = self.entries[i].with_option(key, value)
        return self

    def run(self, module: ir.Module, *, snapshots: bool = False) -> list[Snapshot]:
        """Runs the passes on ``module`` in place; with ``snapshots``, records the IR after
        each pass with MLIR's own IR printer (one run of the whole pipeline). Errors raise
        CompileError with a replay command."""
        from ptoattn.compiler import run_pipeline

        if not snapshots:
            run_pipeline(module, str(self))
            return []
        with tempfile.TemporaryDirectory(prefix="ptoattn-ir-") as tmp:
            start = time.time_ns()
            run_pipeline(module, str(self), ir_tree=Path(tmp))
            return _read_snapshots(Path(tmp), self.entries, start, str(module))
