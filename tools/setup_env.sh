#!/usr/bin/env bash
# Create (or bring up to date) the course environment: Graphviz's `dot` and the Fashion-MNIST
# data set (Debian's dataset-fashion-mnist) where the system package manager allows them, a
# virtual environment with the pinned packages, and the course package installed in editable
# mode. Safe to run again: pip skips what is already there.
#
# usage: bash tools/setup_env.sh [VENV_DIR] [PYTHON]
set -euo pipefail

venv=${1:-.venv}
python=${2:-python3}
cd "$(dirname "$0")/.."

install_system_packages() {
    local packages=()
    command -v dot >/dev/null 2>&1 || packages+=(graphviz)
    [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || packages+=(dataset-fashion-mnist)
    if [ ${#packages[@]} = 0 ]; then
        return 0
    fi
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo="sudo -n"
        else
            sudo="none"
        fi
    fi
    if [ "$sudo" != none ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing ${packages[*]} (apt-get): graphs for chapter 03, Fashion-MNIST for 08 on..."
        $sudo apt-get update -qq && \
            DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" \
            && return 0
    elif command -v brew >/dev/null 2>&1 && [[ " ${packages[*]} " == *" graphviz "* ]]; then
        brew install graphviz
    fi
    if ! command -v dot >/dev/null 2>&1; then
        cat >&2 <<'MSG'
NOTE: Graphviz's `dot` program is not installed and could not be installed automatically.
      Chapter 03 will show computation graphs as text instead of pictures.
      Install it yourself to see the pictures:
        Debian/Ubuntu: sudo apt-get install graphviz     macOS: brew install graphviz
        Windows:       winget install graphviz           conda: conda install graphviz
MSG
    fi
    if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
        cat >&2 <<'MSG'
NOTE: the Fashion-MNIST data set (chapters 08 on) is not installed and could not be installed
      automatically. Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist
      Elsewhere the chapters download it (31 MB) the first time, when online and asked to.
MSG
    fi
}

install_system_packages

if ! command -v "$python" >/dev/null 2>&1; then
    echo "ERROR: $python was not found. Install Python 3.11 or newer, or run: make test PYTHON=/path/to/python3" >&2
    exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "ERROR: the course needs Python 3.11 or newer; $python is $("$python" --version 2>&1)." >&2
    echo "       Point make at another interpreter: make test PYTHON=python3.11" >&2
    exit 1
fi
if [ ! -x "$venv/bin/python" ]; then
    echo "Creating the virtual environment in $venv with $("$python" --version)..."
    if ! "$python" -m venv "$venv"; then
        rm -rf "$venv"
        echo "ERROR: '$python -m venv' failed. On Debian or Ubuntu: sudo apt-get install python3-venv" >&2
        exit 1
    fi
fi
"$venv/bin/python" -m pip install --quiet -r requirements.txt
"$venv/bin/python" -m pip install --quiet --no-deps -e .
"$venv/bin/python" -m pip check
echo "Course environment ready in $venv."
