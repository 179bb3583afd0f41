# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo and benchmark books for account_payment_followup.

This file is not imported by the module; callers import it explicitly::

    from odoo.addons.account_payment_followup.demo.generator import (
        generate_book,
        generate_demo_book,
    )

* :func:`generate_demo_book` turns a database into a believable demo: a French
  company (EUR) and a US one, their customers, posted invoices, payments, a credit
  note, an invoice in litigation... Used once by ``make demo``.
* :func:`generate_book` builds N customers x M open invoices for benchmarks,
  through the ORM (slow, the reference) or through bulk SQL inserts (fast) that
  write the same rows the ORM would.

Nothing here sends mail or calls IAP / snailmail.
"""

import io
import json
import logging
import math
import random
import time
from datetime import timedelta

from psycopg2 import sql

from odoo import SUPERUSER_ID, Command, fields
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

MODULE = "account_payment_followup"
DEMO_BOOK_PARAM = "account_payment_followup.demo_book"
DEMO_SEED = 20260101
QUIET_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
    "no_reset_password": True,
}
BENCH_SALE_JOURNAL = ("BENCH", "Benchmark Invoices")
BENCH_BANK_JOURNAL = ("BPAY", "Benchmark Payments")
# Bulk SQL: invoices written per COPY round.
SQL_CHUNK = 5000
# Stored computed fields of this module the SQL path writes itself.
_SQL_WRITTEN_MODULE_FIELDS = {"followup_blocked"}

# ----------------------------------------------------------------------------
# French identifiers (SIREN / SIRET / VAT / IBAN), all with valid check digits
# ----------------------------------------------------------------------------


def luhn_check_digit(digits):
    """The digit to append to ``digits`` so that the result passes the Luhn test."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return str(-total % 10)


def luhn_valid(number):
    """True when the string of digits ``number`` passes the Luhn test."""
    return number.isdigit() and luhn_check_digit(number[:-1]) == number[-1]


def make_siren(rng):
    """A random 9-digit SIREN with a valid Luhn key."""
    body = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _i in range(7))
    return body + luhn_check_digit(body)


def make_siret(siren, establishment=1):
    """The 14-digit SIRET of establishment number ``establishment`` of ``siren``."""
    body = f"{siren}{establishment:04d}"
    return body + luhn_check_digit(body)


def fr_vat(siren):
    """French VAT number of a SIREN: FR + key (12 + 3 * (SIREN % 97)) % 97 + SIREN."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def fr_iban(bank_code, branch_code, account_number):
    """French IBAN from the RIB parts (5-digit bank, 5-digit branch, 11-digit
    account), with the RIB key and the IBAN check digits computed."""
    rib_key = 97 - (
        (89 * int(bank_code) + 15 * int(branch_code) + 3 * int(account_number)) % 97
    )
    bban = f"{bank_code}{branch_code}{account_number}{rib_key:02d}"
    # Country code moved to the end, letters as numbers (F=15, R=27), "00".
    check = 98 - int(bban + "152700") % 97
    return f"FR{check:02d}{bban}"


def iban_valid(iban):
    """True when ``iban`` (spaces allowed) has valid check digits."""
    iban = iban.replace(" ", "").upper()
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in moved)) % 97 == 1


# ----------------------------------------------------------------------------
# Environment helpers
# ----------------------------------------------------------------------------


def _quiet_env(env):
    """Superuser-mode environment that neither tracks nor logs nor notifies. The
    user stays the caller's, except OdooBot (``odoo shell``), replaced by the
    administrator so that documents get a real salesperson."""
    user = env.uid
    if user == SUPERUSER_ID:
        admin = env.ref("base.user_admin", raise_if_not_found=False)
        user = admin.id if admin else user
    return env(user=user, su=True, context=dict(env.context, **QUIET_CONTEXT))


def _today(env, today):
    """``today`` as a date, the user's today when not given."""
    if today:
        return fields.Date.to_date(today)
    return fields.Date.context_today(env["res.users"])


def ensure_chart(env, company):
    """Install the generic chart of accounts on ``company`` when it has none."""
    if not company.chart_template:
        _logger.info("Installing the generic chart of accounts on %s", company.name)
        env["account.chart.template"].try_loading(
            "generic_coa", company, install_demo=False
        )
    return company


def _payment_term(env, xmlid, name, lines):
    """The payment term of ``xmlid``, or a new one with these ``lines``
    ([(percent, days)]) when the record was deleted."""
    term = env.ref(xmlid, raise_if_not_found=False)
    if term:
        return term
    return env["account.payment.term"].create(
        {
            "name": name,
            "line_ids": [
                Command.create(
                    {"value": "percent", "value_amount": percent, "nb_days": days}
                )
                for percent, days in lines
            ],
        }
    )


def _payment_terms(env):
    """Payment terms used by the generators, by key."""
    return {
        "now": _payment_term(
            env,
            "account.account_payment_term_immediate",
            "Immediate Payment",
            [(100, 0)],
        ),
        "30": _payment_term(
            env, "account.account_payment_term_30days", "30 Days", [(100, 30)]
        ),
        "30/70": _payment_term(
            env,
            "account.account_payment_term_advance_60days",
            "30% Now, Balance 60 Days",
            [(30, 0), (70, 60)],
        ),
    }


def _simple_sale_tax(company):
    """The company's default sale tax when it is a plain percentage, price excluded,
    with one tax repartition line (what the SQL path knows how to write), else an
    empty recordset."""
    tax = company.account_sale_tax_id
    if not tax or tax.amount_type != "percent" or tax.price_include:
        return tax.browse()
    lines = tax.invoice_repartition_line_ids
    tax_lines = lines.filtered(lambda line: line.repartition_type == "tax")
    if len(tax_lines) != 1 or tax_lines.factor_percent != 100:
        return tax.browse()
    return tax


def _company_journal(env, company, journal_type):
    return env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", journal_type)], limit=1
    )


