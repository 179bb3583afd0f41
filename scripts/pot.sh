#!/usr/bin/env bash
# Regenerate i18n/account_payment_followup.pot from a fresh database and merge it
# into i18n/fr.po (existing translations kept, obsolete ones dropped).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.venv/bin:$PATH"
DB="followup_pot_$$"
# The exporter reads every file under the module's folder: work on a copy of the
# module's own files, without .venv/, .odoo/ and node_modules/.
TMP="$(mktemp -d)"
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true; rm -rf "$TMP"' EXIT
mkdir -p "$TMP/addons/account_payment_followup"
git ls-files -z --cached --others --exclude-standard \
    | xargs -0 cp --parents -t "$TMP/addons/account_payment_followup"
sed "s#^addons_path = [^,]*#addons_path = $TMP/addons#" .odoo/odoo.conf >"$TMP/odoo.conf"
odoo -c "$TMP/odoo.conf" -d "$DB" -i account_payment_followup --without-demo=all \
    --stop-after-init --log-level=warn
odoo -c "$TMP/odoo.conf" -d "$DB" --i18n-export="$ROOT/i18n/account_payment_followup.pot" \
    --modules=account_payment_followup --stop-after-init --log-level=warn
python - "$ROOT/i18n" <<'PYEOF'
import sys

import polib

i18n = sys.argv[1]
pot = polib.pofile(f"{i18n}/account_payment_followup.pot", wrapwidth=78)
try:
    old = {entry.msgid: entry for entry in polib.pofile(f"{i18n}/fr.po")}
except OSError:
    old = {}
po = polib.POFile(wrapwidth=78)
po.metadata = dict(pot.metadata, Language="fr", **{"Plural-Forms": "nplurals=2; plural=(n > 1);"})
po.header = pot.header
missing = 0
for entry in pot:
    previous = old.get(entry.msgid)
    entry.msgstr = previous.msgstr if previous else ""
    missing += not entry.msgstr
    po.append(entry)
po.save(f"{i18n}/fr.po")
print(f"fr.po: {len(po)} entries, {missing} untranslated")
PYEOF
