"""HTML table builders (agregat/buku/tabel.py): structure, numbers against the YAML, escaping, determinism."""

from __future__ import annotations

import copy
import random
import re
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from markupsafe import Markup

from agregat.core import angka
from agregat.buku import tabel

DATA = Path(__file__).resolve().parent.parent / "data" / "2025-S1"
JAHAT = "<script>x</script>{{ 7*7 }}&"
KAB = "63.05"


# ---- a small HTML reader ------------------------------------------------------------------------

class _Pembaca(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.section, self.row, self.cell = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"attrs": attrs, "caption": None, "thead": [], "tbody": [], "tfoot": []})
        elif tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "tr":
            self.row = []
        elif tag in ("th", "td", "caption"):
            self.cell = {"tag": tag, "attrs": attrs, "text": ""}
        else:
            raise AssertionError(f"unexpected tag <{tag}>")

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data
        else:
            assert not data.strip(), f"text outside cells: {data!r}"

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self.row.append(self.cell)
            self.cell = None
        elif tag == "caption":
            self.tables[-1]["caption"] = self.cell["text"]
            self.cell = None
        elif tag == "tr":
            self.tables[-1][self.section].append(self.row)
            self.row = None


NAMA_KOLOM = {"scope": "col", "class": "nama"}


def baca(html) -> dict:
    assert isinstance(html, Markup)
    pembaca = _Pembaca()
    pembaca.feed(str(html))
    pembaca.close()
    assert len(pembaca.tables) == 1
    t = pembaca.tables[0]
    assert t["attrs"]["class"] == "tabel-data" and t["attrs"]["id"].startswith("tabel-")
    assert len(t["thead"]) == 1 and all(c["tag"] == "th" and c["attrs"] in ({"scope": "col"}, NAMA_KOLOM)
                                        for c in t["thead"][0])
    # exactly one column names the rows (the website keeps it in sight when the table scrolls sideways)
    assert [c["attrs"] for c in t["thead"][0]].count(NAMA_KOLOM) == 1
    t["kolom"] = [c["text"] for c in t["thead"][0]]
    for row in t["tbody"]:
        assert row[0]["tag"] == "th" and row[0]["attrs"]["scope"] == "row"
        assert len(row) == len(t["kolom"])
    return t


def sel_angka(cell) -> str:
    """The raw data-sort value of a numeric cell, after checking it is one."""
    assert cell["tag"] == "td" and cell["attrs"]["class"] == "angka", cell
    return cell["attrs"]["data-sort"]


def cek_bulat(cell, value: int):
    """Cell shows the integer `value`: raw data-sort and the Indonesian text both agree with it."""
    raw = sel_angka(cell)
    assert re.fullmatch(r"-?[0-9]+", raw) and int(raw) == value
    assert int(cell["text"].replace(".", "")) == value
    assert cell["text"] == angka.bilangan(value)


def kode_baris(t, section="tbody") -> list[str]:
    return [row[0]["attrs"]["data-sort"] for row in t[section]]


