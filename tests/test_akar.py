"""Attacks on the trust model, end to end in real git repositories with real ssh-keygen keys: the root pin
anchored in history (agregat.pengesahan.akar) and commit order binding statements to registry changes
(agregat.pengesahan.riwayat_registri). The chain fixtures are the session fixtures of conftest.py."""

from __future__ import annotations

import datetime as dt
import shutil

import test_pengesahan as chain
from conftest import snapshot
from test_pengesahan import OFFICIALS, forge, git, run

from agregat.pengesahan import akar
from agregat.pengesahan import sshsig
from agregat.core.periode import WITA
from agregat.core.errors import EXIT_NOT_AUTHORISED, EXIT_REFUSED, EXIT_REGISTRY


def fp(path) -> str:
    return sshsig.fingerprint(sshsig.read_public_key(f"{path}.pub"))


def head(repo) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def approvals(repo) -> list[str]:
    return ["--approvals-dir", str(repo / "approvals")]


def verify_refused(repo, capsys, code: int) -> str:
    """verify fails with `code`, writes nothing, and says why in Indonesian without a traceback."""
    before = snapshot(repo)
    assert chain.verify(repo) == code
    out, err = capsys.readouterr()
    assert "TIDAK SAH" in err and "Traceback" not in out + err
    assert snapshot(repo) == before
    return err


# ---- hole 2: the root pin is anchored in history -----------------------------------------------------------

def test_reinit_with_a_new_root_and_re_added_officials_is_refused(repo, keys, ssh_key, capsys):
    """`officials init --force` with the attacker's root, officials re-added (the admin with the attacker's
    key), a `final` signed with it: the registry is validly signed by the pinned root of the working tree,
    but the pin change is not authorised by the old root."""
    attacker = ssh_key("penyerang-admin")
    assert run(repo, "officials", "init", "--force", "--root-pubkey", str(keys / "penyusup.pub"),
               "--root-key", str(keys / "penyusup"), *approvals(repo)) == 0
    assert "tanpa rotasi yang ditandatangani kunci akar lama" in capsys.readouterr().err
    for role, (nip, nama) in OFFICIALS.items():
        key = attacker if role == "admin" else keys / role
        assert run(repo, "officials", "add", "--nip", nip, "--name", nama, "--title", f"Jabatan {role}",
                   "--role", role, "--from", "2024-01-01", "--pubkey", f"{key}.pub", "--key-from", "2024-01-01",
                   "--root-key", str(keys / "penyusup"), *approvals(repo)) == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "registri baru")
    pin_change = head(repo)
    forge(repo, attacker.parent, "final", attacker.name, principal_role="admin")
    err = verify_refused(repo, capsys, EXIT_REGISTRY)
    assert f"commit {pin_change[:12]} mengganti setelan akar tanpa rotasi yang ditandatangani kunci akar lama" in err
    assert fp(keys / "kadis") in err and fp(keys / "penyusup") in err


def test_a_rotation_signed_by_the_old_root_is_trusted_and_verify_names_the_new_root_and_its_commit(
        repo, keys, ssh_key, capsys):
    new_root = ssh_key("akar-baru")
    rotate = ["officials", "rotate-root", "--root-key", str(keys / "kadis"), "--new-root-pubkey",
              f"{new_root}.pub", "--new-root-key", str(new_root), *approvals(repo)]
    assert run(repo, *rotate) == 0
    out = capsys.readouterr().out
    assert f"Rotasi akar 1 ditandatangani kunci akar lama {fp(keys / 'kadis')}" in out
    assert (repo / "approvals" / "akar" / "0001.yml").is_file()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "rotasi kunci akar")
    rotated = head(repo)
    assert chain.verify(repo) == 0
    out = capsys.readouterr().out
    assert f"Kunci akar tepercaya: {fp(new_root)}, disematkan di commit {rotated[:12]}" in out
    assert "1 rotasi ditandatangani akar sebelumnya" in out
    # the old root no longer signs the registry; the new one does
    assert run(repo, "officials", "end-role", "--nip", OFFICIALS["kasi"][0], "--role", "kasi", "--to", "2026-01-01",
               "--root-key", str(keys / "kadis"), *approvals(repo)) == 2
    assert "bukan kunci akar registri" in capsys.readouterr().err


