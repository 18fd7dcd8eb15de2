"""Bab VII Analisa: a draft narrative in Indonesian, written from the numbers of one edition.

`tulis_analisa(documents)` takes the parsed YAML documents of `data/<periode>/` by name (penduduk,
kartu_keluarga, struktur_umur, indikator, wajib_ktp, agama, manifest; perbandingan when the previous
semester exists) and returns Markdown without a top-level heading (the page supplies "Bab VII Analisa").
The text is deterministic: the same documents give the same bytes, whatever the order of their keys.
Every label taken from the data is escaped for HTML, Jinja and Markdown (`teks`); the documents hold
aggregates only, so no personal data can reach the text.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from pathlib import Path

from agregat.core.errors import UsageError
from agregat.core.masalah import CODED_COLUMNS, EXCLUSIONS, PROBLEMS, UNKNOWN_CODE, WARNINGS
from agregat.core.peran import ROLES
from agregat.core.periode import Periode

from agregat.core.aman import teks as _aman
from agregat.core.angka import bertanda, bilangan, persentase
from agregat.core.atomik import write_atomic
from agregat.edisi.muat import daftar_edisi, muat_edisi, tanggal_panjang

__all__ = ["WAJIB", "nama_wilayah", "teks", "tulis_analisa"]

WAJIB = ("penduduk", "indikator", "manifest")
# tables a DKB workbook may not carry: their paragraphs are left out of the draft
TIDAK_TERSEDIA = "tidak tersedia pada sumber data edisi ini"
MAKS_DESA = 10

_MARKDOWN = str.maketrans({"\\": "\\\\", "*": "\\*", "_": "\\_", "`": "\\`"})   # emphasis and code spans
_KATA = re.compile(r"(?<![\w'’])[^\W\d_]+")
_TETAP_BESAR = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "YME", "KTP", "KK"}


def teks(value) -> str:
    """A label from the data, safe as Markdown text, as HTML and inside a Jinja-rendered page: on one line,
    escaped by `aman.teks` (quotes kept: Markdown text, never an attribute), emphasis and code marks
    backslash-escaped so the label reads as written."""
    return str(_aman(" ".join(str(value).split()).translate(_MARKDOWN), kutip=False))


def nama_wilayah(nama) -> str:
    """`TAPIN SELATAN` → `Tapin Selatan`, `A. YANI PURA` → `A. Yani Pura`, `BUAS-BUAS` → `Buas-Buas`
    (roman numerals and a few abbreviations stay in capitals). Not escaped: pass the result to `teks`."""
    return _KATA.sub(lambda m: m[0].upper() if m[0].upper() in _TETAP_BESAR else m[0].capitalize(),
                     str(nama).lower())


def _label(value) -> str:
    return teks(nama_wilayah(value))


def _jiwa(value) -> str:
    return f"{bilangan(value)} jiwa"


def _persen(value) -> str:
    return persentase(value)


def _desimal(value) -> str:
    return bilangan(value, 2)


def _bagian(nilai, total) -> float | None:
    return nilai / total * 100 if total else None


def _ambang(value: float) -> str:
    """5.0 → "5", 0.5 → "0,5", 1000 → "1.000" (the threshold as the reader would write it)."""
    angka = bilangan(value, 2)
    return angka.rstrip("0").rstrip(",") if "," in angka else angka


def _tanggal(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _tanggal_teks(value) -> str:
    return tanggal_panjang(_tanggal(value))


def _periode(periode) -> Periode:
    try:
        return Periode.parse(str(periode))
    except UsageError:
        raise ValueError(f"periode '{periode}' tidak dikenal (contoh yang benar: 2025-S1)") from None


def _semester(periode) -> str:
    return _periode(periode).judul


def _tanggal_periode(periode) -> str:
    return tanggal_panjang(_periode(periode).tanggal)


def _wilayah(doc: dict, tingkat: tuple[str, ...]) -> list[tuple[str, dict]]:
    """Regions of the given levels, sorted by Kemendagri code."""
    return sorted(((str(kode), isi) for kode, isi in (doc.get("wilayah") or {}).items()
                   if isi.get("tingkat") in tingkat), key=lambda item: item[0])


def _kabupaten(doc: dict, nama: str) -> tuple[str, dict]:
    """The document's root region (the kabupaten/kota, or the provinsi of a province book): shortest code."""
    daftar = _wilayah(doc, ("provinsi", "kabupaten", "kota"))
    if not daftar:
        raise ValueError(f"dokumen {nama} tidak memuat baris tingkat provinsi atau kabupaten/kota")
    return min(daftar, key=lambda item: (item[0].count("."), item[0]))


