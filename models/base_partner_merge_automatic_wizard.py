# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """Merging moves journal items with SQL: the stored follow-up state of
        the customer that remains is computed again."""
        result = super()._merge(
            partner_ids, dst_partner=dst_partner, extra_checks=extra_checks
        )
        partners = self.env["res.partner"].browse(partner_ids).exists()
        self.env["followup.partner.state"]._mark_partners(
            (partners | (dst_partner or partners.browse())).ids
        )
        return result