def _bench_journals(env, company):
    """The sale and bank journals of the benchmark book of ``company`` (created
    the first time), so that its entries are numbered apart."""
    Journal = env["account.journal"].with_company(company)
    result = []
    for (code, name), journal_type in (
        (BENCH_SALE_JOURNAL, "sale"),
        (BENCH_BANK_JOURNAL, "bank"),
    ):
        journal = Journal.search(
            [("company_id", "=", company.id), ("code", "=", code)], limit=1
        )
        if not journal:
            vals = {
                "name": name,
                "code": code,
                "type": journal_type,
                "company_id": company.id,
            }
            if journal_type == "sale":
                default = _company_journal(env, company, "sale")
                vals["default_account_id"] = default.default_account_id.id
            journal = Journal.create(vals)
        result.append(journal)
    return result


def _register_payment(env, moves, amount, date, journal=None):
    """Register a payment of ``amount`` (None: the full residual) on ``moves``
    through the payment wizard, as a user would."""
    company = moves.company_id
    vals = {"payment_date": date, "payment_difference_handling": "open"}
    if amount is not None:
        vals["amount"] = amount
    if journal:
        vals["journal_id"] = journal.id
    wizard = (
        env["account.payment.register"]
        .with_company(company)
        .with_context(active_model="account.move", active_ids=moves.ids)
        .create(vals)
    )
    return wizard._create_payments()


# ----------------------------------------------------------------------------
# Benchmark book: the plan (shared by both methods)
# ----------------------------------------------------------------------------

_ACTIVITIES = [
    "Boulangerie",
    "Menuiserie",
    "Garage",
    "Pharmacie",
    "Cabinet",
    "Librairie",
    "Restaurant",
    "Fromagerie",
    "Imprimerie",
    "Transports",
    "Hôtel",
    "Agence",
    "Studio",
    "Atelier",
    "Domaine",
    "Boucherie",
    "Fleuriste",
    "Quincaillerie",
    "Brasserie",
    "Clinique",
]
_SURNAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Legrand",
    "Chevalier",
]
_CITIES = [
    ("69002", "Lyon"),
    ("75011", "Paris"),
    ("13001", "Marseille"),
    ("31000", "Toulouse"),
    ("33000", "Bordeaux"),
    ("59000", "Lille"),
    ("44000", "Nantes"),
    ("67000", "Strasbourg"),
    ("35000", "Rennes"),
    ("38000", "Grenoble"),
    ("21000", "Dijon"),
    ("37000", "Tours"),
]
_STREETS = [
    "rue de la République",
    "avenue Jean Jaurès",
    "rue Victor Hugo",
    "boulevard Gambetta",
    "rue du Général de Gaulle",
    "place de la Mairie",
    "rue des Écoles",
    "chemin des Vignes",
]
_LABELS = [
    "Prestation de conseil",
    "Maintenance mensuelle",
    "Fournitures de bureau",
    "Intervention sur site",
    "Licence logicielle annuelle",
    "Formation",
    "Location de matériel",
    "Travaux de menuiserie",
]
_TERM_DAYS = {"now": 0, "30": 30}
# What the ORM stores on the tax and receivable lines of an invoice.
_ZERO_PRICES = {
    "quantity": 0.0,
    "price_unit": 0.0,
    "price_subtotal": 0.0,
    "price_total": 0.0,
}


def _plan_book(n_customers, n_invoices, seed, today):
    """What a benchmark book contains, independently of how it is written.

    :return: (customers, invoices): ``customers`` a list of partner values,
        ``invoices`` a list of dicts (customer index, term key, invoice and due
        dates, untaxed amount, taxed or not, fraction paid and payment date).
    """
    rng = random.Random(seed)
    customers = []
    invoices = []
    for index in range(n_customers):
        zip_code, city = rng.choice(_CITIES)
        ref = f"BK{index + 1:06d}"
        customers.append(
            {
                "name": f"{rng.choice(_ACTIVITIES)} {rng.choice(_SURNAMES)}",
                "ref": ref,
                "email": f"compta.{ref.lower()}@example.com",
                "street": f"{rng.randint(1, 150)} {rng.choice(_STREETS)}",
                "zip": zip_code,
                "city": city,
            }
        )
        for _j in range(n_invoices):
            term = "now" if rng.random() < 0.3 else "30"
            days = _TERM_DAYS[term]
            # Overdue 0-150 days; invoices on 30 days may also be not due yet.
            overdue = rng.randint(1 - days if days else 0, 150)
            due = today - timedelta(days=overdue)
            invoice_date = due - timedelta(days=days)
            paid_fraction = 0.0
            payment_date = None
            if rng.random() < 0.2:
                paid_fraction = rng.uniform(0.2, 0.8)
                age = (today - invoice_date).days
                payment_date = invoice_date + timedelta(days=rng.randint(0, age))
            invoices.append(
                {
                    "customer": index,
                    "term": term,
                    "invoice_date": invoice_date,
                    "date_due": due,
                    "untaxed": float(rng.randint(5, 500) * 10),
                    "taxed": rng.random() < 0.7,
                    "label": rng.choice(_LABELS),
                    "paid_fraction": paid_fraction,
                    "payment_date": payment_date,
                }
            )
    return customers, invoices


def _invoice_amounts(invoice, tax, currency):
    """(untaxed, tax, total, paid) of a planned invoice, rounded like the ORM."""
    untaxed = invoice["untaxed"]
    tax_amount = (
        currency.round(untaxed * tax.amount / 100) if tax and invoice["taxed"] else 0.0
    )
    total = currency.round(untaxed + tax_amount)
    paid = float(math.floor(total * invoice["paid_fraction"]))
    return untaxed, tax_amount, total, paid


def _customer_vals(customer, company, lang):
    return dict(
        customer,
        is_company=True,
        customer_rank=1,
        company_id=company.id,
        country_id=company.country_id.id,
        lang=lang,
    )


# ----------------------------------------------------------------------------
# Benchmark book through the ORM
# ----------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------
# Benchmark book through bulk SQL
# ----------------------------------------------------------------------------


