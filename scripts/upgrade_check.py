# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The upgrade test's Python (``make test-upgrade``, scripts/test_upgrade.sh).

    python scripts/upgrade_check.py previous
        prints "<commit> <version>" of the previous release: the version the
        manifest had before its current one (git log -G'"version"'), at its tag
        18.0.x.y.z when there is one, else the last commit with it; with no
        history, the highest tag below the manifest's version.
    python scripts/upgrade_check.py setup CONFIG DATABASE SNAPSHOT
        with the previous release's code (CONFIG's addons path): a follow-up
        book made through its public paths (company settings, a second policy,
        customers with overdue posted invoices, a partial payment, reminders
        printed, e-mailed, left in draft, undone, a level set by hand on a
        customer and one on an invoice), then what must survive the update
        written to SNAPSHOT (JSON).
    python scripts/upgrade_check.py check CONFIG DATABASE SNAPSHOT
        with the current code, after ``-u``: the same records read again must
        equal SNAPSHOT, and the current version's invariants hold (stored
        follow-up state exact, registered letter on the last level with a
        manual action, litigation status, company defaults).

Only fields that both versions have are compared. ``setup`` speaks the
previous release's API (Send Reminders' actions, the level set on a customer):
when a release changes it, the next release's test adapts ``setup``. Exits 1,
listing every difference, on any.
"""

import ast
import json
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

ADDON = "account_payment_followup"
ROOT = Path(__file__).resolve().parents[1]
VERSION_RE = re.compile(r"^18\.0\.\d+\.\d+\.\d+$")
CUSTOMERS = {  # key: (name, e-mail, [(days overdue, amount)])
    "letter": ("Upgrade Letter SARL", False, [(40, 1200.0), (20, 300.0)]),
    "email": ("Upgrade E-mail SAS", "ap@upgrade-email.example", [(70, 800.0)]),
    "draft": ("Upgrade Draft SA", False, [(35, 450.0), (18, 150.0)]),
    "undone": ("Upgrade Undone EURL", False, [(50, 640.0)]),
    "manual": ("Upgrade Litigation SCI", False, [(90, 2000.0), (65, 500.0)]),
    "strict": ("Upgrade Strict SNC", False, [(25, 700.0), (12, 90.0)]),
}


# ---------------------------------------------------------------------- git
def _git(*args):
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, check=True, text=True
    ).stdout


def _version_key(version):
    return tuple(int(part) for part in version.split("."))


def _manifest_version(text):
    return ast.literal_eval(text)["version"]


def _version_before(current):
    """(commit, version) from the history: the parent of the newest commit that
    raised the manifest's version from below ``current`` (HEAD itself when the
    raise is not committed yet); None without one."""
    head = _manifest_version(_git("show", "HEAD:__manifest__.py"))
    if _version_key(head) < _version_key(current):
        return _git("rev-parse", "HEAD").strip(), head
    for commit in _git(
        "log", "--format=%H", "-G", '"version"', "--", "__manifest__.py"
    ).split():
        try:
            parent = _manifest_version(_git("show", f"{commit}^:__manifest__.py"))
        except subprocess.CalledProcessError:
            continue  # the first commit, or no manifest before it
        if _version_key(parent) < _version_key(current):
            return _git("rev-parse", f"{commit}^").strip(), parent
    return None


def previous_release():
    """(commit, version) of the release before the manifest's version: the
    version the history had before it, at its tag when there is one (else the
    commit before the raise); with no history (a shallow clone), the highest
    tag 18.0.x.y.z below it."""
    current = _manifest_version((ROOT / "__manifest__.py").read_text("utf-8"))
    tags = [
        tag
        for tag in _git("tag", "--list", "18.0.*").split()
        if VERSION_RE.match(tag) and _version_key(tag) < _version_key(current)
    ]
    found = _version_before(current)
    if found and found[1] not in tags:
        return found
    if found or tags:
        tag = found[1] if found else max(tags, key=_version_key)
        tagged = _manifest_version(_git("show", f"{tag}:__manifest__.py"))
        if tagged != tag:
            raise SystemExit(f"the tag {tag} is on a commit of version {tagged}")
        return _git("rev-list", "-n", "1", tag).strip(), tag
    raise SystemExit(
        f"no previous release of {current}: no commit raised the manifest's "
        "version to it and no tag 18.0.x.y.z is below it (a shallow clone?)"
    )


# ---------------------------------------------------------------------- odoo
def _environment(config, database):
    """(registry, superuser-mode environment factory) for DATABASE."""
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", config, "-d", database, "--log-level=warn"])
    return Registry(database)


def _as_admin(env, **context):
    """The administrator, in superuser mode, quiet: documents get a real user
    (OdooBot is refused as the one who turned automatic sending on)."""
    admin = env.ref("base.user_admin")
    return env(
        user=admin.id,
        su=True,
        context={
            "lang": "en_US",
            "tz": "UTC",
            "tracking_disable": True,
            "mail_create_nolog": True,
            "mail_notrack": True,
            "no_reset_password": True,
            **context,
        },
    )


def _invoice(env, partner, today, days_overdue, amount):
    from odoo import Command

    move = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": today - timedelta(days=days_overdue + 30),
            "invoice_date_due": today - timedelta(days=days_overdue),
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Services",
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
    )
    move.action_post()
    return move


def _wizard(env, company, partner):
    return env["followup.send"].create(
        {"company_id": company.id, "partner_ids": [(6, 0, partner.ids)]}
    )


def setup(env):
    """The book of the previous release; returns the ids the snapshot covers."""
    from odoo import Command, fields

    env = _as_admin(env)
    company = env.company
    today = fields.Date.context_today(env.user)
    if not company.chart_template:
        env["account.chart.template"].try_loading(
            "generic_coa", company, install_demo=False
        )
    # letters rendered without asking a web server for their CSS
    env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:1")
    company.write(
        {
            "email": "billing@upgrade-company.example",
            "followup_responsible_id": env.user.id,
            "followup_legal_notice": "Penalties at three times the legal rate.",
            "followup_auto_send": True,
        }
    )
    strict = env["followup.policy"].create(
        {
            "name": "Strict follow-up",
            "company_id": company.id,
            "is_default": False,
            "line_ids": [
                Command.create(
                    {
                        "name": "Strict 1: 10 days",
                        "delay": 10,
                        "description": "Dear %(partner_name)s, please pay.",
                    }
                ),
                Command.create(
                    {
                        "name": "Strict 2: 20 days",
                        "delay": 20,
                        "send_email": False,
                        "description": "Dear %(partner_name)s, pay now.",
                    }
                ),
            ],
        }
    )
    partners, moves = {}, env["account.move"]
    for key, (name, email, invoices) in CUSTOMERS.items():
        partner = env["res.partner"].create(
            {"name": name, "is_company": True, "email": email}
        )
        partners[key] = partner
        for days, amount in invoices:
            moves |= _invoice(env, partner, today, days, amount)
    partners["strict"].followup_policy_id = strict
    # a partial payment (the invoice stays in the follow-up)
    partial = moves.filtered(lambda m: m.partner_id == partners["manual"])[:1]
    env["account.payment.register"].with_context(
        active_model="account.move", active_ids=partial.ids
    ).create({"amount": 250.0, "payment_date": today})._create_payments()

    # reminders through Send Reminders: printed and confirmed, e-mailed, printed
    # but not confirmed (draft), printed, confirmed then undone (cancelled)
    wizard = _wizard(env, company, partners["letter"])
    wizard.action_print()
    wizard.action_confirm()
    emailing = _wizard(env, company, partners["email"])
    emailing.action_send_email()
    if emailing.state == "email":
        # from 18.0.1.3.0 on, "Send by E-mail" shows the e-mail settings first
        emailing.action_confirm()
    _wizard(env, company, partners["draft"]).action_print()
    wizard = _wizard(env, company, partners["undone"])
    wizard.action_print()
    wizard.action_confirm()
    wizard.reminder_ids.action_cancel()
    # levels set by hand: the last default level (a manual action) on a
    # customer, the first strict level on one invoice
    default = env["followup.policy"].search(
        [("company_id", "=", company.id), ("is_default", "=", True)]
    )
    partners["manual"].followup_line_id = default.line_ids.sorted("delay")[-1]
    by_hand = moves.filtered(lambda m: m.partner_id == partners["strict"])[:1]
    by_hand.write(
        {
            "followup_line_id": strict.line_ids.sorted("delay")[0].id,
            "followup_date": today - timedelta(days=3),
        }
    )
    env.flush_all()
    return {
        "company": company.id,
        "partners": {key: partner.id for key, partner in partners.items()},
        "moves": moves.ids,
    }


def _value(value):
    """A field's value as JSON: ids for records, ISO dates, rounded floats."""
    if hasattr(value, "_name"):
        return value.ids
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 2)
    return value