def test_a_rotation_signed_by_another_key_than_the_old_root_is_refused(repo, keys, capsys):
    """The attacker writes the rotation file too, signed with their own key."""
    assert run(repo, "officials", "rotate-root", "--root-key", str(keys / "penyusup"), "--new-root-pubkey",
               str(keys / "penyusup.pub"), *approvals(repo)) == 2
    assert "bukan kunci akar yang sekarang disematkan" in capsys.readouterr().err
    assert not (repo / "approvals" / "akar").exists()
    old = akar.Setelan(fp(keys / "kadis"))
    rotasi = akar.Rotasi(1, old, akar.Setelan(fp(keys / "penyusup")), dt.datetime.now(WITA))
    data = akar.dump_rotasi(rotasi)
    (repo / "approvals" / "akar").mkdir()
    (repo / "approvals" / "akar" / "0001.yml").write_bytes(data)
    (repo / "approvals" / "akar" / "0001.yml.sig").write_bytes(akar.sign_rotasi(data, keys / "penyusup"))
    assert run(repo, "officials", "init", "--force", "--root-pubkey", str(keys / "penyusup.pub"),
               "--root-key", str(keys / "penyusup"), *approvals(repo)) == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "rotasi palsu")
    err = verify_refused(repo, capsys, EXIT_REGISTRY)
    assert "approvals/akar/0001.yml.sig: ditandatangani kunci" in err and "bukan kunci akar lama" in err


def test_akar_tte_changed_without_authorisation_is_refused_and_with_a_rotation_accepted(repo, keys, capsys):
    config = repo / "kabupaten.yml"
    original = config.read_bytes()
    (repo / "akar-palsu.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nbukan akar BSrE\n-----END CERTIFICATE-----\n")
    config.write_text(config.read_text().replace('akar_tte: ""', 'akar_tte: "akar-palsu.pem"'))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "akar TTE lain")
    changed = head(repo)
    err = verify_refused(repo, capsys, EXIT_REGISTRY)
    assert f"commit {changed[:12]} mengganti setelan akar tanpa rotasi" in err and "akar TTE sha256" in err

    # undone, then done properly: the same change with a rotation signed by the root
    git(repo, "revert", "--no-edit", "HEAD")
    config.write_bytes(original.replace(b'akar_tte: ""', b'akar_tte: "akar-palsu.pem"'))
    (repo / "akar-palsu.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nakar BSrE\n-----END CERTIFICATE-----\n")
    assert run(repo, "officials", "rotate-root", "--root-key", str(keys / "kadis"), *approvals(repo)) == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "akar TTE diganti dengan rotasi")
    assert chain.verify(repo) == 0
    out = capsys.readouterr().out
    assert f"Kunci akar tepercaya: {fp(keys / 'kadis')}" in out
    assert f"Peringatan: commit {changed[:12]} mengganti setelan akar tanpa rotasi" in out   # history stays visible


def test_a_working_tree_pin_other_than_the_committed_one_is_refused(repo, keys, capsys):
    assert run(repo, "officials", "init", "--force", "--root-pubkey", str(keys / "penyusup.pub"),
               "--root-key", str(keys / "penyusup"), *approvals(repo)) == 0
    capsys.readouterr()
    err = verify_refused(repo, capsys, EXIT_REGISTRY)
    assert f"di folder kerja menyematkan {fp(keys / 'penyusup')}" in err


# ---- hole 5: commit order binds the time -------------------------------------------------------------------

def _two_steps(registered, tmp_path, keys):
    work = tmp_path / "repo"
    shutil.copytree(registered, work)
    for step, role, extra, waktu in chain.STEPS[:2]:
        assert chain.approve(work, keys, step, role, extra, waktu) == 0
    return work


def _revoke_kabid(work, keys):
    assert run(work, "officials", "revoke-key", "--nip", OFFICIALS["kabid"][0], "--pubkey", str(keys / "kabid.pub"),
               "--to", "2025-07-31", "--root-key", str(keys / "kadis"), *approvals(work)) == 0
    git(work, "commit", "-q", "-am", "kunci kabid dicabut")
    return head(work)


