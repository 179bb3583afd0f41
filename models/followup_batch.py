# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one send path of payment reminders.

The Send Reminders wizard, the customer's manual level change and the daily
scheduled action differ only in how they choose customers. Then, for a batch:

1. :meth:`_prepare`: lock the customers, ask the engine once what each one owes
   and which level is due, and create one draft ``followup.reminder`` per
   customer with its items, previous levels and rendered message;
2. ``followup.render._render_letters``: render every letter of the batch in one
   report call; the report stores each PDF on its reminder (``attachment_id``);
3. ``followup.render._send_emails``: post each reminder's e-mail through its
   level's ``mail.template`` with ``message_post``; the chatter entry *is* the
   e-mail;
4. ``followup.reminder._action_done``: move the invoices to their new level.
"""

import logging

from odoo import Command, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL, email_normalize, format_amount, format_date
from odoo.tools.mail import single_email_re

_logger = logging.getLogger(__name__)


class FollowupBatch(models.AbstractModel):
    _name = "followup.batch"
    _description = "Payment Reminder Sending"

    # ------------------------------------------------------------------ PREPARE
    @api.model
    def _prepare(
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
    ):
        """Draft reminders of the customers of ``partners`` that have something due.

        :param level_filter: optional callable ``level -> bool``: customers whose
            level does not pass are left out (not reported)
        :param collected: what :meth:`_collect` returned for these customers, when
            the caller already locked them and asked the engine
        :param run_message: free text of this run (same placeholders as a
            level's message), printed below the level's message
        :param chosen_levels: {customer: level} chosen by the user instead of
            the level due (lower, or higher to skip; same policy): the letter
            takes it and the invoices due move to it
        :return: (draft reminders, {customer: reason} for those left out)
        """
        partners = partners.commercial_partner_id
        skipped = {}
        if collected is None:
            locked = self._lock(partners)
            skipped = {
                partner: self.env._("being reminded by another user or process")
                for partner in partners - locked
            }
            collected = self._collect(
                locked, company, date, excluded_aml_ids, due_limit
            )
        else:
            locked = partners
        locked = locked.filtered(lambda p: collected[p.id]["due"])
        for partner, level in (chosen_levels or {}).items():
            entry = collected.get(partner.id)
            if not entry or partner not in locked:
                continue
            if level.policy_id != entry["level"].policy_id:
                raise UserError(
                    self.env._(
                        "“%(level)s” is not a level of the follow-up policy of "
                        "%(customer)s.",
                        level=level.display_name,
                        customer=partner.display_name,
                    )
                )
            collected[partner.id] = {**entry, "level": level, "chosen": level}
        if level_filter:
            locked = locked.filtered(lambda p: level_filter(collected[p.id]["level"]))
        vals_list = []
        sender = self._sender(company)
        # decided once for the batch: the invoice dates (references: at create)
        self.env["account.move"].browse(
            {item["move_id"] for pid in locked.ids for item in collected[pid]["items"]}
        ).fetch(["invoice_date"])
        for partner in locked:
            vals = self._reminder_vals(
                partner,
                collected[partner.id],
                company,
                date,
                channel,
                sender,
                run_message=run_message,
            )
            if channel == "email" and not vals["recipient_id"]:
                skipped[partner] = self.env._("no valid e-mail address")
            elif channel == "email" and not sender["email_from"]:
                skipped[partner] = self.env._(
                    "company %(company)s has no e-mail address to send from",
                    company=company.name,
                )
            elif channel == "email" and not self.env["followup.render"]._mail_template(
                collected[partner.id]["level"]
            ):
                skipped[partner] = self.env._(
                    "follow-up level %(level)s has no e-mail template for payment "
                    "reminders",
                    level=collected[partner.id]["level"].name,
                )
            else:
                vals_list.append(vals)
        reminders = (
            self.env["followup.reminder"]
            .sudo()
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(vals_list)
        )
        return reminders.sudo(False), skipped

    @api.model
    def _collect(self, partners, company, date, excluded_aml_ids=(), due_limit=None):
        """What goes into each customer's reminder: one engine query.

        :return: dict {commercial partner id: {"items": listed items (due or
            overdue, and credits), "due": items whose next level is due,
            "level": level of the letter: the highest level due or already
            reached by its open items; a customer never gets a softer letter
            than the last one while those invoices are open, "broken": the
            broken promises to pay of the listed invoices}}; invoices on hold
            (a promise to pay or a dispute until its resume date) are left out
        """
        engine = self.env["followup.engine"]
        items = engine._get_items(company, date, partners.ids)
        excluded = set(excluded_aml_ids)
        due_limit = due_limit or date
        result = {pid: {"items": [], "due": []} for pid in partners.ids}
        for item in items:
            if item["blocked"] or item["held"] or item["aml_id"] in excluded:
                continue
            if item["amount_residual"] > 0 and item["due_date"] > due_limit:
                continue
            result[item["partner_id"]]["items"].append(item)
            if item["is_due"]:
                result[item["partner_id"]]["due"].append(item)
        levels = self.env["followup.line"].browse(
            {item["next_line"] for item in items if item["next_line"]}
            | {item["cur_line"] for item in items if item["cur_line"]}
        )
        delays = {level.id: level.delay for level in levels}
        for entry in result.values():
            due_levels = [item["next_line"] for item in entry["due"]]
            reached = [item["cur_line"] for item in entry["items"] if item["cur_line"]]
            best = max(due_levels + reached or [0], key=lambda lid: delays.get(lid, -1))
            entry["level"] = levels.browse(best) if best else levels.browse()
        # promises broken on the listed invoices: the letter recalls them
        broken = self.env["followup.hold.due"]._broken_promises(
            {item["move_id"] for entry in result.values() for item in entry["items"]},
            date,
        )
        for entry in result.values():
            # once per invoice, whatever its number of instalments
            moves = dict.fromkeys(item["move_id"] for item in entry["items"])
            entry["broken"] = [broken[mid] for mid in moves if mid in broken]
        return result

    @api.model
    def _item_new_level(self, item, chosen=None):
        """The level an item moves to when its reminder is done: its next level
        when it is due, or the level the user chose, which never moves an
        invoice back below the level it reached (False: listed only)."""
        if not item["is_due"]:
            return False
        if not chosen:
            return item["next_line"]
        reached = item["cur_delay"] if item["cur_delay"] is not None else -1
        return chosen.id if chosen.delay > reached else False

    @api.model
    def _reminder_vals(
        self, partner, entry, company, date, channel, sender, run_message=None
    ):
        """Values of one draft reminder: the letter decided once."""
        lang = partner.lang or company.partner_id.lang or "en_US"
        level = entry["level"].with_context(lang=lang)
        recipient = self._recipient(partner)
        currency = company.currency_id
        total = sum(item["amount_residual"] for item in entry["items"])
        overdue = sum(
            item["amount_residual"]
            for item in entry["items"]
            if item["due_date"] < date or item["amount_residual"] < 0
        )
        values = {
            "partner_name": partner.name,
            "date": format_date(self.env, date, lang_code=lang),
            "user_signature": sender["signature"],
            "company_name": company.name,
            "amount_due": format_amount(self.env, total, currency, lang),
            "amount_overdue": format_amount(self.env, overdue, currency, lang),
            "level_name": level.name or "",
        }
        message = level._render_message(values)
        chosen = entry.get("chosen")
        extra = level._fill_placeholders(run_message, values).strip()
        if extra:
            message = f"{message.rstrip()}\n\n{extra}"
        recall = self._broken_promises_text(entry.get("broken"), lang)
        if recall:
            message = f"{message.rstrip()}\n\n{recall}"
        return {
            "partner_id": partner.id,
            "company_id": company.id,
            "date": date,
            "followup_line_id": level.id,
            "user_id": sender["user"].id,
            "channel": channel,
            "lang": lang,
            "message": message,
            "run_message": extra or False,
            "amount_due": total,
            "amount_overdue": overdue,
            "recipient_id": recipient.id,
            "email_to": recipient.email_normalized or False,
            "email_from": sender["email_from"],
            "item_ids": [
                Command.create(
                    {
                        **self._item_vals(item),
                        "level_id": self._item_new_level(item, chosen),
                    }
                )
                for item in entry["items"]
            ],
        }

    @api.model
    def _broken_promises_text(self, holds, lang):
        """The sentence of a letter that recalls broken promises to pay, in the
        letter's language (empty without any)."""
        if not holds:
            return ""
        env = self.with_context(lang=lang).env
        return " ".join(
            env._(
                "You promised to pay %(amount)s on invoice %(invoice)s by "
                "%(date)s; we have not received this payment.",
                amount=format_amount(env, hold.amount, hold.currency_id, lang),
                invoice=hold.move_id.name,
                date=format_date(env, hold.promise_date, lang_code=lang),
            )
            for hold in holds
        )

    @api.model
    def _item_vals(self, item):
        """A reminder item from an engine item: the amounts as they are now and
        the invoice's current level and date (what an undo restores)."""
        move = self.env["account.move"].browse(item["move_id"])
        return {
            "aml_id": item["aml_id"],
            "move_id": item["move_id"],
            "name": item["move_name"],
            "invoice_date": move.invoice_date or item["date"],
            "due_date": item["due_date"],
            "amount_residual": item["amount_residual"],
            "currency_id": item["currency_id"],
            "amount_currency": item["amount_currency"],
            "amount_residual_currency": item["amount_residual_currency"],
            "previous_line_id": item["cur_line"],
            "previous_date": item["followup_date"],
        }

    @api.model
    def _sender(self, company):
        """Who signs and sends: the user, or for the daily run (OdooBot) the
        company's follow-up responsible; e-mails leave from that person or from
        the company address, never from OdooBot."""
        user = self.env.user
        if user._is_superuser():
            user = company.followup_responsible_id or company.followup_auto_send_user_id
        email_from = (user.email and user.email_formatted) or (
            company.email and company.email_formatted
        )
        # who signs, and their role: no one (a daily run without a responsible)
        # leaves the signature out, and the letter ends with the company's name
        signature = "\n".join(filter(None, (user.name, user.partner_id.function)))
        return {"user": user, "email_from": email_from or False, "signature": signature}

    @api.model
    def _recipient(self, partner):
        """The contact to e-mail: the invoicing address if it has a valid e-mail,
        else the customer itself; empty when no valid address is known."""
        invoice_contact = partner.browse(partner.address_get(["invoice"])["invoice"])
        for contact in (invoice_contact, partner):
            if self._is_valid_email(contact.email):
                return contact
        return partner.browse()

    @api.model
    def _is_valid_email(self, email):
        """One deliverable-looking address (``a@@b`` normalizes to ``@b``: no)."""
        normalized = email_normalize(email or "")
        return bool(normalized and single_email_re.match(normalized))

    @api.model
    def _lock(self, partners, condition=None, limit=None):
        """Lock the given customers for sending; return those that could be locked.

        :param condition: SQL on the alias ``partner``: only the customers that
            meet it are locked
        :param limit: lock at most that many, the first by id

        ``SKIP LOCKED``: a customer being reminded by another transaction (wizard
        or scheduled action) is skipped, not sent twice. ``FOR NO KEY UPDATE`` and
        a no-op update: a transaction that started before this one commits cannot
        lock the row afterwards (serialization error, retried with fresh data),
        while users' requests that merely reference the customer (opening Send
        Reminders, creating an invoice) are never blocked.
        """
        ids = partners.ids
        if not ids:
            return partners
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner SET write_date = write_date
                 WHERE id IN (
                    SELECT partner.id FROM res_partner partner
                     WHERE partner.id = ANY(%s) AND %s
                  ORDER BY partner.id
                     LIMIT %s
                       FOR NO KEY UPDATE SKIP LOCKED
                 )
             RETURNING id
                """,
                ids,
                condition or SQL("TRUE"),
                limit,
            )
        )
        locked = {row[0] for row in self.env.cr.fetchall()}
        return partners.browse([pid for pid in ids if pid in locked])
