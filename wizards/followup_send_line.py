# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models


class FollowupSendLine(models.TransientModel):
    """A customer in the Send Reminders wizard."""

    _name = "followup.send.line"
    _description = "Send Payment Reminders: Customer"
    _order = "id"
    _check_company_auto = True

    send_id = fields.Many2one("followup.send", required=True, ondelete="cascade")
    selected = fields.Boolean(default=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    email = fields.Char(
        string="E-mail",
        compute="_compute_email",
        help="The address the e-mail will go to: the invoicing contact's if any.",
    )
    company_id = fields.Many2one("res.company", string="Company")
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_due = fields.Monetary(string="Balance")
    amount_overdue = fields.Monetary(
        string="Overdue",
        compute="_compute_selection_figures",
        store=True,
        help="Overdue amount of the invoices ticked for this reminder.",
    )
    level_id = fields.Many2one(
        "followup.line",
        string="Level to Send",
        domain="[('policy_id', '=', policy_id)]",
        help="The level due, proposed by the follow-up. Choose a lower level of "
        "the same policy, or a higher one to skip: the letter, the e-mail and the "
        "level the invoices move to follow the choice.",
    )
    proposed_level_id = fields.Many2one("followup.line", string="Level Due")
    policy_id = fields.Many2one("followup.policy", string="Follow-up Policy")
    level_color = fields.Integer(related="level_id.color")
    unmatched_amount = fields.Monetary(
        string="Unreconciled Payments",
        help="Money received from this customer and not reconciled with its "
        "invoices yet (payments, bank statement lines): it has probably paid. "
        "Reconcile before reminding; the daily run holds such customers back.",
    )
    max_level_id = fields.Many2one("followup.line", string="Max Level Reached")
    followup_date = fields.Date(string="Latest Follow-up")
    last_move_date = fields.Date(string="Last Movement")
    invoice_count = fields.Integer(
        string="Unpaid Invoices",
        compute="_compute_selection_figures",
        store=True,
        help="Unpaid invoices ticked for this reminder.",
    )
    item_ids = fields.One2many("followup.send.item", "line_id", string="Invoices")
    included_count = fields.Integer(
        string="Invoices Reminded", compute="_compute_included_count"
    )

    @api.depends(
        "item_ids.included",
        "item_ids.amount_residual",
        "item_ids.due_date",
        "send_id.date",
    )
    def _compute_selection_figures(self):
        """The figures follow the invoices ticked (and the follow-up date)."""
        for line in self:
            items = line.item_ids.filtered("included")
            date = line.send_id.date
            line.amount_overdue = sum(
                item.amount_residual
                for item in items
                if item.amount_residual < 0 or (date and item.due_date < date)
            )
            line.invoice_count = len(
                items.filtered(lambda item: item.amount_residual > 0).move_id
            )

    @api.depends("partner_id")
    def _compute_email(self):
        batch = self.env["followup.batch"]
        for line in self:
            line.email = (
                batch._recipient(line.partner_id).email if line.partner_id else False
            )

    @api.depends("item_ids.included")
    def _compute_included_count(self):
        for line in self:
            line.included_count = len(line.item_ids.filtered("included"))

    @api.model_create_multi
    def create(self, vals_list):
        """Lines saved by the web client of a single-company user come without
        their company (the field is the multi-company group's): the wizard's."""
        for vals in vals_list:
            if not vals.get("company_id") and vals.get("send_id"):
                send = self.env["followup.send"].browse(vals["send_id"])
                vals["company_id"] = send.company_id.id
        return super().create(vals_list)

    @api.model
    def _prepare_vals_list(self, wizard, company):
        """The lines of ``company`` in ``wizard``: one per customer with something
        due, with its listed items, decided once (index lookup, one engine
        query, one collection)."""
        engine = self.env["followup.engine"]
        # every path that computes lines (create, onchange, web_save) comes here
        engine._check_company_access(company)
        # the customers a level is due for: an index lookup from today on
        due_ids = self.env["followup.partner.state"]._due_partner_ids(
            company, wizard.date
        )
        restrict = set(wizard.partner_ids.commercial_partner_id.ids)
        if restrict:
            due_ids = [pid for pid in due_ids if pid in restrict]
        states = engine._get_partner_states(company, wizard.date, due_ids)
        due_ids = [pid for pid, state in states.items() if state["next_line_due"]]
        partners = self.env["res.partner"].browse(due_ids)
        collected = self.env["followup.batch"]._collect(
            partners, company, wizard.date, due_limit=wizard.due_limit
        )
        last_moves = engine._get_last_move_dates(company, due_ids)
        unmatched = self.env["followup.guard"]._unreconciled_money(company, due_ids)
        policy = wizard.policy_id
        vals_list = []
        for partner in partners.sorted(lambda p: (p.name or "").lower()):
            entry = collected[partner.id]
            items = entry["items"]
            if policy:
                items = [item for item in items if item["policy_id"] == policy.id]
            if not any(item["is_due"] for item in items):
                continue
            state = states[partner.id]
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "amount_due": state["amount_due"],
                    "level_id": entry["level"].id,
                    "proposed_level_id": entry["level"].id,
                    "policy_id": entry["level"].policy_id.id,
                    "max_level_id": state["max_line"],
                    "followup_date": state["followup_date"],
                    "last_move_date": last_moves.get(partner.id),
                    "unmatched_amount": unmatched.get(partner.id, 0.0),
                    "item_ids": [
                        Command.create(self._prepare_item_vals(item)) for item in items
                    ],
                }
            )
        return vals_list

    def _get_choices(self):
        """What the user chose on these lines: customers unticked, levels
        chosen, invoices left out (see :meth:`_apply_choices`)."""
        return {
            "unselected": {
                (line.partner_id.id, line.company_id.id)
                for line in self
                if not line.selected
            },
            "levels": {
                (line.partner_id.id, line.company_id.id): line.level_id
                for line in self
                if line.level_id and line.level_id != line.proposed_level_id
            },
            "excluded": set(
                self.item_ids.filtered(lambda item: not item.included).aml_id.ids
            ),
        }

    @api.model
    def _apply_choices(self, vals_list, choices):
        """``vals_list`` (new lines' values) with the user's ``choices`` on the
        lines they replace."""
        for vals in vals_list:
            key = (vals["partner_id"], vals["company_id"])
            if key in choices["unselected"]:
                vals["selected"] = False
            level = choices["levels"].get(key)
            if level and level.policy_id.id == vals["policy_id"]:
                vals["level_id"] = level.id
            for _command, _id, item_vals in vals["item_ids"]:
                if item_vals["aml_id"] in choices["excluded"]:
                    item_vals["included"] = False
        return vals_list

    @api.model
    def _prepare_item_vals(self, item):
        return {
            "aml_id": item["aml_id"],
            "move_id": item["move_id"],
            "due_date": item["due_date"],
            "amount_residual": item["amount_residual"],
            "amount_residual_currency": item["amount_residual_currency"],
            "item_currency_id": item["currency_id"],
            "next_level_id": item["next_line"] if item["is_due"] else False,
        }
