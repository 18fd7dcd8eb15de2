"""A DKB aggregate workbook written from an edition's counts per desa, in the layout of the real deliveries.

Input: counts per desa and sex for the edition's tables (`edition_counts` reads them from an edition folder;
the benchmark passes synthetic ones) — aggregates only, never a person. Output: an .xlsx with the sheet
names, header spellings and quirks of `DKB_SMSTR_2_2024_3519.xlsx` (Sheet1 … Sheet16: floats, two header
rows in Sheet15, literal quotes and an empty column in Sheet5, an unnamed total column and a grand-total
row in Sheet10, WILAYAH-only sheets, a formatted kecamatan sheet and a long-form sheet the reader ignores),
plus the disabilitas and wajib KTP-el sheets seen in other deliveries when the edition has those tables.

Invariants: every person sheet sums to the edition's population per desa and sex (a register's unknown
categories go to a `TIDAK DIKETAHUI` column, which only a register-made workbook has); reading the workbook
back gives the edition's tables cell for cell (tests/test_demo_dkb.py). Columns the edition cannot fill
(KK tercetak and KK ownership always; KTP-el perekaman/pencetakan, KIA ownership, akta 0-5, akta
perkawinan/perceraian owners, the kepala keluarga's status kawin when the register lacked their columns;
the non-owners of akta perkawinan/perceraian) are derived by fixed illustrative rules from its counts:
synthetic, never read as facts. The file is byte-for-byte deterministic (fixed document dates and zip entry times).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agregat.core import yamlcepat
from agregat.core.atomik import write_atomic_bytes
from agregat.sumber.dkb_lembar import coded
from agregat.core.wilayah import Wilayah

UNKNOWN = "TIDAK DIKETAHUI"
FIXED_TIME = dt.datetime(2000, 1, 1)
PENDIDIKAN = ("TIDAK/BELUM SEKOLAH", "BELUM TAMAT SD/SEDERAJAT", "TAMAT SD/SEDERAJAT", "SLTP/SEDERAJAT",
              "SLTA/SEDERAJAT", "DIPLOMA I/II", "AKADEMI/DIPLOMA III/S.MUDA_J", "DIPLOMA IV/STRATA I",
              "STRATA II", "STRATA III")   # SIAK codes 1-10, spelled as Sheet3 of the real file
PEKERJAAN = (   # Sheet4 of the real file: 88 SIAK labels, 11 newer ones without a SIAK code, PEKERJAAN LAINNYA
    'BELUM/TIDAK BEKERJA', 'MENGURUS RUMAH TANGGA', 'PELAJAR/MAHASISWA', 'PENSIUNAN', 'PEGAWAI NEGERI SIPIL (PNS)',
    'TENTARA NASIONAL INDONESIA (TNI)', 'KEPOLISIAN RI (POLRI)', 'PERDAGANGAN', 'PETANI/PEKEBUN', 'PETERNAK',
    'NELAYAN/PERIKANAN', 'INDUSTRI', 'KONSTRUKSI', 'TRANSPORTASI', 'KARYAWAN SWASTA', 'KARYAWAN BUMN',
    'KARYAWAN BUMD', 'KARYAWAN HONORER', 'BURUH HARIAN LEPAS', 'BURUH TANI/PERKEBUNAN', 'BURUH NELAYAN/PERIKANAN',
    'BURUH PETERNAKAN', 'PEMBANTU RUMAH TANGGA', 'TUKANG CUKUR', 'TUKANG LISTRIK', 'TUKANG BATU', 'TUKANG KAYU',
    'TUKANG SOL SEPATU', 'TUKANG LAS/PANDAI BESI', 'TUKANG JAHIT', 'TUKANG GIGI', 'PENATA RIAS', 'PENATA BUSANA',
    'PENATA RAMBUT', 'MEKANIK', 'SENIMAN', 'TABIB', 'PARAJI', 'PERANCANG BUSANA', 'PENTERJEMAH', 'IMAM MASJID',
    'PENDETA', 'PASTOR', 'WARTAWAN', 'USTADZ/MUBALIGH', 'JURU MASAK', 'PROMOTOR ACARA', 'ANGGOTA DPR RI',
    'ANGGOTA DPD RI', 'ANGGOTA BPK', 'PRESIDEN', 'WAKIL PRESIDEN', 'ANGGOTA MAHKAMAH KONSTITUSI',
    'ANGGOTA KABINET KEMENTRIAN', 'DUTA BESAR', 'GUBERNUR', 'WAKIL GUBERNUR', 'BUPATI', 'WAKIL BUPATI', 'WALIKOTA',
    'WAKIL WALIKOTA', 'ANGGOTA DPRD PROP.', 'ANGGOTA DPRD KAB./KOTA', 'DOSEN', 'GURU', 'PILOT', 'PENGACARA',
    'NOTARIS', 'ARSITEK', 'AKUNTAN', 'KONSULTAN', 'DOKTER', 'BIDAN', 'PERAWAT', 'APOTEKER', 'PSIKIATER/PSIKOLOG',
    'PENYIAR TELEVISI', 'PENYIAR RADIO', 'PELAUT', 'PENELITI', 'SOPIR', 'PIALANG', 'PARANORMAL', 'PEDAGANG',
    'PERANGKAT DESA', 'KEPALA DESA', 'BIARAWAN/BIARAWATI', 'WIRASWASTA', 'ANGGOTA LEMBAGA TINGGI LAINNYA', 'ARTIS',
    'ATLIT', 'CHEFF', 'MANAJER', 'TENAGA TATA USAHA', 'OPERATOR', 'PEKERJA PENGOLAHAN KERAJINAN', 'TEKNISI',
    'ASISTEN AHLI', 'PEKERJAAN LAINNYA')
AGAMA = ("ISLAM", "KRISTEN", "KATHOLIK", "HINDU", "BUDHA", "KHONGHUCU", "KEPERCAYAAN")   # SIAK codes 1-7
DISABILITAS = ("DISABILITAS FISIK", "NETRA/BUTA", "RUNGU/WICARA", "MENTAL/JIWA", "FISIK DAN MENTAL", "LAINNYA")
KEY_A = ("NO_PROP", "NAMA_PROP", "NO_KAB", "NAMA_KAB", "NO_KEC", "NAMA_KEC", "NO_KEL", "NAMA_KEL")


@dataclass(frozen=True)
class Tabel:
    """One table's counts per desa: category codes in edition order and an (n_desa, 2, k) int array."""

    kode: tuple[str, ...]
    counts: np.ndarray

    def of(self, kode: str) -> np.ndarray:
        """(n_desa, 2) counts of one category; zeros when the table has no such category."""
        if kode not in self.kode:
            return np.zeros(self.counts.shape[:2], dtype=np.int64)
        return self.counts[:, :, self.kode.index(kode)]


