#!/usr/bin/env bash
# make bench: follow-up engine benchmark on N customers x M open invoices.
#
#   1. template database followup_bench_tpl_<N>x<M>, built once: fresh database,
#      module installed without demo data, book (bench/build_book.py: generate_book
#      of demo/generator.py + a reminder history), VACUUM ANALYZE. Reused while the
#      stamp it keeps (hash of the code the template depends on) matches the code;
#      BENCH_REBUILD=1 forces a rebuild.
#   2. run database: a copy of the template (createdb -T, about a second),
#      measured by bench/bench_engine.py, then dropped.
#   3. the same on a small template (BENCH_COMPARE_CUSTOMERS x M, 1 run), first:
#      the main table then shows the query counts at both sizes (they must be equal).
#   4. the daily scheduled action on copies of the small template (bench/bench_cron.py:
#      automatic sending turned on, every customer due e-mailed with its letter):
#      a timed run, then a run under tracemalloc for the peak of Python memory.
#
# The module is edited while benchmarks run: everything runs on a snapshot of the
# working tree taken at start (.odoo/bench/run-<pid>/addons/account_payment_followup,
# with its own odoo.conf, removed at the end): the code the stamp describes.
#
# Environment: BENCH_CUSTOMERS (10000), BENCH_INVOICES (10), BENCH_REBUILD (0),
# BENCH_RUNS (5 timed runs after 1 warm-up), BENCH_COMPARE_CUSTOMERS (1000; 0: no
# comparison), BENCH_DATE_OFFSET (days after the book's date, default 0),
# BENCH_PROFILE (1: profile even when targets are met), BENCH_KEEP_RUN_DB (0),
# BENCH_CRON (1; 0: no scheduled action run), BENCH_CRON_MEMORY (1: a second run of
# the scheduled action under tracemalloc for its peak of Python memory; 0: none),
# BENCH_MAIN (1; 0: skip the main size, e.g. to measure only the scheduled action);
# BENCH_CRON_PARALLEL (1: then the same run started twice at once on a fresh copy:
# wall time, reminders, customers reminded twice, speed-up; 0: none);
# BENCH_CRON_LIVE (1: the scheduled action runs with a live Odoo server, as in
# production: `odoo --workers=0` on a free port serving the run's database, started
# before and stopped after each run, its URL given as BENCH_CRON_REPORT_URL, the
# report.url wkhtmltopdf loads the report CSS from; 0: the old closed-port mode,
# where the CSS fails fast and letters are made without it);
# see bench/bench_cron.py for BENCH_CRON_DATE, BENCH_CRON_LEVELS, BENCH_CRON_REPORT_URL
# (set, it wins over BENCH_CRON_LIVE), BENCH_CRON_INLINE_CSS.
# Results: printed; the BENCH_JSON line is appended to bench/results/results.jsonl,
# query plans go to bench/results/explain-<N>x<M>.txt (bench/results is ignored by git).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.venv/bin:$PATH"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}"
N="${BENCH_CUSTOMERS:-10000}"
M="${BENCH_INVOICES:-10}"
SMALL="${BENCH_COMPARE_CUSTOMERS:-1000}"
STATE="$ROOT/.odoo/bench"
LOGDIR="$STATE/logs"
RESULTS="$ROOT/bench/results"
RUN_DIR="$STATE/run-$$"
CONF="$RUN_DIR/odoo.conf"
SNAP="$RUN_DIR/addons/account_payment_followup"
RUN_DBS=()

BENCH_TAG=bench
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

for value in "$N" "$M" "$SMALL"; do
    [[ "$value" =~ ^[0-9]+$ ]] || die "BENCH_CUSTOMERS, BENCH_INVOICES, BENCH_COMPARE_CUSTOMERS: integers"
done
[ "$N" -gt 0 ] && [ "$M" -gt 0 ] || die "BENCH_CUSTOMERS and BENCH_INVOICES must be > 0"
[ -f "$ROOT/.odoo/odoo.conf" ] || die "no .odoo/odoo.conf: run scripts/bootstrap.sh (make bootstrap)"
mkdir -p "$LOGDIR" "$RESULTS"

