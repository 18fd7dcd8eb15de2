"""SIAK code lists: a register cell (a code number or its label, any case) → a category of the book.

Cells are resolved per distinct value (Arrow dictionary encoding), never per row, and cached across
chunks, so even a register of millions of rows resolves only a few thousand strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from agregat.core.config import REFERENSI_DIR

CODES_FILE = REFERENSI_DIR / "siak_codes.yml"
UNKNOWN_KODE = "?"
UNKNOWN_LABEL = "TIDAK DIKETAHUI"

_SPACES = re.compile(r"\s+")
_AROUND_SEPARATORS = re.compile(r"\s*([/\-])\s*")
_INTEGER = re.compile(r"0*([0-9]+)(?:\.0+)?")   # ASCII digits only: never ² or ٢


def normalize_value(value: str | None) -> str:
    """Upper case, blanks folded, no blanks around `/` or `-`; `01` and `1.0` become `1`. Only ASCII digits
    are digits: a cell such as `2²` or `٢` stays text (an unknown code), never a number."""
    if value is None:
        return ""
    text = _AROUND_SEPARATORS.sub(r"\1", _SPACES.sub(" ", str(value).strip().upper()))
    match = _INTEGER.fullmatch(text)
    if match:
        return str(int(match.group(1)))
    return text


def ascii_integer(text: str) -> int | None:
    """The value of a text of ASCII digits 0-9 only, else None (`str.isdigit` is True for `²`, which
    `int` refuses, and `int` reads `٢` as 2: neither is a SIAK code)."""
    return int(text) if text and text.isascii() and text.isdigit() else None


@dataclass(frozen=True)
class CodeList:
    """One SIAK list: categories in code order, and every accepted spelling → category index."""

    name: str
    kolom: str
    kategori: tuple[tuple[str, str], ...]
    lookup: dict[str, int]
    none_values: frozenset[str] = frozenset()

    def index(self, *kodes: str) -> tuple[int, ...] | int:
        """Category index of one SIAK code (or a tuple for several): rules name codes, never positions."""
        found = tuple([k for k, _ in self.kategori].index(kode) for kode in kodes)
        return found[0] if len(found) == 1 else found

    def resolve(self, value: str | None) -> int:
        """Category index, or -1 for a blank or unknown cell."""
        return self.lookup.get(normalize_value(value), -1)


def _code_list(name: str, spec: dict) -> CodeList:
    kategori = tuple((str(kode), str(label)) for kode, label in spec["kode"].items())
    lookup: dict[str, int] = {}
    for index, (kode, label) in enumerate(kategori):
        lookup[normalize_value(kode)] = index
        lookup[normalize_value(label)] = index
    for variant, kode in (spec.get("varian") or {}).items():
        lookup[normalize_value(variant)] = [k for k, _ in kategori].index(str(kode))
    none_values = frozenset(normalize_value(v) for v in spec.get("tidak_ada") or ())
    return CodeList(name, spec["kolom"], kategori, lookup, none_values)


@lru_cache(maxsize=4)
def load_code_lists(path: Path = CODES_FILE) -> dict[str, CodeList]:
    """Every code list of the reference file, keyed by its name (`agama`, `pendidikan`, …)."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return {name: _code_list(name, spec) for name, spec in raw.items()}


def map_distinct(array: pa.Array, resolve: Callable[[str | None], tuple], cache: dict, dtype) -> np.ndarray:
    """Apply `resolve` (one cell → a tuple of ints) once per distinct value; return an (n, k) array.

    Nulls are resolved as None. `cache` persists across chunks of the same column.
    """
    encoded = pc.dictionary_encode(array)
    distinct = encoded.dictionary.to_pylist() + [None]
    table = []
    for value in distinct:
        hit = cache.get(value)
        if hit is None:
            hit = cache[value] = resolve(value)
        table.append(hit)
    indices = encoded.indices.fill_null(len(distinct) - 1).to_numpy(zero_copy_only=False)
    return np.asarray(table, dtype=dtype).reshape(len(distinct), -1)[indices]