def test_a_revoked_key_cannot_sign_by_backdating(registered, tmp_path, keys, capsys):
    work = _two_steps(registered, tmp_path, keys)
    revoked = _revoke_kabid(work, keys)
    backdated = "2025-07-24T09:15:00+08:00"           # a week before the key's last day
    capsys.readouterr()
    assert chain.approve(work, keys, "koreksi", "kabid", ["--decision", "setuju"], backdated) == EXIT_REFUSED
    assert f"tidak sebelum commit registri {revoked[:12]}" in capsys.readouterr().err
    path = forge(work, keys, "koreksi", "kabid", waktu=backdated)
    err = verify_refused(work, capsys, EXIT_NOT_AUTHORISED)
    assert f"{path.relative_to(work).as_posix()}: di-commit" in err
    assert f"tidak sebelum commit registri {revoked[:12]}" in err and "urutan commit yang menentukan" in err


def test_a_backdated_statement_from_a_branch_forked_before_the_revocation_is_refused(registered, tmp_path, keys,
                                                                                    capsys):
    """The same attack through a side branch made before the revocation and merged after it."""
    work = _two_steps(registered, tmp_path, keys)
    git(work, "branch", "lama")
    revoked = _revoke_kabid(work, keys)
    git(work, "checkout", "-q", "lama")
    forge(work, keys, "koreksi", "kabid", waktu="2025-07-24T09:15:00+08:00")
    git(work, "checkout", "-q", "main")
    git(work, "merge", "-q", "--no-ff", "-m", "Merge lama", "lama")
    err = verify_refused(work, capsys, EXIT_NOT_AUTHORISED)
    assert f"tidak sebelum commit registri {revoked[:12]}" in err


def test_a_statement_committed_before_its_key_was_registered_is_refused(repo, keys, ssh_key, capsys):
    """Signed with a key nobody registered, committed, then the key registered with a validity in the past."""
    new = ssh_key("admin-baru")
    path = forge(repo, new.parent, "final", new.name, principal_role="admin", waktu="2025-07-11T08:00:00+08:00")
    early = head(repo)
    assert run(repo, "officials", "add", "--nip", OFFICIALS["admin"][0], "--pubkey", f"{new}.pub",
               "--key-from", "2025-07-01", "--root-key", str(keys / "kadis"), *approvals(repo)) == 0
    git(repo, "commit", "-q", "-am", "kunci admin baru, berlaku surut")
    err = verify_refused(repo, capsys, EXIT_NOT_AUTHORISED)
    assert f"{path.relative_to(repo).as_posix()}: di-commit ({early[:12]}) sebelum kunci {fp(new)}" in err


def test_a_statement_in_the_same_commit_as_its_key_is_refused(repo, keys, ssh_key, capsys):
    new = ssh_key("admin-baru")
    assert run(repo, "officials", "add", "--nip", OFFICIALS["admin"][0], "--pubkey", f"{new}.pub",
               "--key-from", "2025-07-01", "--root-key", str(keys / "kadis"), *approvals(repo)) == 0
    forge(repo, new.parent, "final", new.name, principal_role="admin")     # commits registry and statement together
    err = verify_refused(repo, capsys, EXIT_NOT_AUTHORISED)
    assert "masuk registri pejabat, atau di commit yang sama" in err


def test_a_registry_change_while_a_revision_is_open_is_listed_by_verify(repo, keys, ssh_key, capsys):
    """A root holder adding a key for another official in mid-revision: valid, but visible."""
    extra = ssh_key("kabid-kedua")
    assert run(repo, "officials", "add", "--nip", OFFICIALS["kabid"][0], "--pubkey", f"{extra}.pub",
               "--key-from", "2025-07-10", "--root-key", str(keys / "kadis"), *approvals(repo)) == 0
    git(repo, "commit", "-q", "-am", "kunci tambahan kabid")
    added = head(repo)
    assert chain.verify(repo) == 0
    out = capsys.readouterr().out
    assert "Perhatian: registri pejabat diubah selama revisi masih berjalan" in out
    assert (f"  revisi 1: commit {added[:12]}: kunci {fp(extra)} ditambahkan untuk nip-{OFFICIALS['kabid'][0]} "
            f"({OFFICIALS['kabid'][1]}), berlaku 2025-07-10 s.d. sekarang") in out


def test_no_registry_change_during_the_revision_lists_nothing(through_arahan, capsys):
    assert chain.verify(through_arahan) == 0
    assert "registri pejabat diubah selama revisi" not in capsys.readouterr().out
