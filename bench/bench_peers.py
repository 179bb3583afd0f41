#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""This module side by side with OCA account_credit_control, in one process, on a
copy of a peers template (see bench/peers.sh):

    .venv/bin/python bench/bench_peers.py -c ODOO_CONF -d followup_peers_run_...

Both modules see the same book (bench/build_book.py) and the same reminder
history (bench/peers_setup.py wrote ours as sent credit-control lines), with the
same levels (delays 15/30/45/60 days net, e-mail).

a.  Whole-company state on the book's date. Ours: ``followup.engine.
    _get_partner_states(company, date)`` (1 warm-up, then ``--runs`` timed runs).
    Theirs: a ``credit.control.run`` for the same date and company, then
    ``generate_credit_lines`` (``--peer-runs`` timed runs).
b.  E-mails with their PDF, for the same ``--mail-customers`` customers, due on
    the book's date + ``--mail-offset`` days for both. Ours: the daily run's path,
    ``followup.batch._send(..., "email")`` in batches of 100 (a
    ``followup.reminder`` per customer, its letter rendered by wkhtmltopdf and
    stored, the e-mail posted and queued). Theirs: the credit-control lines of
    these customers (from a run on that date, set *To Do*), e-mailed by the
    ``credit.control.emailer`` wizard (a ``credit.control.communication`` per
    customer and level, the e-mail template posted with its PDF summary
    attached). E-mails per second, SQL queries per customer.

Every timed run is a savepoint rolled back afterwards, so each starts from the
same state; it ends with what a commit would do before COMMIT (flush, pre-commit
hooks such as mail tracking); post-commit hooks (sending the queued e-mails over
SMTP) run for neither side. Queries: ``cr.sql_log_count``. ``report.url`` points
to ``--report-url`` for both (default a closed port, as bench_cron.py: the report
CSS fetch fails fast the same way for both). Prints a table with the ratios and
the targets, and a ``BENCH_PEERS_JSON {...}`` line.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta

# side by side, same book: how many times faster ours must be
TARGETS = {"state": 200.0, "emails_per_second": 50.0}
BATCH = 100  # the daily run's batch size


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--runs", type=int, default=5, help="our timed runs (state)")
    parser.add_argument("--peer-runs", type=int, default=3, help="the peer's runs")
    parser.add_argument("--mail-customers", type=int, default=200)
    parser.add_argument("--mail-runs", type=int, default=1, help="e-mail runs a side")
    parser.add_argument("--mail-offset", type=int, default=30)
    parser.add_argument("--report-url", default="http://127.0.0.1:1")
    parser.add_argument("--peer", default="account_credit_control", help="its pin")
    parser.add_argument("--steps", default="", help="k=v,... timings of peers.sh")
    return parser.parse_args()


def in_savepoint(env, fn, probe=None):
    """Run ``fn`` in a savepoint then roll it back.

    :return: (seconds, queries, probe(value) taken before the rollback)
    """
    cr = env.cr
    env.invalidate_all()
    savepoint = cr.savepoint()
    try:
        count = cr.sql_log_count
        start = time.perf_counter()
        value = fn()
        cr.flush()  # what commit() does before COMMIT: flush + pre-commit hooks
        cr.flush()
        seconds = time.perf_counter() - start
        queries = cr.sql_log_count - count
        seen = probe(value) if probe else value
    finally:
        savepoint.close(rollback=True)
        cr.postcommit.clear()  # no SMTP for either side
        env.invalidate_all()
    return seconds, queries, seen


def max_id(cr, table):
    cr.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 - constant
    return cr.fetchone()[0]


def summary(times):
    return {
        "median": round(statistics.median(times), 4),
        "min": round(min(times), 4),
        "max": round(max(times), 4),
        "runs": len(times),
    }