def edition_counts(edition_dir: Path, wilayah: Wilayah) -> dict[str, Tabel]:
    """The desa counts of every table of an edition folder (the YAML documents), in `wilayah.desa` order."""
    out: dict[str, Tabel] = {}
    codes = [d.kode for d in wilayah.desa]
    for path in sorted(Path(edition_dir).glob("*.yml")):
        document = yamlcepat.load(path.read_text(encoding="utf-8"))
        if not isinstance(document, dict) or "kategori" not in document or "wilayah" not in document:
            continue
        kategori = [(str(k["kode"]), k["label"]) for k in document["kategori"]]
        counts = np.zeros((len(codes), 2, len(kategori)), dtype=np.int64)
        for i, kode in enumerate(codes):
            data = document["wilayah"].get(kode, {}).get("data", {})
            for j, (_, label) in enumerate(kategori):
                cell = data.get(label)
                if cell:
                    counts[i, 0, j], counts[i, 1, j] = cell["lk"], cell["pr"]
        out[document["indikator"]] = Tabel(tuple(k for k, _ in kategori), counts)
    return out


# ---- illustrative rules for the columns an edition cannot fill -------------------------------------

def _share(counts: np.ndarray, per_mille: int) -> np.ndarray:
    """floor(counts × per_mille / 1000): never more than the counts, the same on every run."""
    return counts * per_mille // 1000


