#!/usr/bin/env bash
# Installs every Debian 12 package breachscope's build, tests, benchmarks and runtime
# need. Idempotent and non-interactive; works as root or through sudo.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libssl-dev libsqlite3-dev libsimdjson-dev libcli11-dev libfmt-dev zlib1g-dev
  libjemalloc-dev                       # the scanner's allocator (resident memory)
  libgtest-dev libgmock-dev libbenchmark-dev
  libre2-dev libvectorscan-dev          # reference scanners in bench/
  python3 time sqlite3 file
  # containers and documents (extract/): libraries, and the GPL tools we only run as
  # separate programs (poppler-utils, catdoc, antiword, mdbtools)
  libarchive-dev libexpat1-dev libgmime-3.0-dev libpff-dev libtesseract-dev libleptonica-dev
  tesseract-ocr tesseract-ocr-eng poppler-utils catdoc antiword mdbtools
  # test fixtures made by real tools at test time (zip, tar, 7z, mail, images)
  zip p7zip-full xz-utils zstd bzip2 cpio genisoimage imagemagick pff-tools
  # notification rules and letters (notify/); chromium renders report.html in its e2e test
  libyaml-cpp-dev libcairo2-dev libpango1.0-dev fonts-dejavu-core chromium
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: run as root or install sudo" >&2; exit 1; fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
