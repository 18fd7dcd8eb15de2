"""Bab VII Analisa (agregat/edisi/analisa.py): every number in the text recomputed here from the edition's YAML.

The expected values are computed from the tables themselves (penduduk, struktur_umur, kartu_keluarga,
wajib_ktp, and the previous edition's penduduk), not from indikator.yml/perbandingan.yml that the text reads,
so a wrong number in either the text or those derived documents shows up.
"""

from __future__ import annotations

import copy
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml

from agregat.edisi.analisa import nama_wilayah, teks, tulis_analisa

ROOT = Path(__file__).resolve().parent.parent
DOCS = ("penduduk", "kartu_keluarga", "struktur_umur", "indikator", "wajib_ktp", "agama", "manifest",
        "perbandingan")
NUMBER = re.compile(r"\d+-\d+|[+-]?\d+(?:\.\d{3})*(?:,\d+)?")   # a range (0-14) is one number
try:
    LOADER = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    LOADER = yaml.SafeLoader


def load(periode: str) -> dict:
    folder = ROOT / "data" / periode
    return {name: yaml.load((folder / f"{name}.yml").read_text(encoding="utf-8"), Loader=LOADER)
            for name in DOCS if (folder / f"{name}.yml").exists()}


@pytest.fixture(scope="module")
def s1() -> dict:
    return load("2025-S1")


@pytest.fixture(scope="module")
def s2() -> dict:
    return load("2024-S2")


@pytest.fixture
def docs(s1) -> dict:
    return copy.deepcopy(s1)


def fmt(value, desimal: int = 0, tanda: bool = False) -> str:
    """The test's own Indonesian number writer: 1234567 → 1.234.567, 12.345 → 12,35 (half away from zero)."""
    angka = Decimal(repr(value)).quantize(Decimal(1).scaleb(-desimal), rounding=ROUND_HALF_UP)
    bulat, _, pecahan = f"{abs(angka):f}".partition(".")
    hasil = f"{int(bulat):,}".replace(",", ".") + ("," + pecahan if pecahan else "")
    if angka < 0:
        return "-" + hasil
    return ("+" if tanda and angka > 0 else "") + hasil


