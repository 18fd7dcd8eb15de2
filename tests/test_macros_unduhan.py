"""Downloads of an edition (agregat/buku/unduhan.py): CSV + XLSX per table and a Data Package v2 that frictionless accepts."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import frictionless
import openpyxl
import pytest
import yaml

from agregat.buku.unduhan import slug_kolom, tulis_unduhan

ROOT = Path(__file__).resolve().parent.parent
EDISI = ROOT / "data" / "2025-S1"
SUMBER = ("Data Kependudukan Bersih (DKB) Semester I 2025, Ditjen Dukcapil Kemendagri; "
          "diolah Dinas Dukcapil Kabupaten Tapin")


def _muat(folder: Path) -> tuple[dict, dict]:
    docs = {p.stem: yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            for p in sorted(folder.glob("*.yml"))}
    return docs, docs.pop("manifest")


def _csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _laporan(report) -> str:
    return json.dumps(report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"]), indent=1) + \
        "\n" + "\n".join(e.message for e in report.errors)


@pytest.fixture(scope="module")
def edisi():
    return _muat(EDISI)


@pytest.fixture(scope="module")
def unduhan(edisi, tmp_path_factory):
    docs, manifest = edisi
    out = tmp_path_factory.mktemp("unduhan") / "2025-S1"
    paths = tulis_unduhan(docs, manifest, out, "Tapin", SUMBER)
    return out, paths


def _satu_tabel(edisi: tuple[dict, dict]) -> tuple[dict, dict]:
    """The real edition with only its first table (and the indicators): what a test of the package's title or
    of the cache needs, at a fraction of the whole edition's time."""
    docs, manifest = edisi
    first = manifest["tabel"][0]
    return {first: docs[first], "indikator": docs["indikator"]}, {**manifest, "tabel": [first]}


def _tabel(manifest: dict) -> list[str]:
    return list(manifest["tabel"]) + ["indikator", "perbandingan"]


# --------------------------------------------------------------------------- the real edition


def test_files_written(edisi, unduhan):
    _, manifest = edisi
    out, paths = unduhan
    names = _tabel(manifest)
    expected = sorted([out / f"{n}.csv" for n in names] + [out / f"{n}.xlsx" for n in names]
                      + [out / "datapackage.json"])
    assert paths == expected
    assert sorted(out.iterdir()) == expected


def test_datapackage_frictionless_valid(edisi, unduhan):
    out, _ = unduhan
    report = frictionless.validate(out / "datapackage.json")
    assert report.valid, _laporan(report)
    assert len(report.tasks) == len(_tabel(edisi[1]))   # every table of the edition, indikator, perbandingan
    assert all(task.stats["rows"] == 148 for task in report.tasks)


