"""Reading one register extract (CSV, XLSX or Parquet) as a stream of chunks of text columns.

A register is one file, or a folder of CSV or Parquet partitions read as one register: the files sorted by
name, rows numbered on across them as if the partitions were one file with one header row.

Only the columns the book needs are read (`config.KNOWN_COLUMNS`); every other column (NAMA_LGKP, …) is
dropped by the reader itself and never reaches the rest of the pipeline. Every cell arrives as text, so
NIK and NO_KK are never parsed through a number. Each chunk carries the row number a person would see
in a spreadsheet (header = row 1), for the validation report.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa

from agregat.core.config import KNOWN_COLUMNS, REQUIRED_COLUMNS, Config, normalize_header
from agregat.core.digest import file_sha256
from agregat.core.errors import InputError

CSV_DELIMITERS = (",", ";", "|", "\t")
CSV_BLOCK_SIZE = 16 << 20
XLSX_CHUNK_ROWS = 100_000
# Bounds of an XLSX, checked before any of its XML is parsed (`check_xlsx_archive`, `count_shared_strings`).
# A sheet holds at most 1,048,576 rows. Measured on a 200,000-row register (18 columns, every text a shared
# string, as Excel saves it): sheet XML 121 MB (ratio 9.1), sharedStrings.xml 8.9 MB, 283,114 strings (6.7).
XLSX_MAX_MEMBERS = 1_000                 # parts in the zip; Excel writes ~10-30
XLSX_MAX_MEMBER_BYTES = 4 << 30          # one part inflated: a full sheet of ~60 columns is ~2 GB of XML
XLSX_MAX_TOTAL_BYTES = 8 << 30           # all parts inflated
XLSX_MAX_RATIO = 100                     # inflated ÷ compressed size of a part of 1 MiB or more
XLSX_RATIO_FROM = 1 << 20
XLSX_MAX_SHARED_BYTES = 512 << 20        # sharedStrings.xml inflated: ~45 B per row measured, 1 M rows ~50 MB
XLSX_MAX_SHARED_STRINGS = 8 << 20        # 8 distinct texts per row of a full sheet
PARQUET_CHUNK_ROWS = 500_000
_READ_BLOCK = 8 << 20
IDENTITY_COLUMNS = ("NIK", "NO_KK")


@dataclass
class Chunk:
    """A slice of the register: canonical text columns plus each row's number in the file."""

    columns: dict[str, pa.Array]
    rows: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class Register:
    """An opened register extract: what was found in it, and a way to stream its rows."""

    path: Path
    format: str
    sha256: str
    size: int
    columns: tuple[str, ...]          # canonical columns present (required + optional found)
    header: dict[str, str]            # canonical name → the file's own header text
    encoding: str = ""
    delimiter: str = ""
    malformed_rows: list[int] = field(default_factory=list)   # row numbers in this file
    line_count: int = 0               # lines of the file, header included (CSV, Parquet; 0 for XLSX)
    row_offset: int = 0               # added to every row number: the rows of earlier partitions
    _line_numbers: np.ndarray | None = None
    _newline_count: int = 0

    is_folder = False

    @property
    def display_name(self) -> str:
        return self.path.name

    @property
    def parts(self) -> tuple[Register, ...]:
        return (self,)

    def malformed(self) -> np.ndarray:
        """Row numbers of malformed CSV records, as the report numbers them (known after reading)."""
        return np.asarray(self.malformed_rows, dtype=np.int64) + self.row_offset

    def chunks(self) -> Iterator[Chunk]:
        reader = {"csv": self._csv_chunks, "xlsx": self._xlsx_chunks, "parquet": self._parquet_chunks}
        for chunk in reader[self.format]():
            if self.row_offset:
                chunk.rows = chunk.rows + self.row_offset
            yield chunk

    # ---- CSV -------------------------------------------------------------------------------------
    def _csv_chunks(self) -> Iterator[Chunk]:
        import pyarrow.csv as pv

        malformed: list[int] = []
        precise = self._line_numbers is not None

        def on_invalid_row(row) -> str:
            malformed.append(0)
            return "skip"

        if self.line_count <= 1:   # the header alone (pyarrow cannot open one without its newline)
            return
        try:
            reader = pv.open_csv(
                self.path,
                read_options=pv.ReadOptions(encoding=self.encoding, block_size=CSV_BLOCK_SIZE),
                parse_options=pv.ParseOptions(delimiter=self.delimiter, newlines_in_values=precise,
                                              invalid_row_handler=on_invalid_row),
                convert_options=pv.ConvertOptions(
                    include_columns=[self.header[c] for c in self.columns],
                    column_types={self.header[c]: pa.string() for c in self.columns},
                    strings_can_be_null=False, quoted_strings_can_be_null=False),
            )
        except (UnicodeDecodeError, pa.ArrowInvalid) as exc:   # open_csv already reads the first block
            raise _unreadable_csv(self.display_name, exc) from None
        done = 0
        for batch in _read_batches(reader, self.display_name):
            if malformed and not precise:
                raise RescanNeeded(self)
            n = batch.num_rows
            rows = self._line_numbers[done:done + n] if precise else np.arange(done + 2, done + 2 + n)
            done += n
            yield Chunk({c: batch.column(self.header[c]) for c in self.columns}, rows)
        if not precise and (malformed or done + 1 != self._newline_count):
            raise RescanNeeded(self)

    # ---- XLSX ------------------------------------------------------------------------------------
    def _xlsx_chunks(self) -> Iterator[Chunk]:
        workbook = load_xlsx(self.path)
        try:
            sheet = workbook.worksheets[0]
            rows = _xlsx_rows(sheet.iter_rows(values_only=True), self.display_name)
            header = [normalize_header(h) if h is not None else "" for h in next(rows)]
            positions = {c: header.index(normalize_header(self.header[c])) for c in self.columns}
            buffer: dict[str, list] = {c: [] for c in self.columns}
            numbers: list[int] = []
            for number, values in enumerate(rows, start=2):
                if values is None or all(v is None or v == "" for v in values):
                    continue
                for column, position in positions.items():
                    value = values[position] if position < len(values) else None
                    buffer[column].append(_cell_text(value, column))
                numbers.append(number)
                if len(numbers) >= XLSX_CHUNK_ROWS:
                    yield Chunk({c: pa.array(v, pa.string()) for c, v in buffer.items()}, np.array(numbers))
                    buffer = {c: [] for c in self.columns}
                    numbers = []
            if numbers:
                yield Chunk({c: pa.array(v, pa.string()) for c, v in buffer.items()}, np.array(numbers))
        finally:
            workbook.close()

    # ---- Parquet ---------------------------------------------------------------------------------
    def _parquet_chunks(self) -> Iterator[Chunk]:
        import pyarrow.parquet as pq

        done = 0
        parquet = pq.ParquetFile(self.path)
        names = [self.header[c] for c in self.columns]
        for batch in _parquet_batches(parquet.iter_batches(batch_size=PARQUET_CHUNK_ROWS, columns=names),
                                      self.display_name):
            n = batch.num_rows
            try:
                columns = {c: _arrow_text(batch.column(self.header[c])) for c in self.columns}
            except pa.ArrowException:   # e.g. a date out of range: never quote the value
                raise InputError(f"Berkas {self.display_name} tidak dapat dibaca sebagai Parquet (nilai yang "
                                 "tidak dapat dijadikan teks). Ekspor ulang register.") from None
            yield Chunk(columns, np.arange(done + 2, done + 2 + n))   # numbered as if row 1 were a header
            done += n


