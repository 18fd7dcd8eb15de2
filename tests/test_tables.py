"""The book's counting rules, each on a few hand-made people with the expected numbers worked out by hand.

Reference date 2025-06-30 (Semester I 2025); a person born 2008-06-30 turns 17 on it.
"""

from __future__ import annotations

import pytest

from agregat.edisi import jobs
from conftest import COLUMNS, FIXTURES, person, write_register

CONFIG = FIXTURES / "golden" / "kabupaten.yml"


def kabupaten(tmp_path, rows, table: str) -> dict[str, tuple[int, int]]:
    """{label: (lk, pr)} of one table at kabupaten level, zero categories left out."""
    aggregation = jobs.validate(write_register(tmp_path / "r.csv", rows), "2025-S1", CONFIG)
    assert aggregation.report.excluded_total == 0
    spec = next(s for s in aggregation.specs if s.name == table)
    counts = aggregation.counts[table].sum(axis=0)
    return {label: (int(counts[0, i]), int(counts[1, i])) for i, (_, label) in enumerate(spec.kategori)
            if counts[:, i].any()}


def test_wajib_ktp_is_age_17_or_ever_married(tmp_path):
    rows = [
        person(1, born="2008-06-30", STAT_KWN=1),           # 17 on the reference date: wajib
        person(2, born="2008-07-01", STAT_KWN=1),           # 16: not yet
        person(3, sex=2, born="2009-01-01", STAT_KWN=2),    # 16 and married: wajib
        person(4, sex=2, born="2010-01-01", STAT_KWN=4),    # 15, widowed: wajib
        person(5, born="2010-01-01", STAT_KWN=""),          # 15, status unknown: by age alone, not wajib
    ]
    assert kabupaten(tmp_path, rows, "wajib_ktp") == {"WAJIB KTP-EL": (1, 2), "BELUM WAJIB KTP-EL": (2, 0)}


def test_kia_targets_unmarried_under_17_split_at_5(tmp_path):
    rows = [
        person(1, born="2020-07-01", STAT_KWN=1),           # 4
        person(2, sex=2, born="2020-06-30", STAT_KWN=1),    # 5 on the reference date
        person(3, born="2008-07-01", STAT_KWN=1),           # 16
        person(4, born="2008-06-30", STAT_KWN=1),           # 17: no longer a target
        person(5, sex=2, born="2009-01-01", STAT_KWN=2),    # 16 but married: not a target
        person(6, born="2015-01-01", STAT_KWN=""),          # unknown status: not counted as a target
    ]
    assert kabupaten(tmp_path, rows, "kia") == {"0-4": (1, 0), "5-16": (1, 1)}


def test_kartu_keluarga_counts_heads_by_their_own_sex(tmp_path):
    rows = [
        person(1, kk=1, STAT_HBKEL=1), person(2, sex=2, kk=1, STAT_HBKEL=3),
        person(3, sex=2, kk=2, STAT_HBKEL="KEPALA KELUARGA", STAT_KWN=4),   # a widow heads her family
        person(4, kk=2, STAT_HBKEL=4, born="2000-01-01", STAT_KWN=1),
    ]
    assert kabupaten(tmp_path, rows, "kartu_keluarga") == {"KEPALA KELUARGA": (1, 1)}


def test_open_ended_age_bands(tmp_path):
    rows = [person(1, born="1950-07-01"), person(2, born="1950-06-30"), person(3, sex=2, born="1925-06-30"),
            person(4, sex=2, born="1925-07-01"), person(5, born="2025-06-30")]
    assert kabupaten(tmp_path, rows, "kelompok_umur") == {"0-4": (1, 0), "70-74": (1, 0), "75+": (1, 2)}
    assert kabupaten(tmp_path, rows, "umur_tunggal") == {"0": (1, 0), "74": (1, 0), "75": (1, 0), "99": (0, 1),
                                                          "100+": (0, 1)}
    assert kabupaten(tmp_path, rows, "struktur_umur") == {"0-14": (1, 0), "65+": (2, 2)}


