# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark books: :func:`generate_book` and its ORM writer.

:func:`generate_book` plans the book (book_plan.py) and writes it either through
the ORM (:func:`_book_orm`, the reference) or through bulk SQL (sql_book.py).
"""

import logging
import time

from odoo import Command

from .accounting_setup import (
    _bench_journals,
    _payment_terms,
    _quiet_env,
    _register_payment,
    _simple_sale_tax,
    _today,
    ensure_chart,
)
from .book_plan import _customer_vals, _invoice_amounts, _plan_book
from .sql_book import _book_sql

_logger = logging.getLogger(__name__)


def _book_orm(env, company, customers, invoices, context):
    """Write the planned book with the ORM, as users would."""
    sale_journal, bank_journal = context["journals"]
    tax, terms, lang = context["tax"], context["terms"], context["lang"]
    currency = company.currency_id
    partners = (
        env["res.partner"]
        .with_company(company)
        .create([_customer_vals(customer, company, lang) for customer in customers])
    )
    Move = env["account.move"].with_company(company)
    vals_list = []
    for invoice in invoices:
        line = {
            "name": invoice["label"],
            "quantity": 1,
            "price_unit": invoice["untaxed"],
            "tax_ids": [Command.set(tax.ids if invoice["taxed"] else [])],
        }
        vals_list.append(
            {
                "move_type": "out_invoice",
                "journal_id": sale_journal.id,
                "partner_id": partners[invoice["customer"]].id,
                "invoice_date": invoice["invoice_date"],
                "invoice_payment_term_id": terms[invoice["term"]].id,
                "invoice_line_ids": [Command.create(line)],
            }
        )
    moves = Move.browse()
    for start in range(0, len(vals_list), 500):
        batch = Move.create(vals_list[start : start + 500])
        batch.action_post()
        moves |= batch
    payments = env["account.payment"]
    paid = [
        (invoice["payment_date"], index, _invoice_amounts(invoice, tax, currency)[3])
        for index, invoice in enumerate(invoices)
        if invoice["paid_fraction"]
    ]
    for date, index, amount in sorted(paid):
        payments |= _register_payment(env, moves[index], amount, date, bank_journal)
    return partners.ids, moves.ids, payments.ids


def generate_book(
    env, company, n_customers, n_invoices, seed=0, today=None, method="sql"
):
    """Build a benchmark book for ``company``: ``n_customers`` customers with
    ``n_invoices`` posted open invoices each.

    Each invoice has one line (70% of them with the company's default sale tax
    when it is a plain percentage), a due date 0 to 150 days in the past (or not
    due yet for some invoices on 30 days), and about one in five is partly paid
    by a payment reconciled with it. Entries go to the journals BENCH (invoices)
    and BPAY (payments) of the company, created when missing; the company gets
    the generic chart of accounts when it has none.

    :param company: ``res.company`` record
    :param seed: seed of the random generator: same seed, same book
    :param today: date the due dates are counted back from (default: today)
    :param method: ``"orm"`` (create, post and pay through the ORM: about 60 ms an
        invoice) or ``"sql"`` (COPY of the same rows: about 0.5 ms an invoice)
    :return: dict with ``partner_ids`` (in customer order), ``move_ids`` (the
        invoices, customer by customer), ``payment_ids``, counts and ``seconds``
    """
    if method not in ("orm", "sql"):
        raise ValueError(f"method must be 'orm' or 'sql', not {method!r}")
    started = time.perf_counter()
    env = _quiet_env(env)
    company = env["res.company"].browse(company.id)
    ensure_chart(env, company)
    env = env(context=dict(env.context, allowed_company_ids=company.ids))
    today = _today(env, today)
    customers, invoices = _plan_book(n_customers, n_invoices, seed, today)
    context = {
        "journals": _bench_journals(env, company),
        "tax": _simple_sale_tax(company),
        "terms": _payment_terms(env),
        "lang": env.lang or "en_US",
        "today": today,
    }
    writer = _book_sql if method == "sql" else _book_orm
    partner_ids, move_ids, payment_ids = writer(
        env, company, customers, invoices, context
    )
    result = {
        "company_id": company.id,
        "method": method,
        "customers": len(partner_ids),
        "invoices": len(move_ids),
        "payments": len(payment_ids),
        "partner_ids": partner_ids,
        "move_ids": move_ids,
        "payment_ids": payment_ids,
        "seconds": round(time.perf_counter() - started, 2),
    }
    _logger.info(
        "Benchmark book (%s) for %s: %s customers, %s invoices, %s payments in %.1fs",
        method,
        company.name,
        result["customers"],
        result["invoices"],
        result["payments"],
        result["seconds"],
    )
    return result
