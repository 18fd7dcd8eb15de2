"""Red-team review of the issue-9 fixes: attacks that still get through, each end to end in a real git
repository with real ssh-keygen keys (the chain fixtures of conftest.py, helpers of test_pengesahan / test_akar).

EVERY TEST IN THIS FILE IS EXPECTED TO FAIL on the branch it was written against (redteam @ bd956ee): each
asserts the refusal the issue asks for, and the attack currently succeeds. They are marked `xfail(strict=True)`
so the suite stays green and a fix turns them into XPASS failures, i.e. remove the marker with the fix.
"""

from __future__ import annotations

import re
import shutil

import pytest
import test_pengesahan as chain
from conftest import golden_final_copy, snapshot
from test_akar import _revoke_kabid, _two_steps, verify_refused
from test_pengesahan import PERIODE, forge, git, golden_workspace, plant, run

from agregat.cli import main as cli
from agregat.core.paths import Paths
from agregat.pengesahan import pernyataan
from agregat.core.errors import EXIT_NOT_AUTHORISED, EXIT_REGISTRY

HOLE = pytest.mark.xfail(strict=True, reason="red team: confirmed hole, see the docstring")


# ---- hole 5: commit order, walked around by putting the attacker's branch on the first-parent line ---------

def test_redteam_first_parent_swap_lets_a_revoked_key_sign_by_backdating(registered, tmp_path, keys, capsys):
    """The revoked Kabid key signs `koreksi` on a branch forked before the revocation; main is then merged
    INTO that branch (merge's first parent = the attacker's commit) and main is fast-forwarded to the merge
    (an ordinary push or a fast-forward MR, no force-push). `urutan.sebelum` trusts the first-parent line, so
    the statement commit now 'entered main' before the revocation commit, and verify returns 0."""
    work = _two_steps(registered, tmp_path, keys)
    git(work, "branch", "lama")
    _revoke_kabid(work, keys)
    git(work, "checkout", "-q", "lama")
    forge(work, keys, "koreksi", "kabid", waktu="2025-07-24T09:15:00+08:00")
    git(work, "merge", "-q", "--no-ff", "-m", "Merge main ke lama", "main")     # first parent: the forged step
    git(work, "checkout", "-q", "main")
    git(work, "merge", "-q", "--ff-only", "lama")                              # main fast-forwarded, no force
    verify_refused(work, capsys, EXIT_NOT_AUTHORISED)


# ---- verify's "no approvals yet" shortcut skips every history check ----------------------------------------

def test_redteam_wiping_the_pin_and_approvals_makes_verify_pass_an_approved_edition(repo, capsys):
    """One ordinary commit on top of an approved chain: the pin emptied in kabupaten.yml, approvals/ deleted,
    the numbers changed. `cli_pengesahan._no_approvals_yet` looks only at the tip, so `verify` prints "masih
    draf" and returns 0 (CI's gate passes) — the anchor check (pin removed without rotation) and the
    append-only check (statements deleted) never run."""
    config = repo / "kabupaten.yml"
    config.write_text(re.sub(r'sidik_jari_akar: "[^"]*"', 'sidik_jari_akar: ""', config.read_text()))
    shutil.rmtree(repo / "approvals")
    table = repo / "data" / PERIODE / "indikator.yml"
    table.write_text(table.read_text().replace("penduduk: ", "penduduk: 1", 1))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "mulai ulang")
    before = snapshot(repo)
    assert chain.verify(repo) == EXIT_REGISTRY
    out, err = capsys.readouterr()
    assert "masih draf" not in out and "sematan kunci akar dihapus" in err
    assert "Traceback" not in out + err and snapshot(repo) == before


# ---- hole 3: after the final step, `build` still publishes what the cache or the working tree holds --------

def _final_signed(golden_final, tmp_path, monkeypatch):
    """A copy of the golden chain with the final step signed and committed (conftest `golden_final`); returns
    (repo, site, final sha)."""
    work = golden_final_copy(golden_final, tmp_path, monkeypatch)
    final = pernyataan.parse((work / "approvals" / PERIODE / "r1" / "07-final.yml").read_bytes(), "07-final.yml")
    return work, tmp_path / "site", final.rincian["pdf_sha256"]