def _heads_by_status(heads: np.ndarray) -> list[np.ndarray]:
    """Kepala keluarga (n_desa, 2) split over BELUM KAWIN, KAWIN, CERAI HIDUP, CERAI MATI (sums to `heads`)."""
    rules = {0: (20, None, 20, 40), 1: (50, 150, 250, None)}   # per mille of the heads of each sex; None: the rest
    out = [np.zeros_like(heads) for _ in range(4)]
    for sex, shares in rules.items():
        h = heads[:, sex]
        parts = [None if s is None else _share(h, s) for s in shares]
        rest = h - sum(p for p in parts if p is not None)
        for k, part in enumerate(parts):
            out[k][:, sex] = rest if part is None else part
    return out


# ---- the sheets -------------------------------------------------------------------------------------

class _Keys:
    """The four ways a sheet names its desa, for each desa of the region master."""

    def __init__(self, wilayah: Wilayah, provinsi: str):
        self.desa = wilayah.desa
        kecamatan = wilayah.middle[-1]
        self.kec_names = [kecamatan[i].nama.upper() for i in wilayah.ancestor_index(len(wilayah.middle) - 1)]
        if len(wilayah.middle) == 2:
            kab = wilayah.middle[0]
            self.kab_names = [kab[i].nama.upper() for i in wilayah.ancestor_index(0)]
        else:
            self.kab_names = [wilayah.root.nama.upper()] * len(self.desa)
        self.provinsi = (wilayah.root.nama if wilayah.root.tingkat == "provinsi" else provinsi).upper()

    def a(self, i: int) -> list:
        prop, kab, kec, kel = (float(p) for p in self.desa[i].kode.split("."))
        return [prop, self.provinsi, kab, self.kab_names[i], kec, self.kec_names[i], kel, self.desa[i].nama.upper()]

    def b(self, i: int) -> list:
        return [self.desa[i].kode.replace(".", ""), self.desa[i].nama.upper()]

    def c(self, i: int, idem: bool = True) -> list:
        return ([4.0] if idem else []) + [self.desa[i].kode, self.desa[i].nama.upper()]

    def d(self, i: int) -> list:
        name = self.desa[i].nama.upper()
        return [name.replace(" ", "") if i % 7 == 3 else name]   # spellings differ between sheets (KLAGENSERUT)


def _columns(parts: list[tuple[str, np.ndarray]], style: str) -> tuple[list[str], np.ndarray]:
    """Headers and an (n_desa, n columns) float array for labelled (n_desa, 2) counts, in one header style:
    `prefix` L 00-04/P/JML; `suffix` ISLAM L/P; `under` X_L/X_P/X; `under2` X_L/X_P; `lkpr` LK_X/PR_X."""
    headers: list[str] = []
    columns: list[np.ndarray] = []
    for label, counts in parts:
        lk, pr = counts[:, 0], counts[:, 1]
        if style == "prefix":
            headers += [f"L {label}", f"P {label}", f"JML {label}"]
            columns += [lk, pr, lk + pr]
        elif style == "suffix":
            headers += [f"{label} L", f"{label} P"]
            columns += [lk, pr]
        elif style == "under":
            headers += [f"{label}_L", f"{label}_P", label]
            columns += [lk, pr, lk + pr]
        elif style == "under2":
            headers += [f"{label}_L", f"{label}_P"]
            columns += [lk, pr]
        elif style == "quoted":
            headers += [f"'{label}'_L", f"'{label}'_P", f"'{label}'_JML"]
            columns += [lk, pr, lk + pr]
    return headers, np.stack(columns, axis=1).astype(float)


def _unknown(parts: list, table) -> list:
    """A register's unknown category as one more column (only when it holds someone)."""
    counts = table.of("?")
    return parts + [(UNKNOWN, counts)] if counts.any() else parts


def _sheet(keys: _Keys, scheme, headers_key: list[str], headers: list[str], values: np.ndarray,
           tail: list[str] = (), tail_values: np.ndarray | None = None) -> list[list]:
    rows = [list(headers_key) + headers + list(tail)]
    for i in range(len(keys.desa)):
        row = scheme(i) + values[i].tolist()
        if tail_values is not None:
            row += tail_values[i].tolist()
        rows.append(row)
    return rows


