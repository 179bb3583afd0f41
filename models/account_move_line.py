# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools.sql import index_exists


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    blocked = fields.Boolean(
        string="No Follow-up",
        copy=False,
        help="In litigation: this item is left out of payment follow-ups (it still "
        "counts in the amount due).",
    )

    def init(self):
        res = super().init()
        # What the follow-up engine scans: the open items of a company, with the
        # columns it reads, so that the partner list's filters read the index only.
        if not index_exists(self.env.cr, "account_move_line_followup_open_idx"):
            self.env.cr.execute(
                """
                CREATE INDEX account_move_line_followup_open_idx
                    ON account_move_line (company_id, account_id, partner_id)
               INCLUDE (move_id, date, date_maturity, amount_residual,
                        amount_residual_currency, currency_id, blocked)
                 WHERE parent_state = 'posted'
                   AND reconciled IS NOT TRUE
                   AND amount_residual <> 0
                """
            )
        return res
