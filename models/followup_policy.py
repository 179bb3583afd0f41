# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class FollowupPolicy(models.Model):
    """A follow-up policy: the ordered levels of reminders a company sends.

    Each company has at most one active *default* policy, used for every customer
    that is not assigned another policy of the company.
    """

    _name = "followup.policy"
    _description = "Payment Follow-up Policy"
    _order = "company_id, is_default desc, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    active = fields.Boolean(default=True)
    is_default = fields.Boolean(
        string="Company Default",
        default=True,
        help="Policy applied to every customer of the company that has no policy of "
        "its own. Only one active policy per company can be the default.",
    )
    line_ids = fields.One2many("followup.line", "policy_id", string="Levels", copy=True)
    line_count = fields.Integer(
        string="Number of Levels", compute="_compute_line_count"
    )

    # ------------------------------------------------------------------ COMPUTE
    @api.depends("line_ids")
    def _compute_line_count(self):
        for policy in self:
            policy.line_count = len(policy.line_ids)

    # ------------------------------------------------------------------ CONSTRAINS
    @api.constrains("is_default", "active", "company_id")
    def _check_single_default(self):
        companies = self.filtered(lambda p: p.is_default and p.active).company_id
        if not companies:
            return
        # on the whole company, whatever the user's record rules let them see
        groups = self.sudo()._read_group(
            [
                ("company_id", "in", companies.ids),
                ("is_default", "=", True),
                ("active", "=", True),
            ],
            ["company_id"],
            ["__count"],
        )
        clashing = [company.display_name for company, count in groups if count > 1]
        if clashing:
            raise ValidationError(
                self.env._(
                    "A company can have only one active default follow-up policy "
                    "(%(companies)s). Untick “Company Default” on the other policy "
                    "first.",
                    companies=", ".join(clashing),
                )
            )

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        policies = super().create(vals_list)
        self.env["followup.partner.state"]._mark_companies(policies.company_id)
        return policies

    def write(self, vals):
        if "active" in vals and not vals["active"]:
            self._check_default_kept()
        if vals.get("company_id"):
            # record rules check the record before the write, not where it goes
            self.env["followup.engine"]._check_company_access(
                self.env["res.company"].browse(vals["company_id"])
            )
        state = self.env["followup.partner.state"]
        state._mark_companies(self.sudo().company_id)
        result = super().write(vals)
        state._mark_companies(self.sudo().company_id)
        return result

    def unlink(self):
        self._check_default_kept()
        self.env["followup.partner.state"]._mark_companies(self.sudo().company_id)
        return super().unlink()

    # ------------------------------------------------------------------ BUSINESS
    def _check_default_kept(self):
        """Archiving or deleting the default policy would stop every reminder of
        its company: ask for another default first."""
        for policy in self.filtered(lambda p: p.is_default and p.active):
            others = self.sudo().search_count(
                [
                    ("company_id", "=", policy.company_id.id),
                    ("is_default", "=", True),
                    ("id", "not in", self.ids),
                ]
            )
            if not others:
                raise UserError(
                    self.env._(
                        "“%(policy)s” is the default follow-up policy of "
                        "%(company)s: make another policy the default first.",
                        policy=policy.name,
                        company=policy.company_id.name,
                    )
                )

    @api.model
    def _get_company_default(self, company):
        """The active default policy of ``company`` (empty recordset if none)."""
        return self.search(
            [("company_id", "=", company.id), ("is_default", "=", True)], limit=1
        )