def _read(records, names):
    return {
        str(record.id): {name: _value(record[name]) for name in names}
        for record in records
    }


def snapshot(env, ids):
    """What must survive the update, read with fields both versions have."""
    env = _as_admin(env, active_test=False)
    company = env["res.company"].browse(ids["company"])
    env = env(context=dict(env.context, allowed_company_ids=company.ids))
    partners = env["res.partner"].browse(sorted(ids["partners"].values()))
    moves = env["account.move"].browse(ids["moves"])
    policies = env["followup.policy"].search([("company_id", "=", company.id)])
    reminders = env["followup.reminder"].search([("partner_id", "in", partners.ids)])
    return {
        "company": _read(
            company,
            [
                "email",
                "followup_responsible_id",
                "followup_legal_notice",
                "followup_auto_send",
                "followup_auto_send_user_id",
                "followup_policy_ids",
            ],
        ),
        "policies": _read(policies, ["name", "active", "is_default", "line_ids"]),
        "levels": _read(
            policies.line_ids,
            [
                "policy_id",
                "name",
                "active",
                "delay",
                "term_type",
                "description",
                "send_email",
                "send_letter",
                "auto_send",
                "mail_template_id",
                "manual_action",
                "manual_action_note",
                "manual_action_responsible_id",
            ],
        ),
        "partners": _read(
            partners.with_company(company),
            [
                "name",
                "followup_policy_id",
                "followup_responsible_id",
                "followup_date",
                "followup_line_id",
                "followup_next_line_id",
                "followup_next_date",
                "followup_amount_due",
                "followup_amount_overdue",
                "followup_open_count",
                "followup_status",
            ],
        ),
        "invoices": _read(
            moves,
            [
                "name",
                "partner_id",
                "state",
                "payment_state",
                "amount_residual",
                "invoice_date_due",
                "followup_line_id",
                "followup_date",
                "followup_blocked",
            ],
        ),
        "reminders": _read(
            reminders,
            [
                "name",
                "partner_id",
                "date",
                "followup_line_id",
                "user_id",
                "channel",
                "state",
                "message",
                "amount_due",
                "amount_overdue",
                "attachment_id",
                "email_to",
                "mail_message_id",
                "mail_state",
                "manual_activity_id",
            ],
        ),
        "reminder_items": _read(
            reminders.item_ids,
            [
                "reminder_id",
                "move_id",
                "amount_residual",
                "level_id",
                "previous_line_id",
                "previous_date",
            ],
        ),
        "letters": {
            str(attachment.id): attachment.checksum
            for attachment in reminders.attachment_id
        },
        "activities": _read(
            reminders.manual_activity_id,
            ["res_model", "res_id", "summary", "user_id", "date_deadline"],
        ),
    }


