# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    blocked = fields.Boolean(
        string="No Follow-up",
        copy=False,
        help="In litigation: this item is left out of payment follow-ups (it still "
        "counts in the amount due).",
    )
