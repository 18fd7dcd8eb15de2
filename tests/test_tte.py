"""The final PDF signed as PAdES (TTE) with a PKCS#12 certificate: a throwaway CA made here stands in for
BSrE. Real signatures (pyHanko), a real small PDF (WeasyPrint), poppler's pdfsig as an independent reader,
and one walk through the command line on a real git chain with a `final` step."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest
import test_pengesahan as chain

from agregat.buku import build as book
from agregat.core.paths import Paths
from agregat.pengesahan import pernyataan
from agregat.pengesahan import tte
from agregat.core.errors import EXIT_PDF_MISMATCH, EXIT_REFUSED, EXIT_USAGE, SignatureError

PASSPHRASE = b"rahasia-uji"


# ---- a throwaway PKI and small PDFs ------------------------------------------------------------------

def _name(common_name: str):
    from cryptography.x509 import Name, NameAttribute
    from cryptography.x509.oid import NameOID

    return Name([NameAttribute(NameOID.COUNTRY_NAME, "ID"), NameAttribute(NameOID.ORGANIZATION_NAME, "Uji"),
                 NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, public_key, issuer_name, issuer_key, ca: bool):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    now = dt.datetime.now(dt.UTC)
    usage = {"digital_signature": not ca, "content_commitment": not ca, "key_encipherment": False,
             "data_encipherment": False, "key_agreement": False, "key_cert_sign": ca, "crl_sign": ca,
             "encipher_only": False, "decipher_only": False}
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer_name or _name(subject))
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(**usage), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                              critical=False))
    return builder.sign(issuer_key, hashes.SHA256())


def make_pki(folder: Path, label: str) -> dict:
    """A root CA (`<label>-akar.pem`) and a signer's PKCS#12 (`<label>.p12`, with a passphrase) and
    certificate (`<label>.pem`); "ca" is what `issue` needs to give another person a certificate."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(f"Akar Uji {label}", ca_key.public_key(), None, ca_key, ca=True)
    root = folder / f"{label}-akar.pem"
    root.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return {"akar": root, "ca": (ca, ca_key), **issue(folder, (ca, ca_key), label, f"Kepala Dinas Uji {label}")}


def issue(folder: Path, ca, label: str, subject: str) -> dict[str, Path]:
    """A signer's PKCS#12 (`<label>.p12`) and certificate (`<label>.pem`) issued by the CA `ca`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12

    ca_cert, ca_key = ca
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = _certificate(subject, key.public_key(), ca_cert.subject, ca_key, ca=False)
    p12 = folder / f"{label}.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"penanda-tangan", key, cert, [ca_cert], serialization.BestAvailableEncryption(PASSPHRASE)))
    pem = folder / f"{label}.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return {"p12": p12, "sertifikat": pem}


def make_pdf(path: Path, text: str) -> Path:
    import weasyprint

    html = f"<h1>Buku Data Agregat Kependudukan</h1><p>{text}</p><p><a href='#akhir'>ke akhir</a></p>" \
           "<p id='akhir'>Akhir.</p>"
    path.parent.mkdir(parents=True, exist_ok=True)
    weasyprint.HTML(string=html).write_pdf(path)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("pki")
    bsre = make_pki(folder, "bsre")
    # someone else with a perfectly good certificate from the same (trusted) CA
    return {"bsre": bsre, "lain": make_pki(folder, "lain"),
            "pegawai": issue(folder, bsre["ca"], "pegawai", "Pegawai Lain Uji bsre")}


@pytest.fixture(scope="module")
def final_pdf(tmp_path_factory) -> Path:
    return make_pdf(tmp_path_factory.mktemp("final") / "final.pdf", "Jumlah penduduk 202.061 jiwa.")


@pytest.fixture(scope="module")
def signed(final_pdf, pki, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ttd") / "final-ttd.pdf"
    tte.sign_pdf(final_pdf, pki["bsre"]["p12"], PASSPHRASE, out, reason="Pengesahan buku uji", location="Rantau")
    return out


def check(path: Path, final_pdf: Path, root: Path) -> list[str]:
    return tte.check_signed_pdf(path, sha256(final_pdf), [root])


def pdfsig(path: Path) -> str:
    """poppler's own reading of the signature. pdfsig exits 0 even on a digest mismatch: read its output."""
    return subprocess.run(["pdfsig", "-nocert", str(path)], check=False, capture_output=True, text=True).stdout


def flipped(path: Path, offset: int, target: Path) -> Path:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    target.write_bytes(bytes(data))
    return target


# ---- signing and checking ------------------------------------------------------------------------------