def mails_since(cr, mail_max, attachment_max):
    """E-mails queued since ``mail_max``; how many carry a PDF."""
    cr.execute(
        """
        SELECT count(*),
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM message_attachment_rel rel
                     JOIN ir_attachment att ON att.id = rel.attachment_id
                    WHERE rel.message_id = mail.mail_message_id
                      AND att.mimetype = 'application/pdf'))
          FROM mail_mail mail WHERE mail.id > %s
        """,
        [mail_max],
    )
    mails, with_pdf = cr.fetchone()
    cr.execute(
        "SELECT count(*) FROM ir_attachment WHERE id > %s "
        "AND mimetype = 'application/pdf'",
        [attachment_max],
    )
    return {"mails": mails, "mails_with_pdf": with_pdf, "pdfs": cr.fetchone()[0]}


class Peers:
    def __init__(self, env, args, meta):
        self.env = env
        self.cr = env.cr
        self.args = args
        self.company = env.company
        self.policy = env["credit.control.policy"].browse(int(meta["peer_policy_id"]))
        self.results = {}

    # ------------------------------------------------------------ a. state
    def our_state(self, date):
        engine = self.env["followup.engine"]
        engine._get_partner_states(self.company, date)  # warm-up
        times, queries, states = [], [], {}
        for _i in range(self.args.runs):
            seconds, count, states = in_savepoint(
                self.env, lambda: engine._get_partner_states(self.company, date)
            )
            times.append(seconds)
            queries.append(count)
        statuses = {}
        for state in states.values():
            statuses[state["status"]] = statuses.get(state["status"], 0) + 1
        due_items = sum(state.get("due_count") or 0 for state in states.values())
        return {
            **summary(times),
            "queries": max(queries),
            "customers_with_open_items": len(states),
            "statuses": statuses,
            "due_items": due_items,
        }

    def peer_run(self, date):
        run = self.env["credit.control.run"].create(
            {
                "date": date,
                "company_id": self.company.id,
                "policy_ids": [(6, 0, self.policy.ids)],
            }
        )
        run.generate_credit_lines()
        return run

    def peer_state(self, date):
        def probe(run):
            lines = run.line_ids
            return {
                "lines": len(lines),
                "customers": len(lines.commercial_partner_id),
                "by_level": {
                    str(level): len(lines.filtered(lambda ln, lv=level: ln.level == lv))
                    for level in sorted(set(lines.mapped("level")))
                },
            }

        times, queries, seen = [], [], {}
        for i in range(self.args.peer_runs):
            seconds, count, seen = in_savepoint(
                self.env, lambda: self.peer_run(date), probe
            )
            times.append(seconds)
            queries.append(count)
            print(
                f"  peer run {i + 1}/{self.args.peer_runs}: {seconds:.1f} s, "
                f"{count} queries, {seen['lines']} lines for {seen['customers']} "
                "customers",
                flush=True,
            )
        return {**summary(times), "queries": max(queries), **seen}

    # ------------------------------------------------------------ b. e-mails
    def mail_customers(self, date):
        """The first N customers due on ``date`` for both: ours would e-mail them
        (a level is due, valid address), and the peer's run on ``date`` gives them
        e-mail lines. That run is kept (not rolled back) for the e-mail runs."""
        batch = self.env["followup.batch"]
        engine = self.env["followup.engine"]
        states = engine._get_partner_states(self.company, date)
        due = sorted(pid for pid, state in states.items() if state["next_line_due"])
        partners = self.env["res.partner"].browse(due)
        ours = {
            partner.id
            for partner in partners
            if batch._recipient(partner).email
            and batch._is_valid_email(batch._recipient(partner).email)
        }
        start = time.perf_counter()
        run = self.peer_run(date)
        self.env.flush_all()
        peer_run_seconds = time.perf_counter() - start
        email_lines = run.line_ids.filtered(lambda line: line.channel == "email")
        theirs = set(email_lines.commercial_partner_id.ids)
        both = sorted(ours & theirs)
        chosen = both[: self.args.mail_customers]
        lines = email_lines.filtered(
            lambda line: line.commercial_partner_id.id in chosen
        )
        return (
            chosen,
            lines,
            {
                "ours_due_with_email": len(ours),
                "peer_customers_with_email_lines": len(theirs),
                "both": len(both),
                "peer_run_on_mail_date_seconds": round(peer_run_seconds, 2),
                "peer_lines_on_mail_date": len(run.line_ids),
            },
        )

    def our_emails(self, partner_ids, date):
        batch = self.env["followup.batch"].with_company(self.company)
        partners = self.env["res.partner"].browse(partner_ids)

        def send():
            done = 0
            for start in range(0, len(partners), BATCH):
                _reminders, sent, _skipped = batch._send(
                    partners[start : start + BATCH], self.company, date, "email"
                )
                done += len(sent)
            return done

        return self._mail_runs(send, partner_ids, "ours")

    def peer_emails(self, partner_ids, lines):
        def send():
            lines.write({"state": "to_be_sent"})  # what the user does (Mark as ready)
            wizard = self.env["credit.control.emailer"].create(
                {"line_ids": [(6, 0, lines.ids)]}
            )
            wizard.email_lines()
            return len(lines)

        return self._mail_runs(send, partner_ids, "peer")

    def _mail_runs(self, send, partner_ids, side):
        runs = []
        for i in range(self.args.mail_runs):
            mail_max = max_id(self.cr, "mail_mail")
            attachment_max = max_id(self.cr, "ir_attachment")
            seconds, queries, seen = in_savepoint(
                self.env,
                send,
                lambda done, m=mail_max, a=attachment_max: {
                    "done": done,
                    **mails_since(self.cr, m, a),
                },
            )
            rate = seen["mails_with_pdf"] / seconds if seconds else 0.0
            runs.append(
                {
                    "seconds": round(seconds, 2),
                    "queries": queries,
                    "emails_per_second": round(rate, 2),
                    **seen,
                }
            )
            print(
                f"  {side} e-mails run {i + 1}/{self.args.mail_runs}: {seconds:.1f} s, "
                f"{seen['mails_with_pdf']} e-mails with PDF ({seen['mails']} queued), "
                f"{rate:.2f}/s, {queries / max(len(partner_ids), 1):.1f} queries per "
                "customer",
                flush=True,
            )
        rates = [run["emails_per_second"] for run in runs]
        median_run = sorted(runs, key=lambda run: run["emails_per_second"])[
            len(runs) // 2
        ]
        return {
            "customers": len(partner_ids),
            "emails_per_second": round(statistics.median(rates), 2),
            "seconds": median_run["seconds"],
            "emails_with_pdf": median_run["mails_with_pdf"],
            "queries_per_customer": round(
                median_run["queries"] / max(len(partner_ids), 1), 1
            ),
            "runs": runs,
        }


