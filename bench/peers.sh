#!/usr/bin/env bash
# make bench-peers: this module side by side with OCA account_credit_control on the
# same book, in one process (bench/bench_peers.py).
#
#   1. the peer, pinned (PEER_PIN below), installed from PyPI with pip --no-deps
#      into .odoo/peers/site (ignored by git, outside .venv): its odoo/addons goes
#      into the addons path of this run's odoo.conf. Its manifest depends on base,
#      account and mail only: no other OCA wheel is needed. Never copied into the
#      repository.
#   2. template database followup_peers_tpl_<N>x<M>, built once: fresh database, both
#      modules installed without demo data, the book of make bench
#      (bench/build_book.py: N customers x M open invoices + a reminder history),
#      then bench/peers_setup.py (a credit-control policy with our levels, our
#      reminder history as sent credit-control lines), VACUUM ANALYZE. Reused while
#      its stamp (hash of the module code, of these scripts and the peer's pin)
#      matches; BENCH_REBUILD=1 forces a rebuild.
#   3. run database: a copy of the template (createdb -T), measured by
#      bench/bench_peers.py, then dropped.
#
# Everything runs on a snapshot of the working tree taken at start
# (.odoo/bench/peers-<pid>/addons/account_payment_followup, with its own odoo.conf,
# removed at the end), as bench/run.sh does.
#
# Environment: BENCH_PEERS_CUSTOMERS (default BENCH_CUSTOMERS, else 10000),
# BENCH_INVOICES (10), BENCH_REBUILD (0), BENCH_PEERS_RUNS (5: our timed runs, after
# a warm-up), BENCH_PEERS_PEER_RUNS (3: the peer's timed runs), BENCH_PEERS_MAIL
# (200: customers e-mailed by each side), BENCH_PEERS_MAIL_RUNS (1: e-mail runs per
# side), BENCH_PEERS_MAIL_OFFSET (30: days after the book's date for the e-mails),
# BENCH_PEERS_REPORT_URL (report.url, default a closed port as bench_cron.py),
# BENCH_KEEP_RUN_DB (0), BENCH_PEERS_MEASURE (1; 0: only build or check the template),
# BENCH_PEERS_CODE (tree: the working tree, as make bench; head: the module as last
# committed, the bench scripts of the working tree).
# Results: printed; the BENCH_PEERS_JSON line is appended to bench/results/results.jsonl.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.venv/bin:$PATH"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}"
PEER_PIN="odoo-addon-account-credit-control==18.0.2.0.2.6"
N="${BENCH_PEERS_CUSTOMERS:-${BENCH_CUSTOMERS:-10000}}"
M="${BENCH_INVOICES:-10}"
STATE="$ROOT/.odoo/bench"
LOGDIR="$STATE/logs"
RESULTS="$ROOT/bench/results"
PEERS="$ROOT/.odoo/peers"
SITE="$PEERS/site"
RUN_DIR="$STATE/peers-$$"
CONF="$RUN_DIR/odoo.conf"
SNAP="$RUN_DIR/addons/account_payment_followup"
RUN_DB="followup_peers_run_${N}x${M}_$$"
TPL="followup_peers_tpl_${N}x${M}"
BUILD="${TPL}__building_$$"

BENCH_TAG=bench-peers
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

for value in "$N" "$M"; do
    [[ "$value" =~ ^[0-9]+$ ]] && [ "$value" -gt 0 ] \
        || die "BENCH_PEERS_CUSTOMERS / BENCH_CUSTOMERS and BENCH_INVOICES: integers > 0"
done
[ -f "$ROOT/.odoo/odoo.conf" ] || die "no .odoo/odoo.conf: run scripts/bootstrap.sh (make bootstrap)"
mkdir -p "$LOGDIR" "$RESULTS" "$PEERS"

TOTAL_START=$(now)
cleanup() {
    if [ "${BENCH_KEEP_RUN_DB:-0}" = 1 ] && db_exists "$RUN_DB"; then
        say "kept $RUN_DB"
    else
        drop_db "$RUN_DB"
    fi
    drop_db "$BUILD"
    rm -rf "$RUN_DIR"
}
trap cleanup EXIT