def test_akta_kelahiran_0_17_stops_at_17(tmp_path):
    rows = [person(1, born="2007-07-01", AKTA_LHR=2),      # 17: counted
            person(2, born="2007-06-30", AKTA_LHR=2),      # 18: all ages only
            person(3, sex=2, born="2020-01-01", AKTA_LHR=1),
            person(4, sex=2, born="2020-01-01", AKTA_LHR="")]
    assert kabupaten(tmp_path, rows, "akta_kelahiran_0_17") == {"MEMILIKI": (1, 0), "BELUM MEMILIKI": (0, 1),
                                                                 "TIDAK DIKETAHUI": (0, 1)}
    assert kabupaten(tmp_path, rows, "akta_kelahiran") == {"MEMILIKI": (2, 0), "BELUM MEMILIKI": (0, 1),
                                                            "TIDAK DIKETAHUI": (0, 1)}


def test_akta_kelahiran_0_5_stops_at_5(tmp_path):
    rows = [person(1, born="2020-07-01", AKTA_LHR=2, STAT_HBKEL=4, STAT_KWN=1),     # 4
            person(2, sex=2, born="2019-06-30", AKTA_LHR=1, STAT_HBKEL=4, STAT_KWN=1),   # 6: not counted
            person(3, sex=2, born="2020-01-01", AKTA_LHR=1, STAT_HBKEL=4, STAT_KWN=1)]   # 5
    assert kabupaten(tmp_path, rows, "akta_kelahiran_0_5") == {"MEMILIKI": (1, 0), "BELUM MEMILIKI": (0, 1)}


def test_kepala_keluarga_by_status_kawin_counts_heads_only(tmp_path):
    rows = [person(1, kk=1, STAT_HBKEL=1, STAT_KWN=2), person(2, sex=2, kk=1, STAT_HBKEL=3, STAT_KWN=2),
            person(3, sex=2, kk=2, STAT_HBKEL=1, STAT_KWN=4), person(4, kk=3, STAT_HBKEL=1, STAT_KWN=1),
            person(5, sex=2, kk=4, STAT_HBKEL=1, STAT_KWN="")]                       # status unknown
    assert kabupaten(tmp_path, rows, "kepala_keluarga_status_kawin") == {
        "BELUM KAWIN": (1, 0), "KAWIN": (1, 0), "CERAI MATI": (0, 1), "TIDAK DIKETAHUI": (0, 1)}
    assert kabupaten(tmp_path, rows, "kartu_keluarga") == {"KEPALA KELUARGA": (2, 2)}


@pytest.mark.parametrize("cell, label", [("", "TIDAK ADA"), ("7", "TIDAK ADA"), ("tidak cacat", "TIDAK ADA"),
                                         ("3", "DISABILITAS RUNGU/WICARA"), ("99", "TIDAK DIKETAHUI")])
def test_disabilitas_blank_means_none(tmp_path, cell, label):
    assert kabupaten(tmp_path, [person(1, PNYDNG_CCT=cell)], "disabilitas") == {label: (1, 0)}


def test_levels_are_sums_of_desa(tmp_path):
    rows = [person(1, desa="63.05.01.1001"), person(2, desa="63.05.01.2003"), person(3, sex=2, desa="63.05.08.2001")]
    aggregation = jobs.validate(write_register(tmp_path / "r.csv", rows), "2025-S1", CONFIG)
    from agregat.edisi.output import table_documents

    regions = table_documents(aggregation)["penduduk"]["wilayah"]
    jml = {kode: region["data"]["PENDUDUK"]["jml"] for kode, region in regions.items()}
    assert jml == {"63.05": 3, "63.05.01": 2, "63.05.01.1001": 1, "63.05.01.2003": 1, "63.05.08": 1,
                   "63.05.08.2001": 1}


# ---- the document tables a register gives from its optional columns (STAT_KTP, STAT_KIA, AKTA_KWN, AKTA_CRAI)

DOCUMENT_COLUMNS = COLUMNS + ["STAT_KTP", "STAT_KIA", "AKTA_KWN", "AKTA_CRAI"]


def documents(tmp_path, rows, config=CONFIG, columns=DOCUMENT_COLUMNS):
    """The aggregation of a register with the document columns; blank cells unless a row sets them."""
    rows = [{c: "" for c in columns} | row for row in rows]
    return jobs.validate(write_register(tmp_path / "r.csv", rows, columns=columns), "2025-S1", config)


def totals(aggregation, table: str) -> dict[str, tuple[int, int]]:
    spec = next(s for s in aggregation.specs if s.name == table)
    counts = aggregation.counts[table].sum(axis=0)
    return {label: (int(counts[0, i]), int(counts[1, i])) for i, (_, label) in enumerate(spec.kategori)
            if counts[:, i].any()}