class _Table:
    """Rows for one table, written with COPY.

    Columns a row does not give take the value the ORM would: the model's defaults
    (fields with a plain column, computed ones excepted), then None.
    """

    def __init__(self, env, model_name, **constants):
        self.env = env
        self.model = env[model_name]
        self.table = self.model._table
        self.constants = {**self._orm_defaults(), **constants}
        self.rows = []

    def _orm_defaults(self):
        names = [
            name
            for name, field in self.model._fields.items()
            if field.store
            and field.column_type
            and not (field.compute or field.related)
            and not (field.company_dependent or field.translate)
            and name
            not in ("id", "create_uid", "create_date", "write_uid", "write_date")
        ]
        result = {}
        for name, value in self.model.default_get(names).items():
            field = self.model._fields[name]
            column_value = field.convert_to_column_insert(value, self.model)
            if not isinstance(column_value, dict | list):
                result[name] = column_value
        return result

    def add(self, **values):
        """Queue one row."""
        self.rows.append(values)

    def flush(self):
        """Insert the queued rows."""
        if not self.rows:
            return
        names = set(self.constants)
        for row in self.rows:
            names.update(row)
        columns = sorted(names)
        constants = {name: _copy_text(value) for name, value in self.constants.items()}
        buffer = io.StringIO()
        for row in self.rows:
            buffer.write(
                "\t".join(
                    _copy_text(row[c]) if c in row else constants.get(c, "\\N")
                    for c in columns
                )
            )
            buffer.write("\n")
        buffer.seek(0)
        _copy(self.env.cr, self.table, columns, buffer)
        self.rows = []


def _copy_text(value):
    """``value`` in the text format of COPY."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return str(value)


def _copy(cr, table, columns, buffer):
    """COPY the tab-separated rows of ``buffer`` into ``columns`` of ``table``."""
    query = sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
        table=sql.Identifier(table),
        columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
    )
    cr.copy_expert(query.as_string(cr.connection), buffer)


def _reserve_ids(env, table, count):
    """``count`` new ids of ``table``, taken from its id sequence."""
    if not count:
        return []
    env.cr.execute(
        SQL(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
            "FROM generate_series(1, %s)",
            table,
            count,
        )
    )
    return [row[0] for row in env.cr.fetchall()]


def _assign_names(env, journal, items, date_key, is_payment=False):
    """Give each of ``items`` (dicts) the name, prefix and number the journal's
    sequence would give, in date order, after the journal's existing entries."""
    starting = {}
    Move = env["account.move"].with_company(journal.company_id)
    for date in {item[date_key] for item in items}:
        move = Move.new(
            {
                "journal_id": journal.id,
                "date": date,
                "move_type": "entry" if is_payment else "out_invoice",
            }
        )
        start = move.with_context(is_payment=is_payment)._get_starting_sequence()
        prefix = start.rstrip("0123456789")
        starting[date] = (prefix, len(start) - len(prefix))
    env["account.move"].flush_model(
        ["journal_id", "sequence_prefix", "sequence_number"]
    )
    env.cr.execute(
        SQL(
            "SELECT sequence_prefix, MAX(sequence_number) FROM account_move "
            "WHERE journal_id = %s AND sequence_prefix IN %s GROUP BY sequence_prefix",
            journal.id,
            tuple({prefix for prefix, _width in starting.values()}) or ("",),
        )
    )
    last = dict(env.cr.fetchall())
    for item in sorted(items, key=lambda item: item[date_key]):
        prefix, width = starting[item[date_key]]
        number = last.get(prefix, 0) + 1
        last[prefix] = number
        item.update(
            name=f"{prefix}{number:0{width}d}",
            sequence_prefix=prefix,
            sequence_number=number,
        )