def test_a_signed_final_pdf_extends_the_final_and_passes(signed, final_pdf, pki):
    data = signed.read_bytes()
    assert data.startswith(final_pdf.read_bytes()) and len(data) > final_pdf.stat().st_size
    assert check(signed, final_pdf, pki["bsre"]["akar"]) == []
    out = pdfsig(signed)
    assert "Signature Type: ETSI.CAdES.detached" in out
    assert "Total document signed" in out
    assert "Signature Validation: Signature is Valid." in out


def test_the_signature_is_pades_baseline_b_with_reason_and_location(signed):
    from pyhanko.pdf_utils.reader import PdfFileReader

    with open(signed, "rb") as handle:
        signature = PdfFileReader(handle).embedded_regular_signatures[0]
        dictionary = signature.sig_object
        assert dictionary["/SubFilter"] == "/ETSI.CAdES.detached"
        assert (dictionary["/Reason"], dictionary["/Location"]) == ("Pengesahan buku uji", "Rantau")
        assert "/M" in dictionary                      # PAdES: the claimed signing time is here …
        attributes = {a["type"].native for a in signature.signer_info["signed_attrs"]}
    assert "signing_time" not in attributes            # … and not in the CMS (EN 319 142-1, B-B)
    assert {"signing_certificate_v2", "message_digest", "content_type"} <= attributes


def test_a_byte_flipped_in_the_final_part_is_refused(signed, final_pdf, pki, tmp_path):
    bad = flipped(signed, final_pdf.stat().st_size // 2, tmp_path / "rusak.pdf")
    problems = check(bad, final_pdf, pki["bsre"]["akar"])
    assert any("digest tidak cocok" in p for p in problems), problems
    assert any("bukan perpanjangan PDF final" in p for p in problems), problems
    out = pdfsig(bad)
    assert "Signature Validation: Digest Mismatch." in out and "Signature is Valid" not in out


def test_a_byte_flipped_in_the_signing_update_is_refused(signed, final_pdf, pki, tmp_path):
    offset = signed.read_bytes().index(b"Pengesahan buku uji")     # /Reason, after the final PDF's bytes
    assert offset > final_pdf.stat().st_size
    bad = flipped(signed, offset, tmp_path / "rusak.pdf")
    problems = check(bad, final_pdf, pki["bsre"]["akar"])
    assert len(problems) == 1 and "isi berkas berubah setelah ditandatangani (digest tidak cocok)" in problems[0]
    assert "Signature Validation: Digest Mismatch." in pdfsig(bad)


def test_a_signed_pdf_built_on_another_pdf_is_not_an_extension_of_the_final(final_pdf, pki, tmp_path):
    other = make_pdf(tmp_path / "lain.pdf", "Jumlah penduduk 999.999 jiwa.")
    out = tte.sign_pdf(other, pki["bsre"]["p12"], PASSPHRASE, tmp_path / "lain-ttd.pdf")
    assert check(out, other, pki["bsre"]["akar"]) == []            # a good signature …
    problems = check(out, final_pdf, pki["bsre"]["akar"])          # … but not over the approved final PDF
    assert len(problems) == 1 and problems[0].startswith("bukan perpanjangan PDF final")


def test_a_certificate_from_an_untrusted_ca_is_refused(final_pdf, signed, pki, tmp_path):
    out = tte.sign_pdf(final_pdf, pki["lain"]["p12"], PASSPHRASE, tmp_path / "lain-ttd.pdf")
    for path, root in ((out, pki["bsre"]["akar"]), (signed, pki["lain"]["akar"])):
        problems = check(path, final_pdf, root)
        assert len(problems) == 1 and "tidak berantai ke sertifikat akar tepercaya" in problems[0], problems
    assert check(out, final_pdf, pki["lain"]["akar"]) == []
    assert "Signature Validation: Signature is Valid." in pdfsig(out)   # pdfsig: the bytes are fine


def test_a_wrong_passphrase_is_a_clear_error_and_writes_nothing(final_pdf, pki, tmp_path):
    out = tmp_path / "ttd.pdf"
    with pytest.raises(SignatureError, match="frasa sandi salah"):
        tte.sign_pdf(final_pdf, pki["bsre"]["p12"], b"salah", out)
    with pytest.raises(SignatureError, match="frasa sandi salah"):
        tte.sign_pdf(final_pdf, pki["bsre"]["p12"], None, out)
    assert list(tmp_path.iterdir()) == []


def test_an_update_appended_after_the_signature_is_refused(signed, final_pdf, pki, tmp_path):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed.read_bytes()))
    info = writer.trailer["/Info"]
    info["/Title"] = generic.TextStringObject("Edisi palsu")
    writer.update_container(info)
    buffer = io.BytesIO()
    writer.write(buffer)
    later = tmp_path / "ditambah.pdf"
    later.write_bytes(buffer.getvalue())
    problems = check(later, final_pdf, pki["bsre"]["akar"])
    assert len(problems) == 2 and "tidak menutupi seluruh berkas" in problems[0], problems
    assert "pembaruan ke-2 sesudah PDF final juga mengubah isi PDF final (mengubah /Title" in problems[1]
    assert "Not total document signed" in pdfsig(later)


