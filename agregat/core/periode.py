"""Semester periods (`2025-S1`) and their reference dates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from agregat.core.errors import UsageError

#: A period as this tool writes it, in the syntax JSON Schema, `sed -E` and Python share: the one definition
#: (the schemas in agregat/schema/ and the CI jobs in .github/ and forge/ are tested to use exactly this text).
PERIOD_PATTERN = "[0-9]{4}-S[12]"
_PATTERN = re.compile(PERIOD_PATTERN)   # [0-9], not \d: '٢٠٢٥-S1' is no period
#: Kabupaten Tapin's time zone (Waktu Indonesia Tengah, UTC+8): the dates of editions and approvals.
WITA = dt.timezone(dt.timedelta(hours=8), "WITA")


@dataclass(frozen=True, order=True)
class Periode:
    """One semester edition: `YYYY-S1` (per 30 June) or `YYYY-S2` (per 31 December)."""

    tahun: int
    semester: int

    @classmethod
    def parse(cls, text: str) -> Periode:
        stripped = text.strip() if isinstance(text, str) else ""
        if not _PATTERN.fullmatch(stripped) or not 1900 <= int(stripped[:4]) <= 2999:
            raise UsageError(
                f"Periode '{text}' tidak dikenal. Tulis tahun dan semester seperti 2025-S1 "
                "(Semester I, per 30 Juni) atau 2025-S2 (Semester II, per 31 Desember)."
            )
        return cls(int(stripped[:4]), int(stripped[-1]))

    @staticmethod
    def is_canonical(text: str) -> bool:
        """True when `text` is exactly a period as this tool writes it (`2025-S1`): the only name an edition
        folder may have (no blank, no other digits, no other spelling)."""
        try:
            return str(Periode.parse(text)) == text
        except UsageError:
            return False

    def __str__(self) -> str:
        return f"{self.tahun}-S{self.semester}"

    @property
    def tanggal(self) -> dt.date:
        """The reference date: 30 June for S1, 31 December for S2."""
        return dt.date(self.tahun, 6, 30) if self.semester == 1 else dt.date(self.tahun, 12, 31)

    @property
    def sebelumnya(self) -> Periode:
        """The previous semester."""
        return Periode(self.tahun - 1, 2) if self.semester == 1 else Periode(self.tahun, 1)

    @property
    def judul(self) -> str:
        """`Semester I Tahun 2025`."""
        return f"Semester {'I' if self.semester == 1 else 'II'} Tahun {self.tahun}"
