#!/usr/bin/env bash
# Create the demo database once (Odoo 18 + this module + demo data + a generated book), then serve it.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DB="${1:-followup_demo}"
PORT="${2:-8069}"
ODOO=("$ROOT/.venv/bin/odoo" -c "$ROOT/.odoo/odoo.conf")
export PATH="$ROOT/.venv/bin:$PATH"

if psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    echo "[demo] reusing database $DB (make demo-reset to rebuild it)"
    "${ODOO[@]}" -d "$DB" -u account_payment_followup --stop-after-init --log-level=warn
else
    echo "[demo] creating database $DB with demo data (about 2 minutes)"
    "${ODOO[@]}" -d "$DB" -i account_payment_followup --stop-after-init --log-level=warn
fi
# idempotent: does nothing when the book was already generated in this database
echo "[demo] demo book (companies, customers, invoices, payments)"
"$ROOT/.venv/bin/odoo" shell -c "$ROOT/.odoo/odoo.conf" -d "$DB" --log-level=warn --no-http <<'PYEOF'
from odoo.addons.account_payment_followup.demo.generator import generate_demo_book
generate_demo_book(env)
env.cr.commit()
PYEOF
echo
echo "  Odoo 18 + account_payment_followup:  http://localhost:$PORT   (login admin / admin)"
echo "  Accounting > Configuration > Follow-up Levels / Relances"
echo
exec "${ODOO[@]}" -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" --http-interface=0.0.0.0
