# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

FOLLOWUP_STATUS = [
    ("action", "Needs action"),
    ("overdue", "Overdue"),
    ("ok", "Up to date"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    followup_policy_id = fields.Many2one(
        "followup.policy",
        string="Follow-up Policy",
        company_dependent=True,
        domain="[('company_id', '=', current_company_id)]",
        help="Leave empty to use the company's default follow-up policy.",
    )
    followup_responsible_id = fields.Many2one(
        "res.users",
        string="Follow-up Responsible",
        company_dependent=True,
        help="User in charge of reminding this customer; receives the activities the "
        "follow-up plans.",
    )
    followup_line_id = fields.Many2one(
        "followup.line",
        string="Follow-up Level",
        compute="_compute_followup_state",
        inverse="_inverse_followup_line_id",
        search="_search_followup_line_id",
        help="Highest level already sent among the customer's open invoices. Change "
        "it to set the level of all of them back (or forward).",
    )
    followup_date = fields.Date(
        string="Latest Follow-up",
        compute="_compute_followup_state",
        help="Date of the latest reminder about an open invoice.",
    )
    followup_next_line_id = fields.Many2one(
        "followup.line",
        string="Level Due",
        compute="_compute_followup_state",
        search="_search_followup_next_line_id",
        help="Level of the reminder due on the follow-up date.",
    )
    followup_next_date = fields.Date(
        string="Next Reminder",
        compute="_compute_followup_state",
        help="First date a reminder is (or becomes) due.",
    )
    followup_amount_due = fields.Monetary(
        string="Amount Due",
        compute="_compute_followup_state",
        currency_field="followup_currency_id",
    )
    followup_amount_overdue = fields.Monetary(
        string="Amount Overdue",
        compute="_compute_followup_state",
        search="_search_followup_amount_overdue",
        currency_field="followup_currency_id",
    )
    followup_currency_id = fields.Many2one(
        "res.currency", compute="_compute_followup_currency_id"
    )
    followup_open_count = fields.Integer(
        string="Unpaid Invoices", compute="_compute_followup_state"
    )
    followup_last_move_date = fields.Date(
        string="Last Movement",
        compute="_compute_followup_state",
        help="Date of the customer's last receivable entry (invoice, refund, payment).",
    )
    followup_status = fields.Selection(
        FOLLOWUP_STATUS,
        string="Follow-up Status",
        compute="_compute_followup_state",
        search="_search_followup_status",
    )

    # ------------------------------------------------------------------ COMPUTE
    @api.depends_context("company", "followup_date")
    def _compute_followup_currency_id(self):
        self.followup_currency_id = self.env.company.currency_id

    @api.depends_context("company", "followup_date")
    def _compute_followup_state(self):
        engine = self.env["followup.engine"]
        company = self.env.company
        commercial = self.commercial_partner_id
        real = commercial.filtered("id")
        states = engine._get_partner_states(company, engine._get_date(), real.ids)
        last_moves = engine._get_last_move_dates(company, real.ids)
        Line = self.env["followup.line"]
        for partner in self:
            partner_id = partner.commercial_partner_id.id
            state = states.get(partner_id, {})
            partner.followup_line_id = Line.browse(state.get("max_line"))
            partner.followup_date = state.get("followup_date")
            partner.followup_next_line_id = Line.browse(state.get("next_line_due"))
            partner.followup_next_date = state.get("next_date")
            partner.followup_amount_due = state.get("amount_due", 0.0)
            partner.followup_amount_overdue = state.get("amount_overdue", 0.0)
            partner.followup_open_count = state.get("open_count", 0)
            partner.followup_last_move_date = last_moves.get(partner_id)
            partner.followup_status = state.get("status", "ok")

    def _inverse_followup_line_id(self):
        """Set the level of every open, non-litigious invoice of the customer."""
        engine = self.env["followup.engine"]
        company = self.env.company
        for partner in self:
            level = partner.followup_line_id
            items = engine._get_items(
                company, engine._get_date(), partner.commercial_partner_id.ids
            )
            moves = self.env["account.move"].browse(
                {item["move_id"] for item in items if item["amount_residual"] > 0 and not item["blocked"]}
            )
            moves.followup_line_id = level
            partner.commercial_partner_id.message_post(
                body=self.env._(
                    "Follow-up level set by hand to %(level)s on %(count)s open invoices.",
                    level=level.name or self.env._("none"),
                    count=len(moves),
                )
            )

    def _search_state(self, having):
        engine = self.env["followup.engine"]
        ids = engine._search_partner_ids(self.env.company, engine._get_date(), having)
        return [("commercial_partner_id", "in", ids)]

    def _search_followup_status(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Unsupported search on the follow-up status."))
        values = {value} if isinstance(value, str) else set(value or [])
        if operator in ("!=", "not in"):
            values = {key for key, _label in FOLLOWUP_STATUS} - values
        if "ok" in values:
            # "up to date" includes customers without any open item
            excluded = {key for key, _label in FOLLOWUP_STATUS} - values
            if not excluded:
                return []
            domain = self._search_followup_status("in", list(excluded))
            return ["!", *domain]
        conditions = []
        if "action" in values:
            conditions.append(SQL("due_count > 0"))
        if "overdue" in values:
            conditions.append(SQL("(due_count = 0 AND amount_overdue > 0)"))
        if not conditions:
            return [("id", "=", False)]
        return self._search_state(SQL(" OR ").join(conditions))

    def _search_followup_next_line_id(self, operator, value):
        return self._search_level("next_line_due", operator, value)

    def _search_followup_line_id(self, operator, value):
        return self._search_level("max_line", operator, value)

    def _search_level(self, column, operator, value):
        if operator in ("=", "!=") and not value:
            # set / not set
            domain = self._search_state(SQL("%s IS NOT NULL", SQL.identifier(column)))
            return domain if operator == "!=" else ["!", *domain]
        if operator in ("ilike", "not ilike", "like", "=like", "=ilike"):
            ids = self.env["followup.line"]._search([("name", operator, value)])
            operator = "in"
        else:
            ids = value
        if operator not in ("=", "in", "!=", "not in"):
            raise UserError(self.env._("Unsupported search on the follow-up level."))
        ids = [ids] if isinstance(ids, int) else list(ids)
        domain = self._search_state(SQL("%s = ANY(%s)", SQL.identifier(column), ids or [0]))
        return domain if operator in ("=", "in") else ["!", *domain]

    def _search_followup_amount_overdue(self, operator, value):
        operators = {">": ">", ">=": ">=", "<": "<", "<=": "<=", "=": "=", "!=": "!="}
        if operator not in operators:
            raise UserError(self.env._("Unsupported search on the overdue amount."))
        return self._search_state(
            SQL("amount_overdue %s %s", SQL(operators[operator]), value or 0.0)
        )
