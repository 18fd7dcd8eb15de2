"""`python build.py officials …` end to end in a throwaway project, with keys made by the real ssh-keygen."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from agregat.cli import main as cli
from agregat.pengesahan import kelola_pejabat as officials
from agregat.pengesahan import pejabat
from agregat.pengesahan import sshsig
from agregat.core.config import load_config, with_root_fingerprint
from agregat.core.errors import ConfigError
from agregat.core.paths import Paths
from conftest import snapshot

NIP_KADIS, NIP_KABID = "197001011990031001", "198002022005011002"
ENGLISH = re.compile(r"usage:|positional arguments|options:|show this help|required:|invalid choice|Traceback")


@pytest.fixture
def project(project_copy, monkeypatch):
    """A copy of the project's configuration as the working directory, approvals/ inside it."""
    monkeypatch.chdir(project_copy)
    return project_copy


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """One command in the project of the working directory: its folders are passed down (agregat.core.paths)."""
    code = cli.main(["--config", "kabupaten.yml", *argv], paths=Paths.of_project(Path.cwd()))
    out, err = capsys.readouterr()
    return code, out, err


def fp(key: Path) -> str:
    return sshsig.fingerprint(sshsig.read_public_key(f"{key}.pub"))


def init(capsys, key: Path, *extra: str):
    return run(capsys, "officials", "init", "--root-pubkey", f"{key}.pub", *extra)


def add_kabid(capsys, key: Path, root: Path, *extra: str):
    return run(capsys, "officials", "add", "--nip", NIP_KABID, "--name", "Siti Aminah, S.Kom.",
               "--title", "Kepala Bidang PIAK", "--role", "kabid", "--from", "2024-01-01",
               "--pubkey", f"{key}.pub", "--root-key", str(root), *extra)


def test_init_writes_a_signed_empty_registry_the_policy_and_the_pin(project, ssh_key, capsys):
    root = ssh_key("akar")
    config_before = (project / "kabupaten.yml").read_text()
    code, out, err = init(capsys, root)
    assert (code, err) == (0, "")
    assert out == (f"Registri pejabat (kosong) dan kebijakan SOP ditandatangani kunci akar {fp(root)}; sidik jarinya "
                   "disematkan di kabupaten.yml.\n"
                   "Ditulis: approvals/pejabat.yml, approvals/pejabat.yml.sig, approvals/policy.yml, "
                   "approvals/policy.yml.sig, approvals/allowed_signers, kabupaten.yml. Tambahkan pejabat dengan "
                   "`python build.py officials add`, lalu commit folder approvals/ dan berkas konfigurasi.\n")
    config_after = (project / "kabupaten.yml").read_text()
    assert config_after == config_before.replace('sidik_jari_akar: ""', f'sidik_jari_akar: "{fp(root)}"')
    assert load_config(project / "kabupaten.yml").sidik_jari_akar == fp(root)
    files = officials.read_approvals(project / "approvals")
    registri, kebijakan = pejabat.load_trusted(files, fp(root))
    assert registri == pejabat.Registri(sshsig.read_public_key(f"{root}.pub")) and kebijakan == pejabat.DEFAULT_POLICY
    assert (project / "approvals" / "allowed_signers").read_bytes() == pejabat.allowed_signers(registri)
    assert sorted(p.name for p in (project / "approvals").iterdir()) == [
        "allowed_signers", "pejabat.yml", "pejabat.yml.sig", "policy.yml", "policy.yml.sig"]


def test_init_refuses_to_overwrite_unless_forced(project, ssh_key, capsys):
    root, other = ssh_key("akar"), ssh_key("akar-baru")
    assert init(capsys, root)[0] == 0
    before = snapshot(project)
    code, out, err = init(capsys, other)
    assert (code, out) == (2, "")
    assert err == ("Kesalahan: Registri sudah ada (approvals/pejabat.yml, approvals/policy.yml); init tidak "
                   "menimpanya. Untuk menambah pejabat pakai `officials add`; untuk memulai dari awal (semua pejabat "
                   "terhapus) tambahkan --force.\n")
    assert snapshot(project) == before
    assert init(capsys, other, "--force")[0] == 0
    assert load_config(project / "kabupaten.yml").sidik_jari_akar == fp(other)


