"""The roles of the SOP (Administrator Database, Kasi, Kabid, Sekretaris, Kepala Dinas): defined once, below
everything that names them — the registry and policy checks, the CLI, the lembar pengesahan of the book and
the Bab VII draft."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class JenisPeran:
    """One SOP role: its code (in the registry, the policy and the statements), the short name messages and
    `status` use, and the full title printed on the lembar pengesahan."""

    kode: str
    nama: str
    jabatan: str


#: THE list of SOP roles, in signing order (the rows of the lembar pengesahan, agregat.buku.cetak). Everything that
#: names a role (the registry and policy checks, `officials --role`, `status`, the book) reads it here.
ROLES = {r.kode: r for r in (
    JenisPeran("admin", "Administrator Database", "Administrator Database"),
    JenisPeran("kasi", "Kasi Pengolahan dan Penyajian Data", "Kepala Seksi Pengolahan dan Penyajian Data Kependudukan"),
    JenisPeran("kabid", "Kabid PIAK", "Kepala Bidang Pengelolaan Informasi Administrasi Kependudukan"),
    JenisPeran("sekretaris", "Sekretaris", "Sekretaris"),
    JenisPeran("kadis", "Kepala Dinas", "Kepala Dinas"),
)}