def _anak(doc: dict, induk: str) -> list[tuple[str, dict]]:
    """The regions one level below `induk`, by code."""
    depth = induk.count(".") + 1
    return [(kode, isi) for kode, isi in _wilayah(doc, ("kabupaten", "kota", "kecamatan"))
            if kode.startswith(induk + ".") and kode.count(".") == depth]


def _nama_lengkap(isi: dict) -> str:
    """"Kecamatan Binuang", "Kota Banjarmasin"."""
    return f"{isi['tingkat'].capitalize()} {_label(isi['nama'])}"


def _kategori(doc: dict, kode: str, label: str | None = None) -> str:
    """The data key of the category with this code (tables key their data by label)."""
    for kategori in doc.get("kategori") or ():
        if str(kategori.get("kode")) == kode:
            return kategori["label"]
    if label is None:
        raise ValueError(f"kategori {kode} tidak ada di tabel {doc.get('indikator')}")
    return label


def _jml(data: dict, label: str) -> int:
    return int((data.get(label) or {}).get("jml", 0))


def _arah(nilai, satuan: str, persen) -> str:
    """`naik 1.154 jiwa (0,57%)`, `turun 12 KK (0,05%)`, `tetap`."""
    if not nilai:
        return "tetap"
    kata = "naik" if nilai > 0 else "turun"
    rinci = f" ({_persen(abs(persen))})" if persen is not None else ""
    return f"{kata} {bilangan(abs(nilai))} {satuan}{rinci}"


def _perubahan(perbandingan: dict | None, indikator: str) -> dict | None:
    """The root's change of one indicator, or None when there is nothing to compare with."""
    if not perbandingan:
        return None
    _, isi = _kabupaten(perbandingan, "perbandingan")
    ubah = (isi.get("data") or {}).get(indikator)
    if not ubah or ubah.get("sebelumnya") is None or ubah.get("selisih") is None:
        return None
    return ubah


def _dibanding(perbandingan: dict | None, indikator: str, jumlah: str, satuan: str) -> str:
    """` Dibandingkan dengan semester sebelumnya, jumlah KK naik 12 KK (0,05%).`, or "" when there is nothing
    to compare with (the sentence follows another, hence the leading blank)."""
    ubah = _perubahan(perbandingan, indikator)
    if ubah is None:
        return ""
    return (f" Dibandingkan dengan semester sebelumnya, jumlah {jumlah} "
            f"{_arah(ubah['selisih'], satuan, ubah.get('persen'))}.")


def _bagian_jumlah(documents: dict, nama_kab: str, perbandingan: dict | None) -> list[str]:
    doc = documents["penduduk"]
    _, kab = _kabupaten(doc, "penduduk")
    data = kab["data"][_kategori(doc, "1", "PENDUDUK")]
    total, lk, pr = int(data["jml"]), int(data["lk"]), int(data["pr"])
    tanggal, semester = _tanggal_teks(doc["tanggal_data"]), _semester(doc["periode"])
    out = ["## Jumlah dan Pertumbuhan Penduduk", "",
           (f"Jumlah penduduk {nama_kab} per {tanggal} ({semester}) tercatat {_jiwa(total)}, terdiri atas "
            f"{_jiwa(lk)} laki-laki ({_persen(_bagian(lk, total))}) dan {_jiwa(pr)} perempuan "
            f"({_persen(_bagian(pr, total))})."), ""]
    ubah = _perubahan(perbandingan, "penduduk")
    if ubah is None:
        out += [("Edisi ini merupakan edisi pertama dalam seri buku data agregat ini, sehingga belum tersedia "
                 "angka semester sebelumnya sebagai pembanding."), ""]
        return out
    lalu = perbandingan.get("periode_sebelumnya")
    pembanding = (f"{_semester(lalu)} (per {_tanggal_periode(lalu)})" if lalu else "semester sebelumnya")
    kalimat = (f"Dibandingkan dengan {pembanding} sebanyak {_jiwa(ubah['sebelumnya'])}, jumlah penduduk "
               f"{_arah(ubah['selisih'], 'jiwa', ubah.get('persen'))}.")
    out += [kalimat + " Perubahan ini tidak sama persis dengan jumlah kelahiran dikurangi kematian ditambah "
            "selisih penduduk datang dan pindah, karena Data Kependudukan Bersih (DKB) dari Kementerian Dalam "
            "Negeri dibersihkan ulang setiap semester.", ""]
    return out


