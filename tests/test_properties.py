"""Invariants on random small registers: sums, row order, excluded rows."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agregat.core.config import load_config
from agregat.core import yamlcepat
from agregat.edisi.output import edition_files
from agregat.core.periode import Periode
from agregat.sumber.pipeline import aggregate_register
from conftest import FIXTURES, person, write_register
from test_schema import check_sums

CONFIG = load_config(FIXTURES / "golden" / "kabupaten.yml")
DESA = ["63.05.01.1001", "63.05.01.2003", "63.05.08.2001"]
PERIODE = Periode.parse("2025-S1")

people = st.lists(
    st.fixed_dictionaries({
        "sex": st.sampled_from([1, 2]),
        "born": st.dates(dt.date(1900, 1, 1), dt.date(2025, 6, 30)).map(dt.date.isoformat),
        "desa": st.sampled_from(DESA),
        "kk": st.integers(1, 6),
        "AGAMA": st.sampled_from(["1", "2", "7", "ISLAM", "", "99"]),
        "STAT_KWN": st.sampled_from(["1", "2", "3", "4", "KAWIN", ""]),
        "STAT_HBKEL": st.sampled_from(["1", "3", "4", "7"]),
        "PDDK_AKH": st.sampled_from(["1", "5", "10", "x"]),
        "AKTA_LHR": st.sampled_from(["1", "2", ""]),
        "PNYDNG_CCT": st.sampled_from(["", "", "3", "7"]),
    }),
    min_size=1, max_size=40,
)


def rows_of(specs: list[dict]) -> list[dict]:
    return [person(serial, **spec) for serial, spec in enumerate(specs, start=1)]


def run(rows: list[dict]):
    with tempfile.TemporaryDirectory() as folder:
        path = write_register(Path(folder) / "r.csv", rows)
        aggregation = aggregate_register(path, PERIODE, CONFIG)
        return aggregation, edition_files(aggregation, CONFIG, None)


settings.register_profile("agregat", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("agregat")


@given(people)
def test_categories_and_levels_sum_up(specs):
    aggregation, files = run(rows_of(specs))
    assert aggregation.report.kept == len(specs)
    check_sums({name[:-4]: yamlcepat.load(text) for name, text in files.items()})


@given(people, st.randoms(use_true_random=False))
def test_row_order_does_not_matter(specs, random):
    rows = rows_of(specs)
    shuffled = rows[:]
    random.shuffle(shuffled)
    first, _ = run(rows)
    second, _ = run(shuffled)
    for name in first.counts:
        assert np.array_equal(first.counts[name], second.counts[name]), name


@given(people, st.sampled_from([
    {"NIK": "6.30501E+15"}, {"JENIS_KLMIN": "X"}, {"TGL_LHR": "31-02-1990"}, {"TGL_LHR": "2030-01-01"},
    {"NO_KEC": "99"}, {"NO_KAB": "6"},
]))
def test_an_excluded_row_changes_only_the_manifest(specs, damage):
    rows = rows_of(specs)
    _, before = run(rows)
    bad = dict(person(9999, desa=DESA[0]), **damage)
    _, after = run(rows + [bad])
    assert {n: t for n, t in before.items() if n != "manifest.yml"} == \
           {n: t for n, t in after.items() if n != "manifest.yml"}
    assert before["manifest.yml"] != after["manifest.yml"]


@given(people)
def test_a_duplicate_nik_is_excluded_and_the_first_kept(specs):
    rows = rows_of(specs)
    _, before = run(rows)
    duplicate = dict(rows[0], AGAMA="2", NO_KEL="2003", NO_KEC="1")
    aggregation, after = run(rows + [duplicate])
    assert aggregation.report.excluded["nik_ganda"] == 1
    assert {n: t for n, t in before.items() if n != "manifest.yml"} == \
           {n: t for n, t in after.items() if n != "manifest.yml"}
