"""The README's module map names every module of every layer under its own layer (and no module that is
gone), so the map a newcomer reads is the tree."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _section(text: str) -> str:
    return text[text.index("## Untuk pengembang"):]


def _layer_tables(section: str) -> dict[str, set[str]]:
    """`agregat/<layer>/` heading → the file names in the table under it."""
    parts = re.split(r"\*\*`agregat/([a-z_]+)/`\*\*", section)
    tables = {}
    for layer, body in zip(parts[1::2], parts[2::2]):
        first_cells = [line.split("|")[1] for line in body.splitlines() if line.startswith("| `")]
        tables[layer] = set(re.findall(r"`([a-z_]+\.(?:py|css))`", "\n".join(first_cells)))
    return tables


def test_every_module_is_in_its_layer_of_the_module_map():
    tables = _layer_tables(_section((ROOT / "README.md").read_text(encoding="utf-8")))
    layers = {p.name for p in (ROOT / "agregat").iterdir() if (p / "__init__.py").is_file()}
    assert sorted(tables) == sorted(layers), "setiap lapisan agregat/<lapisan>/ punya tabelnya di README"
    for layer in layers:
        files = {p.name for p in (ROOT / "agregat" / layer).iterdir()
                 if p.suffix in (".py", ".css") and p.name != "__init__.py"}
        assert sorted(files - tables[layer]) == [], f"modul agregat/{layer}/ tanpa baris di README"
        assert sorted(tables[layer] - files) == [], f"README menyebut modul agregat/{layer}/ yang tidak ada"
