# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools.sql import index_exists

# what the follow-up engine reads on a journal item
FOLLOWUP_FIELDS = frozenset(
    {
        "account_id",
        "amount_residual",
        "blocked",
        "company_id",
        "date",
        "date_maturity",
        "move_id",
        "parent_state",
        "partner_id",
        "reconciled",
    }
)
# the fields that move an item to another customer or company
FOLLOWUP_OWNER_FIELDS = frozenset({"account_id", "company_id", "partner_id"})


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    blocked = fields.Boolean(
        string="No Follow-up",
        copy=False,
        help="This item is left out of payment follow-ups (it still counts in the "
        "amount due).",
    )

    # ------------------------------------------------------------------ events
    # Every database update of what the engine reads marks its customer: the
    # stored follow-up state (followup.partner.state) is computed again.
    @api.model
    def _create(self, data_list):
        records = super()._create(data_list)
        self.env["followup.partner.state"]._mark_move_lines(
            records.ids, posted_only=True
        )
        return records

    def _write_multi(self, vals_list):
        changed = set().union(*vals_list) if vals_list else set()
        state = self.env["followup.partner.state"]
        if changed & FOLLOWUP_OWNER_FIELDS:
            state._mark_move_lines(self.ids)  # where the items were
        # the framework's low-level write returns nothing; passed on as is
        result = super()._write_multi(vals_list)  # pylint: disable=assignment-from-none
        if changed & FOLLOWUP_FIELDS:
            state._mark_move_lines(self.ids)
        return result

    def unlink(self):
        self.env["followup.partner.state"]._mark_move_lines(self.ids, posted_only=True)
        return super().unlink()

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
