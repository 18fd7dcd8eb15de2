"""An installed wheel runs the commands: `pip install` of the project (no checkout beside it) puts the whole
library in site-packages, the working directory is the project folder, and `python -m agregat` (the
`agregat` command) configures, aggregates, validates, diffs and verifies there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The project's wheel, built and installed (without dependencies: those of this interpreter serve) into
    a folder of its own."""
    source, build = tmp_path_factory.mktemp("sumber"), tmp_path_factory.mktemp("wheel")
    for name in ("agregat", "macros"):   # a copy: setuptools writes build/ and *.egg-info beside the sources
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
                    "-w", str(build), str(source)], check=True, capture_output=True)
    (wheel,) = build.glob("agregat-*.whl")
    target = tmp_path_factory.mktemp("site-packages")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--disable-pip-version-check",
                    "--target", str(target), str(wheel)], check=True, capture_output=True)
    return target


def test_the_wheel_holds_every_layer_and_its_data(installed):
    package = installed / "agregat"
    for layer in ("core", "sumber", "edisi", "buku", "pengesahan", "cli"):
        assert (package / layer / "__init__.py").is_file(), layer
    for data in ("referensi/siak_codes.yml", "referensi/wilayah/indonesia.csv.gz", "schema/tabel.schema.json",
                 "buku/cetak.css"):
        assert (package / data).is_file(), data
    assert (installed / "bin" / "agregat").is_file()


def test_an_installed_wheel_runs_the_commands_in_its_working_directory(installed, demo_registers, tmp_path):
    work = tmp_path / "kantor"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(installed), "GIT_AUTHOR_NAME": "Uji", "GIT_AUTHOR_EMAIL": "u@x.invalid",
           "GIT_COMMITTER_NAME": "Uji", "GIT_COMMITTER_EMAIL": "u@x.invalid"}

    def agregat(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "agregat", *args], cwd=work, env=env, capture_output=True,
                              text=True)

    where = subprocess.run([sys.executable, "-c", "import agregat; print(agregat.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(installed))          # the wheel, not the checkout
    assert agregat("init", "--code", "63.05", "--output", "kabupaten.yml").returncode == 0
    register = str(demo_registers["2025-S1"])
    checked = agregat("validate", "--input", register, "--period", "2025-S1")
    assert checked.returncode == 0, checked.stderr
    made = agregat("aggregate", "--input", register, "--period", "2025-S1")
    assert made.returncode == 0, made.stderr
    assert (work / "data" / "2025-S1" / "penduduk.yml").is_file()
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "edisi"]):
        subprocess.run(["git", *command], cwd=work, env=env, check=True)
    diff = agregat("diff", "--period", "2025-S1", "--base", "main")
    assert diff.returncode == 0 and "2025-S1" in diff.stdout, diff.stderr
    verified = agregat("verify", "--period", "2025-S1")
    assert verified.returncode == 0 and "draf" in verified.stdout.lower(), verified.stdout + verified.stderr
    assert "Traceback" not in checked.stderr + made.stderr + diff.stderr + verified.stderr
