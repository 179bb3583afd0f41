# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.tests import tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupGuard(FollowupCommon):
    """Money received from a customer and not matched to its invoices yet: the
    customer has probably paid."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._create_invoice(
            cls.customer, 500.0, "2026-01-01", "2026-01-10"
        )
        cls.other = cls.env["res.partner"].create({"name": "Autre Client"})

    def _money(self):
        return self.env["followup.guard"]._unreconciled_money(
            self.company, (self.customer | self.other).ids
        )

    def test_unreconciled_payment_and_bank_line(self):
        self.assertEqual(self._money(), {})
        payment = self._unmatched_payment(self.customer, 500.0)
        self.assertEqual(self._money(), {self.customer.id: 500.0})
        # matched to the invoice: nothing left to match
        (payment.move_id.line_ids | self.invoice.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        self.assertEqual(self._money(), {})
        # a bank statement line of the customer, not reconciled
        self._bank_line(self.other, 120.0, "VIR AUTRE CLIENT")
        self.assertEqual(self._money(), {self.other.id: 120.0})
        # a rounding leftover is no payment
        self._bank_line(self.customer, 0.02, "ECART")
        self.assertEqual(self._money(), {self.other.id: 120.0})

    def _bank_line(self, partner, amount, reference):
        return self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.company_data["default_journal_bank"].id,
                "partner_id": partner.id,
                "amount": amount,
                "date": "2026-01-25",
                "payment_ref": reference,
            }
        )

    def _unmatched_payment(self, partner, amount):
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "date": "2026-02-20",
            }
        )
        payment.action_post()
        return payment

    @freeze_time("2026-03-01")
    def test_daily_run_holds_back_who_has_probably_paid(self):
        self.company.followup_auto_send = True
        self.company.followup_responsible_id = self.user_manager
        other_invoice = self._create_invoice(
            self.other, 300.0, "2026-01-01", "2026-01-10"
        )
        self.other.email = "autre@exemple.fr"
        # a payment not matched yet (the rest is still overdue: 300.00)
        self._unmatched_payment(self.customer, 200.0)
        existing = self.env["mail.mail"].search([])
        for _run in range(2):
            self.env["res.partner"]._cron_send_followup_reminders()
        mails = self.env["mail.mail"].search(
            [("id", "not in", existing.ids), ("model", "=", "followup.reminder")]
        )
        # the other customer is reminded; the one who paid is held back, once
        self.assertEqual(mails.recipient_ids, self.other)
        self.assertEqual(other_invoice.followup_line_id, self.levels[0])
        self.assertFalse(self.invoice.followup_line_id)
        activity = self.customer.activity_ids
        self.assertEqual(len(activity), 1, activity.mapped("summary"))
        self.assertEqual(activity.summary, "Reconcile before reminding")
        self.assertEqual(activity.user_id, self.user_manager)
        self.assertIn("200.00", activity.note)

    def test_wizard_warns_and_lets_the_user_decide(self):
        self._unmatched_payment(self.customer, 200.0)
        wizard = self.env["followup.send"].create(
            {"date": "2026-03-01", "due_limit": "2026-03-01"}
        )
        line = wizard.line_ids.filtered(lambda ln: ln.partner_id == self.customer)
        self.assertEqual(line.unmatched_amount, 200.0)
        self.assertTrue(line.selected)
        wizard.line_ids.filtered(lambda ln: ln != line).selected = False
        wizard.action_print()
        wizard.action_confirm()
        self.assertEqual(self.invoice.followup_line_id, self.levels[0])
