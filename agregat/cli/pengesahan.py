"""The command line of the approvals: `officials`, `verify`, `status`, `approve`, `register`, `tte`.

Parsers and handlers for agregat.pengesahan.langkah and agregat.pengesahan.kelola_pejabat; `agregat.cli.main` registers them. The
handlers only parse, call the approvals layer and print; default folders come in the `Paths` that
`cli.main()` built (agregat.core.paths), never from the `cli` module.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from agregat.cli.opsi import add_option
from agregat.core.errors import EXIT_OK, UsageError
from agregat.core.paths import Paths, shown
from agregat.core.peran import ROLES
from agregat.pengesahan.pejabat import DEFAULT_POLICY, FINAL_STEP, REGISTRATION_STEP


def _either(names) -> str:
    """`a, b atau c`."""
    names = list(names)
    return ", ".join(names[:-1]) + " atau " + names[-1] if len(names) > 1 else "".join(names)


def officials_commands(commands, common_options) -> None:
    """officials init/add/list/end-role/revoke-key: the root-signed registry (agregat.pengesahan.kelola_pejabat)."""
    officials = commands.add_parser(
        "officials", help="registri pejabat penanda tangan dan kunci SSH-nya (ditandatangani kunci akar)",
        description="Kelola approvals/pejabat.yml: pejabat, peran, dan kunci SSH Ed25519 mereka. Setiap "
                    "perubahan ditandatangani kunci akar (sidik jarinya disematkan di kabupaten.yml) dan "
                    "approvals/allowed_signers dibuat ulang.")
    common_options(officials)
    actions = officials.add_subparsers(dest="officials_command", metavar="TINDAKAN", required=True,
                                       parser_class=type(officials))

    def options(action: argparse.ArgumentParser, root_key: bool = True) -> None:
        common_options(action)
        action.add_argument("--approvals-dir", type=Path, default=None, metavar="FOLDER",
                            help="folder pengesahan (bawaan: approvals)")
        if root_key:
            action.add_argument("--root-key", required=True, type=Path, metavar="KUNCI",
                                help="kunci privat akar (atau KUNCI.pub bila kunci ada di ssh-agent)")

    init = actions.add_parser("init", help="siapkan registri kosong, kebijakan SOP bawaan, dan sematkan kunci akar",
                              description="Buat approvals/pejabat.yml (kosong) dan approvals/policy.yml (SOP "
                                          "delapan langkah), tandatangani keduanya dengan kunci akar, tulis "
                                          "approvals/allowed_signers, dan sematkan sidik jari kunci akar di "
                                          "kabupaten.yml.")
    options(init, root_key=False)
    init.add_argument("--root-pubkey", required=True, type=Path, metavar="KUNCI.pub",
                      help="kunci publik akar (biasanya kunci Kepala Dinas)")
    init.add_argument("--root-key", type=Path, metavar="KUNCI",
                      help="kunci privat akar untuk menandatangani (bawaan: pasangan --root-pubkey atau ssh-agent)")
    init.add_argument("--force", action="store_true", help="timpa registri dan kebijakan yang sudah ada")

    add = actions.add_parser("add", help="tambah pejabat, atau peran/kunci baru untuk NIP yang sudah ada",
                             description="Tambah pejabat ke registri, atau tambahkan peran (mis. Plt.) atau "
                                         "kunci baru untuk NIP yang sudah terdaftar. Tanggal dalam WITA dan "
                                         "inklusif.")
    options(add)
    add.add_argument("--nip", required=True, metavar="NIP", help="NIP 18 angka")
    add.add_argument("--name", metavar="NAMA", help="nama lengkap dengan gelar (wajib untuk pejabat baru)")
    add_option(add, "--title", metavar="JABATAN", help="jabatan (wajib untuk pejabat baru)")
    add.add_argument("--role", metavar="PERAN", choices=tuple(ROLES),
                     help=f"peran: {_either(ROLES)}")
    add.add_argument("--from", dest="dari", metavar="TANGGAL", help="awal peran, TTTT-BB-HH (bawaan: hari ini)")
    add.add_argument("--to", dest="sampai", metavar="TANGGAL", help="akhir peran, inklusif (bawaan: tanpa akhir)")
    add_option(add, "--remark", default="", metavar="TEKS", help="mis. Plt. atau Plh.")
    add.add_argument("--pubkey", type=Path, metavar="KUNCI.pub", help="kunci publik SSH Ed25519 pejabat")
    add.add_argument("--key-from", metavar="TANGGAL", help="awal berlaku kunci (bawaan: --from atau hari ini)")
    add.add_argument("--key-to", metavar="TANGGAL", help="akhir berlaku kunci, inklusif (bawaan: tanpa akhir)")
    add_option(add, "--tte-cert", type=Path, metavar="SERTIFIKAT.pem",
                    help="sertifikat TTE (X.509, PEM/DER, tanpa kunci privat) pejabat; sidik jari SHA-256-nya "
                         "dicatat. Hanya sertifikat Kepala Dinas yang menjabat yang diterima `tte` dan "
                         "`verify --signed-pdf`")

    listing = actions.add_parser("list", help="tampilkan registri pejabat (setelah tanda tangannya diperiksa)",
                                 description="Periksa tanda tangan registri dan kebijakan dengan kunci akar, "
                                             "lalu tampilkan pejabat, peran, dan kunci mereka.")
    options(listing, root_key=False)
    add_option(listing, "--write-allowed-signers", action="store_true",
                        help="tulis ulang approvals/allowed_signers dari registri yang sah")

    end_role = actions.add_parser("end-role", help="akhiri peran seorang pejabat (tidak dihapus)",
                                  description="Isi tanggal akhir peran yang masih berjalan; riwayatnya tetap.")
    options(end_role)
    end_role.add_argument("--nip", required=True, metavar="NIP", help="NIP 18 angka")
    end_role.add_argument("--role", required=True, metavar="PERAN",
                          choices=tuple(ROLES), help="peran yang diakhiri")
    end_role.add_argument("--to", required=True, dest="sampai", metavar="TANGGAL",
                          help="hari terakhir memegang peran, TTTT-BB-HH (inklusif)")

    rotate = actions.add_parser(
        "rotate-root", help="ganti kunci akar dan/atau sertifikat akar TTE (ditandatangani kunci akar lama)",
        description="Tulis rotasi approvals/akar/NNNN.yml yang menyebut setelan akar yang di-commit (sidik jari "
                    "kunci akar, sha256 sertifikat pengesahan.akar_tte) dan setelan baru, ditandatangani kunci akar "
                    "LAMA. Dengan --new-root-pubkey registri dan kebijakan ditandatangani ulang dengan kunci baru "
                    "(pejabat tetap) dan sidik jarinya disematkan di kabupaten.yml. Untuk mengganti akar TTE, ubah "
                    "dulu pengesahan.akar_tte. Commit approvals/ dan konfigurasi (serta sertifikatnya) bersama.")
    options(rotate)
    rotate.add_argument("--new-root-pubkey", type=Path, metavar="BARU.pub",
                        help="kunci publik akar baru (bawaan: kunci akar tetap, hanya akar TTE yang diganti)")
    rotate.add_argument("--new-root-key", type=Path, metavar="KUNCI_BARU",
                        help="kunci privat akar baru untuk menandatangani ulang registri (bawaan: pasangan "
                             "--new-root-pubkey atau ssh-agent)")

    revoke = actions.add_parser("revoke-key", help="akhiri masa berlaku sebuah kunci (mis. hilang atau bocor)",
                                description="Isi tanggal akhir berlaku kunci; tanda tangan sesudah tanggal itu "
                                            "tidak sah. Masa berlaku hanya dapat diperpendek.")
    options(revoke)
    revoke.add_argument("--nip", required=True, metavar="NIP", help="NIP 18 angka")
    revoke.add_argument("--pubkey", required=True, type=Path, metavar="KUNCI.pub", help="kunci publik yang diakhiri")
    revoke.add_argument("--to", dest="sampai", metavar="TANGGAL",
                        help="hari terakhir kunci berlaku, inklusif (bawaan: kemarin, WITA)")


def approval_commands(commands, common_options, paths: Paths) -> None:
    """verify, status, approve, register: the signed SOP chain in git (agregat.pengesahan.langkah)."""

    def chain_options(command: argparse.ArgumentParser) -> None:
        common_options(command)
        command.add_argument("--period", required=True, metavar="PERIODE", help="periode edisi, mis. 2025-S1")
        command.add_argument("--data-dir", type=Path, default=paths.data, metavar="FOLDER",
                             help="folder edisi di dalam repositori git (bawaan: data)")

    def signing_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--key", required=True, type=Path, metavar="KUNCI",
                             help="kunci privat SSH Ed25519 Anda (atau KUNCI.pub bila kunci ada di ssh-agent)")
        add_option(command, "--time", metavar="WAKTU", help="waktu tindakan bila dicatat belakangan, ISO 8601 "
                            "dengan zona, mis. 2025-07-10T09:15:00+08:00 (bawaan: sekarang)")
        command.add_argument("--no-commit", action="store_true",
                             help="tulis pernyataan tanpa commit git (commit sendiri sesudahnya)")

    verify = commands.add_parser("verify", help="periksa rantai pengesahan edisi dari riwayat git",
                                 description="Periksa rantai pengesahan satu edisi dari objek git yang sudah "
                                             "di-commit: registri dan kebijakan bertanda tangan kunci akar, "
                                             "tanda tangan setiap pernyataan, peran, urutan, rantai hash, "
                                             "riwayat git, dan digest data yang dihitung ulang.")
    chain_options(verify)
    verify.add_argument("--ref", default="HEAD", help="commit/cabang yang diperiksa (bawaan: HEAD)")
    verify.add_argument("--pdf", type=Path, metavar="BERKAS",
                        help="PDF final yang diperiksa terhadap sha256 di langkah final (bawaan: dibuat ulang "
                             "sekarang dari data yang disetujui, tidak pernah diambil dari cache)")
    verify.add_argument("--no-pdf", action="store_true", help="lewati pemeriksaan PDF final")
    add_option(verify, "--signed-pdf", type=Path, metavar="BERKAS",
                       help="PDF final bertanda tangan elektronik (PAdES) yang diperiksa: tanda tangannya sah, "
                            "berantai ke akar tepercaya, dengan sertifikat TTE Kepala Dinas yang tercatat di "
                            "registri, dan berkasnya perpanjangan PDF final yang disahkan (hanya tanda tangan "
                            "tak terlihat yang ditambahkan)")
    verify.add_argument("--trust-root", type=Path, action="append", metavar="AKAR.pem",
                        help="sertifikat akar tepercaya untuk --signed-pdf, mis. akar BSrE (dapat diulang; bawaan: "
                             "pengesahan.akar_tte di kabupaten.yml)")

    status = commands.add_parser("status", help="posisi edisi dalam SOP: siapa menandatangani apa dan kapan",
                                 description="Tampilkan setiap langkah SOP edisi ini: penanda tangan, waktu, "
                                             "selang waktu terhadap standar SOP, dan langkah berikutnya.")
    chain_options(status)

    approve = commands.add_parser("approve", help="tandatangani langkah SOP berikutnya",
                                  description="Tandatangani langkah SOP berikutnya untuk edisi ini (pernyataan "
                                              "YAML + tanda tangan SSH), lalu commit ke git.")
    chain_options(approve)
    approve.add_argument("--step", required=True, metavar="LANGKAH",
                         help=_either(s.nama for s in DEFAULT_POLICY.langkah if s.nama != REGISTRATION_STEP))
    approve.add_argument("--decision", metavar="KEPUTUSAN", help="untuk koreksi: setuju atau tolak")
    approve.add_argument("--notes", default="", metavar="TEKS", help="catatan (wajib bila tolak)")
    add_option(approve, "--direction", default="", metavar="TEKS", help="arahan Kepala Dinas (langkah paraf-kadis)")
    approve.add_argument("--copies", type=int, metavar="N", help="jumlah eksemplar dicetak (langkah final)")
    add_option(approve, "--paper", choices=("A4", "F4"), default="A4", help="ukuran kertas PDF final (bawaan: A4)")
    signing_options(approve)

    register = commands.add_parser("register", help="registrasi buku final dan surat pengantar per penerima",
                                   description="Catat registrasi buku (nomor, tanggal, penerima) sebagai langkah "
                                               "terakhir SOP, lalu buat daftar distribusi dan surat pengantar PDF "
                                               "untuk setiap penerima di distribusi/<periode>/.")
    chain_options(register)
    register.add_argument("--number", required=True, metavar="NOMOR", help="nomor surat/registrasi")
    register.add_argument("--date", required=True, metavar="TANGGAL", help="tanggal registrasi, YYYY-MM-DD")
    register.add_argument("--copies", required=True, type=int, metavar="N", help="eksemplar untuk setiap penerima")
    register.add_argument("--to", required=True, action="append", metavar="PENERIMA",
                          help="penerima (ulangi --to untuk setiap penerima)")
    register.add_argument("--out-dir", type=Path, metavar="FOLDER",
                          help="folder daftar distribusi dan surat pengantar (bawaan: distribusi/<periode>)")
    signing_options(register)

    tte = commands.add_parser("tte", help="tandatangani PDF final secara elektronik (PAdES, sertifikat .p12)",
                              description="Tandatangani PDF final yang sudah dicatat di langkah final dengan "
                                          "sertifikat elektronik PKCS#12 (.p12/.pfx, mis. dari BSrE) sebagai "
                                          "PAdES B-B: pembaruan inkremental, jadi PDF final tetap utuh di awal "
                                          "berkas. Ditolak bila rantai pengesahan belum sah sampai langkah final, "
                                          "sha256 PDF bukan yang dicatat, atau sertifikatnya bukan sertifikat TTE "
                                          "Kepala Dinas yang tercatat di registri pejabat.")
    chain_options(tte)
    tte.add_argument("--p12", required=True, type=Path, metavar="BERKAS",
                     help="berkas sertifikat dan kunci privat PKCS#12 (.p12/.pfx)")
    tte.add_argument("--pdf", type=Path, metavar="BERKAS",
                     help="PDF final yang ditandatangani (bawaan: site/<periode>/buku-data-agregat-<periode>.pdf)")
    tte.add_argument("--out", type=Path, metavar="BERKAS",
                     help="PDF bertanda tangan (bawaan: distribusi/<periode>/buku-data-agregat-<periode>-ttd.pdf)")
    tte.add_argument("--passphrase-env", metavar="NAMA",
                     help="ambil frasa sandi .p12 dari variabel lingkungan ini (bawaan: ditanyakan di terminal)")
    tte.add_argument("--reason", metavar="TEKS", help="alasan penandatanganan (bawaan: Pengesahan Buku Data "
                                                      "Agregat Kependudukan <nama> <periode>)")
    tte.add_argument("--location", metavar="TEKS", help="lokasi penandatanganan (bawaan: ibu kota di kabupaten.yml)")


def chain_context(args, require_pin: bool = True, config=None):
    """(repo root, data dir, config, period) of the approval command `args` (agregat.pengesahan.langkah.chain_context;
    `config`: args.config already read)."""
    from agregat.pengesahan.langkah import chain_context as context

    return context(args.config, args.data_dir, args.period, require_pin, config)


def _waktu(text: str | None):
    import datetime as dt

    if text is None:
        return None
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise UsageError(f"--time '{text}' bukan waktu ISO 8601 dengan zona, mis. 2025-07-10T09:15:00+08:00.")
    return when


def _chain_or_draft(args):
    """chain_context of the edition, or None — said here, in the one wording `verify` and `status` share — when
    nothing about approvals was ever committed (agregat.pengesahan.langkah.approvals_history: a draft; a
    configuration without a root pin is then let through only when history anchored one)."""
    from agregat.core.config import load_config
    from agregat.core.periode import Periode
    from agregat.pengesahan.langkah import approvals_history

    config = load_config(args.config)          # read once: the history check and the chain use the same
    history = approvals_history(config, args.data_dir, args.period, getattr(args, "ref", "HEAD"))
    if history is None:
        print(f"Belum ada pengesahan untuk {Periode.parse(args.period)}: registri pejabat belum disiapkan (`python build.py "
              "officials init`) dan belum ada pernyataan. Tidak ada yang diperiksa; edisi ini masih draf.")
        return None
    return chain_context(args, require_pin=not history, config=config)


def cmd_verify(args, paths: Paths) -> int:
    from agregat.pengesahan.langkah import laporan_status, trust_report, verify

    context = _chain_or_draft(args)
    if context is None:
        return EXIT_OK
    root, data_dir, config, periode = context
    rantai = verify(root, data_dir, periode, config, ref=args.ref, pdf=args.pdf, check_pdf=not args.no_pdf,
                    pdf_ttd=args.pdf_ttd, trust_roots=args.trust_root)
    print(laporan_status(rantai))
    for line in trust_report(rantai):
        print(line)
    if rantai.sah:
        print(f"Rantai pengesahan {periode} sah sejauh ini ({len(rantai.tertanda)} pernyataan diperiksa).")
        return EXIT_OK
    print(f"Rantai pengesahan {periode} TIDAK SAH ({len(rantai.temuan)} masalah):", file=sys.stderr)
    for temuan in rantai.temuan:
        print(f"  [{temuan.kode}] {temuan}", file=sys.stderr)
    return rantai.kode_keluar


def cmd_tte(args, paths: Paths) -> int:
    import getpass

    from agregat.pengesahan import tte
    from agregat.pengesahan.langkah import sign_final, tte_gate

    root, data_dir, config, periode = chain_context(args)
    gate = tte_gate(root, data_dir, periode, config, paths, pdf=args.pdf, out=args.out)
    if args.passphrase_env:
        if args.passphrase_env not in os.environ:
            raise UsageError(f"Variabel lingkungan {args.passphrase_env} (--passphrase-env) tidak ada.")
        passphrase = os.environ[args.passphrase_env]
    else:
        try:
            passphrase = getpass.getpass(f"Frasa sandi {args.p12.name}: ")
        except EOFError:
            raise UsageError("Frasa sandi .p12 tidak dapat dibaca dari terminal. Jalankan di terminal, atau beri "
                             "--passphrase-env NAMA_VARIABEL.") from None
    out = sign_final(gate, config, args.p12, passphrase, reason=args.reason, location=args.location)
    print(f"PDF final {periode} ditandatangani ({tte.PROFILE}): {shown(out)}. Periksa dengan `python build.py "
          f"verify --period {periode} --signed-pdf {shown(out)} --trust-root AKAR.pem`.")
    return EXIT_OK


def cmd_status(args, paths: Paths) -> int:
    from agregat.pengesahan.langkah import laporan_status, periksa

    context = _chain_or_draft(args)
    if context is None:
        return EXIT_OK
    root, data_dir, config, periode = context
    rantai = periksa(root, data_dir, periode, config)
    print(laporan_status(rantai))
    for temuan in rantai.temuan:
        print(f"  Masalah [{temuan.kode}]: {temuan}", file=sys.stderr)
    return rantai.kode_keluar


def cmd_approve(args, paths: Paths) -> int:
    from agregat.pengesahan.langkah import Tindakan, approve, rincian_final

    root, data_dir, config, periode = chain_context(args)
    rincian = None
    if args.step == REGISTRATION_STEP:
        raise UsageError(f"Registrasi dicatat dengan `python build.py register --period {periode} --number … "
                         "--date … --copies N --to … --key KUNCI`.")
    if args.step == FINAL_STEP:
        if args.copies is None or args.copies < 1:
            raise UsageError("Langkah final perlu --copies N: jumlah eksemplar yang dicetak (≥ 1).")
        print(f"Menyiapkan PDF final {periode} untuk dicatat sha256-nya (dibuat ulang dari data yang disetujui, tidak diambil dari cache) …")
        rincian = rincian_final(root, data_dir, periode, config, args.ukuran, args.copies)
    tindakan = Tindakan(args.step, args.decision, args.notes, args.arahan, rincian)
    statement, path = approve(root, data_dir, periode, tindakan, args.key, config,
                              _waktu(args.waktu), commit=not args.no_commit)
    print(f"Langkah {statement.nomor_langkah} '{statement.langkah}' ({statement.keputusan}) ditandatangani "
          f"{statement.principal}: {shown(path)}" + ("" if args.no_commit else " (di-commit)"))
    return EXIT_OK


def cmd_register(args, paths: Paths) -> int:
    import datetime as dt

    from agregat.pengesahan.langkah import distribusi, register

    root, data_dir, config, periode = chain_context(args)
    try:
        tanggal = dt.date.fromisoformat(args.date)
    except ValueError:
        raise UsageError(f"--date '{args.date}' bukan tanggal YYYY-MM-DD.") from None
    statement, rantai = register(root, data_dir, periode, args.number, tanggal, args.copies, args.to, args.key,
                                 config, _waktu(args.waktu), commit=not args.no_commit)
    out_dir = args.out_dir or root / "distribusi" / periode
    written = distribusi(rantai, config, out_dir) if not args.no_commit else []
    print(f"Registrasi {periode} nomor {statement.rincian['nomor_surat']} ditandatangani {statement.principal}.")
    for path in written:
        print(f"  ditulis: {shown(path)}")
    return EXIT_OK


def cmd_officials(args, paths: Paths) -> int:
    from datetime import timedelta

    from agregat.pengesahan import kelola_pejabat as officials
    from agregat.pengesahan import pejabat
    from agregat.pengesahan.sshsig import fingerprint, read_public_key

    approvals_dir = Path(args.approvals_dir or paths.approvals)
    action = args.officials_command
    if action == "init":
        result = officials.init(args.config, approvals_dir, args.root_pubkey, args.root_key, force=args.force)
        print(f"Registri pejabat (kosong) dan kebijakan SOP ditandatangani kunci akar {result.fingerprint}; "
              f"sidik jarinya disematkan di {shown(args.config)}.")
        print(f"Ditulis: {', '.join(shown(p) for p in result.written)}. Tambahkan pejabat dengan "
              "`python build.py officials add`, lalu commit folder approvals/ dan berkas konfigurasi.")
        if result.replaced:
            print(f"Peringatan: kunci akar {result.replaced} diganti tanpa rotasi yang ditandatangani kunci akar "
                  "lama. Bila sematan lama sudah di-commit, `verify` menolak riwayat ini; ganti kunci akar dengan "
                  "`python build.py officials rotate-root --root-key KUNCI_LAMA --new-root-pubkey BARU.pub`.",
                  file=sys.stderr)
        return EXIT_OK
    if action == "rotate-root":
        if args.new_root_key is not None and args.new_root_pubkey is None:
            raise UsageError("--new-root-key perlu --new-root-pubkey (kunci publik akar baru).")
        result = officials.rotate_root(args.config, approvals_dir, args.root_key, args.new_root_pubkey,
                                       args.new_root_key)
        rotasi = result.rotasi
        print(f"Rotasi akar {rotasi.nomor} ditandatangani kunci akar lama {rotasi.lama.sidik_jari}: "
              f"{rotasi.lama.teks()} → {rotasi.baru.teks()}.")
        print(f"Ditulis: {', '.join(shown(p) for p in result.written)}. Commit approvals/ dan berkas "
              "konfigurasi (serta sertifikat akar TTE bila diganti) dalam satu commit.")
        return EXIT_OK
    if action == "list":
        pin, registri, kebijakan = officials.load(args.config, approvals_dir)
        print(officials.describe(registri, kebijakan, pin))
        if args.tulis_allowed_signers:
            officials.write_signers(approvals_dir, registri)
            print(f"{shown(approvals_dir / 'allowed_signers')} ditulis ulang dari registri.")
        elif officials.signers_stale(approvals_dir, registri):
            print(f"Peringatan: {shown(approvals_dir / 'allowed_signers')} tidak sesuai registri. Berkas itu "
                  "dibuat dari registri: jalankan `python build.py officials list --write-allowed-signers` lalu commit.",
                  file=sys.stderr)
        return EXIT_OK
    principal = f"nip-{args.nip}"
    if action == "add":
        if args.role is None and args.pubkey is None and args.sertifikat_tte is None:
            raise UsageError("Berikan --role, --pubkey dan/atau --tte-cert: tidak ada yang ditambahkan.")
        dari = officials.parse_day(args.dari, "--from") if args.dari else officials.today()
        peran = None if args.role is None else pejabat.Peran(
            args.role, dari, officials.parse_day(args.sampai, "--to") if args.sampai else None,
            " ".join(args.keterangan.split()))
        kunci = None if args.pubkey is None else pejabat.Kunci(
            read_public_key(args.pubkey), officials.parse_day(args.key_from, "--key-from") if args.key_from else dari,
            officials.parse_day(args.key_to, "--key-to") if args.key_to else None)
        sertifikat = None
        if args.sertifikat_tte is not None:
            from agregat.pengesahan.tte import certificate_fingerprint, load_certificate

            sertifikat = certificate_fingerprint(load_certificate(
                args.sertifikat_tte, "Sertifikat TTE", "Ekspor sertifikat (tanpa kunci privat) dari berkas .p12: "
                "`openssl pkcs12 -in KADIS.p12 -clcerts -nokeys -out kadis.pem`."))
        changes: list[str] = []

        def edit(registri):
            new, found = pejabat.with_official(registri, nip=args.nip, nama=args.name, jabatan=args.jabatan,
                                               peran=peran, kunci=kunci, sertifikat_tte=sertifikat)
            changes.extend(found)
            return new

        officials.change(args.config, approvals_dir, args.root_key, edit)
        print(f"Registri pejabat diperbarui untuk {principal}: {'; '.join(changes)}.")
    elif action == "end-role":
        sampai = officials.parse_day(args.sampai, "--to")
        officials.change(args.config, approvals_dir, args.root_key,
                         lambda registri: pejabat.with_role_ended(registri, principal, args.role, sampai))
        print(f"Peran {args.role} {principal} diakhiri pada {sampai.isoformat()} (inklusif).")
    else:
        sampai = officials.parse_day(args.sampai, "--to") if args.sampai else officials.today() - timedelta(days=1)
        publik = read_public_key(args.pubkey)
        officials.change(args.config, approvals_dir, args.root_key,
                         lambda registri: pejabat.with_key_ended(registri, principal, publik, sampai))
        print(f"Kunci {fingerprint(publik)} milik {principal} berlaku sampai "
              f"{sampai.isoformat()} (inklusif).")
    print(f"Registri ditandatangani ulang; {shown(approvals_dir / 'allowed_signers')} dibuat ulang. "
          "Commit folder approvals/.")
    return EXIT_OK