def _bagian_persebaran(documents: dict, nama_kab: str) -> list[str]:
    doc, indikator = documents["penduduk"], documents["indikator"]
    label = _kategori(doc, "1", "PENDUDUK")
    akar, kab = _kabupaten(doc, "penduduk")
    total = _jml(kab["data"], label)
    anak = [(kode, _nama_lengkap(isi), _jml(isi["data"], label)) for kode, isi in _anak(doc, akar)]
    kecamatan = len(_wilayah(doc, ("kecamatan",)))
    desa = len(_wilayah(doc, ("desa",)))
    kelurahan = len(_wilayah(doc, ("kelurahan",)))
    provinsi = kab["tingkat"] == "provinsi"
    jenis = "Kabupaten/kota" if provinsi else "Kecamatan"
    out = ["## Persebaran Penduduk", ""]
    if not anak:
        return out + [f"Data per {jenis.lower()} tidak tersedia pada edisi ini.", ""]
    terbanyak = min(anak, key=lambda k: (-k[2], k[0]))
    tersedikit = min(anak, key=lambda k: (k[2], k[0]))
    sebaran = (f"{bilangan(len(anak))} kabupaten/kota, {bilangan(kecamatan)} kecamatan, dan " if provinsi
               else f"{bilangan(kecamatan)} kecamatan dan ")
    out += [(f"Penduduk {nama_kab} tersebar di {sebaran}"
             f"{bilangan(desa + kelurahan)} desa/kelurahan ({bilangan(desa)} desa dan {bilangan(kelurahan)} "
             f"kelurahan). {jenis} dengan penduduk terbanyak adalah {terbanyak[1]}, yaitu "
             f"{_jiwa(terbanyak[2])} ({_persen(_bagian(terbanyak[2], total))} dari penduduk {kab['tingkat']}), "
             f"sedangkan yang paling sedikit adalah {tersedikit[1]}, yaitu "
             f"{_jiwa(tersedikit[2])} ({_persen(_bagian(tersedikit[2], total))})."), ""]
    _, ind_kab = _kabupaten(indikator, "indikator")
    padat = [(kode, _nama_lengkap(isi), isi["data"]["kepadatan"]) for kode, isi in _anak(indikator, akar)
             if isi["data"].get("kepadatan") is not None]
    kalimat = []
    if ind_kab["data"].get("kepadatan") is not None:
        luas = ind_kab["data"].get("luas_km2")
        awal = f"Dengan luas wilayah {_desimal(luas)} km², k" if luas is not None else "K"
        kalimat.append(f"{awal}epadatan penduduk {nama_kab} adalah {_desimal(ind_kab['data']['kepadatan'])} "
                       "jiwa per km².")
    if len(padat) > 1:
        terpadat = min(padat, key=lambda k: (-k[2], k[0]))
        terjarang = min(padat, key=lambda k: (k[2], k[0]))
        kalimat.append(f"{jenis} terpadat adalah {terpadat[1]} dengan "
                       f"{_desimal(terpadat[2])} jiwa per km², sedangkan yang paling jarang penduduknya adalah "
                       f"{terjarang[1]} dengan {_desimal(terjarang[2])} jiwa per km².")
    if kalimat:
        out += [" ".join(kalimat), ""]
    if ind_kab["data"].get("luas_km2") is not None and indikator.get("luas_sumber"):
        out += [f"Sumber data luas wilayah: {teks(indikator['luas_sumber'])}.", ""]
    return out