def test_ktp_el_counts_wajib_ktp_by_stage_reached(tmp_path):
    rows = [person(1, STAT_KTP=1), person(2, STAT_KTP=2), person(3, sex=2, STAT_KTP=3),
            person(4, sex=2, STAT_KTP="SUDAH CETAK"),
            person(5, born="2009-01-01", STAT_KTP=2, STAT_KWN=2),        # 16 and married: wajib, recorded
            person(6, born="2010-01-01", STAT_KTP=3, STAT_KWN=1),        # 15: not wajib, not counted at all
            person(7, STAT_KTP=""),                                      # wajib, status unknown: base only
            person(8, born="2015-01-01", STAT_KWN=1, STAT_HBKEL=4)]      # a child, blank: normal
    aggregation = documents(tmp_path, rows)
    assert totals(aggregation, "ktp_el") == {"WAJIB KTP-EL": (4, 2), "SUDAH REKAM": (2, 2), "SUDAH CETAK": (0, 2)}
    assert totals(aggregation, "ktp_el")["WAJIB KTP-EL"] == totals(aggregation, "wajib_ktp")["WAJIB KTP-EL"]
    assert dict(aggregation.report.unknown_codes)["STAT_KTP"] == 1     # person 7 only, not the child


def test_kia_kepemilikan_counts_all_children_under_17(tmp_path):
    rows = [person(1, born="2020-01-01", STAT_KWN=1, STAT_HBKEL=4, STAT_KIA=2),
            person(2, sex=2, born="2008-07-01", STAT_KWN=1, STAT_HBKEL=4, STAT_KIA=1),    # 16
            person(3, sex=2, born="2009-01-01", STAT_KWN=2, STAT_HBKEL=3, STAT_KIA=2),    # 16, married: a child
            person(4, born="2008-06-30", STAT_KWN=1, STAT_HBKEL=4, STAT_KIA=2),           # 17: not counted
            person(5, born="2012-01-01", STAT_KWN=1, STAT_HBKEL=4, STAT_KIA="X"),         # unknown: base only
            person(6, STAT_KIA="")]                                                       # an adult, blank
    aggregation = documents(tmp_path, rows)
    assert totals(aggregation, "kia_kepemilikan") == {"ANAK UMUR 0-16": (2, 2), "MEMILIKI KIA": (1, 1),
                                                      "BELUM MEMILIKI KIA": (0, 1)}
    assert dict(aggregation.report.unknown_codes)["STAT_KIA"] == 1


def test_akta_perkawinan_and_perceraian_count_owners_among_kawin_and_cerai_hidup_by_agama(tmp_path):
    rows = [person(1, STAT_KWN=2, AKTA_KWN=2), person(2, sex=2, STAT_KWN=2, AKTA_KWN=2, AGAMA=2),
            person(3, STAT_KWN=2, AKTA_KWN=1),                                   # married, no akta
            person(4, sex=2, STAT_KWN=2, AKTA_KWN=2, AGAMA=""),                   # agama unknown
            person(5, STAT_KWN=3, AKTA_KWN=2, AKTA_CRAI=2),                       # divorced: perceraian only
            person(6, sex=2, STAT_KWN=3, AKTA_CRAI=1),
            person(7, sex=2, STAT_KWN=4, AKTA_KWN=2, AKTA_CRAI=2),                # widowed: neither
            person(8, STAT_KWN=2, AKTA_KWN="")]                                   # unknown: not an owner
    aggregation = documents(tmp_path, rows)
    assert totals(aggregation, "akta_perkawinan") == {"ISLAM": (1, 0), "KRISTEN": (0, 1), "TIDAK DIKETAHUI": (0, 1)}
    assert totals(aggregation, "akta_perceraian") == {"ISLAM": (1, 0)}
    assert dict(aggregation.report.unknown_codes)["AKTA_KWN"] == 1
    assert "AKTA_CRAI" not in aggregation.report.unknown_codes or aggregation.report.unknown_codes["AKTA_CRAI"] == 0


