# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupPolicy(FollowupCommon):
    # ------------------------------------------------------------------ default data
    def test_default_policy_and_levels(self):
        self.assertEqual(self.policy.name, "Default follow-up")
        self.assertTrue(self.policy.is_default)
        self.assertRecordValues(
            self.levels,
            [
                {
                    "name": "Level 1: 15 days net",
                    "delay": 15,
                    "term_type": "net_days",
                    "level_number": 1,
                },
                {
                    "name": "Level 2: 30 days net",
                    "delay": 30,
                    "term_type": "net_days",
                    "level_number": 2,
                },
                {
                    "name": "Level 3: 45 days net",
                    "delay": 45,
                    "term_type": "net_days",
                    "level_number": 3,
                },
                {
                    "name": "Level 4: Litigation",
                    "delay": 60,
                    "term_type": "net_days",
                    "level_number": 4,
                },
            ],
        )
        for level in self.levels:
            self.assertIn("%(company_name)s", level.description)
            self.assertFalse(level._message_error(level.description))
        self.assertTrue(self.levels[-1].manual_action)
        # the formal notice is a registered letter, never an unattended e-mail
        self.assertRecordValues(
            self.levels,
            [
                {"send_email": True, "registered_mail": False, "auto_send": True},
                {"send_email": True, "registered_mail": False, "auto_send": True},
                {"send_email": True, "registered_mail": False, "auto_send": True},
                {"send_email": False, "registered_mail": True, "auto_send": False},
            ],
        )
        # penalties are due without any reminder: no text says a letter starts them
        for level in self.levels:
            self.assertNotIn("makes legal", level.description)
            self.assertNotIn("we will have to charge", level.description)

    def test_default_data_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_payment_followup"], ["fr_FR"]
        )
        self.env.invalidate_all()
        data_policy = self.env.ref(
            "account_payment_followup.followup_policy_default"
        ).sudo()
        # a company created now gets a copy with both languages
        new_company = self.env["res.company"].create({"name": "Filiale Nantes"})
        copied_policy = self.env["followup.policy"]._get_company_default(new_company)
        for policy in data_policy | copied_policy:
            policy_fr = policy.with_context(lang="fr_FR")
            self.assertEqual(policy_fr.name, "Suivi par défaut")
            self.assertEqual(
                policy_fr.line_ids.sorted("delay").mapped("name"),
                [
                    "Niveau 1 : 15 jours net",
                    "Niveau 2 : 30 jours net",
                    "Niveau 3 : 45 jours net",
                    "Niveau 4 : Contentieux",
                ],
            )
            text_fr = policy_fr.line_ids.sorted("delay")[0].description
            self.assertIn("Madame, Monsieur", text_fr)
            self.assertIn("%(user_signature)s", text_fr)
            self.assertEqual(
                policy.with_context(lang="en_US").name, "Default follow-up"
            )

    def test_new_company_gets_default_policy(self):
        company = self.env["res.company"].create({"name": "Filiale Lyon"})
        policy = self.env["followup.policy"]._get_company_default(company)
        self.assertEqual(policy.company_id, company)
        self.assertEqual(policy.line_ids.mapped("delay"), [15, 30, 45, 60])
        self.assertEqual(policy.line_ids.company_id, company)
        # the original policy is untouched
        self.assertEqual(self.policy.company_id, self.company)

    # ------------------------------------------------------------------ validation
    def test_message_unknown_key_refused_at_save(self):
        with self.assertRaises(ValidationError) as caught:
            self.levels[0].description = "Dear %(partner)s, please pay."
        message = str(caught.exception)
        self.assertIn("%(partner)s", message)
        for key in ("partner_name", "date", "user_signature", "company_name"):
            self.assertIn(f"%({key})s", message)

    def test_message_malformed_refused(self):
        for text in (
            "Dear %(partner_name, please pay",
            "Dear %s, please pay",
            "Amount %(amount_due)",
            "Amount %(amount_due)d",
            # conversions, flags, widths: they broke letters or took gigabytes
            "Dear %(partner_name)c",
            "Dear %(partner_name)20000000s",
            "Dear %(partner_name)200000000s",
            "Dear %(partner_name)900000000000000000s",
            "Dear %(partner_name)-5s",
            "Dear %(partner_name).3s",
            "Total %5d",
            # a message a letter cannot hold
            "Dear %(partner_name)s, " + "x" * 4000,
        ):
            with self.subTest(text=text[:60]), self.assertRaises(ValidationError):
                self.levels[0].description = text

    def test_message_percent_sign_in_text(self):
        # a "%" that cannot start a placeholder is a percent sign (French text)
        level = self.levels[0]
        level.description = "Remise de 10 % de %(amount_due)s, soit 5% d'escompte"
        self.assertEqual(
            level._render_message({"amount_due": "100,00 €"}),
            "Remise de 10 % de 100,00 €, soit 5% d'escompte",
        )

    def test_message_valid_accepted_and_rendered(self):
        level = self.levels[0]
        level.description = (
            "Dear %(partner_name)s, on %(date)s we ask 5%% — %(company_name)s"
        )
        self.assertEqual(
            level._render_message(
                {"partner_name": "ACME", "date": "01/02/2026", "company_name": "Durand"}
            ),
            "Dear ACME, on 01/02/2026 we ask 5% — Durand",
        )

    def test_message_checked_in_every_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        with self.assertRaises(ValidationError) as caught:
            self.levels[0].with_context(lang="fr_FR").description = "Bonjour %(client)s"
        # the language is named as users know it, not by its code
        self.assertIn("French", str(caught.exception))
        self.assertNotIn("fr_FR", str(caught.exception))

    def test_unique_delay_per_policy(self):
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["followup.line"].create(
                {"policy_id": self.policy.id, "name": "Again 30", "delay": 30}
            )
        # the same delay in another policy is fine
        other = self.env["followup.policy"].create(
            {"name": "Strict", "is_default": False}
        )
        self.env["followup.line"].create(
            {"policy_id": other.id, "name": "Thirty", "delay": 30}
        )

    def test_delay_out_of_range_refused_at_save(self):
        # negative, then values that broke the customer list (year 10240), the
        # daily run, or the database (integer out of range)
        for delay in (-5, 3651, 3_000_000, 2_147_483_647, 2**31):
            with self.subTest(delay=delay):
                with self.assertRaises(ValidationError):
                    self.env["followup.line"].create(
                        {"policy_id": self.policy.id, "name": "Odd", "delay": delay}
                    )
                with self.assertRaises(ValidationError):
                    self.levels[0].write({"delay": delay})
        self.assertEqual(self.levels[0].delay, 15)

    def test_levels_ordered_by_delay(self):
        with Form(self.policy) as form:
            with form.line_ids.new() as line:
                line.name = "Level 0b: 20 days"
                line.delay = 20
        self.assertEqual(self.policy.line_ids.mapped("delay"), [15, 20, 30, 45, 60])
        self.assertEqual(self.policy.line_ids[1].level_number, 2)
        self.assertEqual(self.levels[0]._get_next_level().delay, 20)
        self.assertFalse(self.levels[-1]._get_next_level())

    def test_single_default_policy_per_company(self):
        with self.assertRaises(ValidationError):
            self.env["followup.policy"].create(
                {"name": "Second default", "is_default": True}
            )
        # a non-default policy is allowed; the default moves by unticking it first
        other = self.env["followup.policy"].create({"name": "VIP", "is_default": False})
        self.policy.is_default = False
        other.is_default = True
        self.policy.active = False
        self.assertEqual(
            self.env["followup.policy"]._get_company_default(self.company), other
        )

    # ------------------------------------------------------------------ term types
    def _level(self, delay, term_type):
        return self.env["followup.line"].new(
            {
                "policy_id": self.policy.id,
                "name": "t",
                "delay": delay,
                "term_type": term_type,
            }
        )

    def test_threshold_net_days(self):
        level = self._level(15, "net_days")
        self.assertEqual(
            level._get_threshold_dates([date(2026, 1, 20), date(2026, 2, 20)]),
            {date(2026, 1, 20): date(2026, 2, 4), date(2026, 2, 20): date(2026, 3, 7)},
        )

    def test_threshold_end_of_month(self):
        level = self._level(15, "end_of_month")
        self.assertEqual(
            level._get_threshold_dates([date(2026, 1, 20), date(2026, 1, 31)]),
            {
                date(2026, 1, 20): date(2026, 2, 15),
                date(2026, 1, 31): date(2026, 2, 15),
            },
        )
        # February of a leap year ends on the 29th
        self.assertEqual(
            self._level(0, "end_of_month")._get_threshold_dates([date(2028, 2, 3)]),
            {date(2028, 2, 3): date(2028, 2, 29)},
        )
        self.assertEqual(
            self._level(30, "end_of_month")._get_threshold_dates([date(2026, 12, 5)]),
            {date(2026, 12, 5): date(2027, 1, 30)},
        )

    def test_threshold_working_days_weekend_and_holiday(self):
        calendar = self.company.resource_calendar_id
        calendar.tz = "Europe/Paris"
        due = date(2026, 4, 30)  # a Thursday; Friday 1 May 2026 is Labour Day
        level_1, level_3 = (
            self._level(1, "working_days"),
            self._level(3, "working_days"),
        )
        # without the holiday: Friday, then across the week-end
        self.assertEqual(level_1._get_threshold_dates([due]), {due: date(2026, 5, 1)})
        self.assertEqual(level_3._get_threshold_dates([due]), {due: date(2026, 5, 5)})
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Fête du Travail",
                "calendar_id": calendar.id,
                "date_from": "2026-04-30 22:00:00",
                "date_to": "2026-05-01 21:59:59",
            }
        )
        # 1 May is skipped, then the week-end: Monday 4 May
        self.assertEqual(level_1._get_threshold_dates([due]), {due: date(2026, 5, 4)})
        self.assertEqual(level_3._get_threshold_dates([due]), {due: date(2026, 5, 6)})
        # due on a Saturday: the first working day after it is Monday
        self.assertEqual(
            level_1._get_threshold_dates([date(2026, 5, 9)]),
            {date(2026, 5, 9): date(2026, 5, 11)},
        )
        # a long delay spanning months, many due dates at once
        dues = [date(2026, 1, 5), date(2026, 3, 31), date(2026, 12, 24)]
        result = self._level(20, "working_days")._get_threshold_dates(dues)
        self.assertEqual(result[date(2026, 1, 5)], date(2026, 2, 2))
        self.assertEqual(result[date(2026, 3, 31)], date(2026, 4, 28))
        self.assertEqual(result[date(2026, 12, 24)], date(2027, 1, 21))

    # ------------------------------------------------------------------ security
    def test_access_rights(self):
        policy_as_invoicing = self.policy.with_user(self.user_invoice)
        self.assertEqual(policy_as_invoicing.name, "Default follow-up")
        self.assertEqual(len(policy_as_invoicing.line_ids), 4)
        with self.assertRaises(AccessError):
            policy_as_invoicing.name = "Mine"
        with self.assertRaises(AccessError):
            self.levels[0].with_user(self.user_invoice).delay = 10
        with self.assertRaises(AccessError):
            self.env["followup.line"].with_user(self.user_invoice).create(
                {"policy_id": self.policy.id, "name": "X", "delay": 90}
            )
        self.levels[0].with_user(self.user_manager).delay = 10
        self.assertEqual(self.levels[0].delay, 10)
        plain_user = new_test_user(self.env, login="fu_plain", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.policy.with_user(plain_user).read(["name"])

    def test_multi_company_isolation(self):
        other_company = self.setup_other_company(name="Other Co")["company"]
        other_policy = self.env["followup.policy"]._get_company_default(other_company)
        self.assertTrue(other_policy)
        Policy = self.env["followup.policy"].with_user(self.user_manager)
        self.assertEqual(Policy.search([]), self.policy)
        self.assertFalse(
            self.env["followup.line"]
            .with_user(self.user_manager)
            .search([("company_id", "=", other_company.id)])
        )
        with self.assertRaises(AccessError):
            other_policy.with_user(self.user_manager).read(["name"])
        # a user of both companies sees both
        self.user_manager.company_ids = [Command.link(other_company.id)]
        self.assertEqual(
            Policy.with_context(
                allowed_company_ids=[self.company.id, other_company.id]
            ).search([]),
            self.policy | other_policy,
        )

    def test_working_days_without_schedule_count_monday_to_friday(self):
        """A company without working schedule never breaks screens: its
        working-day levels count Monday to Friday."""
        level = self._level(3, "working_days")
        self.company.resource_calendar_id = False
        # Friday 6 March 2026 + 3 working days = Wednesday 11 March
        self.assertEqual(
            level._get_threshold_dates([date(2026, 3, 6)]),
            {date(2026, 3, 6): date(2026, 3, 11)},
        )
        self.levels[0].term_type = "working_days"
        self._create_invoice(self.customer, 50.0, "2026-01-01", "2026-01-10")
        customer = self.customer.with_context(followup_date="2026-03-01")
        self.assertEqual(customer.followup_status, "action")

    # ------------------------------------------------------------------ colour
    def test_level_colour_set_on_the_level_form_and_shown(self):
        """ISAGRI: « le niveau de relance sera indiqué avec une couleur
        distinctive »: green to red by default, chosen on the level form, and
        carried wherever the level is shown (Send Reminders, customer,
        invoice)."""
        self.assertEqual(self.levels.mapped("color"), [10, 3, 2, 1])
        with Form(self.levels[0]) as form:
            form.color = 5
        self.assertEqual(self.levels[0].color, 5)
        # a new level takes the colour of its rank; a colour given is kept
        fifth = self.env["followup.line"].create(
            {"policy_id": self.policy.id, "name": "Level 5", "delay": 90}
        )
        chosen = self.env["followup.line"].create(
            {"policy_id": self.policy.id, "name": "Level 6", "delay": 120, "color": 7}
        )
        self.assertEqual((fifth.color, chosen.color), (9, 7))
        invoice = self._create_invoice(self.customer, 100.0, "2026-01-01", "2026-01-01")
        wizard = self.env["followup.send"].create(
            {"date": date(2026, 3, 1), "due_limit": date(2026, 3, 1)}
        )
        line = wizard.line_ids.filtered(lambda ln: ln.partner_id == self.customer)
        self.assertEqual(line.level_id, self.levels[0])
        self.assertEqual(line.level_color, 5)
        wizard.action_print()
        wizard.action_confirm()
        self.assertEqual(invoice.followup_line_color, 5)
        customer = self.customer.with_context(followup_date=date(2026, 3, 1))
        self.assertEqual(customer.followup_line_color, 5)
