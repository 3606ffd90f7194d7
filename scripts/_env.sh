# Shared by scripts/run and scripts/test: make sure .venv exists with the project installed.
# Sourced, not executed.  Safe to run again: it only reinstalls when pyproject.toml changed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${STARKIOSK_VENV:-$ROOT/.venv}"

find_python() {
    for py in python3.13 python3.12 python3.11 python3; do
        if command -v "$py" >/dev/null 2>&1 &&
           "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            echo "$py"; return 0
        fi
    done
    return 1
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

apt_install() {
    # Install Debian packages that are missing; quietly skip where apt is not available.
    command -v apt-get >/dev/null 2>&1 || return 0
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing system packages: ${missing[*]}" >&2
    as_root apt-get update -qq >/dev/null &&
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null ||
        echo "warning: could not install ${missing[*]}; install them with apt-get" >&2
}

ensure_venv() {
    local extras="$1"
    local py
    if ! py="$(find_python)"; then
        apt_install python3 python3-venv python3-pip
        py="$(find_python)" || { echo "error: Python 3.11 or newer is needed" >&2; exit 1; }
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        "$py" -m venv "$VENV" 2>/dev/null || {
            apt_install python3-venv
            rm -rf "$VENV"; "$py" -m venv "$VENV"
        }
    fi
    local stamp="$VENV/.starkiosk-installed"
    local want
    want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)-$extras"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
        "$VENV/bin/python" -m pip install -q -e "$ROOT[$extras]"
        echo "$want" > "$stamp"
    fi
}
