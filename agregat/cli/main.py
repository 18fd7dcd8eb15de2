"""The command line (`python build.py …`): parses options, calls the package, prints Indonesian messages.

Heavy libraries are imported inside the commands so that `--help` answers at once.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path

from agregat.cli import pengesahan as cli_pengesahan
from agregat.cli import sumber as cli_sumber
from agregat.cli.opsi import HelpFormatter, add_option, without_hidden
from agregat.core.config import DEFAULT_CONFIG, PROJECT_ROOT
from agregat.core.errors import EXIT_INTERNAL, EXIT_OK, AgregatError, DataError, UsageError
from agregat.core.angka import bilangan
from agregat.core.kemajuan import KemajuanCetak
from agregat.core.paths import Paths, shown

PROGRESS_MIN_BYTES = 5 << 20


def default_paths() -> Paths:
    """This checkout's folders (agregat.core.paths), built when a command starts and passed down from there
    (a test gives `main(argv, paths=…)` its own)."""
    return Paths.of_project(PROJECT_ROOT)


# argparse's own words, in Indonesian (argparse looks `_` up in its module at call time).
_ARGPARSE_WORDS = {
    "usage: ": "pemakaian: ",
    "positional arguments": "perintah",
    "options": "opsi",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "the following arguments are required: %s": "opsi wajib belum diisi: %s",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "pilihan %(value)r tidak dikenal (pilih salah satu: %(choices)s)",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "expected one argument": "perlu satu nilai",
    "invalid %(type)s value: %(value)r": "nilai %(value)r tidak sah",
    "ambiguous option: %(option)s could match %(matches)s": "opsi %(option)s tidak jelas: bisa %(matches)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "perintah %(parser_name)r tidak dikenal (pilihan: %(choices)s)",
}


class _Parser(argparse.ArgumentParser):
    """argparse with Indonesian error lines; options listed by their visible names (agregat.cli.opsi)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # noqa: D401 - argparse API
        self.print_usage(sys.stderr)
        self.exit(2, f"Kesalahan: {without_hidden(message)}. Lihat '{self.prog} --help'.\n")