def test_init_with_a_key_that_is_not_the_root_writes_nothing(project, ssh_key, capsys):
    root, stranger = ssh_key("akar"), ssh_key("bukan-akar")
    before = snapshot(project)
    code, out, err = init(capsys, root, "--root-key", str(stranger))
    assert code == 2 and out == ""
    assert err == (f"Kesalahan: Kunci {stranger} bukan kunci akar registri ({fp(root)}). Registri pejabat hanya "
                   "dapat ditandatangani dengan kunci akar; berikan kunci itu di --root-key.\n")
    assert snapshot(project) == before


def test_add_list_and_allowed_signers_end_to_end(project, ssh_key, capsys, tmp_path):
    root, kabid, kadis = ssh_key("akar"), ssh_key("kabid"), ssh_key("kadis")
    assert init(capsys, root)[0] == 0
    code, out, err = add_kabid(capsys, kabid, root)
    assert (code, err) == (0, "")
    assert out == (f"Registri pejabat diperbarui untuk nip-{NIP_KABID}: pejabat baru nip-{NIP_KABID} (Siti Aminah, "
                   f"S.Kom., Kepala Bidang PIAK); peran kabid 2024-01-01 s.d. sekarang; kunci {fp(kabid)} berlaku "
                   "2024-01-01 s.d. sekarang.\n"
                   "Registri ditandatangani ulang; approvals/allowed_signers dibuat ulang. Commit folder approvals/.\n")
    code, out, _ = run(capsys, "officials", "add", "--nip", NIP_KABID, "--role", "sekretaris", "--from", "2025-03-01",
                       "--to", "2025-03-31", "--remark", "Plh.", "--root-key", str(root))
    assert code == 0 and out.startswith(f"Registri pejabat diperbarui untuk nip-{NIP_KABID}: peran sekretaris Plh. "
                                        "2025-03-01 s.d. 2025-03-31.\n")
    code, _, _ = run(capsys, "officials", "add", "--nip", NIP_KADIS, "--name", "Drs. H. Contoh, M.Si.",
                     "--title", "Kepala Dinas", "--role", "kadis", "--from", "2024-01-01", "--pubkey", f"{kadis}.pub",
                     "--key-to", "2027-12-31", "--root-key", str(root))
    assert code == 0

    code, out, err = run(capsys, "officials", "list")
    assert (code, err) == (0, "")
    assert out == (
        f"Registri pejabat sah: ditandatangani kunci akar {fp(root)} (sesuai kabupaten.yml).\n"
        f"nip-{NIP_KADIS}  Drs. H. Contoh, M.Si. — Kepala Dinas\n"
        "  peran kadis (Kepala Dinas): 2024-01-01 s.d. sekarang\n"
        f"  kunci {fp(kadis)}: 2024-01-01 s.d. 2027-12-31\n"
        f"nip-{NIP_KABID}  Siti Aminah, S.Kom. — Kepala Bidang PIAK\n"
        "  peran kabid (Kabid PIAK): 2024-01-01 s.d. sekarang\n"
        "  peran sekretaris (Sekretaris) Plh.: 2025-03-01 s.d. 2025-03-31\n"
        f"  kunci {fp(kabid)}: 2024-01-01 s.d. seterusnya\n"
        "Kebijakan sah: 8 langkah: 1. draf (admin) → 2. analisa (kasi) → 3. koreksi (kabid) → 4. paraf-sekretaris "
        "(sekretaris) → 5. paraf-kadis (kadis) → 6. arahan (kasi) → 7. final (admin) → 8. registrasi (admin).\n")

    # the committed allowed_signers is exactly what the (verified) registry gives
    registri, _ = pejabat.load_trusted(officials.read_approvals(project / "approvals"), fp(root))
    assert (project / "approvals" / "allowed_signers").read_bytes() == pejabat.allowed_signers(registri)
    assert f'valid-before="20271231155959Z" {sshsig.read_public_key(f"{kadis}.pub")}' in \
        (project / "approvals" / "allowed_signers").read_text()

    # and stock ssh-keygen accepts a statement signature and the registry signature with it
    message = b"langkah: \"koreksi\"\n"
    (tmp_path / "s.sig").write_bytes(sshsig.sign(message, kabid, sshsig.NAMESPACE_PERNYATAAN))
    checks = [(f"nip-{NIP_KABID}", sshsig.NAMESPACE_PERNYATAAN, tmp_path / "s.sig", message),
              ("akar", sshsig.NAMESPACE_REGISTRI, project / "approvals" / "pejabat.yml.sig",
               (project / "approvals" / "pejabat.yml").read_bytes())]
    for principal, namespace, sig, data in checks:
        done = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", "approvals/allowed_signers", "-I", principal,
                               "-n", namespace, "-s", str(sig)], input=data, capture_output=True, check=False)
        assert done.returncode == 0, done.stderr


