"""The validation report: counts per problem kind (for the manifest) and the row-level list (internal).

The row-level list names row numbers and columns, never values, and is capped per kind so that a badly
broken register still gives a readable report; the counts are always exact.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from agregat.core.masalah import CATALOGUE, CODED_COLUMNS, EXCLUDED, EXCLUSIONS, PROBLEMS, UNKNOWN_CODE, WARNING, WARNINGS

MAX_LISTED_PER_KIND = 100_000


@dataclass
class Report:
    """Everything validation found in one register."""

    rows_read: int = 0
    kept: int = 0
    excluded: Counter = field(default_factory=Counter)
    warnings: Counter = field(default_factory=Counter)
    unknown_codes: Counter = field(default_factory=Counter)
    _listed: dict[tuple[str, str], list[np.ndarray]] = field(default_factory=dict)
    _listed_count: Counter = field(default_factory=Counter)

    def note(self, code: str, column: str, rows: np.ndarray) -> None:
        """Remember the rows (numbers only) that have one kind of problem in one column."""
        if len(rows) == 0:
            return
        key = (code, column)
        room = MAX_LISTED_PER_KIND - self._listed_count[key]
        if room > 0:
            self._listed.setdefault(key, []).append(np.asarray(rows[:room], dtype=np.int64))
            self._listed_count[key] += min(room, len(rows))

    def exclude(self, code: str, rows: np.ndarray) -> None:
        """Rows left out for an exclusion of the catalogue, noted at the catalogue's column."""
        problem = PROBLEMS[code]
        assert problem.severity == EXCLUDED, code
        self.excluded[code] += len(rows)
        self.note(code, problem.column, rows)

    def warn(self, code: str, rows: np.ndarray, column: str | None = None) -> None:
        """Rows that stay counted but have a warning of the catalogue, noted at the catalogue's column;
        `kode_tidak_dikenal` names its coded column (one of `CODED_COLUMNS`), and is counted per column."""
        problem = PROBLEMS[code]
        assert problem.severity == WARNING and (column in CODED_COLUMNS) == (code == UNKNOWN_CODE), (code, column)
        if code == UNKNOWN_CODE:
            self.unknown_codes[column] += len(rows)
        else:
            self.warnings[code] += len(rows)
        self.note(code, column or problem.column, rows)

    def add(self, later: Report) -> Report:
        """Add the report of the rows that come after these (counts add; row lists follow on, capped)."""
        self.rows_read += later.rows_read
        self.kept += later.kept
        self.excluded.update(later.excluded)
        self.warnings.update(later.warnings)
        self.unknown_codes.update(later.unknown_codes)
        for (code, column), parts in later._listed.items():
            for rows in parts:
                self.note(code, column, rows)
        return self

    @property
    def excluded_total(self) -> int:
        return sum(self.excluded.values())

    def excluded_counts(self) -> dict[str, int]:
        """manifest.yml `dikecualikan`: every exclusion of the catalogue, in its order."""
        return {code: int(self.excluded[code]) for code in EXCLUSIONS}

    def warning_counts(self, columns: tuple[str, ...]) -> dict[str, object]:
        """manifest.yml `peringatan`: every warning of the catalogue, in its order; `kode_tidak_dikenal` per
        coded column that the register has."""
        return {code: {c: int(self.unknown_codes[c]) for c in CODED_COLUMNS if c in columns}
                if code == UNKNOWN_CODE else int(self.warnings[code]) for code in WARNINGS}

    def first_rows(self, code: str, limit: int = 5) -> list[int]:
        """The first row numbers listed for a kind (any column), for the summary on screen."""
        rows = [r for (c, _), parts in self._listed.items() if c == code for part in parts for r in part.tolist()]
        return sorted(rows)[:limit]

    def to_csv(self) -> str:
        """`baris,kolom,kode,keterangan`, sorted by row then kind: the internal row-level report."""
        order = {problem.code: i for i, problem in enumerate(CATALOGUE)}
        entries = [(int(row), order[code], column, code)
                   for (code, column), parts in self._listed.items() for part in parts for row in part]
        entries.sort()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["baris", "kolom", "kode", "keterangan"])
        for row, _, column, code in entries:
            writer.writerow([row, column, code, PROBLEMS[code].message])
        truncated = [f"{code} ({column})" for (code, column), n in sorted(self._listed_count.items())
                     if n >= MAX_LISTED_PER_KIND]
        if truncated:
            writer.writerow(["", "", "dipotong", f"hanya {MAX_LISTED_PER_KIND} baris pertama per jenis: "
                             + ", ".join(truncated)])
        return out.getvalue()
