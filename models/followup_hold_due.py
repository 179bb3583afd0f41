# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Promises to pay and disputes whose resume date came: closed by the daily run
(kept, broken, ended, with a to-do for their owner) and recalled by the
reminders while broken."""

import logging
from collections import defaultdict

from odoo import api, models
from odoo.tools import format_amount

_logger = logging.getLogger(__name__)


class FollowupHoldDue(models.AbstractModel):
    _name = "followup.hold.due"
    _description = "Payment Follow-up: Promises and Disputes Due"

    @api.model
    def _broken_promises(self, move_ids, date):
        """{invoice id: its latest promise} when that promise is broken on
        ``date`` (its resume date came and the amount promised has not come
        in), whether or not the daily run closed it yet: the reminder recalls
        it, until the amount is received (one search)."""
        holds = (
            self.env["followup.hold"]
            .sudo()
            .search(
                [
                    ("move_id", "in", list(move_ids)),
                    ("state", "!=", "ended"),
                    ("resume_date", "<=", date),
                ],
                order="resume_date desc, id desc",
            )
        )
        latest = {}
        for hold in holds:
            latest.setdefault(hold.move_id.id, hold)
        return {
            move_id: hold
            for move_id, hold in latest.items()
            if hold.kind == "promise" and not hold._is_kept()
        }

    @api.model
    def _close_due(self, date):
        """Daily: the open holds whose resume date came: promises kept or broken
        (broken: a to-do for the hold's owner), disputes ended (a to-do for
        the owner to settle it: the reminders resume). One search, then one
        write per outcome, company by company (one failing never stops the
        others), notes in each company's language."""
        holds = (
            self.env["followup.hold"]
            .sudo()
            .search([("state", "=", "open"), ("resume_date", "<=", date)])
        )
        holds.move_id.fetch(["amount_residual", "payment_state", "name", "state"])
        for company, company_holds in holds.grouped("company_id").items():
            lang = company.partner_id.lang or "en_US"
            try:
                with self.env.cr.savepoint():
                    self.with_context(lang=lang)._close(company_holds, date)
            except Exception:  # noqa: BLE001 - never stops the other companies
                _logger.exception(
                    "Payment follow-up: the promises and disputes of %s could not "
                    "be closed; retried on the next run",
                    company.name,
                )

    @api.model
    def _close(self, holds, date):
        """Close these holds of one company on ``date``."""
        company = holds.company_id
        holds = holds.with_env(self.env)
        outcome = defaultdict(lambda: holds.browse())
        for hold in holds:
            if hold.kind == "dispute" or hold.move_id.state != "posted":
                outcome["ended"] |= hold
            elif hold._is_kept():
                outcome["kept"] |= hold
            else:
                outcome["broken"] |= hold
        for state, group in outcome.items():
            group.with_context(followup_hold_close=True).write({"state": state})
        outcome["kept"]._post_to_chatter(
            lambda hold, env: env._("%(hold)s: kept.", hold=hold._describe(env))
        )
        outcome["ended"]._post_to_chatter(
            lambda hold, env: env._(
                "%(hold)s: the follow-up resumes today.", hold=hold._describe(env)
            )
        )
        broken = outcome["broken"]
        broken._post_to_chatter(
            lambda hold, env: env._(
                "%(hold)s: broken, %(paid)s received since it was recorded.",
                hold=hold._describe(env),
                paid=format_amount(env, hold.amount_paid, hold.currency_id),
            )
        )
        self._plan_owner_todos(
            broken,
            company,
            date,
            lambda partner, env, names: env._(
                "Promise to pay broken: %(invoices)s", invoices=names
            ),
            lambda partner, env, holds: env._(
                "%(promises)s: the amount promised was not received. The "
                "follow-up of these invoices resumes, and the next reminder "
                "recalls the promise. Call the customer.",
                promises="; ".join(hold._describe(env) for hold in holds),
            ),
        )
        self._plan_owner_todos(
            outcome["ended"].filtered(
                lambda hold: hold.kind == "dispute" and hold.move_id.state == "posted"
            ),
            company,
            date,
            lambda partner, env, names: env._(
                "Dispute to settle: %(invoices)s", invoices=names
            ),
            lambda partner, env, holds: env._(
                "%(disputes)s: the resume date came and the follow-up of these "
                "invoices resumes. Settle the dispute (a credit note, a "
                "payment), or record a new one to hold them again.",
                disputes="; ".join(hold._describe(env) for hold in holds),
            ),
        )

    @api.model
    def _plan_owner_todos(self, holds, company, date, summary, note):
        """A follow-up to-do on each customer of ``holds`` for their owner
        (else the person in charge), in that person's language, once per
        customer and title: ``summary(partner, env, invoice names)``,
        ``note(partner, env, holds)``."""
        by_partner = holds.grouped("partner_id")
        owners = {
            partner.id: holds.user_id.filtered(
                lambda user: user.active and not user.share
            )[:1]
            for partner, holds in by_partner.items()
        }
        self.env["followup.batch"]._schedule_todos(
            company,
            holds.partner_id,
            date,
            lambda partner, env: summary(
                partner, env, ", ".join(by_partner[partner].move_id.mapped("name"))
            ),
            lambda partner, env: note(partner, env, by_partner[partner]),
            users=owners,
        )