class RescanNeeded(Exception):
    """The fast CSV path cannot number rows exactly (malformed rows, blank or multi-line records).

    The caller drops what it gathered, calls `prepare_precise_scan(exc.register)` (the file, or the
    partition, that needs it), and reads the chunks again.
    """

    def __init__(self, register: Register) -> None:
        super().__init__(register.display_name)
        self.register = register


@dataclass
class PartitionedRegister:
    """A folder of CSV or Parquet partitions, read as one register.

    `sha256` is that of the `sha256sum`-style listing of the partition files (`cd FOLDER && sha256sum * |
    sha256sum`); rows are numbered on across the files in name order (`Register.row_offset`).
    """

    path: Path
    parts: tuple[Register, ...]
    sha256: str
    size: int

    is_folder = True

    @property
    def display_name(self) -> str:
        return self.path.name

    @property
    def format(self) -> str:
        return self.parts[0].format

    @property
    def columns(self) -> tuple[str, ...]:
        return self.parts[0].columns

    @property
    def header(self) -> dict[str, str]:
        return self.parts[0].header

    @property
    def delimiter(self) -> str:
        return self.parts[0].delimiter

    @property
    def encoding(self) -> str:
        """The text encoding shared by every CSV partition ("" when they differ)."""
        found = {part.encoding for part in self.parts}
        return found.pop() if len(found) == 1 else ""

    def chunks(self) -> Iterator[Chunk]:
        for part in self.parts:
            yield from part.chunks()

    def malformed(self) -> np.ndarray:
        return np.concatenate([part.malformed() for part in self.parts])


