"""`python build.py diff`: what changed in an edition between a git revision and now, as Markdown.

The review of a pull request needs the numbers, not a 15,000-line YAML diff: per table the cells that changed
(largest change first), the headline indicators before and after, and whether the Kasi's analysis changed.
Reading is separated from rendering: `snapshot_from_git` / `snapshot_from_folder` gather the edition's files
as bytes, everything after that is a pure function of those bytes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from agregat.core import yamlcepat
from agregat.core.angka import KOSONG, bertanda, bilangan, persentase

from agregat.core.digest import digest_of_contents, edition_entries, read_entry
from agregat.core.errors import InputError, UsageError
from agregat.core.gitobjek import edition_tree_files, open_repo, path_in_repo, resolve
from agregat.core.periode import Periode


DEFAULT_LIMIT = 50
ANALISA = "analisa.md"
ANALISA_MAX_LINES = 200
NOT_TABLES = frozenset({"indikator.yml", "perbandingan.yml", "manifest.yml"})
HEADLINE = (   # (key in indikator.yml, label, decimals, is a count)
    ("penduduk", "Jumlah penduduk", 0, True),
    ("lk", "Laki-laki", 0, True),
    ("pr", "Perempuan", 0, True),
    ("kk", "Kepala keluarga (KK)", 0, True),
    ("luas_km2", "Luas wilayah (km²)", 2, False),
    ("kepadatan", "Kepadatan (jiwa/km²)", 2, False),
    ("rasio_jenis_kelamin", "Rasio jenis kelamin", 2, False),
    ("rasio_ketergantungan", "Rasio ketergantungan", 2, False),
    ("rasio_ketergantungan_muda", "Rasio ketergantungan muda", 2, False),
    ("rasio_ketergantungan_tua", "Rasio ketergantungan tua", 2, False),
    ("rata_rata_anggota_kk", "Rata-rata anggota per KK", 2, False),
    ("persen_wajib_ktp", "Penduduk wajib KTP-el (%)", 2, False),
)


# ---- gathering ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Snapshot:
    """An edition's files at one point (a commit or the working folder); `files` is None when it is absent."""

    label: str
    files: dict[str, bytes] | None


def snapshot_from_folder(edition_dir: Path, label: str) -> Snapshot:
    """The files of an edition folder on disk, as the digest sees them (EditionError for a folder that breaks
    the edition rule, agregat.core.digest.edition_entries)."""
    edition_dir = Path(edition_dir)
    if not edition_dir.exists() and not edition_dir.is_symlink():
        return Snapshot(label, None)
    return Snapshot(label, {name: read_entry(edition_dir, name) for name in edition_entries(edition_dir)})


def snapshot_from_git(repo, ref: str, edition_path: str) -> Snapshot:
    """The files of the edition folder `edition_path` (relative to the repository root) in commit `ref`,
    read from git objects (never the checkout)."""
    commit = resolve(repo, ref)
    label = f"{ref} ({commit.hexsha[:12]})"
    return Snapshot(label, edition_tree_files(commit, edition_path))


# ---- comparing ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FileChanges:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]


def file_changes(before: dict[str, bytes], after: dict[str, bytes]) -> FileChanges:
    return FileChanges(added=tuple(sorted(set(after) - set(before))),
                       removed=tuple(sorted(set(before) - set(after))),
                       changed=tuple(sorted(n for n in set(before) & set(after) if before[n] != after[n])))


def parse_yaml(data: bytes, name: str) -> dict:
    try:
        document = yamlcepat.load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"Berkas edisi {name} tidak dapat dibaca sebagai YAML ({type(exc).__name__}). "
                         "Buat ulang edisi dengan 'python build.py aggregate'.") from None
    if not isinstance(document, dict):
        raise InputError(f"Berkas edisi {name} bukan dokumen YAML berisi pemetaan. "
                         "Buat ulang edisi dengan 'python build.py aggregate'.")
    return document


def is_table(name: str, document: dict) -> bool:
    return name.endswith(".yml") and name not in NOT_TABLES and "kategori" in document and "wilayah" in document


@dataclass(frozen=True)
class Cell:
    lk: int
    pr: int
    jml: int