def ratio(numerator, denominator):
    return round(numerator / denominator, 1) if numerator and denominator else None


def print_table(book, state, mail):
    ours, theirs = state["ours"], state["peer"]
    rows = [
        (
            f"a. whole-company state, {book['N']} customers x {book['M']} invoices",
            f"{ours['median']:.3f} s ({ours['runs']} runs)",
            f"{theirs['median']:.2f} s ({theirs['runs']} runs)",
            state["ratio"],
            "x faster",
            TARGETS["state"],
        ),
        (
            "   SQL queries (whole company)",
            str(ours["queries"]),
            str(theirs["queries"]),
            ratio(theirs["queries"], ours["queries"]),
            "x fewer",
            None,
        ),
        (
            f"b. e-mails with PDF, {mail['ours']['customers']} customers",
            f"{mail['ours']['emails_per_second']:.2f} /s",
            f"{mail['peer']['emails_per_second']:.2f} /s",
            mail["ratio"],
            "x more /s",
            TARGETS["emails_per_second"],
        ),
        (
            "   SQL queries per customer",
            f"{mail['ours']['queries_per_customer']}",
            f"{mail['peer']['queries_per_customer']}",
            ratio(
                mail["peer"]["queries_per_customer"],
                mail["ours"]["queries_per_customer"],
            ),
            "x fewer",
            None,
        ),
    ]
    widths = (58, 20, 20, 22, 22)
    header = ("step", "ours", "account_credit_control", "ratio", "target")
    print(
        " | ".join(
            f"{cell:<{width}}" for cell, width in zip(header, widths, strict=True)
        )
    )
    print("-" * (sum(widths) + 3 * (len(widths) - 1)))
    for label, our_cell, peer_cell, value, unit, target in rows:
        verdict = ""
        if target:
            met = value is not None and value >= target
            verdict = f">= {target:g}x: {'met' if met else 'MISSED'}"
        cells = (
            label,
            our_cell,
            peer_cell,
            f"{value} {unit}" if value else "-",
            verdict,
        )
        print(
            " | ".join(
                f"{cell:<{width}}" for cell, width in zip(cells, widths, strict=True)
            )
        )


