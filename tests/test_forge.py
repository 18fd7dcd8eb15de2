"""The CI files for the users' repository: actionlint passes on every workflow, the workflow does what
forge/README.md says, and its shell steps work in a real git repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BUKU = ROOT / ".github" / "workflows" / "buku.yml"
GITLAB = ROOT / "forge" / "gitlab-ci.yml"


def actionlint_binary() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.prefix) / "bin")) or shutil.which("actionlint")
    assert found, "actionlint tidak ditemukan: jalankan 'sh tools/setup.sh dev' (requirements-dev.txt memasangnya)"
    return found


def actionlint(*files: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([actionlint_binary(), "-no-color", "-oneline", *map(str, files)], cwd=cwd,
                          capture_output=True, text=True, timeout=120, check=False)


def load(path: Path) -> dict:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["on"] = document.pop(True, document.get("on"))   # YAML 1.1 reads the key `on` as true
    return document


def steps(job: dict) -> list[dict]:
    return job["steps"]


def step(job: dict, name_or_id: str) -> dict:
    return next(s for s in job["steps"] if name_or_id in (s.get("id"), s.get("name")))


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_passes(workflow):
    result = actionlint(workflow)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "rusak.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text("name: rusak\non: pull_request\njobs:\n  a:\n    runs-on: ubuntu-24.04\n"
                      "    permissions:\n      pull-request: write\n    steps:\n      - uses: actions/checkout@v5\n"
                      "      - run: echo \"${{ steps.tidak_ada.outputs.x }}\"\n", encoding="utf-8")
    result = actionlint(broken.relative_to(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [".github/workflows/rusak.yml:7:7",
                                                          ".github/workflows/rusak.yml:10:24"]
    assert 'unknown permission scope "pull-request"' in lines[0] and '"tidak_ada"' in lines[1]


def test_the_workflow_on_pull_requests():
    workflow = load(BUKU)
    assert set(workflow["on"]) >= {"pull_request", "push"} and workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {}
    job = workflow["jobs"]["periksa"]
    assert job["permissions"] == {"contents": "read"}
    checkout = steps(job)[0]
    assert checkout["uses"].startswith("actions/checkout@v") and checkout["with"]["fetch-depth"] == 0
    assert step(job, "Python 3.11")["with"]["python-version"] == "3.11"
    assert "sh tools/setup.sh" in step(job, "Pasang paket sistem dan lingkungan Python")["run"]
    assert 'build.py verify --period "$period"' in step(job, "verifikasi")["run"]
    build = step(job, "Bangun draf (situs dan PDF)")["run"]
    assert "build.py build" in build and "--no-pdf" not in build
    uploads = {s["with"]["name"]: s["with"]["path"] for s in steps(job) if s.get("uses", "").startswith("actions/upload-artifact@")}
    assert uploads == {"situs-draf": "site/", "pdf-draf": "site/*/buku-data-agregat-*.pdf", "perubahan-angka": "diff.md"}
    diff = step(job, "Perubahan angka terhadap cabang tujuan")["run"]
    assert 'build.py diff --period "$period" --base "origin/${BASE_REF}" --head HEAD' in diff and "--output" in diff
    comment = workflow["jobs"]["komentar"]
    assert comment["permissions"] == {"pull-requests": "write"} and comment["needs"] == "periksa"
    assert "gh pr comment" in steps(comment)[-1]["run"] and "--body-file diff.md" in steps(comment)[-1]["run"]


def test_the_workflow_publishes_pages_from_main():
    workflow = load(BUKU)
    build, deploy = workflow["jobs"]["bangun-situs"], workflow["jobs"]["terbitkan"]
    assert "pull_request" in build["if"] and build["permissions"] == {"contents": "read"}
    assert "--no-pdf" not in step(build, "Bangun situs dan PDF")["run"]
    assert steps(build)[-1]["uses"].startswith("actions/upload-pages-artifact@v")
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert deploy["environment"]["name"] == "github-pages"
    assert steps(deploy)[-1]["uses"].startswith("actions/deploy-pages@v")
    every_action = [s["uses"] for j in workflow["jobs"].values() for s in j["steps"] if "uses" in s]
    assert all(a.rsplit("@", 1)[1].startswith("v") for a in every_action)   # pinned by version tag


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=Uji", "-c", "user.email=uji@contoh.id", *args],
                   check=True, capture_output=True)


def test_changed_periods_are_taken_from_data_and_approvals(tmp_path):
    """The workflow's own shell step, run in a repository with a base branch and a PR branch."""
    repo = tmp_path / "repo"
    for path in ("data/2024-S2/penduduk.yml", "data/2025-S1/penduduk.yml", "docs/index.md"):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text("a\n", encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "awal")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(repo, "checkout", "-q", "-b", "pr")
    for path in ("data/2025-S1/penduduk.yml", "approvals/2024-S2/r1/01-draf.yml",
                 "docs/index.md", "data/README.md"):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text("b\n", encoding="utf-8")
    git(repo, "add", "-A", "-f")
    git(repo, "commit", "-q", "-m", "perubahan")
    output = tmp_path / "github_output"
    run = step(load(BUKU)["jobs"]["periksa"], "edisi")["run"]
    subprocess.run(["bash", "-e", "-c", run], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "BASE_REF": "main", "GITHUB_OUTPUT": str(output)})
    assert output.read_text(encoding="utf-8") == "periods=2024-S2 2025-S1\nverify_periods=2024-S2 2025-S1\n"


