# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark book written with bulk SQL: :class:`_SqlBook` writes the rows the
ORM would write, :func:`_book_sql` runs it and computes the stored fields this
module adds. The rows of each invoice and payment: sql_book_entries.py; COPY and
sequences: sql_copy.py."""

import io

from odoo.tools import SQL

from .book_plan import _invoice_amounts
from .sql_book_entries import _SqlBookEntries
from .sql_copy import _assign_names, _copy, _reserve_ids, _Table

MODULE = "account_payment_followup"
# Bulk SQL: invoices written per COPY round.
SQL_CHUNK = 5000
# Stored computed fields of this module the SQL path writes itself.
_SQL_WRITTEN_MODULE_FIELDS = {"followup_blocked"}


class _SqlBook(_SqlBookEntries):
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
    # the SQL path passes no ORM event: compute the stored follow-up state,
    # once PostgreSQL knows the size of what was copied (without statistics its
    # plans treat the book as empty and take minutes)
    env.cr.execute(
        "ANALYZE account_move_line, account_move, account_partial_reconcile,"
        " res_partner"
    )
    env["followup.partner.state"]._refresh_companies(company)
    return partner_ids, move_ids, payment_ids
