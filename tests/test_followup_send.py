# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import shutil
import subprocess
import tempfile
from datetime import date
from unittest.mock import patch

import lxml.html

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.base.models.ir_actions_report import IrActionsReport
from odoo.addons.base.models.ir_mail_server import IrMailServer

from .common import FollowupCommon

TODAY = date(2026, 3, 1)


def pdf_pages(pdf_bytes):
    """The text of each page of a PDF, through poppler's pdftotext."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf_bytes)
        handle.flush()
        text = subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@tagged("post_install", "-at_install")
class TestFollowupSend(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # wkhtmltopdf must not wait for this process' own HTTP server (test cursor)
        cls.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:1"
        )
        cls.company.write(
            {
                "name": "Atelier Durand SARL",
                "company_registry": "73282932000074",
                "vat": "FR44732829320",
                "email": "compta@durand.example",
                "phone": "+33 4 78 00 00 00",
            }
        )
        cls.env["res.partner.bank"].create(
            {
                "partner_id": cls.company.partner_id.id,
                "acc_number": "FR7630002005500000157845Z02",
            }
        )
        cls.level_0, cls.level_1 = cls.levels[:2]
        Partner = cls.env["res.partner"]
        cls.alpha = Partner.create(
            {"name": "Alpha Bâtiment", "email": "alpha@example.com", "ref": "ALPHA"}
        )
        cls.beta = Partner.create({"name": "Beta Conseil", "email": "beta@example.com"})
        cls.gamma = Partner.create(
            {"name": "Gamma Sans Mail", "street": "1 rue de Lyon"}
        )
        cls.delta = Partner.create(
            {"name": "Delta Pas Echu", "email": "delta@example.com"}
        )
        cls.alpha_1 = cls._create_invoice(cls.alpha, 1200.0, "2026-01-10", "2026-01-20")
        cls.alpha_2 = cls._create_invoice(cls.alpha, 300.0, "2026-01-25", "2026-02-05")
        cls.beta_1 = cls._create_invoice(cls.beta, 450.0, "2026-01-01", "2026-01-31")
        cls.gamma_1 = cls._create_invoice(cls.gamma, 80.0, "2026-01-05", "2026-01-05")
        cls.delta_1 = cls._create_invoice(cls.delta, 99.0, "2026-02-20", "2026-02-28")

    def _wizard(self, **values):
        return self.env["followup.send"].create(
            {"date": TODAY, "due_limit": TODAY, **values}
        )

    def _line(self, wizard, partner):
        return wizard.line_ids.filtered(lambda line: line.partner_id == partner)

    # ------------------------------------------------------------------ listing
    def test_wizard_lists_what_the_engine_says_is_due(self):
        wizard = self._wizard()
        expected = (
            self.env["res.partner"]
            .with_context(followup_date=TODAY)
            .search([("followup_status", "=", "action")])
        )
        self.assertEqual(wizard.line_ids.partner_id, expected)
        self.assertEqual(
            wizard.line_ids.partner_id, self.alpha | self.beta | self.gamma
        )
        alpha = self._line(wizard, self.alpha)
        self.assertRecordValues(
            alpha,
            [
                {
                    "amount_due": 1500.0,
                    "amount_overdue": 1500.0,
                    "level_id": self.level_0.id,
                    "invoice_count": 2,
                    "selected": True,
                }
            ],
        )
        self.assertEqual(alpha.item_ids.move_id, self.alpha_1 | self.alpha_2)
        # alpha_2 is overdue since 5 Feb, but its first level is due on 20 Feb
        self.assertEqual(alpha.item_ids.next_level_id, self.level_0)
        self.assertEqual(wizard.selected_count, 3)
        self.assertEqual(wizard.selected_amount, 1500.0 + 450.0 + 80.0)
        # "due date reached by" leaves the later invoices out
        early = self._wizard(due_limit=date(2026, 1, 25))
        self.assertEqual(self._line(early, self.alpha).item_ids.move_id, self.alpha_1)
        self.assertEqual(early.line_ids.partner_id, self.alpha | self.gamma)

    def test_wizard_from_selected_customers(self):
        wizard = (
            self.env["followup.send"]
            .with_context(
                active_model="res.partner", active_ids=(self.beta | self.delta).ids
            )
            .create({"date": TODAY, "due_limit": TODAY})
        )
        self.assertEqual(wizard.line_ids.partner_id, self.beta)
        action = self.beta.action_open_followup_send()
        self.assertEqual(action["res_model"], "followup.send")
        self.assertEqual(action["context"]["active_ids"], self.beta.ids)

    # ------------------------------------------------------------------ print
    def test_print_without_confirm_moves_nothing(self):
        wizard = self._wizard()
        wizard.action_print()
        self.assertEqual(wizard.state, "printed")
        self.assertTrue(wizard.letter_file)
        self.assertFalse((self.alpha_1 | self.beta_1 | self.gamma_1).followup_line_id)

    def test_print_confirm_moves_levels_and_dates(self):
        wizard = self._wizard()
        alpha = self._line(wizard, self.alpha)
        # leave alpha's second invoice out (not concerned)
        alpha.item_ids.filtered(
            lambda item: item.move_id == self.alpha_2
        ).included = False
        self._line(wizard, self.beta).selected = False
        wizard.action_print()
        wizard.action_confirm()
        self.assertEqual(wizard.state, "done")
        self.assertRecordValues(
            self.alpha_1 | self.alpha_2 | self.beta_1 | self.gamma_1,
            [
                {"followup_line_id": self.level_0.id, "followup_date": TODAY},
                {"followup_line_id": False, "followup_date": False},
                {"followup_line_id": False, "followup_date": False},
                {"followup_line_id": self.level_0.id, "followup_date": TODAY},
            ],
        )
        message = self.alpha.message_ids[0]
        self.assertIn("printed", message.body)
        self.assertIn(self.alpha_1.name, message.body)
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertIn(b"Alpha B", message.attachment_ids.raw)
        # the same day, nothing is due any more for them
        again = self._wizard()
        self.assertEqual(again.line_ids.partner_id, self.alpha | self.beta)
        self.assertEqual(
            self._line(again, self.alpha).item_ids.filtered("next_level_id").move_id,
            self.alpha_2,
        )

    def test_letter_content(self):
        self.alpha.lang = "en_US"
        letters = self.alpha._followup_letter_values(self.company, TODAY)
        letter = letters[self.alpha.id]
        self.assertEqual(letter["number"], 1)
        self.assertIn("Dear Alpha Bâtiment,", letter["message"])
        self.assertIn("Atelier Durand SARL", letter["message"])
        self.assertIn("L. 441-10", letter["legal_notice"])
        self.assertIn("D. 441-5", letter["legal_notice"])
        [block] = letter["currencies"]
        self.assertEqual(
            [line["name"] for line in block["lines"]],
            [self.alpha_1.name, self.alpha_2.name],
        )
        html = self.env["ir.actions.report"]._render_qweb_html(
            "account_payment_followup.report_followup_letter",
            self.alpha.ids,
            {"followup_date": "2026-03-01", "company_id": self.company.id},
        )[0]
        html = " ".join(lxml.html.fromstring(html).text_content().split())
        for text in (
            "Payment reminder no. 1",
            "ALPHA",
            "73282932000074",
            "FR44732829320",
            "FR7630002005500000157845Z02",
            self.alpha_1.name,
            "1,500.00",
        ):
            self.assertIn(text, html)

    def test_letter_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_payment_followup"], ["fr_FR"]
        )
        self.env.invalidate_all()
        # this company's levels were copied before French was loaded: take the
        # shipped French text of the module's own level
        shipped = self.env.ref("account_payment_followup.followup_line_level_0").sudo()
        self.level_0.with_context(lang="fr_FR").description = shipped.with_context(
            lang="fr_FR"
        ).description
        self.alpha.lang = "fr_FR"
        letter = self.alpha._followup_letter_values(self.company, TODAY)[self.alpha.id]
        self.assertIn("Madame, Monsieur", letter["message"])
        self.assertIn("Alpha Bâtiment", letter["message"])
        self.assertIn("01/03/2026", letter["place_date"])
        self.assertIn("Code de commerce", letter["legal_notice"])
        self.assertIn("40 €", letter["legal_notice"])

    def test_pdf_one_call_three_letters(self):
        if not shutil.which("pdftotext"):
            self.skipTest("pdftotext (poppler-utils) is not installed")
        partners = self.alpha | self.beta | self.gamma
        calls = []
        original = IrActionsReport._run_wkhtmltopdf

        def counting(report, *args, **kwargs):
            calls.append(args)
            return original(report, *args, **kwargs)

        with patch.object(IrActionsReport, "_run_wkhtmltopdf", counting):
            combined, documents, extension = partners.with_context(
                force_report_rendering=True
            )._followup_render_letters(self.company, TODAY)
        self.assertEqual(extension, "pdf")
        self.assertEqual(len(calls), 1)
        self.assertTrue(combined.startswith(b"%PDF"))
        self.assertEqual(set(documents), set(partners.ids))
        pages = pdf_pages(combined)
        self.assertEqual(len(pages), 3)
        for page, partner in zip(pages, partners, strict=True):
            self.assertIn(partner.name, page)
            self.assertIn("Payment reminder no. 1", page)
            # identity of the company, in the header and the letter
            for text in ("Atelier Durand SARL", "73282932000074", "FR44732829320"):
                self.assertIn(text, page)
        self.assertIn(f"Dear {self.alpha.name},", pages[0])
        for invoice in (self.alpha_1, self.alpha_2):
            self.assertIn(invoice.name, pages[0])
        self.assertIn("1,500.00", pages[0])
        self.assertIn(self.beta_1.name, pages[1])
        self.assertNotIn(self.alpha_1.name, pages[1])
        # each customer's own document is its letter alone
        self.assertEqual(len(pdf_pages(documents[self.beta.id])), 1)

    # ------------------------------------------------------------------ e-mail
    def test_send_email_queues_mails_with_letter(self):
        contact = self.env["res.partner"].create(
            {
                "name": "Service comptable",
                "parent_id": self.beta.id,
                "type": "invoice",
                "email": "factures@beta.example",
            }
        )
        wizard = self._wizard()
        existing = self.env["mail.mail"].search([])
        wizard.with_context(force_report_rendering=True).action_send_email()
        mails = self.env["mail.mail"].search([("id", "not in", existing.ids)])
        self.assertEqual(len(mails), 2)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        by_partner = {mail.res_id: mail for mail in mails}
        self.assertEqual(by_partner[self.alpha.id].recipient_ids, self.alpha)
        self.assertEqual(by_partner[self.beta.id].recipient_ids, contact)
        alpha_mail = by_partner[self.alpha.id]
        self.assertIn("Payment reminder no. 1", alpha_mail.subject)
        self.assertIn("Dear Alpha", alpha_mail.body_html)
        self.assertIn(self.alpha_1.name, alpha_mail.body_html)
        [attachment] = alpha_mail.attachment_ids
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertIn("Alpha", pdf_pages(attachment.raw)[0])
        # e-mailed customers moved, the one without e-mail did not and is reported
        self.assertEqual(
            (self.alpha_1 | self.alpha_2 | self.beta_1).followup_line_id, self.level_0
        )
        self.assertFalse(self.gamma_1.followup_line_id)
        self.assertIn("Gamma Sans Mail", wizard.result)
        self.assertIn("no valid e-mail address", wizard.result)
        self.assertIn("e-mailed", self.alpha.message_ids[0].body)
        self.assertTrue(self.alpha.message_ids[0].attachment_ids)
        # a second run the same day sends nothing
        second = self._wizard()
        self.assertEqual(second.line_ids.partner_id, self.gamma)
        second.action_send_email()
        self.assertEqual(
            self.env["mail.mail"].search_count([("id", "not in", existing.ids)]), 2
        )

    def test_send_email_twice_same_date_through_sending_path(self):
        partners = self.alpha | self.beta
        sent, skipped = partners._followup_send_email(self.company, TODAY)
        self.assertEqual(sent, partners)
        self.assertFalse(skipped)
        sent, skipped = partners._followup_send_email(self.company, TODAY)
        self.assertFalse(sent)
        self.assertEqual(self.alpha_1.followup_line_id, self.level_0)

    def test_invalid_email_is_reported_not_moved(self):
        self.beta.email = "not an address"
        wizard = self._wizard()
        wizard.action_send_email()
        self.assertFalse(self.beta_1.followup_line_id)
        self.assertIn("Beta Conseil", wizard.result)
        self.assertEqual(self.alpha_1.followup_line_id, self.level_0)

    def test_manual_action_level_plans_activity(self):
        self.level_0.write(
            {
                "manual_action": True,
                "manual_action_note": "Call the customer",
                "manual_action_responsible_id": self.user_manager.id,
            }
        )
        (self.alpha | self.beta)._followup_send_email(self.company, TODAY)
        activity = self.alpha.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_manager)
        self.assertIn("Call the customer", activity.note)

    def test_preview_action(self):
        wizard = self._wizard()
        action = self._line(wizard, self.alpha).action_preview()
        self.assertEqual(action["report_type"], "qweb-html")
        self.assertEqual(
            action["report_name"], "account_payment_followup.report_followup_letter"
        )
        self.assertEqual(action["data"]["followup_date"], "2026-03-01")
        self.assertEqual(
            wizard.action_preview()["context"]["active_ids"],
            wizard.line_ids[0].partner_id.ids,
        )

    def test_company_choice_restricted_to_allowed(self):
        wizard = self._wizard()
        self.assertEqual(wizard.company_id, self.company)
        wizard.line_ids.selected = False
        with self.assertRaises(UserError):
            wizard.action_print()

    def test_mail_server_refusal_sets_level_back(self):
        sent, _skipped = (self.alpha | self.beta)._followup_send_email(
            self.company, TODAY
        )
        self.assertEqual(sent, self.alpha | self.beta)
        mail = self.env["mail.mail"].search([("res_id", "=", self.alpha.id)], limit=1)
        self.assertEqual(self.alpha_1.followup_line_id, self.level_0)
        with (
            patch.object(
                IrMailServer,
                "send_email",
                side_effect=Exception("550 mailbox unavailable"),
            ),
            mute_logger("odoo.addons.mail.models.mail_mail"),
        ):
            mail.send(raise_exception=False)
        self.assertEqual(mail.state, "exception")
        self.assertFalse((self.alpha_1 | self.alpha_2).followup_line_id)
        self.assertFalse(self.alpha_1.followup_date)
        self.assertIn("550 mailbox unavailable", self.alpha.message_ids[0].body)
        # the other customer's reminder is untouched, and alpha is due again
        self.assertEqual(self.beta_1.followup_line_id, self.level_0)
        sent, _skipped = self.alpha._followup_send_email(self.company, TODAY)
        self.assertEqual(sent, self.alpha)
