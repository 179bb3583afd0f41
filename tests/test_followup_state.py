# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The stored follow-up state (followup.partner.state) stays exact on every
event that moves it, and the "Needs action" / "Overdue" filters read it."""

import random
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupStoredState(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.State = cls.env["followup.partner.state"]
        cls.other = cls.env["res.partner"].create(
            {"name": "Menuiserie Blanc", "email": "compta@blanc.example"}
        )

    def _days(self, days):
        return self.today + timedelta(days=days)

    def _invoice(self, partner=None, amount=100.0, due=-40, move_type="out_invoice"):
        return self._create_invoice(
            partner=partner,
            amount=amount,
            invoice_date=self._days(min(due, 0) - 1),
            due_date=self._days(due),
            move_type=move_type,
        )

    def _assert_exact(self):
        self.assertEqual(self.State._check(self.company), [])

    def _status(self, status):
        """The customers a user finds with the status filter."""
        return self.env["res.partner"].search(
            [
                ("followup_status", "=", status),
                ("id", "in", (self.customer | self.other).ids),
            ]
        )

    def test_events_keep_the_state_exact(self):
        levels = self.levels
        # posted: 40 days late, level 1 (15 days) is due
        invoice = self._invoice(amount=300.0)
        self.assertEqual(self._status("action"), self.customer)
        self._assert_exact()
        # a partial payment lowers the balance
        self._pay(invoice, 100.0, date=self.today)
        row = self.State.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(row.amount_due, 200.0)
        self._assert_exact()
        # a credit note covering what is overdue: nothing is owed, not "Needs action"
        refund = self._invoice(amount=250.0, move_type="out_refund")
        self.assertFalse(self._status("action"))
        self._assert_exact()
        refund.button_draft()
        self.assertEqual(self._status("action"), self.customer)
        self._assert_exact()
        refund.button_cancel()
        self._assert_exact()
        # the level sent by hand, then undone
        self.customer.followup_line_id = levels[0]
        self.assertEqual(self._status("overdue"), self.customer)
        self._assert_exact()
        self._reminders(self.customer)[-1:].action_cancel()
        self.assertEqual(self._status("action"), self.customer)
        self._assert_exact()
        # excluded, then included again
        invoice.followup_blocked = True
        self.assertFalse(self._status("action") | self._status("overdue"))
        self._assert_exact()
        invoice.followup_blocked = False
        self._assert_exact()
        # the level's delay, a new level, an archived level
        row = self.State.search([("partner_id", "=", self.customer.id)])
        next_date = row.next_date
        levels[0].delay += 5
        row = self.State.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(row.next_date, next_date + timedelta(days=5))
        self._assert_exact()
        self.env["followup.line"].create(
            {"policy_id": self.policy.id, "name": "Rappel", "delay": 5}
        )
        self.assertEqual(self._status("action"), self.customer)
        self._assert_exact()
        self.policy.line_ids.filtered(lambda line: line.delay == 5).active = False
        self._assert_exact()
        # another policy for the customer, with a level due after 30 days
        policy = self.env["followup.policy"].create(
            {
                "name": "Grands comptes",
                "company_id": self.company.id,
                "is_default": False,
                "line_ids": [Command.create({"name": "Relance", "delay": 30})],
            }
        )
        self.customer.followup_policy_id = policy
        self.assertEqual(self._status("action"), self.customer)
        self._assert_exact()
        policy.line_ids.delay = 45
        self.assertEqual(self._status("overdue"), self.customer)
        self._assert_exact()
        # the payment unreconciled: the invoice owes 300 again, the payment is
        # an open credit of 100
        invoice.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).remove_move_reconcile()
        self.assertEqual(invoice.amount_residual, 300.0)
        row = self.State.search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(row, [{"amount_due": 200.0, "open_count": 1}])
        self._assert_exact()
        # reset to draft, posted again, cancelled
        invoice.button_draft()
        self.assertFalse(self._status("overdue"))
        self._assert_exact()
        invoice.action_post()
        self._assert_exact()
        invoice.button_draft()
        invoice.button_cancel()
        # only the payment is left, as a credit
        row = self.State.search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(
            row, [{"amount_due": -100.0, "open_count": 0, "action_date": False}]
        )
        self._assert_exact()

    def test_contact_moved_to_another_company(self):
        contact = self.env["res.partner"].create(
            {"name": "Jeanne Roux", "parent_id": self.customer.id}
        )
        self._invoice(partner=contact, amount=80.0)
        self.assertEqual(self._status("action"), self.customer)
        contact.parent_id = self.other
        self.assertEqual(self._status("action"), self.other)
        self._assert_exact()

    def test_partners_merged(self):
        duplicate = self.env["res.partner"].create({"name": "Professionnel Fr."})
        self._invoice(amount=100.0)
        self._invoice(partner=duplicate, amount=40.0)
        self.env["base.partner.merge.automatic.wizard"]._merge(
            (self.customer | duplicate).ids, dst_partner=self.customer
        )
        row = self.State.search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(row, [{"amount_due": 140.0, "open_count": 2}])
        self._assert_exact()

    def test_account_becomes_receivable(self):
        account = self.env["account.account"].create(
            {
                "name": "Créances diverses",
                "code": "467100",
                "account_type": "asset_current",
                "reconcile": True,
            }
        )
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": self._days(-60),
                "line_ids": [
                    Command.create(
                        {
                            "account_id": account.id,
                            "partner_id": self.other.id,
                            "debit": 75.0,
                            "date_maturity": self._days(-60),
                        }
                    ),
                    Command.create(
                        {
                            "account_id": self.company_data[
                                "default_account_revenue"
                            ].id,
                            "credit": 75.0,
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        self.assertFalse(self._status("action"))
        account.account_type = "asset_receivable"
        self.assertEqual(self._status("action"), self.other)
        self._assert_exact()

    def test_working_days_and_public_holidays(self):
        level = self.levels[0]
        level.write({"delay": 3, "term_type": "working_days"})
        # due yesterday: three working days later it is due
        self._invoice(amount=50.0, due=-1)
        row = self.State.search([("partner_id", "=", self.customer.id)])
        next_date = row.next_date
        self._assert_exact()
        # a public holiday on each of the next ten days moves it
        calendar = self.company.resource_calendar_id
        self.env["resource.calendar.leaves"].create(
            [
                {
                    "name": "Fermeture",
                    "calendar_id": calendar.id,
                    "date_from": fields.Datetime.to_datetime(self._days(0)),
                    "date_to": fields.Datetime.to_datetime(self._days(10))
                    - timedelta(seconds=1),
                }
            ]
        )
        self.State.flush_model()
        self._assert_exact()
        row = self.State.search([("partner_id", "=", self.customer.id)])
        self.assertGreater(row.next_date, next_date)

    def test_future_dated_invoice_counts_from_its_date(self):
        self._create_invoice(
            amount=70.0,
            invoice_date=self._days(3),
            due_date=self._days(3),
        )
        row = self.State.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(row.refresh_date, self._days(3))
        self.assertFalse(row.open_count)
        self._assert_exact()

    def test_check_finds_a_missed_event(self):
        invoice = self._invoice(amount=120.0)
        self._assert_exact()
        # an update that passes no ORM event
        self.env.cr.execute(
            "UPDATE account_move_line SET blocked = TRUE WHERE move_id = %s",
            [invoice.id],
        )
        self.env.invalidate_all()
        differences = self.State._check(self.company)
        self.assertTrue(differences)
        self.assertIn(str(self.customer.id), differences[0])

    def test_random_events(self):
        """Random sequences of the events a book lives through: after each, the
        stored state is exactly what the engine computes."""
        rng = random.Random(20261126)
        partners = self.customer | self.other
        invoices = self.env["account.move"]
        levels = self.levels
        for _step in range(40):
            partner = rng.choice(partners)
            event = rng.choice(
                ["invoice", "invoice", "refund", "pay", "level", "undo",
                 "block", "delay", "draft", "policy", "hold", "hold"]
            )  # fmt: skip
            open_invoices = invoices.filtered(
                lambda move: move.state == "posted"
                and move.payment_state in ("not_paid", "partial")
                and move.move_type == "out_invoice"
            )
            if event == "invoice" or not open_invoices:
                invoices |= self._invoice(
                    partner=partner,
                    amount=rng.choice([40.0, 100.0, 250.0]),
                    due=rng.randint(-90, 20),
                )
            elif event == "refund":
                invoices |= self._invoice(
                    partner=partner, amount=60.0, move_type="out_refund"
                )
            elif event == "pay":
                invoice = rng.choice(open_invoices)
                self._pay(invoice, invoice.amount_residual / 2, date=self.today)
            elif event == "level":
                partner.followup_line_id = rng.choice(levels)
            elif event == "undo":
                self._reminders(partner).filtered(lambda rem: rem.state == "done")[
                    -1:
                ].action_cancel()
            elif event == "block":
                invoice = rng.choice(open_invoices)
                invoice.followup_blocked = not invoice.followup_blocked
            elif event == "delay":
                level = rng.choice(levels)
                delay = level.delay + rng.choice([-3, 3])
                if delay >= 0 and delay not in (levels - level).mapped("delay"):
                    level.delay = delay
            elif event == "draft":
                rng.choice(open_invoices).button_draft()
            elif event == "policy":
                partner.followup_policy_id = (
                    False if partner.followup_policy_id else self.policy
                )
            elif event == "hold":
                invoice = rng.choice(open_invoices)
                if invoice.followup_hold_id:
                    invoice.followup_hold_id.action_end()
                else:
                    self.env["followup.hold"].create(
                        {
                            "move_id": invoice.id,
                            "kind": "dispute",
                            "reason": "Random",
                            "resume_date": self.today
                            + timedelta(days=rng.randint(-5, 40)),
                        }
                    )
            self._assert_exact()
        # the sequence went through holds recorded and ended
        holds = self.env["followup.hold"].search([("move_id", "in", invoices.ids)])
        self.assertEqual(set(holds.mapped("state")), {"open", "ended"})