# ------------------------------------------------------------------ the peer
# pip --target never uninstalls: the directory is rebuilt when the pin changes.
install_peer() {
    if [ "$(cat "$PEERS/pin" 2>/dev/null)" = "$PEER_PIN" ] \
        && [ -f "$SITE/odoo/addons/account_credit_control/__manifest__.py" ]; then
        return
    fi
    say "installing $PEER_PIN into .odoo/peers/site (pip --no-deps, from PyPI)"
    rm -rf "$SITE" "$PEERS/pin"
    pip install --quiet --disable-pip-version-check --no-deps --no-compile \
        --target "$SITE" "$PEER_PIN" || die "pip install $PEER_PIN failed"
    echo "$PEER_PIN" >"$PEERS/pin"
}
exec 8>"$PEERS/.lock"
flock 8  # another run may be installing it
install_peer
exec 8>&-
PEER_ADDONS="$SITE/odoo/addons"
peer_depends="$(python - "$PEER_ADDONS/account_credit_control/__manifest__.py" <<'PYEOF'
import ast, sys
print(" ".join(ast.literal_eval(open(sys.argv[1], encoding="utf-8").read())["depends"]))
PYEOF
)"
for dep in $peer_depends; do
    [ -d "/opt/odoo/src-18.0/odoo/addons/$dep" ] || [ -d "$PEER_ADDONS/$dep" ] \
        || python -c "import odoo.addons.$dep" 2>/dev/null \
        || die "account_credit_control depends on $dep, not found"
done
say "peer: $PEER_PIN (depends: $peer_depends) in $PEER_ADDONS"

# ------------------------------------------------------------------ code snapshot
# Same config, the snapshot then the peer's addons first in the addons path.
snapshot_code "$SNAP" "$CONF" "$PEER_ADDONS"
if [ "${BENCH_PEERS_CODE:-tree}" = head ]; then
    # the module as last committed (work in progress left out), with the working
    # tree's scripts of this benchmark
    find "$SNAP" -mindepth 1 -maxdepth 1 ! -name bench -exec rm -rf {} +
    git archive HEAD | tar -x -C "$SNAP" --exclude=bench
    git show HEAD:bench/build_book.py >"$SNAP/bench/build_book.py"
    say "module code: HEAD $(git rev-parse --short HEAD) (BENCH_PEERS_CODE=head)"
elif [ "${BENCH_PEERS_CODE:-tree}" != tree ]; then
    die "BENCH_PEERS_CODE: tree (the working tree, default) or head (the last commit)"
fi
# The template's stamp: as in run.sh, plus peers_setup.py and the peer's pin.
CODE_FILES="$(code_files "$SNAP" ./bench/peers_setup.py)"
STAMP="$(printf '%s\n%s\n' "$CODE_FILES" "$PEER_PIN" | sha256sum | cut -c1-16)-${N}x${M}"

# ------------------------------------------------------------------ template
T_BUILD=reused
exec 9>"$STATE/$TPL.lock"
flock 9  # two runs at once would build the same template
reason=""
if [ "${BENCH_REBUILD:-0}" = 1 ]; then
    reason="BENCH_REBUILD=1"
elif ! db_exists "$TPL"; then
    reason="no template yet"
elif [ "$(meta "$TPL" stamp)" != "$STAMP" ]; then
    reason="code or pin changed: stamp $(meta "$TPL" stamp) -> $STAMP"
fi
if [ -z "$reason" ]; then
    say "reusing template $TPL (stamp $STAMP, built $(meta "$TPL" built_at))"
