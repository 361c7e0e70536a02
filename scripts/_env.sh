# Shared by scripts/start and scripts/test: find a Python 3.12+, make .venv, install the lock.
# Sourced, not run. Keeps going only when the virtual environment is ready.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

python_is_new_enough() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null
}

find_python() {
    local candidate
    for candidate in "${CSPPLAN_PYTHON:-}" python3.13 python3.12 python3 \
        "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] \
        /usr/bin/python3.1[2-9]; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 && python_is_new_enough "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

if [ ! -x "$VENV/bin/python" ] || ! python_is_new_enough "$VENV/bin/python"; then
    if ! PYTHON="$(find_python)"; then
        echo "cspplan needs Python 3.12 or newer (Django 6 requires it), and none was found." >&2
        echo "Install one (for example 'pyenv install 3.12') or point CSPPLAN_PYTHON at it." >&2
        exit 1
    fi
    echo "Creating .venv with $PYTHON"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
fi

# Reinstall only when the lock file changed since the last install.
STAMP="$VENV/.lock-installed"
if [ ! -f "$STAMP" ] || ! cmp -s "$ROOT/requirements.lock" "$STAMP"; then
    echo "Installing pinned dependencies from requirements.lock"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --require-hashes -r "$ROOT/requirements.lock"
    cp "$ROOT/requirements.lock" "$STAMP"
fi

export PATH="$VENV/bin:$PATH"
cd "$ROOT"
