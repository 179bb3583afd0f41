# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The companies of the demo book: French language, the French company (EUR,
SIRET, VAT number, 20% VAT, IBAN bank account) and the US one (USD), currency
rates."""

from odoo import Command

from .accounting_setup import _company_journal, ensure_chart
from .demo_data import FR_BANK, FR_COMPANY, FR_RIB, US_COMPANY
from .fr_identifiers import fr_iban, fr_vat, make_siren, make_siret


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
