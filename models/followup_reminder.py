# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, email_normalize

MAIL_STATES = [
    ("ready", "Queued"),
    ("process", "Processing"),
    ("pending", "Sent"),
    ("sent", "Sent"),
    ("bounce", "Bounced"),
    ("exception", "Error"),
    ("canceled", "Cancelled"),
]


class FollowupReminder(models.Model):
    """A payment reminder: what was sent to one customer, when, at which level,
    by which channel, with which letter; and what an undo restores.

    One record per customer and run. Its items keep the amounts as they were and
    each invoice's previous level and date. A draft reminder has its letter but
    has moved nothing; ``done`` moves the invoices to their new level; ``cancel``
    (undo) and ``failed`` (the e-mail was refused or bounced) put them back.
    """

    _name = "followup.reminder"
    _description = "Payment Reminder"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "partner_id"]
    _mail_post_access = "read"  # who may see the history may note on it

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    date = fields.Date(required=True, readonly=True, index=True)
    followup_line_id = fields.Many2one(
        "followup.line",
        string="Level",
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    level_number = fields.Integer(related="followup_line_id.level_number")
    user_id = fields.Many2one(
        "res.users", string="Responsible", readonly=True, index=True
    )
    channel = fields.Selection(
        [("letter", "Letter"), ("email", "E-mail"), ("manual", "Manual")],
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
    )
    lang = fields.Char(string="Language", readonly=True)
    message = fields.Text(readonly=True, help="The level's message as sent.")
    run_message = fields.Text(
        string="Message of the Run",
        readonly=True,
        help="The free message added to every reminder of the run that sent this "
        "one (already included at the end of the message).",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_due = fields.Monetary(readonly=True, help="Balance when it was sent.")
    amount_overdue = fields.Monetary(readonly=True, help="Overdue when it was sent.")
    item_ids = fields.One2many(
        "followup.reminder.item", "reminder_id", string="Items", readonly=True
    )
    move_count = fields.Integer(
        string="Invoices Reminded", compute="_compute_move_count"
    )
    attachment_id = fields.Many2one(
        "ir.attachment", string="Letter", readonly=True, copy=False
    )
    recipient_id = fields.Many2one(
        "res.partner", string="E-mailed To", readonly=True, ondelete="set null"
    )
    email_to = fields.Char(string="E-mail Address", readonly=True)
    email_from = fields.Char(readonly=True)
    mail_message_id = fields.Many2one(
        "mail.message", string="E-mail", readonly=True, copy=False, index=True
    )
    mail_state = fields.Selection(
        MAIL_STATES,
        string="Delivery",
        compute="_compute_mail_state",
        store=True,
        help="Delivery of the e-mail, as Odoo's mail queue reports it.",
    )
    failure_reason = fields.Text(readonly=True)
    manual_activity_id = fields.Many2one(
        "mail.activity",
        string="Manual Action",
        readonly=True,
        ondelete="set null",
        help="The activity this reminder's level asked for; closed when the "
        "reminder is undone or the level set back, and by the daily run once "
        "its invoices are paid.",
    )

    _sql_constraints = [
        (
            "name_company_unique",
            "UNIQUE(company_id, name)",
            "Each reminder reference is unique in its company.",
        ),
    ]

    # ------------------------------------------------------------------ COMPUTE
    @api.depends("item_ids.move_id")
    def _compute_move_count(self):
        for reminder in self:
            reminder.move_count = len(reminder.item_ids.move_id)

    @api.depends("mail_message_id.notification_ids.notification_status", "recipient_id")
    def _compute_mail_state(self):
        for reminder in self:
            notifications = reminder.mail_message_id.notification_ids.filtered(
                lambda notif, rem=reminder: notif.res_partner_id == rem.recipient_id
            )
            reminder.mail_state = notifications[:1].notification_status or False

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        # one reservation of references per company, whatever the batch's size
        unnamed = defaultdict(list)
        for vals in vals_list:
            if vals.get("name", "/") == "/" and vals.get("company_id"):
                unnamed[vals["company_id"]].append(vals)
        for company_id, company_vals in unnamed.items():
            company = self.env["res.company"].browse(company_id)
            if self.env.context.get("followup_preview"):
                # a preview, rolled back: the reference it would get, none used up
                references = [self._preview_reference(company)] * len(company_vals)
            else:
                references = self._next_references(company, len(company_vals))
            for vals, reference in zip(company_vals, references, strict=True):
                vals["name"] = reference
        return super().create(vals_list)

    def unlink(self):
        if any(reminder.state in ("done", "failed") for reminder in self):
            raise UserError(
                self.env._(
                    "A reminder that was sent stays in the history: cancel it "
                    "instead."
                )
            )
        return super().unlink()

    # ------------------------------------------------------------------ ACTIONS
    def action_done(self):
        """Mark draft reminders as sent (e.g. letters printed): the invoices move
        to their new level, with the user's rights on invoices. Nothing is
        rendered again."""
        drafts = self.filtered(lambda r: r.state == "draft")
        if any(reminder.channel == "email" for reminder in drafts):
            raise UserError(
                self.env._(
                    "An e-mail reminder is sent from Send Reminders (Confirm and "
                    "Send), not marked as sent: its e-mail never left."
                )
            )
        return drafts._action_done()

    def action_cancel(self):
        """Undo: each invoice goes back to the level and date it had before this
        reminder (with the user's rights on invoices), unless it was reminded
        again since; an e-mail still waiting in the queue is not sent."""
        for reminder in self.filtered(lambda r: r.state != "cancel"):
            restored, kept = reminder._restore_previous_levels()
            stopped = reminder._cancel_queued_email()
            reminder._close_manual_actions()
            reminder.sudo().state = "cancel"
            if reminder.channel != "manual" or restored or kept:
                body = self.env._(
                    "Reminder cancelled: %(restored)s invoice(s) back to their "
                    "previous level.",
                    restored=len(restored),
                )
                if stopped:
                    body += " " + self.env._("Its e-mail was not sent.")
                reminder._post_note(body, kept)
        self._update_latest_dates()
        return True

    def action_print_letter(self):
        """The letter as it was sent: the stored PDF, byte for byte."""
        report = self.env.ref("account_payment_followup.followup_reminder_report")
        return report.report_action(self, config=False)

    def action_open_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(
            {
                "domain": [("id", "in", self.item_ids.move_id.ids)],
                "context": {"create": False},
            }
        )
        return action

    # ------------------------------------------------------------------ MAIL
    def _message_receive_bounce(self, email, partner):
        """The e-mail to the customer bounced: the reminder failed, its invoices
        go back (a bounce from any other address changes nothing)."""
        res = super()._message_receive_bounce(email, partner)
        self.filtered(
            lambda r: r.state == "done"
            and r.recipient_id.email_normalized
            and r.recipient_id.email_normalized == email_normalize(email)
        )._action_fail(self.env._("the e-mail to %(email)s bounced", email=email))
        return res

    # ------------------------------------------------------------------ BUSINESS
    @api.model
    def _next_references(self, company, count):
        """``count`` references of the company's own sequence (created when
        missing), reserved in one query."""
        if not count:
            return []
        sequence = self._company_sequence(company)
        if sequence.implementation != "standard" or sequence.use_date_range:
            # configured otherwise by an administrator: the sequence's own way
            return [sequence.next_by_id() for _index in range(count)]
        prefix, suffix = sequence._get_prefix_suffix()
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        return [
            f"{prefix}{number:0{sequence.padding}d}{suffix}"
            for (number,) in self.env.cr.fetchall()
        ]

    @api.model
    def _preview_reference(self, company):
        """The reference the company's next reminder will get, nothing
        reserved (a preview's)."""
        sequence = self._company_sequence(company)
        return sequence.get_next_char(sequence.number_next_actual)

    @api.model
    def _company_sequence(self, company):
        """The company's sequence of reminder references (created when missing)."""
        Sequence = self.env["ir.sequence"].sudo()
        sequence = Sequence.search(
            [("code", "=", "followup.reminder"), ("company_id", "=", company.id)],
            limit=1,
        )
        if not sequence:
            sequence = Sequence.create(
                {
                    "name": self.env._(
                        "Payment reminders of %(company)s", company=company.name
                    ),
                    "code": "followup.reminder",
                    "company_id": company.id,
                    "prefix": "REL/%(year)s/",
                    "padding": 5,
                    "implementation": "standard",
                }
            )
        return sequence

    def _letter_filename(self):
        """Name of the stored letter (also the report's attachment name)."""
        self.ensure_one()
        return "{}.pdf".format((self.name or "").replace("/", "-"))

    def _action_done(self):
        """Move the invoices of draft reminders to their new level on the
        reminder's date, then plan the manual actions of the levels reached.

        A reminder whose invoices moved since it was prepared (another user or
        run reminded them) is not applied twice: it is cancelled and returned
        among the stale ones.

        :return: the reminders marked done
        """
        stale = self._stale()
        done = self - stale
        by_target = defaultdict(set)
        for item in done.item_ids.filtered("level_id"):
            by_target[item.level_id.id, item.reminder_id.date].add(item.move_id.id)
        # only follow-up fields change: no need to resynchronise the invoice lines;
        # the invoices are written with the caller's rights (an auditor cannot)
        Move = self.env["account.move"].with_context(
            skip_invoice_sync=True, mail_notrack=True
        )
        for (level_id, date), move_ids in by_target.items():
            Move.browse(move_ids).write(
                {"followup_line_id": level_id, "followup_date": date}
            )
        done.sudo().state = "done"
        done._followup_set_latest_date()
        done._schedule_manual_actions()
        stale._cancel_stale()
        return done

    def _stale(self):
        """The reminders whose invoices moved since they were prepared: another
        user or run reminded them in the meantime."""
        items = self.item_ids.filtered("level_id")
        items.move_id.fetch(["followup_line_id", "followup_date"])
        return self.browse(
            {
                item.reminder_id.id
                for item in items
                if (item.move_id.followup_line_id, item.move_id.followup_date)
                != (item.previous_line_id, item.previous_date)
            }
        )

    def _cancel_stale(self):
        """Stale reminders are not applied twice: cancelled, with a note."""
        if not self:
            return
        self.sudo().state = "cancel"
        for reminder in self:
            reminder._post_note(
                self.env._(
                    "Not applied: its invoices were reminded by someone else in "
                    "the meantime."
                )
            )

    def _action_fail(self, reason):
        """The e-mail could not be delivered: levels back, reminder failed."""
        for reminder in self:
            restored, kept = reminder._restore_previous_levels()
            reminder._close_manual_actions()
            reminder.sudo().write({"state": "failed", "failure_reason": reason})
            reminder._schedule_failure_activity(reason)
            reminder._post_note(
                self.env._(
                    "The reminder could not be delivered (%(reason)s): "
                    "%(restored)s invoice(s) are back at their previous level and "
                    "will be reminded again.",
                    reason=reason,
                    restored=len(restored),
                ),
                kept,
            )
        self._update_latest_dates()

    def _cancel_queued_email(self):
        """Stop this reminder's e-mail if it is still waiting in the queue.

        :return: whether an e-mail was stopped
        """
        self.ensure_one()
        mails = self.mail_message_id.sudo().mail_ids.filtered(
            lambda mail: mail.state in ("outgoing", "exception")
        )
        if not mails:
            return False
        mails.cancel()
        self.mail_message_id.sudo().notification_ids.filtered(
            lambda notif: notif.notification_status in ("ready", "exception")
        ).notification_status = "canceled"
        return True

    def _restore_previous_levels(self):
        """Put back the level and date each invoice had before this reminder.

        :return: (invoices restored, invoices left alone because they were
            reminded again since)
        """
        self.ensure_one()
        Move = self.env["account.move"].with_context(
            skip_invoice_sync=True, mail_notrack=True
        )
        restored, kept = Move, Move
        if self.state != "done":
            return restored, kept
        by_previous = defaultdict(lambda: Move)
        for item in self.item_ids.filtered("level_id"):
            move = item.move_id.with_env(Move.env)
            if (move.followup_line_id, move.followup_date) != (
                item.level_id,
                self.date,
            ):
                kept |= move
                continue
            by_previous[item.previous_line_id.id, item.previous_date] |= move
        for (line_id, date), moves in by_previous.items():
            moves.write({"followup_line_id": line_id, "followup_date": date})
            restored |= moves
        return restored, kept

    def _followup_set_latest_date(self):
        """The customers' latest follow-up date (per company) is the date of
        their latest reminder done."""
        groups = defaultdict(lambda: self.env["res.partner"])
        for reminder in self.filtered(lambda r: r.channel != "manual"):
            groups[reminder.company_id, reminder.date] |= reminder.partner_id
        for (company, date), partners in groups.items():
            partners = partners.with_company(company).sudo()
            later = partners.filtered(
                lambda p, d=date: not p.followup_date or p.followup_date < d
            )
            later.write({"followup_date": date})

    def _update_latest_dates(self):
        """After an undo or a failure: the customers' latest follow-up date is
        that of their latest reminder still done, else the date their invoices
        had before these reminders (e.g. from before reminders were records)."""
        fallback = {}
        for reminder in self:
            key = (reminder.partner_id.id, reminder.company_id.id)
            dates = [d for d in reminder.item_ids.mapped("previous_date") if d]
            dates += [fallback[key]] if fallback.get(key) else []
            fallback[key] = max(dates, default=False)
        self.partner_id._followup_update_latest_date(self.company_id, fallback)

    def _schedule_failure_activity(self, reason):
        """A person is told: the reminder did not reach the customer."""
        self.ensure_one()
        user = self._responsible_user()
        env = self._person_env(user, self.company_id)
        self.sudo().with_context(mail_notify_force_send=False).activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.context_today(self),
            summary=env._(
                "Reminder not sent: %(customer)s", customer=self.partner_id.name
            ),
            note=env._(
                "The reminder %(reference)s could not be delivered (%(reason)s). Its "
                "invoices are back at their previous level: print the letter or "
                "correct the address.",
                reference=self.name,
                reason=reason,
            ),
            user_id=user.id,
        )

    def _schedule_manual_actions(self):
        """Activities of the levels that ask for a manual action: created in
        one go for the batch, without an "assigned to you" e-mail per activity
        (the responsible finds them in their activities, a batch of 100
        litigation letters does not send them 100 e-mails)."""
        todo = self.filtered("followup_line_id.manual_action")
        if not todo:
            return
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for reminder in todo:
            user = reminder._responsible_user()
            # the task reads in the language of the person who does it
            level = reminder.followup_line_id.with_env(
                self._person_env(user, reminder.company_id)
            )
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": reminder.partner_id.id,
                    "activity_type_id": activity_type.id,
                    "date_deadline": reminder.date,
                    "summary": level.name,
                    "note": level.manual_action_note or level.name,
                    "user_id": user.id,
                }
            )
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        for reminder, activity in zip(todo, activities, strict=True):
            reminder.sudo().manual_activity_id = activity

    def _close_manual_actions(self):
        """The work these reminders asked for no longer applies."""
        activities = self.sudo().manual_activity_id.exists()
        activities.unlink()

    def _responsible_user(self):
        """Who gets the work: the level's responsible, else the customer's, else
        the company's, else who turned automatic sending on; never OdooBot."""
        self.ensure_one()
        company = self.company_id
        partner = self.partner_id.with_company(company)
        candidates = [
            self.followup_line_id.manual_action_responsible_id,
            partner.followup_responsible_id,
            company.followup_responsible_id,
            company.followup_auto_send_user_id,
            self.user_id,
            self.env.ref("base.user_admin", raise_if_not_found=False),
        ]
        for user in candidates:
            if user and not user._is_superuser():
                return user
        return self.env.user

    @api.model
    def _person_env(self, user, company):
        """The environment to write for ``user``: in their language, else the
        company's (activities, notes)."""
        lang = user.lang or company.partner_id.lang or "en_US"
        return self.with_context(lang=lang).env

    def _post_note(self, body, kept=None):
        """A note on the reminder's chatter (and why some invoices stayed)."""
        self.ensure_one()
        text = Markup("<p>%s</p>") % body
        if kept:
            text += Markup("<p>%s</p>") % self.env._(
                "Left at their current level (reminded again since): %(invoices)s",
                invoices=", ".join(kept.mapped("name")),
            )
        self.sudo().message_post(body=text, subtype_xmlid="mail.mt_note")