def test_list_warns_about_a_stale_allowed_signers_and_rewrites_it(project, ssh_key, capsys):
    root = ssh_key("akar")
    assert init(capsys, root)[0] == 0
    signers = project / "approvals" / "allowed_signers"
    good = signers.read_bytes()
    signers.write_bytes(good + b"nip-1 ssh-ed25519 AAAA\n")
    code, _, err = run(capsys, "officials", "list")
    assert code == 0 and err == ("Peringatan: approvals/allowed_signers tidak sesuai registri. Berkas itu dibuat dari "
                                 "registri: jalankan `python build.py officials list --write-allowed-signers` lalu "
                                 "commit.\n")
    code, out, err = run(capsys, "officials", "list", "--write-allowed-signers")
    assert code == 0 and err == "" and out.endswith("approvals/allowed_signers ditulis ulang dari registri.\n")
    assert signers.read_bytes() == good


def test_add_refusals_write_nothing(project, ssh_key, capsys, tmp_path):
    root, kabid, stranger = ssh_key("akar"), ssh_key("kabid"), ssh_key("bukan-akar")
    assert init(capsys, root)[0] == 0
    before = snapshot(project)

    code, out, err = add_kabid(capsys, kabid, stranger)
    assert (code, out) == (2, "")
    assert err == (f"Kesalahan: Kunci {stranger} bukan kunci akar registri ({fp(root)}). Registri pejabat hanya "
                   "dapat ditandatangani dengan kunci akar; berikan kunci itu di --root-key.\n")

    missing = tmp_path / "tidak-ada.pub"
    code, out, err = run(capsys, "officials", "add", "--nip", NIP_KABID, "--name", "A", "--title", "B",
                         "--role", "kabid", "--pubkey", str(missing), "--root-key", str(root))
    assert (code, out) == (2, "")
    assert err == (f"Kesalahan: Berkas kunci publik {missing} tidak ditemukan. Periksa jalurnya (biasanya "
                   "berakhiran .pub).\n")
    assert not ENGLISH.search(err)

    code, _, err = run(capsys, "officials", "add", "--nip", NIP_KABID, "--name", "A", "--title", "B",
                       "--role", "kabid", "--pubkey", str(kabid), "--root-key", str(root))
    assert code == 2 and "adalah kunci privat. Berikan kunci publiknya (berkas .pub)" in err

    code, _, err = add_kabid(capsys, kabid, root, "--to", "2023-01-01")
    assert (code, err) == (2, "Kesalahan: Tanggal --to (2023-01-01) sebelum --from (2024-01-01).\n")
    code, _, err = add_kabid(capsys, kabid, root, "--key-from", "1 Januari 2024")
    assert (code, err) == (2, "Kesalahan: --key-from '1 Januari 2024' bukan tanggal TTTT-BB-HH (mis. 2025-01-31).\n")
    code, _, err = run(capsys, "officials", "add", "--nip", "12345", "--name", "A", "--title", "B", "--role",
                       "kabid", "--pubkey", f"{kabid}.pub", "--root-key", str(root))
    assert (code, err) == (2, "Kesalahan: NIP '12345' tidak sah: NIP terdiri atas tepat 18 angka, tanpa spasi.\n")
    assert snapshot(project) == before


