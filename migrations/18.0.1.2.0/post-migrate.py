# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.1.2.0: the follow-up state of each customer is stored
(followup.partner.state): compute it for every company."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["followup.partner.state"]._refresh_companies(env["res.company"].search([]))
