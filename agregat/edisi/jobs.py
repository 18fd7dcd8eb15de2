"""The jobs the command line runs, composed from the stages: each one checks everything, then writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agregat.core.angka import bilangan
from agregat.core.atomik import recover_interrupted, write_atomic
from agregat.core.config import load_config
from agregat.core.digest import edition_digest, edition_entries
from agregat.core.errors import DataError, InputError, UsageError
from agregat.core.kemajuan import DIAM, Kemajuan
from agregat.edisi.output import edition_files, read_previous, write_edition
from agregat.core.periode import Periode
from agregat.sumber.pipeline import Aggregation, Engine, ProgressCallback, aggregate_register


@dataclass
class EditionResult:
    aggregation: Aggregation
    edition_dir: Path
    files: dict[str, str]
    digest: str
    report_path: Path | None
    analisa_written: bool = False


def count_register(path: Path, periode: Periode, config, progress: ProgressCallback | None,
                   engine: Engine) -> Aggregation:
    """The counts of a register by the chosen engine: `dask` on a cluster, `memori`/`stream` here."""
    if engine.name == "dask":
        from agregat.sumber.engine_dask import aggregate_on_dask

        return aggregate_on_dask(path, periode, config, engine)
    return aggregate_register(path, periode, config, progress, engine)


def validate(input_path: Path, period: str, config_path: Path,
             progress: ProgressCallback | None = None, engine: Engine = Engine()) -> Aggregation:
    """Read and check a register (a file or a folder of partitions); write nothing."""
    periode = Periode.parse(period)
    config = load_config(config_path)
    return count_register(Path(input_path), periode, config, progress, engine)


def aggregate(input_path: Path, period: str, config_path: Path, data_dir: Path, strict: bool = False,
              progress: ProgressCallback | None = None, report_dir: Path | None = None,
              engine: Engine = Engine()) -> EditionResult:
    """Validate and aggregate one register into `data_dir/<period>/` with the chosen engine (the files are
    the same whichever engine runs); nothing is written on failure."""
    periode = Periode.parse(period)
    config = load_config(config_path)
    data_dir = Path(data_dir)
    edition_dir = data_dir / str(periode)
    recover_interrupted(data_dir, only=(str(periode), str(periode.sebelumnya)))
    if edition_dir.exists() or edition_dir.is_symlink():
        edition_entries(edition_dir)   # an old edition breaking the folder rule: refused before any work
    aggregation = count_register(Path(input_path), periode, config, progress, engine)
    report = aggregation.report
    name = aggregation.register.display_name
    if report.kept == 0:
        raise DataError(f"Berkas {name} tidak berisi satu pun baris yang valid ({report.rows_read} baris dibaca). "
                        "Periksa periode, kabupaten di kabupaten.yml, dan isi ekstrak; "
                        "'python build.py validate' menulis laporan per baris.")
    if strict and report.excluded_total:
        raise DataError(f"Mode --strict: {report.excluded_total} baris di {name} dikecualikan, jadi edisi tidak "
                        "ditulis. Jalankan 'python build.py validate' untuk daftar barisnya, perbaiki, lalu ulangi.")
    previous = read_previous(data_dir / str(periode.sebelumnya))
    files = edition_files(aggregation, config, previous)
    report_path = write_report(aggregation, report_dir) if report_dir is not None else None
    write_edition(edition_dir, files)   # last: the edition changes only when everything else succeeded
    return EditionResult(aggregation, edition_dir, files, edition_digest(edition_dir), report_path)


def validate_dkb(input_path: Path, period: str, config_path: Path):
    """Read and check a DKB aggregate workbook; write nothing."""
    from agregat.sumber.dkb import read_dkb

    return read_dkb(Path(input_path), Periode.parse(period), load_config(config_path))


def aggregate_dkb(input_path: Path, period: str, config_path: Path, data_dir: Path,
                  report_dir: Path | None = None) -> EditionResult:
    """A DKB aggregate workbook into `data_dir/<period>/`: the same edition files and writer as a register;
    nothing is written on failure."""
    from agregat.sumber.dkb import read_dkb

    periode = Periode.parse(period)
    config = load_config(config_path)
    aggregation = read_dkb(Path(input_path), periode, config)
    data_dir = Path(data_dir)
    files = edition_files(aggregation, config, read_previous(data_dir / str(periode.sebelumnya)))
    edition_dir = data_dir / str(periode)
    report_path = write_report(aggregation, report_dir) if report_dir is not None else None
    write_edition(edition_dir, files)
    return EditionResult(aggregation, edition_dir, files, edition_digest(edition_dir), report_path)


def write_report(aggregation: Aggregation, report_dir: Path) -> Path:
    """The row-level validation report (internal: row numbers and columns, no values)."""
    path = Path(report_dir) / str(aggregation.periode) / "validasi.csv"
    write_atomic(path, aggregation.report.to_csv())
    return path


def digest(period: str, data_dir: Path) -> str:
    periode = Periode.parse(period)
    edition_dir = Path(data_dir) / str(periode)
    if not (edition_dir.exists() or edition_dir.is_symlink()):
        raise UsageError(f"Edisi {periode} belum ada di {edition_dir}. Jalankan 'python build.py aggregate' dulu.")
    return edition_digest(edition_dir)


def build_demo(config_path: Path, data_dir: Path, report_dir: Path | None = None,
               force: bool = False, kemajuan: Kemajuan = DIAM) -> list[EditionResult | None]:
    """The embedded demo: synthetic registers for two semesters (made once), aggregated in order when an
    edition is missing or stale (`is_current`). Each edition is completed — its generated Bab VII draft
    `analisa.md` written when it has none — before the next one is aggregated, so the next edition's
    `perbandingan.yml` records the digest of the previous edition as it stands for good: running the demo
    again changes no digest. Returns the results, None for an edition that was already up to date.
    `kemajuan` (agregat.core.kemajuan) hears each step that does work: the registers, each aggregation i/n."""
    from agregat.sumber import demo
    from agregat.edisi.analisa import ensure_analisa

    raw_dir = Path(data_dir) / "raw"
    paths = {p: raw_dir / f"demo-{p}.csv" for p in demo.DEMO_PERIODS}
    generator = Path(demo.__file__)
    if any(not p.is_file() or p.stat().st_mtime < generator.stat().st_mtime for p in paths.values()):
        with kemajuan.langkah("Membuat register demo", "Register demo selesai") as rincian:
            paths = demo.write_demo_registers(raw_dir)
            rincian.append(f"{len(paths)} semester")
    results: list[EditionResult | None] = []
    for number, period in enumerate(demo.DEMO_PERIODS, 1):
        if not paths[period].is_file():
            raise InputError(f"Register demo {paths[period].name} tidak terbentuk di {raw_dir}.")
        if not force and is_current(Path(data_dir) / period, paths[period]):
            results.append(None)
        else:
            with kemajuan.langkah(f"Menghitung agregat {period} ({number}/{len(demo.DEMO_PERIODS)})",
                                  f"Agregat {period} selesai") as rincian:
                results.append(aggregate(paths[period], period, config_path, data_dir, report_dir=report_dir,
                                         progress=kemajuan.penghitung("baris dibaca")))
                rincian.append(f"{bilangan(results[-1].aggregation.report.rows_read)} baris")
        written = bool(ensure_analisa(data_dir, [period]))
        if results[-1] is not None:
            results[-1].analisa_written = written
            results[-1].digest = edition_digest(results[-1].edition_dir)
    return results


def is_current(edition_dir: Path, register: Path) -> bool:
    """Whether an edition was made from this very register by this version of the tool, against the previous
    edition as it stands now (the digest its perbandingan.yml records, or none when there is none)."""
    import yaml

    from agregat import __version__
    from agregat.core.digest import file_sha256

    edition_dir = Path(edition_dir)
    manifest_path = edition_dir / "manifest.yml"
    if not manifest_path.is_file() or manifest_path.is_symlink():
        return False
    manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    if (manifest.get("versi_alat") != __version__
            or manifest.get("sumber", {}).get("sha256") != file_sha256(register)):
        return False
    previous = read_previous(edition_dir.parent / str(Periode.parse(edition_dir.name).sebelumnya))
    comparison = edition_dir / "perbandingan.yml"
    recorded = (yaml.safe_load(comparison.read_text(encoding="utf-8")).get("digest_sebelumnya")
                if comparison.is_file() and not comparison.is_symlink() else None)
    return recorded == (previous.digest if previous is not None else None)