def test_the_document_tables_are_absent_without_their_columns(tmp_path):
    names = {s.name for s in documents(tmp_path, [person(1)], columns=COLUMNS).specs}
    assert not names & {"ktp_el", "kia_kepemilikan", "akta_perkawinan", "akta_perceraian", "kk_cetak"}
    names = {s.name for s in documents(tmp_path, [person(1)], columns=COLUMNS + ["AKTA_KWN"]).specs}
    assert names & {"ktp_el", "kia_kepemilikan", "akta_perkawinan", "akta_perceraian"} == {"akta_perkawinan"}


def test_the_document_columns_are_mapped_by_kolom_and_read_with_the_akta_lahir_flags(tmp_path):
    config = tmp_path / "kabupaten.yml"
    config.write_text(CONFIG.read_text(encoding="utf-8").replace('ada: ["2"]', 'ada: ["2", "Y"]')
                      + "kolom: {STATUS_EKTP: STAT_KTP, PUNYA_KIA: STAT_KIA, 'Akta Nikah': AKTA_KWN}\n",
                      encoding="utf-8")
    (tmp_path / "wilayah.csv").write_bytes((CONFIG.parent / "wilayah.csv").read_bytes())
    columns = COLUMNS + ["STATUS_EKTP", "PUNYA_KIA", "Akta Nikah"]
    rows = [person(1, STATUS_EKTP="sudah rekam", **{"Akta Nikah": "Y"}),
            person(2, born="2015-01-01", STAT_KWN=1, STAT_HBKEL=4, PUNYA_KIA="Y")]
    aggregation = documents(tmp_path, rows, config=config, columns=columns)
    assert totals(aggregation, "ktp_el") == {"WAJIB KTP-EL": (1, 0), "SUDAH REKAM": (1, 0)}
    assert totals(aggregation, "kia_kepemilikan") == {"ANAK UMUR 0-16": (1, 0), "MEMILIKI KIA": (1, 0)}
    assert totals(aggregation, "akta_perkawinan") == {"ISLAM": (1, 0)}


def test_unknown_document_codes_are_warned_on_the_command_line_by_column(tmp_path, capsys):
    from agregat.cli.main import main

    rows = [{c: "" for c in DOCUMENT_COLUMNS} | person(i, STAT_KTP="99") for i in (1, 2)]
    register = write_register(tmp_path / "r.csv", rows, columns=DOCUMENT_COLUMNS)
    assert main(["--config", str(CONFIG), "validate", "--input", str(register), "--period", "2025-S1",
                 "--report-dir", str(tmp_path / "laporan")]) == 0
    out = capsys.readouterr().out
    assert "peringatan - STAT_KTP: kode kosong atau tidak dikenal; dihitung sebagai TIDAK DIKETAHUI: 2" in out
    assert "peringatan - AKTA_KWN" in out          # married (the default STAT_KWN), akta perkawinan blank
    assert "STAT_KIA" not in out and "AKTA_CRAI" not in out   # blank for adults / not divorced: normal
    assert "99" not in out.replace(str(tmp_path), "")   # never a cell value (the tmp folder may hold "99")


def test_the_book_shows_the_register_document_tables_or_says_tidak_tersedia(tmp_path):
    from agregat.buku.makro import TIDAK_TERSEDIA, Buku
    from agregat.edisi.muat import muat_edisi

    rows = [{c: "" for c in DOCUMENT_COLUMNS} | person(i, sex=1 + i % 2, STAT_KTP=1 + i % 3, AKTA_KWN=2)
            for i in range(1, 7)]
    for name, columns in (("with", DOCUMENT_COLUMNS), ("without", COLUMNS)):
        register = write_register(tmp_path / f"{name}.csv", rows, columns=columns)
        jobs.aggregate(register, "2025-S1", CONFIG, tmp_path / name, report_dir=tmp_path / "laporan")
    with_columns = Buku(muat_edisi(tmp_path / "with", "2025-S1"), bab=6)
    html = with_columns.tabel_wilayah("ktp_el")
    assert "SUDAH REKAM %" in html and ">66,67<" in html and TIDAK_TERSEDIA not in html   # 4 of 6 recorded
    assert TIDAK_TERSEDIA not in with_columns.tabel_wilayah("akta_perkawinan")
    without = Buku(muat_edisi(tmp_path / "without", "2025-S1"), bab=6)
    for table in ("ktp_el", "kia_kepemilikan", "akta_perkawinan", "akta_perceraian"):
        assert TIDAK_TERSEDIA in without.tabel_wilayah(table), table
