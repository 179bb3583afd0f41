# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import shutil

from odoo import fields
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

from ..models.followup_message import default_message
from .common import FollowupCommon

BROWSERS = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")


@tagged("post_install", "-at_install")
class TestFollowupTour(FollowupCommon, AccountTestInvoicingHttpCommon):
    """The accountant's path in a real (headless) browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.write(
            {
                "company_id": cls.company.id,
                "company_ids": [(4, cls.company.id)],
                "tour_enabled": False,
            }
        )
        cls.company.external_report_layout_id = cls.env.ref(
            "web.external_layout_standard"
        )
        cls.tour_customer = cls.env["res.partner"].create(
            {"name": "Tour Customer", "email": "tour@example.com"}
        )
        cls.first = cls._create_invoice(cls.tour_customer, 500.0, "2026-01-01")
        cls.second = cls._create_invoice(cls.tour_customer, 70.0, "2026-01-02")

    def setUp(self):
        super().setUp()
        if not any(shutil.which(browser) for browser in BROWSERS):
            self.skipTest("no Chromium/Chrome on PATH: the browser tour cannot run")
        try:
            import websocket  # noqa: F401  # pylint: disable=unused-import
        except ImportError:
            self.skipTest("the Python package websocket-client is missing")

    def _admin_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_payment_followup"], ["fr_FR"]
        )
        self.admin.lang = "fr_FR"

    def test_levels_tour(self):
        self.start_tour(
            "/odoo/action-account_payment_followup.followup_policy_action",
            "account_payment_followup_levels_tour",
            login="admin",
        )
        self.assertEqual(self.policy.line_ids.mapped("delay"), [15, 30, 45, 60, 75])
        self.assertRecordValues(
            self.policy.line_ids[-1],
            [
                {
                    "name": "Level 5: Collection agency",
                    "send_email": False,
                    "mail_template_id": False,
                    "description": default_message(self.env),
                    "manual_action": True,
                    "manual_action_note": "Call the collection agency",
                }
            ],
        )

    def test_level_columns_fit_in_french(self):
        """At 1366x768, in French, no column header of the levels is cut."""
        self._admin_in_french()
        self.start_tour(
            "/odoo/action-account_payment_followup.followup_policy_action/"
            f"{self.policy.id}",
            "account_payment_followup_level_columns_tour",
            login="admin",
        )

    def test_send_reminders_columns_fit_in_french(self):
        """At 1366x768, in French, Send Reminders' customers fit the dialog."""
        self._admin_in_french()
        long_name = self.env["res.partner"].create(
            {
                "name": "Établissements Lefebvre-Marchand et Fils Réunis",
                "email": "compta@lefebvre-marchand.example",
            }
        )
        self._create_invoice(long_name, 123456.78, "2026-01-01")
        self.start_tour(
            "/odoo/action-account_payment_followup.followup_send_action",
            "account_payment_followup_send_columns_tour",
            login="admin",
        )

    def test_send_reminders_tour(self):
        today = fields.Date.context_today(self.admin)
        self.start_tour(
            "/odoo/action-account_payment_followup.followup_send_action",
            "account_payment_followup_send_tour",
            login="admin",
        )
        self.assertEqual(self.first.followup_line_id, self.levels[0])
        self.assertEqual(self.first.followup_date, today)
        self.assertFalse(self.second.followup_line_id)
        self.assertEqual(
            self.tour_customer.with_context(followup_date=today).followup_line_id,
            self.levels[0],
        )

    def test_email_tour(self):
        """A message for the run, the level chosen in the list (its badge in
        the level's colour), then the e-mail settings and the confirmation."""
        today = fields.Date.context_today(self.admin)
        existing = self.env["mail.mail"].search([])
        self.start_tour(
            "/odoo/action-account_payment_followup.followup_send_action",
            "account_payment_followup_email_tour",
            login="admin",
        )
        reminder = self.env["followup.reminder"].search(
            [("partner_id", "=", self.tour_customer.id)]
        )
        self.assertRecordValues(
            reminder,
            [
                {
                    "state": "done",
                    "followup_line_id": self.levels[1].id,
                    "run_message": "Our bank details change on 1 April.",
                }
            ],
        )
        # the level chosen, not the level due, for both invoices
        self.assertEqual(
            (self.first | self.second).mapped("followup_line_id"), self.levels[1]
        )
        self.assertEqual(self.first.followup_date, today)
        mail = self.env["mail.mail"].search([("id", "not in", existing.ids)])
        self.assertEqual(mail.recipient_ids, self.tour_customer)
        self.assertIn("Our bank details change on 1 April.", mail.body_html)

    def test_preview_tour(self):
        """The preview of a line opens over the wizard, which keeps the
        invoice left out: the letter printed afterwards leaves it out too."""
        self.start_tour(
            "/odoo/action-account_payment_followup.followup_send_action",
            "account_payment_followup_preview_tour",
            login="admin",
        )
        self.assertEqual(self.first.followup_line_id, self.levels[0])
        self.assertFalse(self.second.followup_line_id)
        reminder = self.env["followup.reminder"].search(
            [("partner_id", "=", self.tour_customer.id)]
        )
        self.assertEqual(reminder.item_ids.move_id, self.first)

    def test_leftovers_tour(self):
        """E-mailed where possible; « Print their letters » prints exactly the
        customers the e-mails could not reach."""
        no_mail = self.env["res.partner"].create({"name": "Sans Courriel"})
        no_mail_invoice = self._create_invoice(no_mail, 90.0, "2026-01-03")
        existing = self.env["mail.mail"].search([])
        self.start_tour(
            "/odoo/action-account_payment_followup.followup_send_action",
            "account_payment_followup_leftovers_tour",
            login="admin",
        )
        mails = self.env["mail.mail"].search([("id", "not in", existing.ids)])
        self.assertEqual(mails.recipient_ids, self.tour_customer)
        self.assertEqual(no_mail_invoice.followup_line_id, self.levels[0])
        letter = self.env["followup.reminder"].search([("partner_id", "=", no_mail.id)])
        self.assertRecordValues(letter, [{"channel": "letter", "state": "done"}])

    def test_auto_send_off_after_install_tour(self):
        """Installed on a database with overdue invoices: automatic sending is
        off in the settings, and the daily run e-mails nobody."""
        existing = self.env["mail.mail"].search([])
        self.env.ref(
            "account_payment_followup.followup_send_ir_cron"
        ).method_direct_trigger()
        self.assertFalse(self.env["mail.mail"].search([("id", "not in", existing.ids)]))
        self.start_tour(
            "/odoo/settings#account",
            "account_payment_followup_auto_send_off_tour",
            login="admin",
        )
