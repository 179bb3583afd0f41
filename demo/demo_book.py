# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo book: :func:`generate_demo_book` and its helpers.

Products, customers (with their invoicing contacts), and :class:`_DemoBook`,
which posts the invoices and credit notes of a company and settles and flags
them. The companies: demo_companies.py; the data: demo_data.py.
"""

import json
import logging
import random
import time
from datetime import timedelta

from odoo import Command, fields

from .accounting_setup import (
    _payment_terms,
    _quiet_env,
    _register_payment,
    _simple_sale_tax,
    _today,
)
from .demo_companies import (
    _activate_french,
    _demo_bank_account,
    _demo_french_company,
    _demo_us_company,
    _fr_sale_tax,
    _set_rate,
)
from .demo_data import (
    _PHONE_AREA,
    FR_CUSTOMERS,
    FR_INVOICES,
    FR_PRODUCTS,
    FR_REFUNDS,
    US_CUSTOMERS,
    US_INVOICES,
    US_PRODUCTS,
)
from .fr_identifiers import fr_vat, make_siren, make_siret

_logger = logging.getLogger(__name__)

DEMO_BOOK_PARAM = "account_payment_followup.demo_book"
DEMO_SEED = 20260101


def _demo_products(env, company, catalogue, taxes):
    """Products of ``company`` from ``catalogue``, by key."""
    Product = env["product.product"].with_company(company)
    products = {}
    for key, (name, code, price, kind) in catalogue.items():
        products[key] = Product.create(
            {
                "name": name,
                "default_code": code,
                "list_price": price,
                "type": kind,
                "company_id": company.id,
                "taxes_id": [Command.set(taxes.ids)],
            }
        )
    return products


def _phone(rng, zip_code):
    area = _PHONE_AREA.get((zip_code or "")[:2], "4")
    pairs = " ".join(f"{rng.randint(0, 99):02d}" for _i in range(4))
    return f"+33 {area} {pairs}"


def _demo_fr_customers(env, company, rng, lang):
    """The French company's customers (and their invoicing contacts), by ref."""
    countries = {
        country.code: country
        for country in env["res.country"].search([("code", "in", ("FR", "GB", "US"))])
    }
    customers = {}
    for ref, name, street, zip_code, city, email, contact, country in FR_CUSTOMERS:
        vals = {
            "name": name,
            "ref": ref,
            "is_company": True,
            "company_id": company.id,
            "email": email,
            "customer_rank": 1,
        }
        if street:
            vals.update(
                street=street,
                zip=zip_code,
                city=city,
                country_id=countries[country or "FR"].id,
            )
        if country:
            vals["lang"] = "en_US"
        else:
            siren = make_siren(rng)
            vals.update(
                lang=lang or env.lang,
                phone=_phone(rng, zip_code),
                vat=fr_vat(siren),
                company_registry=make_siret(siren),
            )
        partner = env["res.partner"].create(vals)
        if contact:
            env["res.partner"].create(
                {
                    "parent_id": partner.id,
                    "type": "invoice",
                    "name": contact[0],
                    "email": contact[1],
                    "lang": partner.lang,
                }
            )
        customers[ref] = partner
    return customers


def _demo_us_customers(env, company, rng):
    us = env.ref("base.us")
    customers = {}
    for ref, name, street, zip_code, city, email in US_CUSTOMERS:
        customers[ref] = env["res.partner"].create(
            {
                "name": name,
                "ref": ref,
                "is_company": True,
                "company_id": company.id,
                "street": street,
                "zip": zip_code,
                "city": city,
                "country_id": us.id,
                "email": email,
                "phone": f"+1 555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
                "lang": "en_US",
                "customer_rank": 1,
            }
        )
    return customers


def _quantity(rng, product):
    if product.list_price < 100:
        return rng.randint(3, 16)
    if product.list_price < 300:
        return rng.randint(2, 12)
    return rng.randint(1, 3)


def _invoice_partner(partner):
    """The address invoices of ``partner`` are sent to."""
    contacts = partner.child_ids.filtered(lambda child: child.type == "invoice")
    return contacts[:1] or partner


