# The tools `./run` and `.ci/run` need, found on this machine or installed privately (sourced, not run).
# Nothing is installed system-wide: uv goes into a tool venv of its own, so a Python that refuses pip
# installs (PEP 668, `externally-managed-environment`: Debian 12, Ubuntu 23.04+, Homebrew) works too.

# The uv CI uses; a uv on PATH at least this new is used as it is.
UV_VERSION="0.13.9"
# Python for the Lambda layer build (cdk synth): the .pyc format is per minor version.
LAYER_PYTHON_VERSION="3.13"
NODE_MAJOR_MIN=20
TOOLS_HOME="${AI_INTERVIEWER_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/ai-interviewer}"

step() { printf '==> %s\n' "$*"; }
fail() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

_version_at_least() { # $1 >= $2, dotted versions
    [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}

ensure_uv() {
    local found
    if found="$(command -v uv 2>/dev/null)"; then
        local version
        version="$("$found" --version 2>/dev/null | awk '{print $2}')"
        if [ -n "$version" ] && _version_at_least "$version" "$UV_VERSION"; then
            return
        fi
        step "uv $version on PATH is older than $UV_VERSION: using a private uv $UV_VERSION instead"
    fi
    local venv="$TOOLS_HOME/uv-$UV_VERSION"
    if [ ! -x "$venv/bin/uv" ]; then
        local python
        python="$(command -v python3 || command -v python || true)"
        [ -n "$python" ] || fail "no python3 on PATH: install Python 3.11 or newer (or uv: https://docs.astral.sh/uv/)"
        step "installing uv $UV_VERSION into $venv (a private tool venv; nothing system-wide)"
        rm -rf "$venv"
        "$python" -m venv "$venv" ||
            fail "$python cannot create a virtual environment (on Debian/Ubuntu: apt install python3-venv), or install uv yourself: https://docs.astral.sh/uv/getting-started/installation/"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" ||
            fail "pip could not install uv $UV_VERSION into $venv (offline?); install uv yourself: https://docs.astral.sh/uv/getting-started/installation/"
    fi
    # Only uv goes on PATH (the venv's own python and pip stay out of the way); the layer build calls it.
    mkdir -p "$TOOLS_HOME/bin"
    ln -sf "$venv/bin/uv" "$TOOLS_HOME/bin/uv"
    export PATH="$TOOLS_HOME/bin:$PATH"
}

# uv compiles bytecode only when asked (`--compile-bytecode`), and a `.venv` made by a plain `uv sync`
# or `uv run` has none: each start of the local stack then compiles moto, botocore and pydantic from
# source, every time where PYTHONDONTWRITEBYTECODE is set (as in many containers). A stamp in the
# environment records the uv.lock whose installation was compiled, so `./run` compiles once per lock and
# every later start finds the bytecode.
_bytecode_stamp() { printf '%s/.ai-interviewer-bytecode' "${UV_PROJECT_ENVIRONMENT:-.venv}"; }
_lock_digest() { cksum <uv.lock | awk '{print $1 "-" $2}'; }

bytecode_current() {
    [ "$(cat "$(_bytecode_stamp)" 2>/dev/null)" = "$(_lock_digest)" ]
}

# `uv sync ARGS... --compile-bytecode` (which compiles the whole environment, not only what it installs),
# our own package too (an edited module's stale bytecode is simply recompiled), then the stamp.
sync_compiled() {
    uv sync "$@" --compile-bytecode
    uv run --frozen --no-sync python -m compileall -q -j 0 functions >/dev/null
    _lock_digest >"$(_bytecode_stamp)"
}

ensure_node() {
    local version
    version="$(node --version 2>/dev/null || true)"
    [ -n "$version" ] ||
        fail "Node.js $NODE_MAJOR_MIN or newer is needed for the CDK CLI (cdk synth/deploy) and was not found: https://nodejs.org/"
    local major="${version#v}"
    major="${major%%.*}"
    [ "$major" -ge "$NODE_MAJOR_MIN" ] ||
        fail "Node.js $version is too old: the CDK needs $NODE_MAJOR_MIN or newer (22 LTS recommended): https://nodejs.org/"
    # jsii warns on every CDK import under Node 20 (end of life April 2026); the version was checked above.
    export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="$major"
    export CDK_DISABLE_VERSION_CHECK=1
}

# Sets LAYER_PYTHON for layers/build_layer.py: the user's choice, a Python 3.13 uv finds, or one uv installs.
ensure_layer_python() {
    if [ -n "${LAYER_PYTHON:-}" ]; then
        return
    fi
    local found
    if found="$(uv python find --no-project "$LAYER_PYTHON_VERSION" 2>/dev/null)"; then
        export LAYER_PYTHON="$found"
        return
    fi
    # Where the layer build itself looks (layers/build_layer.py): PATH, then pyenv's versions.
    local candidate
    for candidate in "$(command -v "python$LAYER_PYTHON_VERSION" || true)" \
        "$HOME"/.pyenv/versions/"$LAYER_PYTHON_VERSION"*/bin/python"$LAYER_PYTHON_VERSION"; do
        # A pyenv shim is on PATH even when that version is not selected: ask the interpreter itself.
        if [ -n "$candidate" ] && [ "$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$LAYER_PYTHON_VERSION" ]; then
            export LAYER_PYTHON="$candidate"
            return
        fi
    done
    step "no Python $LAYER_PYTHON_VERSION here (the Lambda layer is compiled for it): installing one with uv"
    if uv python install "$LAYER_PYTHON_VERSION" && found="$(uv python find --no-project "$LAYER_PYTHON_VERSION")"; then
        export LAYER_PYTHON="$found"
        return
    fi
    printf 'warning: uv could not install Python %s (offline?); cdk synth needs one: install it and set LAYER_PYTHON=/path/to/python%s\n' \
        "$LAYER_PYTHON_VERSION" "$LAYER_PYTHON_VERSION" >&2
}