def main():
    args = parse_args()
    import odoo
    from odoo import SUPERUSER_ID, api, fields
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn", "--no-http"]
    )
    registry = Registry(args.database)
    with registry.cursor() as cr:
        cr.execute("SELECT key, value FROM followup_bench_meta")
        meta = dict(cr.fetchall())
        company_id = int(meta["company_id"])
        root = api.Environment(cr, SUPERUSER_ID, {})
        root["ir.config_parameter"].set_param("report.url", args.report_url)
        # An accountant, not the superuser, for both sides. The peer's e-mails
        # leave from the company's address (its template): give it one if the
        # book has none, as an administrator would (ours prefer the user's).
        admin = root.ref("base.user_admin")
        company = root["res.company"].browse(company_id)
        if not company.email:
            company.email = "accounting@example.com"
        if not admin.email:
            admin.email = company.email
        env = api.Environment(
            cr,
            admin.id,
            {"allowed_company_ids": [company_id], "tz": "UTC", "lang": "en_US"},
        )
        date = fields.Date.to_date(meta["book_today"])
        mail_date = date + timedelta(days=args.mail_offset)
        customers = int(meta["customers"])
        book = {
            "N": customers,
            "M": round(int(meta["invoices"]) / max(customers, 1)),
            "invoices": int(meta["invoices"]),
            "reminded_invoices": int(meta.get("reminded_invoices", 0)),
            "peer_history_lines": int(meta.get("peer_history_lines", 0)),
            "book_date": str(date),
            "mail_date": str(mail_date),
        }
        print(
            f"book: {book['N']} customers x {book['M']} invoices ({book['invoices']}), "
            f"history: {book['reminded_invoices']} invoices reminded "
            f"(= {book['peer_history_lines']} sent credit-control lines); peer "
            f"{args.peer}, levels {meta.get('peer_levels')}; load average "
            f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs",
            flush=True,
        )
        bench = Peers(env, args, meta)

        print(f"a. whole-company state on {date}", flush=True)
        ours = bench.our_state(date)
        print(
            f"  ours: median {ours['median']:.3f} s, {ours['queries']} queries, "
            f"customers by status {ours['statuses']}",
            flush=True,
        )
        theirs = bench.peer_state(date)
        state = {
            "ours": ours,
            "peer": theirs,
            "ratio": ratio(theirs["median"], ours["median"]),
        }

        print(f"b. e-mails on {mail_date}", flush=True)
        chosen, lines, selection = bench.mail_customers(mail_date)
        print(
            f"  customers: {selection}; e-mailing {len(chosen)} by each side "
            f"({len(lines)} credit-control lines)",
            flush=True,
        )
        our_mail = bench.our_emails(chosen, mail_date)
        peer_mail = bench.peer_emails(chosen, lines)
        mail = {
            "ours": our_mail,
            "peer": peer_mail,
            "selection": selection,
            "ratio": ratio(
                our_mail["emails_per_second"], peer_mail["emails_per_second"]
            ),
        }
        cr.rollback()

    print()
    print_table(book, state, mail)
    met = {
        "state": bool(state["ratio"] and state["ratio"] >= TARGETS["state"]),
        "emails_per_second": bool(
            mail["ratio"] and mail["ratio"] >= TARGETS["emails_per_second"]
        ),
    }
    payload = {
        "bench": "peers",
        "db": args.database,
        "peer": args.peer,
        **book,
        "state": state,
        "mail": mail,
        "targets": TARGETS,
        "targets_met": met,
        "steps_s": dict(
            pair.partition("=")[::2] for pair in filter(None, args.steps.split(","))
        ),
        "cpus": os.cpu_count(),
        "loadavg_1m": round(os.getloadavg()[0], 2),
        "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    print("BENCH_PEERS_JSON " + json.dumps(payload, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
