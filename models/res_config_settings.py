# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    followup_legal_notice = fields.Text(
        related="company_id.followup_legal_notice", readonly=False
    )
