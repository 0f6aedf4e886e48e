"""The Python API page runs as written, and so does the example that edits the pipeline."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_python_api_page_snippets_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "python-api.md").read_text(), re.S)
    assert len(blocks) >= 6
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "docs/python-api.md", "exec"), namespace)  # noqa: S102
    assert (tmp_path / "out" / "mqa" / "manifest.json").is_file()


def test_compare_strategies_example(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as info:
        runpy.run_path(str(ROOT / "examples" / "compare_strategies.py"), run_name="__main__")
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.count("PASS") == 2
