# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

# what makes an account's items follow-up items (or not)
FOLLOWUP_ACCOUNT_FIELDS = frozenset({"account_type", "reconcile", "company_ids"})


class AccountAccount(models.Model):
    _inherit = "account.account"

    def write(self, vals):
        """An account that becomes (or stops being) receivable, or whose items
        are reconciled again by SQL, moves the stored follow-up state of every
        customer of its companies."""
        moved = FOLLOWUP_ACCOUNT_FIELDS & set(vals)
        state = self.env["followup.partner.state"]
        if moved:
            state._mark_companies(self.sudo().company_ids)
        result = super().write(vals)
        if moved:
            state._mark_companies(self.sudo().company_ids)
        return result
