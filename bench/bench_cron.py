"""Benchmark of the daily scheduled action (run by bench/run.sh in ``odoo shell``).

On a copy of a benchmark book it runs ``res.partner._cron_send_followup_reminders``
once, as the scheduler would (commits after each batch of 100 customers, real
wkhtmltopdf letters), and prints: customers reminded, reminders per second, peak
memory and SQL queries per customer. The environment variable BENCH_CRON_DATE
sets the date (default: 30 days after today, so that most customers of the
book are due); BENCH_CRON_REPORT_URL the ``report.url`` wkhtmltopdf loads the
report CSS from (default: a closed port, the CSS fails fast; with a live Odoo
server the CSS is fetched again for the header and footer of every page, which
then dominates the time).
"""

import json
import os
import resource
import time
import tracemalloc

from odoo import fields
from odoo.tools import SQL


def run(env):
    date = os.environ.get("BENCH_CRON_DATE") or fields.Date.to_string(
        fields.Date.add(fields.Date.context_today(env.user), days=30)
    )
    env["ir.config_parameter"].set_param(
        "report.url", os.environ.get("BENCH_CRON_REPORT_URL", "http://127.0.0.1:1")
    )
    engine = env["followup.engine"]
    companies = env["followup.policy"].search([]).company_id

    def due_count():
        day = fields.Date.to_date(date)
        having = SQL("due_count > 0")
        return sum(
            len(engine._search_partner_ids(company, day, having))
            for company in companies
        )

    due_before = due_count()
    mails_before = env["mail.mail"].search_count([])
    env.cr.commit()
    queries_before = env.cr.sql_log_count
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.perf_counter()
    env["res.partner"].with_context(followup_date=date)._cron_send_followup_reminders()
    seconds = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    queries = env.cr.sql_log_count - queries_before
    env.invalidate_all()
    mails = env["mail.mail"].search_count([]) - mails_before
    due_after = due_count()
    result = {
        "date": date,
        "customers_due": due_before,
        "reminders_emailed": mails,
        "left_for_the_accountant": due_after,
        "seconds": round(seconds, 2),
        "reminders_per_second": round(mails / seconds, 1) if seconds else None,
        "queries": queries,
        "queries_per_customer": round(queries / due_before, 1) if due_before else None,
        "peak_python_mb": round(peak / 2**20, 1),
        "maxrss_growth_mb": round(
            (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024, 1
        ),
    }
    print()
    print("Scheduled action (e-mail reminders, letters rendered by wkhtmltopdf)")
    for key, value in result.items():
        print(f"  {key:<26} {value}")
    print("  target: >= 20 reminders/s; queries per customer: a small constant")
    print("BENCH_CRON_JSON " + json.dumps(result))
    return result


run(env)  # noqa: F821 - ``env`` is given by odoo shell