def _bagian_struktur(documents: dict) -> list[str]:
    indikator, umur, agama = documents["indikator"], documents["struktur_umur"], documents["agama"]
    _, kab = _kabupaten(indikator, "indikator")
    data = kab["data"]
    out = ["## Struktur Penduduk", ""]
    rasio = data.get("rasio_jenis_kelamin")
    if rasio is None:
        out += ["Rasio jenis kelamin tidak dapat dihitung karena tidak ada penduduk perempuan tercatat.", ""]
    else:
        if data["lk"] > data["pr"]:
            arti = "penduduk laki-laki lebih banyak daripada penduduk perempuan"
        elif data["lk"] < data["pr"]:
            arti = "penduduk perempuan lebih banyak daripada penduduk laki-laki"
        else:
            arti = "jumlah penduduk laki-laki sama dengan penduduk perempuan"
        out += [(f"Rasio jenis kelamin tercatat {_desimal(rasio)}, artinya terdapat sekitar {bilangan(rasio)} "
                 f"penduduk laki-laki untuk setiap 100 penduduk perempuan; {arti}."), ""]

    _, umur_kab = _kabupaten(umur, "struktur_umur")
    muda = _jml(umur_kab["data"], _kategori(umur, "0-14", "0-14"))
    produktif = _jml(umur_kab["data"], _kategori(umur, "15-64", "15-64"))
    tua = _jml(umur_kab["data"], _kategori(umur, "65+", "65+"))
    total = sum(_jml(umur_kab["data"], label) for label in umur_kab["data"])
    out += [(f"Menurut struktur umur, penduduk usia muda (0-14 tahun) berjumlah {_jiwa(muda)} "
             f"({_persen(_bagian(muda, total))}), penduduk usia produktif (15-64 tahun) {_jiwa(produktif)} "
             f"({_persen(_bagian(produktif, total))}), dan penduduk usia tua (65 tahun ke atas) {_jiwa(tua)} "
             f"({_persen(_bagian(tua, total))})."), ""]

    total_rk = data.get("rasio_ketergantungan")
    muda_rk, tua_rk = data.get("rasio_ketergantungan_muda"), data.get("rasio_ketergantungan_tua")
    if total_rk is None or muda_rk is None or tua_rk is None:
        out += ["Rasio ketergantungan tidak dapat dihitung karena tidak ada penduduk usia produktif tercatat.", ""]
    else:
        sumber = ("terutama berasal dari penduduk usia muda" if muda_rk > tua_rk else
                  "terutama berasal dari penduduk usia tua" if tua_rk > muda_rk else
                  "berasal sama besar dari penduduk usia muda dan usia tua")
        out += [(f"Rasio ketergantungan total sebesar {_desimal(total_rk)}, terdiri atas rasio ketergantungan "
                 f"muda {_desimal(muda_rk)} dan rasio ketergantungan tua {_desimal(tua_rk)}. Artinya, setiap 100 "
                 f"penduduk usia produktif menanggung sekitar {bilangan(total_rk)} penduduk usia nonproduktif "
                 f"(sekitar {bilangan(muda_rk)} penduduk usia muda dan {bilangan(tua_rk)} penduduk usia tua); "
                 f"beban ketergantungan {sumber}."), ""]

    _, agama_kab = _kabupaten(agama, "agama")
    tidak_tahu = _kategori(agama, "?", "TIDAK DIKETAHUI")
    pemeluk = sorted(((label, _jml(agama_kab["data"], label)) for label in agama_kab["data"]
                      if label != tidak_tahu), key=lambda item: (-item[1], item[0]))
    agama_total = sum(_jml(agama_kab["data"], label) for label in agama_kab["data"])
    if pemeluk and pemeluk[0][1] > 0:
        out += [(f"Menurut agama, pemeluk terbanyak adalah agama {_label(pemeluk[0][0])}, yaitu "
                 f"{_jiwa(pemeluk[0][1])} ({_persen(_bagian(pemeluk[0][1], agama_total))} dari seluruh "
                 "penduduk)."), ""]
    return out


