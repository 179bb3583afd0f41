#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Follow-up engine benchmark, on a copy of a bench template (see bench/run.sh).

    python bench/bench_engine.py -c .odoo/odoo.conf -d followup_bench_run_...

Measured for the main company, on a follow-up date chosen for a mix of statuses:

* whole-company state: ``followup.engine._get_partner_states`` (all customers)
  plus ``_get_last_move_dates``, and the same on a subset of customers given by
  ``partner_ids``;
* the partner list's "Needs action" page: ``search`` (limit 80) on
  ``followup_status = action`` then ``read`` of the list columns; the
  ``search_count`` of that filter; and ``web_search_read`` as the web client calls
  it (search + read + count).

Each step: 1 warm-up run, then ``--runs`` timed runs (ORM cache emptied before
each; median/min/max), SQL queries per run (``cr.sql_log_count``), and one more
run under tracemalloc for the peak of Python memory. A table, the targets, and a
``BENCH_JSON {...}`` line are printed. When a target is missed (or with
``--profile``) the slowest queries of the step are timed one by one and the
slowest is shown with EXPLAIN (ANALYZE, BUFFERS).

Read-only: the transaction is rolled back at the end.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import timedelta

TARGETS = {"state": 2.0, "list_page": 0.3}
LIST_COLUMNS = [
    "display_name",
    "followup_status",
    "followup_next_line_id",
    "followup_amount_overdue",
    "followup_date",
]
# Default follow-up date: this many days after the day the book was generated.
# run.sh gives the template a reminder history (last reminders sent 0-40 days
# before the book's date, half of the customers on that very day): on the book's
# date, customers split between "needs action" (a level became due since their
# last reminder) and "overdue" (reminded, next level not due yet), a few "ok".
DEFAULT_DATE_OFFSET = 0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--date-offset",
        type=int,
        default=DEFAULT_DATE_OFFSET,
        help="follow-up date, in days after the book's date (default %(default)s)",
    )
    parser.add_argument("--subset", type=int, default=1000, help="subset size")
    parser.add_argument("--profile", action="store_true", help="always profile")
    parser.add_argument("--steps", default="", help="k=v,... of run.sh, for the JSON")
    parser.add_argument("--explain-file", help="write the EXPLAIN plans there too")
    return parser.parse_args()


class QueryRecorder:
    """Records (sql, params) of every query the cursor executes while active."""

    def __init__(self, cr):
        self.cr = cr
        self.queries = []

    def __enter__(self):
        original = self.cr.execute

        def execute(query, params=None, log_exceptions=True):
            self.queries.append((query, params))
            return original(query, params, log_exceptions)

        self.cr.execute = execute
        return self

    def __exit__(self, *exc):
        del self.cr.execute


class Bench:
    def __init__(self, env, runs):
        self.env = env
        self.cr = env.cr
        self.runs = runs
        self.results = {}

    def _once(self, fn):
        self.env.invalidate_all()
        self.env.transaction.clear()
        count = self.cr.sql_log_count
        start = time.perf_counter()
        value = fn()
        elapsed = time.perf_counter() - start
        return elapsed, self.cr.sql_log_count - count, value

    def measure(self, key, label, fn, target=None):
        self._once(fn)  # warm-up: registry caches, PostgreSQL buffers
        times, queries = [], []
        value = None
        for _i in range(self.runs):
            elapsed, count, value = self._once(fn)
            times.append(elapsed)
            queries.append(count)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        self._once(fn)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result = {
            "label": label,
            "median": statistics.median(times),
            "min": min(times),
            "max": max(times),
            "queries": max(queries),
            "queries_min": min(queries),
            "peak_mb": peak / 2**20,
            "maxrss_delta_mb": (rss_after - rss_before) / 1024,
            "target": target,
            "fn": fn,
        }
        self.results[key] = result
        print(
            f"  {label}: median {result['median']:.3f} s, {result['queries']} queries",
            flush=True,
        )
        return value

    # ------------------------------------------------------------------ profiling
    def profile(self, key, out):
        """Time each query of step ``key`` alone; EXPLAIN ANALYZE the slowest."""
        fn = self.results[key]["fn"]
        self.env.invalidate_all()
        with QueryRecorder(self.cr) as recorder:
            fn()
        timed = []
        for query, params in recorder.queries:
            text = self.cr.mogrify(query, params).decode()
            if not text.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            start = time.perf_counter()
            self.cr.execute(text)
            self.cr.fetchall()
            timed.append((time.perf_counter() - start, text))
        timed.sort(key=lambda item: -item[0])
        total = sum(seconds for seconds, _text in timed)
        out(
            f"\n--- profile of '{self.results[key]['label']}': {len(timed)} SELECTs,"
            f" {total:.3f} s in SQL when run alone"
        )
        for seconds, text in timed[:5]:
            out(f"  {seconds:8.3f} s  {' '.join(text.split())[:150]}")
        if timed:
            self.cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + timed[0][1])
            plan = "\n".join(row[0] for row in self.cr.fetchall())
            out(f"  EXPLAIN ANALYZE of the slowest:\n{plan}")
        return timed

    # ------------------------------------------------------------------ report
    def table(self):
        lines = []
        header = (
            f"{'step':<58} | {'median s':>8} | {'min':>7} | {'max':>7} | "
            f"{'queries':>7} | {'peak MB':>7} | target"
        )
        lines.append(header)
        lines.append("-" * len(header))
        for result in self.results.values():
            target = result["target"]
            verdict = ""
            if target:
                verdict = f"<= {target:g} s " + (
                    "OK" if result["median"] <= target else "MISSED"
                )
            queries = str(result["queries"])
            if result["queries_min"] != result["queries"]:
                queries = f"{result['queries_min']}-{result['queries']}"
            lines.append(
                f"{result['label']:<58} | {result['median']:8.3f} | "
                f"{result['min']:7.3f} | {result['max']:7.3f} | {queries:>7} | "
                f"{result['peak_mb']:7.1f} | {verdict}"
            )
        return "\n".join(lines)


