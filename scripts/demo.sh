#!/usr/bin/env bash
# Installs dependencies, builds the release binary and scans the bundled sample
# breach in examples/, printing the summary. Outputs go to out/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target breachscope
./build/release/breachscope scan examples/sample-breach --out out/demo --key-file examples/demo.key
