"""Benchmark of the daily scheduled action (run by bench/run.sh in ``odoo shell``).

On a copy of a benchmark book it runs ``res.partner._cron_send_followup_reminders``
(the scheduled action, which calls ``followup.daily._run_daily``) once, as the
scheduler would (commits after each batch of 100 customers, real wkhtmltopdf
letters stored on each ``followup.reminder``, e-mails posted and queued).

Automatic sending is off after installation: the script first turns it on
(``res.company.followup_auto_send``) for every company with a follow-up policy,
as the administrator would in Settings (so that the administrator is the
fallback sender and activity owner), and by default also marks every level
``auto_send`` and ``send_email`` (the default for all but the last level, a
registered letter), so that each customer
due gets an e-mail with its PDF letter: the run measured is "N customers due,
e-mail + letter each". BENCH_CRON_LEVELS=default keeps the levels' own setting:
customers due for the last level then get an activity instead of an e-mail.

Printed: customers due, ``followup.reminder`` records created and done,
reminders per second, SQL queries per customer (all the run's queries /
customers due), growth of the process' peak RSS, peak Python memory
(tracemalloc run only), and the time split between the steps of the send path,
each timed by wrapping a method in this process only: prepare (``_lock`` +
``_collect`` = engine, ``_prepare`` = reminder creation), letters
(``_render_letters``: QWeb, splitting and storing the PDFs, with the wkhtmltopdf
subprocess ``ir.actions.report._run_wkhtmltopdf`` apart), e-mails
(``_send_emails``, with ``mail.template`` rendering and ``message_post`` apart),
mark done (``followup.reminder._action_done``), activities
(``_plan_print_activities``), commits (flush + COMMIT per batch, each post-commit
hook apart) and the rest. Times are exclusive: a timed method called inside
another is not counted twice.

Environment: BENCH_CRON_DATE sets the date (default: 30 days after today, so
that most customers of the book are due); BENCH_CRON_REPORT_URL the ``report.url``
wkhtmltopdf loads the report CSS from (bench/run.sh gives the URL of the live Odoo
server it starts on the run's database, as production has one; BENCH_CRON_LIVE=0,
or this script alone, a closed port: the CSS fails fast and the letters are made
without it) and BENCH_CRON_URL_MODE says which, for the output;
BENCH_CRON_INLINE_CSS sets the system parameter
``account_payment_followup.pdf_inline_css`` (0: the header and footer of the
letters link the whole report bundles, which wkhtmltopdf applies again for
every page, as before; default: the module's setting, on);
BENCH_CRON_PHASE=setup only turns automatic sending on and commits,
BENCH_CRON_PHASE=run only runs the scheduled action (BENCH_CRON_HOUSEKEEPING=0:
as an extra worker's) (bench/run.sh starts two such
runs at once on one database: their counts of reminders then include the other
run's, run.sh counts them in the database);
BENCH_CRON_TRACEMALLOC=1 runs
under tracemalloc for the peak of Python memory. tracemalloc slows the Python
code down about 2.5-3 times (QWeb, mail rendering, message_post; wkhtmltopdf is
another process): the times of such a run are not the figures, and run.sh makes
it a second run on a fresh copy of the template, after the timed one.
"""

import functools
import json
import os
import resource
import time
import tracemalloc

from odoo import fields
from odoo.tools import SQL

# issue "Speed at scale": >= 25 reminders/s (e-mail + PDF letter each, live
# server) and <= 3 queries per customer, all told
TARGET_REMINDERS_PER_SECOND = 25
TARGET_QUERIES_PER_CUSTOMER = 3

# (model, method, phase); phases are printed in this order
TIMED = [
    ("followup.batch", "_lock", "prepare: lock customers (_lock)"),
    ("followup.batch", "_collect", "prepare: engine query (_collect)"),
    ("followup.batch", "_prepare", "prepare: create reminders (_prepare)"),
    ("followup.render", "_render_letters", "letters: QWeb, split, store"),
    ("ir.actions.report", "_run_wkhtmltopdf", "letters: wkhtmltopdf subprocess"),
    ("followup.render", "_send_emails", "e-mails: _send_emails itself"),
    ("mail.template", "_generate_template", "e-mails: mail.template rendering"),
    ("followup.reminder", "message_post", "e-mails: message_post (+ mail.mail)"),
    ("followup.reminder", "_action_done", "mark done (_action_done)"),
    ("followup.batch", "_plan_print_activities", "activities (non-automatic levels)"),
]
COMMIT_PHASE = "commits: flush + COMMIT"
POSTCOMMIT_PHASE = "commits: post-commit hook {}"
REST_PHASE = "rest (_run_daily loop, savepoints, progress)"
# the summary asked for (prepare = engine + create); "*commits" = phases starting so
GROUPS = [
    ("prepare (engine + create)", ("_lock", "_collect", "_prepare")),
    ("render letters (QWeb + wkhtmltopdf)", ("_render_letters", "_run_wkhtmltopdf")),
    ("e-mail posting", ("_send_emails", "_generate_template", "message_post")),
    ("mark done", ("_action_done",)),
    ("activities (non-automatic levels)", ("_plan_print_activities",)),
    ("commits (per batch of 100)", ("*commits",)),
]


