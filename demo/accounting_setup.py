# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Accounting set-up shared by the demo and benchmark books.

A quiet superuser environment, the chart of accounts, payment terms, the
company's sale tax, the benchmark journals and the registration of payments
through the payment wizard.
"""

import logging

from odoo import SUPERUSER_ID, Command, fields

_logger = logging.getLogger(__name__)

QUIET_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
    "no_reset_password": True,
}
BENCH_SALE_JOURNAL = ("BENCH", "Benchmark Invoices")
BENCH_BANK_JOURNAL = ("BPAY", "Benchmark Payments")


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