class _DemoBook:
    """Posts the invoices of one company of the demo book and settles them."""

    def __init__(self, env, company, rng, today):
        self.env = env
        self.company = company
        self.rng = rng
        self.today = today
        self.terms = _payment_terms(env)
        self.moves = env["account.move"]
        self.payments = env["account.payment"]
        policy = env["followup.policy"].search(
            [("company_id", "=", company.id), ("is_default", "=", True)], limit=1
        )
        self.levels = policy.line_ids.sorted("delay")

    def post_invoices(self, customers, specs, products, taxes, currencies=None):
        """Create and post the invoices of ``specs``; then settle and flag them."""
        Move = self.env["account.move"].with_company(self.company)
        vals_list, todo = [], []
        for ref, invoices in specs.items():
            partner = customers[ref]
            for age, term, items, settle, flag in invoices:
                lines = [
                    Command.create(
                        {
                            "product_id": products[key].id,
                            "quantity": _quantity(self.rng, products[key]),
                            "tax_ids": [Command.set(taxes(partner).ids)],
                        }
                    )
                    for key in items
                ]
                vals = {
                    "move_type": "out_invoice",
                    "partner_id": _invoice_partner(partner).id,
                    "invoice_date": self.today - timedelta(days=age),
                    "invoice_payment_term_id": self.terms[term].id,
                    "invoice_line_ids": lines,
                }
                if flag == "usd" and currencies:
                    vals["currency_id"] = currencies["usd"].id
                vals_list.append(vals)
                todo.append((settle, flag))
        moves = Move.create(vals_list)
        moves.action_post()
        self.moves |= moves
        for move, (settle, flag) in zip(moves, todo, strict=True):
            self._settle(move, settle)
            self._flag(move, flag)
        return moves

    def post_refunds(self, customers, refunds, products, taxes):
        Move = self.env["account.move"].with_company(self.company)
        refunds = Move.create(
            [
                {
                    "move_type": "out_refund",
                    "partner_id": _invoice_partner(customers[ref]).id,
                    "invoice_date": self.today - timedelta(days=age),
                    "ref": "Retour de marchandise défectueuse",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": products[key].id,
                                "quantity": quantity,
                                "tax_ids": [Command.set(taxes(customers[ref]).ids)],
                            }
                        )
                    ],
                }
                for ref, age, key, quantity in refunds
            ]
        )
        refunds.action_post()
        self.moves |= refunds
        return refunds

    def _settle(self, move, settle):
        if not settle:
            return
        terms = move.line_ids.filtered(lambda line: line.display_type == "payment_term")
        due = max(terms.mapped("date_maturity"))
        if settle == "paid":
            date = due + timedelta(days=self.rng.randint(-10, 10))
            amount = None
        else:
            date = move.invoice_date + timedelta(days=self.rng.randint(7, 30))
            amount = move.currency_id.round(move.amount_total * settle)
        date = min(max(date, move.invoice_date), self.today)
        self.payments |= _register_payment(self.env, move, amount, date)

    def _flag(self, move, flag):
        if flag == "blocked":
            move.followup_blocked = True
        elif flag and flag.startswith("level") and self.levels:
            level = self.levels[min(int(flag[5:]), len(self.levels) - 1)]
            date = move.invoice_date_due + timedelta(days=level.delay)
            move.write({"followup_line_id": level.id, "followup_date": date})


