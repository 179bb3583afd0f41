# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class FollowupSendItem(models.TransientModel):
    """An open item of a customer in the Send Reminders wizard; untick it to
    leave the invoice out of the reminder (its level does not move)."""

    _name = "followup.send.item"
    _description = "Send Payment Reminders: Invoice"
    _order = "due_date, id"

    line_id = fields.Many2one("followup.send.line", required=True, ondelete="cascade")
    included = fields.Boolean(default=True)
    aml_id = fields.Many2one("account.move.line", string="Journal Item", required=True)
    move_id = fields.Many2one("account.move", string="Document")
    invoice_date = fields.Date(related="move_id.invoice_date")
    due_date = fields.Date()
    currency_id = fields.Many2one(related="line_id.currency_id")
    amount_residual = fields.Monetary(string="Remaining")
    item_currency_id = fields.Many2one("res.currency", string="Item Currency")
    amount_residual_currency = fields.Monetary(
        string="Remaining in Currency", currency_field="item_currency_id"
    )
    next_level_id = fields.Many2one("followup.line", string="Level Due")

    def action_followup_hold(self):
        """Record a promise to pay or a dispute on this invoice: it leaves this
        letter and gets no reminder until the resume date."""
        self.ensure_one()
        return self.env["followup.hold"]._open_form_action(self.move_id, self.ids)
