"""The edition folder `data/<period>/`: YAML documents built from the counts, written atomically.

Documents are plain dicts in a fixed order (regions by code, categories by code) and are dumped the same
way every time, so the same register gives byte-identical files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from agregat import __version__
from agregat.core import yamlcepat
from agregat.core.atomik import STAGING, recover_interrupted, swap_folder
from agregat.core.digest import edition_digest, edition_entries, read_entry
from agregat.sumber.pipeline import Aggregation
from agregat.sumber.tables import roll_up
from agregat.core.wilayah import code_depth

try:   # libyaml is much faster; both emit the same text for these documents
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # pragma: no cover - wheels ship libyaml on the platforms we support
    from yaml import SafeDumper as _BaseDumper

POSSIBLE_TABLES = (
    "penduduk", "kartu_keluarga", "kelompok_umur", "umur_tunggal", "struktur_umur", "agama", "pendidikan",
    "pekerjaan", "status_kawin", "hubungan_keluarga", "kepala_keluarga_status_kawin", "golongan_darah", "disabilitas", "wajib_ktp",
    "akta_kelahiran", "akta_kelahiran_0_17", "akta_kelahiran_0_5", "kia", "ktp_el", "kia_kepemilikan", "kk_cetak", "akta_perkawinan",
    "akta_perceraian", "kk_kepemilikan", "akta_perkawinan_kepemilikan", "akta_perceraian_kepemilikan",
)
OWNED_FILES = frozenset([f"{name}.yml" for name in POSSIBLE_TABLES]
                        + ["indikator.yml", "perbandingan.yml", "manifest.yml"])
COMPARED = (("penduduk", "PENDUDUK"), ("kartu_keluarga", "KEPALA KELUARGA"), ("wajib_ktp", "WAJIB KTP-EL"))


class LkPr(dict):
    """{lk, pr, jml} of one category in one region, written on one line."""


class _Dumper(_BaseDumper):
    pass


_Dumper.add_representer(LkPr, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True))


def dump_yaml(document: dict) -> str:
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096,
                     default_flow_style=False)


@cache
def _key(value: str) -> str:
    """A mapping key exactly as PyYAML writes it (quoted where YAML needs it)."""
    return dump_yaml({value: 0})[:-4]


@cache
def _value(value: str) -> str:
    return dump_yaml({"k": value})[3:-1]


def dump_table(document: dict) -> str:
    """`dump_yaml` of a table document, assembled line by line: the same text, many times faster.

    PyYAML's representer walks ~40,000 nodes per large table; here PyYAML only quotes each distinct
    string once. A test holds the two byte-identical.
    """
    head = {k: v for k, v in document.items() if k != "wilayah"}
    lines = [dump_yaml(head), "wilayah:\n"]
    for kode, region in document["wilayah"].items():
        lines.append(f"  {_key(kode)}:\n    nama: {_value(region['nama'])}\n"
                     f"    tingkat: {_value(region['tingkat'])}\n    data:\n")
        lines.extend(f"      {_key(label)}: {{lk: {c['lk']}, pr: {c['pr']}, jml: {c['jml']}}}\n"
                     for label, c in region["data"].items())
    return "".join(lines)


def region_levels(aggregation: Aggregation, desa_counts: np.ndarray) -> list[tuple[str, str, str, np.ndarray]]:
    """(kode, NAMA, tingkat, counts[sex, category]) of every region, root and each level down to the desa,
    by code. Every level above the desa is a sum of its desa."""
    wilayah = aggregation.wilayah
    counted = [(wilayah.root, desa_counts.sum(axis=0))]
    for level, regions in enumerate(wilayah.middle):
        sums, _ = roll_up(desa_counts, wilayah.ancestor_index(level), len(regions))
        counted += zip(regions, sums)
    counted += zip(wilayah.desa, desa_counts)
    levels = [(r.kode, r.nama.upper(), r.tingkat, counts) for r, counts in counted]
    levels.sort(key=lambda level: level[0])
    return levels


def _header(name: str, judul: str, aggregation: Aggregation) -> dict:
    return {"indikator": name, "judul": judul, "periode": str(aggregation.periode),
            "tanggal_data": aggregation.periode.tanggal.isoformat()}


def table_documents(aggregation: Aggregation) -> dict[str, dict]:
    """One document per table: `{name: document}` in book order."""
    documents = {}
    for spec in aggregation.specs:
        wilayah = {}
        for kode, nama, tingkat, counts in region_levels(aggregation, aggregation.counts[spec.name]):
            data = {label: LkPr(lk=int(counts[0, i]), pr=int(counts[1, i]), jml=int(counts[0, i] + counts[1, i]))
                    for i, (_, label) in enumerate(spec.kategori)}
            wilayah[kode] = {"nama": nama, "tingkat": tingkat, "data": data}
        document = _header(spec.name, spec.judul, aggregation)
        document["populasi"] = spec.populasi
        document["kategori"] = [{"kode": kode, "label": label} for kode, label in spec.kategori]
        missing = getattr(aggregation, "unavailable", {}).get(spec.name)
        if missing:   # a DKB sheet without these desa rows: they are absent, the book says tidak tersedia
            document["tidak_tersedia"] = list(missing)
            wilayah = {kode: region for kode, region in wilayah.items() if kode not in set(missing)}
        document["wilayah"] = wilayah
        documents[spec.name] = document
    return documents


def _cells(tables: dict[str, dict], name: str, kode: str) -> dict | None:
    """A region's cells of a table, or None when the source carries no such table (or not this region)."""
    region = tables.get(name, {}).get("wilayah", {}).get(kode)
    return region["data"] if region else None