@pytest.mark.parametrize("stray", ["data/.2025-S2.lama.x/2025-S2/penduduk.yml", "data/raw/register.csv",
                                   "data/2025-S1/sub/penduduk.yml", "data/2025-s1/penduduk.yml"])
def test_a_change_under_data_outside_an_edition_folder_fails_the_pr(tmp_path, stray):
    """A committed retired folder `.P.lama.*` (which the book's reader once restored as an edition) or any
    other path of data/ that is not an edition file nor data/README.md is invisible to the edition regex: the
    PR (GitHub, bash) and the MR (GitLab, POSIX sh) fail, naming it."""
    repo = tmp_path / "repo"
    (repo / "data" / "2025-S1").mkdir(parents=True)
    (repo / "data" / "2025-S1" / "penduduk.yml").write_text("a\n", encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "awal")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    (repo / stray).parent.mkdir(parents=True, exist_ok=True)
    (repo / stray).write_text("b\n", encoding="utf-8")
    git(repo, "add", "-A", "-f")
    git(repo, "commit", "-q", "-m", "selundupan")
    output = tmp_path / "github_output"
    run = step(load(BUKU)["jobs"]["periksa"], "edisi")["run"]
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", run], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, "BASE_REF": "main", "GITHUB_OUTPUT": str(output)})
    assert done.returncode == 1 and "di luar folder edisi" in done.stdout and stray in done.stdout
    items = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))["periksa-mr"]["script"]
    first = next(i for i, item in enumerate(items) if item.startswith("PERIODS="))
    selection = "\n".join(items[first:-1] + [items[-1].split("status=0")[0]])
    done = subprocess.run(["sh", "-e", "-c", f"BASE=origin/main\n{selection}"], cwd=repo, capture_output=True,
                          text=True)
    assert done.returncode == 1 and "di luar folder edisi" in done.stdout and stray in done.stdout