def muat(nama: str) -> dict:
    with open(DATA / f"{nama}.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def agama():
    return muat("agama")


@pytest.fixture(scope="module")
def penduduk():
    return muat("penduduk")


# ---- small hand-made documents --------------------------------------------------------------------

def _w(nama, tingkat, **data):
    return {"nama": nama, "tingkat": tingkat, "data": {k: dict(zip(("lk", "pr", "jml"), v)) for k, v in data.items()}}


def doc_kecil(label_desa="PULAU") -> dict:
    """2 kecamatan, 3 desa, listed out of order; the kabupaten's own values deliberately differ from the
    sum of its kecamatan so a recomputed total would be caught."""
    return {
        "indikator": "agama", "judul": "Jumlah Penduduk Menurut Agama", "periode": "2025-S1",
        "tanggal_data": "2025-06-30", "populasi": "semua penduduk",
        "kategori": [{"kode": "1", "label": "ISLAM"}, {"kode": "2", "label": "KRISTEN"}],
        "wilayah": {
            "63.05.02.2001": _w("HANGUI", "desa", ISLAM=(5, 6, 11), KRISTEN=(0, 1, 1)),
            "63.05": _w("TAPIN", "kabupaten", ISLAM=(1500, 1400, 2900), KRISTEN=(20, 10, 30)),
            "63.05.02": _w("TAPIN SELATAN", "kecamatan", ISLAM=(5, 6, 11), KRISTEN=(0, 1, 1)),
            "63.05.01.2001": _w(label_desa, "desa", ISLAM=(1000, 900, 1900), KRISTEN=(10, 5, 15)),
            "63.05.01": _w("BINUANG", "kecamatan", ISLAM=(1234, 1100, 2334), KRISTEN=(12, 7, 19)),
            "63.05.01.1002": _w("BINUANG", "kelurahan", ISLAM=(234, 200, 434), KRISTEN=(2, 2, 4)),
        },
    }


def doc_tunggal() -> dict:
    doc = doc_kecil()
    doc.update(indikator="penduduk", judul="Jumlah Penduduk", kategori=[{"kode": "1", "label": "PENDUDUK"}])
    for w in doc["wilayah"].values():
        w["data"] = {"PENDUDUK": {f: sum(v[f] for v in w["data"].values()) for f in ("lk", "pr", "jml")}}
    return doc


def test_wilayah_single_category_columns_rows_and_total():
    doc = doc_tunggal()
    t = baca(tabel.tabel_wilayah(doc, nomor="3.1"))
    assert t["kolom"] == ["Kode", "Wilayah", "LK", "PR", "Jumlah"]
    assert t["caption"] == "Tabel 3.1 Jumlah Penduduk per Kecamatan"
    assert t["attrs"]["id"] == "tabel-3-1"
    assert kode_baris(t) == ["63.05.01", "63.05.02"]            # kecamatan only, by code
    assert [r[1]["text"] for r in t["tbody"]] == ["BINUANG", "TAPIN SELATAN"]
    binuang = t["tbody"][0]
    for cell, value in zip(binuang[2:], (1246, 1107, 2353)):
        cek_bulat(cell, value)
    (total,) = t["tfoot"]
    assert total[0]["tag"] == "th" and total[0]["attrs"]["data-sort"] == KAB
    assert total[1]["text"] == "Jumlah Kabupaten Tapin"        # issue 12: not "Jumlah TAPIN"
    for cell, value in zip(total[2:], (1520, 1410, 2930)):    # the kabupaten's own values
        cek_bulat(cell, value)


def test_wilayah_several_categories_sums_each_row():
    t = baca(tabel.tabel_wilayah(doc_kecil(), nomor="4.1"))
    assert t["kolom"] == ["Kode", "Wilayah", "ISLAM", "KRISTEN", "Jumlah"]
    assert t["caption"] == "Tabel 4.1 Jumlah Penduduk Menurut Agama per Kecamatan"
    expected = {"63.05.01": (2334, 19, 2353), "63.05.02": (11, 1, 12)}
    for row in t["tbody"]:
        for cell, value in zip(row[2:], expected[row[0]["attrs"]["data-sort"]]):
            cek_bulat(cell, value)
    for cell, value in zip(t["tfoot"][0][2:], (2900, 30, 2930)):
        cek_bulat(cell, value)


def test_wilayah_desa_of_one_kecamatan():
    t = baca(tabel.tabel_wilayah(doc_kecil(), induk="63.05.01"))
    assert kode_baris(t) == ["63.05.01.1002", "63.05.01.2001"]
    assert t["caption"] == "Jumlah Penduduk Menurut Agama per Desa/Kelurahan di Kecamatan Binuang"
    assert t["tfoot"][0][1]["text"] == "Jumlah Kecamatan Binuang"
    for cell, value in zip(t["tfoot"][0][2:], (2334, 19, 2353)):
        cek_bulat(cell, value)
    assert baca(tabel.tabel_wilayah(doc_kecil(), induk="63.05.02"))["attrs"]["id"] != t["attrs"]["id"]


def test_cakupan_base_then_each_count_with_its_percent():
    doc = doc_kecil()
    doc.update(indikator="ktp_el", judul="Perekaman dan Pencetakan KTP-el",
               kategori=[{"kode": "1", "label": "WAJIB"}, {"kode": "2", "label": "REKAM"}])
    for w in doc["wilayah"].values():
        w["data"] = {"WAJIB": w["data"]["ISLAM"], "REKAM": w["data"]["KRISTEN"]}
    t = baca(tabel.tabel_cakupan(doc, nomor="6.2"))
    assert t["kolom"] == ["Kode", "Wilayah", "WAJIB LK", "WAJIB PR", "WAJIB Jumlah", "REKAM LK", "REKAM PR",
                          "REKAM Jumlah", "REKAM %"]
    assert t["caption"] == "Tabel 6.2 Perekaman dan Pencetakan KTP-el per Kecamatan"
    binuang = t["tbody"][0]
    for cell, value in zip(binuang[2:8], (1234, 1100, 2334, 12, 7, 19)):   # no sum across categories
        cek_bulat(cell, value)
    assert binuang[8]["text"] == "0,81" and sel_angka(binuang[8]) == "0.81"   # 19 / 2334
    assert [c["text"] for c in t["tfoot"][0][-2:]] == ["30", "1,03"]          # the kabupaten's own values


def test_wilayah_unknown_region_and_missing_category_fail_loudly():
    with pytest.raises(KeyError, match="63.05.09"):
        tabel.tabel_wilayah(doc_kecil(), induk="63.05.09")
    doc = doc_kecil()
    del doc["wilayah"]["63.05.02"]["data"]["KRISTEN"]
    with pytest.raises(KeyError, match="KRISTEN"):
        tabel.tabel_wilayah(doc)


def test_malicious_labels_are_text_not_markup_or_template():
    doc = doc_kecil(label_desa=JAHAT)
    doc["judul"] = "Agama " + JAHAT
    doc["kategori"][1]["label"] = JAHAT
    for w in doc["wilayah"].values():
        w["data"][JAHAT] = w["data"].pop("KRISTEN")
    doc["wilayah"]["63.05.01"]["nama"] = "{% raw %}" + JAHAT
    outputs = [tabel.tabel_wilayah(doc, induk="63.05.01", nomor="L.1"), tabel.tabel_wilayah(doc),
               tabel.tabel_kategori(doc, "63.05.01.2001")]
    for html in outputs:
        raw = str(html)
        assert "<script" not in raw and "{{" not in raw and "{%" not in raw and "}}" not in raw
        assert "&lt;script&gt;x&lt;/script&gt;&#123;&#123; 7*7 &#125;&#125;&amp;" in raw
        t = baca(html)                                   # html.parser decodes the entities back
        assert JAHAT in t["caption"]
        assert JAHAT in [c["text"] for c in t["thead"][0]] + [c["text"] for row in t["tbody"] for c in row]
    jinja2 = pytest.importorskip("jinja2")               # mkdocs-macros renders the page through Jinja
    for html in outputs:
        assert jinja2.Environment().from_string(str(html)).render() == str(html)


def test_deterministic_and_independent_of_dict_order(agama):
    acak = copy.deepcopy(agama)
    items = list(acak["wilayah"].items())
    random.Random(7).shuffle(items)
    acak["wilayah"] = dict(items)
    for fungsi, args in [(tabel.tabel_wilayah, ()), (tabel.tabel_wilayah, ("63.05.04",)),
                         (tabel.tabel_kategori, ("63.05.01",))]:
        first = fungsi(agama, *args, nomor="4.1")
        assert fungsi(agama, *args, nomor="4.1") == first
        assert fungsi(acak, *args, nomor="4.1") == first
    assert tabel.tabel_wilayah(agama) == tabel.tabel_wilayah(copy.deepcopy(agama))


def test_no_inline_style_and_markup_type(agama):
    html = tabel.tabel_wilayah(agama, nomor="4.1")
    assert isinstance(html, Markup)
    assert "style=" not in str(html) and "\n\n" not in str(html)   # no blank line: stays one Markdown HTML block
    assert str(html).startswith('<table class="tabel-data" id="tabel-4-1">')


# ---- the real 2025-S1 data ---------------------------------------------------------------------------

def anak(doc, induk):
    n = induk.count(".") + 1
    return sorted(k for k in doc["wilayah"] if k.startswith(induk + ".") and k.count(".") == n)


@pytest.mark.parametrize("nama", ["agama", "penduduk", "kelompok_umur", "kartu_keluarga", "akta_kelahiran_0_17"])
def test_wilayah_real_data_matches_yaml_for_all_kecamatan(nama):
    doc = muat(nama)
    labels = [k["label"] for k in doc["kategori"]]
    t = baca(tabel.tabel_wilayah(doc, nomor="4.1"))
    assert len(t["tbody"]) == 12
    assert kode_baris(t) == anak(doc, KAB) == sorted(kode_baris(t))
    for row in t["tbody"] + t["tfoot"]:
        kode = row[0]["attrs"]["data-sort"]
        assert row[0]["text"] == kode
        w = doc["wilayah"][kode]
        assert row[1]["text"] == (w["nama"] if kode != KAB else f"Jumlah Kabupaten {w['nama'].title()}")
        if len(labels) == 1:
            expected = [w["data"][labels[0]][f] for f in ("lk", "pr", "jml")]
        else:
            expected = [w["data"][label]["jml"] for label in labels]
            expected.append(sum(expected))
        assert len(row) == 2 + len(expected)
        for cell, value in zip(row[2:], expected):
            cek_bulat(cell, value)
    assert kode_baris(t, "tfoot") == [KAB]
    # the kecamatan add up to the kabupaten in every column
    for i in range(2, len(t["kolom"])):
        assert sum(int(sel_angka(r[i])) for r in t["tbody"]) == int(sel_angka(t["tfoot"][0][i]))


@pytest.mark.parametrize("kecamatan", ["63.05.01", "63.05.07"])
def test_wilayah_real_data_desa_of_one_kecamatan(agama, penduduk, kecamatan):
    for doc in (agama, penduduk):
        t = baca(tabel.tabel_wilayah(doc, induk=kecamatan))
        assert kode_baris(t) == anak(doc, kecamatan) and len(t["tbody"]) > 3
        assert all(doc["wilayah"][k]["tingkat"] in ("desa", "kelurahan") for k in kode_baris(t))
        for row in t["tbody"] + t["tfoot"]:
            w = doc["wilayah"][row[0]["attrs"]["data-sort"]]
            jml = [v["jml"] for v in w["data"].values()]
            cek_bulat(row[-1], sum(jml))
        total = doc["wilayah"][kecamatan]
        assert t["tfoot"][0][1]["text"] == f"Jumlah Kecamatan {total['nama'].title()}"
        assert f"di Kecamatan {total['nama'].title()}" in t["caption"]


def test_penduduk_total_row_is_kabupaten(penduduk):
    t = baca(tabel.tabel_wilayah(penduduk))
    (total,) = t["tfoot"]
    assert [sel_angka(c) for c in total[2:]] == ["102299", "100916", "203215"]
    assert [c["text"] for c in total[2:]] == ["102.299", "100.916", "203.215"]


def _persen(jml, total):
    return (Decimal(jml) * 100 / Decimal(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("kode", [KAB, "63.05.01", "63.05.01.2003"])
def test_kategori_real_data(agama, kode):
    w = agama["wilayah"][kode]
    t = baca(tabel.tabel_kategori(agama, kode, nomor="4.2"))
    assert t["kolom"] == ["Kode", "Kategori", "LK", "PR", "Jumlah", "%"]
    assert t["caption"] == f"Tabel 4.2 Jumlah Penduduk Menurut Agama di {w['tingkat'].capitalize()} {w['nama'].title()}"
    assert [r[0]["text"] for r in t["tbody"]] == [k["kode"] for k in agama["kategori"]]
    assert [r[1]["text"] for r in t["tbody"]] == [k["label"] for k in agama["kategori"]]
    total = sum(v["jml"] for v in w["data"].values())
    for row in t["tbody"]:
        v = w["data"][row[1]["text"]]
        for cell, f in zip(row[2:5], ("lk", "pr", "jml")):
            cek_bulat(cell, v[f])
        p = _persen(v["jml"], total)
        assert Decimal(sel_angka(row[5])) == p
        assert row[5]["text"] == f"{p:f}".replace(".", ",")
    (foot,) = t["tfoot"]
    assert foot[0]["text"] == "Jumlah"
    for cell, f in zip(foot[-4:-1], ("lk", "pr", "jml")):
        cek_bulat(cell, sum(v[f] for v in w["data"].values()))
    assert foot[-1]["text"] == "100,00"


def test_kategori_age_bands_show_the_band_once():
    """Age bands are their own code ("0-4"): the table has no Kode column repeating the Kategori column."""
    doc = muat("kelompok_umur")
    assert all(k["kode"] == k["label"] for k in doc["kategori"])
    t = baca(tabel.tabel_kategori(doc, KAB, nomor="3.2"))
    assert t["kolom"] == ["Kategori", "LK", "PR", "Jumlah", "%"]
    assert [r[0]["text"] for r in t["tbody"]] == [k["label"] for k in doc["kategori"]]
    assert all(r[0]["attrs"].get("class") == "nama" for r in t["tbody"])
    (foot,) = t["tfoot"]
    assert foot[0]["text"] == "Jumlah" and len(foot) == len(t["kolom"])


def test_kategori_empty_region_percent_is_dash():
    doc = doc_kecil()
    doc["wilayah"]["63.05.02.2001"]["data"] = {k: {"lk": 0, "pr": 0, "jml": 0} for k in ("ISLAM", "KRISTEN")}
    t = baca(tabel.tabel_kategori(doc, "63.05.02.2001"))
    assert {r[-1]["text"] for r in t["tbody"] + t["tfoot"]} == {"\u2013"}
    assert {r[5]["attrs"]["data-sort"] for r in t["tbody"]} == {""}


def test_indikator_real_data():
    doc = muat("indikator")
    kolom = ("penduduk", "kk", "luas_km2", "kepadatan", "rasio_jenis_kelamin", "rata_rata_anggota_kk",
             "persen_wajib_ktp")
    t = baca(tabel.tabel_indikator(doc, kolom=kolom, nomor="2.1"))
    assert t["kolom"] == ["Kode", "Wilayah", "Jumlah Penduduk", "Jumlah Kartu Keluarga", "Luas (km²)",
                          "Kepadatan (jiwa/km²)", "Rasio Jenis Kelamin", "Rata-rata Anggota Keluarga",
                          "Wajib KTP-el (%)"]
    assert kode_baris(t) == anak(doc, KAB) and len(t["tbody"]) == 12
    assert kode_baris(t, "tfoot") == [KAB]
    for row in t["tbody"] + t["tfoot"]:
        data = doc["wilayah"][row[0]["attrs"]["data-sort"]]["data"]
        cek_bulat(row[2], data["penduduk"])
        cek_bulat(row[3], data["kk"])
        for cell, k in zip(row[4:], kolom[2:]):
            assert float(sel_angka(cell)) == data[k]
            assert cell["text"] == angka.bilangan(data[k], 2) and re.fullmatch(r"[0-9.]+,[0-9]{2}", cell["text"])
    foot = t["tfoot"][0]
    assert [c["text"] for c in foot[4:]] == ["2.174,95", "93,43", "101,37", "2,90", "71,54"]


def test_indikator_desa_missing_area_is_dash():
    doc = muat("indikator")
    t = baca(tabel.tabel_indikator(doc, "63.05.01", kolom=("luas_km2", "kepadatan")))
    first = t["tbody"][0]
    assert first[0]["attrs"]["data-sort"] == "63.05.01.1001"
    assert [c["text"] for c in first[2:]] == ["\u2013", "\u2013"]
    assert [c["attrs"]["data-sort"] for c in first[2:]] == ["", ""]


def test_indikator_unknown_column_rejected():
    with pytest.raises(ValueError, match="tidak_ada"):
        tabel.tabel_indikator(muat("indikator"), kolom=("penduduk", "tidak_ada"))
    assert set(tabel.KOLOM_INDIKATOR) <= set(tabel.LABEL_INDIKATOR)


@pytest.mark.parametrize("indikator", ["penduduk", "kartu_keluarga", "wajib_ktp"])
def test_perbandingan_real_data(indikator):
    doc = muat("perbandingan")
    t = baca(tabel.tabel_perbandingan(doc, indikator=indikator, nomor="3.2"))
    assert t["kolom"] == ["Kode", "Wilayah", "Semester lalu", "Semester ini", "Selisih", "%"]
    assert kode_baris(t) == anak(doc, KAB) and kode_baris(t, "tfoot") == [KAB]
    for row in t["tbody"] + t["tfoot"]:
        v = doc["wilayah"][row[0]["attrs"]["data-sort"]]["data"][indikator]
        cek_bulat(row[2], v["sebelumnya"])
        cek_bulat(row[3], v["sekarang"])
        assert int(sel_angka(row[4])) == v["selisih"] and row[4]["text"] == angka.bertanda(v["selisih"])
        assert float(sel_angka(row[5])) == v["persen"]
    if indikator == "penduduk":
        assert [c["text"] for c in t["tfoot"][0][2:]] == ["202.061", "203.215", "+1.154", "+0,57"]


def test_perbandingan_new_desa_and_decline():
    doc = {"indikator": "perbandingan", "judul": "Perbandingan", "periode": "2025-S1", "tanggal_data": "2025-06-30",
           "periode_sebelumnya": "2024-S2", "digest_sebelumnya": "0" * 64, "wilayah": {}}

    def w(nama, tingkat, sebelumnya, sekarang, selisih, persen):
        v = {"sebelumnya": sebelumnya, "sekarang": sekarang, "selisih": selisih, "persen": persen}
        return {"nama": nama, "tingkat": tingkat, "data": {"penduduk": v, "kartu_keluarga": v, "wajib_ktp": v}}

    doc["wilayah"] = {"63.05.01": w("BINUANG", "kecamatan", 1000, 1100, 100, 10.0),
                      "63.05.01.2099": w("DESA BARU", "desa", None, 120, None, None),
                      "63.05.01.2001": w("PULAU", "desa", 1000, 980, -20, -2.0)}
    t = baca(tabel.tabel_perbandingan(doc, induk="63.05.01"))
    assert kode_baris(t) == ["63.05.01.2001", "63.05.01.2099"]
    assert [c["text"] for c in t["tbody"][0][2:]] == ["1.000", "980", "-20", "-2,00"]
    assert [c["text"] for c in t["tbody"][1][2:]] == ["\u2013", "120", "\u2013", "\u2013"]
    assert [c["attrs"]["data-sort"] for c in t["tbody"][1][2:]] == ["", "120", "", ""]
    assert [c["text"] for c in t["tfoot"][0][2:]] == ["1.000", "1.100", "+100", "+10,00"]
    with pytest.raises(ValueError):
        tabel.tabel_perbandingan(doc, indikator="agama")


def test_laju_pertumbuhan_is_the_semester_growth_annualised():
    doc = {"indikator": "perbandingan", "judul": "Perbandingan", "periode": "2025-S1", "tanggal_data": "2025-06-30",
           "periode_sebelumnya": "2024-S2", "digest_sebelumnya": "0" * 64, "wilayah": {}}

    def w(nama, tingkat, sebelumnya, sekarang, selisih, persen):
        return {"nama": nama, "tingkat": tingkat, "data": {"penduduk": {
            "sebelumnya": sebelumnya, "sekarang": sekarang, "selisih": selisih, "persen": persen}}}

    doc["wilayah"] = {"63.05.01": w("BINUANG", "kecamatan", 1000, 1100, 100, 10.0),
                      "63.05.01.2099": w("DESA BARU", "desa", None, 120, None, None),
                      "63.05.01.2001": w("PULAU", "desa", 1000, 980, -20, -2.0)}
    t = baca(tabel.tabel_laju(doc, induk="63.05.01", nomor="3.4"))
    assert t["kolom"] == ["Kode", "Wilayah", "Semester lalu", "Semester ini", "Pertumbuhan semester (%)",
                          "Laju per tahun (%)"]
    assert t["caption"] == "Tabel 3.4 Laju Pertumbuhan Penduduk per Desa/Kelurahan di Kecamatan Binuang"
    assert [c["text"] for c in t["tbody"][0][2:]] == ["1.000", "980", "-2,00", "-3,96"]     # 0.98² = 0.9604
    assert [c["text"] for c in t["tbody"][1][2:]] == ["\u2013", "120", "\u2013", "\u2013"]   # a new desa
    assert [c["text"] for c in t["tfoot"][0][2:]] == ["1.000", "1.100", "+10,00", "+21,00"]  # 1.1² = 1.21
    real = baca(tabel.tabel_laju(muat("perbandingan")))
    assert kode_baris(real) == anak(muat("perbandingan"), KAB)
    assert [c["text"] for c in real["tfoot"][0][2:]] == ["202.061", "203.215", "+0,57", "+1,15"]


def test_judul_tabel():
    assert tabel.judul_tabel({"judul": "Jumlah Penduduk"}, "Kecamatan") == "Jumlah Penduduk per Kecamatan"
    html = tabel.tabel_wilayah(doc_kecil(), nomor="4.1", judul="Judul Lain")
    assert baca(html)["caption"] == "Tabel 4.1 Judul Lain"


def test_the_book_shows_laju_only_with_a_previous_edition():
    from agregat.buku.makro import Buku
    from agregat.edisi.muat import muat_edisi

    data = DATA.parent
    buku = Buku(muat_edisi(data, "2025-S1"), bab=3)
    assert buku.laju() == "+1,15%"
    assert "Tabel 3.1 Laju Pertumbuhan Penduduk per Kecamatan" in buku.tabel_laju()
    first = Buku(muat_edisi(data, "2024-S2"), bab=3)
    assert first.laju() == "\u2013" and "belum dapat disajikan" in first.tabel_laju()


# --- tables cross the site's Markdown as placeholders (makro.SimpananBlok) -------------------------------

def _site_markdown(text: str) -> str:
    """Markdown with the extensions of mkdocs.yml, as MkDocs converts a page."""
    import markdown

    config = yaml.safe_load((DATA.parent.parent / "mkdocs.yml").read_text(encoding="utf-8"))
    names = [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]
    return markdown.Markdown(extensions=names).convert(text)


def _halaman(buku) -> str:
    return (f"# Bab\n\nTeks *pengantar*.\n\n{buku.tabel_wilayah('agama')}\n## Sub\n\n"
            f"{buku.tabel_kategori('agama')}\n- butir\n\n{buku.tabel_indikator(['penduduk', 'kk'])}\nAkhir.\n")


def test_tables_cross_markdown_as_placeholders_and_come_back_byte_for_byte():
    from agregat.buku.makro import Buku, SimpananBlok
    from agregat.edisi.muat import muat_edisi

    edisi = muat_edisi(DATA.parent, DATA.name)
    simpanan = SimpananBlok()
    plain, stashed = _halaman(Buku(edisi, bab=4)), _halaman(Buku(edisi, bab=4, simpanan=simpanan))
    assert len(stashed) * 5 < len(plain)                  # Markdown no longer sees the tables' tags
    assert stashed.count('id="tabel-4-') == 3            # but still their anchors
    assert simpanan.pulihkan(_site_markdown(stashed)) == _site_markdown(plain)


def test_a_lost_placeholder_fails_and_page_text_cannot_pose_as_one():
    from agregat.buku.makro import SimpananBlok

    simpanan = SimpananBlok()
    tanda = str(simpanan.simpan('<div class="tabel-bungkus"><table id="t"></table></div>'))
    assert tanda.endswith(' id="t"></div>')
    for broken in ("<p>tanpa tabel</p>", tanda * 2, tanda.replace('="0"', '="1"')):
        with pytest.raises(RuntimeError):
            simpanan.pulihkan(broken)
    lookalike = '<div data-blok="0"></div>' + tanda.replace("data-blok-", "data-blok-0")
    assert simpanan.pulihkan(lookalike + tanda) == lookalike + '<div class="tabel-bungkus"><table id="t"></table></div>'
