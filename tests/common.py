# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import subprocess
import tempfile

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


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


class FollowupCommon(AccountTestInvoicingCommon):
    """Companies, users, customers, invoices and payments for follow-up tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # letters are real PDFs (patched wkhtmltopdf), rendered without asking
        # this process' own HTTP server for the CSS (it waits on the test cursor)
        cls.env = cls.env(
            context=dict(
                cls.env.context,
                tracking_disable=True,
                mail_create_nolog=True,
                force_report_rendering=True,
            )
        )
        cls.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:1"
        )
        cls.company = cls.env.company
        cls.policy = cls.env["followup.policy"]._get_company_default(cls.company)
        cls.levels = cls.policy.line_ids.sorted("delay")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Professionnel France",
                "is_company": True,
                "email": "compta@profr.example",
                "ref": "PROFR",
            }
        )
        cls.user_invoice = new_test_user(
            cls.env,
            login="fu_invoicing",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="fu_manager",
            groups="account.group_account_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def _create_invoice(
        cls,
        partner=None,
        amount=100.0,
        invoice_date="2026-01-01",
        due_date=None,
        move_type="out_invoice",
        currency=None,
        company=None,
        post=True,
    ):
        """A posted customer invoice (or refund) of ``amount``, without taxes."""
        company = company or cls.company
        invoice_date = fields.Date.to_date(invoice_date)
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": (partner or cls.customer).id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": fields.Date.to_date(due_date or invoice_date),
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Services",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    def _reminders(self, partners=None):
        """The reminders of these customers (all of them by default), newest
        first."""
        domain = [("partner_id", "in", partners.ids)] if partners else []
        return self.env["followup.reminder"].search(domain, order="id")

    @staticmethod
    def _send_by_email(wizard):
        """Send Reminders' e-mail path as a user follows it: "Send by E-mail"
        shows the e-mail settings, "Confirm and Send" sends."""
        wizard.action_send_email()
        if wizard.state == "email":
            wizard.action_confirm()
        return wizard

    @classmethod
    def _pay(cls, invoice, amount, date="2026-01-15"):
        """Register a payment of ``amount`` (invoice's currency) on ``invoice``."""
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": fields.Date.to_date(date)})
            ._create_payments()
        )


class FollowupSendCommon(FollowupCommon):
    """Three customers for Send Reminders: Alpha with two invoices, Beta with
    one, Gamma with one and no e-mail address."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.email = "compta@durand.example"
        Partner = cls.env["res.partner"].with_context(default_is_company=True)
        cls.alpha = Partner.create({"name": "Alpha Bâtiment", "email": "a@alpha.fr"})
        cls.beta = Partner.create({"name": "Beta Conseil", "email": "b@beta.fr"})
        cls.gamma = Partner.create({"name": "Gamma Sans Mail"})
        cls.alpha_1 = cls._create_invoice(cls.alpha, 1200.0, "2026-01-10", "2026-01-20")
        cls.alpha_2 = cls._create_invoice(cls.alpha, 300.0, "2026-01-12", "2026-01-22")
        cls.beta_1 = cls._create_invoice(cls.beta, 450.0, "2026-01-01", "2026-01-31")
        cls.gamma_1 = cls._create_invoice(cls.gamma, 80.0, "2026-01-05", "2026-01-05")
