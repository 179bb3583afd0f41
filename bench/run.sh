#!/usr/bin/env bash
# make bench: follow-up engine benchmark on N customers x M open invoices.
#
#   1. template database followup_bench_tpl_<N>x<M>, built once: fresh database,
#      module installed without demo data, book written by demo/generator.py
#      (generate_book, bulk SQL), VACUUM ANALYZE. It is reused while the stamp it
#      keeps (hash of the code the book and the engine depend on) matches;
#      BENCH_REBUILD=1 forces a rebuild.
#   2. run database: a copy of the template (createdb -T), measured by
#      bench/bench_engine.py, then dropped.
#
# The module is edited while benchmarks run: everything runs on a snapshot of
# the working tree taken at start (.odoo/bench/run-<pid>/addons/account_payment_followup,
# with its own odoo.conf next to it, removed at the end), the code the stamp describes.
#
# Environment: BENCH_CUSTOMERS (10000), BENCH_INVOICES (10), BENCH_REBUILD (0),
# BENCH_RUNS (5 timed runs after 1 warm-up), BENCH_KEEP_RUN_DB (0),
# BENCH_DATE_OFFSET (days after the book's date; see bench_engine.py).
# Results: printed, and the BENCH_JSON line appended to bench/results/results.jsonl.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.venv/bin:$PATH"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}"
N="${BENCH_CUSTOMERS:-10000}"
M="${BENCH_INVOICES:-10}"
TPL="followup_bench_tpl_${N}x${M}"
RUN_DB="followup_bench_run_${N}x${M}_$$"
STATE="$ROOT/.odoo/bench"
LOGDIR="$STATE/logs"
RESULTS="$ROOT/bench/results"
RUN_DIR="$STATE/run-$$"
CONF="$RUN_DIR/odoo.conf"
# Bump when the way this script builds the template changes.
TPL_FORMAT=1
mkdir -p "$LOGDIR" "$RESULTS"

