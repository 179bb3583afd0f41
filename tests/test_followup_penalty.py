# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import FollowupCommon, pdf_pages

STATEMENT_DATE = date(2025, 12, 31)


@tagged("post_install", "-at_install")
class TestFollowupPenalty(FollowupCommon):
    """The statutory late-payment penalties statement (« décompte des pénalités
    de retard ») of a French company, hand-computed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the generic chart (l10n_fr_account is not a dependency), then France
        cls.fr_company = cls.setup_other_company(
            name="Atelier Durand SARL", currency_id=cls.env.ref("base.EUR").id
        )["company"]
        cls.fr_company.write(
            {"email": "compta@durand.example", "country_id": cls.env.ref("base.fr").id}
        )
        cls.env.user.company_ids |= cls.fr_company
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=cls.fr_company.ids)
        )
        Partner = cls.env["res.partner"]
        cls.pro = Partner.create(
            {"name": "Garage Moreau", "is_company": True, "email": "gm@exemple.fr"}
        )
        cls.private = Partner.create(
            {"name": "Jean Dupont", "is_company": False, "email": "jd@exemple.fr"}
        )
        # 10,000.00 € due on 31 May 2025; 4,000.00 € paid on 15 August 2025
        cls.invoice = cls._create_invoice(
            cls.pro, 10000.0, "2025-05-01", "2025-05-31", company=cls.fr_company
        )
        cls._pay(cls.invoice, 4000.0, "2025-08-15")

    def _statement(self, partner=None, on=STATEMENT_DATE):
        partner = partner or self.pro
        return (
            self.env["followup.penalty"]
            ._statements(partner, self.fr_company, on)
            .get(partner.id)
        )

    def test_hand_computed_across_two_half_years_with_a_partial_payment(self):
        """Rates: ECB 3.15 % on 1 January 2025 and 2.15 % on 1 July 2025, plus
        10 points: 13.15 % then 12.15 %.

        - 1 June → 30 June 2025: 10,000 × 13.15 % × 30 / 365 = 108.0822
        - 1 July → 15 August 2025: 10,000 × 12.15 % × 46 / 365 = 153.1233
        - 16 August → 31 December 2025: 6,000 × 12.15 % × 138 / 365 = 275.6219
        - penalties 536.83, indemnity 40.00, total 576.83
        """
        statement = self._statement()
        [line] = statement["lines"]
        self.assertEqual(line["move_id"], self.invoice.id)
        self.assertEqual(
            [
                (p["date_from"], p["date_to"], p["days"], p["base"], p["rate"])
                for p in line["periods"]
            ],
            [
                (date(2025, 6, 1), date(2025, 6, 30), 30, 10000.0, 13.15),
                (date(2025, 7, 1), date(2025, 8, 15), 46, 10000.0, 12.15),
                (date(2025, 8, 16), date(2025, 12, 31), 138, 6000.0, 12.15),
            ],
        )
        self.assertAlmostEqual(line["penalties"], 536.83, places=2)
        self.assertEqual(line["indemnity"], 40.0)
        self.assertAlmostEqual(statement["total"], 576.83, places=2)
        # paid in full on 15 August: only the first two periods remain, and the
        # statement keeps claiming them after the principal is paid
        self._pay(self.invoice, 6000.0, "2025-08-15")
        statement = self._statement()
        self.assertAlmostEqual(statement["penalties"], 261.21, places=2)
        self.assertAlmostEqual(statement["total"], 301.21, places=2)

    def test_private_customer_and_waived_invoice_get_nothing(self):
        self._create_invoice(
            self.private, 500.0, "2025-05-01", "2025-05-31", company=self.fr_company
        )
        self.assertFalse(self._statement(self.private))
        with Form(self.invoice) as form:
            form.followup_penalty_waived = True
        self.assertFalse(self._statement())
        self.invoice.followup_penalty_waived = False
        self.assertTrue(self._statement())
        # paid on time: nothing either
        on_time = self._create_invoice(
            self.pro, 300.0, "2025-09-01", "2025-09-30", company=self.fr_company
        )
        self._pay(on_time, 300.0, "2025-09-30")
        self.assertEqual(
            [line["move_id"] for line in self._statement()["lines"]],
            [self.invoice.id],
        )

    def test_disputed_time_barred_and_penalty_invoices_are_left_out(self):
        disputed = self._create_invoice(
            self.pro, 700.0, "2025-04-01", "2025-04-30", company=self.fr_company
        )
        self.assertIn(
            disputed.id, [line["move_id"] for line in self._statement()["lines"]]
        )
        disputed.followup_blocked = True
        self.assertEqual(
            [line["move_id"] for line in self._statement()["lines"]],
            [self.invoice.id],
        )
        # more than five years late: time-barred (article L. 110-4)
        old = self._create_invoice(
            self.pro, 900.0, "2020-01-01", "2020-11-30", company=self.fr_company
        )
        self.assertNotIn(
            old.id, [line["move_id"] for line in self._statement()["lines"]]
        )

    def test_contractual_rate_and_missing_ecb_half_year(self):
        # whatever the shipped data holds by now, the second half of 2026 is
        # missing in this test
        self.env["followup.ecb.rate"].search(
            [("date_start", ">=", "2026-07-01")]
        ).unlink()
        with self.assertRaisesRegex(UserError, "half-year starting 2026-07-01"):
            self._statement(on=date(2026, 11, 26))
        self.fr_company.write(
            {
                "followup_penalty_rate_type": "contract",
                "followup_legal_interest_rate": 3.0,
                "followup_penalty_rate": 15.0,
            }
        )
        statement = self._statement(on=date(2026, 11, 26))
        self.assertEqual({p["rate"] for p in statement["lines"][0]["periods"]}, {15.0})
        with self.assertRaises(ValidationError):
            self.env["followup.ecb.rate"].create(
                {"date_start": "2026-08-01", "rate": 2.0}
            )
        self.env["followup.ecb.rate"].create({"date_start": "2026-07-01", "rate": 2.15})

    def test_statement_on_the_formal_notice_letter(self):
        levels = self.env["followup.policy"]._get_company_default(self.fr_company)
        levels = levels.line_ids.sorted("delay")
        self.assertEqual(levels.mapped("penalty_statement"), [False] * 3 + [True])
        private_invoice = self._create_invoice(
            self.private, 500.0, "2025-05-01", "2025-05-31", company=self.fr_company
        )
        wizard = self.env["followup.send"].create(
            {
                "date": STATEMENT_DATE,
                "due_limit": STATEMENT_DATE,
                "company_ids": [(6, 0, self.fr_company.ids)],
            }
        )
        for line in wizard.line_ids:
            line.level_id = levels[-1]
        wizard.action_print()
        letters = {
            reminder.partner_id: " ".join(pdf_pages(reminder.attachment_id.raw))
            for reminder in wizard.reminder_ids
        }
        letter = letters[self.pro]
        self.assertIn("Statement of late-payment penalties", letter)
        self.assertIn("536.83", letter)
        self.assertIn("576.83", letter)
        self.assertIn("13.15 %", letter)
        # a private customer: the same level, no statement
        self.assertIn(private_invoice.name, letters[self.private])
        self.assertNotIn("Statement of late-payment penalties", letters[self.private])

    def test_statement_in_the_customer_letter_preview(self):
        """Print ▸ Letter from the customer: the letter due now (the formal
        notice, after the third level) with its statement."""
        levels = self.env["followup.policy"]._get_company_default(self.fr_company)
        self.invoice.write(
            {
                "followup_line_id": levels.line_ids.sorted("delay")[2].id,
                "followup_date": "2025-09-01",
            }
        )
        html, _format = (
            self.env["ir.actions.report"]
            .with_company(self.fr_company)
            ._render_qweb_html(
                "account_payment_followup.report_followup_letter",
                self.pro.ids,
                data={
                    "followup_date": "2025-12-31",
                    "company_id": self.fr_company.id,
                },
            )
        )
        html = html.decode()
        self.assertIn("Statement of late-payment penalties", html)
        self.assertIn("576.83", html)

    def test_letter_without_the_rate_of_the_half_year(self):
        """The ECB rate of the second half of 2026 is not entered: the formal
        notice still goes out, its statement drawn up to 30 June 2026."""
        self.env["followup.ecb.rate"].search(
            [("date_start", ">=", "2026-07-01")]
        ).unlink()
        levels = self.env["followup.policy"]._get_company_default(self.fr_company)
        wizard = self.env["followup.send"].create(
            {
                "date": date(2026, 11, 26),
                "due_limit": date(2026, 11, 26),
                "company_ids": [(6, 0, self.fr_company.ids)],
            }
        )
        wizard.line_ids.level_id = levels.line_ids.sorted("delay")[-1]
        wizard.action_print()
        letter = " ".join(pdf_pages(wizard.reminder_ids.attachment_id.raw))
        self.assertIn("Drawn up to 06/30/2026", letter)
        # 108.0822 + 153.1233 + 275.6219 (as above), then 1 January → 30 June
        # 2026 at 12.15 % (ECB 2.15 %): 6,000 × 12.15 % × 181 / 365 = 361.5041
        self.assertIn("898.33", letter)
        self.assertIn("938.33", letter)  # with the EUR 40 indemnity

    @freeze_time("2025-12-31")
    def test_bill_the_penalties_then_cancel(self):
        partner = self.pro.with_company(self.fr_company)
        with self.assertRaisesRegex(UserError, "accounts"):
            partner.action_followup_bill_penalties()
        income = self.env["account.account"].search(
            [
                ("company_ids", "in", self.fr_company.ids),
                ("account_type", "=", "income"),
            ],
            limit=1,
        )
        self.fr_company.write(
            {
                "followup_penalty_account_id": income.id,
                "followup_indemnity_account_id": income.id,
            }
        )
        action = partner.action_followup_bill_penalties()
        bill = self.env["account.move"].browse(action["res_id"])
        self.assertRecordValues(
            bill,
            [
                {
                    "state": "draft",
                    "move_type": "out_invoice",
                    "partner_id": self.pro.id,
                    "company_id": self.fr_company.id,
                    "amount_tax": 0.0,
                    "amount_total": 576.83,
                }
            ],
        )
        self.assertEqual(len(bill.invoice_line_ids), 2)
        self.assertFalse(bill.invoice_line_ids.tax_ids)
        self.assertIn(self.invoice.name, bill.invoice_line_ids[0].name)
        self.assertEqual(self.invoice.followup_penalty_move_id, bill)
        # settled: nothing more to claim or bill
        self.assertFalse(self._statement())
        with self.assertRaisesRegex(UserError, "owes no late-payment penalties"):
            partner.action_followup_bill_penalties()
        # undo: the normal cancel claims them again
        bill.button_cancel()
        self.assertAlmostEqual(self._statement()["total"], 576.83, places=2)
