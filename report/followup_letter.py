# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import format_date


def followup_place_date(reminder):
    """Where and when the letter is written, in its language: « Lyon, le 26
    novembre 2026 » (the company's city, the date in full; « 1er » for the
    first of a month in French)."""
    env = reminder.with_context(lang=reminder.lang or reminder.env.lang).env
    date = format_date(env, reminder.date, lang_code=env.lang, date_format="long")
    if (env.lang or "").startswith("fr") and reminder.date.day == 1:
        date = "1er" + date[1:]
    city = reminder.company_id.city
    return env._("%(city)s, %(date)s", city=city, date=date) if city else date


class ReportFollowupLetter(models.AbstractModel):
    """The letter a customer would receive now (preview, or Print from the
    customer): unsaved reminders prepared exactly as the send path prepares them.

    ``data`` may hold ``followup_date`` (ISO date), ``company_id``,
    ``excluded_aml_ids`` (items left out in the Send Reminders wizard) and
    ``due_limit``.
    """

    _name = "report.account_payment_followup.report_followup_letter"
    _description = "Payment Reminder Letter (preview)"

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
        batch = self.env["followup.batch"]
        commercial = partners.commercial_partner_id
        collected = batch._collect(
            commercial,
            company,
            date,
            excluded_aml_ids=data.get("excluded_aml_ids") or (),
            due_limit=fields.Date.to_date(data.get("due_limit")) or None,
        )
        default_level = (
            self.env["followup.policy"]._get_company_default(company).line_ids[:1]
        )
        sender = batch._sender(company)
        reminders = {}
        for partner in partners:
            entry = collected[partner.commercial_partner_id.id]
            entry["level"] = entry["level"] or default_level
            vals = batch._reminder_vals(
                partner.commercial_partner_id, entry, company, date, "letter", sender
            )
            reminders[partner.id] = self.env["followup.reminder"].new(vals)
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "reminders": reminders,
            "followup_place_date": followup_place_date,
            "statements": self.env["followup.penalty"]._letter_statements(
                self.env["followup.reminder"].concat(*reminders.values())
            ),
        }


class ReportFollowupReminder(models.AbstractModel):
    """The letters of reminders (stored at sending): the penalties statements of
    the batch are computed once for all its letters."""

    _name = "report.account_payment_followup.report_followup_reminder"
    _description = "Payment Reminder Letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        reminders = self.env["followup.reminder"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "followup.reminder",
            "docs": reminders,
            "followup_place_date": followup_place_date,
            "statements": self.env["followup.penalty"]._letter_statements(reminders),
        }