def test_a_tampered_registry_is_refused_with_the_registry_exit_code(project, ssh_key, capsys):
    root, kabid = ssh_key("akar"), ssh_key("kabid")
    assert init(capsys, root)[0] == 0
    assert add_kabid(capsys, kabid, root)[0] == 0
    path = project / "approvals" / "pejabat.yml"
    path.write_bytes(path.read_bytes().replace(b'peran: "kabid"', b'peran: "kadis"'))
    code, out, err = run(capsys, "officials", "list")
    assert (code, out) == (24, "")
    assert err.startswith("Kesalahan: approvals/pejabat.yml.sig: Tanda tangan tidak sah: isi berkas tidak cocok "
                          "dengan tanda tangannya")
    code, _, err = add_kabid(capsys, ssh_key("lain"), root)
    assert code == 24 and "approvals/pejabat.yml.sig" in err


def test_list_without_a_pin_or_a_registry(project, capsys):
    code, out, err = run(capsys, "officials", "list")
    assert (code, out) == (24, "")
    assert err == ("Kesalahan: Sidik jari kunci akar belum disematkan (kabupaten.yml: pengesahan.sidik_jari_akar). "
                   "Jalankan `python build.py officials init --root-pubkey KUNCI.pub`.\n")


def test_end_role_and_revoke_key(project, ssh_key, capsys):
    root, kabid = ssh_key("akar"), ssh_key("kabid")
    assert init(capsys, root)[0] == 0
    assert add_kabid(capsys, kabid, root)[0] == 0
    code, out, err = run(capsys, "officials", "end-role", "--nip", NIP_KABID, "--role", "kabid", "--to", "2025-06-30",
                         "--root-key", str(root))
    assert (code, err) == (0, "")
    assert out.startswith(f"Peran kabid nip-{NIP_KABID} diakhiri pada 2025-06-30 (inklusif).\n")
    code, out, err = run(capsys, "officials", "revoke-key", "--nip", NIP_KABID, "--pubkey", f"{kabid}.pub",
                         "--to", "2025-05-31", "--root-key", str(root))
    assert (code, err) == (0, "")
    assert out.startswith(f"Kunci {fp(kabid)} milik nip-{NIP_KABID} berlaku sampai 2025-05-31 (inklusif).\n")
    registri, _ = pejabat.load_trusted(officials.read_approvals(project / "approvals"), fp(root))
    official = registri.find(f"nip-{NIP_KABID}")
    assert official.peran[0].sampai.isoformat() == "2025-06-30"
    assert official.kunci[0].berlaku_sampai.isoformat() == "2025-05-31"
    assert 'valid-before="20250531155959Z"' in (project / "approvals" / "allowed_signers").read_text()
    code, _, err = run(capsys, "officials", "end-role", "--nip", NIP_KABID, "--role", "kabid", "--to", "2025-07-30",
                       "--root-key", str(root))
    assert code == 2
    assert err == f"Kesalahan: nip-{NIP_KABID} tidak memegang peran kabid yang masih berjalan; tidak ada yang diakhiri.\n"


def test_officials_help_is_indonesian(capsys):
    for argv in (["officials"], ["officials", "init"], ["officials", "add"], ["officials", "list"],
                 ["officials", "end-role"], ["officials", "revoke-key"], ["officials", "rotate-root"]):
        with pytest.raises(SystemExit) as info:
            cli.main([*argv, "--help"])
        assert info.value.code == 0
        text = capsys.readouterr().out
        assert text.startswith(f"pemakaian: python build.py {' '.join(argv)}")
        assert not ENGLISH.search(text), argv
    with pytest.raises(SystemExit) as info:
        cli.main(["officials", "add", "--nip", NIP_KABID])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "Kesalahan: opsi wajib belum diisi: --root-key. Lihat 'python build.py officials add --help'." in err


def test_init_refuses_a_config_pinned_to_another_root(project, ssh_key, capsys):
    root, other = ssh_key("akar"), ssh_key("akar-lain")
    assert init(capsys, root)[0] == 0
    for path in (project / "approvals").iterdir():
        path.unlink()
    code, out, err = init(capsys, other)
    assert (code, out) == (2, "")
    assert err == (f"Kesalahan: kabupaten.yml sudah menyematkan kunci akar lain ({fp(root)}). Tambahkan --force "
                   "untuk mengganti kunci akar.\n")
    assert not any((project / "approvals").iterdir())


