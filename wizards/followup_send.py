# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import pdf


class FollowupSend(models.TransientModel):
    """Send Reminders: choose the customers and invoices to remind, then print
    the letters (and confirm they were printed), or review the e-mail's
    settings (and confirm the sending). The work itself is done by the send path
    (``followup.batch``), which makes ``followup.reminder`` records.

    The e-mail step is in ``followup_send_email.py``."""

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
    company_ids = fields.Many2many(
        "res.company",
        "followup_send_company_rel",
        string="Companies",
        compute="_compute_company_ids",
        store=True,
        readonly=False,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
        help="Remind the customers of several companies in one run (among the "
        "companies selected in the company switcher). Each letter carries its "
        "own company's identity and numbering.",
    )
    multi_company = fields.Boolean(compute="_compute_multi_company")
    policy_id = fields.Many2one(
        "followup.policy",
        string="Follow-up Policy",
        domain="[('company_id', 'in', company_ids or [company_id])]",
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
        [
            ("choose", "Choose"),
            ("printed", "Printed"),
            ("email", "E-mail Settings"),
            ("done", "Done"),
        ],
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
            self._check_company_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_company_values(vals)
        return super().write(vals)

    @api.constrains("message")
    def _check_message(self):
        """The run's message is checked like a level's, when it is saved."""
        for wizard in self:
            error = self.env["followup.line"]._message_error(wizard.message)
            if error:
                raise ValidationError(error)

    # ------------------------------------------------------------------ COMPUTE
    @api.depends("company_id")
    def _compute_company_ids(self):
        for wizard in self:
            wizard.company_ids = wizard.company_id

    @api.depends("company_ids")
    def _compute_multi_company(self):
        for wizard in self:
            wizard.multi_company = len(wizard.company_ids) > 1

    @api.depends(
        "date", "due_limit", "company_id", "company_ids", "policy_id", "partner_ids"
    )
    def _compute_line_ids(self):
        """The customers due, computed again when the date, the due date reached,
        the companies, the policy or the customers change; what the user chose
        on the lines (customers unticked, levels, invoices left out) is kept."""
        Line = self.env["followup.send.line"]
        for wizard in self:
            choices = wizard.line_ids._get_choices()
            vals_list = Line._apply_choices(wizard._prepare_line_vals(), choices)
            wizard.line_ids = [Command.clear()] + [
                Command.create(vals) for vals in vals_list
            ]

    @api.depends("line_ids.selected", "line_ids.amount_overdue")
    def _compute_selection(self):
        for wizard in self:
            selected = wizard.line_ids.filtered("selected")
            wizard.selected_count = len(selected)
            wizard.selected_amount = sum(selected.mapped("amount_overdue"))

    # ------------------------------------------------------------------ ACTIONS
    def action_print(self):
        """Prepare the reminders of the selected customers and render their
        letters once. Levels move only when the user confirms the letters were
        printed."""
        self.ensure_one()
        prepared, skipped = self._prepare_reminders("letter")
        reminders = prepared.browse()
        for company in prepared.company_id:
            # one rendering per company: its letters carry its identity
            rendered, _done, failed = self.env["followup.batch"]._deliver(
                prepared.filtered(lambda rem, c=company: rem.company_id == c),
                "letter",
            )
            reminders |= rendered
            skipped.update(failed)
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
        move to their next level. Nothing is rendered again.

        After "Send by E-mail": the e-mails are sent, with the subject and body
        of the e-mail settings."""
        self.ensure_one()
        if self.state == "email":
            return self._confirm_emails()
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
        """Back to the choice: the letters or e-mails prepared and not confirmed
        are dropped."""
        self.ensure_one()
        self.reminder_ids.filtered(lambda r: r.state == "draft").sudo().unlink()
        self.write(
            {
                "state": "choose",
                "reminder_ids": [Command.clear()],
                "leftover_partner_ids": [Command.clear()],
                "template_id": False,
            }
        )
        return self._reopen()

    # ------------------------------------------------------------------ HELPERS
    def _prepare_line_vals(self):
        """One line per customer with something due in each company of the run,
        grouped by company, with its listed items."""
        self.ensure_one()
        if not self.date:
            return []
        Line = self.env["followup.send.line"]
        vals_list = []
        for company in self._get_companies().sorted("name"):
            vals_list += Line._prepare_vals_list(self, company)
        return vals_list

    @api.model
    def _check_company_values(self, vals):
        """Refuse a company the user may not access, whichever way it is set."""
        ids = {vals["company_id"]} if vals.get("company_id") else set()
        for command in vals.get("company_ids") or []:
            if command[0] == Command.SET:
                ids |= set(command[2])
            elif command[0] == Command.LINK:
                ids.add(command[1])
        for company in self.env["res.company"].browse(ids):
            self.env["followup.engine"]._check_company_access(company)

    def _get_companies(self):
        """The companies of this run: those chosen, else the wizard's."""
        return self.company_ids._origin or self.company_id._origin

    def _prepare_reminders(self, channel):
        """Draft reminders of the selected customers, company by company, with
        the invoices, levels and message of this run.

        :return: (draft reminders, {customer: reason} for those left out)
        """
        lines = self._get_selected_lines()
        reminders, skipped = self.env["followup.reminder"], {}
        for company in lines.company_id:
            company_lines = lines.filtered(lambda ln, c=company: ln.company_id == c)
            prepared, left_out = self.env["followup.batch"]._prepare(
                company_lines.partner_id,
                company,
                self.date,
                channel,
                self._excluded_aml_ids(),
                self.due_limit,
                run_message=self.message,
                chosen_levels=self._chosen_levels(company_lines),
            )
            reminders |= prepared
            skipped.update(left_out)
        return reminders, skipped

    def _get_selected_lines(self):
        lines = self.line_ids.filtered("selected")
        if not lines:
            raise UserError(self.env._("Select at least one customer to remind."))
        return lines

    def _chosen_levels(self, lines=None):
        """{customer: level} where the user chose another level than the one
        due (among ``lines``, by default the selected lines)."""
        return {
            line.partner_id: line.level_id
            for line in (lines if lines is not None else self._get_selected_lines())
            if line.level_id and line.level_id != line.proposed_level_id
        }

    def _excluded_aml_ids(self):
        return self.line_ids.item_ids.filtered(
            lambda item: not item.included
        ).aml_id.ids

    def _format_result(self, title, done, skipped):
        """The customers reminded under ``title`` (none: not listed) and those
        not reminded, with the reason."""
        text = Markup("")
        if title:
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
        title = self.env._("No letter to print.")
        return f"{title}\n{reasons}" if reasons else title

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
