#!/usr/bin/env bash
# Make sure a Chromium (or Chrome) is there for the browser test (`make test-browser`): keep the
# one named by $CHROMIUM or found on PATH, otherwise install Debian's `chromium` package. The
# Python `playwright` package (requirements.txt) drives it; its own `playwright install`, which
# downloads a browser build, is never needed.
set -euo pipefail

for name in ${CHROMIUM:-} chromium google-chrome google-chrome-stable chromium-browser; do
    if command -v "$name" >/dev/null 2>&1; then
        echo "Browser for the browser test: $(command -v "$name")"
        exit 0
    fi
done

sudo=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo="sudo -n"
    else
        echo "ERROR: no Chromium found, and installing one needs root (apt-get)." >&2
        echo "       Install it yourself (Debian/Ubuntu: sudo apt-get install chromium)," >&2
        echo "       or point CHROMIUM at a Chromium or Chrome executable." >&2
        exit 1
    fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ERROR: no Chromium found and no apt-get to install one: set CHROMIUM=/path/to/chrome." >&2
    exit 1
fi
echo "Installing Debian's chromium for the browser test (apt-get)..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium
echo "Browser for the browser test: $(command -v chromium)"