class _SqlBook:
    """Writes a planned benchmark book with COPY, reproducing the rows the ORM
    writes for a customer, for a posted invoice with one line, its tax line and its
    receivable line (and the customer following it), and for a partial payment
    registered with the payment wizard (payment, entry, partial reconciliation).

    Ids are taken from the tables' sequences beforehand, so that rows can refer to
    each other; invoices are written by chunks of ``SQL_CHUNK``."""

    def __init__(self, env, company, context):
        self.env = env
        self.company = company
        self.currency = company.currency_id
        self.sale_journal, self.bank_journal = context["journals"]
        self.tax = context["tax"]
        self.terms = context["terms"]
        self.lang = context["lang"]
        self.today = context["today"]
        self.now = env.cr.now()
        stamp = {
            "create_uid": env.uid,
            "write_uid": env.uid,
            "create_date": self.now,
            "write_date": self.now,
        }
        self.receivable = (
            env["res.partner"]
            ._fields["property_account_receivable_id"]
            .get_company_dependent_fallback(env["res.partner"].with_company(company))
        )
        self.income = self.sale_journal.default_account_id
        method_line = self.bank_journal.inbound_payment_method_line_ids[:1]
        self.method_line = method_line
        self.outstanding = method_line.payment_account_id or (
            env["account.payment"]
            .with_company(company)
            .new({"journal_id": self.bank_journal.id, "company_id": company.id})
            ._get_outstanding_account("inbound")
        )
        if self.tax:
            repartition = self.tax.invoice_repartition_line_ids
            self.base_repartition = repartition.filtered(
                lambda line: line.repartition_type == "base"
            )
            self.tax_repartition = repartition - self.base_repartition
        common = {
            "company_id": company.id,
            "currency_id": self.currency.id,
            **stamp,
        }
        self.tables = {
            "partner": _Table(
                env,
                "res.partner",
                type="contact",
                active=True,
                is_company=True,
                partner_share=True,
                supplier_rank=0,
                lang=self.lang,
                country_id=company.country_id.id or None,
                company_id=company.id,
                **stamp,
            ),
            "move": _Table(
                env,
                "account.move",
                state="posted",
                auto_post="no",
                checked=True,
                posted_before=True,
                made_sequence_gap=False,
                is_storno=False,
                followup_blocked=False,
                **common,
            ),
            "payment": _Table(
                env,
                "account.payment",
                journal_id=self.bank_journal.id,
                payment_method_line_id=method_line.id,
                payment_method_id=method_line.payment_method_id.id,
                outstanding_account_id=self.outstanding.id,
                destination_account_id=self.receivable.id,
                state="paid"
                if self.outstanding.account_type == "asset_cash"
                else "in_process",
                payment_type="inbound",
                partner_type="customer",
                is_reconciled=True,
                is_matched=False,
                **common,
            ),
            "line": _Table(
                env,
                "account.move.line",
                company_currency_id=self.currency.id,
                parent_state="posted",
                discount=0.0,
                amount_residual=0.0,
                amount_residual_currency=0.0,
                reconciled=False,
                tax_tag_invert=False,
                **common,
            ),
            "partial": _Table(
                env,
                "account.partial.reconcile",
                company_id=company.id,
                debit_currency_id=self.currency.id,
                credit_currency_id=self.currency.id,
                **stamp,
            ),
            # Posting an invoice makes its customer follow it.
            "follower": _Table(env, "mail.followers", res_model="account.move"),
        }
        self.follower_subtypes = (
            env["mail.message.subtype"].default_subtypes("account.move")[2].ids
        )
        self.relations = []  # (table, column1, column2, rows)
        # account_move.origin_payment_id and account_payment.move_id point to each
        # other: payment moves get their payment once both rows exist.
        self.payment_moves = []

    # ------------------------------------------------------------------ writing
    def insert(self, customers, invoices):
        """Insert the whole book; return (partner ids, move ids, payment ids)."""
        ranks = [1] * len(customers)
        for invoice in invoices:
            amounts = _invoice_amounts(invoice, self.tax, self.currency)
            invoice["amounts"] = amounts
            # Posting an invoice and registering a payment each add 1.
            ranks[invoice["customer"]] += 2 if amounts[3] else 1
        partner_ids = self._write_partners(customers, ranks)
        payments = [invoice for invoice in invoices if invoice["amounts"][3]]
        _assign_names(self.env, self.sale_journal, invoices, "invoice_date")
        payment_names = [{"date": invoice["payment_date"]} for invoice in payments]
        _assign_names(self.env, self.bank_journal, payment_names, "date", True)
        for invoice, names in zip(payments, payment_names, strict=True):
            invoice["payment_names"] = names
        move_ids, payment_ids = [], []
        for start in range(0, len(invoices), SQL_CHUNK):
            chunk = invoices[start : start + SQL_CHUNK]
            moves, pays = self._write_invoices(chunk, partner_ids, customers)
            move_ids += moves
            payment_ids += pays
        return partner_ids, move_ids, payment_ids

    def _flush(self):
        for table in self.tables.values():
            table.flush()
        for relation, column1, column2, rows in self.relations:
            if rows:
                buffer = io.StringIO("".join(f"{a}\t{b}\n" for a, b in rows))
                _copy(self.env.cr, relation, [column1, column2], buffer)
                rows.clear()
        if self.payment_moves:
            self.env.cr.execute(
                SQL(
                    "UPDATE account_move SET origin_payment_id = payment.id "
                    "FROM account_payment payment "
                    "WHERE payment.move_id = account_move.id AND payment.id = ANY(%s)",
                    self.payment_moves,
                )
            )
            self.payment_moves = []

    def _write_partners(self, customers, ranks):
        ids = _reserve_ids(self.env, "res_partner", len(customers))
        table = self.tables["partner"]
        for partner_id, customer, rank in zip(ids, customers, ranks, strict=True):
            email = customer["email"]
            table.add(
                id=partner_id,
                customer_rank=rank,
                commercial_partner_id=partner_id,
                complete_name=customer["name"],
                commercial_company_name=customer["name"],
                email_normalized=email.lower() if email else None,
                **customer,
            )
            if len(table.rows) >= SQL_CHUNK:
                table.flush()
        table.flush()
        return ids

    def _relation(self, model, field_name):
        field = self.env[model]._fields[field_name]
        for relation in self.relations:
            if relation[0] == field.relation and relation[1] == field.column1:
                return relation[3]
        rows = []
        self.relations.append((field.relation, field.column1, field.column2, rows))
        return rows

    def _write_invoices(self, invoices, partner_ids, customers):
        env = self.env
        taxed = sum(1 for invoice in invoices if invoice["amounts"][1])
        paid = [invoice for invoice in invoices if invoice["amounts"][3]]
        move_ids = iter(_reserve_ids(env, "account_move", len(invoices) + len(paid)))
        line_ids = iter(
            _reserve_ids(
                env, "account_move_line", 2 * len(invoices) + taxed + 2 * len(paid)
            )
        )
        payment_ids = iter(_reserve_ids(env, "account_payment", len(paid)))
        partial_ids = iter(_reserve_ids(env, "account_partial_reconcile", len(paid)))
        follower_ids = iter(_reserve_ids(env, "mail_followers", len(invoices)))
        subtypes = self._relation("mail.followers", "subtype_ids")
        moves, payments = [], []
        for invoice in invoices:
            partner_id = partner_ids[invoice["customer"]]
            partner_name = customers[invoice["customer"]]["name"]
            move_id = next(move_ids)
            moves.append(move_id)
            follower_id = next(follower_ids)
            self.tables["follower"].add(
                id=follower_id, res_id=move_id, partner_id=partner_id
            )
            subtypes += [(follower_id, subtype) for subtype in self.follower_subtypes]
            partial_id = next(partial_ids) if invoice["amounts"][3] else None
            receivable_line_id = self._add_invoice(
                invoice, move_id, line_ids, partner_id, partner_name, partial_id
            )
            if partial_id:
                payment_id = next(payment_ids)
                payments.append(payment_id)
                self._add_payment(
                    invoice,
                    (next(move_ids), payment_id, partial_id, receivable_line_id),
                    line_ids,
                    move_id,
                    partner_id,
                    partner_name,
                )
        self._flush()
        return moves, payments

    def _add_invoice(self, invoice, move_id, line_ids, partner_id, name, partial_id):
        """Queue an invoice, its lines and taxes; return its receivable line id."""
        untaxed, tax_amount, total, paid = invoice["amounts"]
        residual = total - paid
        move_name = invoice["name"]
        self.tables["move"].add(
            id=move_id,
            name=move_name,
            sequence_prefix=invoice["sequence_prefix"],
            sequence_number=invoice["sequence_number"],
            journal_id=self.sale_journal.id,
            move_type="out_invoice",
            partner_id=partner_id,
            commercial_partner_id=partner_id,
            partner_shipping_id=partner_id,
            invoice_partner_display_name=name,
            invoice_user_id=self.env.uid,
            invoice_payment_term_id=self.terms[invoice["term"]].id,
            payment_reference=move_name,
            payment_state="partial" if paid else "not_paid",
            invoice_currency_rate=1.0,
            date=invoice["invoice_date"],
            invoice_date=invoice["invoice_date"],
            invoice_date_due=invoice["date_due"],
            amount_untaxed=untaxed,
            amount_tax=tax_amount,
            amount_total=total,
            amount_residual=residual,
            amount_untaxed_signed=untaxed,
            amount_untaxed_in_currency_signed=untaxed,
            amount_tax_signed=tax_amount,
            amount_total_signed=total,
            amount_total_in_currency_signed=total,
            amount_residual_signed=residual,
            # The ORM sets it when the payment wizard reconciles the invoice.
            is_manually_modified=bool(paid),
            always_tax_exigible=False,
        )
        common = {
            "move_id": move_id,
            "move_name": move_name,
            "journal_id": self.sale_journal.id,
            "partner_id": partner_id,
            "date": invoice["invoice_date"],
            "invoice_date": invoice["invoice_date"],
        }
        lines = self.tables["line"]
        product_line_id = next(line_ids)
        lines.add(
            id=product_line_id,
            sequence=100,
            display_type="product",
            account_id=self.income.id,
            name=invoice["label"],
            quantity=1.0,
            price_unit=untaxed,
            price_subtotal=untaxed,
            price_total=untaxed + tax_amount,
            debit=0.0,
            credit=untaxed,
            balance=-untaxed,
            amount_currency=-untaxed,
            tax_tag_invert=bool(tax_amount),
            **common,
        )
        if tax_amount:
            self._add_tax_line(
                common, next(line_ids), product_line_id, untaxed, tax_amount
            )
        receivable_line_id = next(line_ids)
        lines.add(
            id=receivable_line_id,
            sequence=12000,
            display_type="payment_term",
            account_id=self.receivable.id,
            name=move_name,
            date_maturity=invoice["date_due"],
            debit=total,
            credit=0.0,
            balance=total,
            amount_currency=total,
            amount_residual=residual,
            amount_residual_currency=residual,
            matching_number=f"P{partial_id}" if partial_id else None,
            discount_amount_currency=0.0,
            discount_balance=0.0,
            **_ZERO_PRICES,
            **common,
        )
        return receivable_line_id

    def _add_tax_line(self, common, line_id, product_line_id, untaxed, tax_amount):
        tax = self.tax
        self.tables["line"].add(
            id=line_id,
            sequence=10000,
            display_type="tax",
            account_id=self.tax_repartition.account_id.id or self.income.id,
            name=tax.name,
            tax_line_id=tax.id,
            tax_group_id=tax.tax_group_id.id,
            tax_repartition_line_id=self.tax_repartition.id,
            tax_base_amount=untaxed,
            debit=0.0,
            credit=tax_amount,
            balance=-tax_amount,
            amount_currency=-tax_amount,
            tax_tag_invert=True,
            **_ZERO_PRICES,
            **common,
        )
        self._relation("account.move.line", "tax_ids").append((product_line_id, tax.id))
        tags = self._relation("account.move.line", "tax_tag_ids")
        tags += [(product_line_id, tag) for tag in self.base_repartition.tag_ids.ids]
        tags += [(line_id, tag) for tag in self.tax_repartition.tag_ids.ids]

    def _add_payment(self, invoice, ids, line_ids, invoice_id, partner_id, name):
        """Queue a payment of part of an invoice, reconciled with it."""
        move_id, payment_id, partial_id, receivable_line_id = ids
        paid = invoice["amounts"][3]
        date = invoice["payment_date"]
        names = invoice["payment_names"]
        memo = invoice["name"]
        self.tables["payment"].add(
            id=payment_id,
            move_id=move_id,
            partner_id=partner_id,
            name=names["name"],
            memo=memo,
            date=date,
            amount=paid,
            amount_company_currency_signed=paid,
        )
        self.payment_moves.append(payment_id)
        self.tables["move"].add(
            id=move_id,
            name=names["name"],
            sequence_prefix=names["sequence_prefix"],
            sequence_number=names["sequence_number"],
            journal_id=self.bank_journal.id,
            move_type="entry",
            partner_id=partner_id,
            commercial_partner_id=partner_id,
            invoice_partner_display_name=name,
            ref=memo,
            payment_state="not_paid",
            invoice_currency_rate=0.0,
            date=date,
            invoice_date_due=self.today,
            amount_untaxed=0.0,
            amount_tax=0.0,
            amount_total=paid,
            amount_residual=0.0,
            amount_untaxed_signed=0.0,
            amount_untaxed_in_currency_signed=0.0,
            amount_tax_signed=0.0,
            amount_total_signed=paid,
            amount_total_in_currency_signed=paid,
            amount_residual_signed=0.0,
            is_manually_modified=False,
            always_tax_exigible=True,
        )
        label = f"{self.method_line.name}: {memo}"
        common = {
            "move_id": move_id,
            "move_name": names["name"],
            "journal_id": self.bank_journal.id,
            "partner_id": partner_id,
            "payment_id": payment_id,
            "ref": memo,
            "name": label,
            "display_type": "product",
            "sequence": 100,
            "date": date,
            "date_maturity": date,
            "quantity": 1.0,
            "price_unit": 0.0,
        }
        lines = self.tables["line"]
        lines.add(
            id=next(line_ids),
            account_id=self.outstanding.id,
            debit=paid,
            credit=0.0,
            balance=paid,
            amount_currency=paid,
            amount_residual=paid,
            amount_residual_currency=paid,
            price_subtotal=paid,
            price_total=paid,
            **common,
        )
        counterpart_id = next(line_ids)
        lines.add(
            id=counterpart_id,
            account_id=self.receivable.id,
            debit=0.0,
            credit=paid,
            balance=-paid,
            amount_currency=-paid,
            price_subtotal=-paid,
            price_total=-paid,
            reconciled=True,
            matching_number=f"P{partial_id}",
            **common,
        )
        self.tables["partial"].add(
            id=partial_id,
            debit_move_id=receivable_line_id,
            credit_move_id=counterpart_id,
            max_date=max(date, invoice["invoice_date"]),
            amount=paid,
            debit_amount_currency=paid,
            credit_amount_currency=paid,
        )
        self._relation("account.move", "matched_payment_ids").append(
            (invoice_id, payment_id)
        )


