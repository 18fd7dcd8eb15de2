"""Both front doors agree: the demo editions (made from the demo register) written as a DKB workbook in the
real layout (`agregat.sumber.demo_dkb`) and read back give every table both sources carry cell for cell."""

from __future__ import annotations

import pytest
import yaml
from python_calamine import CalamineWorkbook

from agregat.cli.main import main
from agregat.core.config import load_config
from agregat.sumber.demo import DEMO_PERIODS
from agregat.sumber.demo_dkb import edition_counts, workbook_bytes, workbook_sheets, write_demo_workbooks
from agregat.core.wilayah import load_wilayah
from conftest import ROOT

pytestmark = pytest.mark.slow

CONFIG = ROOT / "kabupaten.yml"
REGISTER_ONLY = {"golongan_darah", "hubungan_keluarga", "kia"}   # the DKB layout has no sheet for them
WORKBOOK_ONLY = {"kk_cetak", "kk_kepemilikan"}   # a by-name register has no column for them
# computed from the register's optional columns (STAT_KTP, STAT_KIA, AKTA_KWN, AKTA_CRAI) and written into the
# workbook's wajib KTP, KIA and akta perkawinan/perceraian sheets from those counts
DOCUMENT_TABLES = {"ktp_el", "kia_kepemilikan", "akta_perkawinan", "akta_perceraian"}


def load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The committed demo editions copied, their workbooks written, and read back into another folder."""
    tmp = tmp_path_factory.mktemp("dkb_demo")
    source = tmp / "register"
    for period in DEMO_PERIODS:
        (source / period).mkdir(parents=True)
        for path in (ROOT / "data" / period).glob("*.yml"):
            (source / period / path.name).write_bytes(path.read_bytes())
    books = write_demo_workbooks(source, CONFIG, DEMO_PERIODS)
    target = tmp / "dkb"
    for period in DEMO_PERIODS:   # in order: the second edition compares with the first, as the register's does
        assert main(["--config", str(CONFIG), "aggregate", "--input", str(books[period]), "--period", period,
                     "--data-dir", str(target), "--report-dir", str(tmp / "lap")]) == 0
    return source, target, books


@pytest.mark.parametrize("period", DEMO_PERIODS)
def test_register_and_workbook_give_the_same_tables(both, period):
    source, target, _ = both
    register = load(source / period / "manifest.yml")
    dkb = load(target / period / "manifest.yml")
    assert dkb["sumber"]["jenis"] == "dkb" and register["sumber"].get("jenis", "register") == "register"
    shared = [t for t in register["tabel"] if t in dkb["tabel"]]
    assert set(register["tabel"]) - set(shared) == REGISTER_ONLY
    assert set(dkb["tabel"]) - set(register["tabel"]) == WORKBOOK_ONLY
    assert DOCUMENT_TABLES <= set(shared) and len(shared) == 19
    for table in shared + ["indikator"]:   # the same bytes, hence the same YAML document, cell for cell
        ours, theirs = (folder / period / f"{table}.yml" for folder in (target, source))
        assert ours.read_bytes() == theirs.read_bytes() or load(ours) == load(theirs), table
    assert dkb["tidak_tersedia"] == {}
    assert {"UMUR_TUNGGAL_KEC", "Sheet2"} <= set(dkb["lembar_diabaikan"])


def test_the_workbook_has_the_real_layout(both):
    _, _, books = both
    workbook = CalamineWorkbook.from_path(str(books["2024-S2"]))
    assert workbook.sheet_names[:14] == ["Sheet1", "Sheet1_UMUR", "UMUR_TUNGGAL_KEC", "Sheet3", "Sheet4", "Sheet2",
                                         "Sheet10", "Sheet15", "Sheet5", "Sheet7", "Sheet11", "Sheet6", "Sheet9",
                                         "Sheet16"]
    header = {name: workbook.get_sheet_by_name(name).to_python(nrows=2) for name in workbook.sheet_names}
    assert header["Sheet1"][0][8:11] == ["L 00-04", "P 00-04", "JML 00-04"]
    assert header["Sheet1"][1][:3] == [63.0, "KALIMANTAN SELATAN", 5.0]            # floats, as delivered
    assert header["Sheet1_UMUR"][0][-1] == "JML 120" and header["Sheet1_UMUR"][1][0] == "6305011001"
    assert header["Sheet3"][1][:2] == [4.0, "63.05.01.1001"] and "AKADEMI/DIPLOMA III/S.MUDA_J" in header["Sheet3"][0]
    assert header["Sheet5"][0][8:10] == ["", "'BELUM KAWIN'_L"]
    assert header["Sheet15"][0][12] == "AKTA LAHIR ALL" and header["Sheet15"][1][12] == "LK_MMLK_DINAMIS"
    assert header["Sheet9"][0][0] == "WILAYAH" and header["Sheet16"][0][1] == "LK_MMLK_AKTA_KWN_ISLAM"
    assert len(header["Sheet4"][0]) == 8 + 2 * 99 + 2          # 99 labels of the real file + TIDAK DIKETAHUI
    sheet10 = workbook.get_sheet_by_name("Sheet10").to_python()
    assert sheet10[0][-1] == "" and sheet10[-1][0] == "" and sheet10[-1][-1] == 202061   # unkeyed grand total


def test_the_workbook_is_deterministic_and_holds_no_person(both):
    _, _, books = both
    config = load_config(CONFIG)
    wilayah = load_wilayah(config.wilayah, config.kode)
    sheets = workbook_sheets(edition_counts(ROOT / "data" / "2024-S2", wilayah), wilayah, config.provinsi)
    cells = {c for rows in sheets.values() for row in rows for c in row if isinstance(c, str)}
    assert not any(len(c) == 16 and c.isdigit() for c in cells)   # no NIK or KK number, only region codes
    assert workbook_bytes(sheets) == books["2024-S2"].read_bytes()   # written again: the same bytes