AnyRegister = Register | PartitionedRegister
Mapper = Callable[[Callable, list], list]


def open_register(path: Path, config: Config, mapper: Mapper | None = None) -> AnyRegister:
    """Open a register extract (a file, or a folder of partitions), detect its format, and check its
    header; raise InputError if unusable. `mapper(function, items)` opens the partitions (e.g. on a
    cluster's workers); by default one after another here."""
    path = Path(path)
    if path.is_dir():
        return open_partitions(path, config, mapper)
    return open_file(path, config)


def open_file(path: Path, config: Config) -> Register:
    """Open one register file; raise InputError if unusable."""
    path = Path(path)
    name = path.name
    head = read_head(path)
    if not head.strip():
        raise InputError(f"Berkas register {name} kosong. Ekspor ulang register dari SIAK.")
    if head.startswith(b"PK\x03\x04"):
        return _open_xlsx(path, config)
    if head.startswith(b"PAR1"):
        return _open_parquet(path, config)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"Berkas {name} berformat Excel lama (XLS). Simpan ulang sebagai XLSX atau CSV.")
    if b"\x00" in head:
        raise InputError(f"Berkas {name} bukan tabel (berisi data biner). Berikan ekspor CSV, XLSX atau Parquet.")
    return _open_csv(path, config)


def read_head(path: Path, size: int = 65536, folder: str | None = None) -> bytes:
    """The first `size` bytes of an input entry, which must be a readable regular file: the one check
    every register file and every partition passes before anything reads it (in every engine).

    A symbolic link is followed when it leads to a readable regular file (its bytes are what the manifest
    digest records). Anything else is an InputError naming the entry: a missing file, a dangling link, a
    link loop, a folder, a FIFO, a socket, a device, a file this user may not read, or a name that is not
    printable UTF-8. Opening never blocks (O_NONBLOCK), and the opened file is checked again (fstat), so a
    FIFO swapped in after the first look cannot hang the run. `folder`: the partition folder's name.
    """
    path = Path(path)
    shown = entry_name(path.name)
    where = f"Folder partisi {entry_name(folder)}: entri {shown}" if folder else f"Berkas register {shown}"
    advice = ("Hapus atau pindahkan entri itu (setiap entri yang namanya tidak diawali '.' atau '_' dibaca "
              "sebagai partisi), lalu jalankan lagi." if folder else
              "Berikan berkas ekspor register (CSV, XLSX atau Parquet) di --input.")
    if shown != path.name:
        raise InputError(f"{where}: namanya bukan teks UTF-8 yang dapat dicetak (karakter kendali atau bait "
                         f"tidak sah). Ganti nama berkas itu dengan huruf, angka, '-', '_' atau '.'.")
    try:
        info = path.stat()
    except OSError as exc:
        if exc.errno == errno.ENOENT and not path.is_symlink():
            raise InputError(f"{where} tidak ditemukan. Periksa nama dan foldernya (--input).") from None
        raise InputError(f"{where} {_stat_problem(path, exc)}. {advice}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{where} adalah {_file_kind(info.st_mode)}, bukan berkas biasa. {advice}")
    try:
        with open(path, "rb", opener=_open_nonblocking) as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise InputError(f"{where} adalah {_file_kind(mode)}, bukan berkas biasa. {advice}")
            return handle.read(size) if size else b""
    except OSError as exc:
        raise InputError(f"{where} tidak dapat dibaca ({exc.strerror}). Periksa izin berkas.") from None