def _recompute_module_fields(env, records_getters):
    """Compute the stored computed fields this module adds to the models the SQL
    path writes, except those it writes itself: fields added after this generator
    was written get the values the ORM would give them.

    :param records_getters: {model name: function returning the records}
    """
    for model_name, get_records in records_getters.items():
        todo = [
            field
            for field in env[model_name]._fields.values()
            if field.store
            and field.compute
            and field._module == MODULE
            and field.name not in _SQL_WRITTEN_MODULE_FIELDS
        ]
        if todo:
            records = get_records()
            for field in todo:
                env.add_to_compute(field, records)
    env.flush_all()


def _book_sql(env, company, customers, invoices, context):
    """Write the planned book with COPY (a few statements per thousand
    invoices), then make the ORM forget what it cached."""
    env.flush_all()
    book = _SqlBook(env, company, context)
    partner_ids, move_ids, payment_ids = book.insert(customers, invoices)
    env.invalidate_all()
    payments = env["account.payment"].browse(payment_ids)
    moves = env["account.move"].browse(move_ids)
    _recompute_module_fields(
        env,
        {
            "res.partner": lambda: env["res.partner"].browse(partner_ids),
            "account.move": lambda: moves | payments.move_id,
            "account.move.line": lambda: (moves | payments.move_id).line_ids,
            "account.payment": lambda: payments,
        },
    )
    return partner_ids, move_ids, payment_ids


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


