# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date
from unittest.mock import patch

import lxml.html

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.base.models.ir_actions_report import IrActionsReport
from odoo.addons.base.models.ir_mail_server import IrMailServer

from .common import FollowupCommon, pdf_pages

TODAY = date(2026, 3, 1)


def count_wkhtmltopdf():
    """Patch wkhtmltopdf to count its runs (the list of calls is yielded)."""
    calls = []
    original = IrActionsReport._run_wkhtmltopdf

    def counting(report, *args, **kwargs):
        calls.append(args)
        return original(report, *args, **kwargs)

    return calls, patch.object(IrActionsReport, "_run_wkhtmltopdf", counting)


@tagged("post_install", "-at_install")
class TestFollowupSend(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "name": "Atelier Durand SARL",
                "country_id": cls.env.ref("base.fr").id,
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
        Partner = Partner.with_context(default_is_company=True)
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

    def test_wizard_figures_follow_the_selection(self):
        contact = self.env["res.partner"].create(
            {
                "name": "Service comptable",
                "parent_id": self.beta.id,
                "type": "invoice",
                "email": "factures@beta.example",
            }
        )
        with Form(self._wizard()) as form:
            self.assertEqual(form.selected_amount, 1500.0 + 450.0 + 80.0)
            with form.line_ids.edit(0) as line:
                self.assertEqual(line.partner_id, self.alpha)
                with line.item_ids.edit(1) as item:
                    self.assertEqual(item.move_id, self.alpha_2)
                    item.included = False
                self.assertEqual(line.amount_overdue, 1200.0)
                self.assertEqual(line.invoice_count, 1)
            self.assertEqual(form.selected_amount, 1200.0 + 450.0 + 80.0)
        wizard = form.record
        # the e-mail column shows where the e-mail will really go
        self.assertEqual(self._line(wizard, self.beta).email, contact.email)
        self.assertEqual(self._line(wizard, self.alpha).email, self.alpha.email)
        wizard.action_select_none()
        self.assertEqual(wizard.selected_count, 0)
        wizard.action_select_all()
        self.assertEqual(wizard.selected_count, 3)

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
        reminders = wizard.reminder_ids
        self.assertEqual(reminders.partner_id, self.alpha | self.beta | self.gamma)
        self.assertEqual(set(reminders.mapped("state")), {"draft"})
        self.assertEqual(set(reminders.mapped("channel")), {"letter"})
        for reminder in reminders:
            self.assertIn(
                reminder.partner_id.name, pdf_pages(reminder.attachment_id.raw)[0]
            )
        self.assertFalse((self.alpha_1 | self.beta_1 | self.gamma_1).followup_line_id)
        # going back drops the letters that were not confirmed
        wizard.action_back()
        self.assertFalse(reminders.exists())
        self.assertFalse(
            self.env["ir.attachment"].search(
                [
                    ("res_model", "=", "followup.reminder"),
                    ("res_id", "in", reminders.ids),
                ]
            )
        )

    def test_print_confirm_moves_levels_and_dates(self):
        wizard = self._wizard()
        alpha = self._line(wizard, self.alpha)
        # leave alpha's second invoice out (not concerned)
        alpha.item_ids.filtered(
            lambda item: item.move_id == self.alpha_2
        ).included = False
        self._line(wizard, self.beta).selected = False
        wizard.action_print()
        calls, counting = count_wkhtmltopdf()
        with counting:
            wizard.action_confirm()
        # confirming never renders the letters again
        self.assertFalse(calls)
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
        reminder = self._reminders(self.alpha)
        self.assertRecordValues(
            reminder,
            [
                {
                    "state": "done",
                    "channel": "letter",
                    "followup_line_id": self.level_0.id,
                    "date": TODAY,
                    # what the letter listed: alpha_2 was left out
                    "amount_due": 1200.0,
                }
            ],
        )
        self.assertEqual(reminder.item_ids.move_id, self.alpha_1)
        self.assertIn("Alpha B", pdf_pages(reminder.attachment_id.raw)[0])
        # the same day, nothing is due any more for them
        again = self._wizard()
        self.assertEqual(again.line_ids.partner_id, self.alpha | self.beta)
        self.assertEqual(
            self._line(again, self.alpha).item_ids.filtered("next_level_id").move_id,
            self.alpha_2,
        )

    def _letter_text(self, partner, lang="en_US"):
        partner.lang = lang
        html = self.env["ir.actions.report"]._render_qweb_html(
            "account_payment_followup.report_followup_letter",
            partner.ids,
            {"followup_date": "2026-03-01", "company_id": self.company.id},
        )[0]
        return " ".join(lxml.html.fromstring(html).text_content().split())

    def test_letter_content(self):
        text = self._letter_text(self.alpha)
        for expected in (
            "Payment reminder no. 1",
            "Dear Alpha Bâtiment,",
            "ALPHA",
            "SIRET: 73282932000074",
            "FR44732829320",
            "FR7630002005500000157845Z02",
            self.alpha_1.name,
            self.alpha_2.name,
            "1,500.00",
            "L. 441-10",
            "D. 441-5",
        ):
            self.assertIn(expected, text)

    def test_late_payment_notice_only_between_professionals(self):
        private = self.env["res.partner"].create(
            {"name": "Jean Martin", "email": "jean.martin@example.com"}
        )
        self._create_invoice(private, 80.0, "2026-01-01")
        text = self._letter_text(private)
        self.assertIn("Dear Jean Martin,", text)
        self.assertNotIn("L. 441-10", text)
        self.assertNotIn("EUR 40", text)
        # a private customer who gets a VAT number becomes a professional
        private.vat = "FR44732829320"
        self.assertIn("L. 441-10", self._letter_text(private))

    def test_contractual_penalty_rate(self):
        self.assertIn("European Central Bank", self._letter_text(self.alpha))
        with self.assertRaisesRegex(ValidationError, "legal interest rate"):
            self.company.write(
                {"followup_penalty_rate_type": "contract", "followup_penalty_rate": 12}
            )
        with self.assertRaisesRegex(ValidationError, "below three times"):
            self.company.write(
                {
                    "followup_penalty_rate_type": "contract",
                    "followup_penalty_rate": 8.0,
                    "followup_legal_interest_rate": 3.0,
                }
            )
        self.company.write(
            {
                "followup_penalty_rate_type": "contract",
                "followup_penalty_rate": 12.0,
                "followup_legal_interest_rate": 3.0,
            }
        )
        text = self._letter_text(self.alpha)
        self.assertIn("at the rate of 12.00 % a year set by our terms of sale", text)
        self.assertNotIn("European Central Bank", text)

    def test_registered_letter_mention(self):
        levels = self.levels
        self.assertNotIn("Registered letter", self._letter_text(self.alpha))
        self.level_0.registered_mail = True
        text = self._letter_text(self.alpha)
        self.assertIn("Registered letter with acknowledgement of receipt", text)
        self.assertTrue(levels[-1].registered_mail)

    def test_letter_outside_france(self):
        self.company.country_id = self.env.ref("base.be")
        text = self._letter_text(self.alpha)
        self.assertIn("Company ID: 73282932000074", text)
        self.assertNotIn("SIRET", text)
        # the French statutory notice is only the default of French companies
        self.assertNotIn("L. 441-10", text)

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
        text = self._letter_text(self.alpha, "fr_FR")
        for expected in (
            "Madame, Monsieur",
            "Alpha Bâtiment",
            "1er mars 2026",
            "Code de commerce",
            "40 €",
            "500,00",
        ):
            self.assertIn(expected, text)

    def test_pdf_one_call_three_letters(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "account_payment_followup.pdf_workers", "1"
        )
        partners = self.alpha | self.beta | self.gamma
        calls, counting = count_wkhtmltopdf()
        wizard = self._wizard()
        with counting:
            wizard.action_print()
        self.assertEqual(len(calls), 1)
        reminders = wizard.reminder_ids.sorted(lambda r: r.partner_id.name)
        self.assertEqual(reminders.partner_id, partners)
        for reminder in reminders:
            # each customer's own document is its letter alone
            [page] = pdf_pages(reminder.attachment_id.raw)
            self.assertIn(reminder.partner_id.name, page)
            self.assertIn("Payment reminder no. 1", page)
            self.assertIn(reminder.name, page)
            for text in ("Atelier Durand SARL", "73282932000074", "FR44732829320"):
                self.assertIn(text, page)
        alpha_page = pdf_pages(reminders[0].attachment_id.raw)[0]
        self.assertIn(f"Dear {self.alpha.name},", alpha_page)
        for invoice in (self.alpha_1, self.alpha_2):
            self.assertIn(invoice.name, alpha_page)
        self.assertIn("1,500.00", alpha_page)
        self.assertNotIn(
            self.alpha_1.name, pdf_pages(reminders[1].attachment_id.raw)[0]
        )
        # downloading them gives the letters merged when they were rendered
        action = wizard.action_download_letters()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(action["url"].split("/")[-1].split("?")[0])
        combined = self.env["ir.attachment"].browse(attachment_id).raw
        self.assertEqual(len(pdf_pages(combined)), 3)
        # printing them again from the history serves the stored letters
        report = reminders.action_print_letter()
        with counting:
            again, _fmt = self.env["ir.actions.report"]._render_qweb_pdf(
                report["report_name"], reminders.ids
            )
        self.assertEqual(len(calls), 1)
        self.assertEqual(len(pdf_pages(again)), 3)

    def test_never_a_softer_letter_than_the_last_one(self):
        # alpha_1 got the formal notice (level 3); alpha_2 is due for its first
        levels = self.levels
        self.alpha_1.write(
            {"followup_line_id": levels[2].id, "followup_date": date(2026, 2, 25)}
        )
        wizard = self._wizard()
        self.assertEqual(self._line(wizard, self.alpha).level_id, levels[2])
        wizard.line_ids.filtered(
            lambda line: line.partner_id != self.alpha
        ).selected = False
        wizard.action_print()
        reminder = wizard.reminder_ids
        self.assertEqual(reminder.followup_line_id, levels[2])
        page = pdf_pages(reminder.attachment_id.raw)[0]
        self.assertIn("Payment reminder no. 3", page)
        # every overdue item is listed with its own level; only alpha_2 moves
        self.assertRecordValues(
            reminder.item_ids.sorted("due_date"),
            [
                {"move_id": self.alpha_1.id, "level_id": False},
                {"move_id": self.alpha_2.id, "level_id": self.level_0.id},
            ],
        )
        row = next(line for line in page.splitlines() if self.alpha_1.name in line)
        self.assertTrue(row.rstrip().endswith("3"), row)
        wizard.action_confirm()
        self.assertEqual(self.alpha_1.followup_line_id, levels[2])
        self.assertEqual(self.alpha_2.followup_line_id, self.level_0)

    def test_one_bad_letter_never_fails_the_others(self):
        Company = type(self.env["res.company"])
        original = Company._get_followup_legal_notice

        def broken_for_beta(company, partner=None):
            # e.g. a template error that only this customer's letter meets
            if company.env.context.get("lang") == "fr_FR":
                raise ValueError("letter exploded")
            return original(company, partner)

        self.env["res.lang"]._activate_lang("fr_FR")
        self.beta.lang = "fr_FR"
        wizard = self._wizard()
        with (
            patch.object(Company, "_get_followup_legal_notice", broken_for_beta),
            mute_logger("odoo.addons.account_payment_followup.models.followup_batch"),
        ):
            self._send_by_email(wizard)
        self.assertEqual(self.alpha_1.followup_line_id, self.level_0)
        self.assertFalse(self.beta_1.followup_line_id)
        beta = self._reminders(self.beta)
        self.assertRecordValues(beta, [{"state": "failed", "attachment_id": False}])
        self.assertIn("letter exploded", beta.failure_reason)
        self.assertIn("Beta Conseil", wizard.result)
        self.assertIn("letter exploded", wizard.result)
        self.assertEqual(self._reminders(self.alpha).state, "done")

    def test_letters_rendered_in_parallel(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "account_payment_followup.pdf_workers", "2"
        )
        # one page each: two wkhtmltopdf processes at once, each letter its own PDF
        calls, counting = count_wkhtmltopdf()
        wizard = self._wizard()
        with counting:
            wizard.action_print()
        self.assertEqual(len(calls), 2)
        self.assertEqual(len(wizard.reminder_ids), 3)
        for reminder in wizard.reminder_ids:
            [page] = pdf_pages(reminder.attachment_id.raw)
            self.assertIn(reminder.partner_id.name, page)
            self.assertIn(reminder.name, page)
        wizard.action_back()
        # a letter over two pages: the PDFs of both processes are joined with
        # one outline per letter, which tells Odoo where each letter starts
        many = self.env["account.move"]
        for day in range(1, 41):
            many |= self._create_invoice(
                self.beta, 10.0 + day, "2026-01-01", f"2026-01-{min(day, 28):02d}"
            )
        calls.clear()
        wizard = self._wizard()
        with counting:
            wizard.action_print()
        self.assertEqual(len(calls), 2)
        beta = wizard.reminder_ids.filtered(lambda r: r.partner_id == self.beta)
        beta_pages = pdf_pages(beta.attachment_id.raw)
        self.assertGreater(len(beta_pages), 1)
        self.assertIn(self.beta.name, beta_pages[0])
        for reminder in wizard.reminder_ids - beta:
            [page] = pdf_pages(reminder.attachment_id.raw)
            self.assertIn(reminder.partner_id.name, page)

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
        self._send_by_email(wizard)
        mails = self.env["mail.mail"].search([("id", "not in", existing.ids)])
        self.assertEqual(len(mails), 2)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertEqual(set(mails.mapped("model")), {"followup.reminder"})
        by_recipient = {mail.recipient_ids: mail for mail in mails}
        self.assertEqual(set(by_recipient), {self.alpha, contact})
        alpha_mail = by_recipient[self.alpha]
        reminder = self._reminders(self.alpha)
        self.assertEqual(alpha_mail.res_id, reminder.id)
        self.assertIn("Payment reminder no. 1", alpha_mail.subject)
        self.assertIn(reminder.name, alpha_mail.subject)
        self.assertIn("Dear Alpha", alpha_mail.body_html)
        self.assertIn(self.alpha_1.name, alpha_mail.body_html)
        self.assertIn("1,200.00", alpha_mail.body_html)
        # from the user who sends it
        self.assertEqual(alpha_mail.email_from, self.env.user.email_formatted)
        [attachment] = alpha_mail.attachment_ids
        self.assertEqual(attachment, reminder.attachment_id)
        self.assertIn("Alpha", pdf_pages(attachment.raw)[0])
        # the chatter entry of the reminder is the e-mail
        self.assertEqual(reminder.mail_message_id, alpha_mail.mail_message_id)
        self.assertIn(reminder.mail_message_id, reminder.message_ids)
        self.assertRecordValues(
            reminder,
            [{"state": "done", "channel": "email", "mail_state": "ready"}],
        )
        # e-mailed customers moved, the one without e-mail did not and is reported
        self.assertEqual(
            (self.alpha_1 | self.alpha_2 | self.beta_1).followup_line_id, self.level_0
        )
        self.assertFalse(self.gamma_1.followup_line_id)
        self.assertFalse(self._reminders(self.gamma))
        self.assertIn("Gamma Sans Mail", wizard.result)
        self.assertIn("no valid e-mail address", wizard.result)
        # a second run the same day sends nothing
        second = self._wizard()
        self.assertEqual(second.line_ids.partner_id, self.gamma)
        self._send_by_email(second)
        self.assertEqual(
            self.env["mail.mail"].search_count([("id", "not in", existing.ids)]), 2
        )

    def test_free_message_of_the_run(self):
        with self.assertRaisesRegex(ValidationError, "partner_nam"):
            self._wizard(message="Cher %(partner_nam)s")
        wizard = self._wizard()
        with self.assertRaises(ValidationError):
            wizard.message = "Total: %(amount_overdue)d"
            wizard.flush_recordset()
        wizard = self._wizard(
            message="Note our new bank account for %(partner_name)s: FR76 1234."
        )
        existing = self.env["mail.mail"].search([])
        self._send_by_email(wizard)
        alpha = self._reminders(self.alpha)
        expected = "Note our new bank account for Alpha Bâtiment: FR76 1234."
        self.assertEqual(alpha.run_message, expected)
        # below the level's message, in the e-mail and on the letter
        self.assertTrue(alpha.message.endswith(expected))
        self.assertIn("Dear Alpha", alpha.message)
        mail = self.env["mail.mail"].search(
            [("id", "not in", existing.ids), ("res_id", "=", alpha.id)]
        )
        self.assertIn(expected, mail.body_html)
        letter = " ".join(pdf_pages(alpha.attachment_id.raw)[0].split())
        self.assertIn(expected, letter)
        # every reminder of the run carries it, each with its own customer
        beta = self._reminders(self.beta)
        self.assertIn("new bank account for Beta Conseil", beta.run_message)

    def test_level_chosen_in_the_list(self):
        level_1, level_2 = self.levels[1:3]
        wizard = self._wizard()
        line = self._line(wizard, self.alpha)
        self.assertEqual(line.level_id, self.level_0)
        # a level of another policy is refused, nothing is sent
        other = self.env["followup.policy"].create(
            {
                "name": "Autre",
                "is_default": False,
                "line_ids": [Command.create({"name": "Autre 1", "delay": 5})],
            }
        )
        line.level_id = other.line_ids
        with self.assertRaisesRegex(UserError, "not a level of the follow-up policy"):
            self._send_by_email(wizard)
        self.assertFalse(self._reminders(self.alpha))
        # skip to the third level
        line.level_id = level_2
        existing = self.env["mail.mail"].search([])
        self._send_by_email(wizard)
        alpha = self._reminders(self.alpha)
        self.assertEqual(alpha.followup_line_id, level_2)
        self.assertEqual((self.alpha_1 | self.alpha_2).followup_line_id, level_2)
        mail = self.env["mail.mail"].search(
            [("id", "not in", existing.ids), ("res_id", "=", alpha.id)]
        )
        self.assertIn("Payment reminder no. 3", mail.subject)
        self.assertIn("formal notice", alpha.message)
        # the others got the level due
        self.assertEqual(self.beta_1.followup_line_id, self.level_0)
        # back to a lower level: the letter and the invoices follow
        wizard = self._wizard(date=date(2026, 5, 1), due_limit=date(2026, 5, 1))
        line = self._line(wizard, self.beta)
        self.assertEqual(line.level_id, level_1)
        line.level_id = self.level_0
        # a lower level never moves an invoice back below the level it reached
        self._line(wizard, self.alpha).level_id = level_1
        self._send_by_email(wizard)
        beta = self._reminders(self.beta)[-1]
        self.assertEqual(beta.followup_line_id, self.level_0)
        self.assertIn("Unless we are mistaken", beta.message)
        self.assertEqual(self._reminders(self.alpha)[-1].followup_line_id, level_1)
        self.assertEqual((self.alpha_1 | self.alpha_2).followup_line_id, level_2)

    def test_print_the_letters_of_those_not_emailed(self):
        wizard = self._wizard()
        self._send_by_email(wizard)
        self.assertEqual(wizard.leftover_partner_ids, self.gamma)
        wizard.action_print_leftovers()
        self.assertEqual(wizard.state, "printed")
        letters = wizard.reminder_ids
        self.assertRecordValues(
            letters,
            [{"partner_id": self.gamma.id, "channel": "letter", "state": "draft"}],
        )
        self.assertIn("Gamma Sans Mail", pdf_pages(letters.attachment_id.raw)[0])
        wizard.action_confirm()
        self.assertEqual(self.gamma_1.followup_line_id, self.level_0)
        self.assertEqual(letters.state, "done")

    def test_send_email_twice_same_date_through_sending_path(self):
        partners = self.alpha | self.beta
        batch = self.env["followup.batch"]
        _reminders, done, skipped = batch._send(partners, self.company, TODAY, "email")
        self.assertEqual(done.partner_id, partners)
        self.assertFalse(skipped)
        reminders, done, skipped = batch._send(partners, self.company, TODAY, "email")
        self.assertFalse(reminders)
        self.assertEqual(self.alpha_1.followup_line_id, self.level_0)

    def test_invalid_email_is_reported_not_moved(self):
        self.beta.email = "not an address"
        wizard = self._wizard()
        self._send_by_email(wizard)
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
        self.env["followup.batch"]._send(
            self.alpha | self.beta, self.company, TODAY, "email"
        )
        activity = self.alpha.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_manager)
        self.assertIn("Call the customer", activity.note)

    def test_company_choice_restricted_to_allowed(self):
        wizard = self._wizard()
        self.assertEqual(wizard.company_id, self.company)
        wizard.line_ids.selected = False
        with self.assertRaises(UserError):
            wizard.action_print()

    def test_mail_server_refusal_sets_level_back(self):
        batch = self.env["followup.batch"]
        _reminders, done, _skipped = batch._send(
            self.alpha | self.beta, self.company, TODAY, "email"
        )
        self.assertEqual(done.partner_id, self.alpha | self.beta)
        reminder = self._reminders(self.alpha)
        mail = self.env["mail.mail"].search(
            [("mail_message_id", "=", reminder.mail_message_id.id)]
        )
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
        self.assertRecordValues(
            reminder, [{"state": "failed", "mail_state": "exception"}]
        )
        self.assertIn("550 mailbox unavailable", reminder.failure_reason)
        # a person is told, not only the chatter
        activity = reminder.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("Reminder not sent", activity.summary)
        self.assertFalse(activity.user_id._is_superuser())
        self.assertIn("550 mailbox unavailable", reminder.message_ids[0].body)
        self.assertEqual(
            self.env["followup.reminder"].search([("state", "=", "failed")]), reminder
        )
        self.assertFalse((self.alpha_1 | self.alpha_2).followup_line_id)
        self.assertFalse(self.alpha_1.followup_date)
        # its letter stays with the failed reminder: nothing stray on the customer
        self.assertTrue(reminder.attachment_id)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.alpha.id)]
            )
        )
        # the other customer's reminder is untouched, and alpha is due again
        self.assertEqual(self.beta_1.followup_line_id, self.level_0)
        _reminders, done, _skipped = batch._send(
            self.alpha, self.company, TODAY, "email"
        )
        self.assertEqual(done.partner_id, self.alpha)
