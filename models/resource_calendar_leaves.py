# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        leaves._followup_mark_companies()
        return leaves

    def write(self, vals):
        self._followup_mark_companies()
        result = super().write(vals)
        self._followup_mark_companies()
        return result

    def unlink(self):
        self._followup_mark_companies()
        return super().unlink()

    def _followup_mark_companies(self):
        """A public holiday (a leave of no one) moves working-day levels."""
        holidays = self.sudo().filtered(lambda leave: not leave.resource_id)
        if not holidays:
            return
        holidays.calendar_id._followup_mark_companies(
            all_calendars=not all(holidays.mapped("calendar_id"))
        )
