"""The MkDocs hooks (`hooks:` in mkdocs.yml): a thin shim. MkDocs loads this file by path; the hooks live
in `agregat.buku.mkdocs_hooks`."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:   # loaded by path: the agregat package lives in the project folder
    # appended, not put first: a build of another project folder inside a long-lived process (tests, a
    # Dask client) must not shadow the running package for the processes it starts later
    sys.path.append(str(ROOT))

from agregat.buku.mkdocs_hooks import *  # noqa: E402,F401,F403
