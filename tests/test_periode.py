import datetime as dt
import json
from pathlib import Path

import pytest

from agregat.core.errors import UsageError
from agregat.core.periode import PERIOD_PATTERN, Periode


@pytest.mark.parametrize("text, tanggal, sebelumnya", [
    ("2025-S1", dt.date(2025, 6, 30), "2024-S2"),
    ("2024-S2", dt.date(2024, 12, 31), "2024-S1"),
])
def test_reference_date_and_previous_semester(text, tanggal, sebelumnya):
    periode = Periode.parse(text)
    assert periode.tanggal == tanggal
    assert str(periode.sebelumnya) == sebelumnya
    assert str(periode) == text


@pytest.mark.parametrize("text", ["2025-S3", "25-S1", "2025S1", "2025-s1x", "", "2025-06-30"])
def test_malformed_period_is_refused_with_an_example(text):
    with pytest.raises(UsageError, match="Tulis tahun dan semester seperti 2025-S1"):
        Periode.parse(text)


@pytest.mark.parametrize("text", ["٢٠٢٥-S1", "２０２５-S1", "2025-S١", "۲۰۲۵-S2", "𝟐𝟎𝟐𝟓-S1"])
def test_periods_are_ascii_digits_only(text):
    with pytest.raises(UsageError):
        Periode.parse(text)
    assert not Periode.is_canonical(text)


@pytest.mark.parametrize("text, canonical", [("2025-S1", True), (" 2025-S1", False), ("2025-S1\n", False),
                                             ("2025-S2", True), ("0999-S1", False), (None, False)])
def test_a_canonical_period_is_exactly_how_the_tool_writes_it(text, canonical):
    assert Periode.is_canonical(text) is canonical


# ---- one definition of a period's text ----------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def _patterns(node):
    """Every (property name, pattern) of a JSON Schema, at any depth."""
    if isinstance(node, dict):
        for name, value in (node.get("properties") or {}).items():
            if isinstance(value, dict) and "pattern" in value:
                yield name, value["pattern"]
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


def test_schemas_and_ci_write_a_period_as_periode_py_does():
    """The schemas' `periode` patterns and the CI jobs' sed expressions are PERIOD_PATTERN, letter for letter
    (a second spelling of the rule would drift)."""
    periods = [pattern for path in sorted((ROOT / "agregat" / "schema").glob("*.json"))
               for name, pattern in _patterns(json.loads(path.read_text(encoding="utf-8")))
               if name.startswith("periode")]
    assert len(periods) >= 5 and set(periods) == {f"^{PERIOD_PATTERN}$"}
    for ci in (ROOT / ".github" / "workflows" / "buku.yml", ROOT / "forge" / "gitlab-ci.yml"):
        text = ci.read_text(encoding="utf-8")
        assert text.count(PERIOD_PATTERN) >= 3 and text.count("S[12]") == text.count(PERIOD_PATTERN), ci.name


def test_an_approvals_folder_that_is_no_period_is_not_an_edition(tmp_path):
    from agregat.pengesahan.langkah import final_editions

    for name in ("x-S1", "٢٠٢٥-S1", "2025-S1 "):
        (tmp_path / "approvals" / name).mkdir(parents=True)
        (tmp_path / "data" / name).mkdir(parents=True)
    assert final_editions(tmp_path / "data", tmp_path / "kabupaten.yml") == ({}, [])