def _sign_with_changes(final_pdf: Path, p12: Path, change) -> bytes:
    """Sign the final PDF in one incremental update that also carries `change(writer, page)`."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(final_pdf.read_bytes()))
    page = writer.root["/Pages"]["/Kids"][0]
    change(writer, page)
    writer.update_container(page)
    signer = signers.SimpleSigner.load_pkcs12_data(p12.read_bytes(), (), PASSPHRASE)
    meta = signers.PdfSignatureMetadata(field_name="TTE", subfilter=fields.SigSeedSubFilter.PADES)
    return signers.PdfSigner(meta, signer).sign_pdf(writer, output=io.BytesIO()).getvalue()


def _new_contents(writer, page):
    from pyhanko.pdf_utils import generic

    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 72 Td (999) Tj ET"))


def _free_text(writer, page):
    from pyhanko.pdf_utils import generic

    note = generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Annot"), generic.pdf_name("/Subtype"): generic.pdf_name("/FreeText"),
        generic.pdf_name("/Rect"): generic.ArrayObject([generic.NumberObject(n) for n in (72, 72, 300, 100)]),
        generic.pdf_name("/Contents"): generic.TextStringObject("999.999 jiwa")})
    annots = page["/Annots"] if "/Annots" in page else generic.ArrayObject()
    annots.append(writer.add_object(note))
    page["/Annots"] = annots


@pytest.mark.parametrize(("change", "said"), [(_new_contents, "mengubah /Contents pada objek"),
                                               (_free_text, "menambah anotasi /FreeText pada halaman")])
def test_a_signing_update_that_also_changes_the_content_is_refused(final_pdf, pki, tmp_path, change, said):
    """The first N bytes are the final PDF, the signature is good and covers the file — yet the same update
    changed what the pages show."""
    path = tmp_path / "diubah-ttd.pdf"
    path.write_bytes(_sign_with_changes(final_pdf, pki["bsre"]["p12"], change))
    problems = check(path, final_pdf, pki["bsre"]["akar"])
    assert len(problems) == 1 and "juga mengubah isi PDF final" in problems[0] and said in problems[0], problems
    assert "Total document signed" in pdfsig(path)    # what pdfsig alone would have accepted


def _sign_prepared(final_pdf: Path, p12: Path, prepare=None, box=None, stamp_text=None) -> bytes:
    """Sign the final PDF with pyHanko in one incremental update, after `prepare(writer)` changed that update
    (e.g. an empty signature field "TTE" made beforehand); `box` makes the widget visible, `stamp_text` its
    appearance."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    writer = IncrementalPdfFileWriter(io.BytesIO(final_pdf.read_bytes()))
    if prepare is not None:
        prepare(writer)
    signer = signers.SimpleSigner.load_pkcs12_data(p12.read_bytes(), (), PASSPHRASE)
    meta = signers.PdfSignatureMetadata(field_name="TTE", subfilter=fields.SigSeedSubFilter.PADES)
    pdf_signer = signers.PdfSigner(
        meta, signer, new_field_spec=fields.SigFieldSpec("TTE", box=box) if box else None,
        stamp_style=TextStampStyle(stamp_text=stamp_text) if stamp_text else None)
    return pdf_signer.sign_pdf(writer, output=io.BytesIO()).getvalue()


def _javascript(text: str):
    from pyhanko.pdf_utils import generic

    return generic.DictionaryObject({generic.pdf_name("/S"): generic.pdf_name("/JavaScript"),
                                     generic.pdf_name("/JS"): generic.TextStringObject(text)})


def _empty_field(writer, **entries):
    """An empty, invisible signature field "TTE" on page 1 with `entries` added to its widget."""
    from pyhanko.pdf_utils import generic
    from pyhanko.sign import fields

    fields.append_signature_field(writer, fields.SigFieldSpec("TTE"))
    widget = writer.root["/AcroForm"]["/Fields"][0]
    for key, value in entries.items():
        widget[generic.pdf_name(f"/{key}")] = value(writer) if callable(value) else value
    writer.update_container(widget)


