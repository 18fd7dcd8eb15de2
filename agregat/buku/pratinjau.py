"""The live preview (`serve`): the site of data/ built once into a temporary folder, then served and built
again whenever the pages, the data or mkdocs.yml change.

Invariants: the address is told (`siap`) only once the socket listens, after the first build — a request
made right after the line is answered; Ctrl-C (KeyboardInterrupt) reaches the caller after the server, the
watcher and the temporary folder are gone. The preview makes no PDF, so its pages carry no link to one: each
link to an edition's PDF is replaced by a note that `build` makes it (`tanpa_tautan_pdf`, applied by the
MkDocs hook when `extra.pratinjau` is set).
"""

from __future__ import annotations

import re
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Callable

from agregat.buku.build import page_progress
from agregat.core.angka import bilangan
from agregat.core.errors import UsageError
from agregat.core.kemajuan import DIAM, Kemajuan
from agregat.edisi.analisa import ensure_analisa

_PDF_LINK = re.compile(r'<a\b[^>]*\bhref="[^"]*buku-data-agregat-[^"/]*\.pdf"[^>]*>.*?</a>', re.S)
PDF_NOTE = ('<span class="pdf-pratinjau">PDF tidak dibuat di pratinjau: '
            '<code>python build.py build</code> membuatnya</span>')


def tanpa_tautan_pdf(html: str) -> str:
    """`html` with every link to an edition's PDF (buku-data-agregat-<periode>.pdf) replaced by PDF_NOTE."""
    return _PDF_LINK.sub(PDF_NOTE, html)


def host_port(address: str) -> tuple[str, int]:
    """("127.0.0.1", 8000) of "127.0.0.1:8000" ("[::1]:8000" too); UsageError for anything else."""
    host, sep, port = address.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not (sep and host and port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise UsageError(f"--address '{address}' bukan HOST:PORT. Contoh: 127.0.0.1:8000.")
    return host, int(port)


def usable(host: str, port: int) -> None:
    """UsageError unless this process can listen on (host, port) now (not taken, a local address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as the HTTP server binds
            probe.bind((host, port))
    except OSError as exc:
        raise UsageError(f"--address {host}:{port} tidak dapat dipakai ({exc.strerror or type(exc).__name__}): "
                         "port dipakai program lain, atau alamat itu bukan milik mesin ini. Pilih yang lain, "
                         "mis. --address 127.0.0.1:8001.") from None


def serve(root: Path, data_dir: Path, address: str, siap: Callable[[str], None],
          kemajuan: Kemajuan = DIAM) -> None:
    """Build the site of `data_dir` with the project's mkdocs.yml, then serve it at `address` (HOST:PORT)
    until Ctrl-C, building again on every change; `siap(url)` is called once the server listens. A bad or
    taken address is a UsageError before anything is built or written."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    host, port = host_port(address)
    usable(host, port)                       # before the first build, which may take long
    ensure_analisa(data_dir)                 # as build_book: the Bab VII draft of an edition that has none
    url = f"http://{address}/"
    site_dir = tempfile.mkdtemp(prefix="pratinjau-")

    def get_config():
        config = load_config(str(Path(root) / "mkdocs.yml"), site_dir=site_dir)
        config.extra["data_dir"] = str(data_dir)
        config.extra["pratinjau"] = True
        return config

    class Server(LiveReloadServer):
        def server_activate(self):
            super().server_activate()      # listening from here: requests wait in the backlog
            siap(self.url)

    try:
        config = get_config()

        def builder(config=None, judul=("Membangun ulang situs pratinjau", "Situs pratinjau diperbarui")):
            config = config or get_config()
            config.site_url = url
            pages = page_progress(config, kemajuan)
            with kemajuan.langkah(*judul) as rincian:
                build(config, serve_url=url)
                rincian.append(f"{bilangan(pages.count)} halaman")

        config.plugins.on_startup(command="serve", dirty=False)
        try:
            server = Server(builder=builder, host=host, port=port, root=site_dir)
            builder(config, ("Membangun situs pratinjau", "Situs pratinjau selesai"))
            for path in (config.docs_dir, config.config_file_path, data_dir):
                server.watch(str(path))
            server = config.plugins.on_serve(server, config=config, builder=builder)
            for item in config.watch:
                server.watch(item)
            try:
                server.serve()
            finally:
                server.shutdown()
        finally:
            config.plugins.on_shutdown()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