def build_parser(paths: Paths | None = None) -> argparse.ArgumentParser:
    paths = paths or default_paths()
    argparse._ = lambda text: _ARGPARSE_WORDS.get(text, text)
    parser = _Parser(
        prog="python build.py",
        description="Buku Data Agregat Kependudukan: dari ekstrak register SIAK ke tabel agregat (YAML), "
                    "lalu situs web dan PDF buku. Tanpa perintah: membangun buku demo (register demo → "
                    "data/2024-S2 dan data/2025-S1 → site/ dan PDF draf).",
    )
    parser.add_argument("--debug", action="store_true", help="tampilkan jejak lengkap bila terjadi kesalahan")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, metavar="BERKAS",
                        help="berkas konfigurasi kabupaten (bawaan: kabupaten.yml)")
    commands = parser.add_subparsers(dest="command", metavar="PERINTAH", parser_class=_Parser)

    def common_options(command: argparse.ArgumentParser) -> None:
        # also accepted after the command; given there, it wins
        command.add_argument("--config", type=Path, default=argparse.SUPPRESS, metavar="BERKAS",
                             help="berkas konfigurasi kabupaten (bawaan: kabupaten.yml)")
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                             help="tampilkan jejak lengkap bila terjadi kesalahan")

    def register_options(command: argparse.ArgumentParser) -> None:
        common_options(command)
        command.add_argument("--input", required=True, type=Path, metavar="BERKAS",
                             help="ekstrak register (CSV, XLSX atau Parquet), atau folder berisi partisi CSV "
                                  "atau Parquet (dibaca sebagai satu register, berkas diurutkan menurut nama)")
        command.add_argument("--period", required=True, metavar="PERIODE", help="periode, mis. 2025-S1 (per 30 Juni) atau 2025-S2")
        command.add_argument("--strict", action="store_true", help="gagal bila ada satu saja baris yang dikecualikan")
        command.add_argument("--report-dir", type=Path, default=paths.report, metavar="FOLDER",
                             help="folder laporan validasi per baris (internal, tidak masuk git; bawaan: laporan)")
        command.add_argument("--engine", choices=("memori", "stream", "dask"), default="stream",
                             help="mesin agregasi: memori (register kecil sekaligus), stream (per potongan, "
                                  "memori terbatas; bawaan) atau dask (partisi di klaster Dask); hasilnya sama")
        command.add_argument("--scheduler", metavar="ALAMAT",
                             help="dengan --engine dask: alamat penjadwal klaster yang sudah berjalan, "
                                  "mis. tcp://10.0.0.5:8786 (bawaan: klaster lokal baru)")
        cli_sumber.format_option(command)
        command.add_argument("--workers", type=int, metavar="N",
                             help="dengan --engine dask tanpa --scheduler: jumlah worker klaster lokal "
                                  "(bawaan: jumlah inti CPU)")

    aggregate = commands.add_parser("aggregate", help="validasi dan agregasi satu ekstrak register",
                                    description="Validasi lalu agregasi satu ekstrak register menjadi data/<periode>/.")
    register_options(aggregate)
    aggregate.add_argument("--data-dir", type=Path, default=paths.data, metavar="FOLDER", help="folder edisi (bawaan: data)")

    validate = commands.add_parser("validate", help="hanya laporan validasi, tanpa menulis data",
                                   description="Periksa satu ekstrak register dan tulis laporan validasinya saja.")
    register_options(validate)

    digest = commands.add_parser("digest", help="cetak digest edisi data/<periode>/",
                                 description="Cetak sha256 edisi (yang ditandatangani pada persetujuan).")
    common_options(digest)
    digest.add_argument("--period", required=True, metavar="PERIODE", help="periode, mis. 2025-S1")
    digest.add_argument("--data-dir", type=Path, default=paths.data, metavar="FOLDER", help="folder edisi (bawaan: data)")

    demo = commands.add_parser("demo", help="bangun edisi demo (register sintetis → data/)",
                               description="Buat register demo sintetis Kabupaten Tapin (dua semester) "
                                           "lalu agregasikan keduanya.")
    common_options(demo)
    demo.add_argument("--data-dir", type=Path, default=paths.data, metavar="FOLDER", help="folder edisi (bawaan: data)")
    demo.add_argument("--no-pdf", action="store_true", help="tanpa PDF (lebih cepat)")
    demo.add_argument("--dkb", action="store_true", help="tulis juga buku kerja DKB demo tiap edisi ke "
                                                         "data/raw/demo-dkb-<periode>.xlsx (tata letak DKB asli)")

    build = commands.add_parser("build", help="bangun situs web dan PDF buku dari data/",
                                description="Bangun situs web (site/) dan PDF buku dari edisi di data/. "
                                            "Tidak ada yang dibangun ulang bila masukannya tidak berubah.")
    common_options(build)
    build.add_argument("--period", metavar="PERIODE", help="PDF hanya untuk edisi ini (bawaan: semua edisi)")
    build.add_argument("--final", action="store_true", help="PDF final, tanpa tanda DRAF")
    build.add_argument("--no-pdf", action="store_true", help="hanya situs web, tanpa PDF")
    add_option(build, "--paper", choices=("A4", "F4"), default="A4", help="ukuran kertas PDF (bawaan: A4)")
    build.add_argument("--data-dir", type=Path, default=paths.data, metavar="FOLDER", help="folder edisi (bawaan: data)")

    serve = commands.add_parser("serve", help="pratinjau situs di peramban, diperbarui saat berkas berubah",
                                description="Pratinjau langsung situs buku di http://127.0.0.1:8000 (tanpa PDF).")
    common_options(serve)
    add_option(serve, "--address", default="127.0.0.1:8000", metavar="HOST:PORT", help="alamat server pratinjau")
    serve.add_argument("--data-dir", type=Path, default=paths.data, metavar="FOLDER", help="folder edisi (bawaan: data)")

    diff = commands.add_parser("diff", help="perubahan angka edisi dibanding sebuah ref git (Markdown, untuk PR)",
                               description="Bandingkan edisi data/<periode>/ pada sebuah ref git (mis. origin/main) "
                                           "dengan folder kerja atau ref lain: sel tabel yang berubah (terbesar "
                                           "dulu), indikator utama, dan analisa.md, sebagai Markdown untuk "
                                           "tinjauan pull request.")
    common_options(diff)
    diff.add_argument("--period", required=True, metavar="PERIODE", help="periode, mis. 2025-S1")
    diff.add_argument("--base", required=True, metavar="REF", help="ref git pembanding, mis. origin/main")
    diff.add_argument("--head", metavar="REF", help="ref git yang dibandingkan (bawaan: folder kerja)")
    diff.add_argument("--output", type=Path, metavar="BERKAS", help="tulis Markdown ke berkas ini (bawaan: layar)")
    add_option(diff, "--limit", type=int, default=50, metavar="N", help="paling banyak N sel per tabel (bawaan: 50)")
    add_option(diff, "--max-chars", type=int, metavar="N",
                     help="potong bagian yang tidak muat dalam N karakter (mis. 60000 untuk komentar PR)")
    diff.add_argument("--data-dir", type=Path, default=paths.data, metavar="FOLDER", help="folder edisi (bawaan: data)")
    cli_pengesahan.approval_commands(commands, common_options, paths)
    cli_pengesahan.officials_commands(commands, common_options)
    cli_sumber.init_command(commands)
    return parser