def _open_action(writer):
    from pyhanko.pdf_utils import generic

    writer.root[generic.pdf_name("/OpenAction")] = writer.add_object(_javascript("app.alert('999.999 jiwa')"))
    writer.update_root()


def _names_javascript(writer):
    from pyhanko.pdf_utils import generic

    tree = generic.DictionaryObject({generic.pdf_name("/Names"): generic.ArrayObject(
        [generic.TextStringObject("ubah"), writer.add_object(_javascript("this.print()"))])})
    writer.root["/Names"][generic.pdf_name("/JavaScript")] = writer.add_object(tree)
    writer.update_root()


def _widget_action(writer):
    from pyhanko.pdf_utils import generic

    _empty_field(writer, AA=generic.DictionaryObject({generic.pdf_name("/PO"): _javascript("app.alert(1)")}))


def _painting_appearance(writer):
    from pyhanko.pdf_utils import generic

    def appearance(writer):
        stream = generic.StreamObject({generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
                                       generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
                                       generic.pdf_name("/BBox"): generic.ArrayObject(
                                           [generic.NumberObject(n) for n in (0, 0, 595, 842)])},
                                      stream_data=b"BT /F1 24 Tf 72 700 Td (Jumlah penduduk 999.999 jiwa) Tj ET")
        return generic.DictionaryObject({generic.pdf_name("/N"): writer.add_object(stream)})

    _empty_field(writer, AP=appearance)


def _retyped_contents(writer):
    """The page's own content stream rewritten in place, disguised as XMP metadata."""
    from pyhanko.pdf_utils import generic

    page = writer.root["/Pages"]["/Kids"][0]
    ref = page.raw_get("/Contents").reference
    stream = generic.StreamObject({generic.pdf_name("/Type"): generic.pdf_name("/Metadata")},
                                  stream_data=b"BT /F1 24 Tf 72 700 Td (Jumlah penduduk 999.999 jiwa) Tj ET")
    writer.mark_update(ref)
    writer.objects[(ref.generation, ref.idnum)] = stream


@pytest.mark.parametrize(("attack", "said"), [
    (dict(box=(60, 700, 540, 780), stamp_text="Jumlah penduduk 999.999 jiwa"),
     ["widget tanda tangan yang terlihat (/Rect bukan [0 0 0 0])", "(/AP) yang menggambar di halaman"]),
    (dict(prepare=_painting_appearance), ["(/AP) yang menggambar di halaman"]),
    (dict(prepare=_widget_action), ["menambah aksi /AA pada widget tanda tangan"]),
    (dict(prepare=_open_action), ["mengubah /OpenAction pada objek"]),
    (dict(prepare=_names_javascript), ["mengubah /Names pada objek"]),
    (dict(prepare=_retyped_contents), ["(isi stream)"]),
], ids=["stempel-terlihat", "tampilan-tak-terlihat", "aksi-widget", "openaction", "javascript", "isi-halaman"])
def test_a_signing_update_that_paints_or_acts_is_refused(final_pdf, pki, tmp_path, attack, said):
    """The attack: one good PAdES signature by the trusted certificate, covering the whole file, whose own
    update paints new text over page 1 or runs a script. Only an invisible widget may be added."""
    path = tmp_path / "ttd.pdf"
    try:
        path.write_bytes(_sign_prepared(final_pdf, pki["bsre"]["p12"], **attack))
    except Exception as exc:   # noqa: BLE001 - a tool that cannot build the attack proves nothing
        pytest.fail(f"serangan tidak dapat dibuat: {exc!r}")
    assert path.read_bytes().startswith(final_pdf.read_bytes())
    assert "Total document signed" in pdfsig(path) and "Signature is Valid." in pdfsig(path)
    problems = check(path, final_pdf, pki["bsre"]["akar"])
    assert len(problems) == 1 and "juga mengubah isi PDF final" in problems[0], problems
    for words in said:
        assert words in problems[0], problems


def test_tte_itself_adds_one_invisible_widget_without_appearance(signed, final_pdf):
    from pyhanko.pdf_utils.reader import PdfFileReader

    with open(signed, "rb") as handle:
        reader = PdfFileReader(handle)
        widget = reader.root["/AcroForm"]["/Fields"][0]
        assert [float(v) for v in widget["/Rect"]] == [0, 0, 0, 0]
        assert not {"/AP", "/A", "/AA"} & set(widget)
        base = PdfFileReader(io.BytesIO(final_pdf.read_bytes()))
        assert reader.xrefs.total_revisions == base.xrefs.total_revisions + 1


# ---- the certificate is the Kepala Dinas's, as the registry records it --------------------------------

