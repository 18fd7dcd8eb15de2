"""The officials registry and the policy: strict parsing, validity in WITA, root signature, allowed_signers."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from agregat.core.peran import ROLES
from agregat.pengesahan import pejabat
from agregat.pengesahan import sshsig
from agregat.core.errors import EXIT_REGISTRY, RegistryError, UsageError
from agregat.pengesahan.pejabat import (
    DEFAULT_POLICY,
    KEBIJAKAN_FILE,
    REGISTRI_FILE,
    Kunci,
    Pejabat,
    Peran,
    Registri,
    allowed_signers,
    dump_kebijakan,
    dump_registri,
    load_trusted,
    parse_kebijakan,
    parse_registri,
    verify_signed,
)
from agregat.core.periode import WITA
from agregat.pengesahan.sshsig import NAMESPACE_PERNYATAAN, NAMESPACE_REGISTRI

NIP_KADIS, NIP_KABID = "197001011990031001", "198002022005011002"


def wita(*parts) -> datetime:
    return datetime(*parts, tzinfo=WITA)


@pytest.fixture
def keys(ssh_key):
    return {name: ssh_key(name) for name in ("akar", "kadis", "kabid", "kabid-baru")}


def public(key: Path) -> str:
    return sshsig.read_public_key(f"{key}.pub")


def sample(keys) -> Registri:
    kadis = Pejabat(f"nip-{NIP_KADIS}", "Drs. H. Contoh, M.Si.", NIP_KADIS,
                    "Kepala Dinas Kependudukan dan Pencatatan Sipil",
                    (Peran("kadis", date(2024, 1, 1)),),
                    (Kunci(public(keys["kadis"]), date(2024, 1, 1), date(2027, 12, 31)),))
    kabid = Pejabat(f"nip-{NIP_KABID}", "Siti Aminah, S.Kom.", NIP_KABID, "Kepala Bidang PIAK",
                    (Peran("kabid", date(2024, 1, 1), date(2025, 6, 30)),
                     Peran("sekretaris", date(2025, 3, 1), date(2025, 3, 31), "Plh.")),
                    (Kunci(public(keys["kabid"]), date(2024, 1, 1), date(2025, 6, 30)),
                     Kunci(public(keys["kabid-baru"]), date(2025, 7, 1))))
    return Registri(public(keys["akar"]), (kadis, kabid))


def signed_files(registri: Registri, key: Path, policy_key: Path | None = None) -> dict[str, bytes]:
    data, policy = dump_registri(registri), dump_kebijakan(DEFAULT_POLICY)
    return {REGISTRI_FILE: data, REGISTRI_FILE + ".sig": sshsig.sign(data, key, NAMESPACE_REGISTRI),
            KEBIJAKAN_FILE: policy, KEBIJAKAN_FILE + ".sig": sshsig.sign(policy, policy_key or key, NAMESPACE_REGISTRI)}


# ---- parsing and writing ------------------------------------------------------------------------------

def test_registry_round_trips_through_its_file(keys):
    registri = sample(keys)
    data = dump_registri(registri)
    assert data.startswith(b"# Daftar pejabat penanda tangan. Dibuat oleh `python build.py officials`")
    assert parse_registri(data, REGISTRI_FILE) == registri
    text = data.decode()
    assert f'  - principal: "nip-{NIP_KABID}"\n    nama: "Siti Aminah, S.Kom."\n    nip: "{NIP_KABID}"\n' in text
    assert ('      - peran: "sekretaris"\n        dari: "2025-03-01"\n        sampai: "2025-03-31"\n'
            '        keterangan: "Plh."\n') in text
    assert '        berlaku_dari: "2025-07-01"\n        berlaku_sampai: ""\n' in text


def test_default_policy_is_the_eight_sop_steps_and_round_trips():
    assert [(s.nomor, s.nama, s.peran, s.keputusan, s.standar_menit) for s in DEFAULT_POLICY.langkah] == [
        (1, "draf", "admin", ("diajukan",), None), (2, "analisa", "kasi", ("diteruskan",), None),
        (3, "koreksi", "kabid", ("setuju", "tolak"), 20), (4, "paraf-sekretaris", "sekretaris", ("paraf",), 10),
        (5, "paraf-kadis", "kadis", ("paraf",), None), (6, "arahan", "kasi", ("diteruskan",), 10),
        (7, "final", "admin", ("final",), 20160), (8, "registrasi", "admin", ("terdaftar",), 1440)]
    data = dump_kebijakan(DEFAULT_POLICY)
    assert parse_kebijakan(data, KEBIJAKAN_FILE) == DEFAULT_POLICY
    assert data.decode().endswith('boleh_rangkap:\n  - - "draf"\n    - "final"\n    - "registrasi"\n'
                                  '  - - "analisa"\n    - "arahan"\n')
    assert DEFAULT_POLICY.step("koreksi").judul == "Koreksi dan persetujuan Kabid"
    assert DEFAULT_POLICY.step("tidak-ada") is None
    assert DEFAULT_POLICY.next_after(None).nama == "draf"
    assert DEFAULT_POLICY.next_after("arahan").nama == "final"
    assert DEFAULT_POLICY.next_after("registrasi") is None
    assert DEFAULT_POLICY.may_combine("draf", "registrasi") and DEFAULT_POLICY.may_combine("analisa", "arahan")
    assert not DEFAULT_POLICY.may_combine("analisa", "koreksi")


def test_every_bad_field_is_named_with_the_file(keys):
    text = dump_registri(sample(keys)).decode()
    text = (text.replace(f'nip: "{NIP_KABID}"', 'nip: "12345"')
                .replace('peran: "kadis"', 'peran: "bupati"')
                .replace('dari: "2025-03-01"', 'dari: "2025-02-30"')
                .replace('berlaku_sampai: "2025-06-30"', 'berlaku_sampai: "2023-12-31"')
                .replace('nama: "Siti Aminah, S.Kom."', 'nama: ""')
                .replace("versi: 1", "versi: 2"))
    with pytest.raises(RegistryError) as info:
        parse_registri(text.encode(), REGISTRI_FILE)
    message = str(info.value)
    assert info.value.exit_code == EXIT_REGISTRY == 24
    assert message.startswith("approvals/pejabat.yml belum benar: versi: harus 1")
    for fragment in ("pejabat[1].peran[1].peran: 'bupati' bukan peran yang dikenal",
                     "pejabat[2].nip: bentuknya salah ('12345')",
                     "pejabat[2].principal: harus \"nip-12345\"",
                     "pejabat[2].peran[2].dari: harus tanggal TTTT-BB-HH ('2025-02-30')",
                     "pejabat[2].kunci[1]: tanggal akhir sebelum tanggal mulai",
                     "pejabat[2].nama: tidak boleh kosong"):
        assert fragment in message
    assert message.endswith("pulihkan versi yang ditandatangani dari git atau buat ulang dengan perintah itu.")


def test_missing_unknown_and_unquoted_fields_are_refused(keys):
    text = dump_registri(sample(keys)).decode()
    with pytest.raises(RegistryError, match=r"pejabat\[1\]: kunci wajib tidak ada: jabatan"):
        parse_registri(text.replace('    jabatan: "Kepala Dinas Kependudukan dan Pencatatan Sipil"\n', "").encode(), "r")
    with pytest.raises(RegistryError, match=r"pejabat\[1\]: kunci tidak dikenal: catatan"):
        parse_registri(text.replace('    jabatan: "Kepala Dinas', '    catatan: "x"\n    jabatan: "Kepala Dinas').encode(), "r")
    with pytest.raises(RegistryError, match=r"pejabat\[1\].nip: harus teks dalam tanda kutip"):
        parse_registri(text.replace(f'nip: "{NIP_KADIS}"', f"nip: {NIP_KADIS}").encode(), "r")
    with pytest.raises(RegistryError, match=r"akar: kunci bertipe ssh-rsa"):
        parse_registri(text.replace('akar: "ssh-ed25519', 'akar: "ssh-rsa').encode(), "r")


def test_one_key_belongs_to_one_official(keys):
    registri = sample(keys)
    kabid = registri.pejabat[1]
    stolen = Pejabat(kabid.principal, kabid.nama, kabid.nip, kabid.jabatan, kabid.peran,
                     kabid.kunci + (Kunci(public(keys["kadis"]), date(2024, 1, 1)),))
    data = dump_registri(Registri(registri.akar, (registri.pejabat[0], stolen)))
    with pytest.raises(RegistryError, match=rf"pejabat\[2\].kunci\[3\].publik: kunci ini sudah milik nip-{NIP_KADIS}"):
        parse_registri(data, REGISTRI_FILE)


def test_duplicate_keys_and_cr_are_refused_as_registry_errors(keys):
    data = dump_registri(sample(keys))
    doubled = data.replace(b'    nama: "Drs. H. Contoh, M.Si."\n',
                           b'    nama: "Drs. H. Contoh, M.Si."\n    nama: "Orang Lain"\n')
    with pytest.raises(RegistryError, match=r"approvals/pejabat.yml baris 7: kunci 'nama' muncul dua kali"):
        parse_registri(doubled, REGISTRI_FILE)
    with pytest.raises(RegistryError, match="CR"):
        parse_registri(data.replace(b"\n", b"\r\n"), REGISTRI_FILE)
    policy = dump_kebijakan(DEFAULT_POLICY)
    with pytest.raises(RegistryError, match=r"approvals/policy.yml baris \d+: kunci 'judul' muncul dua kali"):
        parse_kebijakan(policy.replace(b'    judul: "Analisa Kasi"\n',
                                       b'    judul: "Analisa Kasi"\n    judul: "Lain"\n'), KEBIJAKAN_FILE)


def test_bad_policies_are_refused():
    text = dump_kebijakan(DEFAULT_POLICY).decode()
    cases = {
        text.replace("nomor: 2\n", "nomor: 3\n"): r"langkah\[2\].nomor: harus 2",
        text.replace('nama: "final"', 'nama: "draf"'): r"langkah\[7\].nama: langkah 'draf' sudah ada",
        text.replace('peran: "kabid"', 'peran: "bupati"'): r"langkah\[3\].peran: 'bupati' bukan peran",
        text.replace("standar_menit: 20\n", "standar_menit: \"20\"\n"): r"langkah\[3\].standar_menit: harus bilangan",
        text.replace("standar_menit: 10\n", "standar_menit: 0\n", 1): r"langkah\[4\].standar_menit",
        text.replace('    - "arahan"\n', '    - "arahan-lain"\n'): r"boleh_rangkap\[2\]: langkah 'arahan-lain' tidak ada",
        text.replace("keputusan:\n      - \"paraf\"", "keputusan: []", 1): r"langkah\[4\].keputusan: harus daftar",
    }
    for data, pattern in cases.items():
        with pytest.raises(RegistryError, match=pattern):
            parse_kebijakan(data.encode(), KEBIJAKAN_FILE)


# ---- validity -----------------------------------------------------------------------------------------

def test_roles_and_keys_are_valid_on_whole_wita_days(keys):
    kabid = sample(keys).pejabat[1]
    assert kabid.holds("kabid", wita(2025, 6, 30, 23, 59, 59)).dari == date(2024, 1, 1)
    assert kabid.holds("kabid", wita(2025, 7, 1, 0, 0)) is None
    # 16:30 UTC on 30 June is already 1 July in WITA
    assert kabid.holds("kabid", datetime(2025, 6, 30, 16, 30, tzinfo=UTC)) is None
    assert kabid.holds("kabid", datetime(2025, 6, 30, 15, 30, tzinfo=UTC)) is not None
    assert kabid.holds("kabid", wita(2023, 12, 31, 23, 59)) is None
    assert kabid.holds("sekretaris", wita(2025, 3, 15, 9)).keterangan == "Plh."
    assert kabid.holds("kadis", wita(2025, 3, 15, 9)) is None
    old, new = public(keys["kabid"]), public(keys["kabid-baru"])
    assert kabid.key_valid(old, wita(2025, 6, 30, 23, 59, 59)) is not None
    assert kabid.key_valid(old, wita(2025, 7, 1)) is None
    assert kabid.key_valid(new, wita(2025, 7, 1)) is not None and kabid.key_valid(new, wita(2025, 6, 30, 12)) is None
    assert kabid.key_valid(new + " komentar@laptop", wita(2030, 1, 1)) is not None
    with pytest.raises(ValueError):
        kabid.holds("kabid", datetime(2025, 1, 1))


def test_holders_need_the_role_and_a_valid_key(keys):
    registri = sample(keys)
    assert [p.nip for p in registri.holders("kabid", wita(2025, 6, 1))] == [NIP_KABID]
    assert registri.holders("kabid", wita(2025, 7, 1)) == []
    assert [p.nip for p in registri.holders("kadis", wita(2027, 12, 31, 12))] == [NIP_KADIS]
    assert registri.holders("kadis", wita(2028, 1, 1)) == []          # the role goes on, the key ended
    assert registri.find(f"nip-{NIP_KADIS}").nama == "Drs. H. Contoh, M.Si." and registri.find("nip-0") is None


# ---- allowed_signers ----------------------------------------------------------------------------------

def test_allowed_signers_text(keys):
    text = allowed_signers(sample(keys)).decode()
    lines = text.splitlines()
    assert lines[0].startswith("# allowed_signers untuk 'ssh-keygen -Y verify'.")
    assert lines[1:] == sorted(lines[1:]) and len(lines) == 5
    assert lines[1] == f'akar namespaces="buku-agregat-registri@dukcapil" {public(keys["akar"])}'
    assert (f'nip-{NIP_KADIS} namespaces="buku-agregat-pengesahan@dukcapil",valid-after="20231231160000Z",'
            f'valid-before="20271231155959Z" {public(keys["kadis"])}') in lines
    assert (f'nip-{NIP_KABID} namespaces="buku-agregat-pengesahan@dukcapil",valid-after="20250630160000Z" '
            f'{public(keys["kabid-baru"])}') in lines
    assert text.endswith("\n") and "\r" not in text


def test_stock_ssh_keygen_verifies_with_the_generated_allowed_signers(keys, tmp_path):
    registri = sample(keys)
    signers = tmp_path / "allowed_signers"
    signers.write_bytes(allowed_signers(registri))
    message = b"langkah: \"koreksi\"\n"
    (tmp_path / "m.yml.sig").write_bytes(sshsig.sign(message, keys["kabid"], NAMESPACE_PERNYATAAN))

    def stock(principal, namespace, at, sig="m.yml.sig"):
        return subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(signers), "-I", principal, "-n", namespace,
                               "-s", str(tmp_path / sig), "-O", f"verify-time={at}"],
                              input=message, capture_output=True, check=False).returncode

    assert stock(f"nip-{NIP_KABID}", NAMESPACE_PERNYATAAN, "20250630155959Z") == 0
    assert stock(f"nip-{NIP_KABID}", NAMESPACE_PERNYATAAN, "20250630160000Z") != 0     # 1 July WITA
    assert stock(f"nip-{NIP_KABID}", NAMESPACE_PERNYATAAN, "20231231155959Z") != 0
    assert stock(f"nip-{NIP_KADIS}", NAMESPACE_PERNYATAAN, "20250101000000Z") != 0     # someone else's key
    # a statement key is not accepted for the registry namespace, and the root is
    (tmp_path / "r.sig").write_bytes(sshsig.sign(message, keys["kabid"], NAMESPACE_REGISTRI))
    assert stock(f"nip-{NIP_KABID}", NAMESPACE_REGISTRI, "20250101000000Z", "r.sig") != 0
    (tmp_path / "a.sig").write_bytes(sshsig.sign(message, keys["akar"], NAMESPACE_REGISTRI))
    assert stock("akar", NAMESPACE_REGISTRI, "20250101000000Z", "a.sig") == 0
    # our wrapper agrees with the same file
    sshsig.verify(message, (tmp_path / "m.yml.sig").read_bytes(), signers.read_bytes(), f"nip-{NIP_KABID}",
                  NAMESPACE_PERNYATAAN, wita(2025, 6, 30, 23, 59, 59))


# ---- trust --------------------------------------------------------------------------------------------

def test_a_registry_signed_by_the_pinned_root_is_trusted(keys):
    registri = sample(keys)
    files = signed_files(registri, keys["akar"])
    pin = sshsig.fingerprint(registri.akar)
    assert load_trusted(files, pin) == (registri, DEFAULT_POLICY)


def test_a_registry_signed_by_another_key_is_refused(keys):
    registri = sample(keys)
    pin = sshsig.fingerprint(registri.akar)
    files = signed_files(registri, keys["kadis"])
    with pytest.raises(RegistryError, match=r"approvals/pejabat.yml: kunci akar SHA256:\S+ bukan kunci akar yang "
                                            r"disematkan") as info:
        load_trusted(files, pin)
    assert info.value.exit_code == 24
    with pytest.raises(RegistryError, match=re.escape(f"approvals/pejabat.yml.sig: ditandatangani kunci "
                                                      f"{sshsig.fingerprint(public(keys['kadis']))}, bukan kunci akar")):
        verify_signed(files[REGISTRI_FILE], files[REGISTRI_FILE + ".sig"], pin, registri.akar, REGISTRI_FILE)
    files = signed_files(registri, keys["akar"], policy_key=keys["kadis"])
    with pytest.raises(RegistryError, match=r"approvals/policy.yml"):
        load_trusted(files, pin)


def test_a_registry_not_matching_the_pin_is_refused(keys):
    registri = sample(keys)
    files = signed_files(registri, keys["akar"])
    other_pin = sshsig.fingerprint(public(keys["kadis"]))
    with pytest.raises(RegistryError, match=re.escape(f"bukan kunci akar yang disematkan di kabupaten.yml ({other_pin})")):
        load_trusted(files, other_pin)
    with pytest.raises(RegistryError, match="Sidik jari kunci akar belum disematkan"):
        load_trusted(files, "")


def test_a_registry_whose_akar_is_not_its_signer_is_refused(keys):
    registri = sample(keys)
    forged = Registri(public(keys["kadis"]), registri.pejabat)
    files = signed_files(forged, keys["akar"])
    with pytest.raises(RegistryError, match="kunci 'akar' di dalamnya bukan kunci yang menandatanganinya"):
        load_trusted(files, sshsig.fingerprint(registri.akar))


def test_an_edited_registry_or_a_crlf_signature_is_refused(keys):
    registri = sample(keys)
    pin = sshsig.fingerprint(registri.akar)
    files = signed_files(registri, keys["akar"])
    edited = dict(files)
    edited[REGISTRI_FILE] = files[REGISTRI_FILE].replace(b'sampai: "2025-06-30"', b'sampai: "2026-06-30"', 1)
    with pytest.raises(RegistryError, match="isi berkas tidak cocok dengan tanda tangannya"):
        load_trusted(edited, pin)
    crlf = dict(files)
    crlf[REGISTRI_FILE + ".sig"] = files[REGISTRI_FILE + ".sig"].replace(b"\n", b"\r\n")
    with pytest.raises(RegistryError, match="CRLF"):
        load_trusted(crlf, pin)
    crlf = dict(files)
    crlf[KEBIJAKAN_FILE] = files[KEBIJAKAN_FILE].replace(b"\n", b"\r\n")
    with pytest.raises(RegistryError, match="approvals/policy.yml.sig: .*CRLF"):
        load_trusted(crlf, pin)
    missing = {k: v for k, v in files.items() if k != KEBIJAKAN_FILE + ".sig"}
    with pytest.raises(RegistryError, match=r"Berkas pengesahan tidak ada: approvals/policy.yml.sig\. Jalankan"):
        load_trusted(missing, pin)


# ---- changes ------------------------------------------------------------------------------------------

def test_officials_are_added_and_extended_never_deleted(keys, ssh_key):
    registri = Registri(public(keys["akar"]))
    first, changes = pejabat.with_official(registri, nip=NIP_KABID, nama="Siti Aminah", jabatan="Kabid PIAK",
                                           peran=Peran("kabid", date(2024, 1, 1)),
                                           kunci=Kunci(public(keys["kabid"]), date(2024, 1, 1)))
    assert changes == [f"pejabat baru nip-{NIP_KABID} (Siti Aminah, Kabid PIAK)", "peran kabid 2024-01-01 s.d. sekarang",
                       f"kunci {sshsig.fingerprint(public(keys['kabid']))} berlaku 2024-01-01 s.d. sekarang"]
    second, changes = pejabat.with_official(first, nip=NIP_KABID,
                                            peran=Peran("sekretaris", date(2025, 3, 1), date(2025, 3, 31), "Plh."))
    assert changes == ["peran sekretaris Plh. 2025-03-01 s.d. 2025-03-31"]
    assert [p.peran for p in second.pejabat[0].peran] == ["kabid", "sekretaris"]
    with pytest.raises(UsageError, match="sudah memegang peran kabid 2024-01-01 s.d. sekarang"):
        pejabat.with_official(second, nip=NIP_KABID, peran=Peran("kabid", date(2025, 1, 1)))
    with pytest.raises(UsageError, match="Tidak ada yang berubah"):
        pejabat.with_official(second, nip=NIP_KABID, kunci=Kunci(public(keys["kabid"]), date(2024, 1, 1)))
    with pytest.raises(UsageError, match=f"sudah terdaftar untuk nip-{NIP_KABID}"):
        pejabat.with_official(second, nip=NIP_KADIS, nama="A", jabatan="B", peran=Peran("kadis", date(2024, 1, 1)),
                              kunci=Kunci(public(keys["kabid"]), date(2024, 1, 1)))
    with pytest.raises(UsageError, match="NIP '1234' tidak sah"):
        pejabat.with_official(second, nip="1234", nama="A", jabatan="B")
    with pytest.raises(UsageError, match="pejabat baru perlu --name, --title, --role dan --pubkey"):
        pejabat.with_official(second, nip=NIP_KADIS, nama="A", jabatan="B", peran=Peran("kadis", date(2024, 1, 1)))

    ended = pejabat.with_role_ended(second, f"nip-{NIP_KABID}", "kabid", date(2025, 6, 30))
    assert ended.pejabat[0].peran[0] == Peran("kabid", date(2024, 1, 1), date(2025, 6, 30))
    with pytest.raises(UsageError, match="tidak memegang peran kabid yang masih berjalan"):
        pejabat.with_role_ended(ended, f"nip-{NIP_KABID}", "kabid", date(2025, 7, 30))
    revoked = pejabat.with_key_ended(ended, f"nip-{NIP_KABID}", public(keys["kabid"]), date(2025, 5, 31))
    assert revoked.pejabat[0].kunci[0].berlaku_sampai == date(2025, 5, 31)
    with pytest.raises(UsageError, match="hanya dapat diperpendek"):
        pejabat.with_key_ended(revoked, f"nip-{NIP_KABID}", public(keys["kabid"]), date(2025, 6, 30))
    with pytest.raises(UsageError, match=r"sebelum awal berlaku kunci \(2024-01-01\)"):
        pejabat.with_key_ended(ended, f"nip-{NIP_KABID}", public(keys["kabid"]), date(2023, 5, 31))
    assert parse_registri(dump_registri(revoked), REGISTRI_FILE) == revoked
    assert len(revoked.pejabat[0].peran) == 2 and len(revoked.pejabat[0].kunci) == 1
    assert revoked.pejabat[0].holds("kabid", wita(2025, 6, 30, 12)) is not None
    assert revoked.pejabat[0].key_valid(public(keys["kabid"]), wita(2025, 6, 1)) is None
    assert revoked.pejabat[0].key_valid(public(keys["kabid"]), wita(2025, 5, 31) + timedelta(hours=23)) is not None


# ---- the Kepala Dinas's TTE certificate (`sertifikat_tte`, optional) ---------------------------------------

CERT_A, CERT_B = "a" * 64, "0123456789abcdef" * 4


def test_tte_certificates_are_optional_and_round_trip(keys):
    registri = sample(keys)
    plain = dump_registri(registri)
    assert b"sertifikat_tte" not in plain            # a registry without certificates keeps its bytes
    kadis = registri.pejabat[0]
    with_cert = Registri(registri.akar, (replace(kadis, sertifikat_tte=(CERT_A,)), registri.pejabat[1]))
    data = dump_registri(with_cert)
    assert f'    sertifikat_tte:\n      - "{CERT_A}"\n'.encode() in data
    assert parse_registri(data, REGISTRI_FILE) == with_cert
    assert data.replace(f'    sertifikat_tte:\n      - "{CERT_A}"\n'.encode(), b"") == plain


@pytest.mark.parametrize(("entry", "said"), [
    ('    sertifikat_tte:\n      - "AB:CD"\n', r"pejabat\[1\].sertifikat_tte\[1\]: bentuknya salah"),
    ('    sertifikat_tte: []\n', r"pejabat\[1\].sertifikat_tte: harus daftar yang berisi sedikitnya satu entri"),
    (f'    sertifikat_tte:\n      - "{CERT_A}"\n      - "{CERT_A}"\n',
     r"pejabat\[1\].sertifikat_tte\[2\]: sertifikat yang sama tercatat dua kali"),
])
def test_bad_tte_certificate_entries_are_refused(keys, entry, said):
    data = dump_registri(sample(keys)).decode()
    marker = '        berlaku_sampai: "2027-12-31"\n'
    assert data.count(marker) == 1
    with pytest.raises(RegistryError, match=said):
        parse_registri(data.replace(marker, marker + entry).encode(), REGISTRI_FILE)


def test_one_tte_certificate_belongs_to_one_official(keys):
    registri = sample(keys)
    both = Registri(registri.akar, tuple(replace(p, sertifikat_tte=(CERT_A,)) for p in registri.pejabat))
    said = rf"pejabat\[2\].sertifikat_tte\[1\]: sertifikat ini sudah milik nip-{NIP_KADIS}"
    with pytest.raises(RegistryError, match=said):
        parse_registri(dump_registri(both), REGISTRI_FILE)
    first, changes = pejabat.with_official(registri, nip=NIP_KADIS, sertifikat_tte=CERT_A)
    assert changes == [f"sertifikat TTE sha256 {CERT_A}"] and first.find(f"nip-{NIP_KADIS}").sertifikat_tte == (CERT_A,)
    with pytest.raises(UsageError, match=f"sudah terdaftar untuk nip-{NIP_KADIS}"):
        pejabat.with_official(first, nip=NIP_KABID, sertifikat_tte=CERT_A)
    with pytest.raises(UsageError, match="sudah tercatat"):
        pejabat.with_official(first, nip=NIP_KADIS, sertifikat_tte=CERT_A)
    with pytest.raises(UsageError, match="harus SHA-256"):
        pejabat.with_official(first, nip=NIP_KADIS, sertifikat_tte="AB:CD")


def test_the_tte_signer_is_the_kepala_dinas_of_that_day_with_that_certificate(keys):
    registri = sample(keys)
    kadis, kabid = registri.pejabat
    registri = Registri(registri.akar, (replace(kadis, peran=(Peran("kadis", date(2024, 1, 1), date(2025, 7, 31)),),
                                                sertifikat_tte=(CERT_A,)),
                                        replace(kabid, sertifikat_tte=(CERT_B,))))
    assert registri.tte_signer(CERT_A, wita(2025, 7, 31, 23, 59)).principal == f"nip-{NIP_KADIS}"
    assert registri.tte_signer(CERT_A, wita(2025, 8, 1, 0, 0)) is None       # no longer Kepala Dinas
    assert registri.tte_signer(CERT_B, wita(2025, 3, 15, 12, 0)) is None     # the Kabid's certificate
    assert registri.tte_signer("f" * 64, wita(2025, 3, 15, 12, 0)) is None


def test_the_readme_sop_table_is_the_default_policy():
    """The README's table of SOP steps names the steps, their numbers and roles of DEFAULT_POLICY (the one
    place they are defined), and the roles by their codes in agregat.core.peran.ROLES."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| `([a-z-]+)` \| ([a-z]+)(?: \(([^)]*)\))? \|", readme, re.MULTILINE)
    assert [(int(n), step, role) for n, step, role, _ in rows] == [
        (s.nomor, s.nama, s.peran) for s in pejabat.DEFAULT_POLICY.langkah]
    assert all(name == ROLES[role].nama for _, _, role, name in rows if name)


def test_roles_are_listed_once_in_signing_order():
    from agregat.buku import cetak

    assert list(ROLES) == ["admin", "kasi", "kabid", "sekretaris", "kadis"]
    assert cetak.PEJABAT == tuple(role.jabatan for role in ROLES.values())
    assert {s.peran for s in pejabat.DEFAULT_POLICY.langkah} == set(ROLES)
    for name in (pejabat.ARAHAN_STEP, pejabat.BEFORE_FINAL, pejabat.FINAL_STEP, pejabat.REGISTRATION_STEP):
        assert pejabat.DEFAULT_POLICY.step(name) is not None
    assert pejabat.TOLAK in pejabat.DEFAULT_POLICY.step("koreksi").keputusan
