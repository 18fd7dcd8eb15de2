"""The sheets of a DKB aggregate workbook, recognised by their header, never by their name.

A header cell names a key column (NO_PROP … NAMA_KEL, IDEM, KODE, WILAYAH) or a value column, which
`parse_header` splits into (label, sex) for every spelling seen in real deliveries: `L 00-04`, `ISLAM L`,
`<LABEL>_L/_P/_JML` with the total unsuffixed, `LK_/PR_/P_/JML_<LABEL>`, `UP_LK_75`, literal quotes around
the label. A label without both an L and a P column (PERSEN, a lone total) carries no table.

`SIGNATURES` is data: one entry per kind of sheet, saying how its labels are resolved, which labels must be
there, whether it is a person sheet (its L and P per desa must agree with the other person sheets) or a
document sheet (it may lack desa rows), and which edition table it feeds (None: recognised, no table yet —
the new document tables are added by giving these entries a table). The first entry that matches wins;
a sheet matching none is listed in the report and ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agregat.core.kode import UNKNOWN_KODE, UNKNOWN_LABEL, CodeList, load_code_lists, normalize_value

KEY_COLUMNS = ("NO_PROP", "NAMA_PROP", "NO_KAB", "NAMA_KAB", "NO_KEC", "NAMA_KEC", "NO_KEL", "NAMA_KEL",
               "IDEM", "KODE", "WILAYAH")
SEPARATOR_COLUMNS = ("BATAS",)   # a column between two groups whose cells hold `<>`: no values, never read
LK, PR, JML = 0, 1, 2
_SEX = {"L": LK, "LK": LK, "P": PR, "PR": PR, "JML": JML, "J": JML}
_HEADER_FORMS = (   # (pattern, group of the sex, group of the label), first match wins
    (re.compile(r"(L|P|JML) (.+)"), 1, 2),             # L 00-04, JML 0
    (re.compile(r"UP_(LK|PR)_([0-9]+)"), 1, 2),            # UP_LK_75 (75 and over)
    (re.compile(r"(.+) (L|P)"), 2, 1),                  # ISLAM L
    (re.compile(r"(LK|PR|P|L|JML)_(.+)"), 1, 2),        # LK_BLM_KAWIN, P_MMLK_DINAMIS, JML_KK, LK_0_4
    (re.compile(r"(.+)_(LK|PR|L|P|JML)"), 2, 1),        # ISLAM_L, BLM_CETAK_KK_JML
)

# Header spellings that name a SIAK category differently from siak_codes.yml (header quirks of the workbook,
# not register values): per code list, normalised label → SIAK code.
ALIASES = {
    "pendidikan": {"AKADEMI/DIPLOMA III/S.MUDA": "7", "AKADEMI/DIPLOMA III/S.MUDA_J": "7"},
    "pekerjaan": {"ANGGOTA DPD RI": "49", "ANGGOTA KABINET KEMENTRIAN": "54", "ANGGOTA DPRD PROP.": "62",
                  "ANGGOTA DPRD PROP": "62", "ANGGOTA DPRD KAB./KOTA": "63", "ANGGOTA DPRD KAB/KOTA": "63",
                  "TENTARA NASIONAL INDONESIA": "6"},
    "status_kawin": {"BLM KAWIN": "1", "BLM KWN": "1", "BELUM KWN": "1", "KWN": "2", "CERAI HIDUP": "3",
                     "CERAI MATI": "4", "CERAI HDP": "3", "CERAI MT": "4"},
    "agama": {}, "disabilitas": {},
}
# Pekerjaan labels of newer DKB lists without a SIAK code (siak_codes.yml): counted TIDAK DIKETAHUI, warned.
UNCODED_PEKERJAAN = frozenset({
    "ANGGOTA LEMBAGA TINGGI LAINNYA", "ANGGOTA LEMBAGA TINGGI LAIN", "ARTIS", "ATLIT", "CHEFF", "MANAJER",
    "TENAGA TATA USAHA", "OPERATOR", "PEKERJA PENGOLAHAN KERAJINAN", "TEKNISI", "ASISTEN AHLI",
})


def clean(cell: object) -> str:
    """A header cell compared without quotes, case or surplus blanks ("'BELUM KAWIN'_L" → "BELUM KAWIN_L")."""
    text = "" if cell is None else str(cell)
    return re.sub(r"\s+", " ", text.replace("'", "").replace('"', "").replace("\ufeff", "")).strip().upper()


def parse_header(cell: object) -> tuple[str, int] | None:
    """(label, sex) of a value column; an unsuffixed header is the total (JML) of its label; None if blank."""
    text = clean(cell)
    if not text or text in KEY_COLUMNS or text in SEPARATOR_COLUMNS:
        return None
    for pattern, sex_group, label_group in _HEADER_FORMS:
        match = pattern.fullmatch(text)
        if match:
            label = match.group(label_group).strip()
            if pattern.pattern.startswith("UP_"):
                label += "+"
            return label, _SEX[match.group(sex_group)]
    return text, JML


# ---- label resolvers: header label → category key (None: not this kind) -------------------------

def age_band(label: str) -> str | None:
    """"00-04", "0_4", "0-4" → "0-4"; "75+" → "75+" (bands of 5 years up to 70-74)."""
    match = re.fullmatch(r"([0-9]+)[-_ ]([0-9]+)", label)
    if match:
        low, high = int(match.group(1)), int(match.group(2))
        return f"{low}-{high}" if low % 5 == 0 and high == low + 4 and low < 75 else None
    return "75+" if label in ("75+", "75 +", ">75", "75_KEATAS", "75 KEATAS") else None


def single_age(label: str) -> str | None:
    return str(int(label)) if re.fullmatch(r"[0-9]{1,3}", label) else None


def coded(list_name: str):
    """Resolver of a SIAK code list: the category's SIAK code, via siak_codes.yml and `ALIASES`."""
    def resolve(label: str) -> str | None:
        codes: CodeList = load_code_lists()[list_name]
        spaced = label.replace("_", " ")
        if normalize_value(spaced) == UNKNOWN_LABEL:
            return UNKNOWN_KODE     # a column of unknown values (a workbook made from a register has one)
        for candidate in (label, spaced):
            alias = ALIASES[list_name].get(normalize_value(candidate))
            if alias:
                return alias
            index = codes.resolve(candidate)
            if index >= 0:
                return codes.kategori[index][0]
        return None
    return resolve