@pytest.mark.parametrize(("changed", "verified"), [
    ("data/2025-S1/penduduk.yml", "2025-S1"),                 # one edition changed: that edition
    ("approvals/pejabat.yml", "2024-S2 2025-S1"),             # the registry: every edition
    ("approvals/akar/0001.yml", "2024-S2 2025-S1"),           # a root rotation: every edition
    ("kabupaten.yml", "2024-S2 2025-S1"),                     # the pin or akar_tte: every edition
    ("madiun.yml", "2024-S2 2025-S1"),                        # any configuration (a top-level *.yml) too
    ("sertifikat/akar-bsre.pem", "2024-S2 2025-S1"),          # a TTE root certificate: every edition
])
def test_every_edition_is_verified_when_approvals_or_the_config_change(tmp_path, changed, verified):
    """A new root or registry can make an untouched edition's chain valid or invalid: all are verified.
    Run with GitHub's shell (`bash -e -o pipefail`) and, for GitLab, POSIX sh."""
    repo = tmp_path / "repo"
    for path in ("data/2024-S2/penduduk.yml", "data/2025-S1/penduduk.yml", "approvals/2024-S2/r1/01-draf.yml",
                 "kabupaten.yml"):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text("a\n", encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "awal")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(repo, "checkout", "-q", "-b", "pr")
    (repo / changed).parent.mkdir(parents=True, exist_ok=True)
    (repo / changed).write_text("b\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "perubahan")
    output = tmp_path / "github_output"
    run = step(load(BUKU)["jobs"]["periksa"], "edisi")["run"]
    subprocess.run(["bash", "-e", "-o", "pipefail", "-c", run], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "BASE_REF": "main", "GITHUB_OUTPUT": str(output)})
    assert f"verify_periods={verified}\n" in output.read_text(encoding="utf-8")
    items = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))["periksa-mr"]["script"]
    first = next(i for i, item in enumerate(items) if item.startswith("PERIODS="))
    selection = "\n".join(items[first:-1] + [items[-1].split("status=0")[0]])
    done = subprocess.run(["sh", "-e", "-c", f'BASE=origin/main\n{selection}\necho "VERIFY=$VERIFY_PERIODS"'],
                          cwd=repo, check=True, capture_output=True, text=True)
    assert done.stdout.rsplit("VERIFY=", 1)[1].split() == verified.split()


def test_verify_build_and_diff_use_the_configuration_the_repository_names():
    """The trust root is anchored in the history of the configuration given by --config: CI passes the
    repository's one (BUKU_CONFIG) to every verify, build and diff, on GitHub and on GitLab."""
    workflow, pipeline = load(BUKU), yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    assert workflow["env"]["BUKU_CONFIG"] == pipeline["variables"]["BUKU_CONFIG"] == "kabupaten.yml"
    scripts = [s["run"] for job in workflow["jobs"].values() for s in job["steps"] if "run" in s]
    scripts += ["\n".join(job["script"]) for job in (pipeline["periksa-mr"], pipeline["pages"])]
    calls = [line for text in scripts for line in re.split(r"\n|;", text.replace("\\\n", " "))
             if re.search(r"python build\.py (verify|build|diff)\b", line)]
    assert len(calls) >= 10 and all('--config "$BUKU_CONFIG"' in line for line in calls), calls


def test_gitlab_equivalent_runs_the_same_commands():
    pipeline = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    assert pipeline["variables"]["GIT_DEPTH"] == "0" and pipeline["stages"] == ["periksa", "terbit"]
    mr, pages = pipeline["periksa-mr"], pipeline["pages"]
    assert mr["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    script = "\n".join(mr["script"])
    for command in ("sh tools/setup.sh", 'build.py verify --period "$period"', 'build.py build --period "$period"',
                    'build.py diff --period "$period" --base "$BASE" --head HEAD', "merge_requests/$CI_MERGE_REQUEST_IID/notes"):
        assert command in script, command
    assert set(mr["artifacts"]["paths"]) == {"site/", "diff.md"}
    assert "build.py build" in "\n".join(pages["script"]) and pages["artifacts"]["paths"] == ["public"]
    for job in (mr, pages):   # every script is valid POSIX shell
        result = subprocess.run(["sh", "-n"], input="\n".join(job["script"]), capture_output=True, text=True,
                                check=False)
        assert (result.returncode, result.stderr) == (0, "")
