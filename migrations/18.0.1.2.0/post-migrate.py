# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.1.1.0 → 18.0.1.2.0.

* the follow-up state of each customer is stored (followup.partner.state):
  compute it for every company;
* the last level of each policy, when it plans a manual action (the default
  « Contentieux »), is a formal notice: it now prints "Registered letter with
  acknowledgement of receipt". Whether it is e-mailed is left as the user set
  it (the daily run never sends it unattended since 18.0.1.1.0).
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    policies = env["followup.policy"].with_context(active_test=False).search([])
    for policy in policies:
        last = policy.line_ids.sorted("delay")[-1:]
        if last.manual_action:
            last.registered_mail = True
    env["followup.partner.state"]._refresh_companies(env["res.company"].search([]))
