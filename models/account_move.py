# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools.sql import column_exists, create_column


class AccountMove(models.Model):
    _inherit = "account.move"

    followup_penalty_waived = fields.Boolean(
        string="Late-Payment Penalties Waived",
        copy=False,
        tracking=True,
        help="No late-payment penalties nor recovery indemnity are claimed for "
        "this invoice (e.g. a commercial gesture).",
    )
    followup_penalty_move_id = fields.Many2one(
        "account.move",
        string="Penalties Billed On",
        copy=False,
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The invoice that billed this invoice's late-payment penalties. "
        "Cancel it to claim them again.",
    )

    followup_line_id = fields.Many2one(
        "followup.line",
        string="Follow-up Level",
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="Last follow-up level sent for this invoice.",
    )
    followup_line_color = fields.Integer(related="followup_line_id.color")
    followup_date = fields.Date(
        string="Latest Follow-up",
        copy=False,
        tracking=True,
        help="Date the last reminder about this invoice was sent.",
    )
    followup_blocked = fields.Boolean(
        string="Excluded from Follow-up",
        compute="_compute_followup_blocked",
        inverse="_inverse_followup_blocked",
        store=True,
        tracking=True,
        help="No reminder is sent for this invoice (e.g. a dispute), which still "
        "counts in the customer's amount due.",
    )
    followup_block_reason = fields.Char(
        string="Exclusion Reason",
        copy=False,
        tracking=True,
        help="Why the invoice is excluded from follow-up (e.g. a dispute about "
        "the delivery): shown on the customer's follow-up tab.",
    )
    followup_litigation = fields.Boolean(
        string="Litigation",
        compute="_compute_followup_litigation",
        store=True,
        help="The last level of the follow-up (« Contentieux ») was sent for this "
        "invoice and it is not paid: until it is paid or its level is set back.",
    )

    followup_hold_ids = fields.One2many(
        "followup.hold", "move_id", string="Promises and Disputes"
    )
    followup_hold_id = fields.Many2one(
        "followup.hold",
        string="On Hold",
        compute="_compute_followup_hold_id",
        compute_sudo=True,
        help="The open promise to pay or dispute: no reminder until its resume "
        "date.",
    )
    followup_hold_until = fields.Date(
        string="On Hold Until",
        compute="_compute_followup_hold_id",
        compute_sudo=True,
    )

    followup_reminder_count = fields.Integer(
        string="Reminders",
        compute="_compute_followup_reminder_count",
        groups="account.group_account_invoice,account.group_account_readonly",
    )

    def _auto_init(self):
        """The litigation status of existing invoices in one query, instead of
        computing it in Python for every journal entry at installation."""
        if not column_exists(self.env.cr, "account_move", "followup_litigation"):
            create_column(self.env.cr, "account_move", "followup_litigation", "bool")
            if column_exists(self.env.cr, "account_move", "followup_line_id"):
                self.env.cr.execute(
                    """
                    UPDATE account_move move SET followup_litigation = TRUE
                      FROM followup_line level
                     WHERE level.id = move.followup_line_id
                       AND move.state = 'posted'
                       AND move.payment_state IN ('not_paid', 'partial')
                       AND NOT EXISTS (
                           SELECT 1 FROM followup_line other
                            WHERE other.policy_id = level.policy_id
                              AND other.active AND other.delay > level.delay
                       )
                    """
                )
        return super()._auto_init()

    # ------------------------------------------------------------------ COMPUTE
    def _compute_followup_reminder_count(self):
        groups = self.env["followup.reminder.item"]._read_group(
            [("move_id", "in", self.ids)], ["move_id"], ["reminder_id:count_distinct"]
        )
        counts = {move.id: count for move, count in groups}
        for move in self:
            move.followup_reminder_count = counts.get(move.id, 0)

    @api.depends("followup_hold_ids.state", "followup_hold_ids.resume_date")
    def _compute_followup_hold_id(self):
        for move in self:
            hold = move.followup_hold_ids.filtered(lambda h: h.state == "open")[:1]
            move.followup_hold_id = hold
            move.followup_hold_until = hold.resume_date

    @api.depends(
        "followup_line_id.delay",
        "followup_line_id.policy_id.line_ids.delay",
        "followup_line_id.policy_id.line_ids.active",
        "payment_state",
        "state",
    )
    def _compute_followup_litigation(self):
        for move in self:
            level = move.followup_line_id
            move.followup_litigation = bool(
                level
                and move.state == "posted"
                and move.payment_state in ("not_paid", "partial")
                and not any(
                    other.active and other.delay > level.delay
                    for other in level.policy_id.line_ids
                )
            )

    @api.depends("line_ids.blocked", "line_ids.account_type")
    def _compute_followup_blocked(self):
        for move in self:
            receivables = move.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            )
            move.followup_blocked = bool(receivables) and all(
                receivables.mapped("blocked")
            )

    def _inverse_followup_blocked(self):
        for move in self:
            move.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            ).blocked = move.followup_blocked

    # ------------------------------------------------------------------ EVENTS
    def _write_multi(self, vals_list):
        """A level, a reminder date or a due date written on invoices moves
        their customers' stored follow-up state."""
        # the framework's low-level write returns nothing; passed on as is
        result = super()._write_multi(vals_list)  # pylint: disable=assignment-from-none
        changed = set().union(*vals_list) if vals_list else set()
        if changed & {"followup_line_id", "followup_date", "invoice_date_due"}:
            self.env["followup.partner.state"]._mark_move_lines(move_ids=self.ids)
        return result

    # ------------------------------------------------------------------ ACTIONS
    def action_followup_exclude(self):
        """Exclude these invoices from follow-up, with a reason."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Exclude from Follow-up"),
            "res_model": "followup.exclude",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_ids": [(6, 0, self.ids)]},
        }

    def action_followup_hold(self):
        """Record a promise to pay or a dispute: no reminder until a date."""
        self.ensure_one()
        return self.env["followup.hold"]._open_form_action(self)

    def action_followup_include(self):
        """Remind these invoices again."""
        self.write({"followup_blocked": False, "followup_block_reason": False})
        for move in self:
            move.message_post(
                body=self.env._("Included in the payment follow-up again.")
            )
        return True

    def action_open_followup_reminders(self):
        """The reminders that listed this invoice."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_payment_followup.followup_reminder_action"
        )
        action["domain"] = [("item_ids.move_id", "=", self.id)]
        return action
