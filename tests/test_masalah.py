"""The problem catalogue (`agregat.core.masalah`) is the one list of problem kinds: every entry is found and
reported by a real validation run, counted in the manifest (and its schema), named in Bab VII, and shown in
the README's table."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import yaml

from agregat.edisi import jobs
from agregat.core.config import DEFAULT_CONFIG
from agregat.core.masalah import CATALOGUE, CODED_COLUMNS, EXCLUDED, EXCLUSIONS, PROBLEMS, UNKNOWN_CODE, WARNINGS, \
    readme_table
from agregat.edisi.analisa import tulis_analisa

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "tests" / "fixtures" / "rules"


def test_codes_are_unique_and_exclusions_come_first():
    codes = [p.code for p in CATALOGUE]
    assert len(codes) == len(set(codes)) == len(PROBLEMS)
    assert codes == list(EXCLUSIONS) + list(WARNINGS)
    assert all(p.unit in ("baris", "KK") and p.message and p.label for p in CATALOGUE)


def test_every_entry_is_reported_with_its_column_and_message_and_counted_in_the_manifest():
    """The rule fixtures together raise every kind of the catalogue; each report line carries the catalogue's
    column and message, and the manifest counts have exactly the catalogue's keys, in its order."""
    seen = set()
    for register in sorted(RULES.glob("*.csv")):
        report = jobs.validate(register, "2025-S1", DEFAULT_CONFIG).report
        for line in list(csv.DictReader(io.StringIO(report.to_csv()))):
            problem = PROBLEMS[line["kode"]]
            assert line["keterangan"] == problem.message
            assert line["kolom"] in CODED_COLUMNS if problem.code == UNKNOWN_CODE else line["kolom"] == problem.column
            seen.add(problem.code)
        assert list(report.excluded_counts()) == list(EXCLUSIONS)
        assert list(report.warning_counts(tuple(CODED_COLUMNS))) == list(WARNINGS)
    assert sorted(seen) == sorted(PROBLEMS), "jenis masalah di katalog yang tidak pernah dilaporkan"


def test_the_manifest_schema_lists_the_catalogue():
    schema = json.loads((ROOT / "agregat" / "schema" / "manifest.schema.json").read_text(encoding="utf-8"))
    for key, codes in ((EXCLUDED, EXCLUSIONS), ("peringatan", WARNINGS)):
        assert schema["properties"][key]["required"] == list(codes)
        assert sorted(schema["properties"][key]["properties"]) == sorted(codes)


def test_bab_vii_names_every_entry_with_its_label_and_unit():
    manifest = {"baris": {"dibaca": 100, "valid": 94, "dikecualikan": 6},
                "dikecualikan": {code: 1 for code in EXCLUSIONS},
                "peringatan": {code: ({column: 2 for column in CODED_COLUMNS} if code == UNKNOWN_CODE else 3)
                               for code in WARNINGS}}
    text = _analisa(manifest)
    for problem in CATALOGUE:
        label = problem.label[:1].upper() + problem.label[1:]
        if problem.code == UNKNOWN_CODE:
            assert f"{label} dihitung sebagai TIDAK DIKETAHUI" in text
            for name in CODED_COLUMNS.values():
                assert f"{name} 2 {problem.unit}" in text
        else:
            count = 1 if problem.severity == EXCLUDED else 3
            assert f"- {label}: {count} {problem.unit}\n" in text, problem.code


def test_the_readme_table_of_problems_is_the_catalogue():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Aturan validasi"):]
    assert readme_table() in section[:section.index("\n### ", 1)]
    for problem in CATALOGUE:
        assert f"| `{problem.code}` | {problem.severity} |" in readme


def _analisa(manifest: dict) -> str:
    """Bab VII of the demo edition 2025-S1 with the given manifest counts."""
    folder = ROOT / "data" / "2025-S1"
    documents = {name: yaml.safe_load((folder / f"{name}.yml").read_text(encoding="utf-8"))
                 for name in ("penduduk", "kartu_keluarga", "struktur_umur", "indikator", "wajib_ktp", "agama",
                              "manifest")}
    documents["manifest"].update(manifest)
    return tulis_analisa(documents)
