"""agregat/buku/grafik.py: SVG grafik deterministik, aksesibel, teks tetap teks, angka sama dengan YAML."""

from __future__ import annotations

import copy
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EDISI = ROOT / "data" / "2025-S1"
SVG = "{http://www.w3.org/2000/svg}"


from agregat.buku import grafik  # noqa: E402


def ribuan(n: int) -> str:
    """Format rujukan yang ditulis terpisah dari modul: 1234567 → 1.234.567."""
    return f"{n:,}".replace(",", ".")


@pytest.fixture(scope="module")
def doc():
    def muat(nama):
        with open(EDISI / f"{nama}.yml", encoding="utf-8") as berkas:
            return yaml.load(berkas, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {n: muat(n) for n in ["kelompok_umur", "pekerjaan", "penduduk", "perbandingan"]}


def semua(doc):
    return {
        "piramida": lambda: grafik.piramida(doc["kelompok_umur"], id="g-piramida"),
        "batang": lambda: grafik.batang(doc["pekerjaan"], id="g-batang"),
        "per_kecamatan": lambda: grafik.per_kecamatan(doc["penduduk"], id="g-kecamatan"),
        "perbandingan": lambda: grafik.perbandingan(doc["perbandingan"], id="g-perbandingan"),
    }


JENIS = ["piramida", "batang", "per_kecamatan", "perbandingan"]


def teks_svg(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_angka_gaya_indonesia():
    assert grafik.angka(1234567) == "1.234.567"
    assert grafik.angka(12.34, 1) == "12,3"
    assert grafik.angka(0.57, 2, tanda=True) == "+0,57"
    assert grafik.angka(-1154, tanda=True) == "-1.154"


def test_deterministik_byte_demi_byte(doc):
    """Dua putaran keempat grafik (grafik lain di antaranya tidak boleh meninggalkan keadaan)."""
    pertama = {nama: buat().svg for nama, buat in semua(doc).items()}
    kedua = {nama: buat().svg for nama, buat in reversed(semua(doc).items())}
    assert kedua == pertama


@pytest.mark.parametrize("jenis", JENIS)
def test_svg_sah_dan_aksesibel(doc, jenis):
    hasil = semua(doc)[jenis]()
    assert hasil.svg.startswith("<svg") and "<?xml" not in hasil.svg and "DOCTYPE" not in hasil.svg
    akar = ET.fromstring(hasil.svg)
    assert akar.tag == f"{SVG}svg" and akar.get("role") == "img"
    judul_id, alt_id = akar.get("aria-labelledby").split()
    title, desc = list(akar)[:2]
    assert (title.tag, title.get("id"), title.text) == (f"{SVG}title", judul_id, hasil.judul)
    assert (desc.tag, desc.get("id"), desc.text) == (f"{SVG}desc", alt_id, hasil.alt)
    assert akar.get("id") in judul_id and akar.get("id") in alt_id
    # 16 × 9 cm dan tidak ada teks di bawah 8 pt (satuan viewBox = pt)
    assert akar.get("width") == "453.543307pt" and akar.get("height") == "255.11811pt"
    ukuran = [float(u) for u in re.findall(r"font-size: ([0-9.]+)px", hasil.svg)]
    assert ukuran and min(ukuran) >= 8
    assert "Piramida" not in "".join(teks_svg(hasil.svg))  # tanpa judul di dalam gambar
    assert "." in hasil.alt and "\n" not in hasil.alt


def test_id_unik_antar_grafik_dan_rujukan_lengkap(doc):
    """Empat grafik di-inline di satu halaman: tidak ada id ganda, semua url(#…)/href #… ada di SVG-nya."""
    terlihat = []
    for buat in semua(doc).values():
        svg = buat().svg
        ids = re.findall(r'\bid="([^"]+)"', svg)
        terlihat += ids
        rujukan = set(re.findall(r'url\(#([^)]+)\)', svg)) | set(re.findall(r'href="#([^"]+)"', svg))
        assert rujukan <= set(ids)
    assert len(terlihat) == len(set(terlihat))


def test_id_tidak_sah_ditolak(doc):
    with pytest.raises(ValueError):
        grafik.piramida(doc["kelompok_umur"], id='x" onload="alert(1)')


def test_teks_tetap_teks_dan_angka_indonesia(doc):
    piramida = grafik.piramida(doc["kelompok_umur"]).svg
    teks = teks_svg(piramida)
    assert {"0-4", "75+", "Laki-laki", "Perempuan", "8.000"} <= set(teks)
    assert "DejaVuSans-" not in piramida  # tidak ada glif sebagai path
    kecamatan = [w["nama"] for k, w in doc["penduduk"]["wilayah"].items() if w["tingkat"] == "kecamatan"]
    for svg in (grafik.per_kecamatan(doc["penduduk"]).svg, grafik.perbandingan(doc["perbandingan"]).svg):
        assert set(kecamatan) <= set(teks_svg(svg))
    nilai = doc["penduduk"]["wilayah"]["63.05.01"]["data"]["PENDUDUK"]["jml"]
    assert ribuan(nilai) in teks_svg(grafik.per_kecamatan(doc["penduduk"]).svg)


def test_alt_piramida_sama_dengan_yaml(doc):
    data = doc["kelompok_umur"]["wilayah"]["63.05"]["data"]
    lk, pr = sum(s["lk"] for s in data.values()), sum(s["pr"] for s in data.values())
    besar = max(data, key=lambda t: data[t]["jml"])
    alt = grafik.piramida(doc["kelompok_umur"]).alt
    assert alt.startswith("Piramida penduduk Kabupaten Tapin Semester I Tahun 2025:")
    assert f"laki-laki {ribuan(lk)}, perempuan {ribuan(pr)}" in alt
    assert f"jumlah {ribuan(lk + pr)} jiwa" in alt
    assert f"terbesar {besar} tahun ({ribuan(data[besar]['jml'])} jiwa" in alt


def test_piramida_urutan_umur_dari_bawah(doc):
    svg = grafik.piramida(doc["kelompok_umur"]).svg
    y = {t.text: float(t.get("y")) for t in ET.fromstring(svg).iter(f"{SVG}text") if t.text in ("0-4", "75+")}
    assert y["0-4"] > y["75+"]  # koordinat SVG ke bawah: 0-4 di dasar


def test_batang_pekerjaan_lainnya(doc):
    data = doc["pekerjaan"]["wilayah"]["63.05"]["data"]
    isi = sorted((s["jml"] for s in data.values() if s["jml"] > 0), reverse=True)
    assert len(isi) > 12  # data demo memang perlu digabung
    hasil = grafik.batang(doc["pekerjaan"], maks_kategori=12)
    label = f"LAINNYA ({len(isi) - 11} kategori)"
    teks = teks_svg(hasil.svg)
    assert label in teks and ribuan(sum(isi[11:])) in teks
    assert f"{label} {ribuan(sum(isi[11:]))} (" in hasil.alt
    assert hasil.alt.count("; ") == 11  # 12 batang: 11 terbanyak + LAINNYA
    assert f"jumlah {ribuan(sum(isi))} jiwa dalam {len(isi)} kategori" in hasil.alt
    terbanyak = max(data, key=lambda t: data[t]["jml"])
    assert f"terbanyak: {terbanyak} {ribuan(data[terbanyak]['jml'])} (" in hasil.alt
    nol = [t for t, s in data.items() if s["jml"] == 0]
    assert nol and not set(nol) & set(teks)
    # tanpa batas: tidak ada LAINNYA, semua kategori berisi tampil
    lengkap = grafik.batang(doc["pekerjaan"], maks_kategori=100)
    assert "LAINNYA" not in lengkap.svg and lengkap.alt.count("; ") == len(isi) - 1


def test_batang_satu_kecamatan(doc):
    hasil = grafik.batang(doc["pekerjaan"], kode="63.05.01")
    assert "Kecamatan Binuang" in hasil.judul and hasil.svg.startswith('<svg')
    # kode=None berarti kabupaten dokumen itu
    assert grafik.batang(doc["pekerjaan"], kode=None).alt == grafik.batang(doc["pekerjaan"]).alt
    assert grafik.piramida(doc["kelompok_umur"], kode=None).alt == grafik.piramida(doc["kelompok_umur"]).alt


def test_per_kecamatan_urut_kode_dan_nilai(doc):
    wil = doc["penduduk"]["wilayah"]
    kec = sorted((k for k, w in wil.items() if w["tingkat"] == "kecamatan"),
                 key=lambda k: [int(p) for p in k.split(".")])
    alt = grafik.per_kecamatan(doc["penduduk"]).alt
    harapan = "; ".join(f"{wil[k]['nama']} {ribuan(wil[k]['data']['PENDUDUK']['jml'])}" for k in kec)
    assert harapan in alt
    assert f"jumlah {len(kec)} kecamatan {ribuan(wil['63.05']['data']['PENDUDUK']['jml'])}." in alt
    # satu kategori: jumlah per kecamatan sama dengan angka kabupaten
    petani = grafik.per_kecamatan(doc["pekerjaan"], kategori_label="PETANI/PEKEBUN")
    total = doc["pekerjaan"]["wilayah"]["63.05"]["data"]["PETANI/PEKEBUN"]["jml"]
    assert petani.alt.endswith(f"kecamatan {ribuan(total)}.") and "PETANI/PEKEBUN" in petani.judul
    with pytest.raises(ValueError):
        grafik.per_kecamatan(doc["pekerjaan"], kategori_label="ASTRONOT")


def test_perbandingan(doc):
    pb = doc["perbandingan"]
    hasil = grafik.perbandingan(pb)
    d = pb["wilayah"]["63.05"]["data"]["penduduk"]
    assert f"Kabupaten Tapin: {ribuan(d['sebelumnya'])} menjadi {ribuan(d['sekarang'])} (+{ribuan(d['selisih'])}" \
        in hasil.alt
    assert {"Semester II Tahun 2024", "Semester I Tahun 2025"} <= set(teks_svg(hasil.svg))
    kk = grafik.perbandingan(pb, indikator="kartu_keluarga")
    assert ribuan(pb["wilayah"]["63.05.01"]["data"]["kartu_keluarga"]["sekarang"]) in kk.alt
    # kecamatan tanpa angka semester lalu: hanya batang semester ini, alt menyebutnya
    baru = copy.deepcopy(pb)
    baru["wilayah"]["63.05.12"]["data"]["penduduk"].update(sebelumnya=None, selisih=None, persen=None)
    tanpa = grafik.perbandingan(baru)
    assert "HATUNGUN: 10.080 (tidak ada data semester lalu)" in tanpa.alt
    ET.fromstring(tanpa.svg)
    assert tanpa.svg.count("fill: #767676") == hasil.svg.count("fill: #767676") - 1


def test_rcparams_global_tidak_berubah(doc):
    sebelum = {k: matplotlib.rcParams[k] for k in ("svg.hashsalt", "svg.fonttype", "svg.id", "font.size",
                                                    "font.family", "axes.grid")}
    for buat in semua(doc).values():
        buat()
    assert {k: matplotlib.rcParams[k] for k in sebelum} == sebelum


def test_waktu_dan_ukuran(doc, capsys):
    """Empat grafik satu edisi; waktu dan ukuran dicetak, tidak diuji (mesin CI berbeda-beda)."""
    baris, mulai = [], time.perf_counter()
    for nama, buat in semua(doc).items():
        t = time.perf_counter()
        svg = buat().svg
        baris.append(f"  {nama:<14} {time.perf_counter() - t:6.3f} s  {len(svg.encode()):>7,} byte")
    with capsys.disabled():
        print(f"\ngrafik 2025-S1: empat grafik {time.perf_counter() - mulai:.3f} s\n" + "\n".join(baris))