def _persen(ada: np.ndarray, semua: np.ndarray) -> np.ndarray:
    return np.round(np.where(semua > 0, 100 * ada / np.maximum(semua, 1), 0.0), 2)


def workbook_sheets(tables: dict[str, Tabel], wilayah: Wilayah, provinsi: str = "") -> dict[str, list[list]]:
    """Every sheet of the workbook as rows of cells, in the real file's order."""
    keys = _Keys(wilayah, provinsi)
    n = len(wilayah.desa)
    pop = tables["penduduk"].counts.sum(axis=2)                      # (n_desa, 2)
    single = tables["umur_tunggal"]
    ages = [single.of(str(a)) for a in range(100)] + [single.of("100+")]
    zero = np.zeros((n, 2), dtype=np.int64)
    out: dict[str, list[list]] = {}

    bands = tables["kelompok_umur"]
    parts = [(f"{int(k.split('-')[0]):02d}-{int(k.split('-')[1]):02d}" if "-" in k else k, bands.of(k))
             for k in bands.kode]
    out["Sheet1"] = _sheet(keys, keys.a, KEY_A, *_columns(parts, "prefix"))
    parts = [(str(a), ages[a] if a <= 100 else zero) for a in range(121)]
    out["Sheet1_UMUR"] = _sheet(keys, keys.b, ["KODE", "WILAYAH"], *_columns(parts, "prefix"))
    out["UMUR_TUNGGAL_KEC"] = _formatted_ages(keys, wilayah, ages)

    pddk = tables["pendidikan"]
    parts = _unknown([(label, pddk.of(str(k + 1))) for k, label in enumerate(PENDIDIKAN)], pddk)
    out["Sheet3"] = _sheet(keys, keys.c, ["IDEM", "KODE", "WILAYAH"], *_columns(parts, "under"))

    pkrjn = tables["pekerjaan"]
    resolve = coded("pekerjaan")
    by_label = [(label, resolve(label)) for label in PEKERJAAN]
    missing = set(pkrjn.kode) - {k for _, k in by_label if k} - {"?"}
    if any(pkrjn.of(k).any() for k in missing):
        raise ValueError(f"pekerjaan codes without a DKB column: {sorted(missing)}")
    parts = _unknown([(label, pkrjn.of(k) if k else zero) for label, k in by_label], pkrjn)
    out["Sheet4"] = _sheet(keys, keys.a, KEY_A, *_columns(parts, "under2"))
    out["Sheet2"] = _long_form(keys, parts)

    kawin = tables["status_kawin"]
    status = [("BLM_KAWIN", "BLM_KWN", "1"), ("KAWIN", "KWN", "2"), ("CERAI_HIDUP", "CERAI_HIDUP", "3"),
              ("CERAI_MATI", "CERAI_MATI", "4")]
    if kawin.of("?").any():
        status.append(("TIDAK_DIKETAHUI", "TIDAK_DIKETAHUI", "?"))
    headers = [h for lk, pr, _ in status for h in (f"LK_{lk}", f"PR_{pr}")]
    values = np.stack([kawin.of(k)[:, s] for _, _, k in status for s in (0, 1)], axis=1).astype(float)
    rows = _sheet(keys, keys.a, KEY_A, headers, values, [""], values.sum(axis=1, keepdims=True))
    out["Sheet10"] = rows + [[""] * (len(rows[0]) - 1) + [float(values.sum())]]   # the grand total, no key

    out["Sheet15"] = _akta_sheet(keys, tables, ages, kawin)

    heads = tables["kartu_keluarga"].counts.sum(axis=2)
    if "kepala_keluarga_status_kawin" in tables:   # the register's own counts (the two doors must agree)
        by_status = tables["kepala_keluarga_status_kawin"]
        split = [by_status.of(k) for k in "1234"]
        parts = _unknown(list(zip(("BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI"), split)), by_status)
    else:
        parts = list(zip(("BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI"), _heads_by_status(heads)))
    headers, values = _columns(parts, "quoted")
    rows = _sheet(keys, lambda i: keys.a(i) + [""], KEY_A + ("",), headers, values)
    out["Sheet5"] = rows

    agama = tables["agama"]
    parts = _unknown([(label, agama.of(str(k + 1))) for k, label in enumerate(AGAMA)], agama)
    out["Sheet7"] = _sheet(keys, keys.b, ["KODE", "WILAYAH"], *_columns(parts, "suffix"))

    cetak = heads - _share(heads, 40)
    cols = [heads[:, 0], heads[:, 1], heads.sum(1), cetak[:, 0], cetak[:, 1], cetak.sum(1),
            heads[:, 0] - cetak[:, 0], heads[:, 1] - cetak[:, 1], (heads - cetak).sum(1)]
    out["Sheet11"] = _sheet(keys, lambda i: keys.c(i, idem=False), ["KODE", "WILAYAH"],
                            ["L_KK", "P_KK", "JML_KK", "L_CETAK_KK", "P_CETAK_KK", "JML_CETAK_KK", "BLM_CETAK_KK_L",
                             "BLM_CETAK_KK_P", "BLM_CETAK_KK_JML"], np.stack(cols, 1).astype(float))

    if "kia_kepemilikan" in tables:   # the register's own counts (the two doors must agree)
        anak, kia, belum = (tables["kia_kepemilikan"].of(k) for k in "123")
    else:
        anak = sum(ages[a] for a in range(17))
        kia = _share(anak, 700)
        belum = anak - kia
    cols = [anak[:, 0], anak[:, 1], anak.sum(1), kia[:, 0], kia[:, 1], kia.sum(1), belum[:, 0],
            belum[:, 1], belum.sum(1), _persen(kia.sum(1), anak.sum(1))]
    out["Sheet6"] = _sheet(keys, lambda i: keys.c(i, idem=False), ["KODE", "WILAYAH"],
                           ["LK_JML_DINAMIS", "P_JML_DINAMIS", "JML_DINAMIS", "LK_MMLK_DINAMIS", "P_MMLK_DINAMIS",
                            "MMLK_DINAMIS", "LK_BLM_MMLK_DINAMIS", "P_BLM_MMLK_DINAMIS", "BLM_MMLK_DINAMIS",
                            "PERSEN_DINAMIS"], np.stack(cols, 1).astype(float))

    semula = heads - _share(heads, 50)
    progres = _share(heads, 5)
    dinamis = semula + progres
    groups = [heads, semula, progres, dinamis, heads - dinamis]
    names = ["KK", "MMLK_KK_SEMULA", "MMLK_KK_PROGRES", "MMLK_KK_DINAMIS", "BLM_MMLK_KK_DINAMIS"]
    headers = [h for name in names for h in (f"L_{name}", f"P_{name}", name if name != "KK" else "JML_KK")]
    values = np.stack([c for g in groups for c in (g[:, 0], g[:, 1], g.sum(1))], 1).astype(float)
    out["Sheet9"] = _sheet(keys, keys.d, ["WILAYAH"], headers, values)

    out["Sheet16"] = _akta_kawin_sheet(keys, agama, kawin, pop,
                                       {k: tables[t] for k, t in (("KWN", "akta_perkawinan"), ("CRAI", "akta_perceraian"))
                                        if t in tables})
    if "disabilitas" in tables:
        dis = tables["disabilitas"]
        parts = [(label, dis.of(str(k + 1))) for k, label in enumerate(DISABILITAS)]
        out["Disabilitas"] = _sheet(keys, keys.c, ["IDEM", "KODE", "WILAYAH"], *_columns(parts, "under"))
    if "wajib_ktp" in tables:
        out["Wajib KTP"] = _wajib_ktp_sheet(keys, tables["wajib_ktp"].of("1"), tables.get("ktp_el"))
    return out


