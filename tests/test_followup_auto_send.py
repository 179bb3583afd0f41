# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Nothing leaves unreviewed: automatic sending is off until a company turns it on,
and the daily run only e-mails the levels marked automatic."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, new_test_user, tagged

from .common import FollowupCommon

TODAY = "2026-03-01"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestFollowupAutoSend(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:1"
        )
        cls.cron = cls.env.ref("account_payment_followup.followup_send_ir_cron")
        cls.late = cls.env["res.partner"].create(
            [
                {"name": f"Retardataire {i}", "email": f"late{i}@example.com"}
                for i in range(2)
            ]
        )
        cls.invoices = cls._create_invoice(
            cls.late[0], 500.0, "2025-11-01", "2025-12-01"
        ) | cls._create_invoice(cls.late[1], 250.0, "2026-01-01", "2026-01-10")

    def _trigger_cron(self):
        before = self.env["mail.mail"].search([])
        self.cron.method_direct_trigger()
        # the reminders (not the notifications of activities to colleagues)
        return self.env["mail.mail"].search(
            [("id", "not in", before.ids), ("recipient_ids", "in", self.late.ids)]
        )

    def test_installed_module_emails_nobody(self):
        # every company of the database comes out of installation with it off
        companies = self.env["res.company"].search([])
        self.assertEqual(set(companies.mapped("followup_auto_send")), {False})
        self.assertTrue(self.cron.active)
        # overdue customers, the scheduler runs: no e-mail, no level moved
        self.assertFalse(self._trigger_cron())
        self.assertFalse(self.invoices.followup_line_id)
        self.assertFalse(self.late.activity_ids)

    def test_last_level_not_automatic_by_default(self):
        self.assertEqual(self.levels.mapped("auto_send"), [True, True, True, False])

    def test_settings_turn_it_on_and_show_what_happens(self):
        admin = new_test_user(
            self.env,
            login="fu_settings_admin",
            groups="base.group_system,account.group_account_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        settings = Form(self.env["res.config.settings"].with_user(admin))
        self.assertFalse(settings.followup_auto_send)
        self.assertEqual(settings.followup_auto_count, 2)
        self.assertEqual(settings.followup_next_run, self.cron.nextcall)
        settings.followup_auto_send = True
        settings.save().execute()
        self.assertTrue(self.company.followup_auto_send)
        self.assertEqual(self.company.followup_auto_send_user_id, admin)
        mails = self._trigger_cron()
        self.assertEqual(mails.recipient_ids, self.late)
        self.assertEqual(self.invoices.followup_line_id, self.levels[0])

    def test_level_not_automatic_waits_for_review(self):
        self.company.with_user(self.user_manager).sudo().followup_auto_send = True
        # the first customer is due for the last level, which is not automatic
        self.invoices[0].write(
            {"followup_line_id": self.levels[2].id, "followup_date": date(2026, 1, 20)}
        )
        mails = self._trigger_cron()
        self.assertEqual(mails.recipient_ids, self.late[1])
        self.assertEqual(self.invoices[0].followup_line_id, self.levels[2])
        activity = self.late[0].activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("not sent automatically", activity.note)
        # nobody else named: the user who turned automatic sending on
        self.assertEqual(activity.user_id, self.user_manager)
