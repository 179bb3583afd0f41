# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    followup_policy_ids = fields.One2many(
        "followup.policy", "company_id", string="Follow-up Policies"
    )
    followup_responsible_id = fields.Many2one(
        "res.users",
        string="Follow-up Responsible",
        help="Receives the activities of the daily follow-up (letters to print, "
        "customers without e-mail) when neither the level nor the customer names "
        "someone; also signs the reminders the scheduled action sends.",
    )
    followup_legal_notice = fields.Text(
        string="Late Payment Notice",
        translate=True,
        help="Legal mentions printed at the bottom of payment reminders. Leave empty "
        "for the French default (late-payment penalties and the EUR 40 fixed "
        "recovery indemnity of articles L. 441-10 and D. 441-5 of the Code de "
        "commerce).",
    )

    followup_auto_send = fields.Boolean(
        string="Send Reminders Automatically",
        help="Every day, e-mail the reminders of the levels marked “Automatic” "
        "without review. Off after installation: nothing leaves until someone "
        "turns it on.",
    )
    followup_auto_send_user_id = fields.Many2one(
        "res.users",
        string="Automatic Sending Turned On By",
        readonly=True,
        help="Receives the follow-up activities when nobody else is named.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("followup_auto_send"):
                vals["followup_auto_send_user_id"] = self._followup_acting_user_id()
        companies = super().create(vals_list)
        companies._create_default_followup_policy()
        return companies

    def write(self, vals):
        if "followup_auto_send" in vals:
            vals["followup_auto_send_user_id"] = (
                vals["followup_auto_send"] and self._followup_acting_user_id()
            )
        result = super().write(vals)
        if "resource_calendar_id" in vals:
            # working-day levels count on the company's schedule
            self.env["followup.partner.state"]._mark_companies(self)
        return result

    def _followup_acting_user_id(self):
        """The person acting, never OdooBot (nobody reads its activities)."""
        user = self.env.user
        return False if user._is_superuser() else user.id

    def _create_default_followup_policy(self):
        """Give each company without a policy a copy of the module's default one."""
        template = self.env.ref(
            "account_payment_followup.followup_policy_default", raise_if_not_found=False
        )
        if not template:
            return
        policy_model = (
            self.env["followup.policy"].sudo().with_context(active_test=False)
        )
        have_policy = {
            company.id
            for [company] in policy_model._read_group(
                [("company_id", "in", self.ids)], ["company_id"]
            )
        }
        for company in self.filtered(lambda c: c.id not in have_policy):
            template.sudo().copy({"company_id": company.id, "is_default": True})

    def _get_followup_siret(self):
        """The SIRET of a French company: ``l10n_fr``'s field when that module is
        installed (no hard dependency), else the company registry number."""
        self.ensure_one()
        if self.country_id.code != "FR":
            return False
        return ("siret" in self._fields and self.siret) or self.company_registry

    def _get_followup_legal_notice(self):
        """The late-payment notice of the letters, in the context's language: the
        company's own text, else the French legal default for French companies."""
        self.ensure_one()
        if self.followup_legal_notice:
            return self.followup_legal_notice
        if self.country_id.code != "FR":
            return ""
        return self.env._(
            "In case of late payment, in accordance with article L. 441-10 of the "
            "French Commercial Code, late-payment penalties are due by operation of "
            "law, without any reminder being necessary, at the rate applied by the "
            "European Central Bank to its most recent refinancing operation plus 10 "
            "percentage points, together with a fixed indemnity of EUR 40 for "
            "recovery costs (article D. 441-5 of the French Commercial Code). Where "
            "the recovery costs incurred exceed this amount, additional compensation "
            "may be claimed on presentation of supporting documents."
        )
