# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import closing
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, sql_db
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import FollowupCommon

TODAY = "2026-03-01"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestFollowupCron(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:1"
        )
        cls.level_0, cls.level_1 = cls.levels[:2]
        Partner = cls.env["res.partner"]
        cls.customers = Partner.create(
            [
                {"name": f"Client {i}", "email": f"client{i}@example.com"}
                for i in range(3)
            ]
        )
        cls.invoices = cls.env["account.move"]
        for customer in cls.customers:
            cls.invoices |= cls._create_invoice(
                customer, 100.0, "2026-01-01", "2026-01-31"
            )
        cls.cron = cls.env.ref("account_payment_followup.followup_send_ir_cron")
        cls.company.followup_auto_send = True

    def _run_cron(self, **kwargs):
        """Run the daily action; return the reminder e-mails it queued."""
        existing = self.env["mail.mail"].search([])
        self.env["res.partner"]._cron_send_followup_reminders(**kwargs)
        return self.env["mail.mail"].search(
            [("id", "not in", existing.ids), ("model", "=", "followup.reminder")]
        )

    def test_cron_is_daily_and_active(self):
        self.assertTrue(self.cron.active)
        self.assertEqual(
            (self.cron.interval_number, self.cron.interval_type), (1, "days")
        )

    def test_cron_emails_due_customers_once_a_day(self):
        mails = self._run_cron()
        self.assertEqual(len(mails), 3)
        self.assertEqual(mails.recipient_ids, self.customers)
        reminders = self._reminders(self.customers)
        self.assertEqual(set(mails.mapped("res_id")), set(reminders.ids))
        self.assertEqual(set(reminders.mapped("channel")), {"email"})
        self.assertEqual(set(reminders.mapped("state")), {"done"})
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertTrue(all(mail.attachment_ids for mail in mails))
        self.assertRecordValues(
            self.invoices,
            [{"followup_line_id": self.level_0.id, "followup_date": date(2026, 3, 1)}]
            * 3,
        )
        # idempotent: a second run the same day sends nothing
        self.assertFalse(self._run_cron())

    def test_cron_batches_report_progress(self):
        with patch.object(
            type(self.env["ir.cron"]), "_notify_progress", autospec=True
        ) as progress:
            self._run_cron(batch_size=2)
        self.assertEqual(
            [call.kwargs for call in progress.call_args_list],
            [{"done": 2, "remaining": 1}, {"done": 3, "remaining": 0}],
        )

    def test_batch_interrupted_keeps_other_batches(self):
        failing = self.customers[1]
        Batch = type(self.env["followup.daily"])
        original = Batch._run_daily_batch

        def crash_on_second(batch, partners, company, day):
            if failing in partners:
                raise RuntimeError("killed in the middle")
            return original(batch, partners, company, day)

        with (
            patch.object(Batch, "_run_daily_batch", crash_on_second),
            mute_logger("odoo.addons.account_payment_followup.models.followup_daily"),
        ):
            mails = self._run_cron(batch_size=1)
        self.assertEqual(mails.recipient_ids, self.customers - failing)
        self.assertFalse(self._reminders(failing))
        self.assertFalse(self.invoices[1].followup_line_id)
        self.assertEqual(self.invoices[0].followup_line_id, self.level_0)
        # the next run carries on with what is left
        mails = self._run_cron()
        self.assertEqual(mails.recipient_ids, failing)
        self.assertEqual(self.invoices[1].followup_line_id, self.level_0)

    def test_bad_address_not_moved_and_told_to_accountant(self):
        self.customers[0].email = "nobody-at-example"
        self.company.followup_responsible_id = self.user_manager
        mails = self._run_cron()
        self.assertEqual(len(mails), 2)
        self.assertFalse(self.invoices[0].followup_line_id)
        activity = self.customers[0].activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_manager)
        self.assertIn("no valid e-mail address", activity.note)
        # retried (still due) next time, but the accountant is not told twice
        self._run_cron()
        self.assertEqual(len(self.customers[0].activity_ids), 1)

    def test_template_error_logged_not_moved_others_go_on(self):
        Reminder = type(self.env["followup.reminder"])
        original = Reminder.message_post

        def broken(reminder, *args, **kwargs):
            if reminder.partner_id == self.customers[2]:
                raise ValueError("template exploded")
            return original(reminder, *args, **kwargs)

        with (
            patch.object(Reminder, "message_post", broken),
            mute_logger("odoo.addons.account_payment_followup.models.followup_batch"),
        ):
            mails = self._run_cron()
        self.assertEqual(len(mails), 2)
        self.assertFalse(self.invoices[2].followup_line_id)
        failed = self._reminders(self.customers[2])
        self.assertRecordValues(failed, [{"state": "failed"}])
        self.assertIn("template exploded", failed.failure_reason)
        self.assertIn("template exploded", self.customers[2].activity_ids.note)

    def test_refused_address_not_emailed_again(self):
        customer = self.customers[0]
        self._run_cron()
        reminder = self._reminders(customer)
        reminder._action_fail("550 mailbox unavailable")
        self.assertFalse(self.invoices[0].followup_line_id)
        # the next run does not e-mail the same address again: a person prints
        mails = self._run_cron()
        self.assertFalse(mails)
        self.assertFalse(self.invoices[0].followup_line_id)
        self.assertTrue(
            any(
                "was not delivered" in (act.note or "") for act in customer.activity_ids
            )
        )
        # once the address is corrected, the run e-mails it
        customer.email = "comptabilite@client0.example"
        mails = self._run_cron()
        self.assertEqual(mails.recipient_ids, customer)
        self.assertEqual(self.invoices[0].followup_line_id, self.level_0)

    def test_letter_only_level_not_moved(self):
        self.level_0.send_email = False
        self.assertFalse(self._run_cron())
        self.assertFalse(self.invoices.followup_line_id)
        for customer in self.customers:
            self.assertIn("Payment reminder to print", customer.activity_ids.summary)
        self._run_cron()
        self.assertEqual(len(self.customers.activity_ids), 3)

    def test_manual_action_level(self):
        self.level_0.write(
            {
                "send_email": False,
                "send_letter": False,
                "manual_action": True,
                "manual_action_note": "Phone the customer",
                "manual_action_responsible_id": self.user_invoice.id,
            }
        )
        self.assertFalse(self._run_cron())
        self.assertEqual(self.invoices.followup_line_id, self.level_0)
        activities = self.customers.activity_ids
        self.assertEqual(len(activities), 3)
        self.assertEqual(activities.user_id, self.user_invoice)
        self.assertIn("Phone the customer", activities[0].note)

    def test_manual_action_closed_once_the_invoices_are_paid(self):
        self.level_0.write({"manual_action": True, "manual_action_note": "Call"})
        self._run_cron()
        activities = self.customers.activity_ids.filtered(
            lambda act: act.summary == self.level_0.name
        )
        self.assertEqual(len(activities), 3)
        # the first customer pays: its task goes at the next daily run
        self._pay(self.invoices[0], 100.0, date=TODAY)
        self._run_cron()
        left = activities.exists()
        self.assertEqual(len(left), 2)
        self.assertEqual(set(left.mapped("res_id")), set(self.customers[1:].ids))

    def test_two_cursors_never_lock_the_same_customer(self):
        # rows committed at install are visible to a second, real connection
        partner_a = self.env.ref("base.main_partner")
        Batch = self.env["followup.batch"]
        Partner = self.env["res.partner"]
        self.assertEqual(Batch._lock(Partner.browse(partner_a.ids)), partner_a)
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as other:
            other.execute(
                "SELECT id FROM res_partner ORDER BY id LIMIT 50"
                " FOR NO KEY UPDATE SKIP LOCKED"
            )
            held_by_other = [row[0] for row in other.fetchall()]
            # the other transaction skips the customer this one is reminding
            self.assertNotIn(partner_a.id, held_by_other)
            self.assertTrue(held_by_other)
            # and this one skips the customers the other holds
            self.assertFalse(Batch._lock(Partner.browse(held_by_other)))
            other.rollback()
        # once the other transaction is over they can be locked again
        self.assertEqual(
            Batch._lock(Partner.browse(held_by_other[:1])).ids, held_by_other[:1]
        )

    def test_extra_worker(self):
        """The extra worker's scheduled action, off by default, reminds the
        customers the main one has not taken, and leaves the housekeeping (e.g.
        promises whose date came) to the main one."""
        worker = self.env.ref("account_payment_followup.followup_send_ir_cron_worker")
        self.assertFalse(worker.active)
        promise = self.env["followup.hold"].create(
            {
                "move_id": self.invoices[0].id,
                "promise_date": "2026-02-20",
                "amount": 100.0,
                "resume_date": "2026-02-25",
            }
        )
        existing = self.env["mail.mail"].search([])
        worker.method_direct_trigger()
        mails = self.env["mail.mail"].search([("id", "not in", existing.ids)])
        mails = mails.filtered(lambda mail: mail.model == "followup.reminder")
        self.assertEqual(mails.recipient_ids, self.customers)
        self.assertEqual(promise.state, "open")
        # its letter recalls the promise all the same
        broken = mails.filtered(lambda mail: mail.recipient_ids == self.customers[0])
        self.assertIn("we have not received this payment", broken.body_html)
        self.assertFalse(self._run_cron())
        self.assertEqual(promise.state, "broken")

    def test_runs_at_once_split_the_customers(self):
        """Another run (a second cron worker or server) holds a customer while
        it reminds it: this run leaves it and reminds the others; each customer
        is reminded once."""
        # a customer whose row is committed (installation), so that a second,
        # real connection can hold it, as the other run's batch does
        other_customer = self.env.ref("base.main_partner")
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as other:
            other.execute("SET lock_timeout = '10s'")
            other.execute(
                "SELECT id FROM res_partner WHERE id = %s FOR NO KEY UPDATE",
                [other_customer.id],
            )
            contact = self.env["res.partner"].create(
                {
                    "name": "Comptabilité",
                    "type": "invoice",
                    "parent_id": other_customer.id,
                    "email": "compta-admin@example.com",
                }
            )
            invoice = self._create_invoice(
                other_customer, 250.0, "2026-01-01", "2026-01-31"
            )
            self.assertEqual(other_customer.followup_status, "action")
            mails = self._run_cron()
            self.assertEqual(mails.recipient_ids, self.customers)
            self.assertFalse(invoice.followup_line_id)
            other.rollback()
        # the other run is over without reminding it: this run's next pass does
        mails = self._run_cron()
        self.assertEqual(mails.recipient_ids, contact)
        self.assertEqual(invoice.followup_line_id, self.level_0)
        done = self._reminders().filtered(lambda rem: rem.state == "done")
        self.assertEqual(len(done), 4)
        self.assertEqual(done.partner_id, self.customers | other_customer)

    def test_multi_company_isolation(self):
        company_b = self.setup_other_company(name="Société B")["company"]
        self._create_invoice(self.customers[0], 777.0, "2026-01-01", company=company_b)
        user_a = new_test_user(
            self.env,
            login="fu_user_a",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        customer = self.customers[0].with_user(user_a).with_context(followup_date=TODAY)
        self.assertEqual(customer.followup_amount_due, 100.0)
        with self.assertRaises(AccessError):
            self.env["followup.engine"].with_user(user_a)._get_partner_states(
                company_b, date(2026, 3, 1)
            )
        with self.assertRaises(AccessError):
            self.env["followup.send"].with_user(user_a).create(
                {"date": TODAY, "due_limit": TODAY, "company_id": company_b.id}
            )
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(user_a)._render_qweb_html(
                "account_payment_followup.report_followup_letter",
                self.customers[0].ids,
                {"followup_date": TODAY, "company_id": company_b.id},
            )
        # the company B user sees B's amount
        user_b = new_test_user(
            self.env,
            login="fu_user_b",
            groups="account.group_account_invoice",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        self.assertEqual(
            self.customers[0]
            .with_user(user_b)
            .with_context(followup_date=TODAY)
            .followup_amount_due,
            777.0,
        )

    def test_invoicing_user_sends_but_cannot_change_levels(self):
        wizard = (
            self.env["followup.send"]
            .with_user(self.user_invoice)
            .create({"date": TODAY, "due_limit": TODAY})
        )
        self._send_by_email(wizard)
        self.assertEqual(self.invoices.followup_line_id, self.level_0)
        with self.assertRaises(AccessError):
            self.level_0.with_user(self.user_invoice).write({"delay": 3})

    def test_activities_in_the_language_of_their_reader(self):
        """The work planned for a person reads in their language: a French
        credit controller gets French tasks, an English one English tasks."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_payment_followup"], ["fr_FR"]
        )
        self.user_manager.lang = "fr_FR"
        self.company.followup_responsible_id = self.user_manager
        english = self.customers[2]
        english.with_company(self.company).followup_responsible_id = self.user_invoice
        self.level_0.with_context(lang="fr_FR").write(
            {"name": "Niveau 1 : 15 jours net", "manual_action_note": "Appeler"}
        )
        self.level_0.write({"send_email": False, "manual_action_note": "Call"})
        # a letter-only level: "print the letter"
        self._run_cron()
        french = self.customers[:2].activity_ids
        self.assertEqual(french.user_id, self.user_manager)
        self.assertEqual(
            set(french.mapped("summary")),
            {"Lettre de relance à imprimer : Niveau 1 : 15 jours net"},
        )
        self.assertIn("imprimez la lettre", french[0].note)
        self.assertEqual(
            english.activity_ids.summary,
            "Payment reminder to print: Level 1: 15 days net",
        )
        self.customers.activity_ids.unlink()
        # a level that asks for a manual action: the task itself
        self.level_0.write({"send_letter": False, "manual_action": True})
        self._run_cron()
        french = self.customers[:2].activity_ids
        self.assertEqual(set(french.mapped("summary")), {"Niveau 1 : 15 jours net"})
        self.assertIn("Appeler", french[0].note)
        self.assertEqual(english.activity_ids.summary, "Level 1: 15 days net")
        self.assertIn("Call", english.activity_ids.note)
