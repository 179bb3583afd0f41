# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Promises to pay and disputes: an invoice held out of the follow-up until a
resume date.

An open hold pushes the invoice's next level date to its resume date (the
engine's ``next_date`` is the later of the level's threshold and the resume
date), so that the invoice gets no reminder until then and comes back by itself
on that day, with nobody to remember it: no clock, no scheduled change, the
stored customer state stays exact by the events that write holds.

On the resume date the daily run closes the holds (``followup.hold.due``): a
promise is kept when the invoice received at least the amount promised since
it was recorded, broken otherwise (an activity for its owner, and the
reminders say so); a dispute ends (an activity for its owner to settle it).
"""

from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, format_amount, format_date

HOLD_KINDS = [("promise", "Promise to Pay"), ("dispute", "Dispute")]
HOLD_STATES = [
    ("open", "On Hold"),
    ("kept", "Promise Kept"),
    ("broken", "Promise Broken"),
    ("ended", "Ended"),
]
# days between the promised date and the resume date by default: a transfer
# made on the promised day reaches the bank statement
PROMISE_GRACE_DAYS = 3
DISPUTE_DAYS = 30


class FollowupHold(models.Model):
    _name = "followup.hold"
    _description = "Payment Follow-up Hold (Promise to Pay or Dispute)"
    _order = "resume_date desc, id desc"
    _rec_names_search = ["move_id", "reason"]

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        ondelete="cascade",
        index=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    partner_id = fields.Many2one(
        related="move_id.commercial_partner_id",
        string="Customer",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True)
    currency_id = fields.Many2one(related="move_id.currency_id")
    kind = fields.Selection(HOLD_KINDS, string="Type", required=True, default="promise")
    state = fields.Selection(
        HOLD_STATES, required=True, default="open", readonly=True, copy=False
    )
    promise_date = fields.Date(
        string="Promised Payment Date",
        help="The date the customer promised to pay by.",
    )
    amount = fields.Monetary(
        string="Promised Amount",
        help="The amount the customer promised to pay, in the invoice's currency.",
    )
    reason = fields.Char(
        string="Dispute Reason", help="What the customer disputes (e.g. a delivery)."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        default=lambda self: self.env.user,
        required=True,
        help="Who follows the promise or settles the dispute.",
    )
    resume_date = fields.Date(
        string="Resume Follow-up On",
        compute="_compute_resume_date",
        store=True,
        readonly=False,
        required=True,
        help="Until this date the invoice gets no reminder; on this date it "
        "comes back in the follow-up by itself.",
    )
    residual_at_start = fields.Monetary(
        string="Remaining When Recorded", readonly=True, copy=False
    )
    amount_paid = fields.Monetary(
        string="Paid Since",
        compute="_compute_amount_paid",
        help="Paid since the " "hold was recorded.",
    )
    note = fields.Text()

    def init(self):
        # two users recording a hold on one invoice at once: one open hold all
        # the same (the constraint below says it in words)
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS followup_hold_open_move_uniq"
            " ON followup_hold (move_id) WHERE state = 'open'"
        )

    # ------------------------------------------------------------------ COMPUTE
    @api.depends("kind", "promise_date")
    def _compute_resume_date(self):
        for hold in self:
            hold.resume_date = self._default_resume_date(
                hold.kind, hold.promise_date, hold._origin.resume_date
            )

    @api.depends("residual_at_start", "move_id.amount_residual")
    def _compute_amount_paid(self):
        for hold in self:
            start = hold.residual_at_start if hold.id else hold.move_id.amount_residual
            hold.amount_paid = max(start - hold.move_id.amount_residual, 0.0)

    @api.depends("kind", "amount", "promise_date", "reason", "move_id")
    def _compute_display_name(self):
        for hold in self:
            hold.display_name = hold._describe(self.env)

    @api.constrains("kind", "amount", "promise_date", "reason", "resume_date")
    def _check_values(self):
        _ = self.env._
        for hold in self:
            if hold.kind == "promise":
                if not hold.promise_date:
                    raise ValidationError(
                        _("A promise to pay needs the date the customer promised.")
                    )
                if float_compare(hold.amount, 0.0, precision_digits=6) <= 0:
                    raise ValidationError(
                        _("A promise to pay needs the amount promised.")
                    )
                if hold.resume_date < hold.promise_date:
                    raise ValidationError(
                        _(
                            "The follow-up resumes on %(resume)s, before the "
                            "promised date %(date)s: choose a later date.",
                            resume=format_date(self.env, hold.resume_date),
                            date=format_date(self.env, hold.promise_date),
                        )
                    )
            elif not (hold.reason or "").strip():
                raise ValidationError(_("A dispute needs its reason."))

    @api.constrains("move_id", "state", "amount")
    def _check_move(self):
        _ = self.env._
        # one open hold per invoice: said in words at creation (create), kept
        # by a unique index (init)
        for hold in self.filtered(lambda hold: hold.state == "open"):
            move = hold.move_id
            if move.move_type != "out_invoice" or move.state != "posted":
                raise ValidationError(
                    _(
                        "Only a posted customer invoice can be put on hold (%(name)s).",
                        name=move.display_name,
                    )
                )
            if hold.kind == "promise" and (
                float_compare(
                    hold.amount,
                    hold.residual_at_start,
                    precision_rounding=hold.currency_id.rounding,
                )
                > 0
            ):
                raise ValidationError(
                    _(
                        "The promised amount is more than what remains to be paid "
                        "on %(name)s (%(residual)s).",
                        name=move.display_name,
                        residual=format_amount(
                            self.env, hold.residual_at_start, hold.currency_id
                        ),
                    )
                )

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        moves = self.env["account.move"].browse(
            [vals["move_id"] for vals in vals_list if vals.get("move_id")]
        )
        residuals = dict(zip(moves.ids, moves.mapped("amount_residual"), strict=True))
        # said in words before the database's unique index refuses it
        held = self.search([("move_id", "in", moves.ids), ("state", "=", "open")])
        taken = set(held.move_id.ids)
        for vals in vals_list:
            move_id = vals.get("move_id")
            if move_id in taken and vals.get("state", "open") == "open":
                raise ValidationError(
                    self.env._(
                        "Invoice %(name)s already has an open promise or dispute: "
                        "end it before recording another one.",
                        name=self.env["account.move"].browse(move_id).display_name,
                    )
                )
            taken.add(move_id)
        for vals in vals_list:
            vals["residual_at_start"] = residuals.get(vals.get("move_id"), 0.0)
            if not vals.get("resume_date"):
                vals["resume_date"] = self._default_resume_date(
                    vals.get("kind") or "promise",
                    fields.Date.to_date(vals.get("promise_date")),
                )
        holds = super().create(vals_list)
        holds._post_to_chatter(
            lambda hold, env: env._(
                "%(hold)s, recorded by %(user)s: no reminder until %(date)s.",
                hold=hold._describe(env),
                user=self.env.user.name,
                date=format_date(env, hold.resume_date),
            )
        )
        # recorded from the Send Reminders wizard: the invoice is left out of
        # the letter being prepared
        # (every line of the invoice, e.g. its instalments)
        item_ids = self.env.context.get("followup_send_item_ids")
        if item_ids:
            items = self.env["followup.send.item"].browse(item_ids).exists()
            items.line_id.item_ids.filtered(
                lambda item: item.move_id in holds.move_id
            ).included = False
        holds._mark_state()
        return holds

    def write(self, vals):
        if {"state", "residual_at_start"} & set(vals) and not self.env.context.get(
            "followup_hold_close"
        ):
            raise UserError(
                self.env._(
                    "The status of a promise or a dispute follows the payments "
                    "and the resume date: end it with Resume Follow-up Now."
                )
            )
        # the resume date also moves with the promised date and the type
        moves = {"move_id", "kind", "promise_date", "resume_date", "state"} & set(vals)
        if moves:
            self._mark_state()  # where the holds were
        result = super().write(vals)
        if moves:
            self._mark_state()
        return result

    def unlink(self):
        self._mark_state()
        return super().unlink()

    # ------------------------------------------------------------------ ACTIONS
    def action_end(self):
        """Resume the follow-up now (a dispute settled, a promise withdrawn)."""
        today = fields.Date.context_today(self)
        holds = self.filtered(lambda hold: hold.state == "open")
        closing = holds.with_context(followup_hold_close=True)
        closing.write({"state": "ended"})
        # resumed today, not on the date planned
        closing.filtered(lambda hold: hold.resume_date > today).write(
            {"resume_date": today}
        )
        holds._post_to_chatter(
            lambda hold, env: env._(
                "%(hold)s: ended by %(user)s, the follow-up resumes.",
                hold=hold._describe(env),
                user=self.env.user.name,
            )
        )
        return True

    def action_save(self):
        """Save button of the dialog (the record is saved before it runs)."""
        return {"type": "ir.actions.act_window_close"}

    def action_open_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------ HELPERS
    @api.model
    def _open_form_action(self, moves, item_ids=None):
        """The dialog recording a promise or a dispute on ``moves`` (one)."""
        context = {"default_move_id": moves[:1].id}
        if item_ids:
            context["followup_send_item_ids"] = list(item_ids)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Promise to Pay or Dispute"),
            "res_model": "followup.hold",
            "view_mode": "form",
            "views": [
                (
                    self.env.ref("account_payment_followup.followup_hold_view_form").id,
                    "form",
                )
            ],
            "target": "new",
            "context": context,
        }

    @api.model
    def _default_resume_date(self, kind, promise_date, current=None):
        """A few days after the promised date (the transfer reaches the bank
        statement), or a month from today for a dispute."""
        if kind == "promise" and promise_date:
            return promise_date + timedelta(days=PROMISE_GRACE_DAYS)
        return current or fields.Date.context_today(self) + timedelta(days=DISPUTE_DAYS)

    def _describe(self, env):
        """« Promise to pay €1,000.00 by 10/12/2026 » or « Dispute: reason »,
        in ``env``'s language."""
        self.ensure_one()
        if self.kind == "promise":
            return env._(
                "Promise to pay %(amount)s by %(date)s",
                amount=format_amount(env, self.amount or 0.0, self.currency_id),
                date=format_date(env, self.promise_date) if self.promise_date else "?",
            )
        return env._("Dispute: %(reason)s", reason=self.reason or "")

    def _post_to_chatter(self, body):
        """A note on the invoice and on the customer: ``body(hold, env)``."""
        env = self.env
        for hold in self:
            text = body(hold, env)
            hold.move_id.sudo().message_post(body=text)
            hold.partner_id.sudo().message_post(
                body=Markup("%s: %s") % (hold.move_id.name, text)
            )

    def _mark_state(self):
        """The customers' stored follow-up state moves with the holds."""
        self.env["followup.partner.state"]._mark_move_lines(move_ids=self.move_id.ids)

    def _is_kept(self):
        """A promise is kept once the invoice is paid, or received at least the
        amount promised since the promise was recorded."""
        self.ensure_one()
        return self.move_id.payment_state in ("paid", "in_payment") or (
            float_compare(
                self.amount_paid,
                self.amount,
                precision_rounding=self.currency_id.rounding,
            )
            >= 0
        )