def entry_name(name: str) -> str:
    """A file name as a message may show it: itself when printable UTF-8, else Python-escaped (one line)."""
    if name.isprintable() and not any("\udc80" <= c <= "\udcff" for c in name):
        return name
    return ascii(name)[1:-1]


def _open_nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))


def _stat_problem(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "adalah tautan simbolik yang berputar (menunjuk ke dirinya sendiri)"
    if exc.errno == errno.ENOENT:
        return "adalah tautan simbolik yang tujuannya tidak ada"
    return f"tidak dapat diperiksa ({exc.strerror})"


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "pipa bernama (FIFO)"
    if stat.S_ISSOCK(mode):
        return "soket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "berkas perangkat"
    return "entri khusus"


def partition_files(folder: Path) -> list[Path]:
    """The partition files of a folder, sorted by name (bytewise). Names starting with "." or "_" (hidden
    files, `_SUCCESS`, `_metadata`) are not partitions; a subfolder is an error (nothing would read it),
    and so is every other entry that is not a readable regular file (`read_head`): a register is never
    made of the partitions that happened to be readable."""
    entries = sorted(folder.iterdir(), key=lambda p: p.name.encode("utf-8", "surrogateescape"))
    entries = [p for p in entries if not p.name.startswith((".", "_"))]
    nested = [entry_name(p.name) for p in entries if p.is_dir()]
    if nested:
        raise InputError(f"Folder partisi {folder.name} berisi subfolder ({', '.join(nested[:3])}). Letakkan "
                         "semua berkas partisi langsung di dalam satu folder.")
    if not entries:
        raise InputError(f"Folder {folder.name} tidak berisi berkas partisi. Berikan berkas register atau "
                         "folder berisi partisi CSV atau Parquet (--input).")
    for entry in entries:
        read_head(entry, 0, folder=folder.name)
    return entries


def open_partitions(folder: Path, config: Config, mapper: Mapper | None = None) -> PartitionedRegister:
    """Open every partition of a folder and check that they make one register (one format, one header)."""
    from functools import partial

    from agregat.core.digest import listing_of

    folder = Path(folder).resolve()
    files = partition_files(folder)
    parts = list((mapper or _local_map)(partial(open_partition, config=config), files))
    check_partitions(folder.name, parts)
    offset = 0
    for part in parts:
        part.row_offset = offset
        offset += part.line_count - 1
    sha256 = hashlib.sha256(listing_of({part.path.name: part.sha256 for part in parts})).hexdigest()
    return PartitionedRegister(folder, tuple(parts), sha256, sum(part.size for part in parts))


def _local_map(function: Callable, items: list) -> list:
    return [function(item) for item in items]


def open_partition(path: Path, config: Config) -> Register:
    """Open one partition of a folder: a CSV or Parquet file (an XLSX has no row count to number on from)."""
    if read_head(path, 4, folder=path.parent.name) == b"PK\x03\x04":
        raise InputError(f"Folder partisi {path.parent.name}: berkas {path.name} berformat XLSX. Partisi harus "
                         "CSV atau Parquet; simpan ulang sebagai CSV.")
    return open_file(path, config)


def check_partitions(folder_name: str, parts: list[Register]) -> None:
    """InputError unless every partition has the first one's format, columns and header (and delimiter)."""
    first = parts[0]
    for part in parts[1:]:
        if part.format != first.format:
            raise InputError(f"Folder partisi {folder_name} mencampur format: {first.display_name} "
                             f"{first.format.upper()}, {part.display_name} {part.format.upper()}. Semua partisi "
                             "harus satu format.")
        if (part.columns, part.header, part.delimiter) != (first.columns, first.header, first.delimiter):
            raise InputError(f"Folder partisi {folder_name}: baris judul (kolom atau pemisahnya) "
                             f"{part.display_name} berbeda dengan {first.display_name}. Semua partisi harus "
                             "berasal dari satu ekspor dengan judul kolom yang sama.")


def prepare_precise_scan(register: Register) -> None:
    """Number every record of a CSV the slow, exact way (Python's csv module) and note malformed rows.

    Rows are numbered as a spreadsheet shows the file: one row per line, blank lines included, but a
    quoted value running over several lines stays one row.
    """
    good: list[int] = []
    bad: list[int] = []
    with open(register.path, encoding=register.encoding, newline="") as text:
        reader = csv.reader(text, delimiter=register.delimiter, strict=True)
        row = 1
        try:
            header = next(reader)
            width = len(header)
            previous_end = reader.line_num
            folded = previous_end - 1          # extra lines taken by multi-line values so far
            for record in reader:
                start = previous_end + 1
                previous_end = reader.line_num
                row = start - folded
                folded += previous_end - start
                if not record:
                    continue
                if len(record) == width:
                    good.append(row)
                elif previous_end > start:     # a quote opened in one line and closed lines later
                    raise _unclosed_quote(register, row)
                else:
                    bad.append(row)
        except csv.Error:
            raise _unclosed_quote(register, row + 1) from None
    register._line_numbers = np.array(good, dtype=np.int64)
    register.malformed_rows = bad


def _unclosed_quote(register: Register, row: int) -> InputError:
    return InputError(
        f"Berkas {register.display_name}: sekitar baris {row} ada tanda kutip (\") pembuka yang tidak ditutup, "
        "sehingga baris-baris sesudahnya tidak dapat dibaca. Hapus tanda kutip itu di spreadsheet atau ekspor "
        "ulang register, lalu jalankan lagi.")


# ---- opening each format ------------------------------------------------------------------------

def _scan_bytes(path: Path) -> tuple[str, int, str, int]:
    """One pass over the bytes: sha256, size, text encoding, and newline count.

    The encoding is UTF-8 when every byte sequence is valid UTF-8, else Windows-1252, else Latin-1
    (which reads any byte; the columns the book uses are plain ASCII either way).
    """
    digest = hashlib.sha256()
    decoders = {name: codecs.getincrementaldecoder(name)() for name in ("utf-8", "cp1252")}
    size = newlines = 0
    last = b""
    with open(path, "rb") as handle:
        while block := handle.read(_READ_BLOCK):
            digest.update(block)
            size += len(block)
            newlines += block.count(b"\n")
            last = block
            ascii_only = block.isascii()
            for name, decoder in list(decoders.items()):
                if ascii_only and not decoder.getstate()[0]:
                    continue   # plain ASCII is valid in both, and decoding 100 MB costs a second
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    del decoders[name]
    for name, decoder in list(decoders.items()):
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            del decoders[name]
    if last and not last.endswith(b"\n"):
        newlines += 1
    encoding = "utf-8" if "utf-8" in decoders else "cp1252" if "cp1252" in decoders else "latin-1"
    return digest.hexdigest(), size, encoding, newlines


def _open_csv(path: Path, config: Config) -> Register:
    sha256, size, encoding, lines = _scan_bytes(path)
    with open(path, "rb") as handle:
        first = handle.read(65536)
    header_line = first.decode(encoding, errors="ignore").lstrip("\ufeff").splitlines()[0]
    delimiter = max(CSV_DELIMITERS, key=header_line.count)
    if header_line.count(delimiter) == 0:
        raise InputError(f"Berkas {path.name} bukan tabel: baris judulnya tidak memakai pemisah kolom "
                         "yang dikenal (koma, titik koma, garis tegak atau tab). Ekspor ulang sebagai CSV.")
    header = next(csv.reader([header_line], delimiter=delimiter))
    columns, mapping = _match_header(header, config, path.name)
    register = Register(path, "csv", sha256, size, columns, mapping, encoding=encoding, delimiter=delimiter,
                        line_count=lines)
    register._newline_count = lines   # pyarrow strips a UTF-8 byte-order mark itself
    return register


def _open_xlsx(path: Path, config: Config) -> Register:
    sha256, size = file_sha256(path), path.stat().st_size
    workbook = load_xlsx(path)
    try:
        if not workbook.worksheets:
            raise InputError(f"Berkas {path.name} tidak berisi lembar kerja. Ekspor ulang register.")
        first_row = next(_xlsx_rows(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), path.name),
                         None)
    finally:
        workbook.close()
    if not first_row or all(v is None for v in first_row):
        raise InputError(f"Lembar pertama berkas {path.name} kosong. Letakkan tabel register di lembar pertama, "
                         "dengan judul kolom di baris 1.")
    header = ["" if v is None else str(v) for v in first_row]
    columns, mapping = _match_header(header, config, path.name)
    return Register(path, "xlsx", sha256, size, columns, mapping)


