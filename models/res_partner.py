# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

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
    followup_line_color = fields.Integer(related="followup_line_id.color")
    followup_date = fields.Date(
        string="Latest Follow-up",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="Date of the latest reminder sent to the customer (it stays after "
        "the customer has paid).",
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
        compute="_compute_followup_last_move_date",
        help="Date of the customer's last receivable entry (invoice, refund, payment).",
    )
    followup_reminder_ids = fields.One2many(
        "followup.reminder", "partner_id", string="Payment Reminders"
    )
    followup_reminder_count = fields.Integer(
        string="Reminders",
        compute="_compute_followup_reminder_count",
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    followup_item_ids = fields.Many2many(
        "account.move",
        string="Open Invoices",
        compute="_compute_followup_item_ids",
        help="The customer's unpaid invoices and credit notes in this company, "
        "with their follow-up level and exclusion.",
    )
    followup_hold_ids = fields.One2many(
        "followup.hold",
        "partner_id",
        string="Promises and Disputes",
        help="Promises to pay and disputes recorded on the customer's invoices.",
    )
    followup_summary = fields.Char(
        string="Follow-up Story",
        compute="_compute_followup_summary",
        help="The level reached, the level due and the next date, in one " "sentence.",
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
        Line = self.env["followup.line"]
        for partner in self:
            partner_id = partner.commercial_partner_id.id
            state = states.get(partner_id, {})
            partner.followup_line_id = Line.browse(state.get("max_line"))
            partner.followup_next_line_id = Line.browse(state.get("next_line_due"))
            partner.followup_next_date = state.get("next_date")
            partner.followup_amount_due = state.get("amount_due", 0.0)
            partner.followup_amount_overdue = state.get("amount_overdue", 0.0)
            partner.followup_open_count = state.get("open_count", 0)
            partner.followup_status = state.get("status", "ok")

    @api.depends_context("company")
    def _compute_followup_item_ids(self):
        """One search for all the customers."""
        commercial = self.commercial_partner_id.filtered("id")
        moves = self.env["account.move"].search(
            [
                ("commercial_partner_id", "in", commercial.ids),
                ("company_id", "=", self.env.company.id),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ],
            order="invoice_date_due, id",
        )
        by_partner = defaultdict(list)
        for move in moves:
            by_partner[move.commercial_partner_id.id].append(move.id)
        for partner in self:
            partner.followup_item_ids = [
                Command.set(by_partner.get(partner.commercial_partner_id.id, []))
            ]

    @api.depends_context("company", "followup_date")
    def _compute_followup_summary(self):
        today = self.env["followup.engine"]._get_date()
        for partner in self:
            partner.followup_summary = partner._followup_story(today)

    @api.depends_context("company")
    def _compute_followup_last_move_date(self):
        real = self.commercial_partner_id.filtered("id")
        last_moves = self.env["followup.engine"]._get_last_move_dates(
            self.env.company, real.ids
        )
        for partner in self:
            partner.followup_last_move_date = last_moves.get(
                partner.commercial_partner_id.id
            )

    @api.depends_context("company")
    def _compute_followup_reminder_count(self):
        groups = self.env["followup.reminder"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.followup_reminder_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    def _inverse_followup_line_id(self):
        """Set the level of every open, non-litigious invoice of the customers
        (see ``followup.batch._set_levels_by_hand``)."""
        self.env["followup.batch"]._set_levels_by_hand(
            {
                partner.commercial_partner_id: partner.followup_line_id
                for partner in self
            }
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
        engine = self.env["followup.engine"]
        state = self.env["followup.partner.state"]
        date = engine._get_date()
        if state._is_stored_date(date):
            # today and later: an index lookup on the stored state
            subquery = state._status_sql(self.env.company, date, values)
            return [("commercial_partner_id", "in", subquery)]
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
        ids = [ids] if isinstance(ids, int) else list(ids or [])
        if not all(isinstance(level_id, int) for level_id in ids):
            raise UserError(
                self.env._(
                    "Search the follow-up level by its name or by its id (got "
                    "%(value)s).",
                    value=value,
                )
            )
        domain = self._search_state(
            SQL("%s = ANY(%s)", SQL.identifier(column), ids or [0])
        )
        return domain if operator in ("=", "in") else ["!", *domain]

    def _search_followup_amount_overdue(self, operator, value):
        operators = {">": ">", ">=": ">=", "<": "<", "<=": "<=", "=": "=", "!=": "!="}
        if operator not in operators:
            raise UserError(self.env._("Unsupported search on the overdue amount."))
        try:
            amount = float(value or 0.0)
        except (TypeError, ValueError):
            raise UserError(
                self.env._(
                    "Search the overdue amount with a number (got %(value)s).",
                    value=value,
                )
            ) from None
        return self._search_state(
            SQL("amount_overdue %s %s", SQL(operators[operator]), amount)
        )

    # ------------------------------------------------------------------ EVENTS
    def _write_multi(self, vals_list):
        """A customer who changes policy or commercial entity moves the stored
        follow-up state (of the former commercial entity too)."""
        changed = set().union(*vals_list) if vals_list else set()
        moved = changed & {"commercial_partner_id", "followup_policy_id"}
        state = self.env["followup.partner.state"]
        if moved:
            state._mark_partners(self.ids)
        # the framework's low-level write returns nothing; passed on as is
        result = super()._write_multi(vals_list)  # pylint: disable=assignment-from-none
        if moved:
            state._mark_partners(self.ids)
        return result

    # ------------------------------------------------------------------ ACTIONS
    def action_open_followup_send(self):
        """Open Send Reminders for the selected customers."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_payment_followup.followup_send_action"
        )
        action["context"] = {
            "dialog_size": "extra-large",
            "active_model": "res.partner",
            "active_ids": self.commercial_partner_id.ids,
        }
        return action

    def action_followup_bill_penalties(self):
        """Bill the late-payment penalties and recovery indemnities this customer
        owes today in the current company: a draft customer invoice (see
        ``followup.penalty._bill``). Undo is the invoice's cancel."""
        self.ensure_one()
        move = self.env["followup.penalty"]._bill(
            self.commercial_partner_id,
            self.env.company,
            fields.Date.context_today(self),
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": move.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_open_followup_reminders(self):
        """The reminders sent to this customer."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_payment_followup.followup_reminder_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action

    # ------------------------------------------------------------------ CRON
    @api.model
    def _cron_send_followup_reminders(self, batch_size=100, housekeeping=True):
        """Daily scheduled action: see ``followup.daily._run_daily``; the extra
        workers' (``housekeeping=False``) only share the reminders."""
        self.env["followup.daily"]._run_daily(
            batch_size=batch_size, housekeeping=housekeeping
        )

    # ------------------------------------------------------------------ HELPERS
    def _followup_story(self, today):
        """The level reached, the level due and the next date as one story: a
        past date next to a higher level reached says why."""
        self.ensure_one()
        _ = self.env._
        reached, due = self.followup_line_id, self.followup_next_line_id
        parts = []
        if reached and self.followup_date:
            parts.append(
                _(
                    "Last reminder: %(level)s, on %(date)s.",
                    level=reached.name,
                    date=format_date(self.env, self.followup_date),
                )
            )
        elif reached:
            parts.append(_("Level reached: %(level)s.", level=reached.name))
        if due:
            parts.append(
                _(
                    "%(level)s is due since %(date)s: send it from Send Reminders.",
                    level=due.name,
                    date=format_date(self.env, self.followup_next_date or today),
                )
            )
            if reached and due.delay < reached.delay:
                parts.append(
                    _(
                        "It concerns newer invoices: the letter will be at %(level)s "
                        "at least, a customer never gets a softer letter while "
                        "invoices that reached a level are open.",
                        level=reached.name,
                    )
                )
        elif self.followup_next_date and self.followup_next_date > today:
            parts.append(
                _(
                    "Next reminder on %(date)s.",
                    date=format_date(self.env, self.followup_next_date),
                )
            )
        elif self.followup_open_count:
            parts.append(_("No reminder planned."))
        held = self.followup_item_ids.followup_hold_id
        if held:
            parts.append(
                _(
                    "On hold: %(holds)s.",
                    holds="; ".join(
                        _(
                            "%(invoice)s until %(date)s (%(hold)s)",
                            invoice=hold.move_id.name,
                            date=format_date(self.env, hold.resume_date),
                            hold=hold._describe(self.env),
                        )
                        for hold in held
                    ),
                )
            )
        excluded = self.followup_item_ids.filtered("followup_blocked")
        if excluded:
            parts.append(
                _("%(count)s invoice(s) excluded from follow-up.", count=len(excluded))
            )
        return " ".join(parts) or _("Nothing to remind.")

    def _followup_is_professional(self):
        """A professional customer (a company, or with a VAT or SIRET number):
        the late-payment penalties of the Code de commerce apply to it, never
        to a private individual."""
        self.ensure_one()
        commercial = self.commercial_partner_id
        siret = "siret" in commercial._fields and commercial.siret
        return bool(
            commercial.is_company
            or commercial.vat
            or siret
            or commercial.company_registry
        )

    def _followup_update_latest_date(self, companies, fallback=None):
        """Recompute the latest follow-up date of these customers in these
        companies from their reminders done (after an undo or a failure).

        :param fallback: {(partner id, company id): date} used when no reminder
            is left done
        """
        fallback = fallback or {}
        partners = self.commercial_partner_id
        if not partners:
            return
        groups = (
            self.env["followup.reminder"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", partners.ids),
                    ("company_id", "in", companies.ids),
                    ("state", "=", "done"),
                    ("channel", "!=", "manual"),
                ],
                ["partner_id", "company_id"],
                ["date:max"],
            )
        )
        latest = {(partner.id, company.id): date for partner, company, date in groups}
        for company in companies:
            in_company = partners.with_company(company).sudo()
            changed = defaultdict(list)
            for partner in in_company:
                key = (partner.id, company.id)
                value = latest.get(key) or fallback.get(key) or False
                if partner.followup_date != value:
                    changed[value].append(partner.id)
            # one write per date, not per customer
            for value, partner_ids in changed.items():
                in_company.browse(partner_ids).write({"followup_date": value})
