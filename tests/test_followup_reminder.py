# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reminders are records: one per customer and path, undo, re-print, the latest
follow-up date, constant work per batch, and the accountant working during the
daily run."""

from contextlib import closing
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, sql_db
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import FollowupCommon

TODAY = date(2026, 3, 1)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestFollowupReminder(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"email": "compta@durand.example", "followup_auto_send": True}
        )
        cls.level_0, cls.level_1 = cls.levels[:2]
        cls.customers = cls.env["res.partner"].create(
            [
                {"name": f"Client {i}", "email": f"client{i}@example.com"}
                for i in range(4)
            ]
        )
        cls.invoices = cls.env["account.move"]
        for customer in cls.customers:
            cls.invoices |= cls._create_invoice(
                customer, 100.0, "2026-01-01", "2026-01-31"
            )

    def _wizard(self, partners):
        return (
            self.env["followup.send"]
            .with_context(active_model="res.partner", active_ids=partners.ids)
            .create({"date": TODAY, "due_limit": TODAY})
        )

    # ------------------------------------------------------------------ one per path
    def test_one_reminder_per_customer_and_path(self):
        printed, emailed, daily, manual = self.customers
        wizard = self._wizard(printed)
        wizard.action_print()
        wizard.action_confirm()
        self._send_by_email(self._wizard(emailed))
        self.env["followup.daily"]._run_daily_batch(daily, self.company, TODAY)
        manual.with_context(followup_date="2026-03-01").followup_line_id = self.level_1
        reminders = self._reminders()
        self.assertRecordValues(
            reminders,
            [
                {"partner_id": printed.id, "channel": "letter", "state": "done"},
                {"partner_id": emailed.id, "channel": "email", "state": "done"},
                {"partner_id": daily.id, "channel": "email", "state": "done"},
                {"partner_id": manual.id, "channel": "manual", "state": "done"},
            ],
        )
        self.assertEqual(
            reminders.mapped("followup_line_id"), self.level_0 | self.level_1
        )
        self.assertEqual(
            [r.followup_line_id for r in reminders], [self.level_0] * 3 + [self.level_1]
        )
        for reminder, invoice in zip(reminders, self.invoices, strict=True):
            self.assertRecordValues(
                reminder.item_ids,
                [
                    {
                        "move_id": invoice.id,
                        "amount_residual": 100.0,
                        "level_id": reminder.followup_line_id.id,
                        "previous_line_id": False,
                        "previous_date": False,
                    }
                ],
            )
        # one reference per reminder, in the company's own sequence
        self.assertEqual(len(set(reminders.mapped("name"))), 4)
        self.assertTrue(
            all(name.startswith("REL/2026/") for name in reminders.mapped("name"))
        )
        # smart buttons
        self.assertEqual(printed.followup_reminder_count, 1)
        self.assertEqual(self.invoices[0].followup_reminder_count, 1)
        action = printed.action_open_followup_reminders()
        self.assertEqual(
            self.env["followup.reminder"].search(action["domain"]), reminders[0]
        )

    # ------------------------------------------------------------------ undo
    def test_undo_restores_exact_previous_levels_and_dates(self):
        customer = self.customers[0]
        invoice = self._create_invoice(customer, 40.0, "2026-01-01", "2026-01-15")
        invoice.write(
            {"followup_line_id": self.level_0.id, "followup_date": date(2026, 2, 3)}
        )
        self._send_by_email(self._wizard(customer))
        reminder = self._reminders(customer)
        self.assertRecordValues(
            reminder.item_ids.sorted(lambda item: item.move_id.id),
            [
                {
                    "move_id": self.invoices[0].id,
                    "level_id": self.level_0.id,
                    "previous_line_id": False,
                    "previous_date": False,
                },
                {
                    "move_id": invoice.id,
                    "level_id": self.level_1.id,
                    "previous_line_id": self.level_0.id,
                    "previous_date": date(2026, 2, 3),
                },
            ],
        )
        self.assertEqual(invoice.followup_line_id, self.level_1)
        self.assertEqual(customer.followup_date, TODAY)
        # undo from the list (server action bound to the list)
        action = self.env.ref(
            "account_payment_followup.followup_reminder_action_cancel"
        )
        action.with_context(
            active_model="followup.reminder", active_ids=reminder.ids
        ).run()
        self.assertRecordValues(
            invoice | self.invoices[0],
            [
                {
                    "followup_line_id": self.level_0.id,
                    "followup_date": date(2026, 2, 3),
                },
                {"followup_line_id": False, "followup_date": False},
            ],
        )
        self.assertEqual(reminder.state, "cancel")
        self.assertIn("back to their previous level", reminder.message_ids[0].body)
        # no reminder done is left: the latest follow-up date is the one the
        # invoices had before it
        self.assertEqual(customer.followup_date, date(2026, 2, 3))
        # and the customer is due again
        self.assertEqual(
            customer.with_context(followup_date="2026-03-01").followup_status, "action"
        )

    def test_undo_by_billing_user_stops_the_queued_email(self):
        customer = self.customers[0]
        self._send_by_email(self._wizard(customer))
        reminder = self._reminders(customer).with_user(self.user_invoice)
        mail = reminder.sudo().mail_message_id.mail_ids
        self.assertEqual(mail.state, "outgoing")
        reminder.action_cancel()
        self.assertEqual(mail.state, "cancel")
        self.assertEqual(reminder.state, "cancel")
        self.assertIn("Its e-mail was not sent.", reminder.message_ids[0].body)
        self.assertFalse(self.invoices[0].followup_line_id)
        # the history itself cannot be rewritten by billing users
        with self.assertRaises(AccessError):
            reminder.write({"state": "done"})
        with self.assertRaises(AccessError):
            reminder.item_ids.write({"previous_line_id": self.level_1.id})

    def test_manual_actions_closed_when_they_no_longer_apply(self):
        self.level_0.write(
            {"manual_action": True, "manual_action_note": "Call the customer"}
        )
        first, second = self.customers[:2]
        self._send_by_email(self._wizard(first | second))
        for customer in (first, second):
            self.assertEqual(len(customer.activity_ids), 1)
        # undone: its activity goes with it
        self._reminders(first).action_cancel()
        self.assertFalse(first.activity_ids)
        # level set back by hand below it: closed too
        second.with_context(followup_date="2026-03-01").followup_line_id = False
        self.assertFalse(second.activity_ids)

    def test_undo_leaves_invoices_reminded_since(self):
        customer = self.customers[0]
        self._send_by_email(self._wizard(customer))
        first = self._reminders(customer)
        # reminded again later, by hand
        self.invoices[0].write({"followup_line_id": self.level_1.id})
        first.action_cancel()
        self.assertEqual(self.invoices[0].followup_line_id, self.level_1)
        self.assertIn(self.invoices[0].name, first.message_ids[0].body)

    def test_bounced_email_fails_the_reminder(self):
        customer = self.customers[0]
        self._send_by_email(self._wizard(customer))
        reminder = self._reminders(customer)
        self.assertEqual(self.invoices[0].followup_line_id, self.level_0)
        # what the mail gateway does with a delivery-failure notice
        self.env["mail.thread"]._routing_handle_bounce(
            None,
            {
                "bounced_email": customer.email,
                "bounced_partner": customer,
                "bounced_msg_ids": [reminder.mail_message_id.message_id],
                "bounced_message": reminder.mail_message_id,
                "body": "550 5.1.1 user unknown",
                "email_from": "MAILER-DAEMON@example.com",
                "to": "bounce@example.com",
                "message_id": "<bounce-1@example.com>",
            },
        )
        self.assertRecordValues(reminder, [{"state": "failed", "mail_state": "bounce"}])
        self.assertIn(customer.email, reminder.failure_reason)
        self.assertFalse(self.invoices[0].followup_line_id)
        self.assertEqual(
            self.env["followup.reminder"].search([("state", "=", "failed")]), reminder
        )

    def test_bounce_from_another_address_changes_nothing(self):
        customer = self.customers[0]
        self._send_by_email(self._wizard(customer))
        reminder = self._reminders(customer)
        reminder._message_receive_bounce("someone-else@example.com", False)
        self.assertEqual(reminder.state, "done")
        self.assertEqual(self.invoices[0].followup_line_id, self.level_0)

    # ------------------------------------------------------------------ letters
    def test_reprint_gives_the_same_pdf_bytes(self):
        wizard = self._wizard(self.customers[:2])
        wizard.action_print()
        wizard.action_confirm()
        reminder = self._reminders(self.customers[0])
        stored = reminder.attachment_id.raw
        self.assertTrue(stored.startswith(b"%PDF"))
        action = reminder.action_print_letter()
        pdf, _fmt = self.env["ir.actions.report"]._render_qweb_pdf(
            action["report_name"], reminder.ids
        )
        self.assertEqual(pdf, stored)
        # even after the customer changed its name
        self.customers[0].name = "Client renamed"
        pdf, _fmt = self.env["ir.actions.report"]._render_qweb_pdf(
            action["report_name"], reminder.ids
        )
        self.assertEqual(pdf, stored)

    def test_no_orphan_attachment(self):
        wizard = self._wizard(self.customers)
        wizard.action_print()
        wizard.action_back()
        self._send_by_email(self._wizard(self.customers[:2]))
        attachments = self.env["ir.attachment"].search(
            [("res_model", "in", ("followup.reminder", "res.partner"))]
        )
        self.assertEqual(attachments, self._reminders().attachment_id)
        self.assertEqual(len(attachments), 2)

    # ------------------------------------------------------------------ latest date
    def test_latest_followup_date_survives_full_payment(self):
        customer = self.customers[0]
        self._send_by_email(self._wizard(customer))
        self._pay(self.invoices[0], 100.0, "2026-03-01")
        self.assertEqual(customer.followup_date, TODAY)
        self.assertEqual(customer.followup_amount_due, 0.0)
        # sortable and searchable
        Partner = self.env["res.partner"]
        found = Partner.search([("followup_date", "=", TODAY)])
        self.assertEqual(
            found, customer, f"{found.mapped('name')} {found.mapped('followup_date')}"
        )
        ordered = Partner.search(
            [("id", "in", self.customers.ids)], order="followup_date, id"
        )
        self.assertEqual(ordered[0], customer)

    # ------------------------------------------------------------------ scale
    def _count_print_confirm(self, partners):
        """Queries of print + confirm, and those spent inside the letters' report
        (Odoo's report framework looks the paper format up once per page)."""
        wizard = self._wizard(partners)
        self.env.flush_all()
        self.env.invalidate_all()
        Render = type(self.env["followup.render"])
        original = Render._render_letters
        rendering = []

        def render(batch, reminders):
            before = self.cr.sql_log_count
            result = original(batch, reminders)
            rendering.append(self.cr.sql_log_count - before)
            return result

        start = self.cr.sql_log_count
        with patch.object(Render, "_render_letters", render):
            wizard.action_print()
        wizard.action_confirm()
        self.env.flush_all()
        self.assertEqual(wizard.reminder_ids.partner_id, partners)
        self.assertEqual(set(wizard.reminder_ids.mapped("state")), {"done"})
        [in_report] = rendering
        return self.cr.sql_log_count - start - in_report

    def test_query_count_per_batch_does_not_grow(self):
        """Print + confirm for 2 and for 6 customers: the same number of queries
        outside the report (the engine once, one create, one write per level)."""
        self._count_print_confirm(self.customers[:2])  # warm the caches
        two = self._count_print_confirm(self.customers[2:])
        more = self.env["res.partner"].create(
            [{"name": f"Extra {i}", "email": f"x{i}@example.com"} for i in range(6)]
        )
        for partner in more:
            self._create_invoice(partner, 50.0, "2026-01-01", "2026-01-31")
        six = self._count_print_confirm(more)
        self.assertEqual(two, six, f"queries for 2 customers: {two}, for 6: {six}")

    # ------------------------------------------------------------------ concurrency
    def test_wizard_usable_during_the_daily_run(self):
        """A second, real connection plays the daily run holding a customer: the
        accountant opens Send Reminders on that customer, sees it, and sending
        skips it instead of failing or waiting."""
        # committed at install, so the other connection sees it
        customer = self.env.ref("base.main_partner")
        self.env.flush_all()
        # never wait on a lock here: a wait would be a failure, not a hang
        self.cr.execute("SET lock_timeout = '3s'")
        self.addCleanup(self.cr.execute, "RESET lock_timeout")
        with closing(sql_db.db_connect(self.cr.dbname).cursor()) as other:
            run_env = api.Environment(other, SUPERUSER_ID, {})
            held = run_env["followup.batch"]._lock(
                run_env["res.partner"].browse(customer.id)
            )
            self.assertEqual(held.ids, customer.ids)
            # invoicing the customer meanwhile is not blocked either
            self._create_invoice(customer, 300.0, "2026-01-01", "2026-01-31")
            wizard = self._wizard(customer)
            self.assertEqual(wizard.line_ids.partner_id, customer)
            self.assertEqual(wizard.line_ids.amount_overdue, 300.0)
            self._send_by_email(wizard)
            self.assertIn("being reminded by another user or process", wizard.result)
            self.assertFalse(self._reminders(customer))
            other.rollback()
        # once the run let go, the same wizard sends
        customer.email = "compta@main-partner.example"
        wizard = self._wizard(customer)
        self._send_by_email(wizard)
        self.assertEqual(self._reminders(customer).state, "done")
