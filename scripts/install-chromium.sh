#!/usr/bin/env bash
# Installs headless Chromium from Debian's (or Ubuntu's) packages, for the PDF handouts
# (`cargo xtask handouts`) and the tests that look at the built book as a reader would
# (`xtask/tests/book.rs`). Does nothing when Chromium is already installed.
set -euo pipefail
for name in chromium chromium-browser google-chrome; do
  if command -v "$name" >/dev/null; then
    echo "Chromium is installed: $(command -v "$name")"
    exit 0
  fi
done
if ! command -v apt-get >/dev/null; then
  echo "no apt-get here: install Chromium or Chrome with your package manager" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "installed: $(chromium --version)"
