# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A broken follow-up configuration never makes a customer form, the customer
list, Send Reminders or the daily run fail, and never stops another company:
the company's follow-up responsible is told once per problem, and the Settings
page says what to fix.

Each test breaks company A as a hostile administrator would (through the
interface, or with SQL for what validation refuses); company B is correctly
configured and must be reminded whatever happens to A."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import FollowupCommon

TODAY = "2026-03-01"
LIST_FIELDS = [
    "display_name",
    "followup_status",
    "followup_next_line_id",
    "followup_amount_overdue",
    "followup_date",
]
QUIET = (
    "odoo.addons.account_payment_followup.models.followup_batch",
    "odoo.addons.account_payment_followup.models.followup_batch_send",
    "odoo.addons.account_payment_followup.models.followup_daily",
    "odoo.addons.account_payment_followup.models.followup_engine",
    "odoo.addons.account_payment_followup.models.followup_line",
)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestFollowupConfigErrors(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("account_payment_followup.followup_send_ir_cron")
        cls.level_0 = cls.levels[0]
        # 30 days late on 1 March: the first level (15 days) is due
        cls.invoice = cls._create_invoice(
            cls.customer, 100.0, "2026-01-01", "2026-01-31"
        )
        cls.company.write(
            {"followup_auto_send": True, "followup_responsible_id": cls.user_manager}
        )
        cls.company_b = cls.setup_other_company(name="Société B")["company"]
        cls.company_b.followup_auto_send = True
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Client de B", "email": "compta@client-b.example"}
        )
        cls._create_invoice(
            cls.customer_b, 70.0, "2026-01-01", "2026-01-31", company=cls.company_b
        )
        cls.admin = new_test_user(
            cls.env,
            login="fu_config_admin",
            groups="base.group_system,account.group_account_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    # ------------------------------------------------------------------ helpers
    def _corrupt(self, query):
        """What bypassed validation: written with SQL, seen by the next reads."""
        self.env.flush_all()
        self.env.cr.execute(query)
        self.env.invalidate_all()

    def _post_another_invoice(self, partner=None):
        """A billing user keeps working: the follow-up state of the company is
        computed again (on the next read here; at commit in production)."""
        return self._create_invoice(
            partner or self.customer, 20.0, "2026-02-20", "2026-02-28"
        )

    def _screens(self):
        """What a billing user of company A opens: the customer form, the
        customer list filtered on "Needs Follow-up" with the follow-up
        columns, Send Reminders. Returns (status on the form, customers in the
        list, customers in Send Reminders)."""
        user = self.user_invoice
        form = Form(self.customer.with_user(user))
        found = (
            self.env["res.partner"]
            .with_user(user)
            .web_search_read(
                [("followup_status", "=", "action")],
                {name: {} for name in LIST_FIELDS},
            )
        )
        wizard = self.env["followup.send"].with_user(user).create({})
        return (
            form.followup_status,
            {row["id"] for row in found["records"]},
            wizard.line_ids.partner_id,
        )

    def _run_cron(self):
        """The daily run, as the scheduler starts it: the reminder e-mails it
        queued."""
        before = self.env["mail.mail"].search([])
        with mute_logger(*QUIET):
            self.cron.method_direct_trigger()
        return self.env["mail.mail"].search(
            [("id", "not in", before.ids), ("model", "=", "followup.reminder")]
        )

    def _told(self, company):
        """The activities that tell the company's follow-up responsible what
        to fix."""
        return company.partner_id.activity_ids

    def _settings_problems(self):
        settings = Form(self.env["res.config.settings"].with_user(self.admin))
        return str(settings.followup_problems or "")

    def _assert_b_reminded_and_a_told(self, mails, expected):
        """B's customer is e-mailed whatever happens to A; A's follow-up
        responsible gets one activity that says ``expected``, and not another
        one the next day."""
        self.assertIn(self.customer_b, mails.recipient_ids)
        told = self._told(self.company)
        self.assertEqual(len(told), 1)
        self.assertEqual(told.user_id, self.user_manager)
        self.assertIn(expected, str(told.note))
        self._run_cron()
        self.assertEqual(self._told(self.company), told)
        return told

    # ------------------------------------------------------------------ probes
    def test_schedule_with_a_corrupted_time_zone(self):
        """A working schedule whose time zone was written with SQL: working-day
        levels count Monday to Friday, nothing fails."""
        self.level_0.term_type = "working_days"
        self._corrupt(
            SQL(
                "UPDATE resource_calendar SET tz = 'Mars/Olympus_Mons' WHERE id = %s",
                self.company.resource_calendar_id.id,
            )
        )
        self._post_another_invoice()
        with mute_logger(*QUIET):
            status, listed, in_wizard = self._screens()
        self.assertEqual(status, "action")
        self.assertIn(self.customer.id, listed)
        self.assertIn(self.customer, in_wizard)
        mails = self._run_cron()
        self.assertIn(self.customer, mails.recipient_ids)
        self._assert_b_reminded_and_a_told(mails, "Mars/Olympus_Mons")

    def test_schedule_without_working_hours(self):
        """A schedule that lost all its working hours: counted Monday to
        Friday, and said on the Settings page and to the responsible."""
        self.level_0.term_type = "working_days"
        schedule = self.company.resource_calendar_id
        schedule.attendance_ids.unlink()
        status, listed, in_wizard = self._screens()
        self.assertEqual(status, "action")
        self.assertIn(schedule.name, self._settings_problems())
        mails = self._run_cron()
        self.assertIn(self.customer, mails.recipient_ids)
        self._assert_b_reminded_and_a_told(mails, "has no working day")
        # hours back: no longer on the Settings page, the activity is closed
        schedule.attendance_ids = [
            Command.create(
                {
                    "name": "Monday",
                    "dayofweek": "0",
                    "hour_from": 8,
                    "hour_to": 17,
                }
            )
        ]
        self.assertNotIn(schedule.name, self._settings_problems())
        self._run_cron()
        self.assertFalse(self._told(self.company))

    def test_level_due_days_corrupted(self):
        """Due days written with SQL beyond what a date holds: the level is not
        sent, the customer shows the next one."""
        self.level_0.term_type = "working_days"
        self._corrupt(
            SQL(
                "UPDATE followup_line SET delay = 4000000 WHERE id = %s",
                self.level_0.id,
            )
        )
        self._post_another_invoice()
        status, _listed, _in_wizard = self._screens()
        # the second level (30 days) is due on 2 March
        self.assertEqual(status, "overdue")
        self.assertEqual(
            self.customer.with_context(followup_date="2026-03-02").followup_status,
            "action",
        )
        self.assertIn("4000000", self._settings_problems())
        mails = self._run_cron()
        self.assertNotIn(self.customer, mails.recipient_ids)
        self._assert_b_reminded_and_a_told(mails, "4000000 due days")

    def test_customer_policy_corrupted(self):
        """A customer's policy written with SQL as something that is not a
        policy: the customer follows the default policy in the list and Send
        Reminders. Odoo itself can no longer read that customer's
        company-dependent fields (its form fails whatever this module does),
        so the daily run stops on it when it plans the customer's review: the
        responsible is told, company B is reminded."""
        self.level_0.auto_send = False
        self._corrupt(
            SQL(
                "UPDATE res_partner SET followup_policy_id ="
                " jsonb_build_object(%s::text, 'abc') WHERE id = %s",
                self.company.id,
                self.customer.id,
            )
        )
        self._post_another_invoice(self.env["res.partner"].create({"name": "Autre"}))
        listed = (
            self.env["res.partner"]
            .with_user(self.user_invoice)
            .web_search_read(
                [("followup_status", "=", "action")],
                {name: {} for name in LIST_FIELDS},
            )
        )
        self.assertIn(self.customer.id, [row["id"] for row in listed["records"]])
        wizard = self.env["followup.send"].with_user(self.user_invoice).create({})
        self.assertIn(self.customer, wizard.line_ids.partner_id)
        mails = self._run_cron()
        self._assert_b_reminded_and_a_told(mails, "stopped on an error")

    def test_default_template_deleted(self):
        """The e-mail template of the levels deleted: nobody is e-mailed (nor
        marked as unreachable), each company's responsible is told once; a
        template chosen again and the customers are e-mailed."""
        self.env.ref("account_payment_followup.followup_mail_template").unlink()
        mails = self._run_cron()
        self.assertFalse(mails)
        self.assertFalse(self._reminders(self.customer))
        self.assertFalse(self.customer.activity_ids)
        self.assertEqual(len(self._told(self.company)), 1)
        self.assertEqual(len(self._told(self.company_b)), 1)
        self.assertIn("no e-mail template", str(self._told(self.company).note))
        self.assertIn(self.level_0.name, self._settings_problems())
        self.assertFalse(self._run_cron())
        self.assertEqual(len(self._told(self.company)), 1)
        # Send Reminders ▸ Send by E-mail says why instead of failing
        wizard = self._send_by_email(
            self.env["followup.send"].with_user(self.user_invoice).create({})
        )
        self.assertEqual(wizard.state, "done")
        self.assertIn("has no e-mail template", wizard.result)
        self.assertEqual(wizard.leftover_partner_ids, self.customer)
        # fixed on company A's levels: its customers are e-mailed
        template = self.env["mail.template"].create(
            {
                "name": "Relance",
                "model_id": self.env["ir.model"]._get_id("followup.reminder"),
                "subject": "Relance {{ object.name }}",
                "body_html": "<p>Merci de régler <t t-out='object.amount_due'/></p>",
            }
        )
        self.levels.mail_template_id = template
        mails = self._run_cron()
        self.assertEqual(mails.recipient_ids, self.customer)
        self.assertFalse(self._told(self.company))
        self.assertFalse(self._settings_problems())
        self.assertEqual(len(self._told(self.company_b)), 1)

    def test_template_of_another_model(self):
        """A level given (by import or SQL) a template meant for contacts:
        never rendered on the contact that happens to have the reminder's id,
        the responsible is told."""
        self.level_0.mail_template_id = self.env["mail.template"].create(
            {
                "name": "Contact greeting",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "subject": "Hello",
                "body_html": "<p>Hello <t t-out='object.name'/></p>",
            }
        )
        mails = self._run_cron()
        self.assertNotIn(self.customer, mails.recipient_ids)
        self.assertFalse(self._reminders(self.customer))
        self._assert_b_reminded_and_a_told(mails, "meant for other documents")

    def test_template_cannot_be_rendered(self):
        """A template that fails to render: the reminders fail, without an
        activity per customer; the responsible is told once; once corrected,
        the customers are e-mailed (their address was never at fault)."""
        template = self.env.ref("account_payment_followup.followup_mail_template")
        body = template.body_html
        template.body_html = '<p t-out="object.no_such_field"/>'
        self.assertFalse(self._run_cron())
        self.assertEqual(self._reminders(self.customer).state, "failed")
        self.assertFalse(self.customer.activity_ids)
        self.assertIn("cannot be rendered", str(self._told(self.company).note))
        self.assertEqual(len(self._told(self.company_b)), 1)
        self.assertIn(template.name, self._settings_problems())
        self._run_cron()
        self.assertEqual(len(self._told(self.company)), 1)
        self.assertFalse(self.customer.activity_ids)
        template.body_html = body
        mails = self._run_cron()
        self.assertEqual(mails.recipient_ids, self.customer | self.customer_b)
        self.assertFalse(self._told(self.company) | self._told(self.company_b))
        self.assertFalse(self._settings_problems())

    def test_letter_fails_for_one_company(self):
        """Company A's document layout breaks its letters: B is reminded, A's
        responsible is told once; the layout corrected, A's customers are
        e-mailed."""
        layout = self.company.external_report_layout_id
        broken = self.env["ir.ui.view"].create(
            {
                "name": "Broken layout",
                "type": "qweb",
                "key": "account_payment_followup.test_broken_layout",
                "arch": '<t t-name="account_payment_followup.test_broken_layout">'
                '<t t-out="1 / 0"/></t>',
            }
        )
        self.company.external_report_layout_id = broken
        mails = self._run_cron()
        self.assertEqual(mails.recipient_ids, self.customer_b)
        self.assertFalse(self.customer.activity_ids)
        self._assert_b_reminded_and_a_told(mails, "letters of")
        self.assertIn("division by zero", self._settings_problems())
        self.company.external_report_layout_id = layout
        mails = self._run_cron()
        self.assertEqual(mails.recipient_ids, self.customer)
        self.assertFalse(self._told(self.company))

    def test_company_without_email_address(self):
        """No address to send from: one activity for the company, not one per
        customer; B is reminded."""
        others = self.env["res.partner"].create(
            [{"name": f"Client {i}", "email": f"c{i}@example.com"} for i in range(3)]
        )
        for partner in others:
            self._create_invoice(partner, 50.0, "2026-01-01", "2026-01-31")
        self.company.email = False
        self.user_manager.email = False
        self.assertIn("no e-mail address", self._settings_problems())
        mails = self._run_cron()
        self.assertEqual(mails.recipient_ids, self.customer_b)
        self.assertFalse((self.customer | others).activity_ids)
        self._assert_b_reminded_and_a_told(mails, "no e-mail address")
        self.company.email = "compta@societe-a.example"
        mails = self._run_cron()
        self.assertEqual(mails.recipient_ids, self.customer | others)
        self.assertFalse(self._told(self.company))

    def test_policy_levels_all_archived(self):
        """Every level of the default policy archived: nothing fails, and the
        silence is told."""
        self.levels.action_archive()
        status, listed, in_wizard = self._screens()
        self.assertEqual(status, "overdue")
        self.assertNotIn(self.customer.id, listed)
        self.assertFalse(in_wizard)
        self.assertIn(self.policy.name, self._settings_problems())
        mails = self._run_cron()
        self._assert_b_reminded_and_a_told(mails, "has no active level")

    def test_level_message_corrupted(self):
        """A level's message written with SQL with placeholders validation
        refuses: not e-mailed to customers as is, the responsible is told."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE followup_line SET description = jsonb_build_object('en_US', %s)"
            " WHERE id = %s",
            ["Dear %(nope)s, pay %d now", self.level_0.id],
        )
        self.env.invalidate_all()
        self.assertEqual(self._screens()[0], "action")
        self.assertIn("%(nope)s", self._settings_problems())
        mails = self._run_cron()
        self.assertNotIn(self.customer, mails.recipient_ids)
        self._assert_b_reminded_and_a_told(mails, "%(nope)s")
