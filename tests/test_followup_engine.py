# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupEngine(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.level_0, cls.level_1, cls.level_2, cls.level_3 = cls.levels

    def _state(self, partner, on, company=None):
        partner = partner.with_context(followup_date=on)
        if company:
            partner = partner.with_company(company)
        partner.invalidate_recordset()
        return partner

    def _may_day_holiday(self):
        """Friday 1 May 2026 is a public holiday of the company's schedule."""
        calendar = self.company.resource_calendar_id
        calendar.tz = "Europe/Paris"
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Fête du Travail",
                "calendar_id": calendar.id,
                "date_from": "2026-04-30 22:00:00",
                "date_to": "2026-05-01 21:59:59",
            }
        )

    def _mark(self, invoices, level, on):
        invoices.write({"followup_line_id": level.id, "followup_date": on})

    # ------------------------------------------------------------------ thresholds
    def test_first_level_due_after_its_delay(self):
        self._create_invoice(
            amount=100, invoice_date="2025-12-01", due_date="2026-01-01"
        )
        before = self._state(self.customer, "2026-01-15")
        self.assertRecordValues(
            before,
            [
                {
                    "followup_status": "overdue",
                    "followup_next_line_id": False,
                    "followup_next_date": date(2026, 1, 16),
                    "followup_amount_due": 100.0,
                    "followup_amount_overdue": 100.0,
                    "followup_open_count": 1,
                    "followup_last_move_date": date(2025, 12, 1),
                }
            ],
        )
        on_time = self._state(self.customer, "2026-01-16")
        self.assertEqual(on_time.followup_status, "action")
        self.assertEqual(on_time.followup_next_line_id, self.level_0)
        # not yet due at all: not overdue either
        self.assertEqual(self._state(self.customer, "2025-12-31").followup_status, "ok")
        self.assertEqual(
            self._state(self.customer, "2025-12-31").followup_amount_overdue, 0.0
        )

    def test_no_level_skipping_and_gap_between_levels(self):
        invoice = self._create_invoice(
            amount=500, invoice_date="2025-08-01", due_date="2025-09-01"
        )
        # 136 days overdue, never reminded: the first level only, not litigation
        today = "2026-01-15"
        self.assertEqual(
            self._state(self.customer, today).followup_next_line_id, self.level_0
        )
        self._mark(invoice, self.level_0, today)
        partner = self._state(self.customer, today)
        self.assertRecordValues(
            partner,
            [
                {
                    "followup_status": "overdue",
                    "followup_line_id": self.level_0.id,
                    # the latest follow-up date comes from reminders sent, not
                    # from levels written on invoices
                    "followup_date": False,
                    "followup_next_line_id": False,
                    # level 1 comes 30 - 15 = 15 days after the first reminder
                    "followup_next_date": date(2026, 1, 30),
                }
            ],
        )
        self.assertFalse(self._state(self.customer, "2026-01-29").followup_next_line_id)
        self.assertEqual(
            self._state(self.customer, "2026-01-30").followup_next_line_id, self.level_1
        )

    def test_minimum_gap_after_a_late_reminder(self):
        invoice = self._create_invoice(
            amount=80, invoice_date="2026-01-01", due_date="2026-01-01"
        )
        # level 0 sent late, on 10 February: level 1's threshold (31 January) is
        # passed, but it needs 15 days after the first reminder
        self._mark(invoice, self.level_0, "2026-02-10")
        self.assertFalse(self._state(self.customer, "2026-02-24").followup_next_line_id)
        self.assertEqual(
            self._state(self.customer, "2026-02-24").followup_next_date,
            date(2026, 2, 25),
        )
        self.assertEqual(
            self._state(self.customer, "2026-02-25").followup_next_line_id, self.level_1
        )

    def test_partner_level_is_highest_due_among_invoices(self):
        old = self._create_invoice(
            amount=300, invoice_date="2025-11-01", due_date="2025-11-01"
        )
        new = self._create_invoice(
            amount=200, invoice_date="2026-01-01", due_date="2026-01-01"
        )
        self._mark(old, self.level_1, "2025-12-20")
        partner = self._state(self.customer, "2026-01-20")
        # old invoice: level 2 due (threshold 16/12, gap 15 days since 20/12 -> 4/1)
        # new invoice: level 0 due (16/1)
        self.assertEqual(partner.followup_next_line_id, self.level_2)
        self.assertEqual(partner.followup_line_id, self.level_1)
        items = self.env["followup.engine"]._get_items(
            self.company, date(2026, 1, 20), self.customer.ids
        )
        # ordered by due date: the old invoice first
        self.assertEqual(
            [(item["move_id"], item["next_line"], item["is_due"]) for item in items],
            [(old.id, self.level_2.id, True), (new.id, self.level_0.id, True)],
        )
        self.assertEqual(partner.followup_amount_due, 500.0)

    # ------------------------------------------------------------------ amounts
    def test_partial_payment(self):
        invoice = self._create_invoice(
            amount=1000, invoice_date="2026-01-01", due_date="2026-01-31"
        )
        self._pay(invoice, 400, date="2026-02-05")
        partner = self._state(self.customer, "2026-02-20")
        self.assertEqual(invoice.payment_state, "partial")
        self.assertRecordValues(
            partner,
            [
                {
                    "followup_amount_due": 600.0,
                    "followup_amount_overdue": 600.0,
                    "followup_next_line_id": self.level_0.id,
                    "followup_last_move_date": date(2026, 2, 5),
                }
            ],
        )

    def test_full_payment_resets(self):
        invoice = self._create_invoice(
            amount=250, invoice_date="2025-12-01", due_date="2025-12-01"
        )
        self._mark(invoice, self.level_1, "2026-01-01")
        self.assertEqual(
            self._state(self.customer, "2026-01-10").followup_line_id, self.level_1
        )
        self._pay(invoice, 250, date="2026-01-10")
        partner = self._state(self.customer, "2026-03-01")
        self.assertRecordValues(
            partner,
            [
                {
                    "followup_status": "ok",
                    "followup_line_id": False,
                    "followup_next_line_id": False,
                    "followup_amount_due": 0.0,
                    "followup_open_count": 0,
                    "followup_last_move_date": date(2026, 1, 10),
                }
            ],
        )

    def test_credit_note_reduces_amount_never_raises_level(self):
        self._create_invoice(
            amount=1000, invoice_date="2025-12-01", due_date="2025-12-01"
        )
        self._create_invoice(
            amount=200,
            invoice_date="2025-12-05",
            due_date="2025-12-05",
            move_type="out_refund",
        )
        partner = self._state(self.customer, "2025-12-20")
        self.assertEqual(partner.followup_amount_due, 800.0)
        self.assertEqual(partner.followup_amount_overdue, 800.0)
        self.assertEqual(partner.followup_next_line_id, self.level_0)
        items = self.env["followup.engine"]._get_items(
            self.company, date(2025, 12, 20), self.customer.ids
        )
        credit = [item for item in items if item["amount_residual"] < 0]
        self.assertEqual(len(credit), 1)
        self.assertFalse(credit[0]["next_line"])
        # a customer with only a credit is up to date
        other = self.env["res.partner"].create({"name": "Only credit"})
        self._create_invoice(
            partner=other, amount=50, invoice_date="2025-10-01", move_type="out_refund"
        )
        other = self._state(other, "2026-03-01")
        self.assertEqual(other.followup_status, "ok")
        self.assertEqual(other.followup_amount_due, -50.0)

    def test_foreign_currency(self):
        currency = self.setup_other_currency("EUR", rates=[("2025-01-01", 2.0)])
        invoice = self._create_invoice(
            amount=1000,
            invoice_date="2025-12-01",
            due_date="2025-12-01",
            currency=currency,
        )
        partner = self._state(self.customer, "2025-12-20")
        self.assertEqual(partner.followup_amount_due, 500.0)
        self.assertEqual(partner.followup_currency_id, self.company.currency_id)
        [item] = self.env["followup.engine"]._get_items(
            self.company, date(2025, 12, 20), self.customer.ids
        )
        self.assertEqual(item["amount_residual_currency"], 1000.0)
        self.assertEqual(item["currency_id"], currency.id)
        self.assertEqual(item["move_id"], invoice.id)

    def test_litigation_excluded_from_levels_but_due(self):
        disputed = self._create_invoice(
            amount=700, invoice_date="2025-10-01", due_date="2025-10-01"
        )
        disputed.followup_blocked = True
        self.assertTrue(
            disputed.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            ).blocked
        )
        partner = self._state(self.customer, "2026-01-15")
        self.assertRecordValues(
            partner,
            [
                {
                    "followup_amount_due": 700.0,
                    "followup_amount_overdue": 0.0,
                    "followup_next_line_id": False,
                    "followup_status": "ok",
                }
            ],
        )
        self._create_invoice(
            amount=100, invoice_date="2025-12-01", due_date="2025-12-01"
        )
        partner = self._state(self.customer, "2026-01-15")
        self.assertEqual(partner.followup_amount_due, 800.0)
        self.assertEqual(partner.followup_amount_overdue, 100.0)
        self.assertEqual(partner.followup_next_line_id, self.level_0)
        disputed.followup_blocked = False
        self.assertEqual(
            self._state(self.customer, "2026-01-15").followup_amount_overdue, 800.0
        )

    def test_contact_invoices_count_for_the_company(self):
        contact = self.env["res.partner"].create(
            {"name": "Compta", "parent_id": self.customer.id, "type": "invoice"}
        )
        self._create_invoice(partner=contact, amount=90, invoice_date="2025-12-01")
        self.assertEqual(
            self._state(self.customer, "2026-01-15").followup_amount_due, 90.0
        )
        self.assertEqual(
            self._state(contact, "2026-01-15").followup_next_line_id, self.level_0
        )

    # ------------------------------------------------------------------ term types
    def test_working_days_and_end_of_month_levels(self):
        self._may_day_holiday()
        self.level_0.write({"delay": 1, "term_type": "working_days"})
        self.level_1.write({"delay": 20, "term_type": "end_of_month"})
        invoice = self._create_invoice(
            amount=10, invoice_date="2026-04-01", due_date="2026-04-30"
        )
        # Friday 1 May is a holiday, then the week-end: due on Monday 4 May
        self.assertFalse(self._state(self.customer, "2026-05-03").followup_next_line_id)
        self.assertEqual(
            self._state(self.customer, "2026-05-03").followup_next_date,
            date(2026, 5, 4),
        )
        self.assertEqual(
            self._state(self.customer, "2026-05-04").followup_next_line_id, self.level_0
        )
        # end of month: 30 April + 20 days = 20 May (gap 19 days after 4 May: 23 May)
        self._mark(invoice, self.level_0, "2026-05-04")
        self.assertEqual(
            self._state(self.customer, "2026-05-04").followup_next_date,
            date(2026, 5, 23),
        )
        self.level_0.write({"delay": 0})
        # gap is now 20 days: 24 May
        self.assertEqual(
            self._state(self.customer, "2026-05-04").followup_next_date,
            date(2026, 5, 24),
        )

    def test_jours_ouvres_and_jours_ouvrables(self):
        """Working days count Monday-Friday of the schedule, business days
        Monday-Saturday; both skip the public holiday, across a month end."""
        self._may_day_holiday()
        # due Thursday 30 April; Friday 1 May is a public holiday
        self._create_invoice(
            amount=10, invoice_date="2026-04-01", due_date="2026-04-30"
        )
        self.level_0.write({"delay": 2, "term_type": "working_days"})
        # jours ouvrés: Monday 4 (1), Tuesday 5 May (2)
        self.assertEqual(
            self._state(self.customer, "2026-05-01").followup_next_date,
            date(2026, 5, 5),
        )
        self.level_0.term_type = "business_days"
        # jours ouvrables: Saturday 2 (1), Monday 4 May (2)
        self.assertEqual(
            self._state(self.customer, "2026-05-01").followup_next_date,
            date(2026, 5, 4),
        )
        self.assertEqual(
            self._state(self.customer, "2026-05-04").followup_next_line_id,
            self.level_0,
        )
        self.assertFalse(self._state(self.customer, "2026-05-03").followup_next_line_id)

    # ------------------------------------------------------------------ policies
    def test_partner_own_policy(self):
        strict = self.env["followup.policy"].create(
            {
                "name": "Strict",
                "is_default": False,
                "line_ids": [Command.create({"name": "Early", "delay": 3})],
            }
        )
        vip = self.env["res.partner"].create(
            {"name": "VIP", "followup_policy_id": strict.id}
        )
        self._create_invoice(partner=vip, amount=10, invoice_date="2026-01-01")
        self._create_invoice(amount=10, invoice_date="2026-01-01")
        self.assertEqual(
            self._state(vip, "2026-01-04").followup_next_line_id, strict.line_ids
        )
        self.assertFalse(self._state(self.customer, "2026-01-04").followup_next_line_id)
        # archiving the policy falls back on the company default
        strict.active = False
        self.assertFalse(self._state(vip, "2026-01-04").followup_next_line_id)
        self.assertEqual(
            self._state(vip, "2026-01-16").followup_next_line_id, self.level_0
        )

    def test_two_companies_different_policies(self):
        company_2 = self.setup_other_company(name="Société B")["company"]
        policy_2 = self.env["followup.policy"]._get_company_default(company_2)
        policy_2.line_ids.sorted("delay")[0].delay = 5
        self._create_invoice(amount=100, invoice_date="2026-01-01")
        self._create_invoice(amount=40, invoice_date="2026-01-01", company=company_2)
        in_1 = self._state(self.customer, "2026-01-07")
        in_2 = self._state(self.customer, "2026-01-07", company=company_2)
        self.assertEqual(in_1.followup_amount_due, 100.0)
        self.assertFalse(in_1.followup_next_line_id)
        self.assertEqual(in_2.followup_amount_due, 40.0)
        self.assertEqual(in_2.followup_next_line_id.policy_id, policy_2)

    # ------------------------------------------------------------------ manual changes
    def test_manual_level_change_on_partner_and_invoice(self):
        first = self._create_invoice(amount=10, invoice_date="2025-11-01")
        second = self._create_invoice(amount=20, invoice_date="2025-12-01")
        partner = self._state(self.customer, "2026-01-10")
        partner.followup_line_id = self.level_2
        self.assertEqual((first | second).mapped("followup_line_id"), self.level_2)
        # recorded as a manual reminder, with what an undo restores
        reminder = self.env["followup.reminder"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertRecordValues(
            reminder,
            [
                {
                    "channel": "manual",
                    "state": "done",
                    "followup_line_id": self.level_2.id,
                    "date": date(2026, 1, 10),
                }
            ],
        )
        self.assertEqual(reminder.item_ids.move_id, first | second)
        self.assertFalse(reminder.item_ids.previous_line_id)
        partner = self._state(self.customer, "2026-01-10")
        self.assertEqual(partner.followup_line_id, self.level_2)
        partner.followup_line_id = False
        self.assertFalse((first | second).followup_line_id)
        # on the invoice, with tracking (flush first: creation discarded tracking)
        self.env.flush_all()
        self.cr.flush()
        first.with_context(
            tracking_disable=False, mail_notrack=False
        ).followup_line_id = self.level_1
        self.env.flush_all()
        self.cr.flush()
        first.invalidate_recordset(["message_ids"])
        tracked = first.message_ids[0].tracking_value_ids
        self.assertEqual(tracked.field_id.name, "followup_line_id")
        self.assertEqual(tracked.new_value_char, self.level_1.display_name)

    def test_litigation_status_after_the_last_level(self):
        invoice = self._create_invoice(amount=300, invoice_date="2025-11-01")
        other = self._create_invoice(amount=50, invoice_date="2025-11-01")
        Move = self.env["account.move"]
        litigation = [("followup_litigation", "=", True)]
        self._state(self.customer, "2026-01-10").followup_line_id = self.level_2
        self.assertFalse(Move.search(litigation))
        self._state(self.customer, "2026-01-20").followup_line_id = self.level_3
        self.assertEqual(Move.search(litigation), invoice | other)
        # paid: no longer in litigation; the other stays until set back
        self._pay(invoice, 300.0, date="2026-02-01")
        self.assertEqual(Move.search(litigation), other)
        self._state(self.customer, "2026-02-10").followup_line_id = self.level_1
        self.assertFalse(Move.search(litigation))
        # a level added after the last one: the last level is no longer the end
        other.followup_line_id = self.level_3
        self.assertTrue(other.followup_litigation)
        self.env["followup.line"].create(
            {"policy_id": self.policy.id, "name": "Huissier", "delay": 90}
        )
        self.assertFalse(other.followup_litigation)

    # ------------------------------------------------------------------ searches
    def test_searches(self):
        due = self.env["res.partner"].create({"name": "Due customer"})
        late = self.env["res.partner"].create({"name": "Late customer"})
        fine = self.env["res.partner"].create({"name": "Fine customer"})
        self._create_invoice(partner=due, amount=10, invoice_date="2025-12-01")
        self._create_invoice(partner=late, amount=10, invoice_date="2026-01-05")
        self._create_invoice(partner=fine, amount=10, invoice_date="2026-03-01")
        partners = due | late | fine
        Partner = self.env["res.partner"].with_context(followup_date="2026-01-10")
        scope = [("id", "in", partners.ids)]
        self.assertEqual(
            Partner.search(scope + [("followup_status", "=", "action")]), due
        )
        self.assertEqual(
            Partner.search(scope + [("followup_status", "=", "overdue")]), late
        )
        self.assertEqual(Partner.search(scope + [("followup_status", "=", "ok")]), fine)
        self.assertEqual(
            Partner.search(scope + [("followup_status", "in", ("action", "overdue"))]),
            due | late,
        )
        self.assertEqual(
            Partner.search(scope + [("followup_status", "!=", "ok")]), due | late
        )
        self.assertEqual(
            Partner.search(scope + [("followup_next_line_id", "=", self.level_0.id)]),
            due,
        )
        self.assertEqual(
            Partner.search(scope + [("followup_next_line_id", "ilike", "Level 1")]), due
        )
        self.assertEqual(
            Partner.search(scope + [("followup_next_line_id", "=", False)]), late | fine
        )
        self.assertEqual(
            Partner.search(scope + [("followup_amount_overdue", ">", 0)]), due | late
        )

    # ------------------------------------------------------------------ scaling
    def _count_queries(self, partners):
        partners = partners.with_context(followup_date="2026-02-01")
        partners.invalidate_recordset()
        self.env.flush_all()
        before = self.cr.sql_log_count
        partners.mapped("followup_status")
        partners.mapped("followup_amount_overdue")
        partners.mapped("followup_last_move_date")
        return self.cr.sql_log_count - before

    def test_query_count_does_not_grow_with_customers(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Client {i}"} for i in range(100)]
        )
        self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": "2025-12-01",
                    "invoice_date_due": "2025-12-01",
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "x", "price_unit": 10.0 + i, "tax_ids": []}
                        )
                    ],
                }
                for i, partner in enumerate(partners)
            ]
        ).action_post()
        self._count_queries(partners[:3])  # warm-up: company, currency, policies
        small = self._count_queries(partners[:10])
        large = self._count_queries(partners)
        self.assertEqual(small, large)
        self.assertLessEqual(large, 8)
        self.assertEqual(
            partners.with_context(followup_date="2026-02-01").mapped("followup_status"),
            ["action"] * 100,
        )