def _bagian_keluarga(documents: dict, perbandingan: dict | None) -> list[str]:
    if not documents.get("kartu_keluarga"):
        return ["## Keluarga dan Dokumen Kependudukan", "", f"Jumlah kepala keluarga {TIDAK_TERSEDIA}.", ""]
    if not documents.get("wajib_ktp"):
        return _keluarga(documents, perbandingan) + [f"Jumlah penduduk wajib KTP-el {TIDAK_TERSEDIA}.", ""]
    return _keluarga(documents, perbandingan) + _wajib_ktp(documents, perbandingan)


def _keluarga(documents: dict, perbandingan: dict | None) -> list[str]:
    indikator, kk_doc = documents["indikator"], documents["kartu_keluarga"]
    _, kab = _kabupaten(indikator, "indikator")
    data = kab["data"]
    _, kk_kab = _kabupaten(kk_doc, "kartu_keluarga")
    kk = kk_kab["data"][_kategori(kk_doc, "1", "KEPALA KELUARGA")]
    out = ["## Keluarga dan Dokumen Kependudukan", ""]
    kalimat = (f"Jumlah keluarga, dihitung dari penduduk berstatus kepala keluarga, tercatat "
               f"{bilangan(kk['jml'])} KK; {bilangan(kk['lk'])} KK dikepalai laki-laki dan {bilangan(kk['pr'])} "
               f"KK dikepalai perempuan ({_persen(_bagian(kk['pr'], kk['jml']))}).")
    if data.get("rata_rata_anggota_kk") is not None:
        kalimat += f" Rata-rata anggota keluarga adalah {_desimal(data['rata_rata_anggota_kk'])} jiwa per KK."
    out += [kalimat + _dibanding(perbandingan, "kartu_keluarga", "KK", "KK"), ""]
    return out


def _wajib_ktp(documents: dict, perbandingan: dict | None) -> list[str]:
    ktp_doc, out = documents["wajib_ktp"], []
    _, kab = _kabupaten(documents["indikator"], "indikator")
    data = kab["data"]
    _, ktp_kab = _kabupaten(ktp_doc, "wajib_ktp")
    wajib = _jml(ktp_kab["data"], _kategori(ktp_doc, "1", "WAJIB KTP-EL"))
    persen_wajib = data.get("persen_wajib_ktp")
    kalimat = (f"Penduduk wajib KTP-el, yaitu penduduk berumur 17 tahun ke atas atau yang sudah atau pernah "
               f"kawin, berjumlah {_jiwa(wajib)}")
    kalimat += f" atau {_persen(persen_wajib)} dari seluruh penduduk." if persen_wajib is not None else "."
    out += [kalimat + _dibanding(perbandingan, "wajib_ktp", "penduduk wajib KTP-el", "jiwa"), ""]
    return out


