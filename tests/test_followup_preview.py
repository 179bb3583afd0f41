# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from datetime import date

import lxml.html

from odoo.tests import Form, tagged

from .common import FollowupSendCommon, pdf_pages

TODAY = date(2026, 3, 1)


@tagged("post_install", "-at_install")
class TestFollowupPreview(FollowupSendCommon):
    """Send Reminders previews any customer's letter and e-mail from its line,
    as they would leave, without changing the wizard or keeping anything."""

    def _form(self):
        return Form(
            self.env["followup.send"].create({"date": TODAY, "due_limit": TODAY})
        )

    @staticmethod
    def _line(wizard, partner):
        return wizard.line_ids.filtered(lambda line: line.partner_id == partner)

    @staticmethod
    def _letter_text(preview):
        letter = preview["letter"]
        if letter["kind"] == "pdf":
            return " ".join(pdf_pages(base64.b64decode(letter["content"])))
        return lxml.html.fromstring(letter["content"]).text_content()

    @staticmethod
    def _body_text(preview):
        return " ".join(
            lxml.html.fromstring(preview["email"]["body"]).text_content().split()
        )

    def test_preview_of_a_line_follows_the_wizard(self):
        """The letter and the e-mail of the line's customer, with the invoices
        ticked, the level chosen and the run's message; the wizard is left as
        it is and nothing is kept."""
        with self._form() as form:
            form.message = "Our bank details change on 1 April."
            with form.line_ids.edit(0) as line:
                self.assertEqual(line.partner_id, self.alpha)
                line.level_id = self.levels[1]
                with line.item_ids.edit(1) as item:
                    self.assertEqual(item.move_id, self.alpha_2)
                    item.included = False
        wizard = form.record
        line = self._line(wizard, self.alpha)
        action = line.action_preview()
        # a dialog over the wizard, not a page that replaces it
        self.assertEqual(action["type"], "ir.actions.client")
        self.assertEqual(action["tag"], "account_payment_followup.preview")
        self.assertEqual(action["params"]["line_ids"], line.ids)
        sequence = self.env["followup.reminder"]._company_sequence(self.company)
        next_number = sequence.number_next_actual

        preview = line.get_followup_preview()

        self.assertEqual(preview["title"], "Alpha Bâtiment")
        self.assertFalse(preview["warning"])
        # the letter as it is printed: a PDF
        self.assertEqual(preview["letter"]["kind"], "pdf")
        letter = self._letter_text(preview)
        self.assertIn("Alpha Bâtiment", letter)
        self.assertRegex(letter, r"Payment reminder no\.\s2\b")
        self.assertIn(self.alpha_1.name, letter)
        self.assertNotIn(self.alpha_2.name, letter)
        self.assertIn("1,200.00", letter)
        self.assertIn("Our bank details change on 1 April.", letter)
        # the e-mail: where it goes, its subject and body, the letter attached
        email = preview["email"]
        self.assertFalse(email["warning"])
        self.assertIn("a@alpha.fr", email["email_to"])
        self.assertIn(self.env.user.email, email["email_from"])
        self.assertIn("Payment reminder no. 2", email["subject"])
        body = self._body_text(preview)
        self.assertIn("Alpha Bâtiment", body)
        self.assertIn(self.alpha_1.name, body)
        self.assertNotIn(self.alpha_2.name, body)
        self.assertIn("Our bank details change on 1 April.", body)
        # the reference it would get, none used up
        reference = sequence.get_next_char(next_number)
        self.assertIn(reference, email["subject"])
        self.assertEqual(email["attachment"], reference.replace("/", "-") + ".pdf")
        self.assertEqual(sequence.number_next_actual, next_number)
        self.assertFalse(self._reminders(self.alpha))
        self.assertFalse((self.alpha_1 | self.alpha_2).followup_line_id)
        # the wizard kept the selection: printing reminds what was previewed
        self.assertEqual(line.level_id, self.levels[1])
        self.assertEqual(line.item_ids.filtered("included").move_id, self.alpha_1)
        (wizard.line_ids - line).selected = False
        wizard.action_print()
        self.assertEqual(wizard.reminder_ids.name, reference)
        self.assertEqual(wizard.reminder_ids.item_ids.move_id, self.alpha_1)

    def test_footer_preview_walks_through_the_selected_customers(self):
        with self._form() as form:
            pass
        wizard = form.record
        self._line(wizard, self.beta).selected = False
        action = wizard.action_preview()
        self.assertEqual(action["tag"], "account_payment_followup.preview")
        lines = wizard.line_ids.browse(action["params"]["line_ids"])
        self.assertEqual(
            lines.partner_id.mapped("name"), ["Alpha Bâtiment", "Gamma Sans Mail"]
        )
        # each one its own letter
        second = lines[1].get_followup_preview()
        self.assertIn("Gamma Sans Mail", self._letter_text(second))
        self.assertNotIn("Alpha Bâtiment", self._letter_text(second))

    def test_preview_of_a_customer_without_email_says_why(self):
        with self._form() as form:
            pass
        preview = self._line(form.record, self.gamma).get_followup_preview()
        self.assertIn("Gamma Sans Mail", self._letter_text(preview))
        self.assertEqual(preview["email"]["warning"], "no valid e-mail address")
        self.assertFalse(preview["email"]["email_to"])

    def test_preview_with_no_invoice_ticked(self):
        with self._form() as form:
            with form.line_ids.edit(1) as line:
                with line.item_ids.edit(0) as item:
                    item.included = False
        preview = self._line(form.record, self.beta).get_followup_preview()
        self.assertIn("nothing to remind", preview["warning"])
        self.assertFalse(preview["letter"])