def _registry(fingerprints: dict[str, tuple[str, dt.date, dt.date | None]]):
    """A registry whose officials (by role) hold their role over a span and have the given certificate."""
    from agregat.pengesahan import pejabat

    officials = tuple(
        pejabat.Pejabat(f"nip-{nip}", "Nama Uji", nip, "Jabatan Uji", (pejabat.Peran(role, start, end),), (),
                        (fingerprint,))
        for (role, (fingerprint, start, end)), nip in zip(fingerprints.items(), ("197001011990031001",
                                                                                "197805202003121003"), strict=False))
    return pejabat.Registri("ssh-ed25519 AAAA", officials)


def fingerprint(pem: Path) -> str:
    return tte.certificate_fingerprint(tte.load_certificate(pem))


FINAL_TIME = dt.datetime(2025, 7, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_only_the_certificate_recorded_for_the_kepala_dinas_at_signing_time_is_accepted(final_pdf, signed, pki,
                                                                                          tmp_path):
    kadis, pegawai = fingerprint(pki["bsre"]["sertifikat"]), fingerprint(pki["pegawai"]["sertifikat"])
    start = dt.date(2024, 1, 1)
    good = _registry({"kadis": (kadis, start, None), "kabid": (pegawai, start, None)})
    assert tte.check_signed_pdf(signed, sha256(final_pdf), [pki["bsre"]["akar"]],
                                tte.kadis_certificate(good, FINAL_TIME)) == []

    # the attack: a valid certificate from the same trusted CA, of someone who is not the Kepala Dinas
    other = tte.sign_pdf(final_pdf, pki["pegawai"]["p12"], PASSPHRASE, tmp_path / "pegawai-ttd.pdf")
    assert check(other, final_pdf, pki["bsre"]["akar"]) == []          # what the chain alone would accept
    problems = tte.check_signed_pdf(other, sha256(final_pdf), [pki["bsre"]["akar"]],
                                    tte.kadis_certificate(good, FINAL_TIME))
    assert len(problems) == 1 and f"(sha256 {pegawai}) bukan sertifikat TTE yang tercatat di registri pejabat " \
        "untuk Kepala Dinas" in problems[0], problems
    assert "--tte-cert" in problems[0]

    # the Kepala Dinas's own certificate, but the role ended before the signature / the final step comes later
    ended = _registry({"kadis": (kadis, start, dt.date(2025, 7, 31))})
    assert "bukan sertifikat TTE yang tercatat" in tte.check_signed_pdf(
        signed, sha256(final_pdf), [pki["bsre"]["akar"]], tte.kadis_certificate(ended, FINAL_TIME))[0]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert "sebelum langkah final" in tte.check_signed_pdf(
        signed, sha256(final_pdf), [pki["bsre"]["akar"]], tte.kadis_certificate(good, later))[0]
    # no certificate recorded at all: refused too
    assert "bukan sertifikat TTE yang tercatat" in tte.check_signed_pdf(
        signed, sha256(final_pdf), [pki["bsre"]["akar"]], tte.kadis_certificate(_registry({}), FINAL_TIME))[0]


def test_sign_pdf_refuses_a_certificate_that_is_not_the_kepala_dinas_s_and_writes_nothing(final_pdf, pki, tmp_path):
    from agregat.core.errors import RefusedError

    registry = _registry({"kadis": (fingerprint(pki["bsre"]["sertifikat"]), dt.date(2024, 1, 1), None)})
    out = tmp_path / "ttd.pdf"
    with pytest.raises(RefusedError, match="bukan sertifikat TTE yang tercatat"):
        tte.sign_pdf(final_pdf, pki["pegawai"]["p12"], PASSPHRASE, out,
                     signer_check=tte.kadis_certificate(registry, FINAL_TIME))
    assert list(tmp_path.iterdir()) == []
    tte.sign_pdf(final_pdf, pki["bsre"]["p12"], PASSPHRASE, out,
                 signer_check=tte.kadis_certificate(registry, FINAL_TIME))
    assert out.is_file()


def test_an_unsigned_update_between_the_final_and_the_signature_is_refused(final_pdf, pki, tmp_path):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(final_pdf.read_bytes()))
    info = writer.trailer["/Info"]
    info["/Title"] = generic.TextStringObject("Edisi lain")
    writer.update_container(info)
    buffer = io.BytesIO()
    writer.write(buffer)
    between = tmp_path / "antara.pdf"
    between.write_bytes(buffer.getvalue())
    out = tte.sign_pdf(between, pki["bsre"]["p12"], PASSPHRASE, tmp_path / "antara-ttd.pdf")
    problems = check(out, final_pdf, pki["bsre"]["akar"])
    assert problems == [("bukan perpanjangan langsung PDF final: di antara PDF final dan tanda tangan ada 1 "
                         "pembaruan lain yang tidak ditandatangani terpisah.")]


