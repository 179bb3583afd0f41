# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The statutory late-payment penalties statement (« décompte des pénalités de
retard »), between professionals (French Code de commerce):

- penalties of article L. 441-10 from the day after the due date to the payment
  (or to the statement date while unpaid), at the company's rate: the ECB rate
  of each half-year plus 10 points, or the rate of its terms of sale; a partial
  payment lowers the amount the penalties run on from its date;
- the fixed indemnity of EUR 40 for recovery costs of article D. 441-5, once per
  late invoice.

An invoice whose penalties were billed (and not cancelled) or waived is left
out: it is settled.
"""

import datetime
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

INDEMNITY_EUR = 40.0
# the fixed indemnity of D. 441-5 exists for invoices due from this day on
INDEMNITY_START = datetime.date(2013, 1, 1)
# commercial claims are time-barred after five years (article L. 110-4)
HORIZON_YEARS = 5


class FollowupPenalty(models.AbstractModel):
    _name = "followup.penalty"
    _description = "Late-Payment Penalties Statement"

    @api.model
    def _statements(self, partners, company, date):
        """{commercial partner id: statement} of the professional customers of
        ``partners`` that owe penalties in ``company`` on ``date`` (two queries
        for all of them, plus one for the ECB rates).

        A statement is ``{"lines": [...], "penalties", "indemnity", "total"}``;
        each line is an invoice: ``{"move_id", "name", "due_date", "amount",
        "days", "periods": [{"date_from", "date_to", "days", "base", "rate",
        "amount"}], "penalties", "indemnity", "total"}``.

        :raise UserError: a half-year without an ECB rate (ECB rate type)
        """
        if company.country_id.code != "FR" or company.followup_legal_notice:
            # the French statutory rules; a company with its own notice states
            # its own terms
            return {}
        professionals = partners.commercial_partner_id.filtered(
            lambda partner: partner._followup_is_professional()
        )
        if not professionals:
            return {}
        lines = self._late_lines(professionals, company, date)
        if not lines:
            return {}
        payments = self._payments([line["aml_id"] for line in lines], date)
        first_day = min(line["due_date"] for line in lines) + timedelta(days=1)
        rates = self._rates(company, first_day, date)
        currency = company.currency_id
        indemnity = self._indemnity(company, date)
        by_move = defaultdict(list)
        for line in lines:
            by_move[line["move_id"]].append(line)
        statements = {}
        for move_id, move_lines in by_move.items():
            periods = []
            for line in move_lines:
                periods += self._periods(line, payments[line["aml_id"]], date, rates)
            penalties = currency.round(sum(period["amount"] for period in periods))
            if not periods:
                continue
            first = move_lines[0]
            due = min(line["due_date"] for line in move_lines)
            move_indemnity = indemnity if due >= INDEMNITY_START else 0.0
            entry = {
                "move_id": move_id,
                "name": first["name"],
                "due_date": due,
                "amount": sum(line["balance"] for line in move_lines),
                # days late of the latest instalment, not a sum of instalments
                "days": max(
                    (period["date_to"] - line["due_date"]).days
                    for line in move_lines
                    for period in periods
                    if period["date_from"] > line["due_date"]
                ),
                "periods": periods,
                "penalties": penalties,
                "indemnity": move_indemnity,
                "total": penalties + move_indemnity,
            }
            statement = statements.setdefault(
                first["partner_id"],
                {"lines": [], "penalties": 0.0, "indemnity": 0.0, "total": 0.0},
            )
            statement["lines"].append(entry)
            for key in ("penalties", "indemnity", "total"):
                statement[key] = currency.round(statement[key] + entry[key])
        for statement in statements.values():
            statement["lines"].sort(
                key=lambda entry: (entry["due_date"], entry["name"])
            )
        return statements

    # ------------------------------------------------------------------ HELPERS
    @api.model
    def _late_lines(self, partners, company, date):
        """The receivable lines of customer invoices of ``partners`` due before
        ``date``, not waived nor billed, that are unpaid or were paid late."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT aml.id, aml.move_id, move.commercial_partner_id,
                       move.name, aml.date_maturity, aml.balance
                  FROM account_move_line aml
                  JOIN account_move move ON move.id = aml.move_id
                  JOIN account_account account ON account.id = aml.account_id
             LEFT JOIN account_move billed
                    ON billed.id = move.followup_penalty_move_id
                 WHERE aml.company_id = %(company)s
                   AND move.commercial_partner_id = ANY(%(partners)s)
                   AND move.move_type = 'out_invoice'
                   AND move.state = 'posted'
                   AND account.account_type = 'asset_receivable'
                   AND aml.balance > 0
                   AND aml.date_maturity < %(date)s
                   AND aml.date_maturity >= %(horizon)s
                   AND NOT COALESCE(aml.blocked, FALSE)
                   AND NOT COALESCE(move.followup_penalty_waived, FALSE)
                   AND NOT EXISTS (
                        SELECT 1 FROM account_move late
                         WHERE late.followup_penalty_move_id = move.id
                   )
                   AND (billed.id IS NULL OR billed.state = 'cancel')
                   AND (
                        aml.amount_residual > 0
                        OR EXISTS (
                            SELECT 1
                              FROM account_partial_reconcile partial
                              JOIN account_move_line paid
                                ON paid.id = partial.credit_move_id
                             WHERE partial.debit_move_id = aml.id
                               AND paid.date > aml.date_maturity
                        )
                   )
              ORDER BY aml.date_maturity, aml.id
                """,
                company=company.id,
                partners=partners.ids,
                date=date,
                horizon=date - relativedelta(years=HORIZON_YEARS),
            )
        )
        return [
            {
                "aml_id": aml_id,
                "move_id": move_id,
                "partner_id": partner_id,
                "name": name,
                "due_date": due_date,
                "balance": balance,
            }
            for aml_id, move_id, partner_id, name, due_date, balance in (
                self.env.cr.fetchall()
            )
        ]

    @api.model
    def _payments(self, aml_ids, date):
        """{receivable line id: [(date, amount)]} of what was paid (payments,
        credit notes) on or before ``date``, in company currency."""
        self.env.cr.execute(
            SQL(
                """
                SELECT partial.debit_move_id, paid.date, partial.amount
                  FROM account_partial_reconcile partial
                  JOIN account_move_line paid ON paid.id = partial.credit_move_id
                 WHERE partial.debit_move_id = ANY(%(ids)s)
                   AND paid.date <= %(date)s
              ORDER BY paid.date, partial.id
                """,
                ids=aml_ids,
                date=date,
            )
        )
        payments = defaultdict(list)
        for aml_id, paid_date, amount in self.env.cr.fetchall():
            payments[aml_id].append((paid_date, amount))
        return payments

    @api.model
    def _rates(self, company, date_from, date_to):
        """{half-year start: annual rate in %} over the period, or the
        contractual rate for every half-year (key None)."""
        if company.followup_penalty_rate_type == "contract":
            return {None: company.followup_penalty_rate}
        return self.env["followup.ecb.rate"]._penalty_rates(date_from, date_to)

    @api.model
    def _indemnity(self, company, date):
        """EUR 40 in the company's currency."""
        euro = self.env.ref("base.EUR")
        if company.currency_id == euro:
            return INDEMNITY_EUR
        return euro._convert(INDEMNITY_EUR, company.currency_id, company, date)

    @api.model
    def _periods(self, line, payments, date, rates):
        """The periods of one receivable line: from the day after the due date,
        split at each payment and at each half-year; each with its days, the
        amount the penalties run on, the rate and the penalties."""
        base = line["balance"]
        cursor = line["due_date"]  # the last day already counted
        periods = []
        for paid_date, amount in [*payments, (date, 0.0)]:
            if paid_date > cursor and base > 0:
                periods += self._split(cursor, min(paid_date, date), base, rates)
                cursor = min(paid_date, date)
            base -= amount
            if cursor >= date:
                break
        return periods

    @api.model
    def _split(self, cursor, end, base, rates):
        """Periods of the days after ``cursor`` up to ``end`` (included), one
        per half-year, at ``base``."""
        periods = []
        ecb = self.env["followup.ecb.rate"]
        while cursor < end:
            start = cursor + timedelta(days=1)
            half = ecb._half_year_start(start)
            next_half = (
                half.replace(month=7)
                if half.month == 1
                else half.replace(year=half.year + 1, month=1)
            )
            stop = min(end, next_half - timedelta(days=1))
            days = (stop - cursor).days
            rate = rates[None] if None in rates else rates[half]
            periods.append(
                {
                    "date_from": start,
                    "date_to": stop,
                    "days": days,
                    "base": base,
                    "rate": rate,
                    "amount": base * rate / 100.0 * days / 365.0,
                }
            )
            cursor = stop
        return periods

    @api.model
    def _letter_statements(self, reminders):
        """{(commercial partner id, company id): statement} for the letters of
        ``reminders`` whose level prints the statement: one computation per
        company and date, whatever the number of letters.

        While the ECB rate of the current half-year is not entered yet, a letter
        still goes out with the statement drawn up to the end of the last
        half-year that has one, and says so (``as_of``); billing waits for the
        rate."""
        groups = defaultdict(lambda: self.env["res.partner"])
        for reminder in reminders:
            if reminder.followup_line_id.penalty_statement:
                key = (reminder.company_id, reminder.date or fields.Date.today())
                groups[key] |= reminder.partner_id.commercial_partner_id
        result = {}
        for (company, date), partners in groups.items():
            try:
                statements = self._statements(partners, company, date)
            except UserError:
                half_end = self._last_rated_day()
                if not half_end or half_end >= date:
                    continue
                try:
                    statements = self._statements(partners, company, half_end)
                except UserError:
                    # a gap in the rates before: no statement rather than no letter
                    continue
                for statement in statements.values():
                    statement["as_of"] = half_end
            for partner_id, statement in statements.items():
                result[partner_id, company.id] = statement
        return result

    @api.model
    def _last_rated_day(self):
        """The last day of the last half-year that has an ECB rate."""
        last = self.env["followup.ecb.rate"].sudo().search([], limit=1)
        if not last:
            return False
        start = last.date_start
        following = (
            start.replace(month=7)
            if start.month == 1
            else start.replace(year=start.year + 1, month=1)
        )
        return following - timedelta(days=1)

    @api.model
    def _bill(self, partner, company, date):
        """A draft customer invoice of the penalties and indemnities ``partner``
        owes in ``company`` on ``date``: a line per late invoice and kind,
        without tax (outside the scope of VAT); the late invoices are marked
        billed by it.

        :raise UserError: nothing owed, or the accounts are not chosen, or a
            half-year without an ECB rate
        """
        statement = self._statements(partner, company, date).get(partner.id)
        if not statement:
            raise UserError(
                self.env._(
                    "%(customer)s owes no late-payment penalties in %(company)s "
                    "today (a private customer, nothing paid late, or already "
                    "billed or waived).",
                    customer=partner.display_name,
                    company=company.name,
                )
            )
        penalty_account = company.followup_penalty_account_id
        indemnity_account = company.followup_indemnity_account_id
        if not penalty_account or not indemnity_account:
            raise UserError(
                self.env._(
                    "Choose the late-payment penalties and recovery indemnity "
                    "accounts in Settings ▸ Invoicing ▸ Payment Follow-ups first."
                )
            )
        lines = []
        for entry in statement["lines"]:
            values = {
                "invoice": entry["name"],
                "due": format_date(self.env, entry["due_date"]),
                "days": entry["days"],
            }
            if entry["penalties"]:
                lines.append(
                    Command.create(
                        {
                            "name": self.env._(
                                "Late-payment penalties on %(invoice)s due "
                                "%(due)s (%(days)s days late, article L. 441-10 "
                                "of the Code de commerce)",
                                **values,
                            ),
                            "account_id": penalty_account.id,
                            "quantity": 1,
                            "price_unit": entry["penalties"],
                            "tax_ids": [Command.clear()],
                        }
                    )
                )
            lines.append(
                Command.create(
                    {
                        "name": self.env._(
                            "Fixed indemnity for recovery costs on %(invoice)s "
                            "(article D. 441-5 of the Code de commerce)",
                            **values,
                        ),
                        "account_id": indemnity_account.id,
                        "quantity": 1,
                        "price_unit": entry["indemnity"],
                        "tax_ids": [Command.clear()],
                    }
                )
            )
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "invoice_date": date,
                    "invoice_origin": self.env._("Late-payment penalties"),
                    "invoice_line_ids": lines,
                }
            )
        )
        self.env["account.move"].browse(
            [entry["move_id"] for entry in statement["lines"]]
        ).followup_penalty_move_id = move
        return move
