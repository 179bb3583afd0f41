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
# FOLLOWUP_TEST_DB names the database; KEEP_DB=1 keeps it and the virtualenv.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.venv/bin:$PATH"  # wkhtmltopdf, checklog-odoo
# shellcheck source=scripts/test_lib.sh
. "$ROOT/scripts/test_lib.sh"
test_begin test-wheel followup_wheel
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

odoo_conf "$WORK/odoo.conf" "$WORK/data"  # Odoo's own addons only

LOG="$WORK/install.log"
say "installing account_payment_followup from the wheel in fresh database $DB" \
    "($(grep addons_path "$WORK/odoo.conf"))"
dropdb --if-exists "$DB" >/dev/null 2>&1 || true
# from $WORK: Python puts the current folder on sys.path
(cd "$WORK" && "$WPY" -m odoo -c "$WORK/odoo.conf" -d "$DB" -i account_payment_followup \
    --without-demo=all --stop-after-init --log-level=info --logfile="$LOG") \
    || { tail -50 "$LOG"; fail "installation from the wheel"; }
odoo_log_clean "$LOG" || fail "installation from the wheel"
checklog-odoo "$LOG" >/dev/null || { checklog-odoo "$LOG" || true; fail "the installation log has warnings"; }
(cd "$WORK" && "$WPY" "$ROOT/scripts/wheel_check.py" installed "$WORK/odoo.conf" "$DB" "$SITE") \
    || fail "scripts/wheel_check.py installed"
say "passed in $((SECONDS - start)) s"
