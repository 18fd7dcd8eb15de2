"""The book's counting rules, each on a few hand-made people with the expected numbers worked out by hand.

Reference date 2025-06-30 (Semester I 2025); a person born 2008-06-30 turns 17 on it.
"""

from __future__ import annotations

import pytest

from agregat import jobs
from conftest import FIXTURES, person, write_register

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
    from agregat.output import table_documents

    regions = table_documents(aggregation)["penduduk"]["wilayah"]
    jml = {kode: region["data"]["PENDUDUK"]["jml"] for kode, region in regions.items()}
    assert jml == {"63.05": 3, "63.05.01": 2, "63.05.01.1001": 1, "63.05.01.2003": 1, "63.05.08": 1,
                   "63.05.08.2001": 1}
