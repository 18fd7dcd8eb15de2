"""The project's folders as one value passed down from `cli.main()`, and how a path is shown to the user.

    paths = Paths.of_project(PROJECT_ROOT)     # data/, laporan/, site/, approvals/ of one checkout
    approvals_dir = args.approvals_dir or paths.approvals

The library never reads folder defaults from the command line's module (nor does a test patch them there):
whoever needs a default folder receives the `Paths` the command line built.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    """The default folders of one project checkout (each option such as --data-dir overrides its own)."""

    data: Path          # editions, data/<periode>/
    report: Path        # row-level validation reports (internal, not in git)
    site: Path          # the built site and PDFs
    approvals: Path     # the signed registry, policy and statements

    @classmethod
    def of_project(cls, root: Path) -> Paths:
        root = Path(root)
        return cls(data=root / "data", report=root / "laporan", site=root / "site", approvals=root / "approvals")


def shown(path: Path) -> str:
    """A path as the user typed it: relative to the working directory when inside it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
