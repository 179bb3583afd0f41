# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class FollowupLine(models.Model):
    _inherit = "followup.line"

    penalty_statement = fields.Boolean(
        string="Penalties Statement",
        help="Print the statement of the late-payment penalties and recovery "
        "indemnities owed (articles L. 441-10 and D. 441-5 of the Code de "
        "commerce) on the letter of this level, for professional customers. "
        "By default on the formal notice (mise en demeure).",
    )
