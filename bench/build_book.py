# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Book of a bench template, run by bench/run.sh inside ``odoo shell``:

    BENCH_N=10000 BENCH_M=10 BENCH_STAMP=... odoo shell -d DB < bench/build_book.py

1. ``generate_book`` (demo/generator.py, bulk SQL) for the main company: N customers
   x M posted open invoices dated back from today;
2. a reminder history, so that the book looks like one followed up for a while
   (generate_book sends none: on its date every customer would need a reminder);
3. table ``followup_bench_meta`` (key, value): stamp, counts, book date... read by
   run.sh (template up to date?) and bench_engine.py (follow-up date).
"""

import json
import os
from datetime import timedelta

from odoo import fields

from odoo.addons.account_payment_followup.demo.generator import generate_book

env = globals()["env"]  # given by odoo shell

company = env.ref("base.main_company")
today = fields.Date.context_today(env["res.users"])
result = generate_book(
    env,
    company,
    int(os.environ["BENCH_N"]),
    int(os.environ["BENCH_M"]),
    seed=0,
    today=today,
    method="sql",
)

# Reminder history. Customer by customer, reminders were last sent on
# P = book date - lag, the lag fixed by the partner id: 0 days for half of them
# (processed on the book's date), 1-7 days for 30%, 8-40 days for 20%. On P each
# open invoice got the highest level of the default policy it had reached (due
# date + delay <= P). On the book's date, customers split between "needs action"
# (a level became due since P) and "overdue" (next level not due yet).
levels = [
    (timedelta(days=level.delay), level.id)
    for level in env["followup.policy"]
    .search([("company_id", "=", company.id), ("is_default", "=", True)], limit=1)
    .line_ids.sorted("delay")
]
env.cr.execute(
    "SELECT id, invoice_date_due, commercial_partner_id FROM account_move "
    "WHERE id = ANY(%s) AND amount_residual > 0",
    [result["move_ids"]],
)
history = []
for move_id, due, partner_id in env.cr.fetchall():
    bucket = partner_id * 7919 % 100
    spread = partner_id * 104729
    lag = 0 if bucket < 50 else (1 + spread % 7 if bucket < 80 else 8 + spread % 33)
    sent = today - timedelta(days=lag)
    reached = [level_id for delay, level_id in levels if due + delay <= sent]
    if reached:
        history.append((move_id, reached[-1], sent))
# One UPDATE (account.move.write costs several ms an invoice), then modified() so
# that stored fields depending on these two, if any, are recomputed as by the ORM.
env.cr.execute(
    "UPDATE account_move SET followup_line_id = h.level_id, followup_date = h.sent "
    "FROM unnest(%s::int[], %s::int[], %s::date[]) AS h(move_id, level_id, sent) "
    "WHERE account_move.id = h.move_id",
    [[h[0] for h in history], [h[1] for h in history], [h[2] for h in history]],
)
moves = env["account.move"].browse([h[0] for h in history])
moves.invalidate_recordset(["followup_line_id", "followup_date"])
moves.modified(["followup_line_id", "followup_date"])
env.flush_all()
# the UPDATE passes no ORM event: compute the stored follow-up state again
env["followup.partner.state"]._refresh_companies(company)

meta = {
    "stamp": os.environ["BENCH_STAMP"],
    # "sha256  ./path" of the files in the stamp: run.sh tells which ones changed
    "files": os.environ.get("BENCH_FILES", ""),
    "customers": result["customers"],
    "invoices": result["invoices"],
    "payments": result["payments"],
    "reminded_invoices": len(history),
    "company_id": company.id,
    "book_today": fields.Date.to_string(today),
    "book_seconds": result["seconds"],
    "built_at": fields.Datetime.to_string(fields.Datetime.now()),
}
env.cr.execute(
    "CREATE TABLE followup_bench_meta (key varchar PRIMARY KEY, value varchar)"
)
env.cr.executemany(
    "INSERT INTO followup_bench_meta (key, value) VALUES (%s, %s)",
    [(key, str(value)) for key, value in meta.items()],
)
env.cr.commit()
print("BOOK", json.dumps(meta))
