# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import shutil

from odoo import fields
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

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

    def test_levels_tour(self):
        self.start_tour(
            "/odoo/action-account_payment_followup.followup_policy_action",
            "account_payment_followup_levels_tour",
            login="admin",
        )
        self.assertEqual(self.policy.line_ids.mapped("delay"), [15, 30, 45, 60, 75])
        self.assertEqual(self.policy.line_ids[-1].name, "Level 5: Collection agency")

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
