# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Credit-control side of a peers template, run by bench/peers.sh in ``odoo shell``
after bench/build_book.py, on a database where OCA ``account_credit_control`` is
installed next to this module:

    odoo shell -d DB < bench/peers_setup.py

1. a ``credit.control.policy`` equivalent to the company's default follow-up
   policy: one level per active level of ours, same order and delays, computation
   "Due Date" (net days; "End of Month" for ours of that term; "Working Days" has
   no equivalent and becomes net days), channel e-mail, the module's e-mail
   template (whose report, one PDF summary per e-mail, is the letter), on the
   company's receivable accounts; *Apply max policy level* so that a customer
   gets one e-mail at one level, as with ours. It becomes the company's policy;
2. the administrator in the credit-control manager group (as an admin would do);
3. the reminder history of the book (build_book.py: the level and date each open
   invoice was last reminded at, on ``account.move``) written as credit-control
   lines in state *sent* at the equivalent level and date, so that both modules
   start from the same history: the peer's run then creates lines only for the
   invoices whose next level became due, as ours reports them;
4. ``followup_bench_meta`` gets the peer's policy id, its history size.
"""

import json

from odoo import Command

env = globals()["env"]  # given by odoo shell
cr = env.cr

cr.execute("SELECT value FROM followup_bench_meta WHERE key = 'company_id'")
company = env["res.company"].browse(int(cr.fetchone()[0]))
ours = env["followup.policy"].search(
    [("company_id", "=", company.id), ("is_default", "=", True)], limit=1
)
levels = ours.line_ids.filtered("active").sorted(lambda level: (level.delay, level.id))
template = env.ref("account_credit_control.email_template_credit_control_base")
receivable = env["account.account"].search(
    [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.ids)]
)
MODES = {"net_days": "net_days", "end_of_month": "end_of_month"}


def text(value):
    return (value or "").replace("%(", "(")  # our placeholders are not theirs


policy = env["credit.control.policy"].create(
    {
        "name": f"{ours.name} (bench: levels of account_payment_followup)",
        "company_id": company.id,
        "account_ids": [Command.set(receivable.ids)],
        "apply_max_policy_level": True,
        "level_ids": [
            Command.create(
                {
                    "name": level.name,
                    "level": number,
                    "computation_mode": MODES.get(level.term_type, "net_days"),
                    "delay_days": level.delay,
                    "channel": "email",
                    "email_template_id": template.id,
                    "custom_text": text(level.description) or level.name,
                    "custom_mail_text": text(level.description) or level.name,
                }
            )
            for number, level in enumerate(levels, start=1)
        ],
    }
)
company.credit_policy_id = policy
env.ref("base.user_admin").groups_id = [
    Command.link(
        env.ref("account_credit_control.group_account_credit_control_manager").id
    )
]
env.flush_all()

peer_levels = policy.level_ids.sorted("level")
# the book was just written in bulk: without statistics the join below is planned
# as nested loops over the whole move lines (minutes at 10,000 customers)
cr.execute("ANALYZE account_move, account_move_line, res_partner")
cr.execute(
    """
    INSERT INTO credit_control_line (
        date, date_due, date_entry, date_sent, state, channel, invoice_id,
        partner_id, commercial_partner_id, amount_due, balance_due, move_line_id,
        account_id, currency_id, company_id, policy_level_id, policy_id, level,
        manually_overridden, manual_followup, partner_user_id,
        create_uid, create_date, write_uid, write_date)
    SELECT move.followup_date, aml.date_maturity, aml.date, move.followup_date,
           'sent', 'email', move.id, aml.partner_id, partner.commercial_partner_id,
           aml.debit, aml.amount_residual, aml.id, aml.account_id, aml.currency_id,
           aml.company_id, map.peer_level, %(policy)s, map.level, FALSE, FALSE,
           partner.user_id, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
           now() AT TIME ZONE 'UTC'
      FROM account_move move
      JOIN account_move_line aml ON aml.move_id = move.id
      JOIN res_partner partner ON partner.id = aml.partner_id
      JOIN unnest(%(ours)s::int[], %(theirs)s::int[], %(numbers)s::int[])
           AS map(our_level, peer_level, level) ON map.our_level = move.followup_line_id
     WHERE move.company_id = %(company)s
       AND move.followup_line_id IS NOT NULL
       AND aml.account_id = ANY(%(accounts)s)
       AND aml.debit > 0
       AND NOT aml.reconciled
    """,
    {
        "policy": policy.id,
        "uid": env.uid,
        "ours": levels.ids,
        "theirs": peer_levels.ids,
        "numbers": peer_levels.mapped("level"),
        "company": company.id,
        "accounts": receivable.ids,
    },
)
history = cr.rowcount
meta = {
    "peer_policy_id": policy.id,
    "peer_history_lines": history,
    "peer_levels": json.dumps(
        [[lvl.level, lvl.delay_days, lvl.computation_mode] for lvl in peer_levels]
    ),
}
cr.executemany(
    "INSERT INTO followup_bench_meta (key, value) VALUES (%s, %s) "
    "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
    [(key, str(value)) for key, value in meta.items()],
)
env.cr.commit()
print("PEERS_SETUP", json.dumps(meta))
