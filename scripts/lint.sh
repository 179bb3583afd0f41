#!/usr/bin/env bash
# Lint the add-on: pre-commit with the local hooks of .pre-commit-config.yaml
# (ruff, ruff-format, pylint-odoo mandatory checks, oca-checks-odoo-module,
# oca-checks-po, prettier for XML). Exits non-zero when any hook fails.
#   scripts/lint.sh          check only (what make lint and CI run)
#   scripts/lint.sh --fix    first apply ruff's fixes, ruff format and prettier --write
# Needs .venv (make bootstrap), and node + npm for prettier (without them the
# prettier hook is skipped with a warning). Writes only to ignored
# paths (.venv/, node_modules/, .ruff_cache/) apart from npm's own cache.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.venv/bin:$PATH"
export PRE_COMMIT_HOME="$ROOT/.venv/pre-commit-cache"
export PYLINTHOME="$ROOT/.venv/pylint-cache"

say() { printf '\033[1m[lint]\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33m[lint] WARNING:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[lint] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

FIX=0
case "${1:-}" in
    "") ;;
    --fix) FIX=1 ;;
    -h | --help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
esac

[ -x .venv/bin/pre-commit ] && [ -x .venv/bin/ruff ] && [ -x .venv/bin/pylint ] \
    && [ -x .venv/bin/oca-checks-odoo-module ] \
    || die "the lint tools are not in .venv: run 'make bootstrap' (scripts/bootstrap.sh) first"
git rev-parse --is-inside-work-tree >/dev/null 2>&1 \
    || die "$ROOT is not a git work tree: pre-commit lints the files git tracks"

# ------------------------------------------------ node tools (prettier + plugin-xml)
# node_modules is (re)installed by npm ci when missing or not made from the
# current package-lock.json (a stamp holds the lock file's hash).
NO_PRETTIER=""
LOCK_SHA="$(sha256sum package-lock.json | cut -d' ' -f1)"
STAMP=node_modules/.lint-package-lock.sha256
if ! command -v node >/dev/null 2>&1; then
    NO_PRETTIER="node is NOT FOUND"
elif [ ! -x node_modules/.bin/prettier ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$LOCK_SHA" ]; then
    if command -v npm >/dev/null 2>&1; then
        say "installing prettier and @prettier/plugin-xml from package-lock.json (npm ci)"
        npm ci --no-audit --no-fund
        echo "$LOCK_SHA" >"$STAMP"
    else
        NO_PRETTIER="npm is NOT FOUND (node_modules is missing or stale)"
    fi
fi
prettier_warning() {
    [ -z "$NO_PRETTIER" ] && return 0
    warn "$NO_PRETTIER: the prettier hook (XML formatting) is SKIPPED."
    warn "Install Node.js >= 18 with npm (Debian: apt-get install nodejs npm) to lint XML."
}
if [ -n "$NO_PRETTIER" ]; then
    prettier_warning
    export SKIP="${SKIP:+$SKIP,}prettier"
fi

# ------------------------------------------------ files pre-commit will not see
untracked="$(git ls-files --others --exclude-standard)"
if [ -n "$untracked" ]; then
    warn "$(wc -l <<<"$untracked") untracked file(s) are NOT linted (pre-commit only sees tracked files);" \
        "'git add' them (or 'git add -N' them) first:"
    head -20 <<<"$untracked" | sed 's/^/    /' >&2
fi

# ------------------------------------------------ optional fixing pass
if [ "$FIX" = 1 ]; then
    mapfile -t py < <(git ls-files -- '*.py' '*.pyi')
    mapfile -t xml < <(git ls-files -- '*.xml')
    if [ ${#py[@]} -gt 0 ]; then
        say "ruff check --fix + ruff format"
        ruff check --fix --force-exclude "${py[@]}" || true
        ruff format --force-exclude "${py[@]}"
    fi
    if [ ${#xml[@]} -gt 0 ] && [ -x node_modules/.bin/prettier ]; then
        say "prettier --write (XML)"
        node_modules/.bin/prettier --write --log-level warn "${xml[@]}"
    fi
fi

say "pre-commit run --all-files"
rc=0
pre-commit run --all-files --show-diff-on-failure --color "${PRE_COMMIT_COLOR:-auto}" || rc=$?
prettier_warning  # again, after pre-commit's output
if [ "$rc" = 0 ]; then say "all hooks passed"; else say "FAILED (exit $rc)"; fi
exit "$rc"