def _differences(before, after, path=""):
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in sorted(set(before) | set(after)):
            if key not in after:
                found.append(f"{path}/{key}: lost ({before[key]!r})")
            elif key not in before:
                found.append(f"{path}/{key}: new ({after[key]!r})")
            else:
                found += _differences(before[key], after[key], f"{path}/{key}")
        return found
    return [] if before == after else [f"{path}: {before!r} -> {after!r}"]


def invariants(env, ids):
    """The current version's promises on an updated database."""
    env = _as_admin(env, active_test=False)
    company = env["res.company"].browse(ids["company"])
    problems = []
    version = _manifest_version((ROOT / "__manifest__.py").read_text("utf-8"))
    module = env["ir.module.module"].search([("name", "=", ADDON)])
    if (module.state, module.latest_version) != ("installed", version):
        problems.append(f"module {module.state} {module.latest_version}, not {version}")
    # the last level of each policy, when it plans a manual action, is a
    # registered letter (migrations/18.0.1.2.0); no other level is
    for policy in env["followup.policy"].search([]):
        last = policy.line_ids.sorted("delay")[-1:]
        for level in policy.line_ids:
            expected = level == last and level.manual_action
            if level.registered_mail != expected:
                problems.append(f"level {level.name}: registered_mail not {expected}")
    # the stored follow-up state: a row per customer with open items, exact
    State = env["followup.partner.state"]
    partner_ids = sorted(ids["partners"].values())
    rows = State.search([("company_id", "=", company.id)])
    missing = set(partner_ids) - set(rows.partner_id.ids)
    if missing:
        problems.append(f"no stored follow-up state for customers {sorted(missing)}")
    problems += [f"stored state: {diff}" for diff in State._check(company)]
    # litigation: unpaid invoices at the last active level of their policy
    for move in env["account.move"].browse(ids["moves"]):
        level = move.followup_line_id
        expected = bool(
            level
            and move.payment_state in ("not_paid", "partial")
            and not level.policy_id.line_ids.filtered(
                lambda other, level=level: other.active and other.delay > level.delay
            )
        )
        if move.followup_litigation != expected:
            problems.append(f"invoice {move.name}: followup_litigation not {expected}")
    if not any(env["account.move"].browse(ids["moves"]).mapped("followup_litigation")):
        problems.append("no invoice in litigation: the book does not test it")
    # the formal notice (the registered letter) prints the penalties statement
    # (migrations/18.0.1.3.0)
    for level in env["followup.line"].search([("registered_mail", "=", True)]):
        if not level.penalty_statement:
            problems.append(f"level {level.name}: no penalties statement")
    # every level has a colour (18.0.1.3.0: computed by the update, by rank)
    colourless = env["followup.line"].search([("color", "=", 0)])
    if colourless:
        problems.append(f"levels without a colour: {colourless.mapped('name')}")
    if company.followup_penalty_rate_type != "ecb":
        problems.append(f"penalty rate type {company.followup_penalty_rate_type}")
    return problems, len(rows)


def main(argv):
    if argv == ["previous"]:
        print(*previous_release())
        return 0
    if len(argv) != 4 or argv[0] not in ("setup", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    from odoo import SUPERUSER_ID, api

    step, config, database, path = argv
    registry = _environment(config, database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if step == "setup":
            ids = setup(env)
            data = {"ids": ids, "snapshot": snapshot(env, ids)}
            Path(path).write_text(json.dumps(data, indent=1, sort_keys=True))
            counts = {key: len(value) for key, value in data["snapshot"].items()}
            print(f"[upgrade] previous release's book: {counts}")
            return 0
        data = json.loads(Path(path).read_text())
        after = json.loads(json.dumps(snapshot(env, data["ids"]), sort_keys=True))
        problems = _differences(data["snapshot"], after)
        more, states = invariants(env, data["ids"])
        problems += more
        cr.rollback()
    for problem in problems:
        print(f"[upgrade] FAILED: {problem}", file=sys.stderr)
    if not problems:
        counts = {key: len(value) for key, value in after.items()}
        print(
            f"[upgrade] unchanged after the update: {counts}; {states} stored "
            "follow-up states exact; registered letter, litigation and company "
            "defaults as the current version sets them"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
