# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class FollowupLine(models.Model):
    """What a level's letter and e-mail carry besides the message and the
    open items: the penalties statement, the invoices' PDFs."""

    _inherit = "followup.line"

    penalty_statement = fields.Boolean(
        string="Penalties Statement",
        help="Print the statement of the late-payment penalties and recovery "
        "indemnities owed (articles L. 441-10 and D. 441-5 of the Code de "
        "commerce) on the letter of this level, for professional customers. "
        "By default on the formal notice (mise en demeure).",
    )
    attach_invoices = fields.Boolean(
        string="Attach the Invoices",
        help="Attach the PDF of each reminded invoice to the e-mail of this "
        "level, next to the letter: the invoice's stored PDF when it has one, "
        "else the invoice printed now.",
    )