def _bagian_desa(perbandingan: dict, ambang: float) -> list[str]:
    lalu = perbandingan.get("periode_sebelumnya")
    pembanding = _semester(lalu) if lalu else "semester sebelumnya"
    nama_kec = {kode: isi["nama"] for kode, isi in _wilayah(perbandingan, ("kecamatan",))}
    besar, tanpa_pembanding = [], 0
    for kode, isi in _wilayah(perbandingan, ("desa", "kelurahan")):
        ubah = (isi.get("data") or {}).get("penduduk") or {}
        sebelumnya, sekarang = ubah.get("sebelumnya"), ubah.get("sekarang")
        persen = ubah.get("persen")
        if persen is None and sebelumnya:
            persen = (sekarang - sebelumnya) / sebelumnya * 100
        if persen is None or sebelumnya is None:
            tanpa_pembanding += 1
            continue
        beda = ubah.get("selisih")
        beda = sekarang - sebelumnya if beda is None else beda
        if abs(persen) >= ambang:
            besar.append((kode, isi, sebelumnya, sekarang, beda, persen))
    besar.sort(key=lambda d: (-abs(d[5]), -abs(d[4]), d[0]))

    batas = f"{_ambang(ambang)}%"
    out = ["## Desa/Kelurahan dengan Perubahan Besar", ""]
    if not besar:
        out += [(f"Tidak ada desa/kelurahan yang jumlah penduduknya berubah {batas} atau lebih dibandingkan "
                 f"dengan {pembanding}."), ""]
    else:
        jumlah = len(besar)
        pengantar = (f"Terdapat {bilangan(jumlah)} desa/kelurahan yang jumlah penduduknya berubah {batas} atau "
                     f"lebih dibandingkan dengan {pembanding}")
        if jumlah > MAKS_DESA:
            pengantar += f"; berikut {bilangan(MAKS_DESA)} desa/kelurahan dengan perubahan terbesar"
        out += [pengantar + ":", ""]
        for kode, isi, sebelumnya, sekarang, beda, persen in besar[:MAKS_DESA]:
            jenis = "Kelurahan" if isi.get("tingkat") == "kelurahan" else "Desa"
            kecamatan = nama_kec.get(kode.rsplit(".", 1)[0])
            letak = f" (Kecamatan {_label(kecamatan)})" if kecamatan else ""
            out.append(f"- {jenis} {_label(isi['nama'])}{letak}: {bilangan(sebelumnya)} → {_jiwa(sekarang)} "
                       f"({bertanda(beda)} jiwa; {persentase(persen, tanda=True)})")
        out.append("")
        out += [("Perubahan pada desa/kelurahan tersebut perlu diperiksa sebelum ditafsirkan sebagai perubahan "
                 "penduduk yang sebenarnya, karena dapat juga disebabkan oleh pembersihan data atau perbaikan "
                 "alamat tempat tinggal."), ""]
    if tanpa_pembanding:
        out += [(f"Sebanyak {bilangan(tanpa_pembanding)} desa/kelurahan tidak memiliki angka {pembanding} "
                 "sehingga tidak dibandingkan."), ""]
    return out


def _awal_besar(kalimat: str) -> str:
    return kalimat[:1].upper() + kalimat[1:]


def _urut(hitungan: dict, katalog) -> list:
    """The keys of a manifest count: the catalogue's first, in its order, then any other (an older edition's)
    sorted as text."""
    return [k for k in katalog if k in hitungan] + sorted((k for k in hitungan if k not in katalog), key=str)


def _label_masalah(kode) -> str:
    """How the book names a kind of problem (`masalah.Problem.label`); a code the catalogue does not know
    (written by another version) is shown as its words."""
    return PROBLEMS[kode].label if kode in PROBLEMS else teks(str(kode).replace("_", " ").lower())


