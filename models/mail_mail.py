# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        if failure_type:
            # a reminder e-mail refused by the mail server: the reminder failed
            # and its invoices go back to their previous level
            messages = self.filtered(
                lambda mail: mail.model == "followup.reminder"
            ).mail_message_id
            if messages:
                reminders = (
                    self.env["followup.reminder"]
                    .sudo()
                    .search(
                        [
                            ("mail_message_id", "in", messages.ids),
                            ("state", "=", "done"),
                        ]
                    )
                )
                reminders._action_fail(failure_reason or failure_type)
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
