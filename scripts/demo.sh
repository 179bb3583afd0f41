#!/usr/bin/env bash
# Create the demo database once (Odoo 18 + this module + demo data + a generated book), then serve it.
# E-mails go to a local SMTP sink (scripts/mail_sink.py, started here, stopped with the demo) that
# keeps them as .eml files: FOLLOWUP_SINK_PORT (default 2525), FOLLOWUP_SINK_DIR (default .odoo/mail).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DB="${1:-followup_demo}"
PORT="${2:-8069}"
ODOO=("$ROOT/.venv/bin/odoo" -c "$ROOT/.odoo/odoo.conf")
export PATH="$ROOT/.venv/bin:$PATH"
export FOLLOWUP_SINK_PORT="${FOLLOWUP_SINK_PORT:-2525}"
export FOLLOWUP_SINK_DIR="${FOLLOWUP_SINK_DIR:-$ROOT/.odoo/mail}"

# ---------------------------------------------------------------- the mail sink
port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if port_answers "$FOLLOWUP_SINK_PORT"; then
    echo "[demo] ERROR: port $FOLLOWUP_SINK_PORT (the demo's mail sink) is taken by another program." >&2
    echo "[demo] Stop it, or choose another port: FOLLOWUP_SINK_PORT=2526 make demo" >&2
    exit 1
fi
"$ROOT/.venv/bin/python" "$ROOT/scripts/mail_sink.py" &
SINK_PID=$!
stop_sink() { kill "$SINK_PID" 2>/dev/null || true; }
trap stop_sink EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for _ in $(seq 50); do
    if ! kill -0 "$SINK_PID" 2>/dev/null; then
        echo "[demo] ERROR: the mail sink did not start (above)" >&2
        exit 1
    fi
    port_answers "$FOLLOWUP_SINK_PORT" && break
    sleep 0.2
done

if psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    echo "[demo] reusing database $DB (make demo-reset to rebuild it)"
    "${ODOO[@]}" -d "$DB" -u account_payment_followup --stop-after-init --log-level=warn
else
    echo "[demo] creating database $DB with demo data (about 2 minutes)"
    "${ODOO[@]}" -d "$DB" -i account_payment_followup --stop-after-init --log-level=warn
fi
# idempotent: the book is generated once per database; the mail server is set on every run
# (the sink's port may have changed)
echo "[demo] demo book (companies, customers, invoices, payments), outgoing mail server"
"$ROOT/.venv/bin/odoo" shell -c "$ROOT/.odoo/odoo.conf" -d "$DB" --log-level=warn --no-http <<'PYEOF'
import os
from odoo.addons.account_payment_followup.demo.generator import (
    configure_demo_mail_server,
    generate_demo_book,
)
generate_demo_book(env)
configure_demo_mail_server(env, int(os.environ["FOLLOWUP_SINK_PORT"]))
env.cr.commit()
PYEOF
echo
echo "  Odoo 18 + account_payment_followup:  http://localhost:$PORT   (login admin / admin)"
echo "  Accounting > Configuration > Follow-up Levels / Relances"
echo "  E-mails sent: $FOLLOWUP_SINK_DIR/*.eml   (SMTP sink on 127.0.0.1:$FOLLOWUP_SINK_PORT)"
echo
# not exec: the EXIT trap stops the mail sink when Odoo stops
"${ODOO[@]}" -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" --http-interface=0.0.0.0
