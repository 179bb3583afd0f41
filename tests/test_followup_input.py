# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Hostile or careless input: addresses, customers who owe nothing, searches."""

from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import FollowupCommon

TODAY = date(2026, 3, 1)


@tagged("post_install", "-at_install")
class TestFollowupInput(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.email = "compta@durand.example"
        cls.invoice = cls._create_invoice(
            cls.customer, 100.0, "2026-01-01", "2026-01-31"
        )

    def _wizard(self):
        return (
            self.env["followup.send"]
            .with_context(active_model="res.partner", active_ids=self.customer.ids)
            .create({"date": TODAY, "due_limit": TODAY})
        )

    def test_malformed_address_is_not_emailed(self):
        for email in ("a@@b", "compta@", "@example.com", "two@a.fr, three@b.fr x"):
            with self.subTest(email=email):
                self.customer.email = email
                wizard = self._wizard()
                self._send_by_email(wizard)
                self.assertIn("no valid e-mail address", wizard.result)
                self.assertFalse(self.invoice.followup_line_id)
                self.assertFalse(self._reminders(self.customer))

    def test_customer_whose_credits_cover_the_overdue_owes_nothing(self):
        self._create_invoice(
            self.customer, 100.0, "2026-02-01", "2026-02-01", move_type="out_refund"
        )
        customer = self.customer.with_context(followup_date="2026-03-01")
        self.assertEqual(customer.followup_amount_overdue, 0.0)
        self.assertEqual(customer.followup_status, "ok")
        self.assertNotIn(
            self.customer,
            self.env["res.partner"]
            .with_context(followup_date="2026-03-01")
            .search([("followup_status", "=", "action")]),
        )
        self.assertFalse(self._wizard().line_ids)
        # the daily run e-mails nothing asking for 0.00
        self.company.followup_auto_send = True
        before = self.env["mail.mail"].search([])
        self.env["res.partner"].with_context(
            followup_date="2026-03-01"
        )._cron_send_followup_reminders()
        self.assertFalse(
            self.env["mail.mail"].search(
                [("id", "not in", before.ids), ("model", "=", "followup.reminder")]
            )
        )

    def test_search_with_a_value_of_the_wrong_type(self):
        Partner = self.env["res.partner"]
        with self.assertRaises(UserError):
            Partner.search([("followup_amount_overdue", ">", "abc")])
        with self.assertRaises(UserError):
            Partner.search([("followup_line_id", "in", ["x"])])
        # the right types still work
        Partner.search([("followup_amount_overdue", ">", "10")])
        Partner.search([("followup_line_id", "in", self.levels[:1].ids)])