def main(argv: list[str] | None = None, paths: Paths | None = None) -> int:
    """Run one command; `paths` (default: this checkout's folders) gives every default folder."""
    paths = paths or default_paths()
    parser = build_parser(paths)
    args = parser.parse_args(argv)
    command = args.command or "demo"
    if args.command is None:
        args.data_dir = paths.data
        args.no_pdf = False
    try:
        check_folder_options(args)
        handler = {"aggregate": cmd_aggregate, "validate": cmd_validate, "digest": cmd_digest, "demo": cmd_demo,
                   "build": cmd_build, "serve": cmd_serve, "diff": cmd_diff,
                   "verify": cli_pengesahan.cmd_verify, "status": cli_pengesahan.cmd_status,
                   "approve": cli_pengesahan.cmd_approve, "register": cli_pengesahan.cmd_register,
                   "tte": cli_pengesahan.cmd_tte, "officials": cli_pengesahan.cmd_officials,
                   "init": lambda args, paths: cli_sumber.cmd_init(args)}
        return handler[command](args, paths)
    except AgregatError as exc:
        if args.debug:
            sys.stderr.write(debug_trace(exc))
        print(f"Kesalahan: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:   # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("Dibatalkan. Edisi di data/ diganti hanya bila semua langkah berhasil.", file=sys.stderr)
        return 130
    except Exception as exc:  # the last net: one line, never a register value
        if args.debug:
            sys.stderr.write(debug_trace(exc))
        print(f"Kesalahan internal ({type(exc).__name__}). Edisi di data/ diganti hanya bila semua langkah "
              "berhasil. Jalankan lagi dengan --debug dan laporkan jejaknya ke pengembang.", file=sys.stderr)
        return EXIT_INTERNAL


FOLDER_OPTIONS = {"data_dir": "--data-dir", "report_dir": "--report-dir", "approvals_dir": "--approvals-dir"}


def check_folder_options(args) -> None:
    """UsageError for a folder option (--data-dir, --report-dir, --approvals-dir) that names a file, or lies
    under one, or a link that leads nowhere: checked before any command reads or writes anything."""
    for attribute, option in FOLDER_OPTIONS.items():
        value = getattr(args, attribute, None)
        if value is not None:
            usable_folder(Path(value), option)


def usable_folder(path: Path, option: str) -> None:
    """UsageError unless `path` is a folder or can be made one (its nearest existing ancestor is a folder)."""
    import errno
    import stat

    for candidate in (path, *path.absolute().parents):
        try:
            mode = candidate.stat().st_mode
        except FileNotFoundError:
            if candidate.is_symlink():
                raise UsageError(f"{option} {shown(path)}: {shown(candidate)} adalah tautan simbolik yang "
                                 "tujuannya tidak ada. Berikan folder yang benar.") from None
            continue
        except OSError as exc:
            reason = "berkas, bukan folder" if exc.errno == errno.ENOTDIR else \
                "tautan simbolik yang berputar" if exc.errno == errno.ELOOP else f"tidak dapat diperiksa ({exc.strerror})"
            raise UsageError(f"{option} {shown(path)}: salah satu foldernya {reason}. Berikan folder yang benar "
                             "(atau jalur yang belum ada, agar dibuat).") from None
        if not stat.S_ISDIR(mode):
            where = "" if candidate == path else f": {shown(candidate)}"
            raise UsageError(f"{option} {shown(path)}{where} adalah berkas, bukan folder. Berikan folder (atau "
                             "jalur yang belum ada, agar dibuat); tidak ada yang ditulis.")
        return


def debug_trace(exc: BaseException) -> str:
    """The traceback --debug prints: every frame of the exception and of its causes, but the message of
    an exception only when it is ours (AgregatError messages never quote a register value; a library's
    may, e.g. `invalid literal for int() with base 10: '6305…'`)."""
    chain: list[BaseException] = []
    while exc is not None and all(exc is not seen for seen in chain):
        chain.append(exc)
        exc = exc.__cause__ if exc.__cause__ is not None else None if exc.__suppress_context__ else exc.__context__
    parts = []
    for error in reversed(chain):
        if parts:
            parts.append("\nPengecualian di atas memicu pengecualian berikut:\n\n")
        name = f"{type(error).__module__}.{type(error).__qualname__}"
        message = str(error) if isinstance(error, AgregatError) else "(pesan disembunyikan: bisa memuat isi register)"
        parts.append("Traceback (most recent call last):\n" + "".join(traceback.format_tb(error.__traceback__))
                     + f"{name}: {message}\n")
    return "".join(parts)


# ---- commands -------------------------------------------------------------------------------------

def cmd_aggregate(args, paths: Paths) -> int:
    from agregat.edisi import jobs

    if cli_sumber.is_dkb(args):
        return cli_sumber.cmd_dkb(args, write=True)
    engine = _engine(args)
    with _progress_bar(args.input, engine) as progress:
        result = jobs.aggregate(args.input, args.period, args.config, args.data_dir, strict=args.strict,
                                progress=progress, report_dir=args.report_dir, engine=engine)
    print(_summary(result.aggregation))
    print(f"Laporan per baris: {shown(result.report_path)}")
    print(f"Edisi {result.aggregation.periode} ditulis ke {shown(result.edition_dir)} "
          f"({len(result.files)} berkas). Digest: {result.digest}")
    return EXIT_OK


def cmd_validate(args, paths: Paths) -> int:
    from agregat.edisi import jobs

    if cli_sumber.is_dkb(args):
        return cli_sumber.cmd_dkb(args, write=False)
    engine = _engine(args)
    with _progress_bar(args.input, engine) as progress:
        aggregation = jobs.validate(args.input, args.period, args.config, progress=progress, engine=engine)
    report_path = jobs.write_report(aggregation, args.report_dir)
    print(_summary(aggregation))
    print(f"Laporan per baris: {shown(report_path)}")
    if args.strict and aggregation.report.excluded_total:
        raise DataError(f"Mode --strict: {bilangan(aggregation.report.excluded_total)} baris dikecualikan. "
                        f"Perbaiki baris yang tercantum di {shown(report_path)}.")
    return EXIT_OK


def cmd_digest(args, paths: Paths) -> int:
    from agregat.edisi import jobs

    print(jobs.digest(args.period, args.data_dir))
    return EXIT_OK


def cmd_demo(args, paths: Paths) -> int:
    from agregat.edisi import jobs

    kemajuan = KemajuanCetak()
    for result in jobs.build_demo(args.config, args.data_dir, report_dir=paths.report, kemajuan=kemajuan):
        if result is None:
            continue
        print(_summary(result.aggregation))
        print(f"Edisi {result.aggregation.periode} ditulis ke {shown(result.edition_dir)} "
              f"({len(result.files)} berkas). Digest: {result.digest}")
        if result.analisa_written:
            print(f"Draf Bab VII Analisa ditulis ke {shown(result.edition_dir / 'analisa.md')} "
                  "(untuk disunting Kasi; tidak akan ditimpa).")
        print()
    if getattr(args, "dkb", False):
        from agregat.sumber.demo import DEMO_PERIODS
        from agregat.sumber.demo_dkb import write_demo_workbooks

        for period, path in write_demo_workbooks(args.data_dir, args.config, DEMO_PERIODS).items():
            print(f"Buku kerja DKB demo {period} ditulis ke {shown(path)} (coba: python build.py aggregate "
                  f"--input {shown(path)} --period {period} --data-dir FOLDER_LAIN).")
    return _build(args.data_dir, paths, final=False, pdf=not args.no_pdf, kemajuan=kemajuan)


def cmd_build(args, paths: Paths) -> int:
    from agregat.core.periode import Periode

    periods = [str(Periode.parse(args.period))] if args.period else None
    pengesahan = None
    if args.final:
        from agregat.pengesahan.langkah import final_gate

        if not args.period or args.no_pdf:
            raise UsageError("--final perlu --period PERIODE (satu edisi yang sudah disahkan) dan tidak bisa "
                             "bersama --no-pdf.")
        root, data_dir, config, periode = cli_pengesahan.chain_context(args)
        pengesahan = {periode: final_gate(root, data_dir, periode, config)}
    return _build(args.data_dir, paths, final=False, pdf=not args.no_pdf, ukuran=args.ukuran, periods=periods,
                  pengesahan=pengesahan, config_path=args.config)


def _build(data_dir: Path, paths: Paths, final: bool, pdf: bool, ukuran: str = "A4", periods=None, pengesahan=None,
           config_path: Path = DEFAULT_CONFIG, kemajuan=None) -> int:
    """Build the site and PDFs, each step told on stderr as it starts and ends (agregat.core.kemajuan)."""
    from agregat.buku.build import build_book
    from agregat.pengesahan.langkah import terbitan

    terbit = terbitan(data_dir, config_path)     # every chain verified once: final PDFs and each edition's state
    final_pdf = terbit.final_pdf
    for warning in terbit.peringatan:
        print(f"Peringatan: {warning}", file=sys.stderr)
    pengesahan = {**{p: made.pengesahan for p, made in final_pdf.items()}, **(pengesahan or {})}
    result = build_book(data_dir=data_dir, site_dir=paths.site, final=final, pdf=pdf, ukuran=ukuran,
                        periods=periods, pengesahan=pengesahan, final_pdf=final_pdf, status=terbit.status,
                        kemajuan=kemajuan or KemajuanCetak())
    for periode in result.analisa_written:
        print(f"Draf Bab VII Analisa ditulis ke {shown(Path(data_dir) / periode / 'analisa.md')} "
              "(untuk disunting Kasi; tidak akan ditimpa).")
    if result.skipped:
        print(f"Situs dan PDF sudah mutakhir (masukan tidak berubah): {shown(result.site_dir)}")
    else:
        print(f"Situs ditulis ke {shown(result.site_dir)}; buka {shown(result.site_dir / 'index.html')}.")
    for periode, path in result.pdfs.items():
        print(f"PDF {'final' if final or periode in pengesahan else 'draf'} {periode}: {shown(path)}")
    return EXIT_OK


def cmd_serve(args, paths: Paths) -> int:
    import signal

    from agregat.buku.pratinjau import serve

    def siap(url: str) -> None:
        print(f"Pratinjau di {url} (Ctrl+C untuk berhenti). PDF tidak dibuat di pratinjau: `python build.py "
              "build` membuatnya.", flush=True)

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)   # `kill` stops it as Ctrl-C does: server closed, temp gone
    try:
        serve(PROJECT_ROOT, args.data_dir, args.alamat, siap, kemajuan=KemajuanCetak())
    except KeyboardInterrupt:
        print("Pratinjau dihentikan.", file=sys.stderr)
    finally:
        signal.signal(signal.SIGTERM, previous)
    return EXIT_OK


