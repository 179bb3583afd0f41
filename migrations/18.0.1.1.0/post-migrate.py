# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.1.0.0 → 18.0.1.1.0: reminders become records.

* the customers' latest follow-up date is now stored per company: start it from
  the invoices' latest reminder dates, the only history the previous version had;
* the last level of each policy is not sent unattended ("Automatic" off);
* the default levels are numbered like the letters (Level 1 … Level 4) where
  their names were left as installed;
* e-mail templates of levels are now templates of reminders: the default
  template is loaded again (its file is ``noupdate``) with its English text only,
  so that the module's translations fill the other languages; a level that
  pointed to another kind of template uses the default one again.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import convert_file

RENAMED = {  # old default name -> new, per language
    "en_US": [
        ("Level 0: 15 days net", "Level 1: 15 days net"),
        ("Level 1: 30 days net", "Level 2: 30 days net"),
        ("Level 2: 45 days net", "Level 3: 45 days net"),
        ("Level 3: Litigation", "Level 4: Litigation"),
    ],
    "fr_FR": [
        ("Niveau 0 : 15 jours net", "Niveau 1 : 15 jours net"),
        ("Niveau 1 : 30 jours net", "Niveau 2 : 30 jours net"),
        ("Niveau 2 : 45 jours net", "Niveau 3 : 45 jours net"),
        ("Niveau 3 : Contentieux", "Niveau 4 : Contentieux"),
    ],
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    _latest_followup_dates(env)
    _last_levels_not_automatic(env)
    _rename_default_levels(env)
    _reload_mail_template(env)
    env["followup.line"].with_context(active_test=False).search(
        [
            ("mail_template_id", "!=", False),
            ("mail_template_id.model", "!=", "followup.reminder"),
        ]
    ).mail_template_id = False


def _reload_mail_template(env):
    convert_file(
        env,
        "account_payment_followup",
        "data/mail_template_data.xml",
        {},
        mode="init",
        noupdate=True,
        kind="data",
    )
    template = env.ref("account_payment_followup.followup_mail_template")
    env.flush_all()
    env.cr.execute(
        """
        UPDATE mail_template
           SET subject = jsonb_build_object('en_US', subject->'en_US'),
               body_html = jsonb_build_object('en_US', body_html->'en_US')
         WHERE id = %s
        """,
        [template.id],
    )
    env.invalidate_all()


def _latest_followup_dates(env):
    groups = (
        env["account.move"]
        .with_context(active_test=False)
        ._read_group(
            [
                ("followup_date", "!=", False),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ],
            ["commercial_partner_id", "company_id"],
            ["followup_date:max"],
        )
    )
    for partner, company, date in groups:
        partner.with_company(company).followup_date = date


def _last_levels_not_automatic(env):
    policies = env["followup.policy"].with_context(active_test=False).search([])
    for policy in policies:
        policy.line_ids.sorted(lambda line: (line.delay, line.id))[
            -1:
        ].auto_send = False


def _rename_default_levels(env):
    policies = env["followup.policy"].with_context(active_test=False).search([])
    installed = [code for code, _name in env["res.lang"].get_installed()]
    for code in installed:
        # every French (fr_FR, fr_BE, fr_CA, fr_CH) carries the French names
        names = dict(RENAMED["fr_FR" if code.startswith("fr_") else "en_US"])
        for level in policies.line_ids.with_context(lang=code):
            if level.name in names:
                level.name = names[level.name]