# ----------------------------------------------------------------------------
# Demo book
# ----------------------------------------------------------------------------

FR_COMPANY = {
    "name": "Atelier Durand SARL",
    "street": "12 rue des Tanneurs",
    "zip": "69002",
    "city": "Lyon",
    "phone": "+33 4 78 42 17 60",
    "email": "comptabilite@atelier-durand.example",
    "website": "https://www.atelier-durand.example",
}
FR_BANK = {"name": "LCL - Le Crédit Lyonnais", "bic": "CRLYFRPPXXX"}
FR_RIB = ("30002", "00550", "00001578412")
US_COMPANY = {
    "name": "Durand Design Inc.",
    "street": "350 Fifth Avenue",
    "street2": "Suite 4810",
    "zip": "10118",
    "city": "New York",
    "phone": "+1 212-555-0147",
    "email": "billing@durand-design.example",
    "website": "https://www.durand-design.example",
}
# Customers of the French company: ref, name, street, zip, city, e-mail,
# invoicing contact (name, e-mail), country code (None: France).
FR_CUSTOMERS = [
    ("BMART", "Boulangerie Martin SARL", "8 place du Marché", "69005", "Lyon",
     "contact@boulangerie-martin.example", None, None),
    ("MLEFE", "Menuiserie Lefèvre & Fils", "27 rue de la Scierie", "38000", "Grenoble",
     "accueil@menuiserie-lefevre.example",
     ("Service comptabilité", "compta@menuiserie-lefevre.example"), None),
    ("HPARC", "Hôtel du Parc", "3 avenue Foch", "73100", "Aix-les-Bains",
     "reception@hotel-du-parc.example", None, None),
    ("CBERN", "Cabinet Bernard Architectes", "15 quai Saint-Antoine", "69002", "Lyon",
     "cabinet@bernard-architectes.example",
     ("Claire Bernard", "claire.bernard@bernard-architectes.example"), None),
    ("GMORE", "Garage Moreau", "102 route de Vienne", "69008", "Lyon",
     None, None, None),
    ("LMOTS", "Librairie Les Mots Passants", "4 rue Mercière", "69002", "Lyon",
     "librairie@motspassants.example", None, None),
    ("RPBOU", "Restaurant Le Petit Bouchon", "9 rue Saint-Jean", "69005", "Lyon",
     "lepetitbouchon@example.com", None, None),
    ("FDUBO", "Fromagerie Dubois", "21 rue Grenette", "74000", "Annecy",
     None, None, None),
    ("PGIRA", "Pharmacie Girard", "56 cours Lafayette", "69003", "Lyon",
     "pharmacie.girard@example.com", None, None),
    ("TROUX", "Transports Roux SAS", "ZI des Grandes Terres", "69800", "Saint-Priest",
     "contact@transports-roux.example",
     ("Comptabilité fournisseurs", "factures@transports-roux.example"), None),
    ("CVALP", "Clinique Vétérinaire des Alpes", "14 avenue Alsace-Lorraine", "38000",
     "Grenoble", "secretariat@clinique-des-alpes.example", None, None),
    ("IFOUR", "Imprimerie Fournier", "7 rue de l'Industrie", "42000", "Saint-Étienne",
     "devis@imprimerie-fournier.example", None, None),
    ("DVINC", "Domaine Vincent", "Le Bourg", "69840", "Juliénas",
     "domaine@vincent-vins.example", None, None),
    ("ALAMB", "Agence Lambert Immobilier", "33 rue de la République", "13002",
     "Marseille", "agence@lambert-immo.example",
     ("Sophie Lambert", "s.lambert@lambert-immo.example"), None),
    ("SFONT", "Studio Photo Fontaine", "5 rue Paradis", "13001", "Marseille",
     "studio@photo-fontaine.example", None, None),
    ("BMERC", "Boutique Mercier Déco", "18 rue du Faubourg Saint-Antoine", "75012",
     "Paris", "boutique@mercier-deco.example", None, None),
    ("LCHEV", "Laboratoire Chevalier", "40 boulevard Pasteur", "75015", "Paris",
     "labo@chevalier.example",
     ("Service achats", "achats@chevalier.example"), None),
    ("ACRGA", "Association Culturelle Rive Gauche", "2 rue des Écoles", "75005",
     "Paris", None, None, None),
    ("CPINS", "Camping Les Pins", "1250 route de la Plage", "33680", "Lacanau",
     "accueil@camping-les-pins.example", None, None),
    ("CPLOU", "Crèche Les Petits Loups", "12 rue Nationale", "59000", "Lille",
     "direction@petits-loups.example", None, None),
    ("SNBLA", "Société Nouvelle Blanc", "64 rue Sainte-Catherine", "33000",
     "Bordeaux", "snb@blanc-sa.example", None, None),
    ("BVPOR", "Brasserie du Vieux Port", "2 quai du Port", "13002", "Marseille",
     "brasserie@vieux-port.example", None, None),
    ("APERR", "Atelier Perrin", None, None, None,
     "atelier.perrin@example.com", None, None),
    ("THORN", "Thornbury Interiors Ltd", "14 Kensington Church Street", "W8 4EP",
     "London", "accounts@thornbury-interiors.example", None, "GB"),
    ("HUDSO", "Hudson Valley Furniture Co.", "220 Main Street", "12601",
     "Poughkeepsie", "ap@hudsonvalleyfurniture.example", None, "US"),
]  # fmt: skip
FR_PRODUCTS = {
    "table": ("Table en chêne massif", "TAB-CH", 1450.0, "consu"),
    "chaise": ("Chaise bistrot en hêtre", "CHA-BI", 189.0, "consu"),
    "etagere": ("Étagère murale sur mesure", "ETA-SM", 620.0, "consu"),
    "restauration": ("Restauration de meuble ancien", "SRV-RES", 380.0, "service"),
    "pose": ("Prestation de pose (heure)", "SRV-POSE", 65.0, "service"),
    "entretien": ("Contrat d'entretien annuel", "SRV-ENT", 540.0, "service"),
}
# Invoices of the French company, by customer: (age in days, payment term,
# products, settlement, flag). Settlement: None (open), "paid", or the fraction
# paid. Flags: "blocked" (litigation), "usd" (in US dollars), "level<N>" (the
# N-th follow-up level was already sent).
FR_INVOICES = {
    "BMART": [
        (75, "30", ("table", "chaise"), "paid", None),
        (45, "30", ("etagere",), None, None),
        (10, "30", ("chaise",), None, None),
    ],
    "MLEFE": [
        (180, "30", ("restauration",), None, "level2"),
        (120, "30", ("pose", "etagere"), None, "level1"),
        (70, "30", ("entretien",), None, None),
    ],
    "HPARC": [
        (60, "now", ("table", "chaise"), 0.5, None),
        (20, "30", ("entretien",), None, None),
    ],
    "CBERN": [
        (95, "30", ("etagere", "pose"), None, "blocked"),
        (50, "30", ("restauration",), None, None),
    ],
    "GMORE": [
        (110, "now", ("pose",), None, None),
        (35, "now", ("chaise",), None, None),
    ],
    "LMOTS": [
        (40, "30", ("etagere",), None, None),
        (5, "30", ("chaise",), None, None),
    ],
    "RPBOU": [(100, "30/70", ("table", "chaise"), 0.3, None)],
    "FDUBO": [
        (130, "30", ("entretien",), None, None),
        (28, "now", ("pose",), None, None),
    ],
    "PGIRA": [
        (150, "now", ("etagere",), "paid", None),
        (65, "30", ("table",), 0.4, None),
    ],
    "TROUX": [
        (170, "30", ("table", "chaise", "pose"), 0.25, "level1"),
        (90, "30", ("entretien",), None, None),
        (40, "30", ("restauration",), None, None),
        (12, "30", ("pose",), None, None),
    ],
    "CVALP": [(45, "30/70", ("etagere", "pose"), None, None)],
    "IFOUR": [(55, "now", ("chaise", "pose"), None, None)],
    "DVINC": [
        (140, "30", ("table",), "paid", None),
        (30, "30", ("restauration",), None, None),
    ],
    "ALAMB": [
        (85, "30", ("entretien",), None, None),
        (25, "30", ("etagere",), None, None),
    ],
    "SFONT": [(18, "now", ("pose",), None, None)],
    "BMERC": [
        (160, "30", ("chaise",), None, None),
        (100, "30", ("table",), "paid", None),
    ],
    "LCHEV": [
        (75, "30", ("entretien", "pose"), 0.6, None),
        (15, "30", ("restauration",), None, None),
    ],
    "ACRGA": [(50, "now", ("chaise",), None, None)],
    "CPINS": [
        (125, "30", ("table", "chaise"), None, None),
        (62, "30", ("pose",), None, None),
    ],
    "CPLOU": [(33, "30", ("etagere",), None, None)],
    "SNBLA": [(145, "now", ("restauration",), None, None)],
    "BVPOR": [
        (70, "now", ("table",), "paid", None),
        (8, "30", ("chaise",), None, None),
    ],
    "APERR": [(42, "now", ("restauration",), None, None)],
    "THORN": [(80, "30", ("table", "etagere"), None, None)],
    "HUDSO": [
        (65, "30", ("table", "chaise"), None, "usd"),
        (20, "30", ("etagere",), None, "usd"),
    ],
}
# Credit note left open (not reconciled): (customer, age, product, quantity).
FR_REFUNDS = [("IFOUR", 20, "chaise", 2)]
US_CUSTOMERS = [
    ("BCOFF", "Brooklyn Coffee Roasters LLC", "85 Water Street", "11201", "Brooklyn",
     "ap@brooklyncoffee.example"),
    ("GDENT", "Greenwich Dental Group", "12 Lafayette Place", "06830", "Greenwich",
     "office@greenwichdental.example"),
    ("MAPLE", "Maple Street Bakery", "41 Maple Street", "05401", "Burlington",
     "hello@maplestreetbakery.example"),
    ("CHART", "Chelsea Art Supplies Inc.", "220 West 19th Street", "10011",
     "New York", "billing@chelsea-art.example"),
]  # fmt: skip
US_PRODUCTS = {
    "desk": ("Custom oak desk", "US-DESK", 2400.0, "consu"),
    "shelf": ("Walnut bookshelf", "US-SHELF", 1200.0, "consu"),
    "design": ("Interior design consultation (hour)", "US-DESIGN", 150.0, "service"),
}
US_INVOICES = {
    "BCOFF": [
        (95, "30", ("desk",), None, None),
        (40, "30", ("design",), None, None),
    ],
    "GDENT": [(70, "30", ("shelf", "design"), 0.5, None)],
    "MAPLE": [
        (120, "30", ("shelf",), "paid", None),
        (15, "30", ("desk",), None, None),
    ],
    "CHART": [(50, "now", ("design",), None, None)],
}
_PHONE_AREA = {"75": "1", "59": "3", "33": "5"}


