"""The README's module map names every module of the library and the book layer (and no module that is gone)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _section(text: str) -> str:
    return text[text.index("## Untuk pengembang"):]


def test_every_module_is_in_the_module_map():
    section = _section((ROOT / "README.md").read_text(encoding="utf-8"))
    named = set(re.findall(r"`([a-z_]+\.py)`", section))
    modules = {p.name for folder in ("agregat", "macros") for p in (ROOT / folder).glob("*.py")} | {"build.py"}
    assert sorted(modules - named) == [], "modul tanpa baris di README (Untuk pengembang)"
    assert sorted(named - modules) == [], "README menyebut modul yang tidak ada"
