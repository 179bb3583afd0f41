# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import tagged

from .common import FollowupCommon

REMINDED = date(2026, 3, 1)


@tagged("post_install", "-at_install")
class TestFollowupRecovery(FollowupCommon):
    """Recovery figures on a small book with known payments: which level and
    which channel bring money in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.fast = Partner.create({"name": "Paie Vite", "email": "pv@exemple.fr"})
        cls.slow = Partner.create({"name": "Paie Tard", "email": "pt@exemple.fr"})
        cls.never = Partner.create({"name": "Ne Paie Pas"})
        cls.fast_1 = cls._create_invoice(cls.fast, 1000.0, "2026-01-10", "2026-01-20")
        cls.slow_1 = cls._create_invoice(cls.slow, 500.0, "2026-01-10", "2026-01-20")
        cls.never_1 = cls._create_invoice(cls.never, 300.0, "2026-01-10", "2026-01-20")
        # e-mailed: Paie Vite and Paie Tard; printed: Ne Paie Pas (no e-mail)
        wizard = cls.env["followup.send"].create(
            {"date": REMINDED, "due_limit": REMINDED}
        )
        cls._send_by_email(wizard)
        wizard.action_print_leftovers()
        wizard.action_confirm()
        # Paie Vite: 600 five days after, 400 twenty days after
        cls._pay(cls.fast_1, 600.0, "2026-03-06")
        cls._pay(cls.fast_1, 400.0, "2026-03-21")
        # Paie Tard: everything forty days after
        cls._pay(cls.slow_1, 500.0, "2026-04-10")

    def _figures(self, groupby):
        return {
            tuple(group[key] for key in groupby): group
            for group in self.env["followup.recovery.report"].read_group(
                [("partner_id", "in", (self.fast | self.slow | self.never).ids)],
                [
                    "reminder_count:sum",
                    "amount_reminded:sum",
                    "amount_paid_7:sum",
                    "amount_paid_15:sum",
                    "amount_paid_30:sum",
                    "amount_paid:sum",
                    "payment_delay:avg",
                ],
                groupby,
                lazy=False,
            )
        }

    def test_paid_within_days_per_channel_and_level(self):
        by_channel = self._figures(["channel"])
        email = by_channel[("email",)]
        self.assertEqual(email["reminder_count"], 2)
        self.assertEqual(email["amount_reminded"], 1500.0)
        self.assertEqual(email["amount_paid_7"], 600.0)
        self.assertEqual(email["amount_paid_15"], 600.0)
        self.assertEqual(email["amount_paid_30"], 1000.0)
        self.assertEqual(email["amount_paid"], 1500.0)
        # Paie Vite: (600 × 5 + 400 × 20) / 1000 = 11 days; Paie Tard: 40 days
        self.assertAlmostEqual(email["payment_delay"], (11.0 + 40.0) / 2)
        letter = by_channel[("letter",)]
        self.assertEqual(letter["reminder_count"], 1)
        self.assertEqual(letter["amount_reminded"], 300.0)
        self.assertEqual(letter["amount_paid_30"], 0.0)
        self.assertFalse(letter["payment_delay"])
        by_level = self._figures(["level_id"])
        [level_1] = by_level.values()
        self.assertEqual(level_1["level_id"][0], self.levels[0].id)
        self.assertEqual(level_1["amount_reminded"], 1800.0)
        self.assertEqual(level_1["amount_paid_30"], 1000.0)

    def test_an_undone_reminder_does_not_count(self):
        reminder = self._reminders(self.slow)
        reminder.action_cancel()
        self.assertEqual(self._figures(["channel"])[("email",)]["reminder_count"], 1)

    def test_a_billing_user_reads_the_figures(self):
        report = self.env["followup.recovery.report"].with_user(self.user_invoice)
        self.assertEqual(report.search_count([]), 3)

    def test_a_payment_counts_for_the_latest_reminder_before_it(self):
        """Reminded on 1 March (level 1, e-mail) and 1 April (level 2, letter),
        paid on 5 April: the payment counts for the letter only."""
        twice = self.env["res.partner"].create(
            {"name": "Relancé Deux Fois", "email": "rdf@exemple.fr"}
        )
        invoice = self._create_invoice(twice, 400.0, "2026-01-10", "2026-01-20")
        first = self.env["followup.send"].create(
            {
                "date": REMINDED,
                "due_limit": REMINDED,
                "partner_ids": [(6, 0, twice.ids)],
            }
        )
        self._send_by_email(first)
        second = self.env["followup.send"].create(
            {
                "date": "2026-04-01",
                "due_limit": "2026-04-01",
                "partner_ids": [(6, 0, twice.ids)],
            }
        )
        second.line_ids.level_id = self.levels[1]
        second.action_print()
        second.action_confirm()
        self.assertEqual(second.reminder_ids.followup_line_id, self.levels[1])
        self._pay(invoice, 400.0, "2026-04-05")
        figures = {
            group["channel"]: group
            for group in self.env["followup.recovery.report"].read_group(
                [("partner_id", "=", twice.id)],
                ["amount_paid:sum", "amount_paid_7:sum"],
                ["channel"],
                lazy=False,
            )
        }
        self.assertEqual(figures["email"]["amount_paid"], 0.0)
        self.assertEqual(figures["letter"]["amount_paid"], 400.0)
        self.assertEqual(figures["letter"]["amount_paid_7"], 400.0)
        # a credit note is not money received
        refund = self._create_invoice(
            self.never, 300.0, "2026-03-20", "2026-03-20", move_type="out_refund"
        )
        (refund.line_ids | self.never_1.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        self.assertEqual(self._figures(["channel"])[("letter",)]["amount_paid"], 0.0)