def load_xlsx(path: Path):
    """A read-only (streaming) openpyxl workbook, once the archive passed `check_xlsx_archive`; its shared
    strings are held compactly (`SharedStrings`) after `count_shared_strings` allowed them. InputError for
    a workbook past the bounds or damaged."""
    import zipfile

    from openpyxl.reader.excel import ExcelReader

    class Reader(ExcelReader):
        def read_strings(self) -> None:   # openpyxl's own reader keeps a list of str (~60 B more per string)
            from openpyxl.xml.constants import SHARED_STRINGS

            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                member = part.PartName[1:]
                with self.archive.open(member) as source:
                    count = count_shared_strings(source)
                if count > XLSX_MAX_SHARED_STRINGS:
                    raise _xlsx_too_big(path.name, f"{count:,} teks bersama (batas {XLSX_MAX_SHARED_STRINGS:,})")
                with self.archive.open(member) as source:
                    self.shared_strings = SharedStrings.read(source)

    try:
        with zipfile.ZipFile(path) as archive:
            check_xlsx_archive(archive.infolist(), path.name)
        reader = Reader(path, read_only=True, data_only=True)
        reader.read()
        return reader.wb
    except InputError:
        raise
    except Exception:  # openpyxl raises many types for a damaged workbook
        raise InputError(f"Berkas {path.name} tidak dapat dibaca sebagai XLSX (rusak atau bukan buku kerja). "
                         "Buka di spreadsheet lalu simpan ulang sebagai XLSX atau CSV.") from None


