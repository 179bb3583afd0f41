# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class FollowupRecoveryReport(models.Model):
    """Recovery figures: for each reminder sent, what it reminded and what the
    customer paid of it within 7, 15 and 30 days, and how long payment took;
    by level, channel and month, so that a credit controller sees which level
    and which channel bring money in.

    A SQL view over the reminders, their items and the reconciliations of those
    items (one set-based query, read by pivot and graph). A payment counts for
    the latest reminder of its invoice before it; credit notes are not money
    received."""

    _name = "followup.recovery.report"
    _description = "Payment Follow-up Recovery Figures"
    _auto = False
    _order = "date desc"
    _rec_name = "reminder_id"
    # what the view reads: flushed before any search on it
    _depends = {
        "followup.reminder": [
            "company_id",
            "partner_id",
            "followup_line_id",
            "channel",
            "date",
            "state",
        ],
        "followup.reminder.item": [
            "reminder_id",
            "aml_id",
            "level_id",
            "amount_residual",
        ],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id", "amount"],
        "account.move.line": ["date", "move_id"],
        "account.move": ["origin_payment_id", "statement_line_id"],
        "res.company": ["currency_id"],
    }

    reminder_id = fields.Many2one("followup.reminder", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    level_id = fields.Many2one("followup.line", string="Level", readonly=True)
    channel = fields.Selection(
        [("letter", "Letter"), ("email", "E-mail"), ("manual", "Manual")],
        readonly=True,
    )
    date = fields.Date(string="Reminder Date", readonly=True)
    reminder_count = fields.Integer(string="Reminders", readonly=True)
    amount_reminded = fields.Monetary(
        readonly=True, help="Overdue amount of the invoices the reminder moved."
    )
    amount_paid_7 = fields.Monetary(
        string="Paid Within 7 Days",
        readonly=True,
        help="Paid on the reminded invoices in the 7 days after the reminder.",
    )
    amount_paid_15 = fields.Monetary(string="Paid Within 15 Days", readonly=True)
    amount_paid_30 = fields.Monetary(string="Paid Within 30 Days", readonly=True)
    amount_paid = fields.Monetary(string="Paid Since", readonly=True)
    payment_delay = fields.Float(
        string="Days to Payment",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days from the reminder to the payments of its invoices, weighted "
        "by the amounts paid.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    SELECT reminder.id AS id,
                           reminder.id AS reminder_id,
                           reminder.company_id,
                           company.currency_id,
                           reminder.partner_id,
                           reminder.followup_line_id AS level_id,
                           reminder.channel,
                           reminder.date,
                           1 AS reminder_count,
                           COALESCE(items.amount, 0.0) AS amount_reminded,
                           COALESCE(paid.within_7, 0.0) AS amount_paid_7,
                           COALESCE(paid.within_15, 0.0) AS amount_paid_15,
                           COALESCE(paid.within_30, 0.0) AS amount_paid_30,
                           COALESCE(paid.total, 0.0) AS amount_paid,
                           paid.delay AS payment_delay
                      FROM followup_reminder reminder
                      JOIN res_company company ON company.id = reminder.company_id
                 LEFT JOIN LATERAL (
                        SELECT SUM(item.amount_residual) AS amount
                          FROM followup_reminder_item item
                         WHERE item.reminder_id = reminder.id
                           AND item.level_id IS NOT NULL
                           AND item.amount_residual > 0
                      ) items ON TRUE
                 LEFT JOIN LATERAL (
                        SELECT SUM(partial.amount) FILTER (
                                   WHERE pay.date <= reminder.date + 7
                               ) AS within_7,
                               SUM(partial.amount) FILTER (
                                   WHERE pay.date <= reminder.date + 15
                               ) AS within_15,
                               SUM(partial.amount) FILTER (
                                   WHERE pay.date <= reminder.date + 30
                               ) AS within_30,
                               SUM(partial.amount) AS total,
                               SUM(partial.amount * (pay.date - reminder.date))
                                   / NULLIF(SUM(partial.amount), 0) AS delay
                          FROM followup_reminder_item item
                          JOIN account_partial_reconcile partial
                            ON partial.debit_move_id = item.aml_id
                          JOIN account_move_line pay
                            ON pay.id = partial.credit_move_id
                          JOIN account_move pay_move ON pay_move.id = pay.move_id
                         WHERE item.reminder_id = reminder.id
                           AND item.level_id IS NOT NULL
                           AND item.amount_residual > 0
                           AND pay.date >= reminder.date
                           -- money received (a payment, a bank statement line),
                           -- not a credit note
                           AND (
                                pay_move.origin_payment_id IS NOT NULL
                                OR pay_move.statement_line_id IS NOT NULL
                           )
                           -- a payment counts for the latest reminder of the
                           -- invoice before it, not for every earlier one
                           AND NOT EXISTS (
                                SELECT 1
                                  FROM followup_reminder_item later_item
                                  JOIN followup_reminder later
                                    ON later.id = later_item.reminder_id
                                 WHERE later_item.aml_id = item.aml_id
                                   AND later_item.level_id IS NOT NULL
                                   AND later.state = 'done'
                                   AND (later.date, later.id)
                                       > (reminder.date, reminder.id)
                                   AND later.date <= pay.date
                           )
                      ) paid ON TRUE
                     WHERE reminder.state = 'done'
                )
                """,
                table=SQL.identifier(self._table),
            )
        )
