# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    followup_penalty_account_id = fields.Many2one(
        related="company_id.followup_penalty_account_id", readonly=False
    )
    followup_indemnity_account_id = fields.Many2one(
        related="company_id.followup_indemnity_account_id", readonly=False
    )

    followup_responsible_id = fields.Many2one(
        related="company_id.followup_responsible_id", readonly=False
    )
    followup_legal_notice = fields.Text(
        related="company_id.followup_legal_notice", readonly=False
    )
    followup_penalty_rate_type = fields.Selection(
        related="company_id.followup_penalty_rate_type", readonly=False
    )
    followup_penalty_rate = fields.Float(
        related="company_id.followup_penalty_rate", readonly=False
    )
    followup_legal_interest_rate = fields.Float(
        related="company_id.followup_legal_interest_rate", readonly=False
    )
    followup_auto_send = fields.Boolean(
        related="company_id.followup_auto_send", readonly=False
    )
    followup_next_run = fields.Datetime(
        string="Next Automatic Run", compute="_compute_followup_auto_send_preview"
    )
    followup_auto_count = fields.Integer(
        string="Customers E-mailed Today",
        compute="_compute_followup_auto_send_preview",
        help="Customers the daily run would e-mail if it ran now: a level marked "
        "“Automatic” with “Send an E-mail” is due for them.",
    )
    followup_problems = fields.Html(
        string="Payment Follow-ups to Fix",
        compute="_compute_followup_problems",
        sanitize=False,
        help="What stops or changes the company's payment follow-ups, and how to "
        "fix it.",
    )

    @api.depends("company_id", "followup_auto_send")
    def _compute_followup_auto_send_preview(self):
        cron = self.env.ref(
            "account_payment_followup.followup_send_ir_cron", raise_if_not_found=False
        )
        for settings in self:
            settings.followup_next_run = cron.sudo().nextcall if cron else False
            settings.followup_auto_count = len(
                self.env["followup.daily"]._auto_email_partner_ids(settings.company_id)
            )

    @api.depends("company_id")
    def _compute_followup_problems(self):
        Problem = self.env["followup.config.problem"]
        for settings in self:
            messages = Problem._company_messages(settings.company_id)
            items = Markup().join(Markup("<li>%s</li>") % msg for msg in messages)
            settings.followup_problems = (
                Markup('<ul class="mb-0">%s</ul>') % items if messages else False
            )
