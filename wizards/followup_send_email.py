# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount


class FollowupSend(models.TransientModel):
    """Send Reminders by e-mail: "Send by E-mail" prepares the e-mails and shows
    their settings (the guide's « Paramètres du Courriel »): the first
    customer's e-mail as it will leave, its subject and body to change for this
    run, and « Vous allez relancer N clients… ». Nothing is sent before
    "Confirm".

    The settings are Odoo's composer (``mail.composer.mixin``): subject and body
    come from the first customer's level template; the one the user changes
    replaces that field of every level's template for every e-mail of the run,
    rendered with the rights the user has on templates; the other stays each
    level's own."""

    _name = "followup.send"
    _inherit = ["followup.send", "mail.composer.mixin"]

    email_preview_partner_id = fields.Many2one(
        "res.partner",
        string="Preview For",
        compute="_compute_email_preview",
    )
    email_preview_subject = fields.Char(
        string="Subject Preview", compute="_compute_email_preview"
    )
    email_preview_body = fields.Html(
        string="E-mail Preview", compute="_compute_email_preview", sanitize=False
    )
    email_confirmation = fields.Char(compute="_compute_email_confirmation")

    # ------------------------------------------------------------------ COMPUTE
    def _compute_render_model(self):
        self.render_model = "followup.reminder"

    @api.depends("subject", "body", "reminder_ids", "state")
    def _compute_email_preview(self):
        for wizard in self:
            first = wizard._first_reminder()
            subject, body, error = (
                wizard._email_preview() if wizard.state == "email" else ("", "", "")
            )
            if error:
                body = Markup('<div class="alert alert-danger">%s</div>') % error
            wizard.email_preview_partner_id = first.partner_id
            wizard.email_preview_subject = subject
            wizard.email_preview_body = body

    @api.depends("reminder_ids")
    def _compute_email_confirmation(self):
        for wizard in self:
            reminders = wizard.reminder_ids._origin
            totals = {}
            for reminder in reminders:
                currency = reminder.company_id.currency_id
                totals[currency] = totals.get(currency, 0.0) + reminder.amount_overdue
            wizard.email_confirmation = self.env._(
                "You are about to remind %(count)s customer(s), for a total of "
                "%(amount)s overdue. Do you confirm?",
                count=len(reminders),
                amount=" + ".join(
                    format_amount(self.env, amount, currency)
                    for currency, amount in totals.items()
                )
                or format_amount(self.env, 0.0, wizard.company_id.currency_id),
            )

    @api.constrains("subject", "body")
    def _check_email_settings(self):
        """The e-mail settings changed for this run are rendered once when they
        are saved: a mistake is refused here, not at sending."""
        for wizard in self.filtered(lambda w: w.state == "email"):
            error = wizard._email_preview()[2]
            if error:
                raise ValidationError(
                    self.env._("The e-mail cannot be rendered: %(error)s", error=error)
                )

    # ------------------------------------------------------------------ ACTIONS
    def action_send_email(self):
        """Prepare the e-mails of the selected customers and show their settings:
        the first customer's e-mail, its subject and body to change for this
        run, and how many customers will get it. Nothing is sent before
        "Confirm"; customers without a usable address are listed."""
        self.ensure_one()
        reminders, skipped = self._prepare_reminders("email")
        if not reminders:
            # nobody to e-mail: the result lists why, with their letters to print
            self.write(
                {
                    "state": "done",
                    "leftover_partner_ids": [
                        Command.set([partner.id for partner in skipped])
                    ],
                    "result": self._format_result(
                        self.env._("E-mailed"), reminders.partner_id, skipped
                    ),
                }
            )
            return self._reopen()
        self.reminder_ids = reminders
        # the template of the customer whose e-mail the settings show
        template = (
            self.env["followup.render"]
            ._mail_template(self._first_reminder().followup_line_id)
            .with_env(self.env)
        )
        self.write(
            {
                "state": "email",
                "template_id": template.id,
                # copied now, in the user's language: the composer's computes
                # would run at flush time, in whatever language that env has
                "subject": template.subject,
                "body": template.body_html,
                "leftover_partner_ids": [
                    Command.set([partner.id for partner in skipped])
                ],
                "result": self._format_result(False, False, skipped),
            }
        )
        return self._reopen()

    # ------------------------------------------------------------------ HELPERS
    def _confirm_emails(self):
        """Send the e-mails prepared by "Send by E-mail". A customer reminded by
        someone else since then, or being reminded right now, is not e-mailed
        twice."""
        batch = self.env["followup.batch"]
        drafts = self.reminder_ids.filtered(lambda r: r.state == "draft")
        locked = batch._lock(drafts.partner_id)
        busy = drafts.filtered(lambda r: r.partner_id not in locked)
        stale = (drafts - busy)._stale()
        stale._cancel_stale()
        skipped = dict.fromkeys(
            busy.partner_id, self.env._("being reminded by another user or process")
        )
        skipped.update(
            dict.fromkeys(
                stale.partner_id,
                self.env._("reminded by someone else in the meantime"),
            )
        )
        busy.sudo().unlink()
        changed = bool(self._followup_changed_fields())
        done = self.env["followup.reminder"]
        to_send = drafts - busy - stale
        for company in to_send.company_id:
            _kept, company_done, failed = batch._deliver(
                to_send.filtered(lambda rem, c=company: rem.company_id == c),
                "email",
                composer=self if changed else None,
            )
            done |= company_done
            skipped.update(failed)
        leftovers = self.leftover_partner_ids | self.env["res.partner"].union(*skipped)
        previous = {
            partner: self.env._("no valid e-mail address")
            for partner in self.leftover_partner_ids
        }
        self.write(
            {
                "state": "done",
                "leftover_partner_ids": [Command.set(leftovers.ids)],
                "result": self._format_result(
                    self.env._("E-mailed"), done.partner_id, {**previous, **skipped}
                ),
            }
        )
        return self._reopen()

    def _email_preview(self):
        """(subject, body, error) of the first prepared customer's e-mail, as
        the e-mail settings render it."""
        self.ensure_one()
        first = self._first_reminder()
        if not first or not self.template_id:
            return "", "", ""
        render = self.env["followup.render"]
        try:
            rendered = render._render_emails(
                render._mail_template(first.followup_line_id), first, composer=self
            )
        except Exception as error:  # noqa: BLE001 - shown to the user, not raised
            return "", "", str(error)
        return rendered[first.id]["subject"], rendered[first.id]["body_html"], ""

    def _followup_changed_fields(self):
        """The composer's fields the user changed for this run ("subject",
        "body"): only those replace each level's template."""
        self.ensure_one()
        changed = set()
        if self.subject != self.template_id.subject:
            changed.add("subject")
        if not self.body_has_template_value:
            changed.add("body")
        return changed

    def _first_reminder(self):
        """The prepared reminder of the first customer in the list's order: the
        one the e-mail settings show."""
        reminders = self.reminder_ids._origin
        by_partner = {reminder.partner_id: reminder for reminder in reminders}
        for line in self.line_ids:
            if line.partner_id._origin in by_partner:
                return by_partner[line.partner_id._origin]
        return reminders[:1]