def cmd_diff(args, paths: Paths) -> int:
    from agregat.edisi.selisih import diff_edition

    markdown = diff_edition(args.data_dir, args.period, args.base, args.head, limit=args.batas,
                            max_chars=args.maks_karakter)
    if args.output is None:
        sys.stdout.write(markdown)
        return EXIT_OK
    from agregat.core.atomik import write_atomic

    write_atomic(args.output, markdown)
    print(f"Perbedaan edisi {args.period} ditulis ke {shown(args.output)}.")
    return EXIT_OK


# ---- presentation ---------------------------------------------------------------------------------

def _summary(aggregation) -> str:
    from agregat.core.masalah import PROBLEMS, UNKNOWN_CODE

    report = aggregation.report
    lines = [f"Register {aggregation.register.display_name} ({aggregation.periode}, per "
             f"{aggregation.periode.tanggal:%d-%m-%Y}): {bilangan(report.rows_read)} baris dibaca, "
             f"{bilangan(report.kept)} valid, {bilangan(report.excluded_total)} dikecualikan."]
    for code, count in report.excluded_counts().items():
        if count:
            rows = ", ".join(map(str, report.first_rows(code)))
            lines.append(f"  dikecualikan - {PROBLEMS[code].message}: {bilangan(count)} (baris {rows}{', …' if count > 5 else ''})")
    for column, count in sorted(report.unknown_codes.items()):
        if count:
            lines.append(f"  peringatan - {column}: {PROBLEMS[UNKNOWN_CODE].message}: {bilangan(count)}")
    for code, count in sorted(report.warnings.items()):
        if count:
            lines.append(f"  peringatan - {PROBLEMS[code].message}: {bilangan(count)}")
    return "\n".join(lines)


def _engine(args):
    from agregat.sumber.pipeline import Engine

    return Engine(args.engine, scheduler=args.scheduler, workers=args.workers)


@contextmanager
def _progress_bar(path: Path, engine=None):
    """A tqdm bar on stderr for long inputs on a terminal (yields its update function, or None).
    The Dask engine counts on the workers: no bar."""
    try:
        path = Path(path)
        files = [p for p in path.iterdir() if p.is_file()] if path.is_dir() else [path]
        size = sum(p.stat().st_size for p in files)
    except OSError:
        size = 0
    if size < PROGRESS_MIN_BYTES or not sys.stderr.isatty() or (engine is not None and engine.name == "dask"):
        yield None
        return
    from tqdm import tqdm

    with tqdm(unit=" baris", unit_scale=True, desc="Membaca register", leave=False, file=sys.stderr) as bar:
        yield bar.update
