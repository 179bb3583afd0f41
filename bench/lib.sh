# Shell helpers of the benchmarks, sourced by bench/run.sh and bench/peers.sh.
# Expects ROOT (the repository) and BENCH_TAG (the prefix of the messages).

say() { printf '\033[1m[%s]\033[0m %s\n' "$BENCH_TAG" "$*"; }
die() { printf '\033[1;31m[%s] ERROR:\033[0m %s\n' "$BENCH_TAG" "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
db_exists() { [ "$(q -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }
drop_db() {
    dropdb --if-exists "$1" >/dev/null 2>&1 || true
    rm -rf "$ROOT/.odoo/data/filestore/$1"
}
meta() { q -d "$1" -c "SELECT value FROM followup_bench_meta WHERE key = '$2'" 2>/dev/null || true; }

# snapshot_code SNAP CONF [ADDONS_DIR...]: copy the working tree to SNAP (the module
# is edited while benchmarks run) and write CONF, the project's odoo.conf with
# SNAP's parent, then the ADDONS_DIRs, first in the addons path instead of
# .odoo/addons.
snapshot_code() {
    local snap=$1 conf=$2 first
    shift 2
    mkdir -p "$snap"
    rsync -a --delete --exclude=/.git --exclude=/.venv --exclude=/.odoo --exclude=/node_modules \
        --exclude=/bench/results --exclude=__pycache__ --exclude=/.ruff_cache "$ROOT/" "$snap/"
    first="$(dirname "$snap")"
    for dir in "$@"; do first="$first,$dir"; done
    awk -v first="$first" -v link="$ROOT/.odoo/addons" '
        /^addons_path *=/ {
            sub(/^addons_path *= */, ""); n = split($0, paths, ","); out = first
            for (i = 1; i <= n; i++) if (paths[i] != link) out = out "," paths[i]
            print "addons_path = " out; next
        }
        { print }' "$ROOT/.odoo/odoo.conf" >"$conf"
}

# code_files SNAP [./EXTRA...]: "sha256  ./path" lines of what makes a template stale:
# every Python file of the module (models, wizards...: a new stored field is a
# missing column in an old template), the data, security and hooks the install
# writes, the generator, the manifest, bench/build_book.py, and the EXTRA files.
# Views, i18n, tests and the rest of bench/ are left out.
code_files() {
    local snap=$1
    shift
    (
        cd "$snap"
        {
            find . \( -path ./tests -o -path ./bench -o -path ./scripts -o -path ./i18n \
                    -o -path ./static -o -name __pycache__ \) -prune \
                -o -type f \( -name '*.py' -o -path './data/*' -o -path './security/*' \) -print
            echo ./bench/build_book.py
            for extra in "$@"; do echo "$extra"; done
        } | LC_ALL=C sort | xargs sha256sum
    )
}
