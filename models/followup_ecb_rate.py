# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class FollowupEcbRate(models.Model):
    """The ECB's main refinancing rate in force on 1 January or 1 July: the legal
    late-payment penalty rate of a half-year is this rate plus 10 points
    (article L. 441-10 of the Code de commerce). Shipped from 2012 on; users add
    the new half-years as the ECB publishes them."""

    _name = "followup.ecb.rate"
    _description = "ECB Refinancing Rate of a Half-Year"
    _order = "date_start desc"

    date_start = fields.Date(
        string="Half-Year Starting",
        required=True,
        help="1 January or 1 July: the rate in force on that day applies to the "
        "whole half-year.",
    )
    rate = fields.Float(
        string="ECB Rate (%)",
        digits=(5, 2),
        required=True,
        help="The ECB's rate on its main refinancing operations in force on that "
        "day (not the deposit facility rate).",
    )
    penalty_rate = fields.Float(
        string="Legal Penalty Rate (%)",
        digits=(5, 2),
        compute="_compute_penalty_rate",
        help="ECB rate plus 10 percentage points.",
    )

    _sql_constraints = [
        ("date_start_unique", "UNIQUE(date_start)", "A half-year has one ECB rate."),
    ]

    # ------------------------------------------------------------------ COMPUTE
    @api.depends("rate")
    def _compute_penalty_rate(self):
        for record in self:
            record.penalty_rate = record.rate + 10.0

    # ------------------------------------------------------------------ CONSTRAINS
    @api.constrains("date_start", "rate")
    def _check_half_year(self):
        for record in self:
            start = record.date_start
            if (start.month, start.day) not in ((1, 1), (7, 1)):
                raise ValidationError(
                    self.env._(
                        "An ECB rate applies from 1 January or 1 July, not from "
                        "%(date)s.",
                        date=fields.Date.to_string(start),
                    )
                )
            if not -5.0 <= record.rate <= 30.0:
                raise ValidationError(
                    self.env._(
                        "An ECB rate of %(rate)s %% is not plausible.", rate=record.rate
                    )
                )

    # ------------------------------------------------------------------ HELPERS
    @api.model
    def _half_year_start(self, date):
        return date.replace(month=1 if date.month < 7 else 7, day=1)

    @api.model
    def _penalty_rates(self, date_from, date_to):
        """{half-year start: legal penalty rate} for every half-year that the
        days from ``date_from`` to ``date_to`` touch (one query).

        :raise UserError: a half-year without a rate, saying where to add it
        """
        first = self._half_year_start(date_from)
        records = self.sudo().search(
            [("date_start", ">=", first), ("date_start", "<=", date_to)]
        )
        rates = {record.date_start: record.rate + 10.0 for record in records}
        start = first
        while start <= date_to:
            if start not in rates:
                raise UserError(
                    self.env._(
                        "The ECB refinancing rate of the half-year starting "
                        "%(date)s is missing: add it in Accounting ▸ Configuration "
                        "▸ ECB Refinancing Rates (published by the ECB) before "
                        "computing late-payment penalties.",
                        date=fields.Date.to_string(start),
                    )
                )
            start = (
                start.replace(month=7)
                if start.month == 1
                else start.replace(year=start.year + 1, month=1)
            )
        return rates
