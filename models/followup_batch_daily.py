# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The daily run of payment reminders, and the send path shared with the wizard."""

import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.modules import module

_logger = logging.getLogger(__name__)


class FollowupBatch(models.AbstractModel):
    _inherit = "followup.batch"

    # ------------------------------------------------------------------ SEND
    @api.model
    def _send(
        self,
        partners,
        company,
        date,
        channel,
        excluded_aml_ids=(),
        due_limit=None,
        level_filter=None,
        collected=None,
        run_message=None,
        chosen_levels=None,
        config_errors=None,
    ):
        """Prepare, render once and, for e-mails, post and mark done.

        Letters stay draft until the user confirms they were printed.

        :param config_errors: see :meth:`_deliver`
        :return: (reminders prepared, reminders done, {customer: reason} for the
            customers not reminded)
        """
        reminders, skipped = self._prepare(
            partners,
            company,
            date,
            channel,
            excluded_aml_ids,
            due_limit,
            level_filter,
            collected=collected,
            run_message=run_message,
            chosen_levels=chosen_levels,
        )
        reminders, done, failed = self._deliver(
            reminders, channel, config_errors=config_errors
        )
        skipped.update(failed)
        return reminders, done, skipped

    @api.model
    def _deliver(self, reminders, channel, composer=None, config_errors=None):
        """Render the letters of prepared reminders once and, for e-mails, post
        them and mark them done (manual reminders are done at once).

        :param composer: the Send Reminders wizard when the user changed the
            e-mail's subject or body for this run (``mail.composer.mixin``)
        :param config_errors: when given, filled with {customer: (problem code,
            reason)} for the customers not reminded because of the company's
            configuration (a letter or an e-mail template that cannot be
            rendered), not because of their own data
        :return: (reminders whose letter was rendered, reminders done,
            {customer: reason} for the customers not reminded)
        """
        skipped = {}
        if channel in ("letter", "email"):
            failures = self._render_letters(reminders)
            skipped.update({rem.partner_id: reason for rem, reason in failures.items()})
            if config_errors is not None:
                config_errors.update(
                    {
                        rem.partner_id: ("letter", reason)
                        for rem, reason in failures.items()
                    }
                )
            reminders -= reminders.browse([rem.id for rem in failures])
        done = reminders.browse()
        if channel == "email":
            sent, failed = self._send_emails(
                reminders, composer=composer, config_errors=config_errors
            )
            skipped.update({rem.partner_id: reason for rem, reason in failed.items()})
            done = sent._action_done()
        elif channel == "manual":
            done = reminders._action_done()
        return reminders, done, skipped

    @api.model
    def _invoice_attachments(self, reminders):
        """{reminder id: attachment ids} of the invoices to attach to the e-mails
        of ``reminders`` whose level asks for them: each invoice's stored PDF
        when Odoo has one, else the invoice printed now, all the missing ones in
        one report call. An invoice that cannot be printed is left out (the
        letter still lists it)."""
        asking = reminders.sudo().filtered("followup_line_id.attach_invoices")
        if not asking:
            return {}
        moves = {
            reminder.id: reminder.item_ids.move_id.filtered(
                lambda move: move.move_type == "out_invoice"
            )
            for reminder in asking
        }
        all_moves = self.env["account.move"].sudo().union(*moves.values())
        missing = all_moves.filtered(lambda move: not move.invoice_pdf_report_id)
        streams = self._invoice_streams(missing)
        vals_list, owners = [], []
        attached = {reminder.id: [] for reminder in asking}
        for reminder in asking:
            for move in moves[reminder.id]:
                if move.invoice_pdf_report_id:
                    attached[reminder.id].append(move.invoice_pdf_report_id.id)
                elif streams.get(move.id, {}).get("stream"):
                    owners.append(reminder.id)
                    vals_list.append(
                        {
                            "name": f"{move.name.replace('/', '_')}.pdf",
                            "raw": streams[move.id]["stream"].getvalue(),
                            "mimetype": "application/pdf",
                            "res_model": reminder._name,
                            "res_id": reminder.id,
                        }
                    )
        attachments = self.env["ir.attachment"].sudo().create(vals_list)
        for reminder_id, attachment in zip(owners, attachments, strict=True):
            attached[reminder_id].append(attachment.id)
        return attached

    @api.model
    def _invoice_streams(self, moves):
        """{invoice id: {"stream"}} of ``moves`` printed in one report call; when
        one cannot be printed, the others are printed one by one and it is left
        out."""
        if not moves:
            return {}
        Report = self.env["ir.actions.report"].sudo()
        report = "account.account_invoices"
        try:
            return Report._render_qweb_pdf_prepare_streams(
                report, {}, res_ids=moves.ids
            )
        except Exception as error:  # noqa: BLE001 - the others are printed
            _logger.warning("Follow-up: invoices could not be printed: %s", error)
        streams = {}
        for move in moves:
            try:
                streams.update(
                    Report._render_qweb_pdf_prepare_streams(
                        report, {}, res_ids=move.ids
                    )
                )
            except Exception as error:  # noqa: BLE001 - left out, the letter lists it
                _logger.warning(
                    "Follow-up: invoice %s not printed: %s", move.name, error
                )
        return streams

    @api.model
    def _set_levels_by_hand(self, levels):
        """A level chosen by hand on customers: every open, non-litigious invoice
        of each customer moves to it, recorded as a ``manual`` reminder (undo
        restores the previous levels). Clearing the level resets the invoices
        and says so on the customer. One engine query for all the customers.

        :param levels: {commercial partner: level (may be empty)}
        """
        engine = self.env["followup.engine"]
        company = self.env.company
        date = engine._get_date()
        partners = self.env["res.partner"].union(*levels)
        open_items = defaultdict(list)
        for item in engine._get_items(company, date, partners.ids):
            if item["amount_residual"] > 0 and not item["blocked"]:
                open_items[item["partner_id"]].append(item)
        self.env["account.move"].browse(
            {item["move_id"] for items in open_items.values() for item in items}
        ).fetch(["invoice_date"])
        vals_list = []
        for partner, level in levels.items():
            items = open_items[partner.id]
            if level:
                vals_list.append(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "date": date,
                        "followup_line_id": level.id,
                        "user_id": self.env.user.id,
                        "channel": "manual",
                        "amount_due": sum(item["amount_residual"] for item in items),
                        "item_ids": [
                            Command.create(
                                {**self._item_vals(item), "level_id": level.id}
                            )
                            for item in items
                        ],
                    }
                )
                continue
            moves = self.env["account.move"].browse([i["move_id"] for i in items])
            moves.followup_line_id = False
            partner.message_post(
                body=self.env._(
                    "Follow-up level reset by hand on %(count)s open invoices.",
                    count=len(moves),
                )
            )
        reminders = (
            self.env["followup.reminder"]
            .sudo()
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(vals_list)
        )
        # the invoices move with the user's rights: an auditor cannot
        done = reminders.sudo(False)._action_done()
        self._close_higher_manual_actions(levels)
        return done

    @api.model
    def _close_higher_manual_actions(self, levels):
        """A level set back by hand closes the manual actions (e.g. the
        litigation task) that higher levels asked for."""
        delays = {
            partner.id: (level.delay if level else -1)
            for partner, level in levels.items()
        }
        earlier = (
            self.env["followup.reminder"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", list(delays)),
                    ("manual_activity_id", "!=", False),
                    ("state", "=", "done"),
                ]
            )
        )
        above = earlier.filtered(
            lambda rem: rem.followup_line_id.delay > delays[rem.partner_id.id]
        )
        above._close_manual_actions()

    # ------------------------------------------------------------------ DAILY RUN
    @api.model
    def _run_daily(self, batch_size=100):
        """Daily: e-mail the automatic reminders due today, company by company, in
        batches.

        Promises to pay and disputes whose resume date came are closed first,
        in every company (``followup.hold._close_due``). Only companies that
        turned automatic sending on are reminded. Each batch is
        committed (outside tests) and reported to the scheduler, so an
        interruption keeps what was done; the next run carries on with what is
        still due. Customers whose level is not automatic, only printed, or who
        have no usable e-mail address get an activity for a person instead.

        A company whose configuration is broken (see
        ``followup.config.problem``) never stops the others: its customers wait,
        and its follow-up responsible is told once per problem.
        """
        self = self.sudo()  # noqa: PLW0642 - the daily run covers every company
        self._close_paid_manual_actions()
        self._drop_abandoned_drafts()
        date = self.env["followup.engine"]._get_date()  # today, or the context's
        # promises to pay and disputes whose resume date came: kept, broken (the
        # reminders below recall it) or ended
        self.env["followup.hold"]._close_due(date)
        companies = self.env["res.company"].search([("followup_auto_send", "=", True)])
        state = self.env["followup.partner.state"]
        work = []
        # per company: {problem code: reason} met by this run, and the codes of
        # the run-time problems it proved fixed
        failed, worked = defaultdict(dict), defaultdict(set)
        for company in companies:
            try:
                with self.env.cr.savepoint():
                    due_ids = state._due_partner_ids(company, date)
            except Exception as error:  # noqa: BLE001 - never stops the others
                _logger.exception(
                    "Payment follow-up: the customers due of %s could not be listed",
                    company.name,
                )
                failed[company]["error"] = str(error)
                continue
            work += [(company, pid) for pid in due_ids]
        done = 0
        if self._can_commit():
            # the batches' snapshots start after the (long) work list query
            self.env.cr.commit()  # pylint: disable=invalid-commit
        for start in range(0, len(work), batch_size):
            batch = work[start : start + batch_size]
            for company in {company for company, _pid in batch}:
                # activities and chatter notes in the company's language
                env = self.with_company(company).with_context(
                    lang=company.partner_id.lang or "en_US"
                )
                partners = env.env["res.partner"].browse(
                    [pid for comp, pid in batch if comp == company]
                )
                for attempt in (1, 2):
                    try:
                        with self.env.cr.savepoint():
                            errors, fixed = env._run_daily_batch(
                                partners, company, date
                            )
                        for code, reason in errors.items():
                            failed[company].setdefault(code, reason)
                        worked[company] |= fixed
                        break
                    except Exception as error:  # noqa: BLE001 - reported below
                        if attempt == 1 and self._can_commit():
                            # e.g. a customer edited meanwhile: once more with a
                            # fresh snapshot
                            self.env.cr.commit()  # pylint: disable=invalid-commit
                            continue
                        _logger.exception(
                            "Payment follow-up: batch of %s customers of %s "
                            "failed; they will be retried on the next run",
                            len(partners),
                            company.name,
                        )
                        failed[company]["error"] = str(error)
            done += len(batch)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(work) - done)
            if self._can_commit():
                # a batch done stays done if the run is interrupted later
                self.env.cr.commit()  # pylint: disable=invalid-commit
        Problem = self.env["followup.config.problem"]
        for company in companies:
            if "error" not in failed[company]:
                worked[company].add("error")
            try:
                with self.env.cr.savepoint():
                    Problem._report(company, failed[company], worked[company])
            except Exception:  # noqa: BLE001 - the next company is told all the same
                _logger.exception(
                    "Payment follow-up: the problems of %s could not be reported",
                    company.name,
                )
        Problem._forget_companies(companies)
        _logger.info("Payment follow-up: %s customers processed", done)

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
        # lock and ask the engine once for the whole batch
        locked = self._lock(partners)
        partners = locked
        collected = self._collect(locked, company, date)
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
        can_email = bool(self._sender(company)["email_from"])
        email_levels = self.env["followup.line"].union(
            *(levels[p.id] for p in to_email)
        )
        usable = email_levels.browse()
        if can_email:
            usable = email_levels.filtered(self._mail_template)
            # a message written with SQL is not e-mailed unread
            invalid = self.env["followup.config.problem"]._invalid_messages(usable)
            usable -= usable.browse([level.id for level in invalid])
        by_email = to_email.filtered(lambda p: levels[p.id] in usable)
        waiting = to_email - by_email
        config_errors = {}
        _reminders, sent, skipped = self._send(
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
        self._send(manual_only, company, date, "manual", collected=collected)
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
        self._plan_print_activities(company, date, reasons, levels)
        errors = {}
        for code, reason in config_errors.values():
            errors.setdefault(code, reason)
        # a reminder e-mailed: its letter and its template were rendered
        fixed = {"letter"} if sent else set()
        fixed |= {
            f"template_{self._mail_template(rem.followup_line_id).id}" for rem in sent
        }
        return errors, fixed

    @api.model
    def _refused_addresses(self, partners, company):
        """Customers whose latest e-mailed reminder failed, when the address
        they would be e-mailed at is still the one that failed: the daily run
        does not e-mail it again, a person prints the letter instead.

        :return: {partner id: the address that failed}
        """
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
            partner.id: self._recipient(partner).email_normalized
            for partner in partners.browse(list(refused))
        }
        return {pid: email for pid, email in refused.items() if contacts[pid] == email}

    @api.model
    def _plan_print_activities(self, company, date, reasons, levels):
        """An activity "print the reminder" per customer, once per level."""
        partners = self.env["res.partner"].browse([p.id for p in reasons])
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        targets = self._activity_targets(
            company,
            partners,
            lambda partner, env: env._(
                "Payment reminder to print: %(level)s",
                level=levels[partner.id].with_env(env).name,
            ),
            levels,
        )
        for partner, user, env, summary in targets:
            partner.with_context(mail_notify_force_send=False).activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=date,
                summary=summary,
                note=env._(
                    "Not e-mailed by the daily follow-up (%(reason)s): print the "
                    "letter from Send Reminders.",
                    reason=reasons[partner],
                ),
                user_id=user.id,
            )

    @api.model
    def _activity_targets(self, company, partners, summary, levels=None):
        """[(customer, person, env in their language, summary)] for a to-do on
        each customer, for the person in charge (the same rule as every
        follow-up activity: never OdooBot), leaving out the customers that
        already have that to-do (one search for all).

        :param summary: ``(customer, env) -> str``, the to-do's title written in
            that env's language
        :param levels: {customer id: level} whose responsible comes first
        """
        if not partners:
            return []
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        existing = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        planned = {(act.res_id, act.summary) for act in existing}
        Reminder = self.env["followup.reminder"]
        targets = []
        for partner in partners:
            level = (levels or {}).get(partner.id)
            user = Reminder.new(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "followup_line_id": level.id if level else False,
                }
            )._responsible_user()
            env = Reminder._person_env(user, company)
            title = summary(partner, env)
            if (partner.id, title) not in planned:
                targets.append((partner, user, env, title))
        return targets

    @api.model
    def _schedule_todos(self, company, partners, date, summary, note):
        """A follow-up to-do on each of ``partners`` for the person in charge
        (:meth:`_activity_targets`), created in one go without an "assigned to
        you" e-mail each.

        :param summary: ``(customer, env) -> str``, the to-do's title
        :param note: ``(customer, env) -> str``, its text (plain, escaped)
        """
        targets = self._activity_targets(company, partners, summary)
        if not targets:
            return
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id("res.partner")
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": activity_type.id,
                    "date_deadline": date,
                    "user_id": user.id,
                    "summary": title,
                    "note": Markup("<p>%s</p>") % note(partner, env),
                }
                for partner, user, env, title in targets
            ]
        )

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