def section(text: str, heading: str) -> str:
    """The body of one `## heading` section."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.DOTALL | re.MULTILINE)
    assert match, f"section {heading!r} missing"
    return match.group(1)


def regions(doc: dict, *tingkat: str) -> dict:
    return {kode: isi for kode, isi in doc["wilayah"].items() if isi["tingkat"] in tingkat}


def kab(doc: dict) -> dict:
    (isi,) = regions(doc, "kabupaten").values()
    return isi["data"]


def total_of(doc: dict, kode: str | None = None) -> int:
    data = doc["wilayah"][kode]["data"] if kode else kab(doc)
    return data["PENDUDUK"]["jml"]


class Expected:
    """Every value the text should state for one edition, recomputed from the tables."""

    def __init__(self, docs: dict, previous: dict | None):
        penduduk = docs["penduduk"]
        p = kab(penduduk)["PENDUDUK"]
        self.total, self.lk, self.pr = p["jml"], p["lk"], p["pr"]
        # Higher levels are sums of desa: check the YAML is coherent before trusting it.
        desa = regions(penduduk, "desa", "kelurahan")
        assert sum(isi["data"]["PENDUDUK"]["jml"] for isi in desa.values()) == self.total
        assert self.lk + self.pr == self.total
        self.n_desa = len(regions(penduduk, "desa"))
        self.n_kelurahan = len(regions(penduduk, "kelurahan"))
        kec = {kode: (isi["nama"], isi["data"]["PENDUDUK"]["jml"]) for kode, isi in
               regions(penduduk, "kecamatan").items()}
        self.n_kec = len(kec)
        order = sorted(kec.items(), key=lambda item: (-item[1][1], item[0]))
        self.terbanyak, self.tersedikit = order[0][1], order[-1][1]
        luas = {kode: isi["data"]["luas_km2"] for kode, isi in regions(docs["indikator"], "kecamatan").items()}
        padat = sorted(((kec[kode][1] / luas[kode], kode) for kode in kec), reverse=True)
        self.terpadat = (kec[padat[0][1]][0], padat[0][0])
        self.terjarang = (kec[padat[-1][1]][0], padat[-1][0])
        self.luas = kab(docs["indikator"])["luas_km2"]
        self.kepadatan = self.total / self.luas

        umur = kab(docs["struktur_umur"])
        self.muda, self.produktif, self.tua = (umur[k]["jml"] for k in ("0-14", "15-64", "65+"))
        assert self.muda + self.produktif + self.tua == self.total
        self.rasio_jk = self.lk / self.pr * 100
        self.rk = (self.muda + self.tua) / self.produktif * 100
        self.rk_muda = self.muda / self.produktif * 100
        self.rk_tua = self.tua / self.produktif * 100

        kk = kab(docs["kartu_keluarga"])["KEPALA KELUARGA"]
        self.kk, self.kk_lk, self.kk_pr = kk["jml"], kk["lk"], kk["pr"]
        self.rata_kk = self.total / self.kk
        self.wajib = kab(docs["wajib_ktp"])["WAJIB KTP-EL"]["jml"]
        agama = kab(docs["agama"])
        self.islam = agama["ISLAM"]["jml"]
        self.agama_tidak_tahu = agama["TIDAK DIKETAHUI"]["jml"]

        self.previous = previous
        if previous:
            self.sebelumnya = total_of(previous["penduduk"])
            self.kk_sebelumnya = kab(previous["kartu_keluarga"])["KEPALA KELUARGA"]["jml"]
            self.wajib_sebelumnya = kab(previous["wajib_ktp"])["WAJIB KTP-EL"]["jml"]

    def desa_changes(self, docs: dict) -> list[tuple]:
        """(kode, tingkat, nama, kecamatan, before, after, diff, percent) for every desa/kelurahan."""
        now, before = docs["penduduk"], self.previous["penduduk"]
        out = []
        for kode, isi in regions(now, "desa", "kelurahan").items():
            a, b = total_of(before, kode), total_of(now, kode)
            kec = now["wilayah"][kode.rsplit(".", 1)[0]]["nama"]
            out.append((kode, isi["tingkat"], isi["nama"], kec, a, b, b - a, (b - a) / a * 100))
        return out


def test_jumlah_dan_pertumbuhan_2025_s1(s1, s2):
    e = Expected(s1, s2)
    text = section(tulis_analisa(s1), "Jumlah dan Pertumbuhan Penduduk")
    assert (f"Jumlah penduduk Kabupaten Tapin per 30 Juni 2025 (Semester I Tahun 2025) tercatat "
            f"{fmt(e.total)} jiwa, terdiri atas {fmt(e.lk)} jiwa laki-laki ({fmt(e.lk / e.total * 100, 2)}%) dan "
            f"{fmt(e.pr)} jiwa perempuan ({fmt(e.pr / e.total * 100, 2)}%).") in text
    diff = e.total - e.sebelumnya
    assert diff > 0
    assert (f"Dibandingkan dengan Semester II Tahun 2024 (per 31 Desember 2024) sebanyak {fmt(e.sebelumnya)} "
            f"jiwa, jumlah penduduk naik {fmt(diff)} jiwa ({fmt(diff / e.sebelumnya * 100, 2)}%).") in text
    assert "tidak sama persis dengan jumlah kelahiran dikurangi kematian" in text
    assert "dibersihkan ulang setiap semester" in text
    assert "edisi pertama" not in text


def test_first_edition_has_no_comparison(s2):
    e = Expected(s2, None)
    text = tulis_analisa(s2)
    assert "perbandingan" not in s2
    jumlah = section(text, "Jumlah dan Pertumbuhan Penduduk")
    assert (f"Jumlah penduduk Kabupaten Tapin per 31 Desember 2024 (Semester II Tahun 2024) tercatat "
            f"{fmt(e.total)} jiwa, terdiri atas {fmt(e.lk)} jiwa laki-laki") in jumlah
    assert "edisi pertama dalam seri" in jumlah
    assert "naik" not in text and "turun" not in text
    assert "Perubahan Besar" not in text          # the desa section is skipped
    assert "semester sebelumnya" not in section(text, "Keluarga dan Dokumen Kependudukan")


@pytest.mark.parametrize("edisi", ["s1", "s2"])
def test_persebaran(edisi, request):
    docs = request.getfixturevalue(edisi)
    e = Expected(docs, None)
    text = section(tulis_analisa(docs), "Persebaran Penduduk")
    assert (f"tersebar di {e.n_kec} kecamatan dan {e.n_desa + e.n_kelurahan} desa/kelurahan ({e.n_desa} desa "
            f"dan {e.n_kelurahan} kelurahan)") in text
    (besar, n_besar), (kecil, n_kecil) = e.terbanyak, e.tersedikit
    assert (f"penduduk terbanyak adalah Kecamatan {nama_wilayah(besar)}, yaitu {fmt(n_besar)} jiwa "
            f"({fmt(n_besar / e.total * 100, 2)}% dari penduduk kabupaten)") in text
    assert (f"paling sedikit adalah Kecamatan {nama_wilayah(kecil)}, yaitu {fmt(n_kecil)} jiwa "
            f"({fmt(n_kecil / e.total * 100, 2)}%)") in text
    assert (f"Dengan luas wilayah {fmt(e.luas, 2)} km², kepadatan penduduk Kabupaten Tapin adalah "
            f"{fmt(e.kepadatan, 2)} jiwa per km².") in text
    assert (f"Kecamatan terpadat adalah Kecamatan {nama_wilayah(e.terpadat[0])} dengan {fmt(e.terpadat[1], 2)} "
            f"jiwa per km²") in text
    assert (f"paling jarang penduduknya adalah Kecamatan {nama_wilayah(e.terjarang[0])} dengan "
            f"{fmt(e.terjarang[1], 2)} jiwa per km².") in text
    assert docs["indikator"]["luas_sumber"] in text


@pytest.mark.parametrize("edisi", ["s1", "s2"])
def test_struktur(edisi, request):
    docs = request.getfixturevalue(edisi)
    e = Expected(docs, None)
    text = section(tulis_analisa(docs), "Struktur Penduduk")
    assert e.lk > e.pr
    assert (f"Rasio jenis kelamin tercatat {fmt(e.rasio_jk, 2)}, artinya terdapat sekitar {fmt(e.rasio_jk)} "
            "penduduk laki-laki untuk setiap 100 penduduk perempuan; penduduk laki-laki lebih banyak") in text
    assert (f"penduduk usia muda (0-14 tahun) berjumlah {fmt(e.muda)} jiwa ({fmt(e.muda / e.total * 100, 2)}%), "
            f"penduduk usia produktif (15-64 tahun) {fmt(e.produktif)} jiwa "
            f"({fmt(e.produktif / e.total * 100, 2)}%), dan penduduk usia tua (65 tahun ke atas) {fmt(e.tua)} "
            f"jiwa ({fmt(e.tua / e.total * 100, 2)}%)") in text
    assert (f"Rasio ketergantungan total sebesar {fmt(e.rk, 2)}, terdiri atas rasio ketergantungan muda "
            f"{fmt(e.rk_muda, 2)} dan rasio ketergantungan tua {fmt(e.rk_tua, 2)}.") in text
    assert (f"setiap 100 penduduk usia produktif menanggung sekitar {fmt(e.rk)} penduduk usia nonproduktif "
            f"(sekitar {fmt(e.rk_muda)} penduduk usia muda dan {fmt(e.rk_tua)} penduduk usia tua)") in text
    assert f"agama Islam, yaitu {fmt(e.islam)} jiwa ({fmt(e.islam / e.total * 100, 2)}% dari seluruh" in text


def test_keluarga_dan_dokumen(s1, s2):
    e = Expected(s1, s2)
    text = section(tulis_analisa(s1), "Keluarga dan Dokumen Kependudukan")
    assert (f"tercatat {fmt(e.kk)} KK; {fmt(e.kk_lk)} KK dikepalai laki-laki dan {fmt(e.kk_pr)} KK dikepalai "
            f"perempuan ({fmt(e.kk_pr / e.kk * 100, 2)}%)") in text
    assert f"Rata-rata anggota keluarga adalah {fmt(e.rata_kk, 2)} jiwa per KK." in text
    d_kk = e.kk - e.kk_sebelumnya
    assert f"jumlah KK naik {fmt(d_kk)} KK ({fmt(d_kk / e.kk_sebelumnya * 100, 2)}%)" in text
    assert f"berjumlah {fmt(e.wajib)} jiwa atau {fmt(e.wajib / e.total * 100, 2)}% dari seluruh penduduk" in text
    d_ktp = e.wajib - e.wajib_sebelumnya
    assert (f"jumlah penduduk wajib KTP-el naik {fmt(d_ktp)} jiwa "
            f"({fmt(d_ktp / e.wajib_sebelumnya * 100, 2)}%)") in text


def expected_lines(e: Expected, docs: dict, ambang: float) -> tuple[int, list[str]]:
    changes = [c for c in e.desa_changes(docs) if abs(round(c[7], 2)) >= ambang]
    changes.sort(key=lambda c: (-abs(round(c[7], 2)), -abs(c[6]), c[0]))
    lines = [f"- {'Kelurahan' if c[1] == 'kelurahan' else 'Desa'} {nama_wilayah(c[2])} (Kecamatan "
             f"{nama_wilayah(c[3])}): {fmt(c[4])} → {fmt(c[5])} jiwa ({fmt(c[6], tanda=True)} jiwa; "
             f"{fmt(c[7], 2, tanda=True)}%)" for c in changes[:10]]
    return len(changes), lines


@pytest.mark.parametrize("ambang", [1.5, 1.25])   # 6 desa; 11 desa (ten shown)
def test_desa_dengan_perubahan_besar(s1, s2, ambang):
    e = Expected(s1, s2)
    changes = e.desa_changes(s1)
    # No desa sits on the threshold, so rounding of the percentage cannot decide membership.
    assert not any(abs(abs(c[7]) - ambang) < 0.006 for c in changes)
    text = section(tulis_analisa(s1, ambang_persen=ambang), "Desa/Kelurahan dengan Perubahan Besar")
    jumlah, lines = expected_lines(e, s1, ambang)
    assert jumlah > 0
    ambang_teks = fmt(ambang, 2).rstrip("0").rstrip(",")
    assert (f"Terdapat {jumlah} desa/kelurahan yang jumlah penduduknya berubah {ambang_teks}% atau lebih "
            "dibandingkan dengan Semester II Tahun 2024") in text
    assert [line for line in text.splitlines() if line.startswith("- ")] == lines
    assert ("berikut 10 desa/kelurahan dengan perubahan terbesar" in text) == (jumlah > 10)


def test_threshold_zero_lists_ten_of_all(s1, s2):
    e = Expected(s1, s2)
    text = section(tulis_analisa(s1, ambang_persen=0.0), "Desa/Kelurahan dengan Perubahan Besar")
    jumlah, lines = expected_lines(e, s1, 0.0)
    assert jumlah == e.n_desa + e.n_kelurahan == 135
    assert f"Terdapat {jumlah} desa/kelurahan yang jumlah penduduknya berubah 0% atau lebih" in text
    assert "berikut 10 desa/kelurahan dengan perubahan terbesar" in text
    assert [line for line in text.splitlines() if line.startswith("- ")] == lines
    assert len(lines) == 10


@pytest.mark.parametrize("ambang", [1000.0, 5.0])
def test_threshold_high_says_tidak_ada(s1, ambang):
    text = section(tulis_analisa(s1, ambang_persen=ambang), "Desa/Kelurahan dengan Perubahan Besar")
    batas = "1.000" if ambang == 1000.0 else "5"
    assert text.strip() == (f"Tidak ada desa/kelurahan yang jumlah penduduknya berubah {batas}% atau lebih "
                            "dibandingkan dengan Semester II Tahun 2024.")
    assert "\n- " not in text


@pytest.mark.parametrize("edisi", ["s1", "s2"])
def test_catatan_kualitas_data(edisi, request):
    docs = request.getfixturevalue(edisi)
    m = docs["manifest"]
    text = section(tulis_analisa(docs), "Catatan Kualitas Data")
    b = m["baris"]
    assert b["dibaca"] == b["valid"] + b["dikecualikan"] == total_of(docs["penduduk"]) + b["dikecualikan"]
    assert sum(m["dikecualikan"].values()) == b["dikecualikan"]
    assert (f"berisi {fmt(b['dibaca'])} baris; {fmt(b['valid'])} baris valid dan dihitung dalam tabel, sedangkan "
            f"{fmt(b['dikecualikan'])} baris ({fmt(b['dikecualikan'] / b['dibaca'] * 100, 2)}%) dikecualikan") in text
    labels = {"nik_tidak_valid": "NIK tidak 16 angka", "nik_ganda": "NIK ganda",
              "jenis_kelamin_tidak_valid": "Jenis kelamin tidak valid",
              "tgl_lahir_tidak_valid": "Tanggal lahir tidak valid",
              "wilayah_tidak_valid": "Tempat tinggal bukan desa/kelurahan",
              "baris_rusak": "Baris rusak"}
    for key, label in labels.items():
        found = re.search(rf"^- {re.escape(label)}[^:\n]*: ([\d.]+) baris$", text, re.MULTILINE)
        assert bool(found) == bool(m["dikecualikan"][key]), key
        if found:
            assert found.group(1) == fmt(m["dikecualikan"][key])
    p = m["peringatan"]
    assert f"Tanggal lahir yang tersandi pada NIK berbeda dengan tanggal lahir tercatat: " \
           f"{fmt(p['nik_tgl_lahir_beda'])} baris" in text
    assert f"KK tanpa kepala keluarga: {fmt(p['kk_tanpa_kepala'])} KK" in text
    assert f"KK dengan lebih dari satu kepala keluarga: {fmt(p['kk_kepala_ganda'])} KK" in text
    kode = p["kode_tidak_dikenal"]
    assert kode["AGAMA"] == e_agama(docs)  # the manifest and the agama table agree
    assert f"agama {fmt(kode['AGAMA'])} baris" in text
    assert f"golongan darah {fmt(kode['GOL_DRH'])} baris" in text
    assert kode["STAT_HBKEL"] == 0 and "hubungan dalam keluarga" not in text
    assert not re.search(r"\d{16}", tulis_analisa(docs))   # nothing NIK-like


def e_agama(docs: dict) -> int:
    return kab(docs["agama"])["TIDAK DIKETAHUI"]["jml"]


@pytest.mark.parametrize("edisi", ["s1", "s2"])
def test_every_number_is_accounted_for(edisi, s1, s2):
    """Every number in the text is one recomputed here (or a fixed part of the wording)."""
    docs, previous = (s1, s2) if edisi == "s1" else (s2, None)
    e = Expected(docs, previous)
    m = docs["manifest"]
    allowed = {fmt(v) for v in (e.total, e.lk, e.pr, e.n_kec, e.n_desa, e.n_kelurahan, e.n_desa + e.n_kelurahan,
                                e.terbanyak[1], e.tersedikit[1], e.muda, e.produktif, e.tua, e.rasio_jk, e.rk,
                                e.rk_muda, e.rk_tua, e.kk, e.kk_lk, e.kk_pr, e.wajib, e.islam)}
    allowed |= {fmt(v, 2) for v in (e.lk / e.total * 100, e.pr / e.total * 100, e.terbanyak[1] / e.total * 100,
                                    e.tersedikit[1] / e.total * 100, e.luas, e.kepadatan, e.terpadat[1],
                                    e.terjarang[1], e.muda / e.total * 100, e.produktif / e.total * 100,
                                    e.tua / e.total * 100, e.rasio_jk, e.rk, e.rk_muda, e.rk_tua,
                                    e.islam / e.total * 100, e.kk_pr / e.kk * 100, e.rata_kk,
                                    e.wajib / e.total * 100, m["baris"]["dikecualikan"] / m["baris"]["dibaca"] * 100)}
    allowed |= {fmt(v) for v in m["baris"].values()} | {fmt(v) for v in m["dikecualikan"].values()}
    allowed |= {fmt(v) for k, v in m["peringatan"].items() if k != "kode_tidak_dikenal"}
    allowed |= {fmt(v) for v in m["peringatan"]["kode_tidak_dikenal"].values()}
    if previous:
        for now, before in ((e.total, e.sebelumnya), (e.kk, e.kk_sebelumnya), (e.wajib, e.wajib_sebelumnya)):
            allowed |= {fmt(before), fmt(now - before), fmt((now - before) / before * 100, 2)}
        allowed.add("5")                                   # the default threshold
    # Fixed wording: dates, age groups, "per 100", "NIK tidak 16 angka", "umur 17 tahun".
    allowed |= {"30", "31", "2024", "2025", "0-14", "15-64", "65", "100", "16", "17"}
    text = tulis_analisa(docs).replace(docs["indikator"]["luas_sumber"], "")
    stated = set(NUMBER.findall(text))
    assert stated - allowed == set()


def test_deterministic_and_order_independent(s1):
    first = tulis_analisa(s1)
    assert tulis_analisa(s1) == first
    shuffled = {}
    for name in reversed(list(s1)):
        doc = copy.deepcopy(s1[name])
        if "wilayah" in doc:
            doc["wilayah"] = dict(reversed(list(doc["wilayah"].items())))
        shuffled[name] = doc
    assert tulis_analisa(shuffled) == first
    assert first.endswith("Teks ini disusun otomatis dari angka edisi ini sebagai draf; Kasi Pengolahan dan "
                          "Penyajian Data menyunting dan melengkapinya.\n")
    assert not re.search(r"^# ", first, re.MULTILINE)          # the page supplies the chapter heading


def test_turun_dan_tetap(docs):
    data = kab(docs["perbandingan"])["penduduk"]
    data.update(sebelumnya=204000, selisih=-785, persen=-0.38)
    text = section(tulis_analisa(docs), "Jumlah dan Pertumbuhan Penduduk")
    assert "sebanyak 204.000 jiwa, jumlah penduduk turun 785 jiwa (0,38%)." in text
    data.update(sebelumnya=203215, selisih=0, persen=0.0)
    text = section(tulis_analisa(docs), "Jumlah dan Pertumbuhan Penduduk")
    assert "sebanyak 203.215 jiwa, jumlah penduduk tetap." in text


MALICIOUS = "<b>X</b> & *Y* {{ 7*7 }} {% raw %} _z_ [a](b) `c` \\"


def test_labels_from_data_are_escaped(docs):
    top = max(regions(docs["perbandingan"], "desa", "kelurahan").items(),
              key=lambda item: abs(item[1]["data"]["penduduk"]["persen"]))[0]
    kecamatan = top.rsplit(".", 1)[0]
    for name in ("penduduk", "perbandingan", "indikator"):
        docs[name]["wilayah"][top]["nama"] = MALICIOUS
        docs[name]["wilayah"][kecamatan]["nama"] = "KEC <i>{{ config }}</i>"
    docs["indikator"]["luas_sumber"] = "BPS <script>alert(1)</script> {{ x }}"
    docs["manifest"]["peringatan"]["kode_tidak_dikenal"]["KOLOM_<X>{y}"] = 3
    text = tulis_analisa(docs, ambang_persen=0.0)
    assert "<" not in text and ">" not in text.replace("→", "")
    assert "{" not in text and "}" not in text
    assert not re.search(r"(?<!\\)[*_\[\]`]", text.replace("\\\\", ""))   # Markdown specials all escaped
    desa = teks(nama_wilayah(MALICIOUS))
    assert desa == ("&lt;B&gt;X&lt;/B&gt; &amp; \\*Y\\* &#123;&#123; 7\\*7 &#125;&#125; &#123;% Raw %&#125; "
                    "\\_z\\_ &#91;A&#93;(B) \\`C\\` \\\\")
    assert f"Desa {desa} (Kecamatan Kec &lt;I&gt;&#123;&#123; Config &#125;&#125;&lt;/I&gt;)" in text
    assert "BPS &lt;script&gt;alert(1)&lt;/script&gt; &#123;&#123; x &#125;&#125;" in text
    assert "KOLOM\\_&lt;X&gt;&#123;y&#125; 3 baris" in text

    jinja2 = pytest.importorskip("jinja2")
    assert jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(text).render() == text.rstrip("\n")
    markdown = pytest.importorskip("markdown")
    html = markdown.markdown(text)
    assert "<b>" not in html and "<script>" not in html and "<em>" not in html and "<a " not in html
    assert "&lt;B&gt;X&lt;/B&gt; &amp; *Y*" in html


def test_nama_wilayah():
    assert nama_wilayah("A. YANI PURA") == "A. Yani Pura"
    assert nama_wilayah("BUAS-BUAS HILIR") == "Buas-Buas Hilir"
    assert nama_wilayah("TAPIN SELATAN") == "Tapin Selatan"
    assert nama_wilayah("KEPERCAYAAN TERHADAP TUHAN YME") == "Kepercayaan Terhadap Tuhan YME"
    assert nama_wilayah("SUNGAI II") == "Sungai II"
    assert nama_wilayah("JUMA'AT") == "Juma'at"


def test_bad_input_is_refused(docs):
    with pytest.raises(ValueError, match="ambang_persen"):
        tulis_analisa(docs, ambang_persen=-1)
    incomplete = {k: v for k, v in docs.items() if k != "manifest"}
    with pytest.raises(ValueError, match="manifest"):
        tulis_analisa(incomplete)
    docs["agama"]["periode"] = "2024-S2"
    with pytest.raises(ValueError, match="agama"):
        tulis_analisa(docs)


def test_teks_keeps_a_label_on_one_line():
    assert teks("A\n\n## B\r\n- C") == "A ## B - C"     # a label cannot open a heading, list or paragraph
    assert teks("a & b < c > {d}") == "a &amp; b &lt; c &gt; &#123;d&#125;"