@pytest.mark.slow
def test_redteam_build_publishes_a_planted_cache_entry_as_the_final_pdf(golden_final, tmp_path,
                                                                        monkeypatch, capsys):
    """README: "Setelah langkah final, setiap build edisi itu menerbitkan PDF final yang sama (byte demi byte)".
    A forged PDF planted in .cache/pdf/<key>.pdf with a record naming the key (every input of the key is public)
    was published by the next `build` as "PDF final": `cached_pdf` checked the entry only against its own
    record. Now a cache entry is used only when its sha256 is the `final` statement's pdf_sha256; else the PDF
    is rendered again and the published bytes are the signed ones."""
    from agregat.buku import build as book

    work, site, signed = _final_signed(golden_final, tmp_path, monkeypatch)
    [entry] = (tmp_path / "cache" / "pdf").glob("*.pdf")
    plant(entry)
    book._RENDERED.clear()
    shutil.rmtree(site)                                   # a fresh publishing run (CI, or a new site folder)
    capsys.readouterr()
    code = run(work, "build", "--period", PERIODE, "--data-dir", str(work / "data"), paths=Paths.of_project(tmp_path))
    published = site / PERIODE / f"buku-data-agregat-{PERIODE}.pdf"
    assert code == 0 and pernyataan.sha256(published.read_bytes()) == signed
    assert f"PDF final {PERIODE}" in capsys.readouterr().out


@pytest.mark.slow
def test_redteam_a_final_pdf_tampered_in_site_at_the_same_size_is_published_again(golden_final,
                                                                                   tmp_path, monkeypatch, capsys):
    """The build's up-to-date record holds file sizes: a same-size forgery of the published final PDF in site/
    must not survive the next `build` as "sudah mutakhir"; the signed bytes are published again."""
    work, site, signed = _final_signed(golden_final, tmp_path, monkeypatch)
    published = site / PERIODE / f"buku-data-agregat-{PERIODE}.pdf"
    assert run(work, "build", "--period", PERIODE, "--data-dir", str(work / "data"),
               paths=Paths.of_project(tmp_path)) == 0
    data = bytearray(published.read_bytes())
    data[len(data) // 2] ^= 0xFF                          # same size, other bytes
    published.write_bytes(bytes(data))
    capsys.readouterr()
    assert run(work, "build", "--period", PERIODE, "--data-dir", str(work / "data"),
               paths=Paths.of_project(tmp_path)) == 0
    assert pernyataan.sha256(published.read_bytes()) == signed
    assert "sudah mutakhir" not in capsys.readouterr().out


@pytest.mark.slow
def test_redteam_build_refuses_a_final_pdf_whose_render_is_not_the_signed_one(golden_final,
                                                                               tmp_path, monkeypatch, capsys):
    """The print on this machine no longer gives the signed bytes (here: the renderer appends one byte, as a
    changed library or font would change some): with the cache entry planted too, `build` refuses with
    PdfMismatch (26) and leaves the site byte for byte as it was."""
    from agregat.buku import build as book
    from agregat.core.errors import EXIT_PDF_MISMATCH
    from agregat.buku import pdf

    work, site, signed = _final_signed(golden_final, tmp_path, monkeypatch)
    [entry] = (tmp_path / "cache" / "pdf").glob("*.pdf")
    plant(entry)
    book._RENDERED.clear()
    real = pdf.buat_pdf

    def changed_print(*args, **kwargs):
        real(*args, **kwargs)
        with open(args[2], "ab") as handle:
            handle.write(b"%\n")
    monkeypatch.setattr(pdf, "buat_pdf", changed_print)
    before = snapshot(site)
    capsys.readouterr()
    code = run(work, "build", "--period", PERIODE, "--data-dir", str(work / "data"), paths=Paths.of_project(tmp_path))
    out, err = capsys.readouterr()
    assert code == EXIT_PDF_MISMATCH and "bukan PDF final yang dicatat" in err and "situs tidak diubah" in err
    assert "Traceback" not in out + err and snapshot(site) == before


@pytest.mark.slow
def test_redteam_build_publishes_a_final_pdf_of_uncommitted_numbers(golden_final, tmp_path,
                                                                   monkeypatch, capsys):
    """After the final step, the working-tree numbers are edited (not committed). `pengesahan.final_editions` checked
    the chain at HEAD only (committed objects), so `build` rendered and published a "PDF final" of numbers
    nobody approved. Now the build stops (DataChangedError, 20) and the site stays byte for byte."""
    from agregat.core.errors import EXIT_DATA_CHANGED

    work, site, signed = _final_signed(golden_final, tmp_path, monkeypatch)
    table = work / "data" / PERIODE / "indikator.yml"
    table.write_text(table.read_text().replace("penduduk: 14", "penduduk: 1000014", 1))
    before = snapshot(site)
    capsys.readouterr()
    code = run(work, "build", "--period", PERIODE, "--data-dir", str(work / "data"), paths=Paths.of_project(tmp_path))
    out, err = capsys.readouterr()
    assert code == EXIT_DATA_CHANGED and "bukan yang disahkan" in err and "git checkout" in err
    assert "Traceback" not in out + err and snapshot(site) == before


# ---- hole 10: recovery trusts any hidden `.P.lama.*` folder, even one that came from git -----------------

def test_redteam_a_committed_retired_folder_is_published_as_an_edition_nobody_aggregated(tmp_path, capsys):
    """An attacker commits `data/.2025-S2.lama.x/2025-S2/…` (forged numbers). CI's list of changed editions
    (`^data/([0-9]{4}-S[12])/`) does not see it, and the `pages` job's `build` called `daftar_edisi`, whose
    `recover_interrupted` "put back" the folder as data/2025-S2: an edition never aggregated, reviewed or shown
    in any MR became the newest edition of the site. Now the book's reader never restores: it refuses while a
    retired folder exists (naming it), and `aggregate` refuses one that git tracks. (CI: test_forge.)"""
    import subprocess

    from agregat.core.atomik import recover_interrupted
    from agregat.core.errors import EXIT_INPUT, EditionError
    from agregat.edisi.muat import daftar_edisi

    data = tmp_path / "data"
    hidden = data / ".2025-S2.lama.x" / "2025-S2"
    shutil.copytree(chain.ROOT / "tests" / "fixtures" / "golden" / PERIODE, hidden)
    before = snapshot(tmp_path)
    with pytest.raises(EditionError, match=r"sisa penggantian edisi.*\.2025-S2\.lama\.x.*aggregate"):
        daftar_edisi(data)
    assert cli.main(["build", "--data-dir", str(data), "--no-pdf"], paths=Paths.of_project(tmp_path)) == \
        EXIT_INPUT
    out, err = capsys.readouterr()
    assert "Kesalahan:" in err and ".2025-S2.lama.x" in err and "Traceback" not in out + err
    assert snapshot(tmp_path) == before
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "-f", "data"], check=True)
    with pytest.raises(EditionError, match="ada di git"):      # the write path: never restored from a commit
        recover_interrupted(data, only=("2025-S2",))
    assert not (data / "2025-S2").exists() and hidden.is_dir()