def test_a_signature_that_is_not_pades_is_refused(final_pdf, pki, tmp_path):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = signers.SimpleSigner.load_pkcs12_data(pki["bsre"]["p12"].read_bytes(), (), PASSPHRASE)
    meta = signers.PdfSignatureMetadata(field_name="TTE", subfilter=fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED)
    writer = IncrementalPdfFileWriter(io.BytesIO(final_pdf.read_bytes()))
    path = tmp_path / "pkcs7.pdf"
    path.write_bytes(signers.PdfSigner(meta, signer).sign_pdf(writer, output=io.BytesIO()).getvalue())
    problems = check(path, final_pdf, pki["bsre"]["akar"])
    assert problems == [("tanda tangan 'TTE' bukan PAdES (SubFilter /adbe.pkcs7.detached, seharusnya "
                         "/ETSI.CAdES.detached).")]
    assert "Signature Type: adbe.pkcs7.detached" in pdfsig(path)


def test_a_file_that_is_not_a_certificate_as_trust_root_is_a_usage_error(signed, final_pdf):
    from agregat.core.errors import UsageError

    with pytest.raises(UsageError, match="bukan sertifikat X.509"):
        tte.check_signed_pdf(signed, sha256(final_pdf), [final_pdf])
    with pytest.raises(UsageError, match="akar tepercaya"):
        tte.check_signed_pdf(signed, sha256(final_pdf), [])


def test_an_unsigned_pdf_has_no_tte(final_pdf, pki):
    assert check(final_pdf, final_pdf, pki["bsre"]["akar"]) == ["tidak memuat tanda tangan elektronik (TTE) apa pun."]


# ---- through the command line, on a real git chain with a `final` step -------------------------------------

def record_certificate(repo: Path, keys: Path, certificate: Path, role: str = "kadis") -> None:
    """`officials add --tte-cert` for the official of `role` (root-signed), committed."""
    assert chain.run(repo, "officials", "add", "--nip", chain.OFFICIALS[role][0], "--tte-cert", str(certificate),
                     "--root-key", str(keys / "kadis"), "--approvals-dir", str(repo / "approvals")) == 0
    chain.git(repo, "add", "-A")
    chain.git(repo, "commit", "-q", "-m", f"Sertifikat TTE {role}")
    assert chain.run(repo, "officials", "list", "--approvals-dir", str(repo / "approvals")) == 0


