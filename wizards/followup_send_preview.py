# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from contextlib import closing

from odoo import models

PREVIEW_ACTION = "account_payment_followup.preview"


class FollowupSend(models.TransientModel):
    _inherit = "followup.send"

    def action_preview(self):
        """The letters and e-mails of the selected customers, one after the
        other, in a dialog over the wizard."""
        self.ensure_one()
        return self._get_selected_lines().action_preview()


class FollowupSendLine(models.TransientModel):
    """Preview, from Send Reminders, the letter and the e-mail a customer would
    receive: prepared by the send path exactly as Print and Send by E-mail
    prepare them (the wizard's date, invoices ticked, level chosen and message),
    rendered by the report that prints the letters, then rolled back. Nothing
    is kept, no reference is used up, and the wizard stays as it is."""

    _inherit = "followup.send.line"

    def action_preview(self):
        """The preview dialog of these customers (the web client's
        ``account_payment_followup.preview``: it opens over the wizard and asks
        each customer's preview with :meth:`get_followup_preview`)."""
        return {
            "type": "ir.actions.client",
            "tag": PREVIEW_ACTION,
            "params": {"line_ids": self.ids},
        }

    def get_followup_preview(self):
        """The letter and the e-mail of this customer, as they would leave now.

        :return: {"title", "warning" (nothing to remind), "letter": {"kind":
            "pdf" (base64) or "html" (tests render HTML), "content",
            "filename"}, "email": {"email_from", "email_to", "subject", "body",
            "attachment", "warning"}}
        """
        self.ensure_one()
        wizard = self.send_id
        company = self.company_id or wizard.company_id
        batch = self.env["followup.batch"].with_context(followup_preview=True)
        preview = {
            "title": self.partner_id.display_name,
            "warning": False,
            "letter": False,
            "email": False,
        }
        # rolled back when closed: the reminder, its letter and its items
        with closing(self.env.cr.savepoint()):
            partner = self.partner_id
            reminders, _skipped = batch._prepare(
                partner,
                company,
                wizard.date,
                "letter",
                collected=batch._collect(
                    partner,
                    company,
                    wizard.date,
                    wizard._excluded_aml_ids(),
                    wizard.due_limit,
                ),
                run_message=wizard.message,
                chosen_levels=wizard._chosen_levels(self),
            )
            if not reminders:
                preview["warning"] = self.env._(
                    "No invoice of this customer is due among those ticked: "
                    "nothing to remind."
                )
                return preview
            preview["letter"] = self._preview_letter(reminders)
            preview["email"] = self._preview_email(reminders)
        return preview

    def _preview_letter(self, reminder):
        """The letter of ``reminder`` rendered by the report that prints it."""
        content, kind = (
            self.env["ir.actions.report"]
            .with_context(report_pdf_no_attachment=True)
            ._render_qweb_pdf(
                "account_payment_followup.followup_reminder_report", reminder.ids
            )
        )
        return {
            "kind": kind,
            "content": (
                base64.b64encode(content).decode()
                if kind == "pdf"
                else content.decode()
            ),
            "filename": reminder._letter_filename(),
        }

    def _preview_email(self, reminder):
        """The e-mail of ``reminder`` as its level's template renders it, with
        where it goes (or why it cannot leave)."""
        render = self.env["followup.render"]
        values = {
            "email_from": reminder.email_from or "",
            "email_to": reminder.recipient_id.email_formatted or "",
            "subject": "",
            "body": "",
            "attachment": reminder._letter_filename(),
            "warning": False,
        }
        if not reminder.recipient_id:
            values["warning"] = self.env._("no valid e-mail address")
        elif not reminder.email_from:
            values["warning"] = self.env._(
                "company %(company)s has no e-mail address to send from",
                company=reminder.company_id.name,
            )
        template = render._mail_template(reminder.followup_line_id)
        if not template:
            values["warning"] = self.env._(
                "follow-up level %(level)s has no e-mail template",
                level=reminder.followup_line_id.name,
            )
            return values
        try:
            rendered = render._render_emails(template, reminder)[reminder.id]
        except Exception as error:  # noqa: BLE001 - shown to the user, not raised
            values["warning"] = str(error)
            return values
        values.update(subject=rendered["subject"], body=rendered["body_html"])
        return values
