# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class FollowupExclude(models.TransientModel):
    """Exclude invoices from follow-up, with the reason the credit controller
    gives (a dispute, a promise, a commercial gesture…)."""

    _name = "followup.exclude"
    _description = "Exclude Invoices from Follow-up"

    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    reason = fields.Char(required=True, help="Shown on the customer's follow-up tab.")

    def action_confirm(self):
        self.ensure_one()
        self.move_ids.write(
            {"followup_blocked": True, "followup_block_reason": self.reason}
        )
        for move in self.move_ids:
            move.message_post(
                body=self.env._(
                    "Excluded from the payment follow-up: %(reason)s",
                    reason=self.reason,
                )
            )
        return {"type": "ir.actions.act_window_close"}
