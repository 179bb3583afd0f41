# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The plan of a benchmark book, shared by the ORM and the bulk SQL writers.

:func:`_plan_book` draws (from a seed) the customers and the invoices of the book
from the name, city, street and label lists below; :func:`_invoice_amounts` and
:func:`_customer_vals` turn them into amounts and partner values.
"""

import math
import random
from datetime import timedelta

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