@dataclass(frozen=True)
class CellChange:
    """One (region, category) whose counts differ; `sebelum`/`sesudah` is None where the cell is absent."""

    kode: str
    nama: str
    kategori: str
    sebelum: Cell | None
    sesudah: Cell | None

    def delta(self, field: str) -> int:
        return getattr(self.sesudah, field, 0) - getattr(self.sebelum, field, 0)   # an absent cell counts 0

    @property
    def persen(self) -> float | None:
        if self.sebelum is None or self.sesudah is None or self.sebelum.jml == 0:
            return None
        return (self.sesudah.jml - self.sebelum.jml) / self.sebelum.jml * 100


def _cells(document: dict | None) -> dict[tuple[str, str], tuple[str, Cell]]:
    cells = {}
    for kode, region in ((document or {}).get("wilayah") or {}).items():
        for label, c in (region.get("data") or {}).items():
            cells[(str(kode), str(label))] = (region.get("nama", ""), Cell(c["lk"], c["pr"], c["jml"]))
    return cells


def table_changes(before: dict | None, after: dict | None) -> list[CellChange]:
    """Every changed cell of one table, largest absolute change of the total first (then of L and P),
    then by region code and the table's category order."""
    old, new = _cells(before), _cells(after)
    order = {label: i for i, label in enumerate(
        [k["label"] for k in (after or before or {}).get("kategori", [])])}
    changes = []
    for key in old.keys() | new.keys():
        was, now = old.get(key), new.get(key)
        if was and now and was[1] == now[1]:
            continue
        nama = (now or was)[0]
        changes.append(CellChange(key[0], nama, key[1], was and was[1], now and now[1]))

    def rank(change: CellChange):
        return (-abs(change.delta("jml")), -(abs(change.delta("lk")) + abs(change.delta("pr"))), change.kode,
                order.get(change.kategori, len(order)), change.kategori)

    return sorted(changes, key=rank)


def headline(document: dict | None) -> dict | None:
    """The root region's row (the kabupaten/kota, or the provinsi of a province edition): the shortest code."""
    regions = (document or {}).get("wilayah") or {}
    if not regions:
        return None
    return regions[min(regions, key=lambda kode: (str(kode).count("."), str(kode)))]


# ---- rendering ----------------------------------------------------------------------------------------

def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _count(cell: Cell | None) -> str:
    return KOSONG if cell is None else bilangan(cell.jml)


def _percent(value: float | None) -> str:
    return persentase(value, tanda=True)