def _cell(tables: dict[str, dict], name: str, kode: str, label: str) -> int | None:
    cells = _cells(tables, name, kode)
    return cells[label]["jml"] if cells else None


def _ratio(numerator: float, denominator: float, scale: float = 100.0) -> float | None:
    return round(numerator / denominator * scale, 2) if denominator else None


def indikator_document(aggregation: Aggregation, tables: dict[str, dict], luas_sumber: str) -> dict:
    """Per region: luas, kepadatan, rasio jenis kelamin, rasio ketergantungan, anggota per KK, % wajib KTP."""
    luas = {r.kode: r.luas_km2 for r in aggregation.wilayah.all_regions()}
    wilayah = {}
    for kode, region in tables["penduduk"]["wilayah"].items():
        total = region["data"]["PENDUDUK"]
        umur = _cells(tables, "struktur_umur", kode)
        muda, produktif, tua = (umur[band]["jml"] if umur else None for band in ("0-14", "15-64", "65+"))
        kk = _cell(tables, "kartu_keluarga", kode, "KEPALA KELUARGA")
        wajib = _cell(tables, "wajib_ktp", kode, "WAJIB KTP-EL")
        area = luas.get(kode)
        wilayah[kode] = {
            "nama": region["nama"], "tingkat": region["tingkat"],
            "data": {
                "penduduk": total["jml"], "lk": total["lk"], "pr": total["pr"], "kk": kk,
                "luas_km2": area,
                "kepadatan": _ratio(total["jml"], area, 1.0) if area else None,
                "rasio_jenis_kelamin": _ratio(total["lk"], total["pr"]),
                "rasio_ketergantungan": _ratio(muda + tua, produktif) if umur else None,
                "rasio_ketergantungan_muda": _ratio(muda, produktif) if umur else None,
                "rasio_ketergantungan_tua": _ratio(tua, produktif) if umur else None,
                "rata_rata_anggota_kk": _ratio(total["jml"], kk, 1.0) if kk is not None else None,
                "persen_wajib_ktp": _ratio(wajib, total["jml"]) if wajib is not None else None,
            },
        }
    document = _header("indikator", "Indikator Kependudukan", aggregation)
    document["luas_sumber"] = luas_sumber
    document["wilayah"] = wilayah
    return document


@dataclass(frozen=True)
class PreviousEdition:
    """What the comparison needs of the previous semester's edition."""

    periode: str
    digest: str
    tables: dict[str, dict]


def read_previous(edition_dir: Path) -> PreviousEdition | None:
    """The compared tables of an earlier edition and its digest as the edition stands now (every file,
    analisa.md too), or None if it is not there. An edition breaking the folder rule is an EditionError.
    An edition from a DKB workbook may lack some compared tables (wajib_ktp); penduduk is required."""
    edition_dir = Path(edition_dir)
    if not os.path.lexists(edition_dir):
        return None
    names = edition_entries(edition_dir)
    present = [name for name, _ in COMPARED if f"{name}.yml" in names]
    if "penduduk" not in present:
        return None
    digest = edition_digest(edition_dir)
    documents = {name: yamlcepat.load(read_entry(edition_dir, f"{name}.yml").decode("utf-8"))
                 for name in present}
    return PreviousEdition(edition_dir.name, digest, documents)


def perubahan(before: int | None, now: int) -> dict:
    """One count's change from the previous semester: {sebelumnya, sekarang, selisih, persen (of `before`, 2
    decimals)}; selisih and persen None when there is no `before` (a new region)."""
    return {"sebelumnya": before, "sekarang": now, "selisih": None if before is None else now - before,
            "persen": None if before is None else _ratio(now - before, before)}