def fixed(*labels: str):
    wanted = frozenset(labels)
    return lambda label: label if label in wanted else None


@dataclass(frozen=True)
class Signature:
    """One kind of sheet. `required`: category keys that must all be present. `uncoded`: labels accepted
    without a category (counted as unknown, warned). `groups`: the sheet has two header rows, the first
    naming groups of columns; the n-th group feeds the n-th of `tables`."""

    kind: str
    judul: str                      # what the sheet holds, for the report (Indonesian)
    resolve: object
    required: frozenset[str]
    tables: tuple[str | None, ...]
    person: bool = False            # L and P per desa must equal the other person sheets
    document: bool = False          # may lack desa rows (those desa: tidak tersedia)
    uncoded: frozenset[str] = frozenset()
    min_share: float = 1.0          # share of the sheet's labels that must resolve
    groups: bool = False


BANDS = frozenset([f"{a}-{a + 4}" for a in range(0, 75, 5)] + ["75+"])
SIGNATURES = (
    Signature("kelompok_umur", "kelompok umur 5 tahunan", age_band, BANDS, ("kelompok_umur",), person=True),
    Signature("umur_tunggal", "umur tunggal", single_age, frozenset(str(a) for a in range(101)),
              ("umur_tunggal",), person=True),
    Signature("agama", "agama", coded("agama"), frozenset("123456"), ("agama",), person=True),
    Signature("pendidikan", "pendidikan terakhir", coded("pendidikan"), frozenset(str(k) for k in range(1, 11)),
              ("pendidikan",), person=True),
    Signature("pekerjaan", "jenis pekerjaan", coded("pekerjaan"), frozenset({"1", "2", "3", "9"}), ("pekerjaan",),
              person=True, uncoded=UNCODED_PEKERJAAN, min_share=0.8),
    # the same labels serve the person sheet and the kepala keluarga sheet: the reader tells them apart by
    # their totals (a KK sheet counts about a third of the people)
    Signature("status_kawin", "status perkawinan", coded("status_kawin"), frozenset("1234"), ("status_kawin",),
              person=True),
    Signature("disabilitas", "jenis disabilitas", coded("disabilitas"), frozenset("123456"), ("disabilitas",),
              document=True),
    Signature("wajib_ktp", "wajib KTP-el, perekaman dan pencetakan", fixed("WKTP", "REKAM", "KTP"),
              frozenset({"WKTP"}), ("wajib_ktp",), document=True),   # and ktp_el when REKAM, KTP are there
    Signature("akta_kelahiran", "akta kelahiran (semua umur, 0-17, 0-5)", fixed("MMLK_DINAMIS", "BLM_MMLK_DINAMIS"),
              frozenset({"MMLK_DINAMIS", "BLM_MMLK_DINAMIS"}), ("akta_kelahiran", "akta_kelahiran_0_17", "akta_kelahiran_0_5"),
              document=True, groups=True),
    Signature("kia_kepemilikan", "kepemilikan KIA", fixed("JML_DINAMIS", "MMLK_DINAMIS", "BLM_MMLK_DINAMIS"),
              frozenset({"JML_DINAMIS", "MMLK_DINAMIS", "BLM_MMLK_DINAMIS"}), ("kia_kepemilikan",), document=True),
    # akta perkawinan/perceraian, two layouts under one signature: owners by agama (MMLK_AKTA_KWN_<AGAMA>:
    # akta_perkawinan, akta_perceraian) or, in older deliveries, married (divorced) people, owners and
    # non-owners per sex (KWN, MMLK_AKTA_KWN, BLM_MMLK_AKTA_KWN, a BATAS column, the same for CRAI:
    # akta_perkawinan_kepemilikan, akta_perceraian_kepemilikan); `dkb._akta_tables` tells them apart
    Signature("kk_cetak", "KK tercetak", fixed("KK", "CETAK_KK", "BLM_CETAK_KK"),
              frozenset({"KK", "CETAK_KK", "BLM_CETAK_KK"}), ("kk_cetak",), document=True),
    Signature("kk_kepemilikan", "kepemilikan KK", lambda label: label if "KK" in label else None,
              frozenset({"KK", "MMLK_KK_DINAMIS", "BLM_MMLK_KK_DINAMIS"}), ("kk_kepemilikan",), document=True),
    Signature("akta_perkawinan", "akta perkawinan dan perceraian",
              lambda label: label if re.match(r"(BLM_)?(MMLK_)?(AKTA_)?(KWN|CRAI)", label) else None,
              frozenset(), ("akta_perkawinan", "akta_perceraian", "akta_perkawinan_kepemilikan",
                            "akta_perceraian_kepemilikan"), document=True, min_share=0.9),
)
KEPALA_KELUARGA = "kepala_keluarga"   # the status-kawin sheet of heads of family: feeds kartu_keluarga and
                                      # kepala_keluarga_status_kawin
# Sheets that count KK besides the kepala keluarga sheet: kind → label of their KK column. Their counts may
# differ from it (a stale copy from the previous semester): warned, the kepala keluarga sheet is used.
KK_COLUMNS = {"kk_cetak": "KK", "kk_kepemilikan": "KK"}
# "Dinamis" document counts (extracted on another date than the person sheets, so they may exceed them):
# kind → per group (labels summed, ages covered: below this age, None = all ages, what the report calls it).
DYNAMIC = {
    "akta_kelahiran": ((("MMLK_DINAMIS", "BLM_MMLK_DINAMIS"), None, "akta kelahiran semua umur"),
                       (("MMLK_DINAMIS", "BLM_MMLK_DINAMIS"), 18, "akta kelahiran umur 0-17 tahun"),
                       (("MMLK_DINAMIS", "BLM_MMLK_DINAMIS"), 6, "akta kelahiran umur 0-5 tahun")),
    "kia_kepemilikan": ((("JML_DINAMIS",), 17, "sasaran KIA umur 0-16 tahun"),),
}
