#!/usr/bin/env bash
# Builds (dev preset) and runs every test: unit, fuzz-corpus replays, golden e2e
# cases, CLI behaviour, accuracy floors on the synthetic corpus, external labelled cases.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev
ctest --preset dev -j"$(nproc)"