def test_tte_and_verify_pdf_ttd_on_a_real_chain(through_arahan, keys, pki, tmp_path, monkeypatch, capsys):  # noqa: F811
    repo = tmp_path / "repo"
    shutil.copytree(through_arahan, repo)
    paths = Paths.of_project(tmp_path)              # `tte` reads the final PDF from site/ by default
    site = paths.site
    final = make_pdf(site / chain.PERIODE / book.pdf_name(chain.PERIODE), "PDF final kecil untuk uji TTE.")
    monkeypatch.setenv("FRASA_UJI", PASSPHRASE.decode())
    bsre = pki["bsre"]
    tte_args = ["tte", *chain.chain_args(repo), "--p12", str(bsre["p12"]), "--passphrase-env", "FRASA_UJI"]

    # no `final` step yet: refused, nothing written
    assert chain.run(repo, *tte_args, paths=paths) == EXIT_REFUSED
    assert "langkah final (sha256 PDF final) belum ditandatangani" in capsys.readouterr().err
    assert chain.run(repo, "verify", *chain.chain_args(repo), "--no-pdf", "--signed-pdf", str(final),
                     "--trust-root", str(bsre["akar"])) == EXIT_PDF_MISMATCH
    assert "belum ada langkah final yang sah" in capsys.readouterr().err

    # the `final` step through `approve`: the final gate runs for real, only the book build is this small PDF
    monkeypatch.setattr(book, "fresh_pdf", lambda *args, **kwargs: book.PdfCetak(final, "uji", sha256(final)))
    assert chain.approve(repo, keys, "final", "admin", ["--copies", "5"], "2025-07-20T10:00:00+08:00") == 0
    statement = pernyataan.parse((repo / "approvals" / chain.PERIODE / "r1" / "07-final.yml").read_bytes(),
                                 "07-final.yml")
    assert statement.rincian["pdf_sha256"] == sha256(final)

    # another PDF than the recorded one: refused
    other = make_pdf(tmp_path / "lain.pdf", "Bukan PDF final.")
    assert chain.run(repo, *tte_args, "--pdf", str(other), paths=paths) == EXIT_REFUSED
    assert "bukan PDF final yang dicatat di approvals/2025-S1/r1/07-final.yml" in capsys.readouterr().err

    # wrong passphrase: Indonesian message, non-zero, no traceback, nothing written
    monkeypatch.setenv("FRASA_SALAH", "salah")
    assert chain.run(repo, *tte_args[:-1], "FRASA_SALAH", paths=paths) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "frasa sandi salah" in err and "Traceback" not in err
    signed = repo / "distribusi" / chain.PERIODE / f"buku-data-agregat-{chain.PERIODE}-ttd.pdf"
    assert not signed.exists()

    # a good certificate, but none is recorded for the Kepala Dinas yet: refused, nothing written
    assert chain.run(repo, *tte_args, paths=paths) == EXIT_REFUSED
    assert "bukan sertifikat TTE yang tercatat di registri pejabat" in capsys.readouterr().err
    assert not signed.exists()
    record_certificate(repo, keys, bsre["sertifikat"])
    assert f"sertifikat TTE sha256 {fingerprint(bsre['sertifikat'])}" in capsys.readouterr().out

    # written beside the distribution letters by default (site/ is emptied by every build)
    assert chain.run(repo, *tte_args, paths=paths) == 0
    assert "ditandatangani (PAdES B-B)" in capsys.readouterr().out
    assert signed.read_bytes().startswith(final.read_bytes())
    assert "Signature Validation: Signature is Valid." in pdfsig(signed)

    verify = ["verify", *chain.chain_args(repo), "--no-pdf", "--signed-pdf", str(signed)]
    assert chain.run(repo, *verify, "--trust-root", str(bsre["akar"])) == 0
    assert "(7 pernyataan diperiksa)" in capsys.readouterr().out
    assert chain.run(repo, *verify, "--trust-root", str(pki["lain"]["akar"])) == EXIT_PDF_MISMATCH
    assert "tidak berantai ke sertifikat akar tepercaya" in capsys.readouterr().err
    assert chain.run(repo, *verify) == EXIT_USAGE                       # no root given or configured
    assert "--trust-root" in capsys.readouterr().err

    # the root from kabupaten.yml (pengesahan.akar_tte, relative to the file)
    shutil.copy(bsre["akar"], repo / "akar-bsre.pem")
    config = repo / "kabupaten.yml"
    config.write_text(config.read_text().replace('akar_tte: ""', 'akar_tte: "akar-bsre.pem"'))
    assert 'akar_tte: "akar-bsre.pem"' in config.read_text()
    assert chain.run(repo, *verify) == 24                # not committed, nor authorised by the root (agregat.pengesahan.akar)
    assert "bukan sertifikat akar TTE yang di-commit dan disahkan" in capsys.readouterr().err
    assert chain.run(repo, "officials", "rotate-root", "--root-key", str(keys / "kadis"),
                     "--approvals-dir", str(repo / "approvals")) == 0
    chain.git(repo, "add", "-A")
    chain.git(repo, "commit", "-q", "-m", "akar TTE BSrE")
    assert chain.run(repo, *verify) == 0

    # a signed PDF over another base, and a tampered one
    foreign = tte.sign_pdf(other, bsre["p12"], PASSPHRASE, tmp_path / "lain-ttd.pdf")
    capsys.readouterr()
    assert chain.run(repo, *verify[:-1], str(foreign)) == EXIT_PDF_MISMATCH
    assert "[26] " in (err := capsys.readouterr().err) and "bukan perpanjangan PDF final" in err
    bad = flipped(signed, final.stat().st_size // 2, tmp_path / "rusak.pdf")
    assert chain.run(repo, *verify[:-1], str(bad)) == EXIT_PDF_MISMATCH
    err = capsys.readouterr().err
    assert "bukan perpanjangan PDF final" in err and "digest tidak cocok" in err and "Traceback" not in err


@pytest.fixture(scope="module")
def finalised(through_arahan, keys, pki, tmp_path_factory) -> dict:  # noqa: F811
    """A chain through `final` (its PDF: a small one), with the Kepala Dinas's TTE certificate recorded and
    another official's (the Kabid's, from the same trusted CA) too, all committed."""
    repo = tmp_path_factory.mktemp("final-rantai") / "repo"
    shutil.copytree(through_arahan, repo)
    final = make_pdf(tmp_path_factory.mktemp("site") / book.pdf_name(chain.PERIODE), "PDF final kecil untuk uji TTE.")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(book, "fresh_pdf", lambda *args, **kwargs: book.PdfCetak(final, "uji", sha256(final)))
        assert chain.approve(repo, keys, "final", "admin", ["--copies", "5"], "2025-07-20T10:00:00+08:00") == 0
    record_certificate(repo, keys, pki["bsre"]["sertifikat"])
    record_certificate(repo, keys, pki["pegawai"]["sertifikat"], role="kabid")
    return {"repo": repo, "final": final}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".git" not in p.parts}