class PhaseTimer:
    """Exclusive wall time and SQL queries of wrapped methods."""

    def __init__(self, cr):
        self.cr = cr
        self.stats = {}  # phase -> {"seconds", "calls", "queries"}
        self.stack = []
        self.undo = []

    def _call(self, phase, function, args, kwargs):
        frame = {"child_seconds": 0.0, "child_queries": 0}
        self.stack.append(frame)
        queries = self.cr.sql_log_count
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds = time.perf_counter() - start
            # sql_log_count is per cursor; every call here runs on the shell's one
            count = max(self.cr.sql_log_count - queries, 0)
            self.stack.pop()
            stat = self.stats.setdefault(
                phase, {"seconds": 0.0, "calls": 0, "queries": 0}
            )
            stat["seconds"] += seconds - frame["child_seconds"]
            stat["queries"] += count - frame["child_queries"]
            stat["calls"] += 1
            if self.stack:
                self.stack[-1]["child_seconds"] += seconds
                self.stack[-1]["child_queries"] += count

    def wrap_method(self, cls, name, phase):
        original = getattr(cls, name)
        own = name in cls.__dict__
        timer = self

        @functools.wraps(original)  # keeps the api decorators' marks
        def wrapper(*args, **kwargs):
            return timer._call(phase, original, args, kwargs)

        setattr(cls, name, wrapper)
        self.undo.append(
            lambda: setattr(cls, name, original) if own else delattr(cls, name)
        )

    def wrap_commit(self, cr, phase, hook_phase):
        original = cr.commit
        timer = self

        def timed_hook(hook):
            name = (
                getattr(hook, "__qualname__", None)
                or getattr(getattr(hook, "func", None), "__qualname__", None)
                or type(hook).__name__
            )
            return lambda: timer._call(hook_phase.format(name), hook, (), {})

        def commit():
            # the hooks queued so far, each timed apart (Callbacks has __slots__)
            hooks = [timed_hook(hook) for hook in cr.postcommit._funcs]
            cr.postcommit._funcs.clear()
            cr.postcommit._funcs.extend(hooks)
            return timer._call(phase, original, (), {})

        cr.commit = commit
        self.undo.append(lambda: delattr(cr, "commit"))

    def restore(self):
        while self.undo:
            self.undo.pop()()


def turn_auto_send_on(env, companies, all_levels):
    """Automatic sending on, as the administrator would in Settings; with
    ``all_levels``, every level automatic too."""
    admin = env.ref("base.user_admin")
    off = companies.filtered(lambda c: not c.followup_auto_send)
    for company in off:
        company.with_user(admin).with_company(company).followup_auto_send = True
    policies = env["followup.policy"].search([("company_id", "in", companies.ids)])
    levels = policies.line_ids
    manual = levels.filtered(lambda level: not level.auto_send or not level.send_email)
    if all_levels:
        # the last default level is a registered letter, not e-mailed: the
        # bench e-mails every level, with its letter attached
        manual.write({"auto_send": True, "send_email": True})
    automatic = levels.filtered(lambda level: level.auto_send and level.send_email)
    return {
        "levels_setting": "all automatic" if all_levels else "default",
        "levels_made_automatic": len(manual) if all_levels else 0,
        "companies_turned_on": len(off),
        "auto_send_user": companies.followup_auto_send_user_id.mapped("login"),
        "levels": len(levels),
        "levels_automatic_email": len(automatic),
    }


def reminder_counts(env, min_id):
    env.cr.execute(
        "SELECT state, channel, count(*) FROM followup_reminder WHERE id > %s "
        "GROUP BY state, channel",
        [min_id],
    )
    return {f"{state}/{channel}": count for state, channel, count in env.cr.fetchall()}


