# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import formatLang


class ResCompany(models.Model):
    _inherit = "res.company"

    followup_penalty_account_id = fields.Many2one(
        "account.account",
        string="Late-Payment Penalties Account",
        check_company=True,
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="Income account of the penalties billed by « Bill the penalties » "
        "(e.g. 7638 in the French chart of accounts).",
    )
    followup_indemnity_account_id = fields.Many2one(
        "account.account",
        string="Recovery Indemnity Account",
        check_company=True,
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="Income account of the EUR 40 fixed indemnities for recovery costs "
        "(e.g. 7588 in the French chart of accounts).",
    )

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

    followup_penalty_rate_type = fields.Selection(
        [
            ("ecb", "ECB refinancing rate + 10 points"),
            ("contract", "Rate of our terms of sale"),
        ],
        string="Late-Payment Penalty Rate",
        default="ecb",
        required=True,
        help="The rate of the late-payment penalties printed in the French notice "
        "of the letters: the legal default (article L. 441-10 of the Code de "
        "commerce), or the rate written in your terms of sale.",
    )
    followup_penalty_rate = fields.Float(
        string="Contractual Penalty Rate (%)",
        digits=(5, 2),
        help="Annual rate of your terms of sale. The law sets a floor: three times "
        "the legal interest rate.",
    )
    followup_legal_interest_rate = fields.Float(
        string="Legal Interest Rate (%)",
        digits=(5, 2),
        help="The « taux de l'intérêt légal » for professional creditors, published "
        "every half-year by order of the Ministry of the Economy (Journal "
        "officiel). Used to check the contractual rate.",
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

    def _get_followup_legal_notice(self, partner=None):
        """The late-payment notice of a letter to ``partner``, in the context's
        language: the company's own text, else the French legal default for
        French companies. The penalties of L. 441-10 and the indemnity of
        D. 441-5 apply between professionals only: a private customer gets no
        notice."""
        self.ensure_one()
        if partner is not None and not partner._followup_is_professional():
            return ""
        if self.followup_legal_notice:
            return self.followup_legal_notice
        if self.country_id.code != "FR":
            return ""
        if self.followup_penalty_rate_type == "contract":
            rate = self.env._(
                "at the rate of %(rate)s %% a year set by our terms of sale",
                rate=formatLang(self.env, self.followup_penalty_rate, digits=2),
            )
        else:
            rate = self.env._(
                "at the rate applied by the European Central Bank to its most "
                "recent refinancing operation plus 10 percentage points"
            )
        return self.env._(
            "In case of late payment, in accordance with article L. 441-10 of the "
            "French Commercial Code, late-payment penalties are due by operation of "
            "law from the day after the due date, without any reminder being "
            "necessary, %(rate)s, together with a fixed indemnity of EUR 40 for "
            "recovery costs (article D. 441-5 of the French Commercial Code). Where "
            "the recovery costs incurred exceed this amount, additional compensation "
            "may be claimed on presentation of supporting documents.",
            rate=rate,
        )

    @api.constrains(
        "followup_penalty_rate_type",
        "followup_penalty_rate",
        "followup_legal_interest_rate",
    )
    def _check_followup_penalty_rate(self):
        """A contractual rate may not be lower than three times the legal
        interest rate (article L. 441-10 of the Code de commerce)."""
        for company in self.filtered(
            lambda comp: comp.followup_penalty_rate_type == "contract"
        ):
            legal = company.followup_legal_interest_rate
            rate = company.followup_penalty_rate
            if legal <= 0:
                raise ValidationError(
                    self.env._(
                        "Enter the legal interest rate in force to use the rate of "
                        "your terms of sale: the contractual rate may not be lower "
                        "than three times it."
                    )
                )
            if rate < 3 * legal:
                raise ValidationError(
                    self.env._(
                        "The late-payment penalty rate of %(company)s (%(rate)s %%) "
                        "is below three times the legal interest rate (3 × "
                        "%(legal)s %% = %(floor)s %%): article L. 441-10 of the "
                        "Code de commerce forbids it.",
                        company=company.name,
                        rate=formatLang(
                            self.env, company.followup_penalty_rate, digits=2
                        ),
                        legal=formatLang(self.env, legal, digits=2),
                        floor=formatLang(self.env, 3 * legal, digits=2),
                    )
                )