def _activate_french(env, load_translations):
    """Activate French (and load its translations); return its code or False."""
    lang = env["res.lang"]._activate_lang("fr_FR")
    if lang and load_translations:
        modules = env["ir.module.module"].search([("state", "=", "installed")])
        modules._update_translations(["fr_FR"])
    return lang.code if lang else False


def _set_rate(env, company, currency, rate, date):
    """Give ``currency`` a rate (units per unit of the company currency) in
    ``company`` from ``date``."""
    currency.with_context(active_test=False).active = True
    Rate = env["res.currency.rate"]
    existing = Rate.search(
        [
            ("company_id", "=", company.id),
            ("currency_id", "=", currency.id),
            ("name", "=", date),
        ]
    )
    if existing:
        existing.rate = rate
    else:
        Rate.create(
            {
                "company_id": company.id,
                "currency_id": currency.id,
                "name": date,
                "rate": rate,
            }
        )


def _fr_sale_tax(env, company):
    """The 20% French VAT on sales of ``company``, created when the chart has none
    (the generic chart only has US taxes)."""
    france = env.ref("base.fr")
    taxes = env["account.tax"].search(
        [
            ("company_id", "=", company.id),
            ("type_tax_use", "=", "sale"),
            ("amount_type", "=", "percent"),
            ("amount", "=", 20.0),
            ("country_id", "=", france.id),
        ]
    )
    tax = taxes.filtered(lambda t: not t.price_include)[:1]
    if not tax:
        account = company.account_sale_tax_id.invoice_repartition_line_ids.account_id[
            :1
        ] or env["account.account"].search(
            [
                *env["account.account"]._check_company_domain(company),
                ("account_type", "=", "liability_current"),
            ],
            limit=1,
        )
        group = env["account.tax.group"].create(
            {"name": "TVA 20 %", "company_id": company.id, "country_id": france.id}
        )
        repartition = [
            Command.create({"repartition_type": "base"}),
            Command.create({"repartition_type": "tax", "account_id": account.id}),
        ]
        tax = env["account.tax"].create(
            {
                "name": "TVA 20 %",
                "description": "TVA 20 %",
                "type_tax_use": "sale",
                "amount_type": "percent",
                "amount": 20.0,
                "company_id": company.id,
                "country_id": france.id,
                "tax_group_id": group.id,
                "invoice_repartition_line_ids": repartition,
                "refund_repartition_line_ids": repartition,
            }
        )
    company.account_sale_tax_id = tax
    return tax


