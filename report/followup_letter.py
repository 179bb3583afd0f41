# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ReportFollowupLetter(models.AbstractModel):
    """Values of the payment reminder letter, for many customers at once.

    ``data`` may hold ``followup_date`` (ISO date), ``company_id`` and
    ``excluded_aml_ids`` (items the user left out in the Send Reminders wizard).
    """

    _name = "report.account_payment_followup.report_followup_letter"
    _description = "Payment Reminder Letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        partners = self.env["res.partner"].browse(docids)
        company = (
            self.env["res.company"].browse(data.get("company_id")) or self.env.company
        )
        date = fields.Date.to_date(
            data.get("followup_date")
        ) or fields.Date.context_today(self)
        letters = partners._followup_letter_values(
            company,
            date,
            excluded_aml_ids=data.get("excluded_aml_ids") or (),
            due_limit=fields.Date.to_date(data.get("due_limit")) or None,
        )
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "letters": letters,
            "company": company,
        }
