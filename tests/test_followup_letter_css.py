# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import inspect
import re
from datetime import date
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.base.models.ir_actions_report import IrActionsReport

from .common import FollowupCommon, pdf_pages

TODAY = date(2026, 3, 1)
STYLESHEET_LINK = re.compile(r"<link\b[^>]*\brel=[\"']?stylesheet", re.I)


def capture_wkhtmltopdf():
    """Patch Odoo's wkhtmltopdf run (under the module's override) to record each
    conversion's arguments by name; returns (mock, patcher)."""
    original = IrActionsReport._run_wkhtmltopdf
    return patch.object(
        IrActionsReport, "_run_wkhtmltopdf", autospec=True, side_effect=original
    )


def conversions(mock):
    """The arguments of each recorded conversion, by name."""
    signature = inspect.signature(IrActionsReport._run_wkhtmltopdf)
    return [
        signature.bind(*call.args, **call.kwargs).arguments
        for call in mock.call_args_list
    ]


@tagged("post_install", "-at_install")
class TestFollowupLetterCss(FollowupCommon):
    """The header and footer of a letter, loaded by wkhtmltopdf for every page,
    carry the CSS they need inline, once for all the letters of a batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the header shows the company's name, the footer its report footer
        cls.company.name = "Atelier Durand SARL"
        cls.company.report_footer = "<p>Atelier Durand SARL, SIRET 73282932000074</p>"
        Partner = cls.env["res.partner"]
        cls.customers = Partner.create(
            [
                {"name": f"Client Lettre {index}", "street": f"{index} rue de Lyon"}
                for index in range(3)
            ]
        )
        cls.invoices = [
            cls._create_invoice(customer, 100.0 + index, "2026-01-05", "2026-01-05")
            for index, customer in enumerate(cls.customers)
        ]

    def _print_letters(self):
        wizard = self.env["followup.send"].create({"date": TODAY, "due_limit": TODAY})
        wizard.line_ids.filtered(
            lambda line: line.partner_id not in self.customers
        ).selected = False
        with capture_wkhtmltopdf() as mock:
            wizard.action_print()
        reminders = wizard.reminder_ids
        self.assertEqual(reminders.partner_id, self.customers)
        return reminders, conversions(mock)

    def test_header_and_footer_carry_their_css(self):
        reminders, runs = self._print_letters()
        self.assertTrue(runs)
        self.assertEqual(sum(len(run["bodies"]) for run in runs), 3)
        for run in runs:
            for part in ("header", "footer"):
                html = str(run[part])
                # no link to follow for each page: the rules are inline
                self.assertFalse(STYLESHEET_LINK.search(html), part)
                self.assertIn("<style>", html)
                # ...and only those that can match: a small part of the bundle
                style = html[html.index("<style>") : html.rindex("</style>")]
                self.assertLess(len(style), 100_000)
                self.assertIn(".d-flex{", style.replace(" ", ""))
                self.assertNotIn(".modal-dialog", style)
                # one copy of the company's header (footer) for all the letters
                self.assertEqual(html.count(f'<div class="{part} '), 1, part)
                index_map = re.search(r"followupLayoutMap = \[([0-9,]*)\];", html)
                self.assertEqual(index_map[1], ",".join("0" * len(run["bodies"])), part)
            # each letter's body too: no bundle to fetch and parse per letter
            for body in run["bodies"]:
                self.assertFalse(STYLESHEET_LINK.search(str(body)))
                self.assertIn(".table{", str(body).replace(" ", ""))
        # the letters still show the company in their header, the pages in
        # their footer
        for reminder in reminders:
            pages = pdf_pages(reminder.attachment_id.raw)
            self.assertEqual(len(pages), 1)
            lines = [line.strip() for line in pages[0].splitlines() if line.strip()]
            self.assertIn("Atelier Durand SARL", "\n".join(lines[:6]))
            self.assertIn(reminder.partner_id.name, pages[0])
            footer = "\n".join(lines[-3:])
            self.assertIn("SIRET 73282932000074", footer)
            self.assertRegex(footer, r"Page[^0-9]*1\s*/\s*1")

    def test_switched_off_or_other_reports_keep_the_links(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "account_payment_followup.pdf_inline_css", "0"
        )
        _reminders, runs = self._print_letters()
        for run in runs:
            self.assertTrue(STYLESHEET_LINK.search(str(run["header"])))
            self.assertNotIn("followupLayoutMap", str(run["footer"]))
        self.env["ir.config_parameter"].sudo().set_param(
            "account_payment_followup.pdf_inline_css", "1"
        )
        with capture_wkhtmltopdf() as mock:
            self.env["ir.actions.report"]._render_qweb_pdf(
                "account.account_invoices", self.invoices[0].ids
            )
        for run in conversions(mock):
            self.assertTrue(STYLESHEET_LINK.search(str(run["header"])))
            self.assertTrue(STYLESHEET_LINK.search(str(run["footer"])))
