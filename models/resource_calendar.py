# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time

import pytz

from odoo import models


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def _followup_working_days(self, date_from, date_to):
        """Sorted list of the working dates between two dates (both included),
        public holidays (global leaves) excluded."""
        self.ensure_one()
        tz = pytz.timezone(self.tz or "UTC")
        start = tz.localize(datetime.combine(date_from, time.min))
        stop = tz.localize(datetime.combine(date_to, time.max))
        intervals = self._work_intervals_batch(start, stop, compute_leaves=True)[False]
        return sorted({interval[0].date() for interval in intervals})
