# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The follow-up state of each customer, stored where lists must be fast.

One row per commercial partner and company with open receivable items. The
columns do not depend on the clock, only on the items and the policies, so that
the state on any date from today on is a comparison:

* ``next_date``: the first date a level falls due for one of the items (the
  engine's smallest ``next_date``);
* ``overdue_date``: the first date the customer owes something overdue, i.e.
  the day after the due date from which the overdue items outweigh the open
  credits (the engine's ``amount_overdue > 0``);
* ``action_date``: the later of the two: on that date a level is due and the
  customer owes it (the engine's ``next_line_due``), so that
  ``status = 'action'`` is ``action_date <= today`` and ``status = 'overdue'``
  is ``overdue_date <= today`` otherwise;
* ``level_id``, ``amount_due``, ``open_count``: the level reached, the balance
  and the number of unpaid invoices;
* ``refresh_date``: the accounting date of the earliest item dated after the
  day the row was computed (the engine counts an item from its date): the row
  is computed again on that day.

Events keep the rows exact, not the clock: every database update of the fields
the engine reads (``_write_multi``, ``_create``, ``unlink`` of the items, the
invoices, the customers, the policies and levels, the working schedules and
their leaves) marks the customers or companies it touches; before a reader of
this transaction looks at the rows, and before the transaction commits, the
marked customers are computed again with the engine's own item query: one query
per company, whatever the number of customers. Rows are only written when a
value changes, so that concurrent transactions rarely meet on a row.

:meth:`_check` recomputes everything with the engine and lists the differences:
the tests run it after random sequences of events, ``make bench`` on the big
book.
"""

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

PENDING_KEY = "followup.partner.state.pending"


class FollowupPartnerState(models.Model):
    _name = "followup.partner.state"
    _description = "Payment Follow-up State of a Customer"
    _log_access = False
    _order = "company_id, partner_id"

    partner_id = fields.Many2one(
        "res.partner", required=True, readonly=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade"
    )
    level_id = fields.Many2one(
        "followup.line", string="Level Reached", readonly=True, ondelete="set null"
    )
    next_date = fields.Date(string="Next Level Date", readonly=True)
    overdue_date = fields.Date(string="First Overdue Date", readonly=True)
    action_date = fields.Date(readonly=True)
    amount_due = fields.Float(readonly=True, digits=(16, 6))
    open_count = fields.Integer(readonly=True)
    refresh_date = fields.Date(readonly=True)

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "One follow-up state per customer and company.",
        )
    ]

    def init(self):
        for column in ("action_date", "overdue_date", "refresh_date"):
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON %s (company_id, %s)"
                    " WHERE %s IS NOT NULL",
                    SQL.identifier(f"followup_partner_state_{column}_idx"),
                    SQL.identifier(self._table),
                    SQL.identifier(column),
                    SQL.identifier(column),
                )
            )

    @api.model
    def _search(self, domain, *args, **kwargs):
        # the rows a search finds include this transaction's events
        self.sudo()._refresh_pending()
        return super()._search(domain, *args, **kwargs)

    # ------------------------------------------------------------------ marking
    @api.model
    def _mark(self, pairs):
        """Customers to compute again: {(commercial partner id, company id)};
        a partner id of ``None`` marks the whole company."""
        pairs = {pair for pair in pairs if pair[1]}
        if not pairs:
            return
        precommit = self.env.cr.precommit
        pending = precommit.data.get(PENDING_KEY)
        if pending is None:
            pending = precommit.data[PENDING_KEY] = set()

            @precommit.add
            def refresh_before_commit():
                # marks made after this point (other pre-commit hooks) register
                # this callback again
                state = self.env["followup.partner.state"].sudo()
                state._refresh_pending()
                precommit.data.pop(PENDING_KEY, None)

        pending.update(pairs)

    @api.model
    def _mark_move_lines(self, aml_ids=(), move_ids=(), posted_only=False):
        """Mark the customers and companies of these journal items, or of the
        receivable items of these moves (one query)."""
        if not aml_ids and not move_ids:
            return
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT partner.commercial_partner_id, aml.company_id
                  FROM account_move_line aml
                  JOIN res_partner partner ON partner.id = aml.partner_id
                  JOIN account_account account ON account.id = aml.account_id
                 WHERE (aml.id = ANY(%s) OR aml.move_id = ANY(%s))
                   AND account.account_type = 'asset_receivable'
                   %s
                """,
                list(aml_ids),
                list(move_ids),
                SQL("AND aml.parent_state = 'posted'") if posted_only else SQL(),
            )
        )
        self._mark(self.env.cr.fetchall())

    @api.model
    def _mark_partners(self, partner_ids):
        """Mark these customers (commercial partners of) in every company."""
        if not partner_ids:
            return
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT commercial_partner_id FROM res_partner"
                " WHERE id = ANY(%s) AND commercial_partner_id IS NOT NULL",
                list(partner_ids),
            )
        )
        commercial_ids = [row[0] for row in self.env.cr.fetchall()]
        companies = self.env["res.company"].sudo().search([]).ids
        self._mark(
            {(partner, company) for partner in commercial_ids for company in companies}
        )

    @api.model
    def _mark_companies(self, companies):
        self._mark({(None, company.id) for company in companies})

    # ------------------------------------------------------------------ refresh
    @api.model
    def _refresh_pending(self):
        """Compute again what this transaction marked, then the rows whose
        items entered the engine's window since they were computed."""
        # flushing may mark more customers: loop until nothing is left
        while True:
            self.env.flush_all()
            pending = self.env.cr.precommit.data.get(PENDING_KEY)
            if not pending:
                break
            marked, pending_copy = defaultdict(set), set(pending)
            pending.clear()
            for partner_id, company_id in pending_copy:
                marked[company_id].add(partner_id)
            for company_id, partner_ids in marked.items():
                company = self.env["res.company"].browse(company_id).exists()
                if company:
                    self._refresh(company, None if None in partner_ids else partner_ids)

    @api.model
    def _refresh_companies(self, companies):
        """Compute every row of these companies (install, upgrade, a book
        loaded with SQL)."""
        for company in companies:
            self._refresh(company)

    @api.model
    def _refresh_due(self, company, date):
        """Rows whose future-dated items are now visible: computed again."""
        partner_ids = self._stale_partner_ids(company, date)
        if partner_ids:
            self._refresh(company, partner_ids)

    @api.model
    def _stale_partner_ids(self, company, date):
        """Customers of ``company`` with items dated between the day their row
        was computed and ``date``: their row does not answer for ``date``."""
        self.env.cr.execute(
            SQL(
                "SELECT partner_id FROM followup_partner_state"
                " WHERE company_id = %s AND refresh_date <= %s",
                company.id,
                date,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _refresh(self, company, partner_ids=None):
        """Compute the rows of ``company`` (all customers, or ``partner_ids``)
        with the engine's item query, and write the ones that changed."""
        # the same rows whoever marks them: archived records stay out whatever
        # the caller's context; the server's day is the reference (rows answer
        # from it on, refresh_date covers the items dated later)
        self = self.sudo().with_context(active_test=True)  # noqa: PLW0642
        engine = self.env["followup.engine"]
        today = fields.Date.today()
        scope = SQL()
        if partner_ids is not None:
            scope = SQL("AND stored.partner_id = ANY(%s)", list(partner_ids) or [0])
        self.env.cr.execute(
            SQL(
                """
                WITH item AS (%(items)s),
                %(wanted)s,
                gone AS (
                    DELETE FROM followup_partner_state stored
                     WHERE company_id = %(company_id)s %(scope)s
                       AND NOT EXISTS (
                           SELECT 1 FROM wanted
                            WHERE wanted.partner_id = stored.partner_id
                       )
                )
                INSERT INTO followup_partner_state (
                       partner_id, company_id, level_id, next_date, overdue_date,
                       action_date, amount_due, open_count, refresh_date)
                SELECT partner_id, %(company_id)s, level_id, next_date, overdue_date,
                       action_date, amount_due, open_count, refresh_date
                  FROM wanted
                ON CONFLICT (partner_id, company_id) DO UPDATE
                   SET level_id = EXCLUDED.level_id,
                       next_date = EXCLUDED.next_date,
                       overdue_date = EXCLUDED.overdue_date,
                       action_date = EXCLUDED.action_date,
                       amount_due = EXCLUDED.amount_due,
                       open_count = EXCLUDED.open_count,
                       refresh_date = EXCLUDED.refresh_date
                 WHERE (followup_partner_state.level_id,
                        followup_partner_state.next_date,
                        followup_partner_state.overdue_date,
                        followup_partner_state.action_date,
                        followup_partner_state.amount_due,
                        followup_partner_state.open_count,
                        followup_partner_state.refresh_date)
                       IS DISTINCT FROM
                       (EXCLUDED.level_id, EXCLUDED.next_date, EXCLUDED.overdue_date,
                        EXCLUDED.action_date, EXCLUDED.amount_due, EXCLUDED.open_count,
                        EXCLUDED.refresh_date)
                """,
                items=engine._items_query(company, today, partner_ids),
                wanted=self._wanted_sql(company, today, partner_ids),
                company_id=company.id,
                scope=scope,
            )
        )
        self.invalidate_model()

    @api.model
    def _wanted_sql(self, company, date, partner_ids=None):
        """CTEs ending in ``wanted``: the row of each customer, from the CTE
        ``item`` (the engine's items on ``date``) and the items dated later."""
        return SQL(
            """
            state AS (
                SELECT partner_id,
                       SUM(amount_residual) AS amount_due,
                       (ARRAY_AGG(cur_line ORDER BY cur_delay DESC) FILTER (
                           WHERE cur_line IS NOT NULL AND amount_residual > 0
                             AND NOT blocked
                       ))[1] AS level_id,
                       MIN(next_date) AS next_date,
                       COUNT(*) FILTER (WHERE amount_residual > 0) AS open_count,
                       COALESCE(SUM(amount_residual) FILTER (
                           WHERE NOT blocked AND amount_residual < 0
                       ), 0) AS credits
                  FROM item
              GROUP BY partner_id
            ),
            -- the first due date (for an invoice on hold, the day before its
            -- resume date) from which the overdue items outweigh the credits:
            -- the customer owes something overdue the day after
            overdue AS (
                SELECT DISTINCT ON (running.partner_id)
                       running.partner_id, running.overdue_from + 1 AS overdue_date
                  FROM (
                    SELECT partner_id, overdue_from,
                           SUM(SUM(amount_residual)) OVER (
                               PARTITION BY partner_id ORDER BY overdue_from
                           ) AS total
                      FROM item
                     WHERE NOT blocked AND amount_residual > 0
                  GROUP BY partner_id, overdue_from
                  ) AS running
                  JOIN state ON state.partner_id = running.partner_id
                 WHERE state.credits + running.total > 0
              ORDER BY running.partner_id, running.overdue_from
            ),
            future AS (%(future)s),
            wanted AS (
                SELECT COALESCE(state.partner_id, future.partner_id) AS partner_id,
                       state.level_id,
                       state.next_date,
                       overdue.overdue_date,
                       CASE WHEN state.next_date IS NOT NULL
                             AND overdue.overdue_date IS NOT NULL
                            THEN GREATEST(state.next_date, overdue.overdue_date)
                       END AS action_date,
                       COALESCE(state.amount_due, 0) AS amount_due,
                       COALESCE(state.open_count, 0) AS open_count,
                       future.refresh_date
                  FROM state
             FULL JOIN future ON future.partner_id = state.partner_id
             LEFT JOIN overdue ON overdue.partner_id = state.partner_id
            )
            """,
            future=self._future_sql(company, date, partner_ids),
        )

    @api.model
    def _future_sql(self, company, date, partner_ids=None):
        """Customers with open items dated after ``date``: the earliest date."""
        scope = SQL()
        if partner_ids is not None:
            scope = SQL(
                "AND partner.commercial_partner_id = ANY(%s)", list(partner_ids) or [0]
            )
        return SQL(
            """
            SELECT partner.commercial_partner_id AS partner_id,
                   MIN(aml.date) AS refresh_date
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
              JOIN res_partner partner ON partner.id = aml.partner_id
             WHERE %s
               AND aml.date > %s
               %s
          GROUP BY partner.commercial_partner_id
            """,
            self.env["followup.engine"]._open_items_sql(company),
            date,
            scope,
        )

    # ------------------------------------------------------------------ readers
    @api.model
    def _is_stored_date(self, date):
        """The stored rows answer for today and later (``refresh_date`` makes
        them exact until the next future-dated item enters)."""
        return date >= fields.Date.today()

    @api.model
    def _prepare_read(self, company, date):
        """Before reading the rows of ``company``: this transaction's marks,
        then the rows whose future-dated items entered today."""
        self.sudo()._refresh_pending()
        self.sudo()._refresh_due(company, fields.Date.today())

    @api.model
    def _status_sql(self, company, date, statuses):
        """SQL subquery of the commercial partner ids of ``company`` whose
        status on ``date`` is one of ``statuses`` ('action', 'overdue'; 'ok' is
        the complement and is not stored): an index lookup. The few customers
        with items dated between today and ``date`` are asked to the engine."""
        self._prepare_read(company, date)
        conditions = []
        if "action" in statuses:
            conditions.append(SQL("action_date <= %s", date))
        if "overdue" in statuses:
            conditions.append(
                SQL(
                    "(overdue_date <= %(date)s"
                    " AND (action_date IS NULL OR action_date > %(date)s))",
                    date=date,
                )
            )
        if not conditions:
            return SQL("(SELECT NULL::int WHERE FALSE)")
        stale = self._stale_partner_ids(company, date)
        found = []
        if stale:
            states = self.env["followup.engine"]._get_partner_states(
                company, date, stale
            )
            found = [
                partner_id
                for partner_id, state in states.items()
                if state["status"] in statuses
            ]
        return SQL(
            """(SELECT partner_id FROM followup_partner_state
                 WHERE company_id = %s
                   AND (refresh_date IS NULL OR refresh_date > %s)
                   AND (%s)
             UNION ALL SELECT unnest(%s::int[]))""",
            company.id,
            date,
            SQL(" OR ").join(conditions),
            found,
        )

    @api.model
    def _status_partner_ids(self, company, date, statuses):
        """Commercial partner ids of :meth:`_status_sql`."""
        self.env.cr.execute(self._status_sql(company, date, statuses))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _due_partner_ids(self, company, date):
        """Commercial partner ids of ``company`` a level is due for on
        ``date``: the stored state from today on, the engine before."""
        if self._is_stored_date(date):
            return sorted(self._status_partner_ids(company, date, {"action"}))
        engine = self.env["followup.engine"]
        return sorted(engine._search_partner_ids(company, date, SQL("due_count > 0")))

    # ------------------------------------------------------------------ check
    @api.model
    def _check(self, company, dates=None):
        """Compare the stored rows of ``company`` with the engine.

        Two checks: the stored rows against the same rows computed afresh now
        (an event that was not marked shows here), and the status, level due
        date, level reached and balance derived from the rows against the
        engine's aggregated state on each of ``dates`` (default: today, and 1,
        7, 30 and 90 days later).

        :return: list of human-readable differences (empty: exact)
        """
        self.sudo()._refresh_pending()
        today = fields.Date.today()
        dates = dates or [today + timedelta(days=days) for days in (0, 1, 7, 30, 90)]
        columns = (
            "level_id",
            "next_date",
            "overdue_date",
            "action_date",
            "amount_due",
            "open_count",
            "refresh_date",
        )
        stored = self._stored_rows(company)
        differences = []
        # 1. the rows as they would be computed now
        fresh = self._fresh_rows(company)
        for partner_id in sorted(set(stored) | set(fresh)):
            old, new = stored.get(partner_id), fresh.get(partner_id)
            if old != new:
                differences.append(
                    f"partner {partner_id}: stored {old} != computed {new}"
                )
        # 2. the engine's state on each date
        engine = self.env["followup.engine"].sudo()
        for date in dates:
            states = engine._get_partner_states(company, date)
            for status in ("action", "overdue"):
                found = set(self._status_partner_ids(company, date, {status}))
                expected = {
                    partner_id
                    for partner_id, state in states.items()
                    if state["status"] == status
                }
                if found != expected:
                    differences.append(
                        f"{date} {status}: stored only {sorted(found - expected)},"
                        f" engine only {sorted(expected - found)}"
                    )
            for partner_id in sorted(set(stored) | set(states)):
                values = stored.get(partner_id) or (None,) * len(columns)
                row = dict(zip(columns, values, strict=True))
                if row["refresh_date"] and row["refresh_date"] <= date:
                    continue  # answered by the engine on that date
                state = states.get(partner_id, {})
                expected = {
                    "next_date": state.get("next_date"),
                    "level_id": state.get("max_line"),
                    "amount_due": round(float(state.get("amount_due") or 0.0), 6),
                    "open_count": state.get("open_count") or 0,
                }
                got = {
                    "next_date": row["next_date"],
                    "level_id": row["level_id"],
                    "amount_due": round(float(row["amount_due"] or 0.0), 6),
                    "open_count": row["open_count"] or 0,
                }
                if got != expected:
                    differences.append(
                        f"{date} partner {partner_id}: stored {got}"
                        f" != engine {expected}"
                    )
        return differences

    @api.model
    def _stored_rows(self, company):
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, level_id, next_date, overdue_date, action_date,"
                " round(amount_due::numeric, 6), open_count, refresh_date"
                " FROM followup_partner_state WHERE company_id = %s",
                company.id,
            )
        )
        return {row[0]: tuple(row[1:]) for row in self.env.cr.fetchall()}

    @api.model
    def _fresh_rows(self, company):
        """The rows as :meth:`_refresh` would write them now, without writing."""
        self.env.cr.execute("SAVEPOINT followup_state_check")
        try:
            self._refresh(company)
            return self._stored_rows(company)
        finally:
            self.env.cr.execute("ROLLBACK TO SAVEPOINT followup_state_check")
            self.invalidate_model()