def test_verify_pdf_ttd_refuses_another_certificate_and_any_overlay_on_a_real_chain(finalised, pki, tmp_path,
                                                                                      monkeypatch, capsys):
    repo, final = finalised["repo"], finalised["final"]
    monkeypatch.setenv("FRASA_UJI", PASSPHRASE.decode())
    root = ["--trust-root", str(pki["bsre"]["akar"])]
    verify = ["verify", *chain.chain_args(repo), "--no-pdf", *root, "--signed-pdf"]
    capsys.readouterr()

    # `tte` with the Kabid's own, valid certificate under the trusted root: refused, nothing written
    before = snapshot(repo)
    assert chain.run(repo, "tte", *chain.chain_args(repo), "--pdf", str(final), "--p12", str(pki["pegawai"]["p12"]),
                     "--passphrase-env", "FRASA_UJI") == EXIT_REFUSED
    out, err = capsys.readouterr()
    assert "bukan sertifikat TTE yang tercatat di registri pejabat untuk Kepala Dinas" in err
    assert "Tidak ada yang ditulis" in err and "Traceback" not in out + err
    assert snapshot(repo) == before

    # the same signature made with pyHanko outside the tool: `verify --signed-pdf` refuses it
    other = tte.sign_pdf(final, pki["pegawai"]["p12"], PASSPHRASE, tmp_path / "pegawai-ttd.pdf")
    assert chain.run(repo, *verify, str(other)) == EXIT_PDF_MISMATCH
    err = capsys.readouterr().err
    assert "[26] " in err and "bukan sertifikat TTE yang tercatat" in err and "Traceback" not in err

    # the Kepala Dinas's own certificate, but the update paints over page 1 or adds a script
    for name, attack in (("stempel", dict(box=(60, 700, 540, 780), stamp_text="Jumlah penduduk 999.999 jiwa")),
                         ("openaction", dict(prepare=_open_action)), ("aksi", dict(prepare=_widget_action))):
        path = tmp_path / f"{name}-ttd.pdf"
        path.write_bytes(_sign_prepared(final, pki["bsre"]["p12"], **attack))
        assert chain.run(repo, *verify, str(path)) == EXIT_PDF_MISMATCH, name
        err = capsys.readouterr().err
        assert "juga mengubah isi PDF final" in err and "Traceback" not in err, name

    # the proper path: `tte` with the recorded certificate, then `verify --signed-pdf`
    signed = tmp_path / "ttd.pdf"
    assert chain.run(repo, "tte", *chain.chain_args(repo), "--pdf", str(final), "--p12", str(pki["bsre"]["p12"]),
                     "--passphrase-env", "FRASA_UJI", "--out", str(signed)) == 0
    assert chain.run(repo, *verify, str(signed)) == 0
    assert "(7 pernyataan diperiksa)" in capsys.readouterr().out


def test_a_successful_tte_prints_no_traceback(finalised, pki, tmp_path):
    """pyHanko logs a failed path building (the chain is not checked right after signing) with a traceback;
    a real process, so that Python's last-resort log handler (which pytest replaces) is the one printing."""
    import os
    import sys

    repo, final = finalised["repo"], finalised["final"]
    signed = tmp_path / "ttd.pdf"

    def build(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(chain.ROOT / "build.py"), args[0], "--config",
                               str(repo / "kabupaten.yml"), *chain.chain_args(repo), *args[1:]],
                              cwd=repo, capture_output=True, text=True, check=False,
                              env={**os.environ, "FRASA_UJI": PASSPHRASE.decode()})

    done = build("tte", "--pdf", str(final), "--p12", str(pki["bsre"]["p12"]), "--passphrase-env", "FRASA_UJI",
                 "--out", str(signed))
    assert done.returncode == 0, done.stderr
    assert "ditandatangani (PAdES B-B)" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr and done.stderr == ""
    # and a refusal by pyHanko's path building (an untrusted root) is one Indonesian finding, no traceback
    done = build("verify", "--no-pdf", "--signed-pdf", str(signed), "--trust-root", str(pki["lain"]["akar"]))
    assert done.returncode == EXIT_PDF_MISMATCH
    assert "tidak berantai ke sertifikat akar tepercaya" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr and "Failed to build path" not in done.stderr