def _formatted_ages(keys: _Keys, wilayah: Wilayah, ages: list[np.ndarray]) -> list[list]:
    """The office's own formatted table (titles, two header rows, LK/PR/JML rows per age): not a DKB sheet."""
    kecamatan = wilayah.middle[-1]
    which = wilayah.ancestor_index(len(wilayah.middle) - 1)
    width = len(kecamatan) + 4
    rows = [[""] * width, ["PROPINSI"] + [""] * (width - 1), ["KABUPATEN"] + [""] * (width - 1),
            ["SUMBER"] + [""] * (width - 1), [""] * width,
            ["NO", "UMUR (TAHUN)", "JK", "KECAMATAN"] + [""] * (len(kecamatan) - 1) + ["JUMLAH"],
            ["", "", ""] + [k.nama.upper() for k in kecamatan] + [""]]
    for age, counts in enumerate(ages):
        per_kec = np.zeros((len(kecamatan), 2), dtype=np.int64)
        np.add.at(per_kec, which, counts)
        for s, jk in enumerate(("LK", "PR", "JML")):
            cells = (per_kec.sum(1) if s == 2 else per_kec[:, s]).astype(float).tolist()
            rows.append(([float(age + 1), float(age)] if s == 0 else ["", ""]) + [jk] + cells + [sum(cells)])
    return rows


