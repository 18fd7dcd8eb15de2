#!/bin/sh
# Prepare this folder to run the book: system packages (when missing), a Python 3.11 virtual environment
# in .venv, and the pinned Python packages.  `sh tools/setup.sh` for the book, `sh tools/setup.sh dev` for
# the tests too (adds Chromium for the browser tests and the test-only Python packages). Each step says
# what it does in one line as it starts (the installers themselves run quietly).
set -eu
cd "$(dirname "$0")/.."
mode="${1:-run}"

# System packages: Pango and fonts for WeasyPrint (the PDF), git and OpenSSH's ssh-keygen (the signed
# approvals); for the tests also Chromium, its driver and poppler's pdftotext. Installed only when missing,
# with apt-get as root or through sudo.
need="libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-dejavu-extra git openssh-client"
[ "$mode" = dev ] && need="$need chromium chromium-driver poppler-utils"
echo "Memeriksa paket sistem (Pango, fonta DejaVu, git, ssh-keygen$([ "$mode" = dev ] && echo ', Chromium, pdftotext'))…"
missing=""
for pkg in $need; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "Memasang paket sistem:$missing (apt-get)…"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
  else
    echo "Paket sistem belum ada:$missing. Pasang dengan pengelola paket sistem Anda, lalu ulangi." >&2
    exit 1
  fi
fi

python=python3.11
command -v "$python" >/dev/null 2>&1 || python=python3
if [ ! -x .venv/bin/python ]; then
  echo "Membuat lingkungan Python .venv ($("$python" --version 2>&1))…"
  "$python" -m venv .venv
fi
requirements=requirements.txt
[ "$mode" = dev ] && requirements=requirements-dev.txt
echo "Memasang paket Python dari $requirements ke .venv (pip; pertama kali beberapa menit)…"
.venv/bin/pip install -q --disable-pip-version-check -r "$requirements"
# axe-core for the accessibility tests, from the npm registry (pinned by tests/browser/package-lock.json)
if [ "$mode" = dev ]; then
  echo "Memasang axe-core untuk uji peramban (npm, tests/browser)…"
  npm ci --prefix tests/browser --no-audit --no-fund --silent
fi
echo "Persiapan selesai."
