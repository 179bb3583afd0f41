# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Letters and e-mails of a batch of reminders (the send path's steps 2 and 3,
see ``followup.batch``): every letter of the batch in one report call, every
e-mail through its level's ``mail.template`` and ``message_post``."""

import logging
import os

from odoo import api, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class FollowupRender(models.AbstractModel):
    _name = "followup.render"
    _description = "Payment Reminder Letters and E-mails"

    # ------------------------------------------------------------------ RENDER
    @api.model
    def _render_letters(self, reminders):
        """Render the letters of all reminders in one report call and store each
        PDF as its reminder's ``attachment_id``.

        Each reminder is new: the report is asked not to look for stored letters
        record by record, and the attachments are created in one go. A letter
        that cannot be rendered fails its own reminder, never the others: the
        batch is split in halves until the culprit is alone. Under tests, like
        every Odoo report, HTML comes back unless ``force_report_rendering`` is
        in the context: nothing is stored then.

        :return: {reminder: reason} for the letters that could not be rendered
        """
        if not reminders:
            return {}
        documents, failures = self._render_documents(reminders)
        for reminder, reason in failures.items():
            reminder.sudo().write(
                {
                    "state": "failed",
                    "failure_reason": self.env._(
                        "the letter could not be rendered: %(reason)s", reason=reason
                    ),
                }
            )
        if documents is None:
            return failures
        reminders = reminders.sudo().filtered(lambda r: r.id in documents)
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": reminder._letter_filename(),
                        "raw": documents[reminder.id],
                        "mimetype": "application/pdf",
                        "res_model": reminder._name,
                        "res_id": reminder.id,
                    }
                    for reminder in reminders
                ]
            )
        )
        for reminder, attachment in zip(reminders, attachments, strict=True):
            reminder.attachment_id = attachment
        return failures

    @api.model
    def _render_documents(self, reminders):
        """The PDF of each reminder's letter.

        :return: ({reminder id: PDF bytes} or None when the report renders HTML
            (tests), {reminder: reason} for the letters that failed)
        """
        report = self.env.ref("account_payment_followup.followup_reminder_report")
        Report = self.env["ir.actions.report"].with_context(
            report_pdf_no_attachment=True
        )
        try:
            with self.env.cr.savepoint():
                streams, kind = Report.with_context(
                    followup_pdf_workers=self._pdf_workers()
                )._pre_render_qweb_pdf(report.report_name, reminders.ids)
        except Exception as error:  # noqa: BLE001 - one letter never fails the others
            if len(reminders) == 1:
                _logger.warning(
                    "Payment reminder %s: letter not rendered: %s",
                    reminders.name,
                    error,
                )
                return {}, {reminders: str(error)}
            half = len(reminders) // 2
            first, first_failures = self._render_documents(reminders[:half])
            second, second_failures = self._render_documents(reminders[half:])
            if first is None or second is None:
                return None, {**first_failures, **second_failures}
            return {**first, **second}, {**first_failures, **second_failures}
        if kind != "pdf":
            return None, {}
        documents = {
            res_id: stream["stream"].getvalue()
            for res_id, stream in streams.items()
            if res_id and stream["stream"]
        }
        for stream in streams.values():
            if stream["stream"]:
                stream["stream"].close()
        for reminder in reminders.filtered(lambda r: r.id not in documents):
            # the merged PDF could not be split by record: this one alone
            single, _kind = Report._pre_render_qweb_pdf(
                report.report_name, reminder.ids
            )
            documents[reminder.id] = single[reminder.id]["stream"].getvalue()
        return documents, {}

    @api.model
    def _mail_template(self, level):
        """The e-mail template of a level: its own, else the module's; empty
        when neither exists (deleted) or it is not a reminder's template."""
        template = level.mail_template_id or self.env.ref(
            "account_payment_followup.followup_mail_template", raise_if_not_found=False
        )
        if not template or template.sudo().model != "followup.reminder":
            return self.env["mail.template"]
        return template

    @api.model
    def _render_emails(self, template, reminders, composer=None):
        """{reminder id: {"subject", "body_html"}} in each customer's language,
        from the level's ``mail.template``; the fields the user changed in the
        wizard's e-mail settings (``composer``, ``mail.composer.mixin``) replace
        the template's, rendered with the rights those fields allow."""
        rendered = template.sudo()._generate_template(
            reminders.ids, ["subject", "body_html"]
        )
        for field in composer._followup_changed_fields() if composer else ():
            values = composer._render_field(field, reminders.ids, compute_lang=True)
            key = "body_html" if field == "body" else field
            for rid in reminders.ids:
                rendered[rid][key] = values[rid]
        return rendered

    @api.model
    def _pdf_workers(self):
        """How many wkhtmltopdf processes render a batch's letters at once: the
        system parameter ``account_payment_followup.pdf_workers``, else one per
        CPU."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("account_payment_followup.pdf_workers")
        )
        try:
            return max(1, int(value)) if value else os.cpu_count() or 1
        except ValueError:
            return 1

    # ------------------------------------------------------------------ E-MAIL
    @api.model
    def _send_emails(self, reminders, composer=None, config_errors=None):
        """Post each reminder's e-mail (its level's template, in the customer's
        language, letter attached) on the reminder; queue it, never wait for the
        mail server. One failing customer never stops the others.

        :param composer: a ``mail.composer.mixin`` record whose changed subject
            or body replaces the levels' templates' for every reminder (the user
            changed it for this run)
        :param config_errors: when given, filled with {customer: (problem code,
            reason)} for the e-mails whose template is missing or cannot be
            rendered (see :meth:`_deliver`)
        :return: (reminders e-mailed, {reminder: reason} for the failed ones)
        """
        by_template = {}
        for reminder in reminders:
            template = self._mail_template(reminder.followup_line_id)
            by_template.setdefault(template, reminders.browse())
            by_template[template] |= reminder
        sent, failed = reminders.browse(), {}
        invoices = self.env["followup.batch"]._invoice_attachments(reminders)
        if config_errors is None:
            config_errors = {}
        for template, group in by_template.items():
            try:
                if not template:
                    raise UserError(
                        self.env._(
                            "follow-up level %(level)s has no e-mail template for "
                            "payment reminders",
                            level=group.followup_line_id[:1].name,
                        )
                    )
                rendered = self._render_emails(template, group, composer=composer)
            except Exception as error:  # noqa: BLE001 - reported on each reminder
                _logger.warning("Follow-up e-mail template failed: %s", error)
                failed.update(dict.fromkeys(group, str(error)))
                code = f"template_{template.id}" if template else "level_template"
                config_errors.update(
                    {rem.partner_id: (code, str(error)) for rem in group}
                )
                continue
            for reminder in group.sudo():
                values = rendered[reminder.id]
                try:
                    with self.env.cr.savepoint():
                        message = reminder.with_context(
                            mail_notify_force_send=False
                        ).message_post(
                            subject=values["subject"],
                            body=values["body_html"],
                            partner_ids=reminder.recipient_id.ids,
                            attachment_ids=reminder.attachment_id.ids
                            + invoices.get(reminder.id, []),
                            email_from=reminder.email_from,
                            # the customer's answer goes to the person who sent it
                            reply_to=reminder.email_from,
                            # the level's message already ends with the signature
                            email_add_signature=False,
                            author_id=(
                                reminder.user_id.partner_id
                                or reminder.company_id.partner_id
                            ).id,
                            message_type="comment",
                            subtype_xmlid="mail.mt_comment",
                        )
                        reminder.mail_message_id = message
                except Exception as error:  # noqa: BLE001 - one never stops the others
                    _logger.warning(
                        "Follow-up e-mail to %s failed: %s",
                        reminder.partner_id.display_name,
                        error,
                    )
                    failed[reminder] = str(error)
                    continue
                sent |= reminder
        for reminder, reason in failed.items():
            reminder.sudo().write({"state": "failed", "failure_reason": reason})
        return sent.sudo(False), failed
