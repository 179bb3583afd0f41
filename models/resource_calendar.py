# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time

import pytz

from odoo import models

from .followup_line import WORKING_TERM_TYPES


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def write(self, vals):
        result = super().write(vals)
        self._followup_mark_companies()
        return result

    def _followup_working_days(self, date_from, date_to):
        """Sorted list of the working dates between two dates (both included),
        public holidays (global leaves) excluded."""
        self.ensure_one()
        tz = pytz.timezone(self.tz or "UTC")
        start = tz.localize(datetime.combine(date_from, time.min))
        stop = tz.localize(datetime.combine(date_to, time.max))
        intervals = self._work_intervals_batch(start, stop, compute_leaves=True)[False]
        return sorted({interval[0].date() for interval in intervals})

    def _followup_mark_companies(self, all_calendars=False):
        """Working-day levels count on these schedules (all of them for a
        public holiday of every schedule): their companies' stored follow-up
        states are computed again."""
        levels = (
            self.env["followup.line"]
            .sudo()
            .search([("term_type", "in", WORKING_TERM_TYPES)])
        )
        companies = levels.company_id
        if not all_calendars:
            companies = companies.filtered(
                lambda company: company.resource_calendar_id in self
            )
        self.env["followup.partner.state"]._mark_companies(companies)