def _no_enrich(Company, vals):
    """``vals`` of a new company, marked so that partner_autocomplete (when
    installed) does not call its IAP service to enrich it."""
    if "iap_enrich_auto_done" in Company._fields:
        vals["iap_enrich_auto_done"] = True
    return vals


def _demo_french_company(env, rng):
    """The French company (EUR): the main company when its currency can still be
    changed (no journal items yet), else a new company with a chart of its own."""
    Company = env["res.company"].with_context(chart_template_load=True)
    eur = env.ref("base.EUR")
    eur.with_context(active_test=False).active = True
    siren = make_siren(rng)
    vals = dict(
        FR_COMPANY,
        country_id=env.ref("base.fr").id,
        company_registry=make_siret(siren),
        vat=fr_vat(siren),
    )
    main = env.ref("base.main_company")
    if not main.root_id._existing_accounting():
        company = main
        company.write(vals)
    else:
        # Not linked to base.fr's l10n module on purpose: creating a company in a
        # country installs that module (and reloads the registry) unless asked not
        # to; the French chart is used only when it is already installed.
        company = Company.create(_no_enrich(Company, dict(vals, currency_id=eur.id)))
    fr_chart = env["ir.module.module"].search(
        [("name", "=", "l10n_fr_account"), ("state", "=", "installed")]
    )
    if not company.chart_template:
        env["account.chart.template"].try_loading(
            "fr" if fr_chart else "generic_coa", company, install_demo=False
        )
    company.with_context(chart_template_load=True).write(
        {"currency_id": eur.id, "account_fiscal_country_id": env.ref("base.fr").id}
    )
    return company


def _demo_us_company(env, fr_company):
    """The second company, in the United States (USD): the main company when the
    French company is another one, else a new company."""
    usd = env.ref("base.USD")
    usd.with_context(active_test=False).active = True
    us = env.ref("base.us")
    state = env["res.country.state"].search(
        [("country_id", "=", us.id), ("code", "=", "NY")], limit=1
    )
    vals = dict(US_COMPANY, country_id=us.id, state_id=state.id)
    main = env.ref("base.main_company")
    Company = env["res.company"].with_context(chart_template_load=True)
    if main != fr_company:
        company = main
        company.write(vals)
    else:
        company = Company.create(_no_enrich(Company, dict(vals, currency_id=usd.id)))
    ensure_chart(env, company)
    return company


def _demo_bank_account(env, company):
    """The company's French bank account, shown on its invoices and used by its
    bank journal."""
    bank = env["res.bank"].search([("bic", "=", FR_BANK["bic"])], limit=1)
    if not bank:
        bank = env["res.bank"].create(
            dict(FR_BANK, country=env.ref("base.fr").id, city="Lyon")
        )
    account = env["res.partner.bank"].create(
        {
            "acc_number": fr_iban(*FR_RIB),
            "bank_id": bank.id,
            "partner_id": company.partner_id.id,
            "company_id": company.id,
            "allow_out_payment": True,
        }
    )
    journal = _company_journal(env, company, "bank")
    if journal and not journal.bank_account_id:
        journal.bank_account_id = account
    return account


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