# ---- the site's chart cache: a planted entry is published as the chart (and as same-origin SVG) -----------

@pytest.mark.parametrize("ci", ["", "true"])
def test_redteam_a_chart_planted_in_the_chart_cache_is_published_on_the_site(tmp_path, monkeypatch, ci):
    """`.cache/grafik/<key>.json` is keyed by public inputs only (function, numbers, chart code) and was read
    without any check, so an entry planted there was written to site/<P>/grafik/<id>.svg: an SVG with a
    <script> served from the site's own origin, or forged bars. Now an entry whose SVG our chart writer could
    not have made (script, handler, foreignObject, external link) is dropped and the chart drawn again; under
    CI the cache is never read, so not even a well-formed forged chart is published there. (Outside CI,
    `.cache/` is trusted like the code of the building machine: README. A draft PDF takes its charts like the
    site; the final step and verify never read the chart cache: agregat.buku.build.fresh_pdf.)"""
    import dataclasses
    import hashlib
    import json

    from agregat.buku import makro as buku_mod
    from agregat.buku import grafik
    from agregat.edisi.muat import muat_edisi

    monkeypatch.setenv("CI", ci)
    edisi = muat_edisi(chain.ROOT / "tests" / "fixtures" / "golden", PERIODE)
    kode = edisi.kabupaten[0]
    chart_id = f"piramida-{kode.replace('.', '-')}"
    kunci = hashlib.sha256(json.dumps(["piramida", [edisi.dokumen["kelompok_umur"], kode], {"id": chart_id}],
                                      sort_keys=True, default=str).encode() + buku_mod._GRAFIK_SOURCE).hexdigest()
    cache = tmp_path / "grafik-cache"
    cache.mkdir()
    genuine = grafik.piramida(edisi.dokumen["kelompok_umur"], kode, id=chart_id)
    site = tmp_path / "site"

    def published(svg: str) -> str:
        entry = cache / f"{kunci}.json"
        entry.write_text(json.dumps(dataclasses.asdict(dataclasses.replace(genuine, svg=svg))))
        (site / f"{chart_id}.svg").unlink(missing_ok=True)
        buku_mod.Buku(edisi, grafik_dir=site, cache_dir=cache).grafik_piramida()
        return (site / f"{chart_id}.svg").read_text()

    evil = ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
            '<text>1.000.000 jiwa</text></svg>')
    assert published(evil) == genuine.svg
    forged_bars = genuine.svg.replace("</svg>", "<text>1.000.000 jiwa</text></svg>")
    assert grafik.svg_wajar(forged_bars)                      # well-formed: only CI refuses to take it
    assert (published(forged_bars) == genuine.svg) == bool(ci)


