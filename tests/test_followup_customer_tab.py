# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestFollowupCustomerTab(FollowupCommon):
    """The customer's follow-up tab is where the credit controller works: the
    open items, an exclusion with its reason, and one story of the levels."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.old = cls._create_invoice(cls.customer, 800.0, "2026-01-01", "2026-01-05")
        cls.new = cls._create_invoice(cls.customer, 200.0, "2026-02-01", "2026-02-10")
        cls.paid = cls._create_invoice(cls.customer, 50.0, "2026-01-01", "2026-01-05")
        cls._pay(cls.paid, 50.0, "2026-01-20")

    def test_open_items_and_exclusion_with_a_reason(self):
        customer = self.customer
        self.assertEqual(customer.followup_item_ids, self.old | self.new)
        action = customer.followup_item_ids[0].action_followup_exclude()
        self.assertEqual(action["res_model"], "followup.exclude")
        wizard = Form(self.env["followup.exclude"].with_context(**action["context"]))
        wizard.reason = "Livraison contestée"
        wizard.save().action_confirm()
        self.assertRecordValues(
            self.old,
            [
                {
                    "followup_blocked": True,
                    "followup_block_reason": "Livraison contestée",
                }
            ],
        )
        self.assertIn("Livraison contestée", self.old.message_ids[0].body)
        # the excluded invoice is no longer reminded, and the tab says so
        customer.invalidate_recordset()
        self.assertEqual(customer.followup_amount_due, 1000.0)
        self.assertEqual(customer.followup_amount_overdue, 200.0)
        self.assertIn("1 invoice(s) excluded from follow-up", customer.followup_summary)
        wizard = self.env["followup.send"].create({"partner_ids": customer.ids})
        self.assertEqual(wizard.line_ids.item_ids.move_id, self.new)
        self.old.action_followup_include()
        self.assertFalse(self.old.followup_blocked)
        self.assertFalse(self.old.followup_block_reason)

    def test_the_levels_read_as_one_story(self):
        customer = self.customer
        self.assertIn(
            "Level 1: 15 days net is due since 01/20/2026", customer.followup_summary
        )
        # the old invoice got the third level; the new one is due for the first
        self.old.write(
            {"followup_line_id": self.levels[2].id, "followup_date": "2026-02-20"}
        )
        customer.invalidate_recordset()
        story = customer.followup_summary
        self.assertIn("Level reached: Level 3: 45 days net.", story)
        self.assertIn("Level 1: 15 days net is due since 02/25/2026", story)
        self.assertIn("the letter will be at Level 3: 45 days net at least", story)
        # once both are reminded, the next date is in the future
        self.new.write(
            {"followup_line_id": self.levels[0].id, "followup_date": "2026-03-01"}
        )
        customer.invalidate_recordset()
        self.assertIn("Next reminder on", customer.followup_summary)
        self.assertNotIn("is due since", customer.followup_summary)
