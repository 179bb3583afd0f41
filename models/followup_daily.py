# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The daily run of payment reminders: the scheduled action's work list, split
between the runs started at once, in batches committed one by one, through the
send path shared with the wizard (``followup.batch``)."""

import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2.errors

from odoo import api, fields, models
from odoo.modules import module
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class FollowupDaily(models.AbstractModel):
    _name = "followup.daily"
    _description = "Payment Follow-up Daily Run"

    # ------------------------------------------------------------------ DAILY RUN
    @api.model
    def _run_daily(self, batch_size=100, housekeeping=True):
        """Daily: e-mail the automatic reminders due today, company by company, in
        batches.

        Promises to pay and disputes whose resume date came are closed first,
        in every company (``followup.hold._close_due``), with the rest of the
        housekeeping (the extra workers' runs, ``housekeeping=False``, leave it
        to the main one). Only companies that turned automatic sending on are
        reminded. Runs started at once (the extra workers' scheduled actions,
        several servers) split the customers between them (:meth:`_claim`).
        Each batch is committed (outside tests) and reported to the scheduler,
        so an interruption keeps what was done; the next run carries on with
        what is still due. Customers whose level is not automatic, only printed, or who
        have no usable e-mail address get an activity for a person instead.

        A company whose configuration is broken (see
        ``followup.config.problem``) never stops the others: its customers wait,
        and its follow-up responsible is told once per problem.
        """
        self = self.sudo()  # noqa: PLW0642 - the daily run covers every company
        date = self.env["followup.engine"]._get_date()  # today, or the context's
        if housekeeping:
            self._close_paid_manual_actions()
            self._drop_abandoned_drafts()
            # promises to pay and disputes whose resume date came: kept, broken
            # (the reminders below recall it) or ended
            self.env["followup.hold.due"]._close_due(date)
        companies = self.env["res.company"].search([("followup_auto_send", "=", True)])
        work = {}
        # per company: {problem code: reason} met by this run, and the codes of
        # the run-time problems it proved fixed
        failed, worked = defaultdict(dict), defaultdict(set)
        for company in companies:
            try:
                work[company] = self._list_due(company, date)
            except Exception as error:  # noqa: BLE001 - never stops the others
                _logger.exception(
                    "Payment follow-up: the customers due of %s could not be listed",
                    company.name,
                )
                failed[company]["error"] = str(error)
        total = sum(len(ids) for ids in work.values())
        done = 0
        if self._can_commit():
            # the batches' snapshots start after the (long) work list query
            self.env.cr.commit()  # pylint: disable=invalid-commit
        for company, due_ids in work.items():
            # activities and chatter notes in the company's language
            env = self.with_company(company).with_context(
                lang=company.partner_id.lang or "en_US"
            )
            pending = sorted(due_ids)
            position = 0
            while position < len(pending):
                # the next customers still due that no other run holds: runs
                # started at once (cron workers, servers) share the work list;
                # a window of it per claim, so that a claim costs the same
                # whatever the book's size
                window = pending[position : position + batch_size * 4]
                partners = env._claim_next(company, date, window, batch_size)
                if not partners:
                    # held by other runs, or reminded by them already
                    position += len(window)
                    continue
                # what lies before the last customer claimed is claimed, held
                # by another run or no longer due
                position += window.index(partners.ids[-1]) + 1
                errors, fixed = self._run_daily_claimed(env, partners, company, date)
                for code, reason in errors.items():
                    failed[company].setdefault(code, reason)
                worked[company] |= fixed
                done += len(partners)
                self.env["ir.cron"]._notify_progress(
                    done=done, remaining=max(total - done, 0)
                )
                if self._can_commit():
                    # a batch done stays done if the run is interrupted later
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        if done < total:
            # the rest was taken by another run, or is no longer due
            self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        Problem = self.env["followup.config.problem"]
        for company in companies:
            if not housekeeping:
                # an extra worker tells the problems it met; closing them is
                # the main run's (it saw the whole work list)
                worked[company] = set()
            elif "error" not in failed[company]:
                worked[company].add("error")
            try:
                with self.env.cr.savepoint():
                    Problem._report(company, failed[company], worked[company])
            except Exception:  # noqa: BLE001 - the next company is told all the same
                _logger.exception(
                    "Payment follow-up: the problems of %s could not be reported",
                    company.name,
                )
        if housekeeping:
            Problem._forget_companies(companies)
        _logger.info("Payment follow-up: %s customers processed", done)

    def _run_daily_claimed(self, env, partners, company, date):
        """One claimed batch of the daily run, tried twice: a failure is
        logged and the customers are retried on the next run.

        :return: ({problem code: reason}, codes of the problems proved fixed)
        """
        for attempt in (1, 2):
            try:
                with self.env.cr.savepoint():
                    return env._run_daily_batch(partners, company, date)
            except Exception as error:  # noqa: BLE001 - reported below
                if attempt == 1 and self._can_commit():
                    # e.g. a customer edited meanwhile: once more with a fresh
                    # snapshot (the batch locks its customers again and leaves
                    # out what another run took meanwhile)
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                    continue
                _logger.exception(
                    "Payment follow-up: batch of %s customers of %s failed; they "
                    "will be retried on the next run",
                    len(partners),
                    company.name,
                )
                return {"error": str(error)}, set()
        return {}, set()

    @api.model
    def _list_due(self, company, date):
        """The customers of ``company`` due on ``date``. Listing refreshes the
        stored rows whose items entered today, as a run started at the same
        time may do: see :meth:`_fresh_snapshot_retry`."""
        return self._fresh_snapshot_retry(
            lambda: self.env["followup.partner.state"]._due_partner_ids(company, date)
        )

    @api.model
    def _claim_next(self, company, date, candidate_ids, limit):
        """:meth:`_claim`: a customer another run committed between this
        transaction's snapshot and the lock is claimed again with a fresh
        snapshot (:meth:`_fresh_snapshot_retry`)."""
        return self._fresh_snapshot_retry(
            lambda: self._claim(company, date, candidate_ids, limit)
        )

    @api.model
    def _fresh_snapshot_retry(self, step):
        """Run ``step()``; when another run's commit makes it a serialization
        failure, roll back (this run committed its work before) and run it
        again with a fresh snapshot, up to five times."""
        for attempt in range(1, 6):
            try:
                with self.env.cr.savepoint():
                    return step()
            except psycopg2.errors.SerializationFailure:
                if attempt == 5 or not self._can_commit():
                    raise
                self.env.cr.rollback()

    @api.model
    def _claim(self, company, date, candidate_ids, limit):
        """Lock (``followup.batch._lock``) the first ``limit`` customers of
        ``candidate_ids`` still due on ``date`` that no other transaction holds.

        Two runs started at once split the work list this way, each customer
        once: a batch holds its customers until it commits, and a customer a
        committed batch reminded is no longer due (its stored state moved). A
        customer the stored state cannot answer for (dates before today, items
        dated since its row was computed) is claimed on its id alone.
        """
        due = None
        if self.env["followup.partner.state"]._is_stored_date(date):
            due = SQL(
                """EXISTS (
                    SELECT 1 FROM followup_partner_state state
                     WHERE state.partner_id = partner.id
                       AND state.company_id = %(company)s
                       AND (state.action_date <= %(date)s
                            OR state.refresh_date <= %(date)s)
                )""",
                company=company.id,
                date=date,
            )
        partners = self.env["res.partner"].browse(candidate_ids)
        return self.env["followup.batch"]._lock(partners, due, limit)

    @api.model
    def _drop_abandoned_drafts(self):
        """Reminders prepared by Send Reminders and never confirmed (the dialog
        was closed instead of Back) are dropped after a day: their wizard is
        gone, and they are no history."""
        self.env["followup.reminder"].sudo().search(
            [
                ("state", "=", "draft"),
                ("create_date", "<", fields.Datetime.now() - timedelta(days=1)),
            ]
        ).unlink()

    @api.model
    def _close_paid_manual_actions(self):
        """The manual actions (e.g. the litigation task) of reminders whose
        invoices are all paid no longer apply: closed, in every company."""
        reminders = (
            self.env["followup.reminder"]
            .sudo()
            .search([("state", "=", "done"), ("manual_activity_id", "!=", False)])
        )
        paid = reminders.filtered(
            lambda rem: rem.item_ids.move_id
            and all(
                move.payment_state in ("paid", "in_payment", "reversed")
                or move.state == "cancel"
                for move in rem.item_ids.move_id.filtered(
                    lambda move: move.move_type in ("out_invoice", "out_receipt")
                )
            )
        )
        paid._close_manual_actions()

    @api.model
    def _run_daily_batch(self, partners, company, date):
        """One batch of the daily run (customers of one company).

        Customers whose reminder cannot leave because of the company's
        configuration (no address to send from, no e-mail template, an invalid
        level message, a letter or a template that cannot be rendered) wait,
        without an activity each: the run reports the problem once
        (``followup.config.problem``).

        :return: ({problem code: reason} met in this batch, codes of the
            run-time problems it proved fixed)
        """
        batch = self.env["followup.batch"]
        # lock and ask the engine once for the whole batch
        locked = batch._lock(partners)
        partners = locked
        collected = batch._collect(locked, company, date)
        levels = {pid: entry["level"] for pid, entry in collected.items()}
        auto = partners.filtered(lambda p: levels[p.id].auto_send)
        refused = self._refused_addresses(auto, company)
        to_email = auto.filtered(
            lambda p: levels[p.id].send_email and p.id not in refused
        )
        # money received and not matched to their invoices: they have probably
        # paid; a person reconciles before anyone reminds them
        guard = self.env["followup.guard"]
        unmatched = guard._unreconciled_money(company, to_email.ids)
        held = to_email.filtered(lambda p: p.id in unmatched)
        to_email -= held
        guard._plan_reconcile_activities(company, date, held, unmatched)
        # decided once for the company: where e-mails leave from, the templates
        can_email = bool(batch._sender(company)["email_from"])
        email_levels = self.env["followup.line"].union(
            *(levels[p.id] for p in to_email)
        )
        usable = email_levels.browse()
        if can_email:
            usable = email_levels.filtered(self.env["followup.render"]._mail_template)
            # a message written with SQL is not e-mailed unread
            invalid = self.env["followup.config.problem"]._invalid_messages(usable)
            usable -= usable.browse([level.id for level in invalid])
        by_email = to_email.filtered(lambda p: levels[p.id] in usable)
        waiting = to_email - by_email
        config_errors = {}
        _reminders, sent, skipped = batch._send(
            by_email,
            company,
            date,
            "email",
            collected=collected,
            config_errors=config_errors,
        )
        # levels without letter nor e-mail: only the manual action
        manual_only = auto.filtered(
            lambda p: not levels[p.id].send_email
            and not levels[p.id].send_letter
            and levels[p.id].manual_action
        )
        batch._send(manual_only, company, date, "manual", collected=collected)
        reasons = {
            partner: reason
            for partner, reason in skipped.items()
            if partner not in config_errors
        }
        for partner in auto.filtered(lambda p: p.id in refused):
            if levels[partner.id].send_email:
                reasons[partner] = self.env._(
                    "the last e-mail to %(email)s was not delivered",
                    email=refused[partner.id],
                )
        for partner in auto - by_email - manual_only - waiting - held:
            if levels[partner.id].send_letter:
                reasons.setdefault(partner, self.env._("this level is sent by letter"))
        for partner in partners - auto:
            if levels[partner.id]:
                reasons[partner] = self.env._(
                    "this level is not sent automatically: review it"
                )
        batch._plan_print_activities(company, date, reasons, levels)
        errors = {}
        for code, reason in config_errors.values():
            errors.setdefault(code, reason)
        # a reminder e-mailed: its letter and its template were rendered
        fixed = {"letter"} if sent else set()
        fixed |= {
            f"template_{self.env['followup.render']._mail_template(rem.followup_line_id).id}"
            for rem in sent
        }
        return errors, fixed

    @api.model
    def _refused_addresses(self, partners, company):
        """Customers whose latest e-mailed reminder failed, when the address
        they would be e-mailed at is still the one that failed: the daily run
        does not e-mail it again, a person prints the letter instead.

        :return: {partner id: the address that failed}
        """
        batch = self.env["followup.batch"]
        latest = (
            self.env["followup.reminder"]
            .sudo()
            .search_read(
                [
                    ("partner_id", "in", partners.ids),
                    ("company_id", "=", company.id),
                    ("channel", "=", "email"),
                    ("state", "in", ("done", "failed")),
                ],
                ["partner_id", "state", "email_to", "mail_message_id"],
                order="partner_id, id desc",
            )
        )
        refused, seen = {}, set()
        for row in latest:
            partner_id = row["partner_id"][0]
            if partner_id in seen:
                continue
            seen.add(partner_id)
            # an e-mail that left and failed; not a reminder that never left
            # (a letter or template that could not be rendered)
            if row["state"] == "failed" and row["email_to"] and row["mail_message_id"]:
                refused[partner_id] = row["email_to"]
        contacts = {
            partner.id: batch._recipient(partner).email_normalized
            for partner in partners.browse(list(refused))
        }
        return {pid: email for pid, email in refused.items() if contacts[pid] == email}

    @api.model
    def _auto_email_partner_ids(self, company, date=None):
        """Customers of ``company`` the daily run would e-mail on ``date``: the
        level due for them is automatic and sent by e-mail (one engine query)."""
        if not company:
            return []
        engine = self.env["followup.engine"]
        date = date or engine._get_date()
        due_ids = self.env["followup.partner.state"]._due_partner_ids(company, date)
        states = engine._get_partner_states(company, date, due_ids)
        levels = self.env["followup.line"].browse(
            {state["next_line_due"] for state in states.values()} - {None}
        )
        auto = set(levels.filtered(lambda lvl: lvl.auto_send and lvl.send_email).ids)
        return [pid for pid, state in states.items() if state["next_line_due"] in auto]

    @api.model
    def _can_commit(self):
        """Commit between batches, except inside tests (as account_move_send)."""
        return not module.current_test
