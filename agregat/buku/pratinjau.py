"""The live preview (`serve`): the site of data/ built once into a temporary folder, then served and built
again whenever the pages, the data or mkdocs.yml change.

Invariants: the address is told (`siap`) only once the socket listens, after the first build — a request
made right after the line is answered; Ctrl-C (KeyboardInterrupt) reaches the caller after the server, the
watcher and the temporary folder are gone. The preview makes no PDF, so its pages carry no link to one: each
link to an edition's PDF is replaced by a note that `build` makes it (`tanpa_tautan_pdf`, applied by the
MkDocs hook when `extra.pratinjau` is set).
"""

from __future__ import annotations

import errno
import re
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from agregat.core.errors import UsageError
from agregat.core.kemajuan import DIAM, Kemajuan

_PDF_LINK = re.compile(r'<a\b[^>]*\bhref="[^"]*buku-data-agregat-[^"/]*\.pdf"[^>]*>.*?</a>', re.S)
PDF_NOTE = ('<span class="pdf-pratinjau">PDF tidak dibuat di pratinjau: '
            '<code>python build.py build</code> membuatnya</span>')


def tanpa_tautan_pdf(html: str) -> str:
    """`html` with every link to an edition's PDF (buku-data-agregat-<periode>.pdf) replaced by PDF_NOTE."""
    return _PDF_LINK.sub(PDF_NOTE, html)


def serve(root: Path, data_dir: Path, address: str, siap: Callable[[str], None],
          kemajuan: Kemajuan = DIAM) -> None:
    """Build the site of `data_dir` with the project's mkdocs.yml, then serve it at `address` (HOST:PORT)
    until Ctrl-C, building again on every change; `siap(url)` is called once the server listens."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.livereload import LiveReloadServer

    site_dir = tempfile.mkdtemp(prefix="pratinjau-")

    def get_config():
        config = load_config(str(Path(root) / "mkdocs.yml"), site_dir=site_dir, dev_addr=address)
        config.extra["data_dir"] = str(data_dir)
        config.extra["pratinjau"] = True
        return config

    class Server(LiveReloadServer):
        def server_activate(self):
            super().server_activate()      # listening from here: requests wait in the backlog
            siap(self.url)

    try:
        try:
            config = get_config()
        except ConfigurationError as exc:
            raise UsageError(f"--address {address}: {exc}. Contoh: 127.0.0.1:8000.") from None
        host, port = config.dev_addr
        url = f"http://{host}:{port}/"

        def builder(config=None, judul=("Membangun ulang situs pratinjau", "Situs pratinjau diperbarui")):
            config = config or get_config()
            config.site_url = url
            with kemajuan.langkah(*judul):
                build(config, serve_url=url)

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
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    raise
                raise UsageError(f"Alamat {host}:{port} sudah dipakai program lain. Hentikan program itu, atau "
                                 "pilih port lain dengan --address, mis. 127.0.0.1:8001.") from None
            finally:
                server.shutdown()
        finally:
            config.plugins.on_shutdown()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
