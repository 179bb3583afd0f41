#!/usr/bin/env bash
# make test-wheel (CI: .ci/run): the module as integrators install it, from its
# wheel. Builds it (scripts/dist.sh), installs it into a fresh virtualenv, and
# installs the module into a fresh database from there, with an addons path that
# has Odoo's modules only (not .odoo/addons, the link to this repository): Odoo
# finds odoo/addons/account_payment_followup in site-packages by itself. Then
# checks that it is installed and was loaded from site-packages
# (scripts/wheel_check.py installed). Exits non-zero on any failure.
#
# The fresh virtualenv gets Odoo and its requirements from .venv, through a .pth
# file (the folder that holds the odoo package, then .venv's site-packages), and
# the wheel with --no-deps --no-index: nothing is fetched from PyPI, and pip never
# touches .venv. Its one requirement, odoo==18.0.*, is the Odoo of .venv.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.venv/bin:$PATH"  # wkhtmltopdf, checklog-odoo
DB="${FOLLOWUP_TEST_DB:-followup_wheel_$$}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/followup-wheel.XXXXXX")"
KEEP="${KEEP_DB:-0}"
say() { printf '\033[1m[test-wheel]\033[0m %s\n' "$*"; }
fail() { printf '\033[1;31m[test-wheel] FAILED:\033[0m %s\n' "$*" >&2; exit 1; }
cleanup() {
    if [ "$KEEP" != 1 ]; then
        dropdb --if-exists "$DB" >/dev/null 2>&1 || true
        rm -rf "$WORK"
    else
        say "kept database $DB and $WORK"
    fi
}
trap cleanup EXIT
start=$SECONDS

wheel="$(scripts/dist.sh)" || fail "make dist"

say "fresh virtualenv $WORK/venv"
"$ROOT/.venv/bin/python" -m venv "$WORK/venv"
WPY="$WORK/venv/bin/python"
"$WPY" -m pip install --quiet --disable-pip-version-check --no-index --no-deps "$wheel"
SITE="$("$WPY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
[ -f "$SITE/odoo/addons/account_payment_followup/__manifest__.py" ] \
    || fail "the wheel did not install odoo/addons/account_payment_followup into $SITE"
# Odoo from .venv: the folder holding the odoo package comes first, so that the
# regular package wins over the odoo/ folder of the wheel (an editable Odoo is
# found by an import hook that comes too late for that); then .venv's
# site-packages with its .pth files, for Odoo's requirements.
"$ROOT/.venv/bin/python" - >"$SITE/followup_odoo_from_venv.pth" <<'PYEOF'
import os
import site

import odoo

print(os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))))
for folder in site.getsitepackages():
    print(f"import site; site.addsitedir({folder!r})")
PYEOF

# Odoo's own addons paths from .odoo/odoo.conf, less the one holding this module
addons_path="$(sed -n 's/^addons_path *= *//p' "$ROOT/.odoo/odoo.conf" | tr ',' '\n' \
    | while read -r dir; do [ -e "$dir/account_payment_followup" ] || echo "$dir"; done \
    | paste -sd, -)"
[ -n "$addons_path" ] || fail "no Odoo addons path in .odoo/odoo.conf"
grep -E '^db_(host|port|user|password) *=' "$ROOT/.odoo/odoo.conf" >"$WORK/db.conf"
cat >"$WORK/odoo.conf" <<CONF
[options]
addons_path = $addons_path
data_dir = $WORK/data
$(cat "$WORK/db.conf")
CONF

LOG="$WORK/install.log"
say "installing account_payment_followup from the wheel in fresh database $DB" \
    "(addons path: $addons_path)"
dropdb --if-exists "$DB" >/dev/null 2>&1 || true
# from $WORK: Python puts the current folder on sys.path
(cd "$WORK" && "$WPY" -m odoo -c "$WORK/odoo.conf" -d "$DB" -i account_payment_followup \
    --without-demo=all --stop-after-init --log-level=info --logfile="$LOG") \
    || { tail -50 "$LOG"; fail "installation from the wheel"; }
if grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) " "$LOG"; then
    fail "the installation logged ERROR/CRITICAL lines (above)"
fi
checklog-odoo "$LOG" >/dev/null || { checklog-odoo "$LOG" || true; fail "the installation log has warnings"; }
(cd "$WORK" && "$WPY" "$ROOT/scripts/wheel_check.py" installed "$WORK/odoo.conf" "$DB" "$SITE") \
    || fail "scripts/wheel_check.py installed"
say "passed in $((SECONDS - start)) s"
