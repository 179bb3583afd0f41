#!/usr/bin/env bash
# make test-upgrade (CI: .ci/run): the update from the previous release keeps
# everything. In a fresh database: install the previous release (the tag
# 18.0.x.y.z below the manifest's version, else the commit before the version
# was raised: scripts/upgrade_check.py previous), extracted with git archive into
# a temporary folder (the checkout is not touched); make a follow-up book with
# its code and record it (upgrade_check.py setup); update to this tree's code
# with -u account_payment_followup, whose log must have no ERROR/CRITICAL line
# and no warning (checklog-odoo); then read the same records again and check the
# current version's invariants (upgrade_check.py check). Exits non-zero on any
# failure. FOLLOWUP_TEST_DB names the database; KEEP_DB=1 keeps it, and the
# temporary folder (snapshot.json, logs, the old code).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.venv/bin:$PATH"  # odoo, python, wkhtmltopdf (letters)
# shellcheck source=scripts/test_lib.sh
. "$ROOT/scripts/test_lib.sh"
test_begin test-upgrade followup_upgrade
start=$SECONDS

if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
    say "shallow clone: fetching the history and tags to find the previous release"
    git fetch --quiet --unshallow --tags || fail "a shallow clone without its history"
fi
read -r COMMIT VERSION < <(python scripts/upgrade_check.py previous) \
    || fail "no previous release found"
CURRENT="$(python -c 'import ast; print(ast.literal_eval(open("__manifest__.py").read())["version"])')"
say "previous release $VERSION (commit ${COMMIT:0:10}) -> this tree ($CURRENT)"
mkdir -p "$WORK/old/account_payment_followup"
git archive --format=tar "$COMMIT" | tar -x -C "$WORK/old/account_payment_followup"
# both versions share the data folder: the letters stored by the old one stay
odoo_conf "$WORK/old.conf" "$WORK/data" "$WORK/old"
odoo_conf "$WORK/new.conf" "$WORK/data" "$ROOT/.odoo/addons"

dropdb --if-exists "$DB" >/dev/null 2>&1 || true
say "installing $VERSION in fresh database $DB"
odoo -c "$WORK/old.conf" -d "$DB" -i account_payment_followup --without-demo=all \
    --stop-after-init --log-level=info --logfile="$WORK/install.log" \
    || { tail -50 "$WORK/install.log"; fail "installation of $VERSION"; }
odoo_log_clean "$WORK/install.log" || fail "installation of $VERSION"

say "a follow-up book made with $VERSION"
python scripts/upgrade_check.py setup "$WORK/old.conf" "$DB" "$WORK/snapshot.json" \
    2> >(tee "$WORK/setup.log" >&2) || fail "the book of $VERSION"
odoo_log_clean "$WORK/setup.log" || fail "the book of $VERSION"

say "updating to $CURRENT (-u account_payment_followup)"
odoo -c "$WORK/new.conf" -d "$DB" -u account_payment_followup \
    --stop-after-init --log-level=info --logfile="$WORK/update.log" \
    || { tail -50 "$WORK/update.log"; fail "update to $CURRENT"; }
odoo_log_clean "$WORK/update.log" || fail "update to $CURRENT"
checklog-odoo "$WORK/update.log" >/dev/null \
    || { checklog-odoo "$WORK/update.log" || true; fail "the update logged warnings"; }

say "checking what the update kept and made"
python scripts/upgrade_check.py check "$WORK/new.conf" "$DB" "$WORK/snapshot.json" \
    || fail "the updated database differs (above)"
say "passed in $((SECONDS - start)) s"
