# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Do not remind customers who have already paid: money received from them and
not matched to their invoices yet (a payment left unreconciled on their
receivable account, or a bank statement line of theirs not reconciled)."""

import logging

from odoo import api, models
from odoo.tools import SQL, format_amount

_logger = logging.getLogger(__name__)


class FollowupGuard(models.AbstractModel):
    _name = "followup.guard"
    _description = "Payment Follow-up Reconciliation Guard"

    @api.model
    def _unreconciled_money(self, company, partner_ids):
        """{commercial partner id: amount} received from these customers in
        ``company`` and not reconciled yet (one query): incoming payments whose
        receivable line is open, and unreconciled incoming bank statement lines
        with the customer as partner. Less than a hundred cents (a rounding
        leftover) does not count."""
        if not partner_ids:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT partner_id, SUM(amount) FROM (
                    SELECT partner.commercial_partner_id AS partner_id,
                           -aml.amount_residual AS amount
                      FROM account_move_line aml
                      JOIN account_move move ON move.id = aml.move_id
                      JOIN account_account account ON account.id = aml.account_id
                      JOIN res_partner partner ON partner.id = aml.partner_id
                     WHERE aml.company_id = %(company)s
                       AND partner.commercial_partner_id = ANY(%(partners)s)
                       AND move.state = 'posted'
                       AND move.origin_payment_id IS NOT NULL
                       AND account.account_type = 'asset_receivable'
                       AND NOT aml.reconciled
                       AND aml.amount_residual < 0
                    UNION ALL
                    SELECT partner.commercial_partner_id, line.amount
                      FROM account_bank_statement_line line
                      JOIN account_move move ON move.id = line.move_id
                      JOIN res_partner partner ON partner.id = line.partner_id
                     WHERE line.company_id = %(company)s
                       AND partner.commercial_partner_id = ANY(%(partners)s)
                       AND move.state = 'posted'
                       AND line.amount > 0
                       AND NOT COALESCE(line.is_reconciled, FALSE)
                ) money
              GROUP BY partner_id
                -- a rounding leftover is no payment
                HAVING SUM(amount) >= %(threshold)s
                """,
                company=company.id,
                partners=list(partner_ids),
                threshold=company.currency_id.rounding * 100,
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _plan_reconcile_activities(self, company, date, partners, amounts):
        """Customers held back by the daily run: an activity « reconcile before
        reminding » for the person in charge of each, once (created in one go,
        in that person's language), and a line in the run's log."""
        if not partners:
            return
        _logger.info(
            "Payment follow-up of %s: %s customer(s) held back, money received "
            "not reconciled: %s",
            company.name,
            len(partners),
            ", ".join(partners.mapped("display_name")),
        )
        self.env["followup.batch"]._schedule_todos(
            company,
            partners,
            date,
            lambda partner, env: env._("Reconcile before reminding"),
            lambda partner, env: env._(
                "%(amount)s received from %(customer)s is not reconciled with its "
                "invoices: the daily follow-up did not remind it. Reconcile the "
                "payment (or the bank statement line), then the next run reminds "
                "what is still due.",
                amount=format_amount(
                    env, amounts[partner.id], company.currency_id, env.lang
                ),
                customer=partner.display_name,
            ),
        )
