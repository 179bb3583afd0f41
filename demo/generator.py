# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo and benchmark books for account_payment_followup.

This file is not imported by the module; callers import it explicitly::

    from odoo.addons.account_payment_followup.demo.generator import (
        configure_demo_mail_server,
        generate_book,
        generate_demo_book,
    )

* :func:`generate_demo_book` turns a database into a believable demo: a French
  company (EUR) and a US one, their customers, posted invoices, payments, a credit
  note, an invoice in litigation... Used once by ``make demo``.
* :func:`generate_book` builds N customers x M open invoices for benchmarks,
  through the ORM (slow, the reference) or through bulk SQL inserts (fast) that
  write the same rows the ORM would.
* :func:`configure_demo_mail_server` makes the local SMTP sink that ``make demo``
  starts (``scripts/mail_sink.py``) the database's outgoing mail server.

Nothing here sends mail or calls IAP / snailmail.

This file only re-exports the public names of the files that hold the code:

* ``fr_identifiers.py``: SIREN / SIRET / VAT / IBAN with valid check digits;
* ``accounting_setup.py``: quiet environment, chart of accounts, payment terms,
  sale tax, benchmark journals, payment registration;
* ``demo_data.py``: companies, customers, products and invoices of the demo book;
* ``demo_companies.py``: the French and US companies of the demo book;
* ``demo_book.py``: :func:`generate_demo_book`;
* ``demo_mail.py``: :func:`configure_demo_mail_server`;
* ``book_plan.py``: what a benchmark book contains, drawn from a seed;
* ``bench_book.py``: :func:`generate_book` and its ORM writer;
* ``sql_book.py``, ``sql_book_entries.py``, ``sql_copy.py``: its bulk SQL writer.
"""

from .accounting_setup import (
    BENCH_BANK_JOURNAL,
    BENCH_SALE_JOURNAL,
    QUIET_CONTEXT,
    ensure_chart,
)
from .bench_book import generate_book
from .demo_book import DEMO_BOOK_PARAM, DEMO_SEED, generate_demo_book
from .demo_data import (
    FR_BANK,
    FR_COMPANY,
    FR_CUSTOMERS,
    FR_INVOICES,
    FR_PRODUCTS,
    FR_REFUNDS,
    FR_RIB,
    US_COMPANY,
    US_CUSTOMERS,
    US_INVOICES,
    US_PRODUCTS,
)
from .demo_mail import DEMO_MAIL_SERVER_NAME, configure_demo_mail_server
from .fr_identifiers import (
    fr_iban,
    fr_vat,
    iban_valid,
    luhn_check_digit,
    luhn_valid,
    make_siren,
    make_siret,
)
from .sql_book import MODULE, SQL_CHUNK

__all__ = [
    "BENCH_BANK_JOURNAL",
    "BENCH_SALE_JOURNAL",
    "DEMO_BOOK_PARAM",
    "DEMO_MAIL_SERVER_NAME",
    "DEMO_SEED",
    "FR_BANK",
    "FR_COMPANY",
    "FR_CUSTOMERS",
    "FR_INVOICES",
    "FR_PRODUCTS",
    "FR_REFUNDS",
    "FR_RIB",
    "MODULE",
    "QUIET_CONTEXT",
    "SQL_CHUNK",
    "US_COMPANY",
    "US_CUSTOMERS",
    "US_INVOICES",
    "US_PRODUCTS",
    "configure_demo_mail_server",
    "ensure_chart",
    "fr_iban",
    "fr_vat",
    "generate_book",
    "generate_demo_book",
    "iban_valid",
    "luhn_check_digit",
    "luhn_valid",
    "make_siren",
    "make_siret",
]