def check_xlsx_archive(members: list, name: str) -> None:
    """InputError when the zip directory of an XLSX is past the bounds (XLSX_MAX_*): too many parts, a part
    or all parts too large once inflated, a large part inflating more than XLSX_MAX_RATIO times, or a
    sharedStrings part over XLSX_MAX_SHARED_BYTES. Read from the directory alone: zipfile never inflates a
    part beyond the size the directory declares, so these sizes bind what the parser can be given."""
    if len(members) > XLSX_MAX_MEMBERS:
        raise _xlsx_too_big(name, f"{len(members):,} bagian di dalam zip (batas {XLSX_MAX_MEMBERS:,})")
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > XLSX_MAX_MEMBER_BYTES:
            raise _xlsx_too_big(name, f"satu bagian {member.file_size >> 20:,} MB bila dibuka "
                                      f"(batas {XLSX_MAX_MEMBER_BYTES >> 20:,} MB)")
        if member.file_size >= XLSX_RATIO_FROM and member.file_size > XLSX_MAX_RATIO * max(member.compress_size, 1):
            raise _xlsx_too_big(name, f"satu bagian {member.file_size // max(member.compress_size, 1):,} kali "
                                      f"lebih besar bila dibuka (batas {XLSX_MAX_RATIO} kali)")
        if member.filename.lower().endswith("sharedstrings.xml") and member.file_size > XLSX_MAX_SHARED_BYTES:
            raise _xlsx_too_big(name, f"teks bersama {member.file_size >> 20:,} MB bila dibuka "
                                      f"(batas {XLSX_MAX_SHARED_BYTES >> 20:,} MB)")
    if total > XLSX_MAX_TOTAL_BYTES:
        raise _xlsx_too_big(name, f"{total >> 20:,} MB bila dibuka (batas {XLSX_MAX_TOTAL_BYTES >> 20:,} MB)")


_SHARED_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")


def count_shared_strings(source, block: int = 8 << 20) -> int:
    """How many `<si>` entries a sharedStrings part holds, counted in its bytes without parsing the XML
    (a few seconds at most, within XLSX_MAX_SHARED_BYTES)."""
    count = 0
    tail = b""
    while data := source.read(block):
        data = tail + data
        cut = max(len(data) - 64, 0)          # a tag split across two blocks is counted in the next one
        count += len(_SHARED_STRING_TAG.findall(data, 0, cut))
        tail = data[cut:]
    return count + len(_SHARED_STRING_TAG.findall(tail))


