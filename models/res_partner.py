# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import threading
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import (
    SQL,
    config,
    email_normalize,
    float_round,
    html2plaintext,
    pdf,
    plaintext2html,
)

_logger = logging.getLogger(__name__)

FOLLOWUP_STATUS = [
    ("action", "Needs action"),
    ("overdue", "Overdue"),
    ("ok", "Up to date"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    followup_policy_id = fields.Many2one(
        "followup.policy",
        string="Follow-up Policy",
        company_dependent=True,
        domain="[('company_id', '=', current_company_id)]",
        help="Leave empty to use the company's default follow-up policy.",
    )
    followup_responsible_id = fields.Many2one(
        "res.users",
        string="Follow-up Responsible",
        company_dependent=True,
        help="User in charge of reminding this customer; receives the activities the "
        "follow-up plans.",
    )
    followup_line_id = fields.Many2one(
        "followup.line",
        string="Follow-up Level",
        compute="_compute_followup_state",
        inverse="_inverse_followup_line_id",
        search="_search_followup_line_id",
        help="Highest level already sent among the customer's open invoices. Change "
        "it to set the level of all of them back (or forward).",
    )
    followup_date = fields.Date(
        string="Latest Follow-up",
        compute="_compute_followup_state",
        help="Date of the latest reminder about an open invoice.",
    )
    followup_next_line_id = fields.Many2one(
        "followup.line",
        string="Level Due",
        compute="_compute_followup_state",
        search="_search_followup_next_line_id",
        help="Level of the reminder due on the follow-up date.",
    )
    followup_next_date = fields.Date(
        string="Next Reminder",
        compute="_compute_followup_state",
        help="First date a reminder is (or becomes) due.",
    )
    followup_amount_due = fields.Monetary(
        string="Amount Due",
        compute="_compute_followup_state",
        currency_field="followup_currency_id",
    )
    followup_amount_overdue = fields.Monetary(
        string="Amount Overdue",
        compute="_compute_followup_state",
        search="_search_followup_amount_overdue",
        currency_field="followup_currency_id",
    )
    followup_currency_id = fields.Many2one(
        "res.currency", compute="_compute_followup_currency_id"
    )
    followup_open_count = fields.Integer(
        string="Unpaid Invoices", compute="_compute_followup_state"
    )
    followup_last_move_date = fields.Date(
        string="Last Movement",
        compute="_compute_followup_state",
        help="Date of the customer's last receivable entry (invoice, refund, payment).",
    )
    followup_status = fields.Selection(
        FOLLOWUP_STATUS,
        string="Follow-up Status",
        compute="_compute_followup_state",
        search="_search_followup_status",
    )

    # ------------------------------------------------------------------ COMPUTE
    @api.depends_context("company", "followup_date")
    def _compute_followup_currency_id(self):
        self.followup_currency_id = self.env.company.currency_id

    @api.depends_context("company", "followup_date")
    def _compute_followup_state(self):
        engine = self.env["followup.engine"]
        company = self.env.company
        commercial = self.commercial_partner_id
        real = commercial.filtered("id")
        states = engine._get_partner_states(company, engine._get_date(), real.ids)
        last_moves = engine._get_last_move_dates(company, real.ids)
        Line = self.env["followup.line"]
        for partner in self:
            partner_id = partner.commercial_partner_id.id
            state = states.get(partner_id, {})
            partner.followup_line_id = Line.browse(state.get("max_line"))
            partner.followup_date = state.get("followup_date")
            partner.followup_next_line_id = Line.browse(state.get("next_line_due"))
            partner.followup_next_date = state.get("next_date")
            partner.followup_amount_due = state.get("amount_due", 0.0)
            partner.followup_amount_overdue = state.get("amount_overdue", 0.0)
            partner.followup_open_count = state.get("open_count", 0)
            partner.followup_last_move_date = last_moves.get(partner_id)
            partner.followup_status = state.get("status", "ok")

    def _inverse_followup_line_id(self):
        """Set the level of every open, non-litigious invoice of the customers."""
        engine = self.env["followup.engine"]
        items = engine._get_items(
            self.env.company, engine._get_date(), self.commercial_partner_id.ids
        )
        move_ids = defaultdict(set)
        for item in items:
            if item["amount_residual"] > 0 and not item["blocked"]:
                move_ids[item["partner_id"]].add(item["move_id"])
        for partner in self:
            level = partner.followup_line_id
            commercial = partner.commercial_partner_id
            moves = self.env["account.move"].browse(move_ids[commercial.id])
            moves.followup_line_id = level
            commercial.message_post(
                body=self.env._(
                    "Follow-up level set by hand to %(level)s on %(count)s open "
                    "invoices.",
                    level=level.name or self.env._("none"),
                    count=len(moves),
                )
            )

    def _search_state(self, having):
        engine = self.env["followup.engine"]
        ids = engine._search_partner_ids(self.env.company, engine._get_date(), having)
        return [("commercial_partner_id", "in", ids)]

    def _search_followup_status(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Unsupported search on the follow-up status."))
        values = {value} if isinstance(value, str) else set(value or [])
        if operator in ("!=", "not in"):
            values = {key for key, _label in FOLLOWUP_STATUS} - values
        if "ok" in values:
            # "up to date" includes customers without any open item
            excluded = {key for key, _label in FOLLOWUP_STATUS} - values
            if not excluded:
                return []
            domain = self._search_followup_status("in", list(excluded))
            return ["!", *domain]
        conditions = []
        if "action" in values:
            conditions.append(SQL("due_count > 0"))
        if "overdue" in values:
            conditions.append(SQL("(due_count = 0 AND amount_overdue > 0)"))
        if not conditions:
            return [("id", "=", False)]
        return self._search_state(SQL(" OR ").join(conditions))

    def _search_followup_next_line_id(self, operator, value):
        return self._search_level("next_line_due", operator, value)

    def _search_followup_line_id(self, operator, value):
        return self._search_level("max_line", operator, value)

    def _search_level(self, column, operator, value):
        if operator in ("=", "!=") and not value:
            # set / not set
            domain = self._search_state(SQL("%s IS NOT NULL", SQL.identifier(column)))
            return domain if operator == "!=" else ["!", *domain]
        if operator in ("ilike", "not ilike", "like", "=like", "=ilike"):
            ids = self.env["followup.line"]._search([("name", operator, value)])
            operator = "in"
        else:
            ids = value
        if operator not in ("=", "in", "!=", "not in"):
            raise UserError(self.env._("Unsupported search on the follow-up level."))
        ids = [ids] if isinstance(ids, int) else list(ids)
        domain = self._search_state(
            SQL("%s = ANY(%s)", SQL.identifier(column), ids or [0])
        )
        return domain if operator in ("=", "in") else ["!", *domain]

    def _search_followup_amount_overdue(self, operator, value):
        operators = {">": ">", ">=": ">=", "<": "<", "<=": "<=", "=": "=", "!=": "!="}
        if operator not in operators:
            raise UserError(self.env._("Unsupported search on the overdue amount."))
        return self._search_state(
            SQL("amount_overdue %s %s", SQL(operators[operator]), value or 0.0)
        )

    # ------------------------------------------------------------------ ACTIONS
    def action_open_followup_send(self):
        """Open Send Reminders for the selected customers."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_payment_followup.followup_send_action"
        )
        action["context"] = {
            "dialog_size": "extra-large",
            "active_model": "res.partner",
            "active_ids": self.commercial_partner_id.ids,
        }
        return action

    # ------------------------------------------------------------------ SENDING PATH
    # The wizard, the partner button and the scheduled action all go through these
    # methods: collect what is due, render the letters in one report call, e-mail
    # and/or log them, then mark the items as sent at their level on that date.

    def _followup_collect(self, company, date, excluded_aml_ids=(), due_limit=None):
        """What goes into each customer's reminder.

        :return: dict {commercial partner id: {"items": listed items (due or
            overdue, and credits), "due": items whose next level is due,
            "level": level of the letter (highest level due)}}
        """
        engine = self.env["followup.engine"]
        partners = self.commercial_partner_id
        items = engine._get_items(company, date, partners.ids)
        excluded = set(excluded_aml_ids)
        due_limit = due_limit or date
        result = {pid: {"items": [], "due": []} for pid in partners.ids}
        for item in items:
            if item["blocked"] or item["aml_id"] in excluded:
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
            best = max(
                due_levels or reached or [0], key=lambda lid: delays.get(lid, -1)
            )
            entry["level"] = levels.browse(best) if best else levels.browse()
        return result

    def _followup_letter_values(
        self, company, date, excluded_aml_ids=(), due_limit=None
    ):
        """Values of the letter of each customer (see the QWeb letter)."""
        collected = self._followup_collect(company, date, excluded_aml_ids, due_limit)
        default_level = (
            self.env["followup.policy"]._get_company_default(company).line_ids[:1]
        )
        amls = self.env["account.move.line"].browse(
            [item["aml_id"] for entry in collected.values() for item in entry["items"]]
        )
        amls.fetch(["move_id", "move_name", "date", "amount_currency", "currency_id"])
        amls.move_id.fetch(["invoice_date", "name"])
        banks = company.partner_id.bank_ids[:1]
        user = self.env.user
        if user._is_superuser() or user == self.env.ref("base.user_root"):
            user = company.followup_responsible_id
        signature = (user.signature and html2plaintext(user.signature)) or user.name
        money, day = self._followup_formatters()
        letters = {}
        for partner in self.commercial_partner_id:
            entry = collected[partner.id]
            lang = partner.lang or company.partner_id.lang or "en_US"
            level = (entry["level"] or default_level).with_context(lang=lang)
            blocks = {}
            for item in entry["items"]:
                aml = amls.browse(item["aml_id"])
                currency = aml.currency_id
                block = blocks.setdefault(currency, {"lines": [], "total": 0.0})
                block["total"] += item["amount_residual_currency"]
                block["lines"].append(
                    {
                        "name": aml.move_id.name or aml.move_name,
                        "date": day(aml.move_id.invoice_date or aml.date, lang),
                        "amount": money(aml.amount_currency, currency, lang),
                        "due_date": day(item["due_date"], lang),
                        "residual": money(
                            item["amount_residual_currency"], currency, lang
                        ),
                        "is_credit": item["amount_residual"] < 0,
                    }
                )
            total_company = sum(item["amount_residual"] for item in entry["items"])
            overdue = sum(
                item["amount_residual"]
                for item in entry["items"]
                if item["due_date"] < date or item["amount_residual"] < 0
            )
            currency = company.currency_id
            message = (
                level._render_message(
                    {
                        "partner_name": partner.name,
                        "date": day(date, lang),
                        "user_signature": signature or company.name,
                        "company_name": company.name,
                        "amount_due": money(total_company, currency, lang),
                        "amount_overdue": money(overdue, currency, lang),
                        "level_name": level.name or "",
                    }
                )
                if level
                else ""
            )
            letters[partner.id] = {
                "lang": lang,
                "level": level,
                "number": level.level_number or 1,
                "place_date": day(date, lang),
                "message": message,
                "currencies": [
                    {
                        "currency": cur,
                        "lines": block["lines"],
                        "total": money(block["total"], cur, lang),
                    }
                    for cur, block in blocks.items()
                ],
                "banks": banks,
                "legal_notice": company.with_context(
                    lang=lang
                )._get_followup_legal_notice(),
                "amount_due": total_company,
                "due_items": entry["due"],
            }
        return letters

    def _followup_formatters(self):
        """Amount and date formatters per language, as ``formatLang`` and the
        language's date format give them, resolved once per language and
        currency instead of once per amount (letters list many items)."""
        langs, currencies = {}, {}

        def lang_record(code):
            if code not in langs:
                langs[code] = self.env["res.lang"]._lang_get(code) or self.env[
                    "res.lang"
                ]._lang_get("en_US")
            return langs[code]

        def money(amount, currency, code):
            key = currency.id
            if key not in currencies:
                currencies[key] = (
                    currency.decimal_places,
                    currency.symbol,
                    currency.position,
                )
            digits, symbol, position = currencies[key]
            text = lang_record(code).format(
                f"%.{digits}f",
                float_round(amount, precision_digits=digits),
                grouping=True,
            )
            if not symbol:
                return text
            if position == "after":
                return f"{text}\N{NO-BREAK SPACE}{symbol}"
            return f"{symbol}\N{NO-BREAK SPACE}{text}"

        def day(value, code):
            return value.strftime(lang_record(code).date_format) if value else ""

        return money, day

    def _followup_render_letters(
        self, company, date, excluded_aml_ids=(), due_limit=None, combine=True
    ):
        """Render the letters of all customers of ``self`` in one report call.

        :param combine: also return all letters as one document (for printing)
        :return: (combined document or None, {partner id: document of that
            customer}, file extension). Under tests, like Odoo's own
            ``_render_qweb_pdf``, HTML is returned unless the context has
            ``force_report_rendering``.
        """
        partners = self.commercial_partner_id
        report = self.env.ref("account_payment_followup.followup_letter_report")
        data = {
            "followup_date": fields.Date.to_string(date),
            "company_id": company.id,
            "excluded_aml_ids": list(excluded_aml_ids),
            "due_limit": fields.Date.to_string(due_limit or date),
        }
        if not partners:
            return b"", {}, "pdf"
        test_mode = config["test_enable"] or config["test_file"]
        if test_mode and not self.env.context.get("force_report_rendering"):
            documents = {
                partner.id: report._render_qweb_html(
                    report.report_name, partner.ids, data
                )[0]
                for partner in partners
            }
            return b"".join(documents.values()), documents, "html"
        streams = report._render_qweb_pdf_prepare_streams(
            report.report_name, data, res_ids=partners.ids
        )
        documents = {
            pid: stream["stream"].getvalue() for pid, stream in streams.items()
        }
        combined = combine and pdf.merge_pdf([documents[pid] for pid in partners.ids])
        for stream in streams.values():
            stream["stream"].close()
        return combined, documents, "pdf"

    def _followup_lock(self):
        """Lock the given customers for sending; return those that could be locked.

        ``SKIP LOCKED``: a customer being reminded by another transaction (wizard
        or scheduled action) is skipped, not sent twice. The row is also touched,
        so that a transaction that started before this one commits cannot lock it
        afterwards (serialization error, retried with fresh data).
        """
        ids = self.commercial_partner_id.ids
        if not ids:
            return self.browse()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner SET write_date = write_date
                 WHERE id IN (
                    SELECT id FROM res_partner WHERE id = ANY(%s)
                    ORDER BY id FOR UPDATE SKIP LOCKED
                 )
             RETURNING id
                """,
                ids,
            )
        )
        locked = {row[0] for row in self.env.cr.fetchall()}
        return self.browse([pid for pid in ids if pid in locked])

    def _followup_recipient(self):
        """The contact to e-mail: the invoicing address if it has a valid e-mail,
        else the customer itself; empty when no valid address is known."""
        self.ensure_one()
        invoice_contact = self.browse(self.address_get(["invoice"])["invoice"])
        for contact in (invoice_contact, self):
            if contact.email and email_normalize(contact.email):
                return contact
        return self.browse()

    def _followup_mark_sent(self, collected, date):
        """Move the due items of ``collected`` to their next level on ``date`` and
        plan the manual actions of the levels reached."""
        by_level = defaultdict(set)
        for pid in self.ids:
            for item in collected[pid]["due"]:
                by_level[item["next_line"]].add(item["move_id"])
        # only follow-up fields change: no need to resynchronise the invoice lines;
        # the reminder itself is logged on the customer's chatter with the invoices
        Move = self.env["account.move"].with_context(
            skip_invoice_sync=True, mail_notrack=True
        )
        for level_id, move_ids in by_level.items():
            Move.browse(move_ids).write(
                {"followup_line_id": level_id, "followup_date": date}
            )
        for partner in self:
            level = collected[partner.id]["level"]
            if level.manual_action:
                partner.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=date,
                    summary=level.name,
                    note=level.manual_action_note or level.name,
                    user_id=(
                        level.manual_action_responsible_id
                        or partner.followup_responsible_id
                        or self.env.user
                    ).id,
                )

    def _followup_log(self, collected, attachments, body_template):
        """Post the reminder on each customer's chatter with its letter attached."""
        for partner in self:
            entry = collected[partner.id]
            attachment = attachments.get(partner.id)
            invoices = ", ".join(
                sorted(
                    {item["move_name"] for item in entry["due"] if item["move_name"]}
                )
            )
            # invoicing users send reminders without being allowed to edit customers
            partner.sudo().message_post(
                body=Markup("<p>%s</p>")
                % body_template.format(
                    level=entry["level"].name or "", invoices=invoices
                ),
                attachment_ids=attachment.ids if attachment else [],
                subtype_xmlid="mail.mt_note",
                author_id=self.env.user.partner_id.id,
            )

    def _followup_attach(self, documents, extension, date):
        """Store each customer's letter as an attachment of the customer."""
        mimetype = "application/pdf" if extension == "pdf" else "text/html"
        vals = [
            {
                "name": self.env._(
                    "Payment reminder %(partner)s %(date)s.%(ext)s",
                    partner=partner.name,
                    date=fields.Date.to_string(date),
                    ext=extension,
                ),
                "raw": documents[partner.id],
                "mimetype": mimetype,
                "res_model": "res.partner",
                "res_id": partner.id,
            }
            for partner in self
            if partner.id in documents
        ]
        attachments = self.env["ir.attachment"].sudo().create(vals)
        return {att.res_id: att for att in attachments}

    def _followup_confirm_printed(
        self, company, date, excluded_aml_ids=(), due_limit=None
    ):
        """After printing: move the printed customers to their next level.

        :return: the customers moved
        """
        partners = self._followup_lock()
        collected = partners._followup_collect(
            company, date, excluded_aml_ids, due_limit
        )
        partners = partners.filtered(lambda p: collected[p.id]["due"])
        _combined, documents, extension = partners._followup_render_letters(
            company, date, excluded_aml_ids, due_limit, combine=False
        )
        attachments = partners._followup_attach(documents, extension, date)
        partners._followup_mark_sent(collected, date)
        partners._followup_log(
            collected,
            attachments,
            self.env._("Payment reminder “{level}” printed for: {invoices}."),
        )
        return partners

    def _followup_send_email(
        self,
        company,
        date,
        excluded_aml_ids=(),
        due_limit=None,
        only_email_levels=False,
    ):
        """E-mail the reminders of the customers of ``self`` that have something due.

        Customers without a usable e-mail address, or whose e-mail cannot be
        prepared, are neither e-mailed nor moved: they are returned with the
        reason so that the user prints them instead.

        :param only_email_levels: only customers whose level has "Send an E-mail"
            (the scheduled action); the wizard e-mails whatever the user selected.
        :return: (customers e-mailed, {customer: reason} for those left out)
        """
        partners = self._followup_lock()
        skipped = {
            partner: self.env._("being reminded by another user or process")
            for partner in self.commercial_partner_id - partners
        }
        collected = partners._followup_collect(
            company, date, excluded_aml_ids, due_limit
        )
        partners = partners.filtered(lambda p: collected[p.id]["due"])
        if only_email_levels:
            partners = partners.filtered(lambda p: collected[p.id]["level"].send_email)
        recipients = {}
        for partner in partners:
            recipient = partner._followup_recipient()
            if recipient:
                recipients[partner.id] = recipient
            else:
                skipped[partner] = self.env._("no valid e-mail address")
        partners = partners.filtered(lambda p: p.id in recipients)
        _combined, documents, extension = partners._followup_render_letters(
            company, date, excluded_aml_ids, due_limit, combine=False
        )
        letters = partners._followup_letter_values(
            company, date, excluded_aml_ids, due_limit
        )
        attachments = partners._followup_attach(documents, extension, date)
        default_template = self.env.ref(
            "account_payment_followup.followup_mail_template", raise_if_not_found=False
        )
        sent = self.browse()
        mails = {}
        for partner in partners:
            letter = letters[partner.id]
            template = letter["level"].mail_template_id or default_template
            try:
                with self.env.cr.savepoint():
                    mails[partner.id] = partner._followup_queue_email(
                        template,
                        letter,
                        recipients[partner.id],
                        attachments[partner.id],
                        company,
                    )
            except Exception as error:  # noqa: BLE001 - one customer never stops the others
                _logger.warning(
                    "Follow-up e-mail to %s failed: %s", partner.display_name, error
                )
                skipped[partner] = str(error)
                partner.sudo().message_post(
                    body=self.env._(
                        "Payment reminder could not be e-mailed: %(error)s", error=error
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                continue
            sent |= partner
        for partner in sent:
            # what to restore if the mail server refuses the e-mail later
            mails[partner.id].followup_revert = {
                "partner_id": partner.id,
                "date": fields.Date.to_string(date),
                "moves": {
                    str(item["move_id"]): [
                        item["cur_line"],
                        fields.Date.to_string(item["followup_date"]) or None,
                    ]
                    for item in collected[partner.id]["due"]
                },
            }
        sent._followup_mark_sent(collected, date)
        sent._followup_log(
            collected,
            attachments,
            self.env._("Payment reminder “{level}” e-mailed for: {invoices}."),
        )
        return sent, skipped

    def _followup_queue_email(self, template, letter, recipient, attachment, company):
        """Queue the reminder e-mail of one customer (rendered in its language).

        :return: the queued ``mail.mail``
        """
        self.ensure_one()
        if not template:
            raise UserError(self.env._("No e-mail template for the follow-up level."))
        items_table = self.env["ir.qweb"]._render(
            "account_payment_followup.followup_items_table",
            {"letter": letter},
            lang=letter["lang"],
        )
        mail_id = template.with_context(
            lang=letter["lang"],
            followup_body=plaintext2html(letter["message"]),
            followup_items=items_table,
            followup_company_name=company.name,
            followup_number=letter["number"],
        ).send_mail(
            self.id,
            force_send=False,
            raise_exception=True,
            email_values={
                "recipient_ids": [Command.set(recipient.ids)],
                "attachment_ids": [Command.link(attachment.id)],
                "email_to": False,
                **({"email_from": company.email_formatted} if company.email else {}),
            },
        )
        return self.env["mail.mail"].sudo().browse(mail_id)

    # ------------------------------------------------------------------ CRON
    @api.model
    def _cron_send_followup_reminders(self, batch_size=100):
        """Daily: e-mail the reminders due today, company by company, in batches.

        Each batch is committed (outside tests) and reported to the scheduler, so
        an interruption keeps what was done; the next run carries on with what is
        still due. Customers whose level only prints a letter, or without a
        usable e-mail address, get an activity for the accountant instead.
        """
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        self = self.sudo()  # noqa: PLW0642 - the daily run covers every company
        engine = self.env["followup.engine"]
        date = engine._get_date()  # today, or the context's followup_date
        policies = self.env["followup.policy"].search([])
        work = []
        # nothing leaves unreviewed unless the company turned automatic sending on
        for company in policies.company_id.filtered("followup_auto_send"):
            due_ids = engine._search_partner_ids(company, date, SQL("due_count > 0"))
            work += [(company, pid) for pid in sorted(due_ids)]
        done = 0
        for start in range(0, len(work), batch_size):
            batch = work[start : start + batch_size]
            for company in {company for company, _pid in batch}:
                # activities and chatter notes in the company's language
                partners = (
                    self.with_company(company)
                    .with_context(lang=company.partner_id.lang or "en_US")
                    .browse([pid for comp, pid in batch if comp == company])
                )
                try:
                    with self.env.cr.savepoint():
                        partners._followup_cron_batch(company, date)
                except Exception:
                    _logger.exception(
                        "Payment follow-up: batch of %s customers of %s failed; they "
                        "will be retried on the next run",
                        len(partners),
                        company.name,
                    )
            done += len(batch)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(work) - done)
            if auto_commit:
                # a batch done stays done if the run is interrupted later
                self.env.cr.commit()  # pylint: disable=invalid-commit
        _logger.info("Payment follow-up: %s customers processed", done)

    @api.model
    def _followup_auto_email_partner_ids(self, company, date=None):
        """Customers of ``company`` the daily run would e-mail on ``date``: the
        level due for them is automatic and sent by e-mail (one engine query)."""
        if not company:
            return []
        engine = self.env["followup.engine"]
        states = engine._get_partner_states(company, date or engine._get_date())
        levels = self.env["followup.line"].browse(
            {state["next_line_due"] for state in states.values()} - {None}
        )
        auto = set(levels.filtered(lambda lvl: lvl.auto_send and lvl.send_email).ids)
        return [pid for pid, state in states.items() if state["next_line_due"] in auto]

    def _followup_cron_batch(self, company, date):
        """One batch of the scheduled action (customers of one company)."""
        busy = self - self._followup_lock()
        collected = self._followup_collect(company, date)
        levels = {pid: entry["level"] for pid, entry in collected.items()}
        unattended = self.filtered(lambda p: levels[p.id].auto_send)
        by_email = unattended.filtered(lambda p: levels[p.id].send_email)
        sent, skipped = by_email._followup_send_email(
            company, date, only_email_levels=True
        )
        # levels without letter nor e-mail: only the manual action
        # (already locked above, and collected after the lock)
        manual_only = (unattended - busy).filtered(
            lambda p: not levels[p.id].send_email
            and not levels[p.id].send_letter
            and levels[p.id].manual_action
        )
        manual_only._followup_mark_sent(collected, date)
        # to print, or impossible to e-mail: the accountant is told
        to_print = (unattended - busy).filtered(
            lambda p: not levels[p.id].send_email and levels[p.id].send_letter
        )
        to_review = (self - unattended - busy).filtered(lambda p: levels[p.id])
        reasons = {
            partner: reason
            for partner, reason in skipped.items()
            if partner in self and partner not in busy
        }
        for partner in to_print:
            reasons[partner] = self.env._("this level is sent by letter")
        for partner in to_review:
            reasons[partner] = self.env._(
                "this level is not sent automatically: review it"
            )
        self.browse([p.id for p in reasons])._followup_plan_print_activity(
            company, date, reasons, levels
        )
        return sent

    def _followup_plan_print_activity(self, company, date, reasons, levels):
        """An activity "print the reminder" per customer, once per level."""
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        existing = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        planned = {(act.res_id, act.summary) for act in existing}
        for partner in self:
            level = levels[partner.id]
            summary = self.env._(
                "Payment reminder to print: %(level)s", level=level.name
            )
            if (partner.id, summary) in planned:
                continue
            user = (
                level.manual_action_responsible_id
                or partner.followup_responsible_id
                or company.followup_responsible_id
                or company.followup_auto_send_user_id
                or self.env.ref("base.user_admin", raise_if_not_found=False)
                or self.env.user
            )
            partner.activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=date,
                summary=summary,
                note=self.env._(
                    "Not e-mailed by the daily follow-up (%(reason)s): print the "
                    "letter from Send Reminders.",
                    reason=reasons[partner],
                ),
                user_id=user.id,
            )
