# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The invoices attached to the reminder e-mails of the levels that ask for
them."""

from odoo import api, models


class FollowupBatch(models.AbstractModel):
    _inherit = "followup.batch"

    @api.model
    def _invoice_attachments(self, reminders):
        """{reminder id: attachment ids} of the invoices to attach to the e-mails
        of ``reminders`` whose level asks for them: each invoice's stored PDF
        when Odoo has one, else the invoice printed now, all the missing ones in
        one report call. An invoice that cannot be printed is left out (the
        letter still lists it)."""
        asking = reminders.sudo().filtered("followup_line_id.attach_invoices")
        if not asking:
            return {}
        moves = {
            reminder.id: reminder.item_ids.move_id.filtered(
                lambda move: move.move_type == "out_invoice"
            )
            for reminder in asking
        }
        all_moves = self.env["account.move"].sudo().union(*moves.values())
        missing = all_moves.filtered(lambda move: not move.invoice_pdf_report_id)
        streams = {}
        if missing:
            streams = (
                self.env["ir.actions.report"]
                .sudo()
                ._render_qweb_pdf_prepare_streams(
                    "account.account_invoices", {}, res_ids=missing.ids
                )
            )
        vals_list, owners = [], []
        attached = {reminder.id: [] for reminder in asking}
        for reminder in asking:
            for move in moves[reminder.id]:
                if move.invoice_pdf_report_id:
                    attached[reminder.id].append(move.invoice_pdf_report_id.id)
                elif streams.get(move.id, {}).get("stream"):
                    owners.append(reminder.id)
                    vals_list.append(
                        {
                            "name": f"{move.name.replace('/', '_')}.pdf",
                            "raw": streams[move.id]["stream"].getvalue(),
                            "mimetype": "application/pdf",
                            "res_model": reminder._name,
                            "res_id": reminder.id,
                        }
                    )
        attachments = self.env["ir.attachment"].sudo().create(vals_list)
        for reminder_id, attachment in zip(owners, attachments, strict=True):
            attached[reminder_id].append(attachment.id)
        return attached