def test_the_pin_is_a_targeted_edit_and_checked_when_read(tmp_path, project):
    pin = "SHA256:pPt+moIe1Z4UoExj8vK2+STx6wOv3qWkEFMLhI/Z0+s"
    assert with_root_fingerprint("a: 1\n", pin) == f'a: 1\n\npengesahan:\n  sidik_jari_akar: "{pin}"\n'
    assert with_root_fingerprint("pengesahan:  # akar\nb: 2\n", pin) == \
        f'pengesahan:  # akar\n  sidik_jari_akar: "{pin}"\nb: 2\n'
    assert with_root_fingerprint('# x\npengesahan:\n  sidik_jari_akar: ""   # kosong\n', pin) == \
        f'# x\npengesahan:\n  sidik_jari_akar: "{pin}"   # kosong\n'
    with pytest.raises(ConfigError, match="tidak dapat diubah otomatis"):
        with_root_fingerprint('pengesahan: {sidik_jari_akar: ""}\n', pin)
    config = project / "kabupaten.yml"
    text = config.read_text()
    config.write_text(text.replace('sidik_jari_akar: ""', 'sidik_jari_akar: "MD5:ab:cd"'))
    with pytest.raises(ConfigError, match=r"kunci 'pengesahan.sidik_jari_akar' harus sidik jari seperti \"SHA256:…\""):
        load_config(config)
    config.write_text(text.replace('sidik_jari_akar: ""', f'sidik_jari_akar: "{pin}"\n  akar: "x"'))
    with pytest.raises(ConfigError, match=r"kunci 'pengesahan.akar' tidak dikenal"):
        load_config(config)
    config.write_text(text.replace('sidik_jari_akar: ""', f'sidik_jari_akar: "{pin}"'))
    assert load_config(config).sidik_jari_akar == pin


def test_add_records_a_tte_certificate_root_signed(project, ssh_key, capsys, tmp_path):
    """`officials add --tte-cert` records the SHA-256 of the certificate (as openssl prints it), signed by
    the root like the rest; a file that is not a certificate is refused and nothing is written."""
    root, kadis = ssh_key("akar"), ssh_key("kadis")
    assert init(capsys, root)[0] == 0
    assert run(capsys, "officials", "add", "--nip", NIP_KADIS, "--name", "Drs. H. Contoh, M.Si.", "--title",
               "Kepala Dinas", "--role", "kadis", "--from", "2024-01-01", "--pubkey", f"{kadis}.pub",
               "--root-key", str(root))[0] == 0
    cert = tmp_path / "kadis.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(tmp_path / "kadis.key"), "-out", str(cert), "-subj", "/C=ID/CN=Kepala Dinas Uji",
                    "-days", "30"], check=True, capture_output=True)
    printed = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-fingerprint", "-sha256"],
                             check=True, capture_output=True, text=True).stdout
    sha = printed.split("=", 1)[1].strip().replace(":", "").lower()

    before = snapshot(project)
    code, out, err = run(capsys, "officials", "add", "--nip", NIP_KADIS, "--tte-cert",
                         str(tmp_path / "kadis.key"), "--root-key", str(root))
    assert (code, out) == (2, "") and "bukan sertifikat X.509 (PEM atau DER)" in err and not ENGLISH.search(err)
    assert snapshot(project) == before

    code, out, err = run(capsys, "officials", "add", "--nip", NIP_KADIS, "--tte-cert", str(cert),
                         "--root-key", str(root))
    assert (code, err) == (0, "")
    assert out.startswith(f"Registri pejabat diperbarui untuk nip-{NIP_KADIS}: sertifikat TTE sha256 {sha}.\n")
    registri, _ = pejabat.load_trusted(officials.read_approvals(project / "approvals"), fp(root))
    assert registri.find(f"nip-{NIP_KADIS}").sertifikat_tte == (sha,)
    assert f"  sertifikat TTE sha256 {sha}\n" in run(capsys, "officials", "list")[1]
    code, _, err = run(capsys, "officials", "add", "--nip", NIP_KADIS, "--tte-cert", str(cert),
                       "--root-key", str(root))
    assert code == 2 and "sudah tercatat" in err