def perbandingan_document(aggregation: Aggregation, tables: dict[str, dict], previous: PreviousEdition) -> dict:
    """Change from the previous semester (absolute and %) of penduduk, KK and wajib KTP per region."""
    wilayah = {}
    for kode, region in tables["penduduk"]["wilayah"].items():
        data = {}
        for name, label in COMPARED:
            now = _cell(tables, name, kode, label)
            if now is None or name not in previous.tables:
                continue   # a table one of the two editions does not carry
            before_region = previous.tables[name].get("wilayah", {}).get(kode)
            data[name] = perubahan(before_region["data"][label]["jml"] if before_region else None, now)
        wilayah[kode] = {"nama": region["nama"], "tingkat": region["tingkat"], "data": data}
    document = _header("perbandingan", "Perbandingan dengan Semester Sebelumnya", aggregation)
    document["periode_sebelumnya"] = previous.periode
    document["digest_sebelumnya"] = previous.digest   # shows when the earlier edition changed afterwards
    document["wilayah"] = wilayah
    return document


def root_key(kode: str) -> str:
    """The manifest key naming the edition's root region: `provinsi` for "63", `kabupaten` for "63.05"
    (a kota too: the level, not the kind)."""
    return "provinsi" if code_depth(kode) == 1 else "kabupaten"


def manifest_document(aggregation: Aggregation, kode: str, nama: str) -> dict:
    """Where the edition came from and what validation found: counts only, never a register value."""
    register, report = aggregation.register, aggregation.report
    source = {"nama_berkas": register.path.name, "sha256": register.sha256, "format": register.format,
              "ukuran_byte": register.size}
    if register.is_folder:   # a folder of partitions: sha256 of their sha256sum listing, total size
        source["jumlah_berkas"] = len(register.parts)
    if register.format == "csv":
        if register.encoding:    # partitions in different encodings have none in common
            source["pengodean"] = register.encoding
        source["pemisah"] = {",": "koma", ";": "titik koma", "|": "garis tegak", "\t": "tab"}[register.delimiter]
    return {
        "indikator": "manifest",
        "periode": str(aggregation.periode),
        "tanggal_data": aggregation.periode.tanggal.isoformat(),
        root_key(kode): {"kode": kode, "nama": nama.upper()},
        "sumber": source,
        "kolom": list(register.columns),
        "baris": {"dibaca": report.rows_read, "valid": report.kept, "dikecualikan": report.excluded_total},
        "dikecualikan": report.excluded_counts(),
        "peringatan": report.warning_counts(register.columns),
        "tabel": [spec.name for spec in aggregation.specs],
        "versi_alat": __version__,
    }


def edition_files(aggregation: Aggregation, config, previous: PreviousEdition | None) -> dict[str, str]:
    """Every file the aggregation step owns in the edition, as `{file name: text}`."""
    tables = table_documents(aggregation)
    files = {f"{name}.yml": dump_table(document) for name, document in tables.items()}
    files["indikator.yml"] = dump_yaml(indikator_document(aggregation, tables, config.luas_sumber))
    if previous is not None:
        files["perbandingan.yml"] = dump_yaml(perbandingan_document(aggregation, tables, previous))
    own_manifest = getattr(aggregation, "manifest_document", None)   # a DKB workbook describes itself
    files["manifest.yml"] = dump_yaml(own_manifest(config.kode, config.nama, root_key(config.kode)) if own_manifest
                                      else manifest_document(aggregation, config.kode, config.nama))
    return files


def write_edition(edition_dir: Path, files: dict[str, str]) -> None:
    """Replace the edition folder by one holding `files`, keeping the files this step does not own
    (e.g. the Kasi's `analisa.md`). The folder is swapped only when everything was written; an old edition
    that breaks the edition rule (agregat.core.digest.edition_entries: a symlink, a folder, an unsafe name) is
    refused, never copied on."""
    edition_dir = Path(edition_dir)
    parent = edition_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    recover_interrupted(parent, only=(edition_dir.name,))
    kept = ([name for name in edition_entries(edition_dir) if name not in OWNED_FILES and name not in files]
            if os.path.lexists(edition_dir) else [])
    staging = Path(tempfile.mkdtemp(prefix=f".{edition_dir.name}{STAGING}", dir=parent))
    try:
        for name, text in files.items():
            with open(staging / name, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        for name in kept:
            shutil.copy2(edition_dir / name, staging / name, follow_symlinks=False)
        os.chmod(staging, 0o755)
        swap_folder(staging, edition_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
