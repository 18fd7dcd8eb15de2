"""Lighthouse (Chromium, mobile) of the built site served by a plain static server: performance and accessibility
of the home page and a kecamatan page (issue 12, point 6). A measurement, not a test: performance is timed.

    python bench/bench_lighthouse.py [--site site] [--page 2025-S1/kecamatan/binuang.html] [--runs 5]

Each page is audited `--runs` times and the median run is reported (by performance score), with the range:
Lighthouse's own advice for a score that varies from run to run with the machine's load.

Lighthouse is an npm package (±180 MB), installed on first use into bench/out/lighthouse/ (`npm install`, from
the npm registry); Chromium is the system's (`chromium`, as for the browser tests).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "bench" / "out" / "lighthouse"
VERSION = "13.5.0"
CATEGORIES = ("performance", "accessibility")


def lighthouse() -> Path:
    cli = TOOL / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.is_file():
        TOOL.mkdir(parents=True, exist_ok=True)
        (TOOL / "package.json").write_text('{"name": "agregat-lighthouse", "private": true}\n', encoding="utf-8")
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", f"lighthouse@{VERSION}"], cwd=TOOL, check=True)
    return cli


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    class Diam(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:      # the requests are not the measurement
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Diam, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def audit(cli: Path, url: str) -> dict[str, int]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        out = Path(tmp) / "hasil.json"
        subprocess.run(["node", str(cli), url, f"--only-categories={','.join(CATEGORIES)}", "--form-factor=mobile",
                        "--output=json", f"--output-path={out}", "--quiet",
                        "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                       check=True, env={"CHROME_PATH": chromium or "", "PATH": "/usr/bin:/bin",
                                        "HOME": tmp})
        report = json.loads(out.read_text(encoding="utf-8"))
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    for metric in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift",
                   "speed-index"):
        scores[metric] = report["audits"][metric]["displayValue"]
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--page", default="2025-S1/kecamatan/binuang.html")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not (args.site / "index.html").is_file():
        sys.exit(f"Situs belum dibangun di {args.site}: jalankan `python build.py build` dulu.")
    cli = lighthouse()
    server, port = serve(args.site)
    try:
        for page in ("index.html", args.page):
            runs = sorted((audit(cli, f"http://127.0.0.1:{port}/{page}") for _ in range(args.runs)),
                          key=lambda scores: scores["performance"])
            median = runs[len(runs) // 2]
            print(f"{page}: median of {len(runs)} runs: " + ", ".join(f"{n} {v}" for n, v in median.items()))
            print(f"  performance {runs[0]['performance']}–{runs[-1]['performance']}, accessibility "
                  f"{min(r['accessibility'] for r in runs)}–{max(r['accessibility'] for r in runs)}")
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