def main():
    args = parse_args()
    import odoo
    from odoo import SUPERUSER_ID, api, fields
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn", "--no-http"]
    )
    started = time.perf_counter()
    registry = Registry(args.database)
    load_seconds = time.perf_counter() - started
    explain_lines = []

    def out(text=""):
        print(text, flush=True)
        explain_lines.append(text)

    with registry.cursor() as cr:
        cr.execute("SELECT key, value FROM followup_bench_meta")
        meta = dict(cr.fetchall())
        root = api.Environment(cr, SUPERUSER_ID, {})
        company = root["res.company"].browse(int(meta["company_id"]))
        admin = root.ref("base.user_admin")
        env = api.Environment(
            cr,
            admin.id,
            {"allowed_company_ids": company.ids, "tz": "UTC", "lang": "en_US"},
        )
        company = env["res.company"].browse(company.id)
        engine = env["followup.engine"]
        date = fields.Date.to_date(meta["book_today"]) + timedelta(
            days=args.date_offset
        )
        Partner = env["res.partner"].with_context(followup_date=date)
        bench = Bench(env, args.runs)

        # ---------------------------------------------------------- the book
        cr.execute(
            "SELECT count(*) FROM res_partner WHERE customer_rank > 0 "
            "AND id = commercial_partner_id AND company_id = %s",
            [company.id],
        )
        n_customers = cr.fetchone()[0]
        items_query = engine._items_query(company, date)
        cr.execute(
            f"SELECT count(*), count(*) FILTER (WHERE next_date <= %s) "
            f"FROM ({cr.mogrify(items_query.code, items_query.params).decode()}) AS i",
            [date],
        )
        open_items, due_items = cr.fetchone()
        states = engine._get_partner_states(company, date)
        statuses = {"action": 0, "overdue": 0, "ok": 0}
        for state in states.values():
            statuses[state["status"]] += 1
        statuses["no_open_item"] = max(n_customers - len(states), 0)
        subset_ids = sorted(states)[: args.subset]
        print(
            f"book: {n_customers} customers x {meta.get('invoices')} invoices "
            f"(book date {meta['book_today']}), follow-up date {date} "
            f"(offset {args.date_offset:+d} days): {open_items} open items, "
            f"{due_items} due for a level; statuses {statuses}",
            flush=True,
        )
        print(
            f"registry load {load_seconds:.1f} s; measuring ({args.runs} runs + 1 warm-up)"
        )

        # ---------------------------------------------------------- a. state
        def whole_state():
            engine._get_partner_states(company, date)
            engine._get_last_move_dates(company)

        def subset_state():
            engine._get_partner_states(company, date, subset_ids)
            engine._get_last_move_dates(company, subset_ids)

        bench.measure(
            "state",
            "a. whole-company state (_get_partner_states + last moves)",
            whole_state,
            TARGETS["state"],
        )
        bench.measure(
            "state_only",
            "a1. _get_partner_states, all customers",
            lambda: engine._get_partner_states(company, date),
        )
        bench.measure(
            "last_moves",
            "a2. _get_last_move_dates, all customers",
            lambda: engine._get_last_move_dates(company),
        )
        bench.measure(
            "state_subset",
            f"a'. same as a. on {len(subset_ids)} customers (partner_ids)",
            subset_state,
        )

        # ---------------------------------------------------------- b. list page
        domain = [("followup_status", "=", "action")]

        def list_page():
            partners = Partner.search(domain, limit=80)
            return partners.read(LIST_COLUMNS)

        rows = bench.measure(
            "list_page",
            "b. 'Needs action' page: search(limit=80) + read",
            list_page,
            TARGETS["list_page"],
        )
        bench.measure(
            "list_search",
            "b1. search(limit=80) only",
            lambda: Partner.search(domain, limit=80),
        )
        page_ids = Partner.search(domain, limit=80).ids
        bench.measure(
            "list_read",
            "b2. read of the list columns on 80 partners",
            lambda: Partner.browse(page_ids).read(LIST_COLUMNS),
        )
        action_count = bench.measure(
            "search_count",
            "c. search_count(followup_status = action)",
            lambda: Partner.search_count(domain),
        )
        spec = {name: {} for name in LIST_COLUMNS}
        spec["followup_next_line_id"] = {"fields": {"display_name": {}}}
        bench.measure(
            "web_search_read",
            "d. web_search_read (list page as the web client asks)",
            lambda: Partner.web_search_read(domain, spec, limit=80, count_limit=10001),
            TARGETS["list_page"],
        )

        # ---------------------------------------------------------- report
        print()
        print(bench.table())
        results = bench.results
        same_queries = results["state"]["queries"] == results["state_subset"]["queries"]
        print()
        print("targets:")
        for key in ("state", "list_page", "web_search_read"):
            result = results[key]
            print(
                f"  {result['label']}: {result['median']:.3f} s "
                f"(target <= {result['target']:g} s) "
                + ("OK" if result["median"] <= result["target"] else "MISSED")
            )
        print(
            f"  query count independent of N: whole company {results['state']['queries']}"
            f" queries, {len(subset_ids)} customers {results['state_subset']['queries']}"
            " queries: "
            + ("OK" if same_queries else "DIFFERENT")
            + " (compare the BENCH_JSON 'queries' of runs on other N too)"
        )
        print(f"  page rows: {len(rows)}; 'action' partners counted: {action_count}")

        missed = [
            key
            for key, result in results.items()
            if result["target"] and result["median"] > result["target"]
        ]
        profiled = {}
        for key in sorted(
            set(missed) | ({"state", "list_page"} if args.profile else set())
        ):
            timed = bench.profile(key, out)
            profiled[key] = [round(seconds, 4) for seconds, _text in timed[:5]]
        if args.explain_file and explain_lines:
            with open(args.explain_file, "w", encoding="utf-8") as handle:
                handle.write("\n".join(explain_lines) + "\n")

        steps = {}
        for pair in filter(None, args.steps.split(",")):
            name, _sep, value = pair.partition("=")
            steps[name] = value
        payload = {
            "db": args.database,
            "N": n_customers,
            "M": int(meta.get("invoices", 0)) // max(n_customers, 1),
            "invoices": int(meta.get("invoices", 0)),
            "book_date": meta["book_today"],
            "followup_date": str(date),
            "open_items": open_items,
            "due_items": due_items,
            "statuses": statuses,
            "subset": len(subset_ids),
            "runs": args.runs,
            "results": {
                key: {
                    "median": round(r["median"], 4),
                    "min": round(r["min"], 4),
                    "max": round(r["max"], 4),
                    "queries": r["queries"],
                    "peak_mb": round(r["peak_mb"], 2),
                    "target": r["target"],
                }
                for key, r in results.items()
            },
            "query_count_independent_of_n": same_queries,
            "targets_missed": missed,
            "profile_top_queries_s": profiled,
            "steps_s": steps,
            "registry_load_s": round(load_seconds, 2),
            "cpus": os.cpu_count(),
            "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        print("BENCH_JSON " + json.dumps(payload, sort_keys=True), flush=True)
        cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())
