# Sourced by scripts/test_wheel.sh and scripts/test_upgrade.sh (needs ROOT).

# test_begin TAG NAME: say/fail print [TAG]; DB is $FOLLOWUP_TEST_DB or
# NAME_<pid>, WORK a new temporary folder; both are removed on exit, unless
# KEEP_DB=1.
test_begin() {
    TAG="$1"
    DB="${FOLLOWUP_TEST_DB:-$2_$$}"
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/$2.XXXXXX")"
    trap test_end EXIT
}
test_end() {
    if [ "${KEEP_DB:-0}" != 1 ]; then
        dropdb --if-exists "$DB" >/dev/null 2>&1 || true
        rm -rf "$WORK"
    else
        say "kept database $DB and $WORK"
    fi
}
say() { printf '\033[1m[%s]\033[0m %s\n' "$TAG" "$*"; }
fail() { printf '\033[1;31m[%s] FAILED:\033[0m %s\n' "$TAG" "$*" >&2; exit 1; }

# odoo_conf OUT DATA_DIR [FIRST_ADDONS_DIR]: write an Odoo configuration file
# with the database settings of .odoo/odoo.conf, DATA_DIR as data_dir, and as
# addons path FIRST_ADDONS_DIR (when given) then Odoo's own addons folders: those
# of .odoo/odoo.conf less the one holding this module (.odoo/addons).
odoo_conf() {
    local out="$1" data_dir="$2" first="${3:-}" conf="$ROOT/.odoo/odoo.conf" odoo_addons
    odoo_addons="$(sed -n 's/^addons_path *= *//p' "$conf" | tr ',' '\n' \
        | while read -r dir; do [ -e "$dir/account_payment_followup" ] || echo "$dir"; done \
        | paste -sd, -)"
    [ -n "$odoo_addons" ] || { echo "no Odoo addons folder in $conf" >&2; return 1; }
    {
        echo "[options]"
        echo "addons_path = ${first:+$first,}$odoo_addons"
        echo "data_dir = $data_dir"
        grep -E '^db_(host|port|user|password) *=' "$conf"
    } >"$out"
}

# odoo_log_clean LOG: fail, showing them, on ERROR or CRITICAL lines of an Odoo log.
odoo_log_clean() {
    if grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) " "$1"; then
        echo "$1 has ERROR/CRITICAL lines (above)" >&2
        return 1
    fi
}
