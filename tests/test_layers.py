"""The package layout is the architecture: `agregat.<layer>` modules import only their own layer and the
layers below (core < sumber < edisi < buku < pengesahan < cli), there is no import cycle, and `macros/`
is only the mkdocs-macros/MkDocs shim over `agregat.buku`."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("core", "sumber", "edisi", "buku", "pengesahan", "cli")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted((ROOT / "agregat").rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """The agregat/macros modules `path` imports, wherever in the file (lazy imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: impor relatif — tulis impor absolut agregat.<lapisan>.<modul>"
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found |= {n for n in names if n and n.split(".")[0] in ("agregat", "macros")}
    return found


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_module_lives_in_a_layer():
    loose = [m for m in MODULES if m not in ("agregat", "agregat.__main__") and _layer(m) is None]
    assert loose == [], f"modul di luar lapisan {LAYERS}"


def test_no_upward_import():
    upward = []
    for module, path in MODULES.items():
        for target in _imports(path):
            assert not target.startswith("macros"), f"{module} mengimpor shim macros/ ({target})"
            mine, theirs = _layer(module), _layer(target)
            if mine is not None and theirs is not None and theirs > mine:
                upward.append(f"{module} → {target}")
    assert upward == []


def test_no_import_cycle():
    graph = {m: {t for t in _imports(p) if t in MODULES and t != m} for m, p in MODULES.items()}
    state: dict[str, int] = {}   # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            assert state.get(target) != 1, "siklus impor: " + " → ".join(path[path.index(target):] + [target])
            if target not in state:
                visit(target, path + [target])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_macros_is_only_a_shim():
    for path in sorted((ROOT / "macros").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        assert defined == [], f"macros/{path.name} mendefinisikan {defined}: tempatnya di agregat/buku/"


def test_the_layer_test_sees_imports(tmp_path):
    """The walker itself: a lazy upward import inside a function is found."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from agregat.cli.main import main\n    import agregat.buku.build\n", "utf-8")
    assert _imports(probe) == {"agregat.cli.main", "agregat.cli.main.main", "agregat.buku.build"}
