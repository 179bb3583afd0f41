# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import random
from datetime import date

from stdnum import iban as stdnum_iban
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from odoo import Command
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.account_payment_followup.demo.generator import (
    BENCH_SALE_JOURNAL,
    fr_iban,
    fr_vat,
    generate_book,
    generate_demo_book,
    iban_valid,
    luhn_valid,
    make_siren,
    make_siret,
)

# Far enough in the past for books to straddle two years (sequence prefixes).
TODAY = date(2026, 2, 10)
SEED = 7


@tagged("post_install", "-at_install")
class TestDemoGenerator(AccountTestInvoicingCommon):
    """The benchmark book written with bulk SQL is the book the ORM writes, and the
    demo book has what the demo promises."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.orm_company = cls.company_data["company"]
        cls.sql_company = cls._create_company(name="Benchmark SQL company")
        cls.orm_book = generate_book(
            cls.env, cls.orm_company, 3, 4, seed=SEED, today=TODAY, method="orm"
        )
        cls.sql_book = generate_book(
            cls.env, cls.sql_company, 3, 4, seed=SEED, today=TODAY, method="sql"
        )

    # ------------------------------------------------------------------ helpers
    def _receivables(self, partner):
        return self.env["account.move.line"].search(
            [
                ("partner_id", "=", partner.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
            ]
        )

    def _customer_summary(self, book):
        """Per customer, in customer order: open receivable total, number of open
        receivable lines and their (days overdue, residual)."""
        summary = []
        for partner in self.env["res.partner"].browse(book["partner_ids"]):
            lines = self._receivables(partner)
            summary.append(
                (
                    round(sum(lines.mapped("amount_residual")), 2),
                    len(lines),
                    sorted(
                        ((TODAY - line.date_maturity).days, line.amount_residual)
                        for line in lines
                    ),
                )
            )
        return summary

    def _book_moves(self, book):
        payments = self.env["account.payment"].browse(book["payment_ids"])
        return self.env["account.move"].browse(book["move_ids"]) | payments.move_id

    def _recompute(self, records, fnames):
        """Values of ``fnames`` as stored, then as the ORM computes them again."""
        stored = records.read(fnames)
        for fname in fnames:
            self.env.add_to_compute(records._fields[fname], records)
        records.flush_recordset(fnames)
        records.invalidate_recordset(fnames)
        return stored, records.read(fnames)

    # ------------------------------------------------------------------ benchmark
    def test_books_agree(self):
        self.assertEqual(self.sql_book["customers"], 3)
        self.assertEqual(self.sql_book["invoices"], 12)
        self.assertEqual(self.orm_book["payments"], self.sql_book["payments"])
        orm_summary = self._customer_summary(self.orm_book)
        self.assertEqual(orm_summary, self._customer_summary(self.sql_book))
        self.assertTrue(all(residual > 0 for residual, _n, _items in orm_summary))
        self.assertEqual(sum(n for _r, n, _items in orm_summary), 12)
        partners = self.env["res.partner"].browse(self.sql_book["partner_ids"])
        self.assertEqual(partners.mapped("ref"), ["BK000001", "BK000002", "BK000003"])
        self.assertEqual(partners.company_id, self.sql_company)

    def test_books_balanced_and_coherent(self):
        for book in (self.orm_book, self.sql_book):
            moves = self._book_moves(book)
            self.assertTrue(all(moves.mapped(lambda m: m.state == "posted")))
            for move in moves:
                self.assertAlmostEqual(
                    sum(move.line_ids.mapped("debit")),
                    sum(move.line_ids.mapped("credit")),
                )
                self.assertAlmostEqual(sum(move.line_ids.mapped("balance")), 0.0)
            invoices = self.env["account.move"].browse(book["move_ids"])
            self.assertEqual(set(invoices.mapped("move_type")), {"out_invoice"})
            for invoice in invoices:
                receivable = invoice.line_ids.filtered(
                    lambda line: line.display_type == "payment_term"
                )
                self.assertEqual(len(receivable), 1)
                self.assertAlmostEqual(
                    invoice.amount_residual, receivable.amount_residual
                )
                self.assertEqual(receivable.date_maturity, invoice.invoice_date_due)
                self.assertGreater(invoice.amount_residual, 0)
                if invoice.amount_residual == invoice.amount_total:
                    self.assertEqual(invoice.payment_state, "not_paid")
                else:
                    self.assertEqual(invoice.payment_state, "partial")
                overdue = (TODAY - invoice.invoice_date_due).days
                self.assertLessEqual(overdue, 150)
                self.assertLessEqual(invoice.invoice_date, TODAY)
            self.assertIn("partial", invoices.mapped("payment_state"))

    def test_sql_rows_are_what_the_orm_computes(self):
        invoices = self.env["account.move"].browse(self.sql_book["move_ids"])
        self.env.invalidate_all()
        stored, computed = self._recompute(
            invoices,
            [
                "amount_untaxed",
                "amount_tax",
                "amount_total",
                "amount_residual",
                "amount_total_signed",
                "amount_residual_signed",
                "invoice_date_due",
                "payment_state",
                "sequence_prefix",
                "sequence_number",
            ],
        )
        self.assertEqual(stored, computed)
        lines = self._book_moves(self.sql_book).line_ids
        stored, computed = self._recompute(
            lines,
            [
                "amount_residual",
                "amount_residual_currency",
                "reconciled",
                "company_currency_id",
                "parent_state",
                "date",
                "move_name",
                "journal_id",
                "company_id",
                "partner_id",
            ],
        )
        self.assertEqual(stored, computed)

    def test_sql_invoice_paid_through_orm(self):
        invoices = self.env["account.move"].browse(self.sql_book["move_ids"])
        for state in ("partial", "not_paid"):
            invoice = invoices.filtered(lambda m, s=state: m.payment_state == s)[:1]
            self.assertTrue(invoice, state)
            self.env["account.payment.register"].with_company(
                self.sql_company
            ).with_context(active_model="account.move", active_ids=invoice.ids).create(
                {"payment_date": TODAY}
            )._create_payments()
            self.assertEqual(invoice.amount_residual, 0.0)
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
            receivable = invoice.line_ids.filtered(
                lambda line: line.display_type == "payment_term"
            )
            self.assertTrue(receivable.reconciled)
            self.assertTrue(receivable.full_reconcile_id)

    def test_sql_book_sequence_continues(self):
        """An invoice posted afterwards in the benchmark journal gets the next
        number of the sequence the SQL book wrote."""
        invoices = self.env["account.move"].browse(self.sql_book["move_ids"])
        journal = invoices.journal_id
        self.assertEqual(journal.code, BENCH_SALE_JOURNAL[0])
        self.assertEqual(len(set(invoices.mapped("name"))), 12)
        last = max(
            invoices.filtered(lambda m: m.date.year == TODAY.year),
            key=lambda m: m.sequence_number,
        )
        invoice = (
            self.env["account.move"]
            .with_company(self.sql_company)
            .create(
                {
                    "move_type": "out_invoice",
                    "journal_id": journal.id,
                    "partner_id": invoices[0].partner_id.id,
                    "invoice_date": TODAY,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "After the benchmark", "price_unit": 10}
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        self.assertEqual(invoice.sequence_prefix, last.sequence_prefix)
        self.assertEqual(invoice.sequence_number, last.sequence_number + 1)

    # ------------------------------------------------------------------ identifiers
    def test_french_identifiers(self):
        self.assertEqual(
            fr_iban("30006", "00001", "12345678901"), "FR7630006000011234567890189"
        )
        rng = random.Random(1)
        for _i in range(50):
            siren = make_siren(rng)
            siret = make_siret(siren)
            self.assertTrue(luhn_valid(siren) and luhn_valid(siret))
            self.assertTrue(stdnum_siret.is_valid(siret))
            self.assertTrue(stdnum_tva.is_valid(fr_vat(siren)))
        self.assertTrue(stdnum_iban.is_valid(fr_iban("30002", "00550", "00001578412")))
        self.assertTrue(iban_valid("FR76 3000 6000 0112 3456 7890 189"))
        self.assertFalse(iban_valid("FR76 3000 6000 0112 3456 7890 188"))

    # ------------------------------------------------------------------ demo book
    def test_demo_book(self):
        summary = generate_demo_book(self.env, today=TODAY, load_translations=False)
        # Both companies' records, whatever the test user's companies.
        env = self.env(su=True, context=dict(self.env.context, active_test=False))
        fr_company, us_company = env["res.company"].browse(summary["company_ids"])
        Move = env["account.move"]
        moves_before = Move.search_count([])
        self.assertEqual(
            generate_demo_book(self.env, today=TODAY, load_translations=False),
            summary,
            "the second run does nothing",
        )
        self.assertEqual(Move.search_count([]), moves_before)

        # The French company
        self.assertEqual(fr_company.name, "Atelier Durand SARL")
        self.assertEqual(fr_company.country_id.code, "FR")
        self.assertEqual(fr_company.currency_id.name, "EUR")
        self.assertTrue(fr_company.street and fr_company.zip and fr_company.city)
        self.assertTrue(fr_company.phone and fr_company.email)
        self.assertEqual(len(fr_company.company_registry), 14)
        self.assertTrue(stdnum_siret.is_valid(fr_company.company_registry))
        self.assertTrue(stdnum_tva.is_valid(fr_company.vat))
        self.assertEqual(fr_company.vat[4:], fr_company.company_registry[:9])
        bank_account = fr_company.partner_id.bank_ids
        self.assertEqual(len(bank_account), 1)
        self.assertTrue(stdnum_iban.is_valid(bank_account.acc_number))
        self.assertTrue(bank_account.bank_id.bic)
        self.assertEqual(us_company.currency_id.name, "USD")
        self.assertNotEqual(fr_company, us_company)

        # Customers
        customers = env["res.partner"].search(
            [("company_id", "=", fr_company.id), ("parent_id", "=", False)]
        )
        self.assertGreaterEqual(len(customers), 20)
        self.assertIn("fr_FR", customers.mapped("lang"))
        self.assertIn("en_US", customers.mapped("lang"))
        without_email = customers.filtered(
            lambda p: not p.email and not p.child_ids.filtered("email")
        )
        self.assertGreaterEqual(len(without_email), 2)
        self.assertTrue(customers.filtered(lambda p: not (p.street or p.city or p.zip)))
        self.assertTrue(
            customers.child_ids.filtered(lambda p: p.type == "invoice" and p.email)
        )
        self.assertTrue(
            env["res.partner"].search_count([("company_id", "=", us_company.id)])
        )

        # Invoices
        moves = Move.search(
            [("company_id", "=", fr_company.id), ("state", "=", "posted")]
        )
        invoices = moves.filtered(lambda m: m.move_type == "out_invoice")
        self.assertGreaterEqual(len(invoices), 40)
        self.assertGreaterEqual(len(invoices.commercial_partner_id), 20)
        blocked = invoices.filtered("followup_blocked")
        self.assertEqual(len(blocked), 1)
        self.assertTrue(
            all(
                blocked.line_ids.filtered(
                    lambda line: line.account_type == "asset_receivable"
                ).mapped("blocked")
            )
        )
        refunds = moves.filtered(lambda m: m.move_type == "out_refund")
        self.assertTrue(refunds)
        self.assertEqual(refunds[0].amount_residual, refunds[0].amount_total)
        foreign = invoices.filtered(lambda m: m.currency_id != fr_company.currency_id)
        self.assertTrue(foreign)
        self.assertEqual(foreign.currency_id.name, "USD")
        self.assertIn("partial", invoices.mapped("payment_state"))
        self.assertTrue(
            invoices.filtered(lambda m: m.payment_state in ("paid", "in_payment"))
        )
        self.assertTrue(invoices.filtered("followup_line_id"))
        self.assertGreaterEqual(len(invoices.invoice_payment_term_id), 3)
        two_instalments = invoices.filtered(
            lambda m: len(
                set(
                    m.line_ids.filtered(
                        lambda line: line.display_type == "payment_term"
                    ).mapped("date_maturity")
                )
            )
            == 2
        )
        self.assertGreaterEqual(len(two_instalments), 2)
        open_lines = invoices.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        )
        overdue = [(TODAY - line.date_maturity).days for line in open_lines]
        self.assertGreaterEqual(max(overdue), 120)
        self.assertLessEqual(max(overdue), 150)
        self.assertTrue([days for days in overdue if days < 0], "some not due yet")
        for move in moves:
            self.assertAlmostEqual(sum(move.line_ids.mapped("balance")), 0.0)
        us_invoices = Move.search(
            [("company_id", "=", us_company.id), ("move_type", "=", "out_invoice")]
        )
        self.assertTrue(us_invoices)