def _bagian_kualitas(manifest: dict) -> list[str]:
    if (manifest.get("sumber") or {}).get("jenis") == "dkb":
        diabaikan = manifest.get("lembar_diabaikan") or []
        kalimat = (f"Edisi ini disusun dari buku kerja agregat DKB {teks(manifest['sumber']['nama_berkas'])} "
                   f"({bilangan(len(set((manifest.get('lembar') or {}).values())))} lembar dipakai"
                   + (f", {bilangan(len(diabaikan))} lembar diabaikan" if diabaikan else "") + "). "
                   "Tabel yang tidak dimuat buku kerja itu tidak disajikan.")
        return ["## Catatan Kualitas Data", "", kalimat, "",
                "Catatan ini hanya memuat hitungan; data pribadi tidak pernah dimuat dalam buku ini.", ""]
    baris = manifest.get("baris") or {}
    dibaca, valid, keluar = int(baris.get("dibaca", 0)), int(baris.get("valid", 0)), int(baris.get("dikecualikan", 0))
    out = ["## Catatan Kualitas Data", ""]
    kalimat = (f"Ekstrak register yang diolah untuk edisi ini berisi {bilangan(dibaca)} baris; "
               f"{bilangan(valid)} baris valid dan dihitung dalam tabel")
    if keluar:
        kalimat += (f", sedangkan {bilangan(keluar)} baris ({_persen(_bagian(keluar, dibaca))}) dikecualikan "
                    "dengan rincian sebagai berikut:")
    else:
        kalimat += "; tidak ada baris yang dikecualikan."
    out += [kalimat, ""]
    alasan = manifest.get("dikecualikan") or {}
    if keluar:
        for k in _urut(alasan, EXCLUSIONS):
            if alasan[k]:
                out.append(f"- {_awal_besar(_label_masalah(k))}: {bilangan(alasan[k])} baris")
        out.append("")

    peringatan = manifest.get("peringatan") or {}
    daftar = []
    for k in _urut(peringatan, WARNINGS):
        nilai = peringatan[k]
        if k != UNKNOWN_CODE and isinstance(nilai, (int, float)) and nilai:
            satuan = PROBLEMS[k].unit if k in PROBLEMS else "baris"
            daftar.append(f"- {_awal_besar(_label_masalah(k))}: {bilangan(nilai)} {satuan}")
    if daftar:
        out += ["Baris berikut tetap dihitung, tetapi perlu diperiksa dan diperbaiki di SIAK:", ""] + daftar + [""]

    kode = peringatan.get(UNKNOWN_CODE) or {}
    kolom = [k for k in _urut(kode, CODED_COLUMNS) if kode[k]]
    if kolom:
        rincian = "; ".join(f"{CODED_COLUMNS.get(k) or teks(k)} {bilangan(kode[k])} {PROBLEMS[UNKNOWN_CODE].unit}"
                            for k in kolom)
        out += [(f"{_awal_besar(_label_masalah(UNKNOWN_CODE))} dihitung sebagai TIDAK DIKETAHUI pada tabel yang "
                 f"bersangkutan: {rincian}."), ""]
    if not daftar and not kolom:
        out += ["Tidak ada peringatan pada pemeriksaan data edisi ini.", ""]
    out += ["Catatan ini hanya memuat hitungan; data pribadi tidak pernah dimuat dalam buku ini.", ""]
    return out


def tulis_analisa(documents: dict[str, dict], ambang_persen: float = 5.0) -> str:
    """Markdown of Bab VII Analisa for one edition; `ambang_persen` is the |change| (in percent) of a
    desa/kelurahan's population from which it is listed as a large change."""
    hilang = [nama for nama in WAJIB if not documents.get(nama)]
    if hilang:
        raise ValueError(f"dokumen untuk analisa tidak lengkap: {', '.join(hilang)} tidak ada")
    if not isinstance(ambang_persen, (int, float)) or isinstance(ambang_persen, bool) \
            or math.isnan(ambang_persen) or ambang_persen < 0:
        raise ValueError(f"ambang_persen harus angka >= 0, bukan {ambang_persen!r}")
    periode = documents["penduduk"].get("periode")
    beda = sorted(nama for nama, doc in documents.items()
                  if isinstance(doc, dict) and doc.get("periode") not in (None, periode))
    if beda:
        raise ValueError(f"dokumen {', '.join(beda)} bukan periode {periode}")
    perbandingan = documents.get("perbandingan") or None
    _, kab = _kabupaten(documents["penduduk"], "penduduk")
    nama_kab = _nama_lengkap(kab)

    out = _bagian_jumlah(documents, nama_kab, perbandingan)
    out += _bagian_persebaran(documents, nama_kab)
    out += _bagian_struktur(documents)
    out += _bagian_keluarga(documents, perbandingan)
    if perbandingan:
        out += _bagian_desa(perbandingan, float(ambang_persen))
    out += _bagian_kualitas(documents["manifest"])
    out += [(f"Teks ini disusun otomatis dari angka edisi ini sebagai draf; {ROLES['kasi'].nama} "
             "menyunting dan melengkapinya.")]
    return "\n".join(out) + "\n"


def ensure_analisa(data_dir: Path, periods: list[str] | None = None) -> list[str]:
    """Write the generated draft of Bab VII (`analisa.md`) where an edition (of `periods`, default all) has
    none; never overwrite."""
    written = []
    for periode in daftar_edisi(data_dir):
        path = Path(data_dir) / periode / "analisa.md"
        if (periods is None or periode in periods) and not os.path.lexists(path):
            # the temporary file lies in data/, not in the edition: a killed write leaves the edition valid
            write_atomic(path, tulis_analisa(muat_edisi(data_dir, periode).dokumen), tmp_dir=Path(data_dir))
            written.append(periode)
    return written
