# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    followup_responsible_id = fields.Many2one(
        related="company_id.followup_responsible_id", readonly=False
    )
    followup_legal_notice = fields.Text(
        related="company_id.followup_legal_notice", readonly=False
    )
