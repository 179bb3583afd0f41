# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import models

_logger = logging.getLogger(__name__)


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        if failure_type:
            self._followup_fail_reminders(success_pids, failure_reason or failure_type)
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )

    def _followup_fail_reminders(self, success_pids, reason):
        """A reminder e-mail refused by the mail server for the customer: the
        reminder failed and its invoices go back to their previous level."""
        messages = self.filtered(
            lambda mail: mail.model == "followup.reminder"
        ).mail_message_id
        if not messages:
            return
        reminders = (
            self.env["followup.reminder"]
            .sudo()
            .search([("mail_message_id", "in", messages.ids), ("state", "=", "done")])
            .filtered(lambda reminder: reminder.recipient_id.id not in success_pids)
        )
        try:
            with self.env.cr.savepoint():
                reminders._action_fail(reason)
        except Exception:  # noqa: BLE001 - never turn a delivery into a failure
            _logger.exception("Payment follow-up: could not fail %s", reminders)