def mails_by_model(env, min_id):
    env.cr.execute(
        "SELECT coalesce(msg.model, '-'), count(*) FROM mail_mail mail "
        "JOIN mail_message msg ON msg.id = mail.mail_message_id "
        "WHERE mail.id > %s GROUP BY 1",
        [min_id],
    )
    return dict(env.cr.fetchall())


def max_id(env, table):
    env.cr.execute(SQL("SELECT coalesce(max(id), 0) FROM %s", SQL.identifier(table)))
    return env.cr.fetchone()[0]


def run(env):
    date = os.environ.get("BENCH_CRON_DATE") or fields.Date.to_string(
        fields.Date.add(fields.Date.context_today(env.user), days=30)
    )
    day = fields.Date.to_date(date)
    report_url = os.environ.get("BENCH_CRON_REPORT_URL") or "http://127.0.0.1:1"
    url_mode = os.environ.get("BENCH_CRON_URL_MODE") or (
        "closed port" if report_url == "http://127.0.0.1:1" else "given URL"
    )
    env["ir.config_parameter"].set_param("report.url", report_url)
    if os.environ.get("BENCH_CRON_INLINE_CSS"):
        env["ir.config_parameter"].set_param(
            "account_payment_followup.pdf_inline_css",
            os.environ["BENCH_CRON_INLINE_CSS"],
        )
    inline_css = env["ir.config_parameter"].get_param(
        "account_payment_followup.pdf_inline_css", "1"
    )
    engine = env["followup.engine"]
    companies = env["followup.policy"].search([]).company_id
    all_levels = os.environ.get("BENCH_CRON_LEVELS", "all") != "default"
    phase = os.environ.get("BENCH_CRON_PHASE", "all")
    setup = {}
    if phase != "run":
        setup = turn_auto_send_on(env, companies, all_levels)
    if phase == "setup":
        env.cr.commit()
        print(f"BENCH_CRON_SETUP reminder_max={max_id(env, 'followup_reminder')}")
        return

    def due_ids(company):
        return engine._search_partner_ids(company, day, SQL("due_count > 0"))

    due_before = sum(len(due_ids(company)) for company in companies)
    expected_emails = sum(
        len(env["followup.daily"]._auto_email_partner_ids(company, day))
        for company in companies
    )
    reminder_max = max_id(env, "followup_reminder")
    mail_max = max_id(env, "mail_mail")
    activity_max = max_id(env, "mail_activity")
    attachment_max = max_id(env, "ir_attachment")
    env.cr.commit()

    timer = PhaseTimer(env.cr)
    for model, method, phase in TIMED:
        timer.wrap_method(type(env[model]), method, phase)
    timer.wrap_commit(env.cr, COMMIT_PHASE, POSTCOMMIT_PHASE)
    use_tracemalloc = os.environ.get("BENCH_CRON_TRACEMALLOC", "0") == "1"
    queries_before = env.cr.sql_log_count
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if use_tracemalloc:
        tracemalloc.start()
    start = time.perf_counter()
    started_at = time.time()
    try:
        env["res.partner"].with_context(
            followup_date=date
        )._cron_send_followup_reminders(
            housekeeping=os.environ.get("BENCH_CRON_HOUSEKEEPING", "1") == "1"
        )
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] if use_tracemalloc else None
    finally:
        if use_tracemalloc:
            tracemalloc.stop()
        timer.restore()
    queries = env.cr.sql_log_count - queries_before
    env.invalidate_all()

    by_state = reminder_counts(env, reminder_max)
    created = sum(by_state.values())
    done = sum(count for key, count in by_state.items() if key.startswith("done/"))
    env.cr.execute(
        "SELECT count(*) FROM followup_reminder WHERE id > %s "
        "AND attachment_id IS NOT NULL",
        [reminder_max],
    )
    with_letter = env.cr.fetchone()[0]
    env.cr.execute(
        "SELECT count(*) FROM followup_reminder WHERE id > %s "
        "AND mail_message_id IS NOT NULL",
        [reminder_max],
    )
    with_message = env.cr.fetchone()[0]
    mails = mails_by_model(env, mail_max)
    activities = env["mail.activity"].search_count([("id", ">", activity_max)])
    attachments = env["ir.attachment"].search_count([("id", ">", attachment_max)])
    due_after = sum(len(due_ids(company)) for company in companies)

    phases = {}
    order = [phase for _model, _method, phase in TIMED] + [COMMIT_PHASE]
    order += sorted(set(timer.stats) - set(order))  # post-commit hooks
    for phase in order:
        stat = timer.stats.get(phase, {"seconds": 0.0, "calls": 0, "queries": 0})
        phases[phase] = {
            "seconds": round(stat["seconds"], 2),
            "calls": stat["calls"],
            "queries": stat["queries"],
        }
    timed_seconds = sum(stat["seconds"] for stat in timer.stats.values())
    timed_queries = sum(stat["queries"] for stat in timer.stats.values())
    phases[REST_PHASE] = {
        "seconds": round(seconds - timed_seconds, 2),
        "calls": 1,
        "queries": queries - timed_queries,
    }
    method_phase = {method: phase for _model, method, phase in TIMED}

    def phase_seconds(method):
        if method.startswith("*"):
            prefix = method[1:]
            return sum(
                stat["seconds"]
                for phase, stat in timer.stats.items()
                if phase.startswith(prefix)
            )
        return timer.stats.get(method_phase[method], {}).get("seconds", 0.0)

    groups = {
        label: round(sum(phase_seconds(method) for method in methods), 2)
        for label, methods in GROUPS
    }
    groups["rest"] = phases[REST_PHASE]["seconds"]

    rate = round(done / seconds, 1) if seconds else None
    result = {
        "date": date,
        "report_url": report_url,
        "report_url_mode": url_mode,
        "inline_css": inline_css,
        **setup,
        "customers_due": due_before,
        "expected_automatic_emails": expected_emails,
        "reminders_created": created,
        "reminders_done": done,
        "reminders_by_state_channel": by_state,
        "reminders_with_letter_pdf": with_letter,
        "reminders_with_mail_message": with_message,
        "mails_queued": mails,
        "activities_created": activities,
        "attachments_created": attachments,
        "left_due_after_run": due_after,
        "seconds": round(seconds, 2),
        "started_at_epoch": round(started_at, 3),
        "ended_at_epoch": round(started_at + seconds, 3),
        "phase": phase,
        "reminders_per_second": rate,
        "customers_per_second": round(due_before / seconds, 1) if seconds else None,
        "queries": queries,
        "queries_per_customer": round(queries / due_before, 1) if due_before else None,
        "peak_python_mb": round(peak / 2**20, 1) if peak is not None else None,
        "tracemalloc": use_tracemalloc,
        "maxrss_growth_mb": round(
            (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024, 1
        ),
        "target_reminders_per_second": TARGET_REMINDERS_PER_SECOND,
        "target_queries_per_customer": TARGET_QUERIES_PER_CUSTOMER,
        # under tracemalloc the times are not judged
        "target_met": None
        if use_tracemalloc
        else bool(rate and rate >= TARGET_REMINDERS_PER_SECOND),
        "phases": phases,
        "groups": groups,
        "cpus": os.cpu_count(),
        "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    print()
    print(
        "Scheduled action (e-mail reminders, letters rendered by wkhtmltopdf): "
        + (
            "MEMORY RUN under tracemalloc, its times are NOT the figures"
            if use_tracemalloc
            else "timed run"
        )
    )
    for key, value in result.items():
        if key not in ("phases", "groups"):
            print(f"  {key:<30} {value}")
    print("  time split (exclusive wall time; queries):")
    for phase, stat in phases.items():
        share = 100 * stat["seconds"] / seconds if seconds else 0
        print(
            f"    {phase[:60]:<60} {stat['seconds']:8.2f} s {share:5.1f} %  "
            f"{stat['queries']:7d} queries  {stat['calls']:5d} calls"
        )
    print("  grouped:")
    for label, value in groups.items():
        share = 100 * value / seconds if seconds else 0
        print(f"    {label:<60} {value:8.2f} s {share:5.1f} %")
    verdict = "met" if result["target_met"] else "MISSED"
    if use_tracemalloc:
        verdict = "not judged under tracemalloc"
    print(
        f"  target: >= {TARGET_REMINDERS_PER_SECOND} reminders/s: {verdict} ({rate}); "
        f"<= {TARGET_QUERIES_PER_CUSTOMER} queries per customer: "
        + (
            "met"
            if due_before and queries / due_before <= TARGET_QUERIES_PER_CUSTOMER
            else "MISSED"
        )
        + f" ({result['queries_per_customer']})"
    )
    print("BENCH_CRON_JSON " + json.dumps(result, sort_keys=True))
    return result


run(env)  # noqa: F821 - ``env`` is given by odoo shell
