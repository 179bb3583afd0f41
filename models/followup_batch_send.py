# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The send path shared by Send Reminders and the daily run (``followup.daily``):
send, deliver, invoices attached; levels set by hand; follow-up to-dos."""

import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, models

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
            failures = self.env["followup.render"]._render_letters(reminders)
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
            sent, failed = self.env["followup.render"]._send_emails(
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
    def _activity_targets(self, company, partners, summary, levels=None, users=None):
        """[(customer, person, env in their language, summary)] for a to-do on
        each customer, for the person in charge (the same rule as every
        follow-up activity: never OdooBot), leaving out the customers that
        already have that to-do (one search for all).

        :param summary: ``(customer, env) -> str``, the to-do's title written in
            that env's language
        :param levels: {customer id: level} whose responsible comes first
        :param users: {customer id: user} who gets the to-do instead, when set
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
            user = (users or {}).get(partner.id) or Reminder.new(
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
    def _schedule_todos(self, company, partners, date, summary, note, users=None):
        """A follow-up to-do on each of ``partners`` for the person in charge
        (:meth:`_activity_targets`), created in one go without an "assigned to
        you" e-mail each.

        :param summary: ``(customer, env) -> str``, the to-do's title
        :param note: ``(customer, env) -> str``, its text (plain, escaped)
        :param users: {customer id: user} who gets the to-do, when set (see
            :meth:`_activity_targets`)
        """
        targets = self._activity_targets(company, partners, summary, users=users)
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
