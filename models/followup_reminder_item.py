# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class FollowupReminderItem(models.Model):
    """An open item listed on a reminder, as it was on the reminder's date.

    ``level_id`` is the level the invoice moves to when the reminder is done
    (empty for items only listed: credits, items not yet due for a new level);
    ``previous_line_id`` / ``previous_date`` are what an undo restores.
    """

    _name = "followup.reminder.item"
    _description = "Payment Reminder Item"
    _order = "reminder_id, due_date, id"

    reminder_id = fields.Many2one(
        "followup.reminder", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="reminder_id.company_id", store=True)
    aml_id = fields.Many2one(
        "account.move.line", string="Journal Item", ondelete="set null"
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, index=True, ondelete="cascade"
    )
    name = fields.Char(string="Document")
    invoice_date = fields.Date()
    due_date = fields.Date()
    company_currency_id = fields.Many2one(
        related="reminder_id.currency_id", string="Company Currency"
    )
    amount_residual = fields.Monetary(
        string="Remaining", currency_field="company_currency_id"
    )
    currency_id = fields.Many2one("res.currency", string="Currency")
    amount_currency = fields.Monetary(string="Amount", currency_field="currency_id")
    amount_residual_currency = fields.Monetary(
        string="Remaining in Currency", currency_field="currency_id"
    )
    level_id = fields.Many2one("followup.line", string="New Level", ondelete="restrict")
    previous_line_id = fields.Many2one(
        "followup.line", string="Previous Level", ondelete="set null"
    )
    previous_date = fields.Date(string="Previous Follow-up")