# ---- approve / final gate / build's final detection anchor on the configuration given by --config ------------

def _main(repo, config: str, command: str, *rest: str) -> int:
    """`python build.py COMMAND --config CONFIG …` in `repo`; default folders beside it (site: tmp_path/site)."""
    return cli.main([command, "--config", str(repo / config), *rest], paths=Paths.of_project(repo.parent))


@pytest.mark.slow
def test_redteam_build_trusts_a_kabupaten_yml_pin_when_the_repository_uses_another_config(
        golden_final, tmp_path, monkeypatch, capsys):
    """The repository uses madiun.yml (from `init`), whose approvals are not set up yet (no pin). An attacker
    commits a kabupaten.yml pinning their own root, with their registry and a chain through `final` signed by
    their keys. `build --config madiun.yml` must not take that chain as the edition's approval: the trust root
    is anchored in the history of the configuration given, never of another file in the repository."""
    from agregat.buku import build as book

    work, site, _ = _final_signed(golden_final, tmp_path, monkeypatch)   # the attacker's chain
    config = (work / "kabupaten.yml").read_text()
    (work / "madiun.yml").write_text(re.sub(r'sidik_jari_akar: "[^"]*"', 'sidik_jari_akar: ""', config))
    git(work, "add", "madiun.yml")
    git(work, "commit", "-q", "-m", "konfigurasi repositori")
    capsys.readouterr()
    book._RENDERED.clear()
    shutil.rmtree(site)
    assert _main(work, "madiun.yml", "build", "--period", PERIODE, "--data-dir", str(work / "data")) == 0
    out, err = capsys.readouterr()
    assert f"PDF draf {PERIODE}" in out and f"PDF final {PERIODE}" not in out
    assert f"rantai pengesahan {PERIODE} tidak sah" in err and "Traceback" not in out + err


def test_redteam_approve_anchors_on_the_config_given_not_on_kabupaten_yml(registered, tmp_path, keys, capsys):
    """With the pinned configuration named madiun.yml, `approve --config madiun.yml` was always refused (the
    anchor was read from kabupaten.yml, absent); now it signs, and verify accepts the chain."""
    work = tmp_path / "repo"
    shutil.copytree(registered, work)
    git(work, "mv", "kabupaten.yml", "madiun.yml")
    git(work, "commit", "-q", "-m", "konfigurasi bernama madiun.yml")
    args = ["--period", PERIODE, "--data-dir", str(work / "data")]
    assert _main(work, "madiun.yml", "approve", *args, "--step", "draf", "--key", str(keys / "admin"),
                 "--time", "2025-07-10T09:00:00+08:00") == 0
    assert _main(work, "madiun.yml", "verify", *args, "--no-pdf") == 0
    out, err = capsys.readouterr()
    assert "Rantai pengesahan 2025-S1 sah" in out and "Traceback" not in out + err


def test_redteam_a_file_swapped_after_the_final_gate_never_reaches_the_signed_pdf(golden_through_arahan, keys,
                                                                                   tmp_path, monkeypatch, capsys):
    """`approve --step final` checks the working-tree digest, then renders. A file swapped in between used to be
    rendered into the PDF whose sha256 is signed; now the bytes are read once, checked against the approved
    digest and rendered from a private copy, so the swap is refused (20) and nothing is signed."""
    from agregat.pengesahan import langkah as pengesahan_mod
    from agregat.core.errors import EXIT_DATA_CHANGED

    work = golden_workspace(golden_through_arahan, tmp_path, monkeypatch)
    target = work / "data" / PERIODE / "penduduk.yml"
    real_gate = pengesahan_mod._gate

    def gate_then_swap(*args, **kwargs):
        rantai = real_gate(*args, **kwargs)
        target.write_text(target.read_text(encoding="utf-8") + "# angka lain\n", encoding="utf-8")
        return rantai

    monkeypatch.setattr(pengesahan_mod, "_gate", gate_then_swap)
    approvals = snapshot(work / "approvals")
    capsys.readouterr()
    assert chain.approve(work, keys, "final", "admin", ["--copies", "5"], "2025-07-20T10:00:00+08:00") \
        == EXIT_DATA_CHANGED
    out, err = capsys.readouterr()
    assert "bukan yang disetujui" in err and "Traceback" not in out + err
    assert snapshot(work / "approvals") == approvals
