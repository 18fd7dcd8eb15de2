"""The second front door: a DKB aggregate workbook (one sheet per topic, one row per desa, L/P columns).

Read → recognise every sheet by its header (`dkb_lembar.SIGNATURES`) → read its desa rows (four key schemes:
NO_PROP…NO_KEL; 10-digit KODE; dotted KODE with IDEM; WILAYAH only, aligned by position with a keyed sheet
and checked by normalised name) → check (integers only, L+P = JML, person sheets equal the region master
and agree with each other on L and P per desa) → counts per desa in the same arrays as the register path,
so `output.edition_files` writes the same edition contract. Nothing is written here.

Fatal problems are collected and raised together as one DataError (sheet, row and column named; never a
name of a person — the workbook holds none). Warnings go to the report.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from agregat import __version__
from agregat.core.config import Config
from agregat.sumber.dkb_lembar import DYNAMIC, JML, KEY_COLUMNS, KK_COLUMNS, LK, PR, SIGNATURES, Signature, clean, parse_header
from agregat.core.errors import DataError, InputError
from agregat.core.kode import load_code_lists
from agregat.core.periode import Periode
from agregat.sumber.tables import AGE_GROUPS, AGE_STRUCTURE, SINGLE_AGES, UNKNOWN, TableSpec, table_specs
from agregat.core.wilayah import Wilayah, load_wilayah

KK_SHARE = 0.75        # a status-kawin sheet whose total is below this share of the people counts heads of family
MAX_LISTED = 8         # problems of one kind named in a message


@dataclass
class Columns:
    """Value columns of one sheet (or group): category key → {LK: col, PR: col, JML: col}."""

    by_key: dict[str, dict[int, int]]
    uncoded: list[str]          # labels accepted without a category


@dataclass
class Lembar:
    """One recognised sheet."""

    name: str
    signature: Signature
    scheme: str                         # A, B, C or D
    header_row: int                     # 0-based index of the row naming the columns
    groups: list[Columns]               # one per table of the signature
    desa: list[str] = field(default_factory=list)        # desa code per data row (D: filled by alignment)
    names: list[str] = field(default_factory=list)       # desa name per data row
    rows: list[int] = field(default_factory=list)        # spreadsheet row number per data row
    values: list[np.ndarray] = field(default_factory=list)   # per group: (n rows, n keys, 2) int64
    role: str = ""                      # the table kind, after the status-kawin sheets are told apart


@dataclass
class Laporan:
    """What reading found: used and ignored sheets, warnings. `to_csv` is the internal report file."""

    lines: list[tuple[str, str, str, str]] = field(default_factory=list)   # (jenis, lembar, lokasi, pesan)

    def add(self, jenis: str, lembar: str, lokasi: str, pesan: str) -> None:
        self.lines.append((jenis, lembar, lokasi, pesan))

    def of(self, jenis: str) -> list[tuple[str, str, str, str]]:
        return [line for line in self.lines if line[0] == jenis]

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["jenis", "lembar", "lokasi", "pesan"])
        writer.writerows(self.lines)
        return out.getvalue()


@dataclass
class Workbook:
    path: Path
    sha256: str
    size: int
    sheets: list[tuple[str, list[list]]]

    @property
    def display_name(self) -> str:
        return self.path.name


@dataclass
class DkbAggregation:
    """The outcome of reading one workbook: counts per desa for the tables it carries (the same shape as the
    register path's `Aggregation`, so `output` writes the same edition)."""

    periode: Periode
    workbook: Workbook
    wilayah: Wilayah
    specs: list[TableSpec]
    counts: dict[str, np.ndarray]
    report: Laporan
    sources: dict[str, str]              # table → sheet that fed it
    unavailable: dict[str, list[str]]    # table → desa codes the sheet lacks (tidak tersedia)

    @property
    def register(self):   # the CLI's summary speaks of the input under this name
        return self.workbook

    def manifest_document(self, kode: str, nama: str, root_key: str) -> dict:
        """Where the edition came from: kind `dkb`, the file's sha256, which sheet fed which table."""
        wb = self.workbook
        return {
            "indikator": "manifest",
            "periode": str(self.periode),
            "tanggal_data": self.periode.tanggal.isoformat(),
            root_key: {"kode": kode, "nama": nama.upper()},
            "sumber": {"jenis": "dkb", "nama_berkas": wb.path.name, "sha256": wb.sha256, "format": "xlsx",
                       "ukuran_byte": wb.size},
            "lembar": dict(self.sources),
            "lembar_diabaikan": sorted({line[1] for line in self.report.of("diabaikan")}),
            "peringatan_dkb": len(self.report.of("peringatan")),
            "tidak_tersedia": {name: codes for name, codes in self.unavailable.items() if codes},
            "tabel": [spec.name for spec in self.specs],
            "versi_alat": __version__,
        }


# ---- reading --------------------------------------------------------------------------------------

def is_workbook(path: Path) -> bool:
    return Path(path).is_file() and Path(path).suffix.lower() in (".xlsx", ".xlsm")


def looks_like_dkb(path: Path) -> bool:
    """Whether an .xlsx holds DKB aggregates rather than a by-name register (whose header has NIK)."""
    if not is_workbook(path):
        return False
    try:
        sheets = _read_sheets(Path(path), rows=3)
    except InputError:
        return False
    headers = [{clean(c) for row in rows[:2] for c in row} for _, rows in sheets]
    return not any({"NIK", "NO_KK"} <= h for h in headers) and any(_recognise(n, r, None) for n, r in sheets)


def _read_sheets(path: Path, rows: int | None = None) -> list[tuple[str, list[list]]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return [(name, workbook.get_sheet_by_name(name).to_python(nrows=rows) if rows else
                 workbook.get_sheet_by_name(name).to_python()) for name in workbook.sheet_names]
    except (CalamineError, OSError, ValueError) as exc:
        raise InputError(f"Buku kerja {path.name} tidak dapat dibaca ({type(exc).__name__}). Periksa bahwa "
                         "berkasnya .xlsx yang utuh.") from None


def open_workbook(path: Path) -> Workbook:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Buku kerja {path.name} tidak ditemukan. Periksa jalur --input.")
    data = path.read_bytes()
    return Workbook(path, hashlib.sha256(data).hexdigest(), len(data), _read_sheets(path))


def _header_rows(rows: list[list]) -> tuple[int, list[str]] | None:
    """(index of the row naming the columns, group title per column) — the titles are the row above,
    carried right over merged cells; None if neither of the first two rows names a key column."""
    for index in (0, 1):
        if index < len(rows) and any(clean(c) in KEY_COLUMNS for c in rows[index]):
            titles: list[str] = []
            current = ""
            above = rows[0] if index == 1 else []
            for position in range(len(rows[index])):
                cell = clean(above[position]) if position < len(above) else ""
                current = cell or current
                titles.append(current)
            return index, titles
    return None


def _scheme(keys: set[str]) -> str | None:
    if {"NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL"} <= keys:
        return "A"
    if "KODE" in keys:
        return "B"     # B (10 digits) and C (dotted, IDEM) are told apart per cell
    if "WILAYAH" in keys:
        return "D"
    return None


def _match(signature: Signature, parsed: list[tuple[int, str, int]]) -> Columns | None:
    """The columns of `parsed` (position, label, sex) under `signature`, or None if they are not its kind.

    Columns are paired by the category their label resolves to, so `LK_BLM_KAWIN` and `PR_BLM_KWN` are one
    category; a category needs both an L and a P column (PERSEN, lone totals carry none)."""
    by_key: dict[str, dict[int, int]] = {}
    labels: dict[str, bool] = {}     # label (of an L or P column) → resolved
    uncoded: list[str] = []
    for position, label, sex in parsed:
        key = signature.resolve(label)
        if key is None and label in signature.uncoded:
            key = f"?{label}"
            if label not in uncoded:
                uncoded.append(label)
        if sex != JML:
            labels[label] = key is not None
        if key is None:
            continue
        if sex in by_key.setdefault(key, {}):
            return None     # two columns for one category and sex: not this kind
        by_key[key][sex] = position
    by_key = {key: cols for key, cols in by_key.items() if LK in cols and PR in cols}
    if not by_key or not labels or sum(labels.values()) / len(labels) < signature.min_share:
        return None
    if not signature.required <= set(by_key):
        return None
    return Columns(by_key, [u for u in uncoded if f"?{u}" in by_key])


def _recognise(name: str, rows: list[list], laporan: Laporan | None) -> Lembar | None:
    header = _header_rows(rows)
    if header is None:
        if laporan is not None:
            laporan.add("diabaikan", name, "-", "tidak ada kolom wilayah (NO_KEL, KODE atau WILAYAH) di baris judul")
        return None
    index, titles = header
    cells = rows[index]
    keys = {clean(c) for c in cells} & set(KEY_COLUMNS)
    scheme = _scheme(keys)
    parsed = [(p, *h) for p, h in ((p, parse_header(c)) for p, c in enumerate(cells)) if h is not None]
    for signature in SIGNATURES:
        if signature.groups:
            if index != 1:
                continue
            starts = [p for p in range(len(titles)) if titles[p] and (p == 0 or titles[p] != titles[p - 1])]
            spans = [(s, e) for s, e in zip(starts, starts[1:] + [len(titles)])]
            groups = [_match(signature, [c for c in parsed if s <= c[0] < e]) for s, e in spans]
            if len(groups) >= 2 and all(groups[: len(signature.tables)][:2]):
                found = [g for g in groups if g is not None][: len(signature.tables)]
                return Lembar(name, signature, scheme, index, found)
            continue
        columns = _match(signature, parsed)
        if columns is not None:
            return Lembar(name, signature, scheme, index, [columns])
    if laporan is not None:
        laporan.add("diabaikan", name, "-", "judul kolom tidak cocok dengan jenis lembar DKB mana pun")
    return None


# ---- rows -----------------------------------------------------------------------------------------

def _column_name(position: int) -> str:
    name = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        name = chr(65 + rest) + name
    return name


def _integer(cell) -> int | None:
    """An integer cell (35, 35.0, "35"); None for anything else."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() else None
    text = str(cell).strip()
    if re.fullmatch(r"[0-9]+(\.0+)?", text):
        return int(float(text))
    return None


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _desa_code(lembar: Lembar, row: list, keys: dict[str, int]) -> str | None:
    """The desa code of a data row, or None for a row without a key (SUM rows, blank rows, kecamatan rows)."""
    def cell(name):
        position = keys.get(name)
        return row[position] if position is not None and position < len(row) else None

    if lembar.scheme == "A":
        parts = [_integer(cell(k)) if not _blank(cell(k)) else None for k in ("NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL")]
        if any(p is None for p in parts):
            return None
        return f"{parts[0]:02d}.{parts[1]:02d}.{parts[2]:02d}.{parts[3]:04d}"
    if lembar.scheme == "B":
        if "IDEM" in keys and not _blank(cell("IDEM")) and _integer(cell("IDEM")) != 4:
            return None
        kode = cell("KODE")
        if _blank(kode):
            return None
        text = str(_integer(kode)) if isinstance(kode, float) else str(kode).strip()
        if re.fullmatch(r"[0-9]{10}", text):
            return f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
        return text if re.fullmatch(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}", text) else None
    wilayah = cell("WILAYAH")
    return "" if not _blank(wilayah) and _integer(wilayah) is None else None


def _read_rows(lembar: Lembar, rows: list[list], problems: list[str]) -> None:
    header = rows[lembar.header_row]
    keys = {clean(c): p for p, c in enumerate(header) if clean(c) in KEY_COLUMNS}
    name_column = keys.get("NAMA_KEL", keys.get("WILAYAH"))
    values: list[list] = [[] for _ in lembar.groups]
    for index in range(lembar.header_row + 1, len(rows)):
        row = rows[index]
        kode = _desa_code(lembar, row, keys)
        if kode is None:
            continue
        number = index + 1
        lembar.desa.append(kode)
        lembar.rows.append(number)
        lembar.names.append(str(row[name_column]).strip() if name_column is not None and name_column < len(row) else "")
        for group, columns in enumerate(lembar.groups):
            cells = []
            for key, cols in columns.by_key.items():
                pair = []
                for sex in (LK, PR, JML):
                    if sex not in cols:
                        continue
                    position = cols[sex]
                    cell = row[position] if position < len(row) else None
                    value = _integer(cell) if not _blank(cell) else None
                    if value is None:
                        problems.append(f"lembar '{lembar.name}' baris {number} kolom {_column_name(position)} "
                                        f"({clean(header[position])}): {'kosong' if _blank(cell) else 'bukan bilangan bulat'}")
                        value = 0
                    pair.append(value)
                if JML in cols and pair[0] + pair[1] != pair[2]:
                    problems.append(f"lembar '{lembar.name}' baris {number} kolom {_column_name(cols[JML])} "
                                    f"({clean(header[cols[JML]])}): L + P tidak sama dengan jumlahnya")
                cells.append(pair[:2])
            values[group].append(cells)
    lembar.values = [np.asarray(v, dtype=np.int64).reshape(len(v), len(g.by_key), 2)
                     for v, g in zip(values, lembar.groups)]


def _norm_name(name: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", name.upper())


def _align(lembar: Lembar, reference: dict[str, str], wilayah: Wilayah, problems: list[str]) -> None:
    """A WILAYAH-only sheet: row n is the n-th desa by code; counts and normalised names must agree."""
    codes = [d.kode for d in wilayah.desa]
    if len(lembar.desa) != len(codes):
        problems.append(f"lembar '{lembar.name}' (tanpa kode wilayah) berisi {len(lembar.desa)} baris desa, "
                        f"daftar wilayah {len(codes)}: baris tidak dapat dicocokkan menurut urutan")
        return
    wrong = [f"baris {row} ({name})" for row, name, kode in zip(lembar.rows, lembar.names, codes)
             if _norm_name(name) != _norm_name(reference.get(kode, name))]
    if wrong:
        problems.append(f"lembar '{lembar.name}' (tanpa kode wilayah): nama desa tidak sama dengan lembar "
                        f"berkode pada urutan yang sama: {', '.join(wrong[:MAX_LISTED])}")
        return
    lembar.desa = codes


# ---- checks and counts ----------------------------------------------------------------------------

def _per_desa(lembar: Lembar, group: int, index: dict[str, int], n_desa: int) -> tuple[np.ndarray, np.ndarray]:
    """(n_desa, n keys, 2) counts, and which desa the sheet has a row for."""
    values = lembar.values[group]
    out = np.zeros((n_desa,) + values.shape[1:], dtype=np.int64)
    present = np.zeros(n_desa, dtype=bool)
    for row, kode in enumerate(lembar.desa):
        out[index[kode]] += values[row]
        present[index[kode]] = True
    return out, present


def _listed(items: list[str]) -> str:
    return ", ".join(items[:MAX_LISTED]) + (f" dan {len(items) - MAX_LISTED} lagi" if len(items) > MAX_LISTED else "")


def _check_desa(lembar: Lembar, wilayah: Wilayah, problems: list[str], laporan: Laporan) -> list[str]:
    """Extra desa are fatal everywhere; missing desa are fatal in person sheets. Returns the missing codes."""
    known = {d.kode for d in wilayah.desa}
    seen = set(lembar.desa)
    extra = sorted(seen - known)
    missing = [d.kode for d in wilayah.desa if d.kode not in seen]
    duplicate = sorted({k for k in lembar.desa if lembar.desa.count(k) > 1}) if len(seen) < len(lembar.desa) else []
    if extra:
        problems.append(f"lembar '{lembar.name}' berisi desa yang tidak ada di daftar wilayah: {_listed(extra)}")
    if duplicate:
        problems.append(f"lembar '{lembar.name}' berisi desa lebih dari sekali: {_listed(duplicate)}")
    if missing and lembar.signature.person:
        problems.append(f"lembar '{lembar.name}' tidak berisi desa {_listed(missing)} dari daftar wilayah")
    elif missing:
        laporan.add("peringatan", lembar.name, "-", f"{len(missing)} desa tanpa baris ({_listed(missing)}): "
                    "angkanya ditulis tidak tersedia")
    return missing


def read_dkb(path: Path, periode: Periode, config: Config) -> DkbAggregation:
    """Read, recognise and check a DKB workbook; raise one DataError listing every fatal problem."""
    workbook = open_workbook(path)
    wilayah = load_wilayah(config.wilayah, config.kode)
    laporan = Laporan()
    problems: list[str] = []
    lembar: list[Lembar] = []
    raw = dict(workbook.sheets)
    for name, rows in workbook.sheets:
        found = _recognise(name, rows, laporan)
        if found is None:
            continue
        if found.scheme is None:
            laporan.add("diabaikan", name, "-", "tidak ada kolom wilayah")
            continue
        _read_rows(found, rows, problems)
        if not found.desa:
            laporan.add("diabaikan", name, "-", f"lembar {found.signature.judul} tanpa baris desa")
            continue
        lembar.append(found)
    if problems:
        raise DataError(_fatal(workbook, problems))
    reference = {k: n for s in lembar if s.scheme != "D" for k, n in zip(s.desa, s.names) if n}
    for sheet in lembar:
        if sheet.scheme == "D":
            _align(sheet, reference, wilayah, problems)
    if problems:
        raise DataError(_fatal(workbook, problems))

    index = {d.kode: i for i, d in enumerate(wilayah.desa)}
    n_desa = len(wilayah.desa)
    missing = {id(s): _check_desa(s, wilayah, problems, laporan) for s in lembar}
    if problems:
        raise DataError(_fatal(workbook, problems))

    totals = {id(s): _per_desa(s, 0, index, n_desa)[0].sum(axis=1) for s in lembar}   # (n_desa, 2)
    persons = [s for s in lembar if s.signature.person and s.signature.kind != "status_kawin"]
    if not persons:
        raise DataError(f"Buku kerja {workbook.path.name} tidak berisi lembar penduduk per desa (kelompok umur, "
                        "umur tunggal, agama, pendidikan, pekerjaan atau status kawin) yang dikenali. "
                        "Periksa berkasnya; lembar yang diabaikan tercantum di laporan.")
    population = totals[id(persons[0])]
    for sheet in lembar:
        sheet.role = sheet.signature.kind
        if sheet.signature.kind == "status_kawin":
            share = totals[id(sheet)].sum() / max(population.sum(), 1)
            sheet.role = "status_kawin" if share >= KK_SHARE else "kepala_keluarga"
            if sheet.role == "status_kawin":
                persons.append(sheet)
    for sheet in persons[1:]:
        differ = np.flatnonzero((totals[id(sheet)] != population).any(axis=1))
        if len(differ):
            desa = [f"{wilayah.desa[i].kode} {wilayah.desa[i].nama.upper()}" for i in differ]
            problems.append(f"lembar '{sheet.name}' dan '{persons[0].name}' tidak sepakat jumlah L dan P di "
                            f"{len(differ)} desa: {_listed(desa)}")
    if problems:
        raise DataError(_fatal(workbook, problems))
    return _counts(workbook, periode, wilayah, lembar, persons[0], population, index, missing, laporan)


def _fatal(workbook: Workbook, problems: list[str]) -> str:
    return (f"Buku kerja DKB {workbook.path.name} tidak dapat dipakai, edisi tidak ditulis: "
            + "; ".join(problems[:20]) + (f"; dan {len(problems) - 20} masalah lain" if len(problems) > 20 else "")
            + ". Perbaiki lembarnya atau minta ekspor baru.")


def _coded_counts(values: np.ndarray, columns: Columns, list_name: str) -> np.ndarray:
    """(n_desa, 2, categories + TIDAK DIKETAHUI) from the sheet's columns (uncoded labels → unknown)."""
    kategori = load_code_lists()[list_name].kategori
    order = {kode: i for i, (kode, _) in enumerate(kategori)}
    out = np.zeros((values.shape[0], 2, len(kategori) + 1), dtype=np.int64)
    for k, key in enumerate(columns.by_key):
        out[:, :, order.get(key, len(kategori))] += values[:, k, :]
    return out


def _ages(values: np.ndarray, columns: Columns, kategori, bucket) -> np.ndarray:
    labels = [label for _, label in kategori]
    out = np.zeros((values.shape[0], 2, len(labels)), dtype=np.int64)
    for k, key in enumerate(columns.by_key):
        out[:, :, labels.index(bucket(key))] += values[:, k, :]
    return out


def _single_bucket(age: str) -> str:
    return str(int(age)) if int(age) < 100 else "100+"


def _structure(values: np.ndarray, columns: Columns) -> np.ndarray:
    def bucket(key: str) -> str:
        low = int(re.match(r"[0-9]+", key).group())
        return "0-14" if low < 15 else "15-64" if low < 65 else "65+"
    return _ages(values, columns, AGE_STRUCTURE, bucket)


def _counts(workbook, periode, wilayah, lembar, first_person, population, index, missing, laporan) -> DkbAggregation:
    n_desa = len(wilayah.desa)
    specs = {s.name: s for s in table_specs(load_code_lists(), ("PNYDNG_CCT", "AKTA_LHR"), workbook=True)}
    counts: dict[str, np.ndarray] = {}
    sources: dict[str, str] = {}
    unavailable: dict[str, list[str]] = {}
    pop = population[:, :, None]   # (n_desa, 2, 1)

    def put(table: str, sheet: Lembar, array: np.ndarray, derived: bool = False) -> None:
        if table in counts and derived:
            return
        if table in counts:
            laporan.add("peringatan", sheet.name, "-", f"lembar ini juga berisi {specs[table].judul.lower()}; "
                        f"dipakai lembar '{sources[table]}'")
            return
        if missing[id(sheet)]:   # no counts at all for those desa (not even derived ones such as TIDAK ADA)
            unavailable[table] = missing[id(sheet)]
            array = array.copy()
            array[[index[kode] for kode in missing[id(sheet)]]] = 0
        counts[table], sources[table] = array, sheet.name

    counts["penduduk"], sources["penduduk"] = pop.copy(), first_person.name
    for sheet in lembar:
        for group, (columns, table) in enumerate(zip(sheet.groups, sheet.signature.tables)):
            values, _ = _per_desa(sheet, group, index, n_desa)
            kind = sheet.role
            if kind == "kelompok_umur":
                put("kelompok_umur", sheet, _ages(values, columns, AGE_GROUPS, lambda k: k))
                put("struktur_umur", sheet, _structure(values, columns), derived=True)
            elif kind == "umur_tunggal":
                put("umur_tunggal", sheet, _ages(values, columns, SINGLE_AGES, _single_bucket))
                put("struktur_umur", sheet, _structure(values, columns), derived=True)
            elif kind in ("agama", "pendidikan", "pekerjaan", "status_kawin"):
                put(kind, sheet, _coded_counts(values, columns, kind))
                if columns.uncoded:
                    laporan.add("peringatan", sheet.name, "-", f"{len(columns.uncoded)} label tanpa kode SIAK "
                                f"dihitung TIDAK DIKETAHUI: {', '.join(columns.uncoded)}")
            elif kind == "kepala_keluarga":
                put("kartu_keluarga", sheet, values.sum(axis=1)[:, :, None])
                put("kepala_keluarga_status_kawin", sheet, _coded_counts(values, columns, "status_kawin"))
            elif kind == "disabilitas":
                kinds = _coded_counts(values, columns, "disabilitas")[:, :, :-1]
                none = pop - kinds.sum(axis=2, keepdims=True)
                put("disabilitas", sheet, np.concatenate([kinds, none.clip(0), np.zeros_like(none)], axis=2))
            elif kind == "wajib_ktp":
                wajib = values[:, list(columns.by_key).index("WKTP"), :][:, :, None]
                put("wajib_ktp", sheet, np.concatenate([wajib, (pop - wajib).clip(0)], axis=2))
                if {"REKAM", "KTP"} <= set(columns.by_key):   # wajib, sudah rekam, sudah cetak, as the sheet counts them
                    put("ktp_el", sheet, _stacked(values, columns, ("WKTP", "REKAM", "KTP")))
            elif kind in AS_COUNTED:
                put(kind, sheet, _stacked(values, columns, AS_COUNTED[kind]))
            elif kind == "akta_perkawinan":
                found = {**_owners_by_agama(values, columns), **_akta_ownership(values, columns)}
                for name, array in found.items():
                    put(name, sheet, array)
                if not found:
                    laporan.add("dikenali", sheet.name, "-", f"lembar {sheet.signature.judul} tanpa kolom per agama "
                                "atau kolom KWN/CRAI, MMLK_AKTA_, BLM_MMLK_AKTA_: belum ada tabelnya di buku")
            elif kind == "akta_kelahiran" and table is not None:
                keys = list(columns.by_key)
                ada, belum = (values[:, keys.index(k), :] for k in ("MMLK_DINAMIS", "BLM_MMLK_DINAMIS"))
                put(table, sheet, np.stack([ada, belum, np.zeros_like(ada)], axis=2))
            else:
                laporan.add("dikenali", sheet.name, "-", f"lembar {sheet.signature.judul}: belum ada tabelnya di buku")
    _warn_kk(lembar, sources.get("kartu_keluarga"), counts.get("kartu_keluarga"), wilayah, index, laporan)
    _warn_dynamic(lembar, population, counts.get("umur_tunggal"), wilayah, index, laporan)
    for table, sheet in sources.items():
        laporan.add("dipakai", sheet, "-", f"tabel {table}")
    ordered = [spec for name, spec in specs.items() if name in counts]
    return DkbAggregation(periode, workbook, wilayah, ordered, {s.name: counts[s.name] for s in ordered}, laporan,
                          {s.name: sources[s.name] for s in ordered}, unavailable)


# Tables read as the sheet counts them, one label per category of the table (the first is the base): children
# under 17 with KIA and without; KK (by sex of the head) printed and not printed; KK owned and not ("dinamis").
AS_COUNTED = {
    "kia_kepemilikan": ("JML_DINAMIS", "MMLK_DINAMIS", "BLM_MMLK_DINAMIS"),
    "kk_cetak": ("KK", "CETAK_KK", "BLM_CETAK_KK"),
    "kk_kepemilikan": ("KK", "MMLK_KK_DINAMIS", "BLM_MMLK_KK_DINAMIS"),
}


def _stacked(values: np.ndarray, columns: Columns, labels: tuple[str, ...]) -> np.ndarray:
    """(n_desa, 2, len(labels)): these labels' columns, in this order."""
    keys = list(columns.by_key)
    return np.stack([values[:, keys.index(label), :] for label in labels], axis=2)


AKTA_PER_AGAMA = re.compile(r"MMLK_AKTA_(KWN|CRAI)_(.+)")
AKTA_TABLE = {"KWN": "akta_perkawinan", "CRAI": "akta_perceraian"}


def _akta_ownership(values: np.ndarray, columns: Columns) -> dict[str, np.ndarray]:
    """The older layout without agama: married (divorced) people, owners, non-owners per sex from `KWN`,
    `MMLK_AKTA_KWN`, `BLM_MMLK_AKTA_KWN` (the same for CRAI) → `<akta table>_kepemilikan`. An event whose
    three columns are not all there (with L and P) gives no table; nothing is derived."""
    out: dict[str, np.ndarray] = {}
    for event, table in AKTA_TABLE.items():
        labels = (event, f"MMLK_AKTA_{event}", f"BLM_MMLK_AKTA_{event}")
        if set(labels) <= set(columns.by_key):
            out[f"{table}_kepemilikan"] = _stacked(values, columns, labels)
    return out


def _owners_by_agama(values: np.ndarray, columns: Columns) -> dict[str, np.ndarray]:
    """Owners of akta perkawinan / perceraian per agama from `MMLK_AKTA_<KWN|CRAI>_<AGAMA>` columns (the
    `BLM_` columns, without L and P, carry none): table → (n_desa, 2, agama + TIDAK DIKETAHUI)."""
    from agregat.sumber.dkb_lembar import coded

    resolve = coded("agama")
    kategori = load_code_lists()["agama"].kategori
    order = {kode: i for i, (kode, _) in enumerate(kategori)}
    out: dict[str, np.ndarray] = {}
    for k, key in enumerate(columns.by_key):
        match = AKTA_PER_AGAMA.fullmatch(key)
        if not match:
            continue
        table = AKTA_TABLE[match.group(1)]
        array = out.setdefault(table, np.zeros((values.shape[0], 2, len(kategori) + 1), dtype=np.int64))
        array[:, :, order.get(resolve(match.group(2)) or "?", len(kategori))] += values[:, k, :]
    return out


def _named(wilayah: Wilayah, rows: np.ndarray) -> str:
    return _listed([f"{wilayah.desa[i].kode} {wilayah.desa[i].nama.upper()}" for i in rows])


def _column(sheet: Lembar, group: int, labels: tuple[str, ...], index: dict[str, int], n_desa: int):
    """(n_desa, 2) sum of these labels' columns of one group, and which desa have a row; None if a label lacks."""
    keys = list(sheet.groups[group].by_key)
    if not set(labels) <= set(keys):
        return None
    values, present = _per_desa(sheet, group, index, n_desa)
    return sum(values[:, keys.index(label), :] for label in labels), present


def _warn_kk(lembar: list[Lembar], used: str | None, heads: np.ndarray | None, wilayah: Wilayah,
             index: dict[str, int], laporan: Laporan) -> None:
    """KK counts of other sheets that differ from the kepala keluarga sheet (which feeds kartu_keluarga)."""
    if heads is None:
        return
    heads = heads.sum(axis=2)
    for sheet in lembar:
        label = KK_COLUMNS.get(sheet.role)
        found = _column(sheet, 0, (label,), index, len(wilayah.desa)) if label else None
        if found is None:
            continue
        kk, present = found
        differ = np.flatnonzero(present & (kk != heads).any(axis=1))
        if len(differ):
            laporan.add("peringatan", sheet.name, "-", f"jumlah KK berbeda dengan lembar kepala keluarga '{used}' "
                        f"di {len(differ)} desa ({_named(wilayah, differ)}); tabel kartu_keluarga memakai "
                        f"lembar '{used}'")


def _warn_dynamic(lembar: list[Lembar], population: np.ndarray, single_ages: np.ndarray | None, wilayah: Wilayah,
                  index: dict[str, int], laporan: Laporan) -> None:
    """"Dinamis" document counts above the people of the ages they cover, per desa and sex: warned, used as
    they are (the sheet was extracted on another date)."""
    for sheet in lembar:
        for group, (labels, below, judul) in enumerate(DYNAMIC.get(sheet.role, ())):
            if group >= len(sheet.groups) or (below is not None and single_ages is None):
                continue
            found = _column(sheet, group, labels, index, len(wilayah.desa))
            if found is None:
                continue
            counted, present = found
            people = population if below is None else single_ages[:, :, :below].sum(axis=2)
            above = np.flatnonzero(present & (counted > people).any(axis=1))
            if len(above):
                surplus = int((counted - people)[above].clip(0).sum())
                laporan.add("peringatan", sheet.name, "-", f"{judul} (dinamis) melebihi jumlah penduduk umur itu "
                            f"di {len(above)} desa ({_named(wilayah, above)}; selisih {surplus} orang); angka "
                            "lembar dipakai apa adanya")