TOTAL_START=$(now)
SERVER_PID=""
# start_server DB: a live Odoo server (threaded, no cron) serving DB on a free port;
# sets SERVER_PID and SERVER_URL.
start_server() {
    local db=$1 port i
    port="$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    odoo -c "$CONF" -d "$db" --db-filter="^${db}\$" --http-interface=127.0.0.1 \
        --http-port="$port" --workers=0 --max-cron-threads=0 --log-level=warn \
        --logfile="$LOGDIR/server-$db.log" &
    SERVER_PID=$!
    SERVER_URL="http://127.0.0.1:$port"
    for i in $(seq 1 120); do
        if curl -fs -o /dev/null "$SERVER_URL/web/health"; then
            say "live server $SERVER_URL (pid $SERVER_PID, log .odoo/bench/logs/server-$db.log)"
            return
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.5
    done
    tail -20 "$LOGDIR/server-$db.log" || true
    die "the live server on $SERVER_URL did not answer"
}
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
}
# choose_report_url DB: the report.url the letters of a run on DB load the CSS
# from: BENCH_CRON_REPORT_URL, else a live server started on DB
# (BENCH_CRON_LIVE=1, the default), else a closed port; sets report_url, url_mode.
choose_report_url() {
    report_url="${BENCH_CRON_REPORT_URL:-}" url_mode="given BENCH_CRON_REPORT_URL"
    if [ -z "$report_url" ] && [ "${BENCH_CRON_LIVE:-1}" = 1 ]; then
        start_server "$1"
        report_url="$SERVER_URL" url_mode="live server (odoo --workers=0, started by bench/run.sh)"
    elif [ -z "$report_url" ]; then
        report_url="http://127.0.0.1:1" url_mode="closed port (BENCH_CRON_LIVE=0: the CSS fails fast)"
    fi
}
cleanup() {
    local db
    stop_server
    for db in "${RUN_DBS[@]}"; do
        if [ "${BENCH_KEEP_RUN_DB:-0}" = 1 ]; then say "kept $db"; else drop_db "$db"; fi
    done
    for db in $(q -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE 'followup\_bench\_tpl\_%\_\_building\_$$'" 2>/dev/null); do
        drop_db "$db"
    done
    rm -rf "$RUN_DIR"
}
trap cleanup EXIT

# ------------------------------------------------------------------ code snapshot
# Same config, the snapshot first in the addons path instead of .odoo/addons.
snapshot_code "$SNAP" "$CONF"
CODE_FILES="$(code_files "$SNAP")"
CODE_HASH="$(printf '%s\n' "$CODE_FILES" | sha256sum | cut -c1-16)"

# ------------------------------------------------------------------ template
# ensure_template N M: build followup_bench_tpl_NxM unless up to date; sets TPL
# and T_INSTALL, T_BOOK, T_VACUUM. Holds the template's lock (fd 9) on return:
# release it (exec 9>&-) once the run copy is made.
ensure_template() {
    local n=$1 m=$2 stamp reason="" current build t changed
    TPL="followup_bench_tpl_${n}x${m}"
    stamp="$CODE_HASH-${n}x${m}"
    T_INSTALL=reused T_BOOK=reused T_VACUUM=reused
    exec 9>"$STATE/$TPL.lock"
    flock 9  # two benchmarks at once would build the same template
    current="$(meta "$TPL" stamp)"
    if [ "${BENCH_REBUILD:-0}" = 1 ]; then
        reason="BENCH_REBUILD=1"
    elif ! db_exists "$TPL"; then
        reason="no template yet"
    elif [ "$current" != "$stamp" ]; then
        reason="module code changed: stamp ${current:-none} -> $stamp"
        changed="$(diff <(meta "$TPL" files) <(printf '%s\n' "$CODE_FILES") \
            | sed -n 's/^[<>] [0-9a-f]*  \.\///p' | sort -u | tr '\n' ' ' || true)"
        if [ -n "$changed" ]; then reason="$reason; changed: $changed"; fi
    fi
    if [ -z "$reason" ]; then
        say "reusing template $TPL (stamp $stamp, built $(meta "$TPL" built_at))"
        return
    fi
    say "building template $TPL ($reason)"
    # Built under a temporary name, renamed when complete: an interrupted build
    # never leaves a half-made template.
    build="${TPL}__building_$$"
    drop_db "$build"
    createdb "$build"
    t=$(now)
    say "  install account_payment_followup (log .odoo/bench/logs/install-$TPL.log)"
    odoo -c "$CONF" -d "$build" -i account_payment_followup --without-demo=all \
        --stop-after-init --no-http --log-level=warn --logfile="$LOGDIR/install-$TPL.log" \
        || { tail -40 "$LOGDIR/install-$TPL.log"; die "install failed"; }
    T_INSTALL=$(since "$t")
    say "  install: $T_INSTALL s"
    t=$(now)
    say "  book: $n customers x $m invoices + reminder history (log .odoo/bench/logs/book-$TPL.log)"
    BENCH_N="$n" BENCH_M="$m" BENCH_STAMP="$stamp" BENCH_FILES="$CODE_FILES" odoo shell -c "$CONF" -d "$build" \
        --no-http --log-level=warn --logfile="$LOGDIR/book-$TPL.log" \
        <"$SNAP/bench/build_book.py" >"$LOGDIR/book-$TPL.out" \
        || { tail -40 "$LOGDIR/book-$TPL.log"; die "book generation failed"; }
    grep -q '^BOOK ' "$LOGDIR/book-$TPL.out" \
        || { cat "$LOGDIR/book-$TPL.out"; tail -40 "$LOGDIR/book-$TPL.log"; die "book generation failed"; }
    T_BOOK=$(since "$t")
    say "  book: $T_BOOK s ($(meta "$build" book_seconds) s in generate_book," \
        "$(meta "$build" invoices) invoices, $(meta "$build" reminded_invoices) with a reminder sent)"
    t=$(now)
    q -d "$build" -c "VACUUM ANALYZE"
    T_VACUUM=$(since "$t")
    say "  vacuum analyze: $T_VACUUM s"
    drop_db "$TPL"
    q -d postgres -c "ALTER DATABASE \"$build\" RENAME TO \"$TPL\""
    if [ -d "$ROOT/.odoo/data/filestore/$build" ]; then
        mv "$ROOT/.odoo/data/filestore/$build" "$ROOT/.odoo/data/filestore/$TPL"
    fi
    say "template $TPL ready (stamp $stamp)"
}

# copy_template RUN_DB: copy $TPL to RUN_DB; sets T_COPY; releases the lock.
copy_template() {
    local run_db=$1 t
    t=$(now)
    RUN_DBS+=("$run_db")
    drop_db "$run_db"
    createdb -T "$TPL" "$run_db"
    if [ -d "$ROOT/.odoo/data/filestore/$TPL" ]; then
        cp -a "$ROOT/.odoo/data/filestore/$TPL" "$ROOT/.odoo/data/filestore/$run_db"
    fi
    T_COPY=$(since "$t")
    exec 9>&-
    say "copy $TPL -> $run_db: $T_COPY s"
}

# ------------------------------------------------------------------ small size
COMPARE_ARGS=()
T_SMALL=skipped
if [ "$SMALL" -gt 0 ] && [ "$SMALL" != "$N" ]; then
    t_small=$(now)
    say "--- ${SMALL} x ${M}: query counts at a smaller size, for comparison"
    ensure_template "$SMALL" "$M"
    copy_template "followup_bench_run_${SMALL}x${M}_$$"
    python "$SNAP/bench/bench_engine.py" -c "$CONF" -d "followup_bench_run_${SMALL}x${M}_$$" \
        --runs 1 --quiet --json-out "$RUN_DIR/small.json" \
        ${BENCH_DATE_OFFSET:+--date-offset "$BENCH_DATE_OFFSET"}
    drop_db "followup_bench_run_${SMALL}x${M}_$$"
    COMPARE_ARGS=(--compare "$RUN_DIR/small.json")
    T_SMALL=$(since "$t_small")
fi

# ------------------------------------------------------------------ scheduled action
T_CRON=skipped
if [ "${BENCH_CRON:-1}" = 1 ] && [ "$SMALL" -gt 0 ]; then
    t_cron=$(now)
    # 1. timed run; 2. (BENCH_CRON_MEMORY=1, the default) the same on a fresh copy
    # under tracemalloc, for the peak of Python memory only: tracemalloc slows the
    # Python code down 2.5-3 times, so it never runs during the timed run.
    CRON_MODES=(timed)
    [ "${BENCH_CRON_MEMORY:-1}" = 1 ] && CRON_MODES+=(memory)
    for mode in "${CRON_MODES[@]}"; do
        if [ "$mode" = timed ]; then
            say "--- scheduled action on ${SMALL} x ${M}: timed run (e-mails + letters, commits per batch)"
        else
            say "--- scheduled action on ${SMALL} x ${M}: memory run (tracemalloc; its times are not the figures)"
        fi
        ensure_template "$SMALL" "$M"
        copy_template "followup_bench_cron_$$"
        choose_report_url "followup_bench_cron_$$"
        say "report.url: $report_url: $url_mode"
        BENCH_CRON_TRACEMALLOC=$([ "$mode" = memory ] && echo 1 || echo 0) \
            BENCH_CRON_REPORT_URL="$report_url" BENCH_CRON_URL_MODE="$url_mode" \
            odoo shell -c "$CONF" -d "followup_bench_cron_$$" --no-http --log-level=warn \
            <"$SNAP/bench/bench_cron.py" 2>&1 | grep -v "QSslSocket" | tee "$RUN_DIR/cron-$mode.txt"
        stop_server
        grep "^BENCH_CRON_JSON" "$RUN_DIR/cron-$mode.txt" | cut -d' ' -f2- >>"$RESULTS/results.jsonl" || true
        drop_db "followup_bench_cron_$$"
    done
    python - "$RUN_DIR/cron-timed.txt" "$RUN_DIR/cron-memory.txt" <<'PYEOF'
import json, os, sys
runs = {}
for path in sys.argv[1:]:
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            if line.startswith("BENCH_CRON_JSON "):
                result = json.loads(line.split(" ", 1)[1])
                runs["memory" if result["tracemalloc"] else "timed"] = result
timed, memory = runs.get("timed"), runs.get("memory")
if not timed:
    sys.exit("[bench] scheduled action: no result from the timed run")
peak = f"{memory['peak_python_mb']} MB (memory run)" if memory else "not measured"
wkhtmltopdf = timed["phases"].get("letters: wkhtmltopdf subprocess", {}).get("seconds")
print(
    f"[bench] scheduled action, report CSS from {timed.get('report_url_mode')} "
    f"({timed.get('report_url')}), inline CSS {timed.get('inline_css')}, "
    f"wkhtmltopdf {wkhtmltopdf} s"
)
print(
    f"[bench] scheduled action, {timed['customers_due']} customers due: "
    f"{timed['seconds']} s, {timed['reminders_per_second']} reminders/s "
    f"(target >= {timed['target_reminders_per_second']}: "
    f"{'met' if timed['target_met'] else 'MISSED'}), "
    f"{timed['queries_per_customer']} queries per customer, peak Python {peak}, "
    f"followup.reminder created {timed['reminders_created']}, done {timed['reminders_done']}; "
    "split: " + ", ".join(
        f"{key} {timed['groups'][key]} s"
        for key in sorted(timed["groups"], key=lambda key: key == "rest")  # rest last
        if timed["groups"][key]
    )
)
PYEOF
    T_CRON=$(since "$t_cron")
fi

# ------------------------------------------------------------------ two runs at once
# The same daily run on a fresh copy, started twice at once (two cron workers or
# two servers on one database): they split the customers (followup.daily._claim).
# Figures: the wall time from the first start to the last end, reminders done in
# all, customers reminded more than once (must be 0), and the rate against the
# single timed run above.
T_PARALLEL=skipped
if [ "${BENCH_CRON:-1}" = 1 ] && [ "${BENCH_CRON_PARALLEL:-1}" = 1 ] && [ "$SMALL" -gt 0 ]; then
    t_parallel=$(now)
    say "--- scheduled action on ${SMALL} x ${M}: two runs started at once"
    ensure_template "$SMALL" "$M"
    PAR_DB="followup_bench_par_$$"
    copy_template "$PAR_DB"
    choose_report_url "$PAR_DB"
    BENCH_CRON_PHASE=setup BENCH_CRON_REPORT_URL="$report_url" BENCH_CRON_URL_MODE="$url_mode" \
        odoo shell -c "$CONF" -d "$PAR_DB" --no-http --log-level=warn \
        <"$SNAP/bench/bench_cron.py" >"$RUN_DIR/par-setup.txt" 2>&1
    reminder_max="$(sed -n 's/^BENCH_CRON_SETUP reminder_max=//p' "$RUN_DIR/par-setup.txt")"
    [ -n "$reminder_max" ] || { cat "$RUN_DIR/par-setup.txt"; die "parallel runs: setup failed"; }
    PAR_PIDS=()
    for run in 1 2; do
        # the second as the extra worker's scheduled action
        BENCH_CRON_HOUSEKEEPING=$([ "$run" = 1 ] && echo 1 || echo 0) \
        BENCH_CRON_PHASE=run BENCH_CRON_REPORT_URL="$report_url" BENCH_CRON_URL_MODE="$url_mode" \
            odoo shell -c "$CONF" -d "$PAR_DB" --no-http --log-level=warn \
            <"$SNAP/bench/bench_cron.py" >"$RUN_DIR/par-$run.txt" 2>&1 &
        PAR_PIDS+=($!)
    done
    wait "${PAR_PIDS[@]}" || true
    stop_server
    q -d "$PAR_DB" -c "SELECT count(*) FILTER (WHERE state = 'done'),
                              count(DISTINCT (partner_id, company_id)) FILTER (WHERE state = 'done')
                         FROM followup_reminder WHERE id > $reminder_max" >"$RUN_DIR/par-counts.txt"
    python - "$RUN_DIR" <<'PYEOF'
import json, os, sys
run_dir = sys.argv[1]
runs = []
for name in ("par-1.txt", "par-2.txt"):
    for line in open(os.path.join(run_dir, name), encoding="utf-8"):
        if line.startswith("BENCH_CRON_JSON "):
            runs.append(json.loads(line.split(" ", 1)[1]))
if len(runs) != 2:
    sys.exit("[bench] two runs at once: a run gave no result (see par-1.txt, par-2.txt)")
done, customers = map(int, open(os.path.join(run_dir, "par-counts.txt")).read().split("|"))
wall = max(r["ended_at_epoch"] for r in runs) - min(r["started_at_epoch"] for r in runs)
single = None
timed = os.path.join(run_dir, "cron-timed.txt")
if os.path.exists(timed):
    for line in open(timed, encoding="utf-8"):
        if line.startswith("BENCH_CRON_JSON "):
            single = json.loads(line.split(" ", 1)[1])
rate = done / wall if wall else 0
result = {
    "parallel_runs": 2,
    "wall_seconds": round(wall, 2),
    "run_seconds": [r["seconds"] for r in runs],
    "reminders_done": done,
    "customers_reminded": customers,
    "customers_reminded_twice": done - customers,
    "reminders_per_second": round(rate, 1),
    "single_run_seconds": single and single["seconds"],
    "single_run_reminders_per_second": single and single["reminders_per_second"],
    "speedup": round(single["seconds"] / wall, 2) if single and wall else None,
}
print(
    f"[bench] two runs at once: {done} reminders in {result['wall_seconds']} s "
    f"(runs {result['run_seconds'][0]} s and {result['run_seconds'][1]} s), "
    f"{result['reminders_per_second']} reminders/s; customers reminded twice: "
    f"{result['customers_reminded_twice']}; one run: "
    f"{result['single_run_seconds']} s -> speed-up {result['speedup']}x"
)
print("BENCH_PARALLEL_JSON " + json.dumps(result, sort_keys=True))
PYEOF
    drop_db "$PAR_DB"
    T_PARALLEL=$(since "$t_parallel")
fi

# ------------------------------------------------------------------ main size
if [ "${BENCH_MAIN:-1}" = 0 ]; then
    say "steps (s): small-size comparison=$T_SMALL scheduled-action=$T_CRON two-runs=$T_PARALLEL" \
        "total=$(since "$TOTAL_START") (BENCH_MAIN=0: main size skipped)"
    exit 0
fi
say "--- ${N} x ${M}"
ensure_template "$N" "$M"
RUN_DB="followup_bench_run_${N}x${M}_$$"
copy_template "$RUN_DB"
t=$(now)
PROFILE_ARGS=()
[ "${BENCH_PROFILE:-0}" = 1 ] && PROFILE_ARGS=(--profile)
python "$SNAP/bench/bench_engine.py" -c "$CONF" -d "$RUN_DB" \
    --runs "${BENCH_RUNS:-5}" ${BENCH_DATE_OFFSET:+--date-offset "$BENCH_DATE_OFFSET"} \
    "${COMPARE_ARGS[@]}" "${PROFILE_ARGS[@]}" \
    --explain-file "$RESULTS/explain-${N}x${M}.txt" --json-out "$RUN_DIR/main.json" \
    --steps "install=$T_INSTALL,book=$T_BOOK,vacuum=$T_VACUUM,copy=$T_COPY,small_size=$T_SMALL"
T_MEASURE=$(since "$t")
cat "$RUN_DIR/main.json" >>"$RESULTS/results.jsonl"
echo >>"$RESULTS/results.jsonl"

say "steps (s): install=$T_INSTALL book=$T_BOOK vacuum=$T_VACUUM copy=$T_COPY" \
    "measure=$T_MEASURE small-size comparison=$T_SMALL scheduled-action=$T_CRON two-runs=$T_PARALLEL" \
    "total=$(since "$TOTAL_START")"
