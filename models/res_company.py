# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    followup_policy_ids = fields.One2many(
        "followup.policy", "company_id", string="Follow-up Policies"
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._create_default_followup_policy()
        return companies

    def _create_default_followup_policy(self):
        """Give each company without a policy a copy of the module's default one."""
        template = self.env.ref(
            "account_payment_followup.followup_policy_default", raise_if_not_found=False
        )
        if not template:
            return
        policy_model = self.env["followup.policy"].sudo().with_context(active_test=False)
        have_policy = {
            company.id
            for [company] in policy_model._read_group(
                [("company_id", "in", self.ids)], ["company_id"]
            )
        }
        for company in self.filtered(lambda c: c.id not in have_policy):
            template.sudo().copy({"company_id": company.id, "is_default": True})
