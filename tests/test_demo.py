"""The synthetic registers: determinism, calibration to DKB Semester II 2024, structure, bad rows.

The checks below read the CSV with pandas only (all text) and apply their own simple validity rules,
so they do not depend on the pipeline under test.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

from agregat.sumber import demo

REF = {"2024-S2": pd.Timestamp("2024-12-31"), "2025-S1": pd.Timestamp("2025-06-30")}
SEX = {"1": 1, "2": 2, "LAKI-LAKI": 1, "PEREMPUAN": 2}
KEPALA = {"1", "KEPALA KELUARGA"}
KEPERCAYAAN = {"7", "KEPERCAYAAN TERHADAP TUHAN YME"}


@pytest.fixture(scope="module")
def registers(demo_registers) -> dict:
    return demo_registers        # conftest.py: written once per test run


@pytest.fixture(scope="module")
def frames(registers) -> dict[str, pd.DataFrame]:
    return {period: read_register(path) for period, path in registers.items()}


def read_register(path) -> pd.DataFrame:
    """The register without its deliberately malformed lines (the demo CSV has no quoting)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    width = lines[0].count(",")
    kept = [line for line in lines if line.count(",") == width]
    assert len(lines) - len(kept) == demo.MALFORMED_ROWS
    return pd.read_csv(io.StringIO("\n".join(kept)), dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def valid(frames) -> dict[str, pd.DataFrame]:
    return {period: valid_rows(df, period) for period, df in frames.items()}


def valid_rows(df: pd.DataFrame, period: str) -> pd.DataFrame:
    """Rows a register would count: 16-digit first-seen NIK, known sex, real past date, a Tapin desa."""
    born = pd.to_datetime(df.TGL_LHR, format="%Y-%m-%d", errors="coerce")
    for fmt in ("%d-%m-%Y", "%d/%m/%Y"):
        born = born.fillna(pd.to_datetime(df.TGL_LHR, format=fmt, errors="coerce"))
    region = (df.NO_PROP == "63") & (pd.to_numeric(df.NO_KAB, errors="coerce") == 5) \
        & pd.to_numeric(df.NO_KEC, errors="coerce").between(1, 12)
    ok = (df.NIK.str.fullmatch(r"\d{16}") & ~df.NIK.duplicated() & df.JENIS_KLMIN.str.upper().isin(SEX)
          & born.notna() & (born <= REF[period]) & region)
    return df[ok].assign(sex=df.JENIS_KLMIN.str.upper().map(SEX), born=born)


@pytest.mark.slow
def test_deterministic_per_seed(registers, tmp_path):
    again = demo.write_demo_registers(tmp_path / "again")
    other = demo.write_demo_registers(tmp_path / "other", seed=7)
    assert set(registers) == set(demo.DEMO_PERIODS)
    for period in demo.DEMO_PERIODS:
        assert again[period].read_bytes() == registers[period].read_bytes()
        assert other[period].read_bytes() != registers[period].read_bytes()


@pytest.mark.slow
def test_csv_format(registers):
    data = registers["2024-S2"].read_bytes()
    header, _, rest = data.partition(b"\n")
    assert header.decode() == ",".join(demo.COLUMNS)
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data and b'"' not in data
    assert data.endswith(b"\n")
    assert rest.count(b"\n") > 200_000


@pytest.mark.slow
def test_totals_match_dkb_2024_s2(valid):
    valid = valid["2024-S2"]
    for got, want in ((len(valid), 202_061), ((valid.sex == 1).sum(), 101_669), ((valid.sex == 2).sum(), 100_392)):
        assert abs(got - want) <= 0.005 * want
    assert 68_000 <= valid.NO_KK.nunique() <= 72_000
    age = (REF["2024-S2"] - valid.born).dt.days / 365.2425
    assert 0.23 <= (age < 15).mean() <= 0.28 and 0.05 <= (age >= 65).mean() <= 0.09


@pytest.mark.slow
def test_bad_rows_are_extra_and_present(frames, valid):
    df = frames["2024-S2"]
    assert len(df) - len(valid["2024-S2"]) == sum(demo.BAD_ROWS.values())
    assert df.NIK.str.contains("E+", regex=False).sum() == demo.BAD_ROWS["nik_float"]
    assert (df.NIK.str.len() == 15).sum() == demo.BAD_ROWS["nik_15_digits"]
    sixteen = df.NIK[df.NIK.str.fullmatch(r"\d{16}")]
    assert sixteen.duplicated().sum() == demo.BAD_ROWS["nik_duplicate"]
    assert (df.NO_KEC == "99").sum() == demo.BAD_ROWS["kec_99"] and (df.NO_KAB == "6").sum() == demo.BAD_ROWS["kab_6"]
    assert (df.JENIS_KLMIN == "X").sum() == demo.BAD_ROWS["sex_X"]
    assert (df.AGAMA == "").sum() == demo.ANOMALIES["code_blank"]


@pytest.mark.slow
def test_nik_encodes_birth_date_and_sex(valid):
    valid = valid["2024-S2"]
    day = valid.NIK.str[6:8].astype(int)
    expected = valid.born.dt.day + 40 * (valid.sex == 2)
    mismatch = (day != expected) | (valid.NIK.str[8:12] != valid.born.dt.strftime("%m%y"))
    assert mismatch.sum() == demo.ANOMALIES["nik_date_mismatch"] + demo.ANOMALIES["nik_sex_mismatch"]
    assert valid.NIK.str[:4].eq("6305").all()
    assert (~valid.NO_KK.str.fullmatch(r"6305\d{12}")).sum() == demo.ANOMALIES["no_kk_invalid"]
    assert (valid.NIK.str[4:6] == valid.NO_KEC.str.zfill(2)).mean() > 0.9


@pytest.mark.slow
def test_households_are_consistent(valid):
    valid = valid["2024-S2"]
    valid = valid[valid.NO_KK.str.fullmatch(r"\d{16}")]   # the pipeline leaves damaged NO_KK out of this check
    heads = valid.STAT_HBKEL.str.upper().isin(KEPALA).groupby(valid.NO_KK).sum()
    assert (heads != 1).sum() == demo.ANOMALIES["kk_without_head"] + demo.ANOMALIES["kk_two_heads"]
    age = (REF["2024-S2"] - valid.born).dt.days / 365.2425
    married = valid.STAT_KWN.str.upper().isin({"2", "3", "4", "KAWIN", "CERAI HIDUP", "CERAI MATI"})
    assert not (married & (age < 16)).any()
    wife = valid[valid.STAT_HBKEL.str.upper().isin({"3", "ISTRI"})].drop_duplicates("NO_KK")
    mother_born = wife.set_index("NO_KK").born
    child = valid[valid.STAT_HBKEL.str.upper().isin({"4", "ANAK"}) & valid.NO_KK.isin(mother_born.index)]
    gap = (child.born - child.NO_KK.map(mother_born)).dt.days / 365.2425
    assert gap.between(16, 45).all()


@pytest.mark.slow
def test_kepercayaan_mostly_in_piani(valid):
    valid = valid["2024-S2"]
    followers = valid[valid.AGAMA.str.upper().isin(KEPERCAYAAN)]
    assert 280 <= len(followers) <= 370
    assert (pd.to_numeric(followers.NO_KEC) == 8).mean() > 0.9
    assert (valid.AGAMA.str.upper().isin({"1", "ISLAM"})).mean() > 0.99


@pytest.mark.slow
def test_next_semester_is_the_same_population(valid):
    before, after = valid["2024-S2"], valid["2025-S1"]
    kept = before.NIK.isin(after.NIK)
    assert kept.mean() >= 0.98
    growth = len(after) / len(before) - 1
    assert 0.003 <= growth <= 0.01
    both = before.merge(after, on="NIK", suffixes=("", "_next"))
    assert (both.NAMA_LGKP == both.NAMA_LGKP_next).all() and (both.born == both.born_next).all()
    assert (both.NO_KK == both.NO_KK_next).mean() > 0.99
    babies = after[~after.NIK.isin(before.NIK) & (after.born > REF["2024-S2"])]
    assert 0.006 * len(before) <= len(babies) <= 0.011 * len(before)


def test_synthetic_register(tmp_path):
    path = demo.write_synthetic_register(tmp_path / "big.csv", 50_000, seed=3)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(df) == 50_000 and list(df.columns) == list(demo.COLUMNS)
    assert len(valid_rows(df, "2025-S1")) == 50_000
    blank = (df[list(demo.BLANKABLE)] == "").any(axis=1).mean()
    assert 0 < blank < 0.003
    assert path.read_bytes() == demo.write_synthetic_register(tmp_path / "again.csv", 50_000, seed=3).read_bytes()