def _long_form(keys: _Keys, parts: list[tuple[str, np.ndarray]]) -> list[list]:
    rows = [["WILAYAH", "", keys.kab_names[0]]]
    for label, counts in parts:
        rows += [[label, "L", float(counts[:, 0].sum())], [label, "P", float(counts[:, 1].sum())]]
    return rows


def _akta_sheet(keys: _Keys, tables: dict[str, Tabel], ages: list[np.ndarray], kawin: Tabel) -> list[list]:
    """Sheet15: two header rows; married/divorced counts, then akta kelahiran for all ages, 0-17 and 0-5."""
    semua, anak = tables["akta_kelahiran"], tables["akta_kelahiran_0_17"]
    if "akta_kelahiran_0_5" in tables:   # the register's own counts (the two doors must agree)
        ada_balita, belum_balita = tables["akta_kelahiran_0_5"].of("1"), tables["akta_kelahiran_0_5"].of("2")
    else:
        balita = sum(ages[a] for a in range(6))
        anak_pop = anak.of("1") + anak.of("2")
        ada_balita = np.where(anak_pop > 0, balita * anak.of("1") // np.maximum(anak_pop, 1), 0)
        belum_balita = balita - ada_balita
    groups = [("AKTA LAHIR ALL", semua.of("1"), semua.of("2")),
              ("AKTA LAHIR 0_18 (ANAK USIA 17 TAHUN KURANG 1 HARI)", anak.of("1"), anak.of("2")),
              ("AKTA LAHIR 0_5 (ANAK USIA 5 TAHUN KURANG 1 HARI)", ada_balita, belum_balita)]
    names = ["LK_MMLK_DINAMIS", "P_MMLK_DINAMIS", "JML_MMLK_DINAMIS", "LK_BLM_MMLK_DINAMIS", "P_BLM_MMLK_DINAMIS",
             "JML_BLM_MMLK_DINAMIS", "PERSEN"]
    titles = [""] * 12
    headers = list(KEY_A) + ["LK_KAWIN", "PR_KWN", "LK_CERAI", "PR_CERAI"]
    cerai = kawin.of("3") + kawin.of("4")
    columns = [kawin.of("2")[:, 0], kawin.of("2")[:, 1], cerai[:, 0], cerai[:, 1]]
    for title, ada, belum in groups:
        titles += [title] + [""] * 6
        headers += names
        columns += [ada[:, 0], ada[:, 1], ada.sum(1), belum[:, 0], belum[:, 1], belum.sum(1),
                    _persen(ada.sum(1), (ada + belum).sum(1))]
    values = np.stack(columns, 1).astype(float)
    return [titles, headers] + [keys.a(i) + values[i].tolist() for i in range(len(keys.desa))]


def _akta_kawin_sheet(keys: _Keys, agama: Tabel, kawin: Tabel, pop: np.ndarray,
                      owners: dict[str, Tabel]) -> list[list]:
    """Sheet16 (WILAYAH only): akta perkawinan/perceraian by agama. Owners: the register's own counts where
    `owners` has them (KWN, CRAI; the two doors must agree, a TIDAK DIKETAHUI agama column when someone is
    in it), else 85 % of the married (divorced) share of each agama; non-owners: that share less the owners."""
    safe = np.maximum(pop, 1)
    headers, columns = ["WILAYAH"], []
    unknown = any(table.of("?").any() for table in owners.values())
    for k, label in enumerate(AGAMA + ((UNKNOWN,) if unknown else ())):
        people = agama.of(str(k + 1) if label != UNKNOWN else "?")
        for akta, status in (("KWN", ("2",)), ("CRAI", ("3",))):
            married = people * sum(kawin.of(s) for s in status) // safe
            ada = owners[akta].of(str(k + 1) if label != UNKNOWN else "?") if akta in owners else _share(married, 850)
            headers += [f"LK_MMLK_AKTA_{akta}_{label}", f"PR_MMLK_AKTA_{akta}_{label}",
                        f"JML_MMLK_AKTA_{akta}_{label}", f"JML_BLM_MMLK_AKTA_{akta}_{label}"]
            columns += [ada[:, 0], ada[:, 1], ada.sum(1), (married - ada).clip(0).sum(1)]
    values = np.stack(columns, 1).astype(float)
    return [headers] + [keys.d(i) + values[i].tolist() for i in range(len(keys.desa))]


def _wajib_ktp_sheet(keys: _Keys, wajib: np.ndarray, ktp_el: Tabel | None) -> list[list]:
    """Wajib KTP-el, perekaman and pencetakan, with the unlabelled SUM row under the last desa; recorded and
    printed from the register's own `ktp_el` counts when it has them, else 97,2 % and 99 % of that."""
    if ktp_el is not None:
        rekam, cetak = ktp_el.of("2"), ktp_el.of("3")
    else:
        rekam = _share(wajib, 972)
        cetak = _share(rekam, 990)
    columns = [c for g in (wajib, rekam, cetak) for c in (g[:, 0], g[:, 1], g.sum(1))]
    values = np.stack(columns, 1).astype(float)
    rows = _sheet(keys, keys.c, ["IDEM", "KODE", "WILAYAH"],
                  ["WKTP_LK", "WKTP_PR", "WKTP", "REKAM_LK", "REKAM_PR", "REKAM", "KTP_LK", "KTP_PR", "KTP"], values)
    return rows + [["", "", ""] + values.sum(axis=0).tolist()]


# ---- writing ---------------------------------------------------------------------------------------

def workbook_bytes(sheets: dict[str, list[list]]) -> bytes:
    """The .xlsx of these sheets, the same bytes on every run (fixed dates, fixed zip entry times)."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    workbook.properties.creator = "agregat demo"
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    raw = io.BytesIO()
    workbook.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":   # openpyxl stamps the save time into `modified`
                data = re.sub(rb"<dcterms:modified([^>]*)>[^<]*<", rb"<dcterms:modified\1>2000-01-01T00:00:00Z<", data)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
    return out.getvalue()


def write_dkb_workbook(tables: dict[str, Tabel], wilayah: Wilayah, path: Path, provinsi: str = "") -> Path:
    """Write the workbook atomically; returns its path."""
    path = Path(path)
    write_atomic_bytes(path, workbook_bytes(workbook_sheets(tables, wilayah, provinsi)))
    return path


def write_demo_workbooks(data_dir: Path, config_path: Path, periods: tuple[str, ...]) -> dict[str, Path]:
    """`data_dir/raw/demo-dkb-<P>.xlsx` for each demo edition in `data_dir/<P>/` (made from the register)."""
    from agregat.core.config import load_config
    from agregat.core.wilayah import load_wilayah

    config = load_config(config_path)
    wilayah = load_wilayah(config.wilayah, config.kode)
    written = {}
    for period in periods:
        tables = edition_counts(Path(data_dir) / period, wilayah)
        written[period] = write_dkb_workbook(tables, wilayah, Path(data_dir) / "raw" / f"demo-dkb-{period}.xlsx",
                                             config.provinsi)
    return written