def generate_demo_book(env, today=None, load_translations=True):
    """Turn the database into a believable demo of customer follow-ups.

    Runs once: when the ``account_payment_followup.demo_book`` system parameter is
    set, returns the summary stored there and does nothing. Works with or without
    Odoo's demo data (a chart of accounts is installed where missing).

    * *Atelier Durand SARL*, a French company in euros (SIRET, VAT number, IBAN
      bank account), with 25 customers (French ones in French, some with an
      invoicing contact, three without e-mail, one without address, two foreign
      customers in English) and their posted invoices: due 0 to 150 days ago or
      not yet due, immediate or 30-day terms, two invoices in two instalments,
      paid, partly paid and open ones, an open credit note, two invoices in US
      dollars, one invoice in litigation (excluded from follow-ups) and a few
      invoices whose reminders were already sent;
    * *Durand Design Inc.*, a US company in dollars with 4 customers of its own.

    :param today: date the book is built around (default: today)
    :param load_translations: also load the French translations of the installed
        modules (about a minute)
    :return: summary dict (companies, customers, invoices, ...)
    """
    env = _quiet_env(env)
    params = env["ir.config_parameter"]
    done = params.get_param(DEMO_BOOK_PARAM)
    if done:
        _logger.info("Demo book already generated: %s", done)
        return json.loads(done)
    started = time.perf_counter()
    today = _today(env, today)
    rng = random.Random(DEMO_SEED)
    lang = _activate_french(env, load_translations)
    fr_company = _demo_french_company(env, rng)
    us_company = _demo_us_company(env, fr_company)
    admin = env.ref("base.user_admin", raise_if_not_found=False)
    if admin:
        # The demo opens on the French company. Changing a user's company moves
        # its contact to that company: share it instead, so that it stays visible
        # in the other company.
        partner_company = admin.partner_id.company_id
        admin.write(
            {
                "company_ids": [
                    Command.link(fr_company.id),
                    Command.link(us_company.id),
                ],
                "company_id": fr_company.id,
            }
        )
        if partner_company and partner_company != fr_company:
            admin.partner_id.company_id = False
    usd = env.ref("base.USD")
    rate_date = today - timedelta(days=400)
    _set_rate(env, fr_company, fr_company.currency_id, 1.0, rate_date)
    _set_rate(env, fr_company, usd, 1.08, rate_date)
    bank_account = _demo_bank_account(env, fr_company)

    fr_env = env(context=dict(env.context, allowed_company_ids=fr_company.ids))
    vat = _fr_sale_tax(fr_env, fr_company)
    fr_customers = _demo_fr_customers(fr_env, fr_company, rng, lang)
    fr_products = _demo_products(fr_env, fr_company, FR_PRODUCTS, vat)

    def fr_taxes(partner):
        # No French VAT on exports outside the EU (the foreign customers).
        return vat if partner.country_id.code in (False, "FR") else vat.browse()

    fr_book = _DemoBook(fr_env, fr_company, rng, today)
    fr_book.post_invoices(
        fr_customers, FR_INVOICES, fr_products, fr_taxes, {"usd": usd}
    )
    fr_book.post_refunds(fr_customers, FR_REFUNDS, fr_products, fr_taxes)

    us_env = env(context=dict(env.context, allowed_company_ids=us_company.ids))
    us_tax = _simple_sale_tax(us_company)
    us_customers = _demo_us_customers(us_env, us_company, rng)
    us_products = _demo_products(us_env, us_company, US_PRODUCTS, us_tax)
    us_book = _DemoBook(us_env, us_company, rng, today)
    us_book.post_invoices(us_customers, US_INVOICES, us_products, lambda p: us_tax)

    # the demo shows the daily run at work: automatic sending turned on by admin
    # (in production nothing leaves until someone does this in the settings)
    demo_companies = fr_company | us_company
    (demo_companies.with_user(admin).sudo() if admin else demo_companies).write(
        {"followup_auto_send": True}
    )

    moves = fr_book.moves | us_book.moves
    summary = {
        "companies": [fr_company.name, us_company.name],
        "company_ids": [fr_company.id, us_company.id],
        "customers": {
            fr_company.name: len(fr_customers),
            us_company.name: len(us_customers),
        },
        "invoices": len(moves.filtered(lambda m: m.move_type == "out_invoice")),
        "credit_notes": len(moves.filtered(lambda m: m.move_type == "out_refund")),
        "payments": len(fr_book.payments | us_book.payments),
        "blocked_invoices": len(moves.filtered("followup_blocked")),
        "foreign_currency_invoices": len(
            moves.filtered(lambda m: m.currency_id != m.company_id.currency_id)
        ),
        "bank_account": bank_account.acc_number,
        "today": fields.Date.to_string(today),
        "seconds": round(time.perf_counter() - started, 1),
    }
    params.set_param(DEMO_BOOK_PARAM, json.dumps(summary))
    _logger.info("Demo book generated: %s", summary)
    return summary
