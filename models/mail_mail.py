# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MailMail(models.Model):
    _inherit = "mail.mail"

    followup_revert = fields.Json(
        copy=False,
        help="Payment reminder: levels of the invoices before this e-mail, restored "
        "if the mail server refuses it.",
    )

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        if failure_type:
            self.filtered("followup_revert")._followup_set_levels_back(
                failure_reason or failure_type
            )
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )

    def _followup_set_levels_back(self, reason):
        """The reminder e-mail failed: its invoices go back to their previous level
        (unless reminded again since), so the next run sends it again."""
        for mail in self.sudo():
            data = mail.followup_revert
            moves = self.env["account.move"].browse([int(mid) for mid in data["moves"]])
            sent_date = fields.Date.to_date(data["date"])
            for move in moves.exists():
                if move.followup_date != sent_date:
                    continue  # reminded again since
                previous_level, previous_date = data["moves"][str(move.id)]
                move.write(
                    {"followup_line_id": previous_level, "followup_date": previous_date}
                )
            partner = self.env["res.partner"].browse(data["partner_id"]).exists()
            if partner:
                partner.message_post(
                    body=self.env._(
                        "The payment reminder e-mail failed (%(reason)s): the invoices "
                        "are back at their previous level and will be reminded again.",
                        reason=reason,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
            mail.followup_revert = False
