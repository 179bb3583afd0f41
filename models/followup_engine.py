# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The follow-up engine: open receivable items → level reached → what is due.

Everything the user sees (partner fields and filters, Send Reminders wizard,
letters, scheduled action) reads the rows computed here. The computation is
set-based: one SQL query per company and date, whatever the number of customers.

For each open item (posted receivable line, not fully reconciled) the query
finds, independently of the follow-up date:

* ``cur_line``: the level last sent for its invoice (``account.move.followup_line_id``);
* ``next_line``: the following level of the customer's policy, i.e. the level with
  the smallest delay above the current one (levels are never skipped);
* ``next_date``: the first date ``next_line`` is due: the later of the level's
  threshold for the item's due date (net days, end of month, working days),
  after a first reminder the previous reminder date plus the gap between the two
  levels' delays, and the resume date of an open promise to pay or dispute on
  its invoice (``followup.hold``).

On date D an item is *due* for ``next_line`` when ``next_date <= D``. Credits
(negative residuals) and items in litigation never get a level. A customer whose
open credits cover what is overdue owes nothing: no level is due for it. An
invoice on hold is not overdue before its resume date (``overdue_from``).

A configuration that bypassed validation (data written with SQL) never makes a
screen or the daily run fail: a level whose due days are out of range is not
sent, a customer's policy that is not a policy of the company is the default
one, and a working schedule that cannot be read counts Monday to Friday.
``followup.config.problem`` tells a person what to fix.
"""

import bisect
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .followup_line import DELAY_MAX

_logger = logging.getLogger(__name__)


class FollowupEngine(models.AbstractModel):
    _name = "followup.engine"
    _description = "Payment Follow-up Engine"

    # ------------------------------------------------------------------ public API
    @api.model
    def _get_partner_states(self, company, date, partner_ids=None):
        """Follow-up state of customers of ``company`` on ``date``.

        :param partner_ids: commercial partner ids to restrict to (None: all)
        :return: dict {commercial partner id: dict of state values}; partners with
            no open item are absent.
        """
        self.env.cr.execute(self._states_query(company, date, partner_ids))
        states = {}
        for row in self.env.cr.dictfetchall():
            row["status"] = (
                "action"
                if row["next_line_due"]
                else ("overdue" if row["amount_overdue"] > 0 else "ok")
            )
            states[row.pop("partner_id")] = row
        return states

    @api.model
    def _search_partner_ids(self, company, date, having):
        """Commercial partner ids whose aggregated state matches ``having`` (SQL
        over the columns of :meth:`_states_query`, e.g. ``due_count > 0``)."""
        self.env.cr.execute(
            SQL(
                "SELECT partner_id FROM (%s) AS state WHERE %s",
                self._states_query(company, date),
                having,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _get_items(self, company, date, partner_ids):
        """Open items of the given commercial partners, with their level data.

        :return: list of dicts (aml_id, partner_id, move_id, due_date, residuals,
            currency, blocked, hold_until, cur_line, next_line, next_date,
            is_due, held: on hold on ``date``), ordered by
            partner, due date and move.
        """
        self.env.cr.execute(
            SQL(
                "SELECT item.*, COALESCE(item.next_date <= %s, FALSE) AS is_due,"
                " COALESCE(item.hold_until > %s, FALSE) AS held"
                " FROM (%s) AS item ORDER BY partner_id, due_date, move_id, aml_id",
                date,
                date,
                self._items_query(company, date, partner_ids),
            )
        )
        return self.env.cr.dictfetchall()

    @api.model
    def _get_last_move_dates(self, company, partner_ids=None):
        """Date of the last receivable movement (reconciled or not) per commercial
        partner: one grouped query."""
        self._check_company_access(company)
        self.env.flush_all()
        partner_filter = SQL()
        if partner_ids is not None:
            partner_filter = SQL(
                "AND partner.commercial_partner_id = ANY(%s)", list(partner_ids) or [0]
            )
        self.env.cr.execute(
            SQL(
                """
                SELECT partner.commercial_partner_id, MAX(aml.date)
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE aml.company_id = %s
                   AND account.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   %s
              GROUP BY partner.commercial_partner_id
                """,
                company.id,
                partner_filter,
            )
        )
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------ the query
    @api.model
    def _states_query(self, company, date, partner_ids=None):
        """SQL of the state of each customer: one row per commercial partner."""
        return SQL(
            """
            SELECT partner_id,
                   SUM(amount_residual) AS amount_due,
                   COALESCE(SUM(amount_residual) FILTER (
                       WHERE NOT blocked
                         AND (overdue_from < %(date)s OR amount_residual < 0)
                   ), 0) AS amount_overdue,
                   (ARRAY_AGG(cur_line ORDER BY cur_delay DESC) FILTER (
                       WHERE cur_line IS NOT NULL AND amount_residual > 0
                         AND NOT blocked
                   ))[1] AS max_line,
                   MAX(followup_date) FILTER (WHERE amount_residual > 0)
                       AS followup_date,
                   -- a customer whose credits cover what is overdue owes
                   -- nothing: no level is due for it
                   CASE WHEN %(owes)s
                        THEN (ARRAY_AGG(next_line ORDER BY next_delay DESC) FILTER (
                                 WHERE next_date <= %(date)s
                             ))[1]
                   END AS next_line_due,
                   MIN(next_date) AS next_date,
                   COUNT(*) FILTER (WHERE amount_residual > 0) AS open_count,
                   CASE WHEN %(owes)s
                        THEN COUNT(*) FILTER (WHERE next_date <= %(date)s)
                        ELSE 0
                   END AS due_count
              FROM (%(items)s) AS item
          GROUP BY partner_id
            """,
            date=date,
            items=self._items_query(company, date, partner_ids),
            owes=SQL(
                "COALESCE(SUM(amount_residual) FILTER (WHERE NOT blocked"
                " AND (overdue_from < %s OR amount_residual < 0)), 0) > 0",
                date,
            ),
        )

    @api.model
    def _items_query(self, company, date, partner_ids=None):
        """SQL of the open items of ``company`` on ``date`` with their levels."""
        self._check_company_access(company)
        self.env.flush_all()
        policies = self.env["followup.policy"].search([("company_id", "=", company.id)])
        default_policy = policies.filtered("is_default")[:1]
        partner_filter = SQL()
        if partner_ids is not None:
            partner_filter = SQL(
                "AND partner.commercial_partner_id = ANY(%s)", list(partner_ids) or [0]
            )
        return SQL(
            """
            WITH level AS (
                SELECT id, policy_id, delay, term_type,
                       COALESCE(
                           LAG(delay) OVER (PARTITION BY policy_id ORDER BY delay), -1
                       ) AS prev_delay
                  FROM followup_line
                 WHERE policy_id = ANY(%(policy_ids)s) AND active
                   AND delay BETWEEN 0 AND %(delay_max)s
            ),
            working_threshold AS (%(working_thresholds)s),
            -- promises to pay and disputes: no level before the resume date
            hold AS (
                SELECT move_id, MAX(resume_date) AS hold_until
                  FROM followup_hold
                 WHERE company_id = %(company_id)s AND state = 'open'
              GROUP BY move_id
            ),
            item AS (
                SELECT aml.id AS aml_id,
                       partner.commercial_partner_id AS partner_id,
                       aml.move_id,
                       move.name AS move_name,
                       COALESCE(aml.date_maturity, move.invoice_date_due, aml.date)
                           AS due_date,
                       -- counted overdue the day after: its due date, or for
                       -- an invoice on hold the day before its resume date
                       GREATEST(
                           COALESCE(aml.date_maturity, move.invoice_date_due, aml.date),
                           hold.hold_until - 1
                       ) AS overdue_from,
                       aml.date,
                       aml.amount_residual,
                       aml.amount_currency,
                       aml.amount_residual_currency,
                       aml.currency_id,
                       COALESCE(aml.blocked, FALSE) AS blocked,
                       move.followup_line_id AS cur_line,
                       cur.delay AS cur_delay,
                       move.followup_date,
                       hold.hold_until,
                       -- compared as text: a value that is not a policy id of
                       -- the company is never cast
                       CASE WHEN commercial.followup_policy_id->>%(company_key)s
                                 = ANY(%(policy_keys)s::text[])
                            THEN (commercial.followup_policy_id->>%(company_key)s)::int
                            ELSE %(default_policy)s
                       END AS policy_id
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN account_move move ON move.id = aml.move_id
                  JOIN res_partner partner ON partner.id = aml.partner_id
                  JOIN res_partner commercial
                    ON commercial.id = partner.commercial_partner_id
             LEFT JOIN followup_line cur ON cur.id = move.followup_line_id
             LEFT JOIN hold ON hold.move_id = aml.move_id
                 WHERE %(open_items)s
                   AND aml.date <= %(date)s
                   %(partner_filter)s
            )
            SELECT item.*,
                   nxt.id AS next_line,
                   nxt.delay AS next_delay,
                   GREATEST(
                       CASE nxt.term_type
                           WHEN 'net_days' THEN item.due_date + nxt.delay
                           WHEN 'end_of_month' THEN (
                               date_trunc('month', item.due_date)
                               + interval '1 month - 1 day'
                           )::date + nxt.delay
                           ELSE working_threshold.threshold
                       END,
                       CASE WHEN item.cur_line IS NOT NULL
                            THEN item.followup_date + (nxt.delay - item.cur_delay)
                       END,
                       CASE WHEN nxt.id IS NOT NULL THEN item.hold_until END
                   ) AS next_date
              FROM item
         -- the next level: the one just above the current level's delay (the
         -- current level may come from another policy, compare delays)
         LEFT JOIN level AS nxt
                ON item.amount_residual > 0
               AND NOT item.blocked
               AND nxt.policy_id = item.policy_id
               AND nxt.prev_delay <= COALESCE(item.cur_delay, -1)
               AND COALESCE(item.cur_delay, -1) < nxt.delay
         LEFT JOIN working_threshold
                ON working_threshold.line_id = nxt.id
               AND working_threshold.due_date = item.due_date
            """,
            policy_ids=policies.ids or [0],
            policy_keys=[str(policy_id) for policy_id in policies.ids],
            delay_max=DELAY_MAX,
            company_key=str(company.id),
            company_id=company.id,
            default_policy=default_policy.id or None,
            open_items=self._open_items_sql(company),
            date=date,
            partner_filter=partner_filter,
            working_thresholds=self._working_thresholds_sql(
                company, policies, partner_filter
            ),
        )

    @api.model
    def _working_thresholds_sql(self, company, policies, partner_filter=None):
        """A (line_id, due_date, threshold) relation for working-day levels.

        Thresholds in working days need the company's calendar (public holidays
        included), which SQL does not know: they are computed in Python once per
        distinct due date, then joined (of the customers of ``partner_filter``
        only, when given: the SQL condition of :meth:`_items_query`).
        """
        levels = policies.line_ids.filtered(
            lambda line: line._is_counted_in_working_days()
            and 0 <= line.delay <= DELAY_MAX
        )
        empty = SQL(
            "SELECT NULL::int AS line_id, NULL::date AS due_date,"
            " NULL::date AS threshold WHERE FALSE"
        )
        if not levels:
            return empty
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT
                       COALESCE(aml.date_maturity, move.invoice_date_due, aml.date)
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN account_move move ON move.id = aml.move_id
                  JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE %s AND aml.amount_residual > 0 %s
                """,
                self._open_items_sql(company),
                partner_filter or SQL(),
            )
        )
        due_dates = [row[0] for row in self.env.cr.fetchall()]
        if not due_dates:
            return empty
        line_ids, dues, thresholds = [], [], []
        for level in levels:
            for due, threshold in self._level_thresholds(level, due_dates).items():
                line_ids.append(level.id)
                dues.append(due)
                thresholds.append(threshold)
        return SQL(
            "SELECT * FROM unnest(%s::int[], %s::date[], %s::date[])"
            " AS t(line_id, due_date, threshold)",
            line_ids,
            dues,
            thresholds,
        )

    @api.model
    def _level_thresholds(self, level, due_dates):
        """The thresholds of a working-day level (see
        ``followup.line._get_threshold_dates``). A working schedule that cannot
        be read (a time zone or working hours written with SQL) counts Monday
        to Friday, Monday to Saturday for business days, as a company without
        a schedule does: it never stops a screen or the daily run."""
        try:
            with self.env.cr.savepoint(flush=False):
                return level._get_threshold_dates(due_dates)
        except Exception as error:  # noqa: BLE001 - a broken schedule stops nothing
            _logger.warning(
                "Payment follow-up: level %s counts Monday to Friday, its working "
                "schedule cannot be read: %s",
                level.name,
                error,
            )
        last_weekday = 4 if level.term_type == "working_days" else 5
        first = min(due_dates)
        span = (max(due_dates) - first).days + level.delay * 7 // 5 + 14
        days = [
            day
            for day in (first + timedelta(days=n) for n in range(1, span + 1))
            if day.weekday() <= last_weekday
        ]
        return {
            due: days[bisect.bisect_right(days, due) + level.delay - 1]
            if level.delay
            else due
            for due in due_dates
        }

    # ------------------------------------------------------------------ helpers
    @api.model
    def _open_items_sql(self, company):
        """Condition of the open receivable items of ``company`` (on the
        aliases ``aml`` and ``account``)."""
        return SQL(
            """aml.company_id = %s
               AND account.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND aml.reconciled IS NOT TRUE
               AND aml.amount_residual != 0""",
            company.id,
        )

    @api.model
    def _check_company_access(self, company):
        """The engine reads with SQL, past record rules: refuse a company the
        user is not allowed in."""
        if self.env.su or self.env.user._is_superuser():
            return
        if company not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You are not allowed to see the follow-up data of company "
                    "%(company)s.",
                    company=company.display_name,
                )
            )

    @api.model
    def _get_date(self):
        """The follow-up date: context key ``followup_date``, else today."""
        value = self.env.context.get("followup_date")
        return fields.Date.to_date(value) if value else fields.Date.context_today(self)