class SharedStrings:
    """The shared strings of a workbook as one UTF-8 buffer and the end offset of each: about one byte per
    character plus eight per string. Indexing returns the text openpyxl's own table would hold."""

    def __init__(self) -> None:
        from array import array

        self._data = bytearray()
        self._ends = array("q")
        # the texts in use (codes, labels) are one object each, as in openpyxl's list, not one per cell
        self._text = lru_cache(maxsize=1 << 14)(self._decode)

    @classmethod
    def read(cls, source) -> SharedStrings:
        """Every `<si>` of a sharedStrings part, in order (parsed as openpyxl parses them)."""
        from openpyxl.cell.text import Text
        from openpyxl.xml.constants import SHEET_MAIN_NS
        from openpyxl.xml.functions import iterparse

        table = cls()
        tag = f"{{{SHEET_MAIN_NS}}}si"
        root = None
        for event, node in iterparse(source, events=("start", "end")):
            if root is None:
                root = node
            elif event == "end" and node.tag == tag:
                table.append(Text.from_tree(node).content.replace("x005F_", ""))
                root.clear()                   # the parsed entries are not kept as elements
        return table

    def append(self, text: str) -> None:
        self._data += text.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self._ends):
            raise IndexError(index)
        return self._text(index)

    def _decode(self, index: int) -> str:
        start = self._ends[index - 1] if index else 0
        return self._data[start:self._ends[index]].decode("utf-8", "surrogatepass")


def _xlsx_too_big(name: str, what: str) -> InputError:
    return InputError(f"Berkas {name} melampaui batas aman XLSX: {what}. Register asli tidak sebesar ini; "
                      "simpan ulang dari spreadsheet atau ekspor sebagai CSV.")


def _xlsx_rows(rows, name: str):
    """The rows of a worksheet; a damaged sheet (bad XML, a shared string index out of range) is an
    InputError, never an internal error."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception:  # openpyxl raises many types for a damaged sheet
            raise InputError(f"Berkas {name} tidak dapat dibaca sebagai XLSX (lembar kerja rusak). Buka di "
                             "spreadsheet lalu simpan ulang sebagai XLSX atau CSV.") from None
        yield row


def _open_parquet(path: Path, config: Config) -> Register:
    import pyarrow.parquet as pq

    sha256, size = file_sha256(path), path.stat().st_size
    try:
        parquet = pq.ParquetFile(path)
        schema, rows = parquet.schema_arrow, parquet.metadata.num_rows
    except (pa.ArrowException, OSError):
        raise InputError(f"Berkas {path.name} tidak dapat dibaca sebagai Parquet (rusak). Ekspor ulang register.") from None
    columns, mapping = _match_header(list(schema.names), config, path.name)
    for column in columns:
        kind = _parquet_kind_refused(schema.field(mapping[column]).type)
        if kind:
            raise InputError(f"Berkas {path.name}: kolom {column} bertipe {kind} di Parquet; register hanya "
                             "memakai kolom teks, angka atau tanggal. Ekspor ulang kolom itu sebagai teks.")
    return Register(path, "parquet", sha256, size, columns, mapping, line_count=rows + 1)


def _parquet_kind_refused(arrow_type: pa.DataType) -> str:
    """What a Parquet column's type is, when it cannot be read as cell text ("" when it can): nested
    (list, struct, map) and binary columns are refused, as are any types not named here."""
    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    for test in (pa.types.is_string, pa.types.is_large_string, pa.types.is_integer, pa.types.is_floating,
                 pa.types.is_decimal, pa.types.is_boolean, pa.types.is_date, pa.types.is_timestamp,
                 pa.types.is_null):
        if test(arrow_type):
            return ""
    if pa.types.is_nested(arrow_type):
        return "bersarang (daftar/struktur)"
    if pa.types.is_binary(arrow_type) or pa.types.is_large_binary(arrow_type) or \
            pa.types.is_fixed_size_binary(arrow_type):
        return "biner"
    return f"tidak didukung ({arrow_type})"


def _match_header(header: list[str], config: Config, name: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """Canonical columns present and the file's header text for each; InputError if required ones miss."""
    mapping: dict[str, str] = {}
    duplicates: list[str] = []
    for original in header:
        key = normalize_header(original)
        canonical = config.kolom.get(key, key)
        if canonical not in KNOWN_COLUMNS:
            continue
        if canonical in mapping:
            duplicates.append(canonical)
        mapping[canonical] = original
    if duplicates:
        raise InputError(f"Berkas {name}: kolom {', '.join(sorted(set(duplicates)))} muncul lebih dari sekali. "
                         "Hapus kolom yang berlebih lalu ekspor ulang.")
    missing = [c for c in REQUIRED_COLUMNS if c not in mapping]
    if missing:
        raise InputError(
            f"Berkas {name}: kolom wajib {', '.join(missing)} tidak ditemukan. {_describe_header(header)} "
            "Ekspor ulang dengan kolom BIODATA_WNI, atau petakan judul kolom lain di kabupaten.yml (kunci 'kolom')."
        )
    columns = tuple(c for c in KNOWN_COLUMNS if c in mapping)
    return columns, mapping


