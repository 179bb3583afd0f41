# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import FollowupCommon, pdf_pages

TODAY = date(2026, 3, 1)


@tagged("post_install", "-at_install")
class TestFollowupSendEmail(FollowupCommon):
    """Send by E-mail shows the e-mail settings (« Paramètres du Courriel »)
    and asks for confirmation before anything is queued."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"].with_context(default_is_company=True)
        cls.alpha = Partner.create({"name": "Alpha Bâtiment", "email": "a@alpha.fr"})
        cls.beta = Partner.create({"name": "Beta Conseil", "email": "b@beta.fr"})
        cls.alpha_1 = cls._create_invoice(cls.alpha, 1200.0, "2026-01-10", "2026-01-20")
        cls.beta_1 = cls._create_invoice(cls.beta, 450.0, "2026-01-01", "2026-01-31")

    def _wizard(self):
        return self.env["followup.send"].create(
            {
                "date": TODAY,
                "due_limit": TODAY,
                "partner_ids": [(6, 0, (self.alpha | self.beta).ids)],
            }
        )

    def _new_mails(self, existing):
        return self.env["mail.mail"].search([("id", "not in", existing.ids)])

    def test_settings_then_confirmation_then_sending(self):
        existing = self.env["mail.mail"].search([])
        wizard = self._wizard()
        wizard.action_send_email()
        # nothing queued, nothing moved: the e-mail settings are shown
        self.assertEqual(wizard.state, "email")
        self.assertFalse(self._new_mails(existing))
        self.assertFalse((self.alpha_1 | self.beta_1).followup_line_id)
        self.assertEqual(set(wizard.reminder_ids.mapped("state")), {"draft"})
        # the first customer of the list shows its e-mail, as it will leave
        first = wizard.reminder_ids[0]
        self.assertEqual(wizard.email_preview_partner_id, self.alpha)
        self.assertEqual(first.partner_id, self.alpha)
        self.assertIn("Payment reminder no. 1", wizard.email_preview_subject)
        self.assertIn(first.name, wizard.email_preview_subject)
        self.assertIn("Dear Alpha Bâtiment", wizard.email_preview_body)
        self.assertIn("1,200.00", wizard.email_preview_body)
        # « Vous allez relancer N clients… » with the number and the total
        self.assertIn("2 customer(s)", wizard.email_confirmation)
        self.assertIn("1,650.00", wizard.email_confirmation)
        # the subject is changed for this run, then confirmed
        wizard.subject = "Relance {{ object.partner_id.name }} ({{ object.name }})"
        self.assertEqual(
            wizard.email_preview_subject, f"Relance Alpha Bâtiment ({first.name})"
        )
        wizard.action_confirm()
        mails = self._new_mails(existing)
        self.assertEqual(len(mails), 2)
        subjects = {mail.recipient_ids: mail.subject for mail in mails}
        beta = wizard.reminder_ids.filtered(lambda r: r.partner_id == self.beta)
        self.assertEqual(subjects[self.beta], f"Relance Beta Conseil ({beta.name})")
        # the body was left as the template: each customer's own letter text
        beta_mail = mails.filtered(lambda mail: mail.recipient_ids == self.beta)
        self.assertIn("Dear Beta Conseil", beta_mail.body_html)
        self.assertIn("450.00", beta_mail.body_html)
        self.assertEqual((self.alpha_1 | self.beta_1).followup_line_id, self.levels[0])
        self.assertEqual(set(wizard.reminder_ids.mapped("state")), {"done"})
        self.assertIn("E-mailed: 2", wizard.result)

    def test_changed_body_for_every_customer(self):
        existing = self.env["mail.mail"].search([])
        wizard = self._wizard()
        wizard.action_send_email()
        wizard.body = (
            "<p>Bonjour <t t-out='object.partner_id.name'/>, merci de régler "
            "<t t-out='object.name'/>.</p>"
        )
        self.assertIn("Bonjour Alpha Bâtiment", wizard.email_preview_body)
        wizard.action_confirm()
        bodies = {
            mail.recipient_ids: mail.body_html for mail in self._new_mails(existing)
        }
        self.assertIn("Bonjour Beta Conseil, merci de régler", bodies[self.beta])
        self.assertNotIn("Dear", bodies[self.beta])

    def test_a_bad_setting_is_refused_when_saved(self):
        wizard = self._wizard()
        wizard.action_send_email()
        with self.assertRaisesRegex(ValidationError, "cannot be rendered"):
            wizard.subject = "Relance {{ object.no_such_field }}"
            wizard.flush_recordset()

    def test_back_drops_the_prepared_emails(self):
        existing = self.env["mail.mail"].search([])
        wizard = self._wizard()
        wizard.action_send_email()
        drafts = wizard.reminder_ids
        wizard.action_back()
        self.assertEqual(wizard.state, "choose")
        self.assertFalse(drafts.exists())
        self.assertFalse(self._new_mails(existing))
        self.assertFalse((self.alpha_1 | self.beta_1).followup_line_id)
        # and the same customers can be e-mailed afterwards
        self._send_by_email(wizard)
        self.assertEqual(len(self._new_mails(existing)), 2)

    def test_reminded_meanwhile_is_not_emailed_twice(self):
        existing = self.env["mail.mail"].search([])
        wizard = self._wizard()
        wizard.action_send_email()
        # someone else e-mails Beta while the settings are open
        other = self.env["followup.send"].create(
            {
                "date": TODAY,
                "due_limit": TODAY,
                "partner_ids": [(6, 0, self.beta.ids)],
            }
        )
        self._send_by_email(other)
        self.assertEqual(len(self._new_mails(existing)), 1)
        wizard.action_confirm()
        mails = self._new_mails(existing)
        self.assertEqual(len(mails), 2)
        self.assertEqual(mails.recipient_ids, self.alpha | self.beta)
        self.assertIn("reminded by someone else in the meantime", wizard.result)

    def test_settings_in_the_form(self):
        """The step as the web client drives it: Form saves the changed body."""
        wizard = self._wizard()
        wizard.action_send_email()
        with Form(wizard) as form:
            self.assertIn("Dear Alpha Bâtiment", form.email_preview_body)
            form.subject = "Votre compte {{ object.partner_id.name }}"
            self.assertEqual(form.email_preview_subject, "Votre compte Alpha Bâtiment")
        self.assertEqual(wizard.subject, "Votre compte {{ object.partner_id.name }}")

    def test_settings_of_a_french_user_stay_french(self):
        """A French accountant who does not touch the settings sends each
        customer its own level's template, translated: the settings are not
        taken for a change because they were computed in another language."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_payment_followup"], ["fr_FR"]
        )
        self.alpha.lang = "fr_FR"
        existing = self.env["mail.mail"].search([])
        wizard = self._wizard().with_context(lang="fr_FR")
        wizard.action_send_email()
        # the request ends: pending computations run in a context-less env
        self.env(context={}).flush_all()
        wizard.invalidate_recordset()
        self.assertIn("Lettre de relance n°", wizard.subject)
        self.assertIn("Lettre de relance n°", wizard.email_preview_subject)
        wizard.action_confirm()
        subjects = {m.recipient_ids: m.subject for m in self._new_mails(existing)}
        self.assertIn("Lettre de relance n°", subjects[self.alpha])
        # an English customer still gets the English template
        self.assertIn("Payment reminder no.", subjects[self.beta])

    # ------------------------------------------------------------------ companies
    def test_one_run_covers_several_companies(self):
        """ISAGRI « Entreprises : FNAC, ISAGRI »: one run over the companies the
        user may access; customers grouped by company, each letter with its own
        company's identity and numbering."""
        company_b = self.setup_other_company(name="Société B")["company"]
        company_b.email = "compta@societe-b.example"
        self.env.user.company_ids |= company_b
        invoice_b = self._create_invoice(
            self.beta, 90.0, "2026-01-05", "2026-01-05", company=company_b
        )
        env = self.env(
            context=dict(
                self.env.context, allowed_company_ids=[self.company.id, company_b.id]
            )
        )
        wizard = env["followup.send"].create(
            {
                "date": TODAY,
                "due_limit": TODAY,
                "company_ids": [(6, 0, (self.company | company_b).ids)],
            }
        )
        # the single-company run stays the default
        self.assertEqual(self._wizard().company_ids, self.company)
        lines = wizard.line_ids.filtered(
            lambda ln: ln.partner_id in self.alpha | self.beta
        )
        self.assertEqual(
            [(ln.company_id, ln.partner_id) for ln in lines],
            [
                (self.company, self.alpha),
                (self.company, self.beta),
                (company_b, self.beta),
            ]
            if self.company.name < company_b.name
            else [
                (company_b, self.beta),
                (self.company, self.alpha),
                (self.company, self.beta),
            ],
        )
        beta_b = lines.filtered(lambda ln: ln.company_id == company_b)
        self.assertEqual(beta_b.amount_overdue, 90.0)
        (wizard.line_ids - lines).selected = False
        wizard.action_print()
        wizard.action_confirm()
        reminders = wizard.reminder_ids
        self.assertEqual(len(reminders), 3)
        in_b = reminders.filtered(lambda rem: rem.company_id == company_b)
        self.assertEqual(in_b.partner_id, self.beta)
        self.assertEqual(invoice_b.followup_line_id.company_id, company_b)
        # each company numbers its own letters, and signs them
        in_a = reminders - in_b
        self.assertEqual(len(set(in_a.mapped("name"))), 2)
        # company B's first letter has company A's first number: its own sequence
        self.assertEqual(in_b.name, min(in_a.mapped("name")))
        letter_b = pdf_pages(in_b.attachment_id.raw)[0]
        self.assertIn("Société B", letter_b)
        self.assertNotIn(self.company.name, letter_b)

    def test_a_company_out_of_reach_is_refused(self):
        company_b = self.setup_other_company(name="Société C")["company"]
        with self.assertRaises(UserError):
            self.env["followup.send"].with_user(self.user_invoice).create(
                {"date": TODAY, "company_ids": [(6, 0, company_b.ids)]}
            )
        wizard = (
            self.env["followup.send"]
            .with_user(self.user_invoice)
            .create({"date": TODAY})
        )
        with self.assertRaises(UserError):
            wizard.write({"company_ids": [(4, company_b.id)]})

    # ------------------------------------------------------------------ French
    def test_french_emails_of_every_default_level(self):
        """The e-mail of each default level, as a French customer receives it:
        French subject, salutation, items table and closing; no English."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_payment_followup"], ["fr_FR"]
        )
        # a company created now gets the default levels in both languages
        company = self.setup_other_company(name="Atelier Durand SARL")["company"]
        company.write(
            {"email": "compta@durand.example", "country_id": self.env.ref("base.fr").id}
        )
        self.env.user.company_ids |= company
        levels = self.env["followup.policy"]._get_company_default(company).line_ids
        levels = levels.sorted("delay")
        self.assertEqual(len(levels), 4)
        customers = self.env["res.partner"].create(
            [
                {
                    "name": f"Client {number}",
                    "email": f"client{number}@exemple.fr",
                    "lang": "fr_FR",
                    "is_company": True,
                }
                for number in range(1, 5)
            ]
        )
        for customer in customers:
            self._create_invoice(
                customer, 1000.0, "2026-01-05", "2026-01-05", company=company
            )
        wizard = self.env["followup.send"].create(
            {"date": TODAY, "due_limit": TODAY, "company_ids": [(6, 0, company.ids)]}
        )
        for customer, level in zip(customers, levels, strict=True):
            line = wizard.line_ids.filtered(lambda ln, c=customer: ln.partner_id == c)
            line.level_id = level
        existing = self.env["mail.mail"].search([])
        self._send_by_email(wizard)
        mails = self._new_mails(existing)
        self.assertEqual(len(mails), 4)
        for number, customer in enumerate(customers, start=1):
            mail = mails.filtered(lambda m, c=customer: m.recipient_ids == c)
            reminder = wizard.reminder_ids.filtered(
                lambda r, c=customer: r.partner_id == c
            )
            self.assertEqual(
                mail.subject,
                # French typography: a no-break space after « n° »
                f"Atelier Durand SARL - Lettre de relance n°\xa0{number} "
                f"({reminder.name})",
            )
            body = mail.body_html
            self.assertIn("Madame, Monsieur,", body)
            self.assertIn("Date échéance", body)
            self.assertIn(
                f"Notre lettre {reminder.name} est jointe à ce courriel.", body
            )
            for english in ("Dear", "Please", "Due Date", "is attached", "regards"):
                self.assertNotIn(english, body, f"level {number}: {english!r}")
            # and the letter attached, in French too
            letter = " ".join(pdf_pages(reminder.attachment_id.raw))
            self.assertRegex(letter, rf"Lettre de relance n°\s{number}\b")
            self.assertIn("Madame, Monsieur,", letter)
            self.assertIn("Reste dû", letter)
            self.assertIn("L. 441-10", letter)  # professional customers
            for english in ("Dear", "Payment reminder", "Balance", "Due Date"):
                self.assertNotIn(english, letter, f"letter {number}: {english!r}")
            self.assertEqual(
                "lettre recommandée avec accusé de réception" in letter.lower(),
                number == 4,
            )
        last = mails.filtered(lambda m: m.recipient_ids == customers[3])
        self.assertIn("nous transmettons votre dossier au contentieux", last.body_html)

    # ------------------------------------------------------------------ invoices
    def test_invoices_attached_when_the_level_asks(self):
        """The level's option attaches each reminded invoice's PDF: the stored
        one when the invoice has it, the others printed in one report call."""
        self.levels[0].attach_invoices = True
        stored = self.env["ir.attachment"].create(
            {
                "name": "stored.pdf",
                "raw": b"%PDF-1.4 stored",
                "mimetype": "application/pdf",
                "res_model": "account.move",
                "res_id": self.beta_1.id,
                "res_field": "invoice_pdf_report_file",
            }
        )
        self.beta_1.invalidate_recordset(["invoice_pdf_report_id"])
        self.assertEqual(self.beta_1.invoice_pdf_report_id, stored)
        existing = self.env["mail.mail"].search([])
        self._send_by_email(self._wizard())
        mails = {m.recipient_ids: m for m in self._new_mails(existing)}
        alpha = mails[self.alpha].attachment_ids
        invoice_pdf = alpha.filtered(
            lambda att: att.name == f"{self.alpha_1.name.replace('/', '_')}.pdf"
        )
        self.assertEqual(len(alpha), 2)  # the letter and the invoice
        self.assertIn(self.alpha_1.name, " ".join(pdf_pages(invoice_pdf.raw)))
        self.assertIn(stored, mails[self.beta].attachment_ids)
        # not asked: the letter only
        self.levels[0].attach_invoices = False
        self.alpha_1.followup_line_id = False
        self.beta_1.followup_line_id = False
        existing = self.env["mail.mail"].search([])
        self._send_by_email(self._wizard())
        for mail in self._new_mails(existing):
            self.assertEqual(len(mail.attachment_ids), 1)

    def test_changed_subject_keeps_each_levels_body(self):
        """Levels with their own templates: changing the subject for the run
        keeps each level's body, and the other way round."""
        default = self.env.ref("account_payment_followup.followup_mail_template")
        self.levels[1].mail_template_id = default.copy(
            {"body_html": "<p>Second level: <t t-out='object.partner_id.name'/></p>"}
        )
        existing = self.env["mail.mail"].search([])
        wizard = self._wizard()
        beta = wizard.line_ids.filtered(lambda ln: ln.partner_id == self.beta)
        beta.level_id = self.levels[1]
        wizard.action_send_email()
        wizard.subject = "Relance {{ object.partner_id.name }}"
        wizard.action_confirm()
        mails = {m.recipient_ids: m for m in self._new_mails(existing)}
        self.assertEqual(mails[self.beta].subject, "Relance Beta Conseil")
        self.assertIn("Second level: Beta Conseil", mails[self.beta].body_html)
        self.assertEqual(mails[self.alpha].subject, "Relance Alpha Bâtiment")
        self.assertIn("Dear Alpha Bâtiment", mails[self.alpha].body_html)

    def test_abandoned_email_drafts(self):
        """The dialog closed on the e-mail settings: the drafts cannot be marked
        as sent (no e-mail left), and the daily run drops them after a day."""
        wizard = self._wizard()
        wizard.action_send_email()
        drafts = wizard.reminder_ids
        with self.assertRaisesRegex(UserError, "never left"):
            drafts.action_done()
        self.assertFalse((self.alpha_1 | self.beta_1).followup_line_id)
        self.env["res.partner"]._cron_send_followup_reminders()
        self.assertTrue(drafts.exists())
        self.env.cr.execute(
            "UPDATE followup_reminder SET create_date = now() - interval '2 days' "
            "WHERE id = ANY(%s)",
            [drafts.ids],
        )
        self.env["res.partner"]._cron_send_followup_reminders()
        self.assertFalse(drafts.exists())

    def test_an_invoice_that_cannot_be_printed_is_left_out(self):
        from unittest.mock import patch

        from odoo.addons.base.models.ir_actions_report import IrActionsReport

        self.levels[0].attach_invoices = True
        original = IrActionsReport._render_qweb_pdf_prepare_streams

        def broken_for_alpha(report, report_ref, data, res_ids=None):
            if report_ref == "account.account_invoices" and self.alpha_1.id in res_ids:
                raise ValueError("invoice layout exploded")
            return original(report, report_ref, data, res_ids=res_ids)

        existing = self.env["mail.mail"].search([])
        with patch.object(
            IrActionsReport, "_render_qweb_pdf_prepare_streams", broken_for_alpha
        ):
            self._send_by_email(self._wizard())
        mails = {m.recipient_ids: m for m in self._new_mails(existing)}
        # both e-mailed; Beta's invoice attached, Alpha's left out
        self.assertEqual(len(mails[self.alpha].attachment_ids), 1)
        self.assertEqual(len(mails[self.beta].attachment_ids), 2)
