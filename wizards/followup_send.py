# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import pdf


class FollowupSend(models.TransientModel):
    """Send Reminders: choose the customers and invoices to remind, then print
    the letters (and confirm) or e-mail them. The work itself is done by the
    send path (``followup.batch``), which makes ``followup.reminder`` records."""

    _name = "followup.send"
    _description = "Send Payment Reminders"
    _check_company_auto = True

    date = fields.Date(
        string="Follow-up Date", required=True, default=fields.Date.context_today
    )
    due_limit = fields.Date(
        string="Due Date Reached By",
        required=True,
        default=fields.Date.context_today,
        help="Only invoices due on or before this date are reminded.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    policy_id = fields.Many2one(
        "followup.policy",
        string="Follow-up Policy",
        domain="[('company_id', '=', company_id)]",
        help="Only customers following this policy. Empty: all customers.",
    )
    message = fields.Text(
        string="Message for This Run",
        help="Printed on every letter and in every e-mail of this run, below the "
        "level's message (e.g. a new bank account). Same placeholders as the "
        "levels' messages: %(partner_name)s, %(amount_overdue)s…",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        help="Restrict to these customers (those selected in the customer list).",
    )
    line_ids = fields.One2many(
        "followup.send.line",
        "send_id",
        string="Customers to Remind",
        compute="_compute_line_ids",
        # the lines show amounts and customers: computed with the user's rights
        compute_sudo=False,
        store=True,
        readonly=False,
    )
    state = fields.Selection(
        [("choose", "Choose"), ("printed", "Printed"), ("done", "Done")],
        default="choose",
        required=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    selected_count = fields.Integer(compute="_compute_selection")
    selected_amount = fields.Monetary(
        string="Selected Overdue Amount", compute="_compute_selection"
    )
    reminder_ids = fields.Many2many(
        "followup.reminder",
        string="Reminders",
        readonly=True,
        help="The reminders this run prepared (drafts until the letters are "
        "confirmed as printed).",
    )
    result = fields.Html(readonly=True, sanitize=True)
    leftover_partner_ids = fields.Many2many(
        "res.partner",
        "followup_send_leftover_rel",
        string="Not Reminded",
        readonly=True,
        help="Customers the e-mails could not reach: print their letters.",
    )

    # ------------------------------------------------------------------ DEFAULTS
    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "res.partner" and context.get("active_ids"):
            partners = self.env["res.partner"].browse(context["active_ids"])
            values["partner_ids"] = [Command.set(partners.commercial_partner_id.ids)]
        return values

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_company_value(vals.get("company_id"))
        return super().create(vals_list)

    def write(self, vals):
        self._check_company_value(vals.get("company_id"))
        return super().write(vals)

    @api.constrains("message")
    def _check_message(self):
        """The run's message is checked like a level's, when it is saved."""
        for wizard in self:
            error = self.env["followup.line"]._message_error(wizard.message)
            if error:
                raise ValidationError(error)

    # ------------------------------------------------------------------ COMPUTE
    @api.depends("date", "due_limit", "company_id", "policy_id", "partner_ids")
    def _compute_line_ids(self):
        for wizard in self:
            wizard.line_ids = [Command.clear()] + [
                Command.create(vals) for vals in wizard._prepare_line_vals()
            ]

    @api.depends("line_ids.selected", "line_ids.amount_overdue")
    def _compute_selection(self):
        for wizard in self:
            selected = wizard.line_ids.filtered("selected")
            wizard.selected_count = len(selected)
            wizard.selected_amount = sum(selected.mapped("amount_overdue"))

    # ------------------------------------------------------------------ ACTIONS
    def action_preview(self):
        """Show the letter of the first selected customer on screen."""
        self.ensure_one()
        lines = self._get_selected_lines()
        return lines[0].action_preview()

    def action_print(self):
        """Prepare the reminders of the selected customers and render their
        letters once. Levels move only when the user confirms the letters were
        printed."""
        self.ensure_one()
        lines = self._get_selected_lines()
        reminders, _done, skipped = self.env["followup.batch"]._send(
            lines.partner_id,
            self.company_id,
            self.date,
            "letter",
            self._excluded_aml_ids(),
            self.due_limit,
            run_message=self.message,
            chosen_levels=self._chosen_levels(),
        )
        if not reminders:
            raise UserError(self._format_skipped_error(skipped))
        letters = reminders.attachment_id
        if letters:
            self.env["ir.attachment"].create(
                {
                    "name": self.env._(
                        "Payment reminders %(date)s.pdf",
                        date=fields.Date.to_string(self.date),
                    ),
                    # the stored letters, in the list's order: no new rendering
                    "raw": pdf.merge_pdf([letter.raw for letter in letters]),
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        self.write(
            {
                "state": "printed",
                "reminder_ids": [Command.set(reminders.ids)],
                "result": self._format_result(
                    self.env._("Letters ready"), reminders.partner_id, skipped
                ),
            }
        )
        return self._reopen()

    def action_download_letters(self):
        """The letters prepared by Print, as stored: nothing is rendered again."""
        self.ensure_one()
        letters = self.env["ir.attachment"].search(
            [("res_model", "=", self._name), ("res_id", "=", self.id)],
            order="id desc",
            limit=1,
        )
        if not letters:
            # no PDF stored (a report rendered as HTML): the reminders' report
            return self.reminder_ids.action_print_letter()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{letters.id}?download=true",
            "target": "download",
        }

    def action_confirm(self):
        """The letters were printed: the reminders are done and the customers
        move to their next level. Nothing is rendered again."""
        self.ensure_one()
        if self.state != "printed":
            raise UserError(self.env._("Print the letters before confirming them."))
        done = self.reminder_ids.action_done()
        self.write(
            {
                "state": "done",
                "result": self._format_result(
                    self.env._("Moved to their next level after printing"),
                    done.partner_id,
                    {
                        reminder.partner_id: self.env._(
                            "reminded by someone else in the meantime"
                        )
                        for reminder in self.reminder_ids - done
                    },
                ),
            }
        )
        return self._reopen()

    def action_send_email(self):
        """E-mail the selected customers; those without e-mail are listed."""
        self.ensure_one()
        lines = self._get_selected_lines()
        reminders, done, skipped = self.env["followup.batch"]._send(
            lines.partner_id,
            self.company_id,
            self.date,
            "email",
            self._excluded_aml_ids(),
            self.due_limit,
            run_message=self.message,
            chosen_levels=self._chosen_levels(),
        )
        self.write(
            {
                "state": "done",
                "reminder_ids": [Command.set(reminders.ids)],
                "leftover_partner_ids": [
                    Command.set([partner.id for partner in skipped])
                ],
                "result": self._format_result(
                    self.env._("E-mailed"), done.partner_id, skipped
                ),
            }
        )
        return self._reopen()

    def action_print_leftovers(self):
        """Print the letters of exactly the customers the e-mails did not
        reach (then confirm them as usual)."""
        self.ensure_one()
        leftovers = self.line_ids.filtered(
            lambda line: line.partner_id in self.leftover_partner_ids
        )
        if not leftovers:
            raise UserError(self.env._("Every selected customer was e-mailed."))
        (self.line_ids - leftovers).selected = False
        leftovers.selected = True
        self.leftover_partner_ids = [Command.clear()]
        return self.action_print()

    def action_select_all(self):
        """Tick every customer."""
        self.ensure_one()
        self.line_ids.selected = True
        return self._reopen()

    def action_select_none(self):
        """Untick every customer."""
        self.ensure_one()
        self.line_ids.selected = False
        return self._reopen()

    def action_back(self):
        """Back to the choice: the letters prepared and not confirmed are
        dropped."""
        self.ensure_one()
        self.reminder_ids.filtered(lambda r: r.state == "draft").sudo().unlink()
        self.write({"state": "choose", "reminder_ids": [Command.clear()]})
        return self._reopen()

    # ------------------------------------------------------------------ HELPERS
    def _prepare_line_vals(self):
        """One line per customer with something due, with its listed items."""
        self.ensure_one()
        if not self.company_id or not self.date:
            return []
        engine = self.env["followup.engine"]
        # every path that computes lines (create, onchange, web_save) comes here
        engine._check_company_access(self.company_id)
        # the customers a level is due for: an index lookup from today on
        due_ids = self.env["followup.partner.state"]._due_partner_ids(
            self.company_id, self.date
        )
        restrict = set(self.partner_ids.commercial_partner_id.ids)
        if restrict:
            due_ids = [pid for pid in due_ids if pid in restrict]
        states = engine._get_partner_states(self.company_id, self.date, due_ids)
        due_ids = [pid for pid, state in states.items() if state["next_line_due"]]
        partners = self.env["res.partner"].browse(due_ids)
        collected = self.env["followup.batch"]._collect(
            partners, self.company_id, self.date, due_limit=self.due_limit
        )
        last_moves = engine._get_last_move_dates(self.company_id, due_ids)
        vals_list = []
        for partner in partners.sorted(lambda p: (p.name or "").lower()):
            entry = collected[partner.id]
            items = entry["items"]
            if self.policy_id:
                items = [
                    item for item in items if item["policy_id"] == self.policy_id.id
                ]
            if not any(item["is_due"] for item in items):
                continue
            state = states[partner.id]
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "amount_due": state["amount_due"],
                    "level_id": entry["level"].id,
                    "proposed_level_id": entry["level"].id,
                    "policy_id": entry["level"].policy_id.id,
                    "max_level_id": state["max_line"],
                    "followup_date": state["followup_date"],
                    "last_move_date": last_moves.get(partner.id),
                    "item_ids": [
                        Command.create(
                            {
                                "aml_id": item["aml_id"],
                                "move_id": item["move_id"],
                                "due_date": item["due_date"],
                                "amount_residual": item["amount_residual"],
                                "amount_residual_currency": item[
                                    "amount_residual_currency"
                                ],
                                "item_currency_id": item["currency_id"],
                                "next_level_id": item["next_line"]
                                if item["is_due"]
                                else False,
                            }
                        )
                        for item in items
                    ],
                }
            )
        return vals_list

    @api.model
    def _check_company_value(self, company_id):
        """Refuse a company the user may not access, whichever way it is set."""
        if company_id:
            self.env["followup.engine"]._check_company_access(
                self.env["res.company"].browse(company_id)
            )

    def _get_selected_lines(self):
        lines = self.line_ids.filtered("selected")
        if not lines:
            raise UserError(self.env._("Select at least one customer to remind."))
        return lines

    def _chosen_levels(self):
        """{customer: level} where the user chose another level than the one
        due."""
        return {
            line.partner_id: line.level_id
            for line in self._get_selected_lines()
            if line.level_id and line.level_id != line.proposed_level_id
        }

    def _excluded_aml_ids(self):
        return self.line_ids.item_ids.filtered(
            lambda item: not item.included
        ).aml_id.ids

    def _format_result(self, title, done, skipped):
        rows = Markup("").join(
            Markup("<li>%s</li>") % partner.display_name for partner in done
        )
        text = Markup("<p><strong>%s: %s</strong></p><ul>%s</ul>") % (
            title,
            len(done),
            rows,
        )
        if skipped:
            rows = Markup("").join(
                Markup("<li>%s: %s</li>") % (partner.display_name, reason)
                for partner, reason in skipped.items()
            )
            text += Markup("<p><strong>%s</strong></p><ul>%s</ul>") % (
                escape(self.env._("Not reminded (print their letters instead)")),
                rows,
            )
        return text

    def _format_skipped_error(self, skipped):
        reasons = "\n".join(
            f"{partner.display_name}: {reason}" for partner, reason in skipped.items()
        )
        return self.env._(
            "No letter to print.%(reasons)s",
            reasons=("\n" + reasons) if reasons else "",
        )

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Send Reminders"),
            "context": {**self.env.context, "dialog_size": "extra-large"},
        }