_HEADER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_DATA_LIKE = re.compile(r"[\d\s.,/'+E-]*\d[\d\s.,/'+E-]*", re.ASCII)


def _describe_header(header: list[str]) -> str:
    """The columns found, for an error message, without ever quoting register data.

    A first row that holds numbers or dates is data (an export saved without its header row): nothing
    of it is shown. Otherwise only header-like names (letters, digits, underscores) are listed.
    """
    cells = [str(h).strip() for h in header if str(h).strip()]
    if any(_DATA_LIKE.fullmatch(cell) for cell in cells):
        return "Baris pertama berisi data, bukan judul kolom (ekspor tanpa baris judul?)."
    names = [cell for cell in cells if _HEADER_NAME.fullmatch(cell)]
    others = len(cells) - len(names)
    listed = ", ".join(names) or "(tidak ada)"
    return f"Kolom yang ada: {listed}{f' dan {others} kolom lain' if others else ''}."


def _read_batches(reader, name: str):
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except (UnicodeDecodeError, pa.ArrowInvalid) as exc:
            raise _unreadable_csv(name, exc) from None
        yield batch


def _parquet_batches(batches, name: str):
    """The batches of a Parquet file; a damaged page (the footer read fine) is an InputError."""
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except (pa.ArrowException, OSError):
            raise InputError(f"Berkas {name} tidak dapat dibaca sebagai Parquet (rusak). "
                             "Ekspor ulang register.") from None
        yield batch


def _unreadable_csv(name: str, exc: Exception) -> InputError:
    # Arrow quotes the offending row in its message: never show it (it may hold personal data).
    if isinstance(exc, UnicodeDecodeError) or "UTF8" in str(exc) or "decode" in str(exc):
        kind = "pengodean karakter"
    else:
        kind = "format CSV"
    return InputError(f"Berkas register {name} tidak dapat dibaca: {kind} rusak. "
                      "Ekspor ulang register sebagai CSV UTF-8.")


def _cell_text(value, column: str) -> str:
    """A spreadsheet cell as the text SIAK would have exported."""
    if value is None:
        return ""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if column in IDENTITY_COLUMNS:
            # A spreadsheet keeps 15 significant digits: a NIK stored as a number is already damaged.
            return f"angka:{value!r}"
        if column == "TGL_LHR":
            return _excel_serial_date(value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
    return str(value)


def _excel_serial_date(value: float) -> str:
    from openpyxl.utils.datetime import from_excel

    try:
        return from_excel(value).strftime("%Y-%m-%d")
    except (ValueError, OverflowError, TypeError):
        return str(value)


def _arrow_text(array: pa.Array) -> pa.Array:
    """A Parquet column as text; dates and timestamps as YYYY-MM-DD."""
    import pyarrow.compute as pc

    if pa.types.is_timestamp(array.type):
        array = pc.cast(array, pa.date32())
    return array if pa.types.is_string(array.type) else pc.cast(array, pa.string())
