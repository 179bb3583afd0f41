# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupLevelEditing(FollowupCommon):
    """Levels as the accountant edits them on the policy's form."""

    def test_new_level_starts_after_the_last_one(self):
        """A level added with "Add a line" is due after the last level, spaced
        as the levels before it, with the default message and no e-mail."""
        with Form(self.policy) as form:
            with form.line_ids.new() as line:
                self.assertEqual(line.delay, 75)
                self.assertFalse(line.send_email)
                self.assertFalse(line.mail_template_id)
                line.name = "Level 5: Collection agency"
            # after the level just added, not yet saved
            with form.line_ids.new() as line:
                self.assertEqual(line.delay, 90)
                line.name = "Level 6: Court"
        fifth, sixth = self.policy.line_ids.sorted("delay")[-2:]
        self.assertRecordValues(
            fifth | sixth,
            [
                {"delay": 75, "send_email": False, "mail_template_id": False},
                {"delay": 90, "send_email": False, "mail_template_id": False},
            ],
        )
        # the default message makes a letter that reads well
        message = fifth._render_message(
            {
                "partner_name": "Professionnel France",
                "date": "03/01/2026",
                "amount_overdue": "$ 1,500.00",
                "user_signature": "Marie Dupont",
                "company_name": "Atelier Durand SARL",
            }
        )
        self.assertTrue(message.startswith("Dear Professionnel France,\n"))
        self.assertIn("overdue balance of $ 1,500.00", message)
        self.assertTrue(message.endswith("Marie Dupont\nAtelier Durand SARL"))

    def test_first_level_of_a_new_policy(self):
        with Form(self.env["followup.policy"]) as form:
            form.name = "Strict"
            form.is_default = False
            with form.line_ids.new() as line:
                self.assertEqual(line.delay, 15)
                line.name = "Level 1: 15 days"
            with form.line_ids.new() as line:
                self.assertEqual(line.delay, 30)
                line.name = "Level 2: 30 days"
        self.assertEqual(form.record.line_ids.mapped("delay"), [15, 30])

    def test_email_follows_the_template(self):
        """Choosing a template turns the e-mail on; turning the e-mail on
        without a template shows the template that will be sent."""
        other = self.env["mail.template"].create(
            {
                "name": "Firm reminder",
                "model_id": self.env.ref(
                    "account_payment_followup.model_followup_reminder"
                ).id,
                "subject": "Reminder",
            }
        )
        default = self.env.ref("account_payment_followup.followup_mail_template")
        with Form(self.policy) as form:
            with form.line_ids.new() as line:
                line.name = "Level 5"
                line.send_email = True
                self.assertEqual(line.mail_template_id, default)
            with form.line_ids.new() as line:
                line.name = "Level 6"
                line.mail_template_id = other
                self.assertTrue(line.send_email)
        fifth, sixth = self.policy.line_ids.sorted("delay")[-2:]
        self.assertEqual(fifth.mail_template_id, default)
        self.assertEqual(sixth.mail_template_id, other)
        self.assertTrue(sixth.send_email)

    def test_levels_created_by_code_keep_their_defaults(self):
        level = self.env["followup.line"].create(
            {"policy_id": self.policy.id, "name": "Level 5", "delay": 75}
        )
        self.assertTrue(level.send_email)
        self.assertFalse(level.description)

    # ------------------------------------------------------------------ "%"
    def test_percent_sign_of_french_text(self):
        """A "%" that cannot start a placeholder is a percent sign."""
        level = self.levels[0]
        level.description = (
            "Remise de 10%HT, soit 5 % par an (10 %(hors taxes)), "
            "au taux de 3%/an : %(amount_due)s."
        )
        self.assertEqual(
            level._render_message({"amount_due": "100,00 €"}),
            "Remise de 10%HT, soit 5 % par an (10 %(hors taxes)), "
            "au taux de 3%/an : 100,00 €.",
        )

    def test_percent_that_reads_as_a_placeholder_is_explained(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        # the message is written in French, the language of the text checked
        for text, expected in (
            ("Soit 5%d'escompte", "mettez une espace après"),
            ("Soit 10%(HT)", "mettez une espace après"),
            ("Dear %(partner_name), please pay", "%(partner_name)s"),
        ):
            with (
                self.subTest(text=text),
                self.assertRaises(ValidationError) as caught,
            ):
                self.levels[0].with_context(lang="fr_FR").description = text
            message = str(caught.exception)
            self.assertIn(expected, message)
            self.assertIn("French", message)
            self.assertNotIn("fr_FR", message)
