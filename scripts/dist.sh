#!/usr/bin/env bash
# make dist: build the module's wheel into dist/ with whool, as OCA add-ons are
# built (pyproject.toml; scripts/whool_backend.py because the repository root is
# the add-on), then check its files (scripts/wheel_check.py contents).
# The wheel holds what git tracks in the working tree, less the developer tools
# that .gitattributes marks export-ignore. Prints the wheel's path last.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
say() { printf '\033[1m[dist]\033[0m %s\n' "$*" >&2; }

"$PY" -c "import whool" 2>/dev/null \
    || { say "whool is not in .venv: run 'make bootstrap' first"; exit 1; }
# tell what the wheel will not hold although it is in the working tree
untracked="$(git ls-files --others --exclude-standard)"
if [ -n "$untracked" ]; then
    say "WARNING: $(wc -l <<<"$untracked") untracked file(s) are NOT packaged (the wheel holds what git tracks):"
    head -10 <<<"$untracked" | sed 's/^/    /' >&2
fi
if ! git diff --quiet HEAD -- 2>/dev/null; then
    say "note: the working tree has uncommitted changes; they are packaged as they are"
fi

mkdir -p dist
rm -f dist/odoo_addon_account_payment_followup-*.whl
start=$SECONDS
# --no-build-isolation: whool comes from .venv (requirements-dev.txt), nothing is downloaded
"$PY" -m pip wheel --quiet --disable-pip-version-check --no-build-isolation --no-deps \
    --no-index --wheel-dir dist . >&2
wheel="$(ls "$ROOT"/dist/odoo_addon_account_payment_followup-*.whl)"
say "built in $((SECONDS - start)) s: $wheel"
"$PY" scripts/wheel_check.py contents "$wheel" >&2
echo "$wheel"
