# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import bisect
import calendar
import logging
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .followup_message import (
    MESSAGE_PLACEHOLDERS,
    default_message,
    fill_placeholders,
    message_error,
)

_logger = logging.getLogger(__name__)

# due days of a level: up to ten years after the due date (the seeds go to 60)
DELAY_MAX = 3650
# term types counted on a calendar of days (not calendar days)
WORKING_TERM_TYPES = ("working_days", "business_days")

# due days of a new level after the last one, when the policy has no spacing yet
NEW_LEVEL_SPACING = 15

# Odoo's colour indexes, from a gentle reminder to collection: green, yellow,
# orange, red, raspberry
ESCALATION_COLORS = (10, 3, 2, 1, 9)


class FollowupLine(models.Model):
    """A follow-up level: when it becomes due and what the customer receives."""

    _name = "followup.line"
    _description = "Payment Follow-up Level"
    _order = "policy_id, delay, id"
    _check_company_auto = True

    @api.model
    def default_get(self, fields_list):
        """A level added on its policy's form sends no e-mail until a template
        is chosen (choosing one, or ticking the e-mail, shows which)."""
        values = super().default_get(fields_list)
        context = self.env.context
        if (
            "send_email" in fields_list
            and context.get("followup_from_policy")
            and "default_send_email" not in context
        ):
            values["send_email"] = False
        return values

    policy_id = fields.Many2one(
        "followup.policy",
        string="Follow-up Policy",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="policy_id.company_id", store=True, index=True, precompute=True
    )
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(
        default=True,
        help="An archived level is no longer sent; invoices that reached it keep "
        "it, and the history keeps its reminders.",
    )
    delay = fields.Integer(
        string="Due Days",
        required=True,
        help="Number of days after the due date (counted as the term type says) "
        "from which this level is due.",
    )
    term_type = fields.Selection(
        [
            ("net_days", "Net Days"),
            ("end_of_month", "End of Month"),
            ("working_days", "Working Days (company schedule)"),
            (
                "business_days",
                "Business Days (Monday-Saturday, except public holidays)",
            ),
        ],
        required=True,
        default="net_days",
        help="Net Days: calendar days after the due date.\n"
        "End of Month: days counted from the last day of the due date's month.\n"
        "Working Days: working days of the company's working schedule after the "
        "due date, public holidays excluded (in French: jours ouvrés).\n"
        "Business Days: Monday to Saturday after the due date, the company's "
        "public holidays excluded (in French: jours ouvrables).",
    )
    description = fields.Text(
        string="Message",
        translate=True,
        help="Text of the letter and e-mail. Placeholders: %(partner_name)s, "
        "%(date)s, %(user_signature)s, %(company_name)s, %(amount_due)s, "
        "%(amount_overdue)s, %(level_name)s",
    )
    send_email = fields.Boolean(string="Send an E-mail", default=True)
    send_letter = fields.Boolean(string="Print a Letter", default=True)
    auto_send = fields.Boolean(
        string="Automatic",
        default=True,
        help="The daily run may e-mail this level without review, once the company "
        "has turned on automatic sending. Otherwise the follow-up responsible "
        "gets an activity to review and send it from Send Reminders.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain=[("model", "=", "followup.reminder")],
        help="E-mail of this level (subject and body). Empty: the default "
        "“Payment Follow-up: reminder” template.",
        ondelete="set null",
    )
    registered_mail = fields.Boolean(
        string="Registered Letter",
        help="Print “Registered letter with acknowledgement of receipt” on the "
        "letter: a formal notice (mise en demeure) is sent that way.",
    )
    manual_action = fields.Boolean(
        help="Schedule an activity (e.g. a phone call) when this level is reached."
    )
    manual_action_note = fields.Text(string="Action To Do", translate=True)
    manual_action_responsible_id = fields.Many2one(
        "res.users",
        string="Assign To",
        ondelete="set null",
        help="Responsible of the activity; by default the customer's follow-up "
        "responsible.",
    )
    color = fields.Integer(
        string="Colour",
        compute="_compute_color",
        store=True,
        readonly=False,
        help="Colour of the level's badge in Send Reminders and in the customer "
        "and invoice lists. By default it escalates from green to red with the "
        "level's rank.",
    )
    level_number = fields.Integer(
        string="Reminder No.",
        compute="_compute_level_number",
        help="Position of the level in its policy: 1 for the first reminder.",
    )

    _sql_constraints = [
        (
            "delay_positive",
            "CHECK(delay >= 0)",
            "The number of due days of a follow-up level cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------------ COMPUTE
    @api.depends("policy_id.line_ids.delay")
    def _compute_level_number(self):
        for line in self:
            siblings = line.policy_id.line_ids.sorted(lambda x: (x.delay, x.id))
            ids = siblings.ids
            number = ids.index(line.id) + 1 if line.id in ids else len(ids) + 1
            line.level_number = number

    @api.depends("policy_id")
    def _compute_color(self):
        """A new level takes the colour of its rank (green, yellow, orange,
        red…); a colour chosen on the level form is kept."""
        for line in self:
            if not line.color:
                rank = max(line.level_number, 1)
                line.color = ESCALATION_COLORS[min(rank, len(ESCALATION_COLORS)) - 1]

    # ------------------------------------------------------------------ CONSTRAINS
    @api.constrains("description")
    def _check_description(self):
        langs = dict(self.env["res.lang"].get_installed())
        for line in self:
            for lang, lang_name in langs.items():
                text = line.with_context(lang=lang).description
                error = self._message_error(text)
                if error:
                    raise ValidationError(
                        self.env._(
                            "The message of follow-up level “%(level)s” is invalid "
                            "(in %(lang)s): %(error)s\nValid placeholders: "
                            "%(valid)s, and %%%% for a percent sign.",
                            level=line.name,
                            lang=lang_name,
                            error=error,
                            valid=", ".join(
                                f"%({key})s" for key in MESSAGE_PLACEHOLDERS
                            ),
                        )
                    )

    @api.constrains("delay", "policy_id")
    def _check_policy_delays(self):
        for policy in self.policy_id:
            seen = {}
            for level in policy.line_ids:
                if level.delay in seen:
                    raise ValidationError(
                        self.env._(
                            "Levels “%(first)s” and “%(second)s” of policy "
                            "“%(policy)s” both have %(delay)s due days: each level "
                            "needs its own delay.",
                            first=seen[level.delay].name,
                            second=level.name,
                            policy=policy.name,
                            delay=level.delay,
                        )
                    )
                seen[level.delay] = level

    # ------------------------------------------------------------------ ONCHANGE
    @api.onchange("policy_id")
    def _onchange_policy_id_new_level(self):
        """A level added to a policy starts where its last level leaves off:
        due as many days after it as it came after the one before (15 days
        when there is none), with the default message."""
        for line in self:
            if line._origin or line.delay or line.description:
                continue
            delays = sorted((line.policy_id.line_ids - line).mapped("delay"))
            spacing = (
                delays[-1] - delays[-2] if len(delays) > 1 else NEW_LEVEL_SPACING
            ) or NEW_LEVEL_SPACING
            line.delay = min((delays[-1] if delays else 0) + spacing, DELAY_MAX)
            line.description = default_message(self.env)

    @api.onchange("mail_template_id")
    def _onchange_mail_template_id(self):
        """Choosing a template turns the e-mail on."""
        for line in self.filtered("mail_template_id"):
            line.send_email = True

    @api.onchange("send_email")
    def _onchange_send_email(self):
        """Turned on without a template: the module's default one, shown so
        that the user sees which e-mail leaves (and may choose another)."""
        for line in self.filtered(lambda ln: ln.send_email and not ln.mail_template_id):
            line.mail_template_id = self.env["followup.render"]._mail_template(line)

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_delay_value(vals)
        levels = super().create(vals_list)
        self.env["followup.partner.state"]._mark_companies(levels.company_id)
        return levels

    def unlink(self):
        """A level that was sent is part of the history: archive it instead."""
        used = (
            self.env["account.move"]
            .sudo()
            .search_count([("followup_line_id", "in", self.ids)], limit=1)
            or self.env["followup.reminder.item"]
            .sudo()
            .search_count(
                [
                    "|",
                    ("level_id", "in", self.ids),
                    ("previous_line_id", "in", self.ids),
                ],
                limit=1,
            )
            or self.env["followup.reminder"]
            .sudo()
            .search_count([("followup_line_id", "in", self.ids)], limit=1)
        )
        if used:
            raise UserError(
                self.env._(
                    "Follow-up level(s) %(levels)s were already sent: archive them "
                    "instead, so that the history keeps them.",
                    levels=", ".join(self.mapped("name")),
                )
            )
        self.env["followup.partner.state"]._mark_companies(self.sudo().company_id)
        return super().unlink()

    def write(self, vals):
        self._check_delay_value(vals)
        if vals.get("policy_id"):
            # a level moved to another policy must stay in the user's companies
            policy = self.env["followup.policy"].sudo().browse(vals["policy_id"])
            self.env["followup.engine"]._check_company_access(policy.company_id)
        state = self.env["followup.partner.state"]
        state._mark_companies(self.sudo().company_id)
        result = super().write(vals)
        state._mark_companies(self.sudo().company_id)
        return result

    # ------------------------------------------------------------------ BUSINESS
    @api.model
    def _check_delay_value(self, vals):
        """Refuse, before it reaches the database, a delay that would break dates
        (year 10240, integer overflow) on every screen later."""
        delay = vals.get("delay")
        if delay is None:
            return
        if not isinstance(delay, int) or not 0 <= delay <= DELAY_MAX:
            raise ValidationError(
                self.env._(
                    "The due days of a follow-up level must be a whole number "
                    "between 0 and %(max)s (got %(delay)s).",
                    max=DELAY_MAX,
                    delay=delay,
                )
            )

    def _get_next_level(self):
        """The level after this one in its policy (empty for the last one)."""
        self.ensure_one()
        levels = self.policy_id.line_ids.sorted(lambda x: (x.delay, x.id))
        index = levels.ids.index(self.id)
        return levels[index + 1 : index + 2]

    def _get_threshold_dates(self, due_dates):
        """Map each due date to the first date this level is due for it.

        :param due_dates: iterable of ``date``
        :return: dict {due_date: threshold date}
        """
        self.ensure_one()
        due_dates = set(due_dates)
        if self.term_type == "net_days":
            return {due: due + timedelta(days=self.delay) for due in due_dates}
        if self.term_type == "end_of_month":
            return {
                due: due.replace(day=calendar.monthrange(due.year, due.month)[1])
                + timedelta(days=self.delay)
                for due in due_dates
            }
        return self._working_day_thresholds(due_dates)

    def _is_counted_in_working_days(self):
        """Working days or business days: counted on a calendar."""
        return self.term_type in WORKING_TERM_TYPES

    def _working_day_thresholds(self, due_dates):
        """Thresholds counted in working days of the company's working schedule.

        One call to the resource calendar covers all due dates: working days of the
        whole span are listed once, then each threshold is a bisection. A company
        without a working schedule, or whose schedule has no working day in the
        coming years, counts Monday to Friday: a configuration slip never stops a
        customer form, a list or the daily run.
        """
        if not due_dates:
            return {}
        company = self.company_id or self.env.company
        resource_calendar = company.resource_calendar_id
        start = min(due_dates) + timedelta(days=1)
        # 7 calendar days hold at least 5 working days on usual schedules; add a
        # margin for holidays, and widen the window if it still is not enough.
        span = (max(due_dates) - start).days + self.delay * 7 // 5 + 31
        while True:
            if self.term_type == "business_days":
                work_days = self._business_days(
                    company, start, start + timedelta(days=span)
                )
            else:
                work_days = self._working_days(
                    resource_calendar, start, start + timedelta(days=span)
                )
            result = {}
            for due in due_dates:
                index = bisect.bisect_right(work_days, due) + self.delay - 1
                if self.delay == 0:
                    result[due] = due
                elif index < len(work_days):
                    result[due] = work_days[index]
                else:
                    break
            else:
                return result
            if resource_calendar and span > 3660 + self.delay * 7:
                _logger.warning(
                    "Working schedule %s has no working day in the coming years: "
                    "follow-up level %s counts Monday to Friday",
                    resource_calendar.name,
                    self.name,
                )
                resource_calendar = None
                continue
            span *= 2

    @api.model
    def _working_days(self, resource_calendar, date_from, date_to):
        """Working dates between two dates: the schedule's, else Monday to
        Friday."""
        if resource_calendar:
            return resource_calendar._followup_working_days(date_from, date_to)
        days = (date_to - date_from).days + 1
        return [
            day
            for day in (date_from + timedelta(days=n) for n in range(days))
            if day.weekday() < 5
        ]

    @api.model
    def _business_days(self, company, date_from, date_to):
        """Business days (jours ouvrables) between two dates: Monday to
        Saturday, except the public holidays of the company (leaves of no one,
        of its working schedule or of every schedule)."""
        schedule = company.resource_calendar_id
        tz = pytz.timezone((schedule and schedule.tz) or "UTC")
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("resource_id", "=", False),
                    ("company_id", "in", [company.id, False]),
                    ("calendar_id", "in", [schedule.id, False]),
                    ("date_from", "<=", datetime.combine(date_to, time.max)),
                    ("date_to", ">=", datetime.combine(date_from, time.min)),
                ]
            )
        )
        holidays = set()
        for leave in leaves:
            first = pytz.utc.localize(leave.date_from).astimezone(tz).date()
            last = pytz.utc.localize(leave.date_to).astimezone(tz).date()
            holidays.update(
                first + timedelta(days=n) for n in range((last - first).days + 1)
            )
        days = (date_to - date_from).days + 1
        return [
            day
            for day in (date_from + timedelta(days=n) for n in range(days))
            if day.weekday() < 6 and day not in holidays
        ]

    @api.model
    def _message_error(self, text):
        """Return why ``text`` is not a valid message, or False when it is."""
        return message_error(self.env, text)

    def _render_message(self, values):
        """The message in the current language, placeholders filled from ``values``
        (never Python's %-formatting: only ``%(key)s`` and ``%%`` are read)."""
        self.ensure_one()
        return self._fill_placeholders(self.description, values)

    @api.model
    def _fill_placeholders(self, text, values):
        """``text`` (a level's message, or the free message of a run) filled
        from ``values``, in the current language's typography."""
        return fill_placeholders(text, values, self.env.lang)
