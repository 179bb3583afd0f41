#!/usr/bin/env bash
# make test: fresh database, install the module (log checked for ERROR/CRITICAL),
# then the whole suite through pytest-odoo. Exits non-zero on any failure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.venv/bin:$PATH"
CONF="$ROOT/.odoo/odoo.conf"
DB="${FOLLOWUP_TEST_DB:-followup_test_$$}"
LOGDIR="$ROOT/.odoo/logs"
mkdir -p "$LOGDIR"
INSTALL_LOG="$LOGDIR/install-$DB.log"
KEEP="${KEEP_DB:-0}"

cleanup() {
    if [ "$KEEP" != 1 ]; then
        dropdb --if-exists "$DB" >/dev/null 2>&1 || true
        rm -rf "$ROOT/.odoo/data/filestore/$DB"
    fi
}
trap cleanup EXIT

command -v pdftotext >/dev/null || { echo "[test] pdftotext (poppler-utils) is required"; exit 1; }
"$ROOT/.venv/bin/wkhtmltopdf" --version 2>/dev/null | grep -qi "with patched qt" \
    || echo "[test] WARNING: no patched-Qt wkhtmltopdf in .venv/bin: PDF tests will fail"

# the browser tours need a Chromium and websocket-client; say it loudly if not
if ! command -v chromium >/dev/null && ! command -v google-chrome >/dev/null \
    && ! command -v chromium-browser >/dev/null; then
    echo "[test] WARNING: no Chromium on PATH: the browser tours will be SKIPPED" \
        "(as root, scripts/bootstrap.sh installs Debian's chromium)"
fi
python -c "import websocket" 2>/dev/null \
    || { echo "[test] websocket-client is missing from .venv (requirements-dev.txt)"; exit 1; }

echo "[test] installing account_payment_followup in fresh database $DB"
dropdb --if-exists "$DB" >/dev/null 2>&1 || true
odoo -c "$CONF" -d "$DB" -i account_payment_followup --without-demo=all \
    --stop-after-init --log-level=info --logfile="$INSTALL_LOG" || {
    tail -50 "$INSTALL_LOG"; echo "[test] install FAILED"; exit 1; }
if grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) " "$INSTALL_LOG"; then
    echo "[test] install logged ERROR/CRITICAL lines (above): FAILED"
    exit 1
fi
checklog-odoo "$INSTALL_LOG" >/dev/null

echo "[test] running the suite with pytest-odoo"
cd "$ROOT/.odoo/addons"
PYTHONPATH="$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}" pytest -p no:cacheprovider -p pytest_current_test --odoo-http --odoo-config="$CONF" --odoo-database="$DB" \
    -o python_files='test_*.py' "$@" account_payment_followup/tests
