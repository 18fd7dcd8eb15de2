"""The catalogue of problems that validation finds in a register: each kind of problem is defined here once.

Read by the checks (`validation`, `pipeline`), the report file and the manifest counts (`report`), the CLI
summary (`cli`), Bab VII's data-quality text (`agregat.edisi.analisa`) and the tests of the README and the manifest
schema. Invariants:
- `CATALOGUE` holds every exclusion first, in the order the checks apply them (a row excluded for several
  reasons counts under the first), then every warning; that order is the order of the report and the manifest.
- A code is a manifest key (`dikecualikan.<code>`, `peringatan.<code>`): renaming one changes the data.
- `message` is the row-level report's `keterangan` (and the CLI's); `label` is how the book names the kind.
  Neither contains a value of the register: problems are reported by row number and column only.
Sheet-level notes on a DKB workbook are another report (`dkb.Laporan`: per sheet, no codes, no counts).
"""

from __future__ import annotations

from dataclasses import dataclass

EXCLUDED = "dikecualikan"   # the row is left out of every table
WARNING = "peringatan"      # the row is counted as it is, but deserves a look in SIAK
UNKNOWN_CODE = "kode_tidak_dikenal"
MAX_AGE = 130               # years: an older age on the reference date makes the birth date invalid


@dataclass(frozen=True)
class Problem:
    """One kind of problem. `column` is the report's `kolom` ("-": the whole row; "" for `kode_tidak_dikenal`,
    whose column is the coded column in question, one of `CODED_COLUMNS`); `unit` is what the book counts."""

    code: str
    severity: str
    column: str
    message: str
    label: str
    unit: str = "baris"


CATALOGUE: tuple[Problem, ...] = (
    Problem("nik_tidak_valid", EXCLUDED, "NIK", "NIK bukan tepat 16 angka", "NIK tidak 16 angka"),
    Problem("nik_ganda", EXCLUDED, "NIK", "NIK sudah muncul di baris sebelumnya (baris pertama yang dipakai)",
            "NIK ganda"),
    Problem("jenis_kelamin_tidak_valid", EXCLUDED, "JENIS_KLMIN", "jenis kelamin bukan laki-laki atau perempuan",
            "jenis kelamin tidak valid"),
    Problem("tgl_lahir_tidak_valid", EXCLUDED, "TGL_LHR", "tanggal lahir kosong, bukan tanggal yang sah, sesudah "
            f"tanggal data, atau umur lebih dari {MAX_AGE} tahun", "tanggal lahir tidak valid"),
    Problem("wilayah_tidak_valid", EXCLUDED, "NO_PROP/NO_KAB/NO_KEC/NO_KEL",
            "tempat tinggal bukan desa/kelurahan wilayah buku ini",
            "tempat tinggal bukan desa/kelurahan wilayah buku ini"),
    Problem("baris_rusak", EXCLUDED, "-", "jumlah kolom baris ini tidak sama dengan baris judul",
            "baris rusak (jumlah kolom tidak sesuai judul)"),
    Problem(UNKNOWN_CODE, WARNING, "", "kode kosong atau tidak dikenal; dihitung sebagai TIDAK DIKETAHUI",
            "kode kosong atau tidak dikenal"),
    Problem("nik_tgl_lahir_beda", WARNING, "NIK", "tanggal lahir pada NIK berbeda dengan TGL_LHR",
            "tanggal lahir yang tersandi pada NIK berbeda dengan tanggal lahir tercatat"),
    Problem("nik_jenis_kelamin_beda", WARNING, "NIK", "jenis kelamin pada NIK berbeda dengan JENIS_KLMIN",
            "jenis kelamin yang tersandi pada NIK berbeda dengan jenis kelamin tercatat"),
    Problem("no_kk_tidak_valid", WARNING, "NO_KK", "NO_KK bukan tepat 16 angka; baris tidak ikut pemeriksaan KK",
            "nomor KK tidak 16 angka (baris tidak ikut pemeriksaan KK)"),
    Problem("kk_tanpa_kepala", WARNING, "STAT_HBKEL", "KK tanpa Kepala Keluarga (baris anggota pertamanya)",
            "KK tanpa kepala keluarga", "KK"),
    Problem("kk_kepala_ganda", WARNING, "STAT_HBKEL",
            "KK dengan lebih dari satu Kepala Keluarga (baris anggota pertamanya)",
            "KK dengan lebih dari satu kepala keluarga", "KK"),
)
PROBLEMS: dict[str, Problem] = {p.code: p for p in CATALOGUE}
EXCLUSIONS: tuple[str, ...] = tuple(p.code for p in CATALOGUE if p.severity == EXCLUDED)   # in the order checked
WARNINGS: tuple[str, ...] = tuple(p.code for p in CATALOGUE if p.severity == WARNING)

# Register columns whose blank or unknown codes are counted as TIDAK DIKETAHUI (`kode_tidak_dikenal`, per
# column in the manifest), in the manifest's order; value: the column's name in the book.
CODED_COLUMNS: dict[str, str] = {
    "AGAMA": "agama", "PDDK_AKH": "pendidikan terakhir", "JENIS_PKRJN": "jenis pekerjaan",
    "STAT_KWN": "status perkawinan", "STAT_HBKEL": "status hubungan dalam keluarga",
    "GOL_DRH": "golongan darah", "PNYDNG_CCT": "disabilitas", "AKTA_LHR": "akta kelahiran",
    "AKTA_KWN": "akta perkawinan", "AKTA_CRAI": "akta perceraian", "STAT_KIA": "kepemilikan KIA",
    "STAT_KTP": "status KTP-el",
}


def readme_table() -> str:
    """The README's table of problems (section "Aturan validasi"), one row per entry in catalogue order;
    `tests/test_masalah.py` keeps the README equal to it."""
    lines = ["| kode | jenis | kolom | keterangan (laporan) | satuan |", "|---|---|---|---|---|"]
    for p in CATALOGUE:
        column = ", ".join(CODED_COLUMNS) if p.code == UNKNOWN_CODE else p.column
        lines.append(f"| `{p.code}` | {p.severity} | {column} | {p.message} | {p.unit} |")
    return "\n".join(lines) + "\n"
