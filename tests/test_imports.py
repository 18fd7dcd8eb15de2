"""The library never imports the command line: only `agregat/cli*.py` may import `agregat.cli.main*`."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imported(path: Path) -> set[str]:
    """Every module `path` imports (also inside functions), as absolute names."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return names


def test_no_library_module_imports_the_command_line():
    offenders = {}
    for folder in ("agregat", "macros"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.parent.name == "agregat" and path.name.startswith("cli"):
                continue
            found = sorted(n for n in _imported(path) if n.split(".")[:2][0] == "agregat"
                           and len(n.split(".")) > 1 and n.split(".")[1].startswith("cli"))
            if found:
                offenders[path.relative_to(ROOT).as_posix()] = found
    assert offenders == {}


def test_the_check_sees_relative_and_lazy_imports(tmp_path):
    sample = ROOT / "agregat" / "cli_pengesahan.py"
    assert "agregat.pengesahan.langkah" in _imported(sample) and "agregat.core.paths.shown" in _imported(sample)
    assert "agregat.cli.pengesahan" in _imported(ROOT / "agregat" / "cli.py")
