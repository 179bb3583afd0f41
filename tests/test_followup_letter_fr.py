# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import re
from datetime import date

import lxml.html

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import FollowupCommon, pdf_pages

FOLLOWUP_DATE = date(2026, 11, 26)
NBSP = "\u00a0"


@tagged("post_install", "-at_install")
class TestFollowupLetterFr(FollowupCommon):
    """The letter and the e-mail as a customer reads them: place and date, a
    subject, a signature, the items table, French typography."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "name": "Atelier Durand SARL",
                "city": "Lyon",
                "zip": "69002",
                "street": "12 rue de la République",
                "country_id": cls.env.ref("base.fr").id,
                "email": "compta@durand.example",
            }
        )
        cls.marie = new_test_user(
            cls.env,
            login="fu_marie",
            name="Marie Dupont",
            email="marie@durand.example",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.marie.partner_id.function = "Responsable du recouvrement"
        cls.invoice_1 = cls._create_invoice(
            cls.customer, 456.0, "2026-06-01", "2026-06-29"
        )
        cls.invoice_2 = cls._create_invoice(
            cls.customer, 1234.5, "2026-06-15", "2026-07-15"
        )

    def _send(self, channel="letter", user=None):
        """Send Reminders for the customer at its second level, as ``user``."""
        wizard = (
            self.env["followup.send"]
            .with_user(user or self.marie)
            .with_company(self.company)
            .create(
                {
                    "company_id": self.company.id,
                    "date": FOLLOWUP_DATE,
                    "due_limit": FOLLOWUP_DATE,
                    "partner_ids": [Command.set(self.customer.ids)],
                }
            )
        )
        wizard.line_ids.level_id = self.levels[1]
        if channel == "letter":
            wizard.action_print()
        else:
            self._send_by_email(wizard)
        return wizard.reminder_ids.sudo()

    def _letter_html(self, reminder):
        html = self.env["ir.actions.report"]._render_qweb_html(
            "account_payment_followup.followup_reminder_report", reminder.ids
        )[0]
        return lxml.html.fromstring(html)

    @staticmethod
    def _text(node):
        return " ".join(node.text_content().split())

    def _activate_french(self):
        """French installed, with the module's translations; the customer and
        Marie read French; the company's levels (copied from the module's
        before French was installed) take their French messages."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_payment_followup"], ["fr_FR"]
        )
        (self.customer | self.marie.partner_id).lang = "fr_FR"
        for number, level in enumerate(self.levels):
            source = (
                self.env.ref(f"account_payment_followup.followup_line_level_{number}")
                .sudo()
                .with_context(lang="fr_FR")
            )
            level.with_context(lang="fr_FR").description = source.description

    # ------------------------------------------------------------------ letter
    def test_letter_place_date_subject_and_signature(self):
        reminder = self._send()
        letter = " ".join(" ".join(pdf_pages(reminder.attachment_id.raw)).split())
        self.assertIn("Lyon, November 26, 2026", letter)
        self.assertIn(
            f"Subject: Payment reminder no. 2 Reference: {reminder.name}", letter
        )
        # the signature: who sends and their role, then the company, once
        self.assertTrue(
            reminder.message.endswith(
                "Marie Dupont\nResponsable du recouvrement\nAtelier Durand SARL"
            )
        )
        self.assertEqual(reminder.message.count("Atelier Durand SARL"), 1)
        self.assertNotIn("--", reminder.message)
        self.assertIn(
            "Best regards, Marie Dupont Responsable du recouvrement "
            "Atelier Durand SARL",
            letter,
        )
        # « n° » and its number never part
        subject = self._letter_html(reminder).xpath("//*[@name='followup_subject']")
        self.assertIn(f"no.{NBSP}2", subject[0].text_content())

    def test_signature_of_the_daily_run_without_responsible(self):
        """Nobody signs: the company's name closes the letter, once."""
        root = self.env.ref("base.user_root")
        reminder = self._send(user=root)
        self.assertTrue(
            reminder.message.endswith("Best regards,\n\nAtelier Durand SARL")
        )
        self.assertEqual(reminder.message.count("Atelier Durand SARL"), 1)

    def test_no_logo_placeholder(self):
        """A company without a logo prints none (not Odoo's « Your logo »);
        its own logo is printed."""
        self.assertTrue(self.company.uses_default_logo)
        reminder = self._send()
        self.assertFalse(self._letter_html(reminder).xpath("//img[@alt='Logo']"))
        logo = (
            b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
            b"hQGAhKmMIQAAAABJRU5ErkJggg=="
        )
        self.company.logo = logo
        self.assertFalse(self.company.uses_default_logo)
        images = self._letter_html(reminder).xpath("//img[@alt='Logo']")
        self.assertEqual(len(images), 1)
        self.assertIn(logo.decode()[:20], images[0].get("src"))

    # ------------------------------------------------------------------ e-mail
    def test_email_signature_and_table_columns(self):
        existing = self.env["mail.mail"].search([])
        self._send("email")
        mail = self.env["mail.mail"].search([("id", "not in", existing.ids)])
        body = lxml.html.fromstring(mail.body_html)
        text = self._text(body)
        self.assertIn(
            "Marie Dupont Responsable du recouvrement Atelier Durand SARL", text
        )
        self.assertNotIn("--", text)
        # the columns keep apart in mail clients that drop styles: the table's
        # own cell padding, amounts and dates that never wrap
        [table] = body.xpath("//table[hasclass('o_main_table')]")
        self.assertGreaterEqual(int(table.get("cellpadding") or 0), 4)
        for row in table.xpath(".//tbody/tr[td[2]]"):
            cells = row.xpath("./td")
            for cell in cells[1:5]:
                if self._text(cell):
                    style = (cell.get("style") or "").replace(" ", "")
                    self.assertIn("white-space:nowrap", style)
        row = table.xpath(f".//tr[contains(., '{self.invoice_1.name}')]")[0]
        self.assertEqual(
            [self._text(cell) for cell in row.xpath("./td")],
            [
                self.invoice_1.name,
                "06/01/2026",
                "$ 456.00",
                "06/29/2026",
                "$ 456.00",
                "2",
            ],
        )

    # ------------------------------------------------------------------ French
    def test_french_letter_and_email(self):
        """As a French customer reads them (with the French translations):
        « Lyon, le 26 novembre 2026 », « Objet : », French typography."""
        self._activate_french()
        reminder = self._send()
        letter = " ".join(" ".join(pdf_pages(reminder.attachment_id.raw)).split())
        self.assertIn("Lyon, le 26 novembre 2026", letter)
        self.assertRegex(letter, r"Objet\s:\sLettre de relance n°\s2\b")
        html = self._letter_html(reminder)
        place = html.xpath("//p[@name='followup_place_date']")[0].text_content()
        self.assertEqual(place.strip(), "Lyon, le 26 novembre 2026")
        subject = html.xpath("//*[@name='followup_subject']")[0].text_content()
        self.assertEqual(
            re.sub(r"[ \t\n]+", " ", subject).strip(),
            f"Objet{NBSP}: Lettre de relance n°{NBSP}2",
        )
        # no ordinary space before « : ; ! ? » anywhere the customer reads
        for node in html.xpath("//div[hasclass('page')]") + html.xpath(
            "//div[@name='followup_company_identity']"
        ):
            content = node.text_content()
            for mark in ":;!?":
                self.assertNotIn(f" {mark}", content, f"« {mark} » in {content!r}")
        # the first of the month: « 1er »
        reminder.date = date(2026, 12, 1)
        place = self._letter_html(reminder).xpath("//p[@name='followup_place_date']")
        self.assertEqual(place[0].text_content().strip(), "Lyon, le 1er décembre 2026")

    def test_french_typography_of_a_message(self):
        """A French message typed with ordinary spaces reads with French
        typography; the same text in English is left as it is."""
        self._activate_french()
        level = self.levels[0].with_context(lang="fr_FR")
        level.description = (
            "Bonjour %(partner_name)s,\nMontant : %(amount_due)s ; "
            "réglez-le vite ! Une question ? Remise de 10 % (« avoir »), "
            "relance nº 2, heure 10:30 sur https://exemple.fr."
        )
        message = level._render_message(
            {"partner_name": "ACME", "amount_due": f"100,00{NBSP}€"}
        )
        self.assertEqual(
            message,
            "Bonjour ACME,\nMontant\u00a0: 100,00\u00a0€\u00a0; réglez-le vite\u00a0! "
            "Une question\u00a0? Remise de 10\u00a0% («\u00a0avoir\u00a0»), relance "
            "n°\u00a02, heure 10:30 sur https://exemple.fr.",
        )
        english = self.levels[0].with_context(lang="en_US")
        english.description = "Amount : %(amount_due)s"
        self.assertEqual(
            english._render_message({"amount_due": "$ 100.00"}),
            "Amount : $ 100.00",
        )

    def test_preview_of_a_french_letter(self):
        """The preview shows the letter as printed, in French."""
        self._activate_french()
        wizard = (
            self.env["followup.send"]
            .with_user(self.marie)
            .create({"date": FOLLOWUP_DATE, "due_limit": FOLLOWUP_DATE})
        )
        preview = wizard.line_ids.get_followup_preview()
        letter = pdf_pages(base64.b64decode(preview["letter"]["content"]))
        self.assertIn("Lyon, le 26 novembre 2026", " ".join(" ".join(letter).split()))