else
    say "building template $TPL ($reason)"
    t=$(now)
    drop_db "$BUILD"
    createdb "$BUILD"
    say "  install account_payment_followup + account_credit_control (log .odoo/bench/logs/install-$TPL.log)"
    odoo -c "$CONF" -d "$BUILD" -i account_payment_followup,account_credit_control \
        --without-demo=all --stop-after-init --no-http --log-level=warn \
        --logfile="$LOGDIR/install-$TPL.log" \
        || { tail -40 "$LOGDIR/install-$TPL.log"; die "install failed"; }
    say "  book: $N customers x $M invoices + reminder history (log .odoo/bench/logs/book-$TPL.log)"
    BENCH_N="$N" BENCH_M="$M" BENCH_STAMP="$STAMP" BENCH_FILES="$CODE_FILES" odoo shell -c "$CONF" \
        -d "$BUILD" --no-http --log-level=warn --logfile="$LOGDIR/book-$TPL.log" \
        <"$SNAP/bench/build_book.py" >"$LOGDIR/book-$TPL.out" \
        && grep -q '^BOOK ' "$LOGDIR/book-$TPL.out" \
        || { cat "$LOGDIR/book-$TPL.out"; tail -40 "$LOGDIR/book-$TPL.log"; die "book generation failed"; }
    say "  credit-control policy and history (bench/peers_setup.py)"
    odoo shell -c "$CONF" -d "$BUILD" --no-http --log-level=warn \
        --logfile="$LOGDIR/peers-setup-$TPL.log" \
        <"$SNAP/bench/peers_setup.py" >"$LOGDIR/peers-setup-$TPL.out" \
        && grep '^PEERS_SETUP ' "$LOGDIR/peers-setup-$TPL.out" \
        || { cat "$LOGDIR/peers-setup-$TPL.out"; tail -40 "$LOGDIR/peers-setup-$TPL.log"; die "peer setup failed"; }
    q -d "$BUILD" -c "VACUUM ANALYZE"
    drop_db "$TPL"
    q -d postgres -c "ALTER DATABASE \"$BUILD\" RENAME TO \"$TPL\""
    if [ -d "$ROOT/.odoo/data/filestore/$BUILD" ]; then
        mv "$ROOT/.odoo/data/filestore/$BUILD" "$ROOT/.odoo/data/filestore/$TPL"
    fi
    T_BUILD=$(since "$t")
    say "template $TPL ready in $T_BUILD s (stamp $STAMP)"
fi

if [ "${BENCH_PEERS_MEASURE:-1}" = 0 ]; then
    say "BENCH_PEERS_MEASURE=0: template only ($(since "$TOTAL_START") s)"
    exit 0
fi

# ------------------------------------------------------------------ run copy
t=$(now)
drop_db "$RUN_DB"
createdb -T "$TPL" "$RUN_DB"
if [ -d "$ROOT/.odoo/data/filestore/$TPL" ]; then
    cp -a "$ROOT/.odoo/data/filestore/$TPL" "$ROOT/.odoo/data/filestore/$RUN_DB"
fi
exec 9>&-
T_COPY=$(since "$t")
say "copy $TPL -> $RUN_DB: $T_COPY s"

# ------------------------------------------------------------------ measure
t=$(now)
python "$SNAP/bench/bench_peers.py" -c "$CONF" -d "$RUN_DB" \
    --runs "${BENCH_PEERS_RUNS:-5}" --peer-runs "${BENCH_PEERS_PEER_RUNS:-3}" \
    --mail-customers "${BENCH_PEERS_MAIL:-200}" --mail-runs "${BENCH_PEERS_MAIL_RUNS:-1}" \
    --mail-offset "${BENCH_PEERS_MAIL_OFFSET:-30}" \
    --report-url "${BENCH_PEERS_REPORT_URL:-http://127.0.0.1:1}" \
    --peer "$PEER_PIN" --steps "template=$T_BUILD,copy=$T_COPY" \
    2>&1 | grep --line-buffered -v "QSslSocket" | tee "$RUN_DIR/out.txt"
grep "^BENCH_PEERS_JSON " "$RUN_DIR/out.txt" | cut -d' ' -f2- >>"$RESULTS/results.jsonl" \
    || die "no result (see above)"
say "steps (s): template=$T_BUILD copy=$T_COPY measure=$(since "$t") total=$(since "$TOTAL_START")"