say() { printf '\033[1m[bench]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[bench] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
db_exists() { [ "$(q -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }
drop_db() {
    dropdb --if-exists "$1" >/dev/null 2>&1 || true
    rm -rf "$ROOT/.odoo/data/filestore/$1"
}

[[ "$N" =~ ^[0-9]+$ && "$M" =~ ^[0-9]+$ && "$N" -gt 0 && "$M" -gt 0 ]] \
    || die "BENCH_CUSTOMERS and BENCH_INVOICES must be positive integers"
[ -f "$ROOT/.odoo/odoo.conf" ] || die "no .odoo/odoo.conf: run scripts/bootstrap.sh (make bootstrap) first"

TOTAL_START=$(now)
cleanup() {
    if [ "${BENCH_KEEP_RUN_DB:-0}" != 1 ]; then drop_db "$RUN_DB"; fi
    drop_db "${TPL}__building_$$"
    rm -rf "$RUN_DIR"
}
trap cleanup EXIT

# Snapshot of the module, and a config whose addons path puts it first.
SNAP="$RUN_DIR/addons/account_payment_followup"
mkdir -p "$SNAP"
rsync -a --delete --exclude=/.git --exclude=/.venv --exclude=/.odoo --exclude=/node_modules \
    --exclude=/bench/results --exclude=__pycache__ --exclude=/.ruff_cache "$ROOT/" "$SNAP/"
awk -v snap="$RUN_DIR/addons" -v link="$ROOT/.odoo/addons" '
    /^addons_path *=/ {
        sub(/^addons_path *= */, ""); n = split($0, paths, ","); out = snap
        for (i = 1; i <= n; i++) if (paths[i] != link) out = out "," paths[i]
        print "addons_path = " out; next
    }
    { print }' "$ROOT/.odoo/odoo.conf" >"$CONF"

# Code whose changes make a template stale: every Python file of the module (models,
# wizards... a new stored field is a missing column in an old template), the data,
# security and hooks the install writes, the generator, the manifest. Views, i18n,
# tests and this bench are left out.
stamp() {
    (
        cd "$SNAP"
        echo "format=$TPL_FORMAT n=$N m=$M"
        find . \( -path ./.venv -o -path ./.odoo -o -path ./.git -o -path ./node_modules \
                -o -path ./tests -o -path ./bench -o -path ./scripts -o -path ./i18n \
                -o -path ./static -o -name __pycache__ \) -prune \
            -o -type f \( -name '*.py' -o -path './data/*' -o -path './security/*' \) -print \
            | LC_ALL=C sort | xargs sha256sum
    ) | sha256sum | cut -c1-16
}


STAMP="$(stamp)"
declare -A STEP=([install]="reused" [book]="reused" [vacuum]="reused")

# ------------------------------------------------------------------ template
# One build at a time (two `make bench` in parallel would build the same template).
exec 9>"$STATE/$TPL.lock"
flock 9

tpl_stamp() {
    q -d "$TPL" -c "SELECT value FROM followup_bench_meta WHERE key = 'stamp'" 2>/dev/null || true
}

REASON=""
if [ "${BENCH_REBUILD:-0}" = 1 ]; then
    REASON="BENCH_REBUILD=1"
elif ! db_exists "$TPL"; then
    REASON="no template yet"
elif [ "$(tpl_stamp)" != "$STAMP" ]; then
    REASON="module code changed (stamp $(tpl_stamp || true) -> $STAMP)"
fi

if [ -n "$REASON" ]; then
    say "building template $TPL ($REASON)"
    # Built under a temporary name, renamed when complete: an interrupted build
    # never leaves a half-made template behind.
    BUILD="${TPL}__building_$$"
    drop_db "$BUILD"
    createdb "$BUILD"
    t=$(now)
    say "  installing account_payment_followup (log: .odoo/bench/logs/install-$TPL.log)"
    odoo -c "$CONF" -d "$BUILD" -i account_payment_followup --without-demo=all \
        --stop-after-init --no-http --log-level=warn --logfile="$LOGDIR/install-$TPL.log" \
        || { tail -40 "$LOGDIR/install-$TPL.log"; die "install failed"; }
    STEP[install]=$(since "$t")
    say "  install: ${STEP[install]} s"

    t=$(now)
    say "  generating the book: $N customers x $M invoices + reminder history (log: .odoo/bench/logs/book-$TPL.log)"
    BENCH_N="$N" BENCH_M="$M" BENCH_STAMP="$STAMP" odoo shell -c "$CONF" -d "$BUILD" --no-http \
        --log-level=warn --logfile="$LOGDIR/book-$TPL.log" <<'PYEOF' \
        || { tail -40 "$LOGDIR/book-$TPL.log"; die "book generation failed"; }
import json, os
from datetime import timedelta
from odoo import fields
from odoo.addons.account_payment_followup.demo.generator import generate_book

company = env.ref("base.main_company")
today = fields.Date.context_today(env["res.users"])
result = generate_book(
    env, company, int(os.environ["BENCH_N"]), int(os.environ["BENCH_M"]),
    seed=0, today=today, method="sql",
)

# Reminder history, so that the book looks like one followed up for a while
# (generate_book sends none: on its date every customer would need a reminder).
# Customer by customer, reminders were last sent on P = book date - lag, lag
# fixed by the partner id: 0 days for half of them (processed today), 1-7 days
# for 30%, 8-40 days for 20%. On P each open invoice got the highest level of
# the default policy whose delay it had reached (due date + delay <= P).
levels = [
    (timedelta(days=level.delay), level.id)
    for level in env["followup.policy"].search(
        [("company_id", "=", company.id), ("is_default", "=", True)], limit=1
    ).line_ids.sorted("delay")
]
env.cr.execute(
    "SELECT id, invoice_date_due, commercial_partner_id FROM account_move "
    "WHERE id = ANY(%s) AND amount_residual > 0",
    [result["move_ids"]],
)
history = []
for move_id, due, partner_id in env.cr.fetchall():
    bucket = partner_id * 7919 % 100
    spread = partner_id * 104729
    lag = 0 if bucket < 50 else (1 + spread % 7 if bucket < 80 else 8 + spread % 33)
    sent = today - timedelta(days=lag)
    reached = [level_id for delay, level_id in levels if due + delay <= sent]
    if reached:
        history.append((move_id, reached[-1], sent))
# One UPDATE (account.move.write costs ~10 ms an invoice), then modified() so that
# stored fields depending on these two, if any, are recomputed as the ORM would.
env.cr.execute(
    "UPDATE account_move SET followup_line_id = h.level_id, followup_date = h.sent "
    "FROM unnest(%s::int[], %s::int[], %s::date[]) AS h(move_id, level_id, sent) "
    "WHERE account_move.id = h.move_id",
    [[h[0] for h in history], [h[1] for h in history], [h[2] for h in history]],
)
moves = env["account.move"].browse([h[0] for h in history])
moves.invalidate_recordset(["followup_line_id", "followup_date"])
moves.modified(["followup_line_id", "followup_date"])
env.flush_all()

meta = {
    "stamp": os.environ["BENCH_STAMP"],
    "reminded_invoices": len(history),
    "customers": result["customers"],
    "invoices": result["invoices"],
    "payments": result["payments"],
    "company_id": company.id,
    "book_today": fields.Date.to_string(today),
    "book_seconds": result["seconds"],
    "built_at": fields.Datetime.to_string(fields.Datetime.now()),
}
env.cr.execute("CREATE TABLE followup_bench_meta (key varchar PRIMARY KEY, value varchar)")
env.cr.executemany(
    "INSERT INTO followup_bench_meta (key, value) VALUES (%s, %s)",
    [(key, str(value)) for key, value in meta.items()],
)
env.cr.commit()
print("BOOK", json.dumps(meta))
PYEOF
    STEP[book]=$(since "$t")
    say "  book: ${STEP[book]} s ($(q -d "$BUILD" -c "SELECT value FROM followup_bench_meta WHERE key = 'book_seconds'") s in generate_book)"

    t=$(now)
    q -d "$BUILD" -c "VACUUM ANALYZE"
    STEP[vacuum]=$(since "$t")
    say "  vacuum analyze: ${STEP[vacuum]} s"

    drop_db "$TPL"
    q -d postgres -c "ALTER DATABASE \"$BUILD\" RENAME TO \"$TPL\""
    if [ -d "$ROOT/.odoo/data/filestore/$BUILD" ]; then
        mv "$ROOT/.odoo/data/filestore/$BUILD" "$ROOT/.odoo/data/filestore/$TPL"
    fi
    say "template $TPL ready (stamp $STAMP)"
else
    say "reusing template $TPL (stamp $STAMP, built $(q -d "$TPL" -c "SELECT value FROM followup_bench_meta WHERE key = 'built_at'"))"
fi

# ------------------------------------------------------------------ run copy
t=$(now)
drop_db "$RUN_DB"
createdb -T "$TPL" "$RUN_DB"
if [ -d "$ROOT/.odoo/data/filestore/$TPL" ]; then
    cp -a "$ROOT/.odoo/data/filestore/$TPL" "$ROOT/.odoo/data/filestore/$RUN_DB"
fi
STEP[copy]=$(since "$t")
exec 9>&-   # the copy is made: other runs may rebuild the template now
say "copy $TPL -> $RUN_DB: ${STEP[copy]} s"

# ------------------------------------------------------------------ measure
t=$(now)
OUT="$LOGDIR/measure-$RUN_DB.out"
python "$SNAP/bench/bench_engine.py" -c "$CONF" -d "$RUN_DB" \
    --runs "${BENCH_RUNS:-5}" ${BENCH_DATE_OFFSET:+--date-offset "$BENCH_DATE_OFFSET"} \
    --steps "install=${STEP[install]},book=${STEP[book]},vacuum=${STEP[vacuum]},copy=${STEP[copy]}" \
    | tee "$OUT"
STEP[measure]=$(since "$t")
grep '^BENCH_JSON ' "$OUT" | sed 's/^BENCH_JSON //' >>"$RESULTS/results.jsonl" || true
rm -f "$OUT"

say "steps (s): install=${STEP[install]} book=${STEP[book]} vacuum=${STEP[vacuum]}" \
    "copy=${STEP[copy]} measure=${STEP[measure]} total=$(since "$TOTAL_START")"
