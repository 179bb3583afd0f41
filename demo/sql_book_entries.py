# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The rows of one invoice and of one partial payment of the benchmark book
written with bulk SQL: :class:`_SqlBookEntries`, mixed into ``_SqlBook``
(sql_book.py)."""

# What the ORM stores on the tax and receivable lines of an invoice.
_ZERO_PRICES = {
    "quantity": 0.0,
    "price_unit": 0.0,
    "price_subtotal": 0.0,
    "price_total": 0.0,
}


class _SqlBookEntries:
    """Queues the rows of an invoice (move, product, tax and receivable
    lines) and of a partial payment reconciled with it (payment, entry and
    its lines, partial reconciliation); the attributes used here are set by
    ``_SqlBook.__init__``."""

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