def test_frictionless_cli_accepts(unduhan):
    out, _ = unduhan
    cli = Path(sys.executable).parent / "frictionless"
    assert cli.is_file(), cli
    result = subprocess.run([str(cli), "validate", "datapackage.json"], cwd=out, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_datapackage_descriptor(edisi, unduhan):
    docs, manifest = edisi
    out, _ = unduhan
    text = (out / "datapackage.json").read_text(encoding="utf-8")
    package = json.loads(text)
    assert text == json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert package["name"] == "buku-data-agregat-tapin-2025-s1"
    assert package["version"] == "2025-S1"
    assert package["title"] == "Buku Data Agregat Kependudukan Kabupaten Tapin Semester I Tahun 2025"
    assert "30 Juni 2025" in package["description"]
    assert "created" not in package
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["sources"] == [{"title": SUMBER}]
    assert package["contributors"][0]["roles"] == ["publisher"]
    assert [r["name"] for r in package["resources"]] == _tabel(manifest)

    agama = package["resources"][_tabel(manifest).index("agama")]
    assert agama["path"] == "agama.csv" and agama["format"] == "csv" and agama["mediatype"] == "text/csv"
    assert agama["encoding"] == "utf-8" and agama["title"] == docs["agama"]["judul"]
    assert "semua penduduk" in agama["description"] and "30 Juni 2025" in agama["description"]
    assert agama["bytes"] == (out / "agama.csv").stat().st_size and agama["hash"].startswith("sha256:")
    schema = agama["schema"]
    assert schema["$schema"] == "https://datapackage.org/profiles/2.0/tableschema.json"
    assert schema["primaryKey"] == ["kode_wilayah"]
    fields = {f["name"]: f for f in schema["fields"]}
    assert fields["kode_wilayah"]["type"] == "string" and fields["kode_wilayah"]["constraints"]["required"] is True
    assert fields["nama_wilayah"]["type"] == fields["tingkat"]["type"] == "string"
    assert fields["kode_wilayah"]["constraints"]["pattern"] == r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?"
    assert fields["islam_lk"] == {"name": "islam_lk", "title": "ISLAM (laki-laki)", "type": "integer",
                                  "constraints": {"minimum": 0}}
    assert fields["kepercayaan_terhadap_tuhan_yme_jml"]["title"] == "KEPERCAYAAN TERHADAP TUHAN YME (jumlah)"

    indikator = {f["name"]: f for f in package["resources"][-2]["schema"]["fields"]}
    assert indikator["penduduk"]["type"] == "integer" and indikator["kepadatan"]["type"] == "number"
    assert indikator["persen_wajib_ktp"]["constraints"] == {"minimum": 0, "maximum": 100}
    perbandingan = [f["name"] for f in package["resources"][-1]["schema"]["fields"]]
    assert perbandingan[3:] == [f"{k}_{m}" for k in ("penduduk", "kartu_keluarga", "wajib_ktp")
                                for m in ("sebelumnya", "sekarang", "selisih", "persen")]


def test_agama_numbers_equal_yaml(edisi, unduhan):
    docs, _ = edisi
    out, _ = unduhan
    raw = (out / "agama.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw and raw.endswith(b"\n")
    doc = docs["agama"]
    header, *rows = _csv(out / "agama.csv")
    slugs = [slug_kolom(k["label"]) for k in doc["kategori"]]
    assert header == ["kode_wilayah", "nama_wilayah", "tingkat"] + [f"{s}_{j}" for s in slugs
                                                                    for j in ("lk", "pr", "jml")]
    assert [r[0] for r in rows] == list(doc["wilayah"])
    checked = 0
    for row in rows:
        region = doc["wilayah"][row[0]]
        assert row[1:3] == [region["nama"], region["tingkat"]]
        for i, kategori in enumerate(doc["kategori"]):
            for j, key in enumerate(("lk", "pr", "jml")):
                assert int(row[3 + 3 * i + j]) == region["data"][kategori["label"]][key]
                checked += 1
    assert checked == 148 * 8 * 3


def test_indikator_and_perbandingan_values(edisi, unduhan):
    docs, _ = edisi
    out, _ = unduhan
    header, *rows = _csv(out / "indikator.csv")
    doc = docs["indikator"]
    for row in rows:
        data = doc["wilayah"][row[0]]["data"]
        for name, cell in zip(header[3:], row[3:], strict=True):
            value = data[name]
            assert cell == ("" if value is None else repr(value) if isinstance(value, float) else str(value))
    header, *rows = _csv(out / "perbandingan.csv")
    doc = docs["perbandingan"]
    for row in rows:
        data = doc["wilayah"][row[0]]["data"]
        for name, cell in zip(header[3:], row[3:], strict=True):
            kunci, ukuran = name.rsplit("_", 1)
            value = data[kunci][ukuran]
            assert cell == ("" if value is None else str(value))


def test_xlsx_equals_csv(edisi, unduhan):
    _, manifest = edisi
    out, _ = unduhan
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    types = {r["name"]: [f["type"] for f in r["schema"]["fields"]] for r in package["resources"]}
    for name in _tabel(manifest):
        workbook = openpyxl.load_workbook(out / f"{name}.xlsx", read_only=True)
        assert workbook.sheetnames == [name]
        cells = list(workbook[name].iter_rows(values_only=True))
        workbook.close()
        rows = _csv(out / f"{name}.csv")
        assert len(cells) == len(rows)
        titles = {r["name"]: [f["title"] for f in r["schema"]["fields"]] for r in package["resources"]}[name]
        assert list(cells[0]) == titles                    # header in row 1, in words; no title row
        assert "kode_wilayah" not in cells[0] and "Kode wilayah" in cells[0]
        for xrow, crow in zip(cells[1:], rows[1:], strict=True):
            assert list(xrow[:3]) == crow[:3]             # kode, nama, tingkat as text
            assert isinstance(xrow[0], str)
            for kind, x, c in zip(types[name][3:], xrow[3:], crow[3:], strict=True):
                if c == "":
                    assert x is None
                elif kind == "integer":
                    assert type(x) is int and x == int(c)
                else:
                    assert isinstance(x, (int, float)) and float(x) == float(c)


def test_xlsx_layout(unduhan):
    out, _ = unduhan
    workbook = openpyxl.load_workbook(out / "agama.xlsx")
    sheet = workbook["agama"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "63.05"
    assert sheet["D2"].data_type == "n" and sheet["D2"].number_format == "#,##0"
    assert sheet["A1"].font.b
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
    assert len("63.05.01.1001") <= sheet.column_dimensions["A"].width <= 60
    assert workbook.properties.title == "Jumlah Penduduk Menurut Agama"
    assert workbook.properties.created.isoformat() == "2025-06-30T00:00:00"
    workbook.close()


def test_deterministic(edisi, unduhan, tmp_path):
    docs, manifest = edisi
    _, paths = unduhan
    before = json.dumps([docs, manifest], sort_keys=True)
    start = int(time.time())
    while int(time.time()) == start:     # the second run starts in another wall-clock second
        time.sleep(0.05)
    again = tulis_unduhan(docs, manifest, tmp_path, "Tapin", SUMBER)
    assert [p.name for p in again] == [p.name for p in paths]
    for first, second in zip(paths, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name
    assert json.dumps([docs, manifest], sort_keys=True) == before      # the input is not modified


# --------------------------------------------------------------------------- a small synthetic edition

LABEL = 'KOTA "BARU", ÉLAN Ñ'
NAMA = 'TAPIN, "KAB" Ü—Ñ'


def _kecil() -> tuple[dict, dict]:
    header = {"periode": "2025-S1", "tanggal_data": "2025-06-30"}
    kategori = [{"kode": "1", "label": LABEL}, {"kode": "2", "label": "A+"}, {"kode": "3", "label": "A-"},
                {"kode": "4", "label": "A"}, {"kode": "5", "label": "a"}, {"kode": "6", "label": "+"},
                {"kode": "?", "label": "TIDAK DIKETAHUI"}]
    full = {k["label"]: {"lk": 1, "pr": 2, "jml": 3} for k in kategori}
    uji = {"indikator": "uji", "judul": "Tabel Uji, \"kutip\"", **header, "populasi": "semua penduduk",
           "kategori": kategori,
           "wilayah": {"63.05": {"nama": NAMA, "tingkat": "kabupaten", "data": full},
                       "63.05.01": {"nama": "SATU", "tingkat": "kecamatan",
                                    "data": {LABEL: {"lk": 0, "pr": 0, "jml": 0}}}}}
    nilai = {"penduduk": 3, "lk": 1, "pr": 2, "kk": 1, "luas_km2": None, "kepadatan": 1e-05,
             "rasio_jenis_kelamin": 50.0, "rasio_ketergantungan": 0, "rasio_ketergantungan_muda": 1e16,
             "rasio_ketergantungan_tua": 0.1, "rata_rata_anggota_kk": 3.0, "persen_wajib_ktp": 100.0}
    indikator = {"indikator": "indikator", "judul": "Indikator Kependudukan", **header, "luas_sumber": "uji",
                 "wilayah": {"63.05": {"nama": NAMA, "tingkat": "kabupaten", "data": nilai},
                             "63.05.01": {"nama": "SATU", "tingkat": "kecamatan", "data": dict(nilai)}}}
    manifest = {"indikator": "manifest", **header, "tabel": ["uji"]}
    return {"uji": uji, "indikator": indikator}, manifest


def test_special_label_survives_csv_round_trip(tmp_path):
    docs, manifest = _kecil()
    paths = tulis_unduhan({**docs, "manifest": manifest}, manifest, tmp_path / "baru" / "folder",   # manifest ignored
                          "Kabupaten Tapin", SUMBER)
    out = tmp_path / "baru" / "folder"
    assert [p.name for p in paths] == ["datapackage.json", "indikator.csv", "indikator.xlsx", "uji.csv", "uji.xlsx"]

    header, first, second = _csv(out / "uji.csv")
    assert first[:3] == ["63.05", NAMA, "kabupaten"]
    assert '"TAPIN, ""KAB"" Ü—Ñ"' in (out / "uji.csv").read_text(encoding="utf-8")
    assert header[3:] == ["kota_baru_elan_n_lk", "kota_baru_elan_n_pr", "kota_baru_elan_n_jml",
                          "a_plus_lk", "a_plus_pr", "a_plus_jml", "a_minus_lk", "a_minus_pr", "a_minus_jml",
                          "a_lk", "a_pr", "a_jml", "a_2_lk", "a_2_pr", "a_2_jml", "plus_lk", "plus_pr", "plus_jml",
                          "tidak_diketahui_lk", "tidak_diketahui_pr", "tidak_diketahui_jml"]
    assert all(h.isascii() for h in header)
    assert second == ["63.05.01", "SATU", "kecamatan", "0", "0", "0"] + [""] * 18   # absent category: empty

    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["name"] == "buku-data-agregat-tapin-2025-s1"
    assert package["title"].startswith("Buku Data Agregat Kependudukan Kabupaten Tapin ")
    titles = [f["title"] for f in package["resources"][0]["schema"]["fields"]]
    assert f"{LABEL} (laki-laki)" in titles
    assert "perbandingan" not in [r["name"] for r in package["resources"]]

    sheet = openpyxl.load_workbook(out / "uji.xlsx")["uji"]
    assert sheet["B2"].value == NAMA and sheet["D3"].value == 0 and sheet["G3"].value is None

    header, row, _ = _csv(out / "indikator.csv")
    values = dict(zip(header, row, strict=True))
    assert values["luas_km2"] == "" and values["kepadatan"] == "0.00001"
    assert values["rasio_ketergantungan_muda"] == "10000000000000000" and values["persen_wajib_ktp"] == "100.0"
    assert values["rasio_ketergantungan"] == "0"

    report = frictionless.validate(out / "datapackage.json")
    assert report.valid, _laporan(report)


def test_frictionless_catches_tampering(tmp_path):
    """The acceptance check is not vacuous: a changed or out-of-range value fails validation."""
    docs, manifest = _kecil()
    tulis_unduhan(docs, manifest, tmp_path, "Tapin", SUMBER)
    path = tmp_path / "uji.csv"
    text = path.read_text(encoding="utf-8").replace("kabupaten,1,2,3", "kabupaten,-1,2,3", 1)
    path.write_text(text.replace("\n63.05.01,", "\n63.5.01,"), encoding="utf-8")
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert not report.valid
    errors = report.flatten(["type", "fieldName", "note"])
    assert ["constraint-error", "kota_baru_elan_n_lk", 'constraint "minimum" is "0"'] in errors
    assert ["constraint-error", "kode_wilayah",
            'constraint "pattern" is "[0-9]{2}(\\.[0-9]{2}(\\.[0-9]{2}(\\.[0-9]{4})?)?)?"'] in errors
    assert "hash-count" in {e[0] for e in errors}     # (same length: "-" added, "0" removed)


@pytest.mark.parametrize("label, slug", [
    ("ISLAM", "islam"), ("KEPERCAYAAN TERHADAP TUHAN YME", "kepercayaan_terhadap_tuhan_yme"),
    ("BELUM/TIDAK BEKERJA", "belum_tidak_bekerja"), ("PEGAWAI NEGERI SIPIL (PNS)", "pegawai_negeri_sipil_pns"),
    ("AKADEMI/DIPLOMA III/S. MUDA", "akademi_diploma_iii_s_muda"), ("0-4", "0_4"), ("75+", "75_plus"),
    ("100+", "100_plus"), ("AB-", "ab_minus"), ("O+", "o_plus"), ("ANGGOTA DPR-RI", "anggota_dpr_ri"),
    ("WAJIB KTP-EL", "wajib_ktp_el"), ("  Élan -- vital  ", "elan_vital"), ("///", ""),
])
def test_slug(label, slug):
    assert slug_kolom(label) == slug


def test_real_column_names_unique(edisi):
    docs, manifest = edisi
    out_names = {}
    for name in manifest["tabel"]:
        slugs = [slug_kolom(k["label"]) for k in docs[name]["kategori"]]
        assert len(set(slugs)) == len(slugs), name   # no table needs the _2 fallback
        out_names[name] = slugs
    assert out_names["golongan_darah"][4:6] == ["a_plus", "a_minus"]


def test_errors(tmp_path):
    docs, manifest = _kecil()
    with pytest.raises(ValueError, match="tidak ada"):
        tulis_unduhan(docs, {**manifest, "tabel": ["uji", "agama"]}, tmp_path, "Tapin", SUMBER)
    with pytest.raises(ValueError, match="tidak sah"):
        tulis_unduhan({**docs, "../x": docs["uji"]}, {**manifest, "tabel": ["../x"]}, tmp_path, "Tapin", SUMBER)
    wrong = json.loads(json.dumps(docs))
    wrong["uji"]["wilayah"]["63.05"]["data"]["LAIN"] = {"lk": 0, "pr": 0, "jml": 0}
    with pytest.raises(ValueError, match="LAIN"):
        tulis_unduhan(wrong, manifest, tmp_path, "Tapin", SUMBER)
    other = json.loads(json.dumps(docs))
    other["uji"]["periode"] = "2024-S2"
    with pytest.raises(ValueError, match="2024-S2"):
        tulis_unduhan(other, manifest, tmp_path, "Tapin", SUMBER)
    assert not list(tmp_path.iterdir())


def test_the_data_package_names_the_kabupaten_in_title_case(edisi, tmp_path):
    """Issue 12, point 9: "Kabupaten Tapin", never the data's "TAPIN" (the site passes the edition's name)."""
    docs, manifest = _satu_tabel(edisi)
    for given in ("TAPIN", "Kabupaten Tapin"):
        tulis_unduhan(docs, manifest, tmp_path, given, SUMBER)
        package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
        assert package["title"] == "Buku Data Agregat Kependudukan Kabupaten Tapin Semester I Tahun 2025"
        assert package["name"] == "buku-data-agregat-tapin-2025-s1"
        assert "TAPIN" not in json.dumps({k: v for k, v in package.items() if k != "resources"}, ensure_ascii=False)


@pytest.mark.slow
def test_the_site_data_package_is_of_kabupaten_tapin(demo_site):
    package = json.loads((demo_site / "2025-S1" / "unduhan" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["title"] == "Buku Data Agregat Kependudukan Kabupaten Tapin Semester I Tahun 2025"
    assert package["contributors"][0]["title"] == "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Tapin"


# --------------------------------------------------------------------------- the downloads cache


def test_the_cache_gives_the_same_files_and_a_damaged_entry_is_made_again(edisi, tmp_path):
    import zipfile

    docs, manifest = _satu_tabel(edisi)
    paths = tulis_unduhan(docs, manifest, tmp_path / "tanpa-cache", "Tapin", SUMBER)
    cache = tmp_path / "cache" / "kunci.zip"
    made = tulis_unduhan(docs, manifest, tmp_path / "a", "Tapin", SUMBER, cache=cache)
    assert sorted(zipfile.ZipFile(cache).namelist()) == sorted(p.name for p in paths)
    for damage in (lambda: cache.write_bytes(cache.read_bytes()[:-5000]),            # cut short
                   lambda: cache.write_bytes(cache.read_bytes().replace(b"BINUANG", b"BINUANX", 1)),  # CRC
                   lambda: zipfile.ZipFile(cache, "a").writestr("lain.csv", "x")):   # another name
        damage()
        again = tulis_unduhan(docs, manifest, tmp_path / "b", "Tapin", SUMBER, cache=cache)
        for first, second, third in zip(paths, made, again, strict=True):
            assert first.read_bytes() == second.read_bytes() == third.read_bytes(), first.name
    kept = {name: zipfile.ZipFile(cache).read(name) for name in zipfile.ZipFile(cache).namelist()}
    assert kept == {p.name: p.read_bytes() for p in paths}                          # the entry is whole again


def test_an_entry_for_the_key_is_what_gets_published(edisi, unduhan, tmp_path):
    """The cache is trusted like the build machine's code (as the charts' cache): what the entry for the
    key holds is written, not made again; so the key must change with every input (next test)."""
    import zipfile

    docs, manifest = edisi
    _, paths = unduhan
    cache = tmp_path / "kunci.zip"
    with zipfile.ZipFile(cache, "w") as arsip:
        for path in paths:
            arsip.writestr(path.name, b"dari cache")
    out = tulis_unduhan(docs, manifest, tmp_path / "c", "Tapin", SUMBER, cache=cache)
    assert {p.read_bytes() for p in out} == {b"dari cache"}


def test_the_downloads_key_follows_the_edition_yaml_and_the_texts_not_the_analysis(tmp_path):
    import shutil

    from agregat.buku.cache_keys import unduhan_key

    folder = tmp_path / "2025-S1"
    shutil.copytree(EDISI, folder)
    key = unduhan_key(folder, "Tapin", SUMBER)
    assert unduhan_key(folder, "Tapin", SUMBER) == key
    (folder / "analisa.md").write_text("Analisa lain.\n", encoding="utf-8")
    assert unduhan_key(folder, "Tapin", SUMBER) == key
    assert unduhan_key(folder, "Tapin Lain", SUMBER) != key != unduhan_key(folder, "Tapin", SUMBER + ".")
    agama = folder / "agama.yml"
    agama.write_bytes(agama.read_bytes().replace(b"jml: 1", b"jml: 2", 1))
    assert unduhan_key(folder, "Tapin", SUMBER) != key