def render_changes(changes: list[CellChange], limit: int) -> list[str]:
    lines = ["| Wilayah | Kode | Kategori | Sebelum | Sesudah | Perubahan | % | Perubahan L / P |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    for c in changes[:limit]:
        lines.append(f"| {_md(c.nama)} | {c.kode} | {_md(c.kategori)} | {_count(c.sebelum)} | {_count(c.sesudah)} "
                     f"| {bertanda(c.delta('jml'))} | {_percent(c.persen)} "
                     f"| {bertanda(c.delta('lk'))} / {bertanda(c.delta('pr'))} |")
    if len(changes) > limit:
        lines.append("")
        lines.append(f"… dan {bilangan(len(changes) - limit)} perubahan lain.")
    return lines


def render_totals(document: dict, limit: int) -> list[str]:
    """The root region's row of a table: L, P and total per category."""
    region = headline(document) or {}
    rows = list((region.get("data") or {}).items())
    lines = [f"{str(region.get('tingkat', 'kabupaten')).capitalize()} {_md(region.get('nama', ''))}:", "",
             "| Kategori | L | P | Jumlah |", "|---|---:|---:|---:|"]
    lines += [f"| {_md(label)} | {bilangan(c['lk'])} | {bilangan(c['pr'])} | {bilangan(c['jml'])} |"
              for label, c in rows[:limit]]
    if len(rows) > limit:
        lines += ["", f"… dan {bilangan(len(rows) - limit)} kategori lain."]
    return lines


def render_headline(before: dict | None, after: dict | None) -> list[str]:
    old, new = (headline(before) or {}).get("data", {}), (headline(after) or {}).get("data", {})
    nama = (headline(after) or headline(before) or {}).get("nama", "")
    lines = [f"### Indikator utama (Kabupaten {_md(nama)})", "",
             "| Indikator | Sebelum | Sesudah | Perubahan | % |", "|---|---:|---:|---:|---:|"]
    for key, label, decimals, is_count in HEADLINE:
        was, now = old.get(key), new.get(key)
        if was is None and now is None:
            continue
        change = None if was is None or now is None else now - was
        percent = (change / was * 100) if is_count and change is not None and was else None
        lines.append(f"| {label} | {bilangan(was, decimals)} | {bilangan(now, decimals)} "
                     f"| {bertanda(change, decimals)} | {_percent(percent)} |")
    return lines


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in `text`."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def render_analisa(before: bytes | None, after: bytes | None, base_label: str, head_label: str) -> list[str]:
    lines = ["### Bab VII Analisa (`analisa.md`)", ""]
    if before == after:
        return lines + ["Tidak berubah." if after is not None else "Tidak ada di kedua versi."]
    if before is None:
        return lines + ["Baru (belum ada sebelumnya)."]
    if after is None:
        return lines + ["Dihapus."]
    old = before.decode("utf-8", "replace").splitlines()
    new = after.decode("utf-8", "replace").splitlines()
    diff = list(difflib.unified_diff(old, new, f"analisa.md ({base_label})", f"analisa.md ({head_label})",
                                     lineterm="", n=1))
    added = sum(1 for line in diff[2:] if line.startswith("+"))
    removed = sum(1 for line in diff[2:] if line.startswith("-"))
    shown = diff[:ANALISA_MAX_LINES]
    body = "\n".join(shown)
    fence = _fence(body)
    lines += [f"Berubah: {bilangan(added)} baris ditambah, {bilangan(removed)} baris dihapus.", "",
              "<details><summary>Perbedaan analisa.md</summary>", "", f"{fence}diff", body, fence]
    if len(diff) > len(shown):
        lines += ["", f"… dan {bilangan(len(diff) - len(shown))} baris perbedaan lain."]
    return lines + ["", "</details>"]


def _table_title(name: str, document: dict) -> str:
    return f"### {_md(document.get('judul') or name)} (`{name}`)"


def _ordered_tables(names: set[str], manifest: dict | None) -> list[str]:
    book_order = [f"{t}.yml" for t in (manifest or {}).get("tabel", [])]
    return [n for n in book_order if n in names] + sorted(names - set(book_order))


def render_new_edition(periode: str, base: Snapshot, head: Snapshot, limit: int) -> list[str]:
    files = head.files
    documents = {name: parse_yaml(data, name) for name, data in files.items() if name.endswith(".yml")}
    tables = [n for n in _ordered_tables(set(documents), documents.get("manifest.yml")) if is_table(n, documents[n])]
    sections = [[f"## Edisi {periode}: edisi baru", "",
                 (f"Edisi {periode} belum ada di {base.label}; ini edisi baru ({head.label}). "
                  f"Digest: `{digest_of_contents(files)}` · {bilangan(len(files))} berkas.")]]
    if "indikator.yml" in documents:
        sections.append(render_headline(None, documents["indikator.yml"]))
    for name in tables:
        sections.append([_table_title(name, documents[name]), "", *render_totals(documents[name], limit)])
    sections.append(render_analisa(None, files.get(ANALISA), base.label, head.label))
    return sections


def render_sections(periode: str, base: Snapshot, head: Snapshot, limit: int = DEFAULT_LIMIT) -> list[list[str]]:
    """The review as sections of Markdown lines (the first is the summary)."""
    if base.files is None and head.files is None:
        raise UsageError(f"Edisi {periode} tidak ada di {base.label} maupun di {head.label}. Periksa periode "
                         "dan ref-nya; 'ls data/' menunjukkan edisi yang ada.")
    if base.files is None:
        return render_new_edition(periode, base, head, limit)
    if head.files is None:
        return [[f"## Edisi {periode}: dihapus", "",
                 (f"Edisi {periode} ada di {base.label} (digest `{digest_of_contents(base.files)}`) tetapi tidak ada "
                  f"di {head.label}.")]]
    before, after = base.files, head.files
    files = file_changes(before, after)
    summary = [f"## Perubahan edisi {periode}: {base.label} → {head.label}", "",
               (f"Digest: `{digest_of_contents(before)}` → `{digest_of_contents(after)}` · berkas: {bilangan(len(files.added))} "
                f"ditambah, {bilangan(len(files.removed))} dihapus, {bilangan(len(files.changed))} berubah.")]
    for word, names in (("Ditambah", files.added), ("Dihapus", files.removed), ("Berubah", files.changed)):
        if names:
            summary += ["", f"{word}: " + ", ".join(f"`{n}`" for n in names)]
    if not (files.added or files.removed or files.changed):
        return [summary + ["", "Tidak ada perubahan: isi edisi sama byte demi byte."]]
    touched = set(files.added) | set(files.removed) | set(files.changed)
    old = {n: parse_yaml(before[n], n) for n in touched if n in before and n.endswith(".yml")}
    new = {n: parse_yaml(after[n], n) for n in touched if n in after and n.endswith(".yml")}
    sections = [summary]
    indikator = [parse_yaml(side["indikator.yml"], "indikator.yml") if "indikator.yml" in side else None
                 for side in (before, after)]
    if any(indikator):
        sections.append(render_headline(*indikator))
    manifest = new.get("manifest.yml") or (parse_yaml(after["manifest.yml"], "manifest.yml")
                                           if "manifest.yml" in after else None)
    for name in _ordered_tables(set(old) | set(new), manifest):
        was, now = old.get(name), new.get(name)
        if not is_table(name, now or was):
            continue
        title = _table_title(name, now or was)
        if was is None:
            sections.append([title, "", "Tabel baru.", "", *render_totals(now, limit)])
        elif now is None:
            sections.append([title, "", "Tabel dihapus."])
        else:
            changes = table_changes(was, now)
            text = (f"{bilangan(len(changes))} sel berubah." if changes else
                    "Angka tidak berubah (hanya judul, keterangan atau urutan berkas).")
            sections.append([title, "", text, *([""] + render_changes(changes, limit) if changes else [])])
    sections.append(render_analisa(before.get(ANALISA), after.get(ANALISA), base.label, head.label))
    return sections


def fit(sections: list[list[str]], max_chars: int | None) -> str:
    """Join the sections; past `max_chars` (a comment's size limit) whole sections are left out, named at
    the end, so that no table or code block is cut in half. The summary is always kept."""
    blocks = ["\n".join(section) + "\n" for section in sections]
    if max_chars is None or sum(len(b) + 1 for b in blocks) <= max_chars:
        return "\n".join(blocks)
    kept, left_out, reserve = [blocks[0]], [], 400
    size = len(blocks[0])
    for section, block in zip(sections[1:], blocks[1:]):
        if size + len(block) + 1 + reserve <= max_chars:
            kept.append(block)
            size += len(block) + 1
        else:
            left_out.append(section[0].lstrip("# ").strip())
    titles = "; ".join(left_out)
    note = (f"_Dipotong agar muat: {bilangan(len(left_out))} bagian tidak ditampilkan ({titles}). "
            "Jalankan `python build.py diff` sendiri untuk keluaran lengkap._\n")
    if len(note) > reserve:
        note = (f"_Dipotong agar muat: {bilangan(len(left_out))} bagian tidak ditampilkan. "
                "Jalankan `python build.py diff` sendiri untuk keluaran lengkap._\n")
    return "\n".join([*kept, note])


# ---- the job ------------------------------------------------------------------------------------------

def diff_edition(data_dir: Path, period: str, base_ref: str, head_ref: str | None = None,
                 limit: int = DEFAULT_LIMIT, max_chars: int | None = None) -> str:
    """Markdown: the edition `period` at `base_ref` against `head_ref` (default: the working folder)."""
    periode = str(Periode.parse(period))
    if limit < 1:
        raise UsageError(f"--limit harus paling sedikit 1, bukan {limit}.")
    repo = open_repo(Path(data_dir) if Path(data_dir).exists() else Path(data_dir).parent)
    edition_path = path_in_repo(repo, Path(data_dir) / periode)
    base = snapshot_from_git(repo, base_ref, edition_path)
    if head_ref is None:
        head = snapshot_from_folder(Path(data_dir) / periode, f"folder kerja ({edition_path})")
    else:
        head = snapshot_from_git(repo, head_ref, edition_path)
    return fit(render_sections(periode, base, head, limit), max_chars)
