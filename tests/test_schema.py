"""Every written file validates against the JSON Schemas in agregat/schema/, and sums add up."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from agregat.edisi import jobs
from agregat.core import yamlcepat
from conftest import FIXTURES, ROOT

SCHEMAS = {name: json.loads((ROOT / "agregat" / "schema" / f"{name}.schema.json").read_text())
           for name in ("tabel", "indikator", "perbandingan", "manifest")}


def schema_for(path: Path) -> dict:
    return SCHEMAS.get(path.stem, SCHEMAS["tabel"])


def check_edition(edition_dir: Path, min_whole: int = 10) -> dict[str, dict]:
    """Validate every YAML file of an edition; check the sums; return the documents."""
    documents = {}
    for path in sorted(edition_dir.glob("*.yml")):
        document = yamlcepat.load(path.read_text(encoding="utf-8"))
        jsonschema.validate(document, schema_for(path))
        documents[path.stem] = document
    check_sums(documents, min_whole)
    return documents


def check_sums(documents: dict[str, dict], min_whole: int = 10) -> None:
    """Whole-population tables sum to penduduk per region (unless some desa are tidak tersedia);
    kecamatan = Σ desa; kabupaten = Σ kecamatan."""
    penduduk = documents["penduduk"]["wilayah"]
    whole = [d for d in documents.values() if d.get("populasi") == "semua penduduk" and "tidak_tersedia" not in d]
    assert len(whole) >= min_whole
    for document in whole:
        for kode, region in document["wilayah"].items():
            for sex in ("lk", "pr", "jml"):
                total = sum(cell[sex] for cell in region["data"].values())
                assert total == penduduk[kode]["data"]["PENDUDUK"][sex], (document["indikator"], kode, sex)
    for document in (d for d in documents.values() if "populasi" in d):
        regions = document["wilayah"]
        for kode, region in regions.items():
            for cell in region["data"].values():
                assert cell["lk"] + cell["pr"] == cell["jml"]
            depth = kode.count(".")
            if depth < 3 and "tidak_tersedia" not in document:
                children = [r for k, r in regions.items() if k.startswith(kode + ".") and k.count(".") == depth + 1]
                assert children, kode
                for label, cell in region["data"].items():
                    assert cell["jml"] == sum(child["data"][label]["jml"] for child in children), (kode, label)


def test_golden_edition_validates(tmp_path):
    result = jobs.aggregate(FIXTURES / "golden" / "register.csv", "2025-S1", FIXTURES / "golden" / "kabupaten.yml",
                            tmp_path)
    documents = check_edition(result.edition_dir)
    assert set(documents) == {*documents["manifest"]["tabel"], "indikator", "manifest"}


def test_a_broken_document_fails_the_schema():
    document = yaml.safe_load((FIXTURES / "golden" / "2025-S1" / "agama.yml").read_text())
    document["wilayah"]["63.05"]["data"]["ISLAM"]["lk"] = -1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMAS["tabel"])
    del document["wilayah"]["63.05"]["data"]["ISLAM"]["lk"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMAS["tabel"])
