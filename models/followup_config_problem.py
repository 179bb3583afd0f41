# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What stops or changes the payment follow-ups of a company, told to a person.

A broken configuration never makes a screen or the daily run fail (the engine
falls back, the daily run goes on with the other companies), but it must not go
unnoticed either. Two kinds of problems:

* found by the configuration checks (:meth:`_check_company`): no default
  policy, a policy without level, a level whose due days are out of range,
  whose message is invalid or that has no e-mail template, no address to send
  from, a working schedule that cannot be read or has no working day;
* met by the daily run: letters or an e-mail template that cannot be
  rendered, an error that stopped the company's run.

The daily run reports each problem once (:meth:`_report`): an activity for the
company's follow-up responsible, in their language, and one record here until
the problem is gone. The Settings page lists them (:meth:`_company_messages`).
"""

from datetime import timedelta

import pytz
from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models

from .followup_line import DELAY_MAX

# the start of an error is what a person reads in an activity
REASON_MAX_LENGTH = 300


class FollowupConfigProblem(models.Model):
    _name = "followup.config.problem"
    _description = "Payment Follow-up Configuration Problem"
    _order = "company_id, id"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    code = fields.Char(
        required=True,
        readonly=True,
        help="What is wrong: the same problem is reported once.",
    )
    origin = fields.Selection(
        [("check", "Configuration Check"), ("run", "Daily Run")],
        required=True,
        readonly=True,
        help="Configuration Check: found again (or gone) at each check. Daily "
        "Run: gone once a run worked where it failed.",
    )
    message = fields.Text(readonly=True)
    activity_id = fields.Many2one(
        "mail.activity", string="Activity", readonly=True, ondelete="set null"
    )

    _sql_constraints = [
        (
            "company_code_uniq",
            "unique(company_id, code)",
            "A follow-up problem is reported once per company.",
        )
    ]

    # ------------------------------------------------------------------ BUSINESS
    @api.model
    def _check_company(self, company):
        """The configuration problems of ``company``, in the current language.

        Cheap checks (a few queries, nothing rendered), the same the daily run
        and the Settings page make.

        :return: {problem code: what is wrong and how to fix it}
        """
        self = self.sudo()  # noqa: PLW0642 - the whole company, whoever asks
        problems = {}
        policies = self.env["followup.policy"].search([("company_id", "=", company.id)])
        levels = policies.line_ids
        usable = levels.filtered(lambda line: 0 <= line.delay <= DELAY_MAX)
        if not policies.filtered("is_default"):
            problems["default_policy"] = self.env._(
                "%(company)s has no default follow-up policy: customers without "
                "a policy of their own are never reminded. Tick “Company "
                "Default” on one of its policies (Invoicing ▸ Configuration ▸ "
                "Follow-up Levels).",
                company=company.name,
            )
        for policy in policies.filtered(lambda pol: not pol.line_ids & usable):
            problems[f"policy_{policy.id}"] = self.env._(
                "Follow-up policy “%(policy)s” has no active level: its customers "
                "are never reminded. Add a level or restore an archived one "
                "(Invoicing ▸ Configuration ▸ Follow-up Levels).",
                policy=policy.name,
            )
        for level in levels - usable:
            problems[f"delay_{level.id}"] = self.env._(
                "Follow-up level “%(level)s” has %(delay)s due days, more than "
                "%(max)s: it is never sent. Correct its due days (Invoicing ▸ "
                "Configuration ▸ Follow-up Levels).",
                level=level.name,
                delay=level.delay,
                max=DELAY_MAX,
            )
        batch = self.env["followup.batch"]
        email_levels = usable.filtered("send_email")
        render = self.env["followup.render"]
        without = email_levels.filtered(lambda line: not render._mail_template(line))
        if without:
            problems["level_template"] = self.env._(
                "These follow-up levels have no e-mail template for payment "
                "reminders (it was deleted, or is meant for other documents): "
                "%(levels)s. Their reminders are not e-mailed. Choose a template "
                "on each level, or untick “Send an E-mail” (Invoicing ▸ "
                "Configuration ▸ Follow-up Levels).",
                levels=", ".join(without.mapped("name")),
            )
        invalid = self._invalid_messages(email_levels)
        if invalid:
            problems["level_message"] = self.env._(
                "The message of these follow-up levels is invalid: %(levels)s. "
                "Their reminders are not e-mailed automatically until it is "
                "corrected on each level (Invoicing ▸ Configuration ▸ Follow-up "
                "Levels).",
                levels="; ".join(
                    f"{level.name} ({error})" for level, error in invalid.items()
                ),
            )
        # the daily run sends as the scheduler's user (see followup.batch._sender)
        sender = batch.with_user(SUPERUSER_ID)._sender(company)
        if (
            company.followup_auto_send
            and email_levels.filtered("auto_send")
            and not sender["email_from"]
        ):
            problems["sender"] = self.env._(
                "%(company)s has no e-mail address to send reminders from: the "
                "daily run e-mails nobody. Give the company an e-mail address, or "
                "choose a follow-up responsible who has one (Settings ▸ Invoicing "
                "▸ Payment Follow-ups).",
                company=company.name,
            )
        problems.update(self._check_schedule(company, usable))
        return problems

    @api.model
    def _invalid_messages(self, levels):
        """The levels whose message, in one of the installed languages, would
        not pass the level's validation (written with SQL, or before the
        validation existed): {level: why}."""
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        invalid = {}
        for level in levels:
            for lang in langs:
                text = level.with_context(lang=lang).description
                error = level._message_error(text)
                if error:
                    invalid[level] = error
                    break
        return invalid

    @api.model
    def _check_schedule(self, company, levels):
        """The working schedule that working-day ``levels`` count on: one
        that cannot be read or has no working day makes them count Monday to
        Friday (see ``followup.engine._level_thresholds``)."""
        working = levels.filtered(lambda line: line._is_counted_in_working_days())
        schedule = company.resource_calendar_id
        if not working or not schedule:
            return {}
        today = fields.Date.context_today(self)
        try:
            with self.env.cr.savepoint(flush=False):
                pytz.timezone(schedule.tz or "UTC")
                days = schedule._followup_working_days(
                    today, today + timedelta(days=366)
                )
        except Exception as error:  # noqa: BLE001 - what is wrong, told to a person
            return {
                "schedule": self.env._(
                    "The working schedule “%(schedule)s” of %(company)s cannot be "
                    "read (%(error)s): working-day levels count Monday to Friday. "
                    "Correct its time zone and working hours, or choose another "
                    "schedule for the company.",
                    schedule=schedule.name,
                    company=company.name,
                    error=error,
                )
            }
        if not days and "working_days" in working.mapped("term_type"):
            return {
                "schedule": self.env._(
                    "The working schedule “%(schedule)s” of %(company)s has no "
                    "working day in the coming year: working-day levels count "
                    "Monday to Friday. Add its working hours, or choose another "
                    "schedule for the company.",
                    schedule=schedule.name,
                    company=company.name,
                )
            }
        return {}

    @api.model
    def _run_message(self, company, code, reason):
        """What a problem the daily run met means, in the current language."""
        if len(reason) > REASON_MAX_LENGTH:
            # a rendering error comes with its traceback: its start says enough
            reason = reason[:REASON_MAX_LENGTH].rstrip() + "…"
        if code == "letter":
            return self.env._(
                "The reminder letters of %(company)s cannot be rendered "
                "(%(reason)s): its reminders are not e-mailed until they can. "
                "Check the company's document layout (Settings ▸ General Settings "
                "▸ Document Layout).",
                company=company.name,
                reason=reason,
            )
        if code.startswith("template_"):
            template = self.env["mail.template"].browse(int(code[9:])).exists()
            return self.env._(
                "The e-mail template “%(template)s” cannot be rendered "
                "(%(reason)s): the reminders of its levels are not e-mailed until "
                "it is corrected (Settings ▸ Technical ▸ Email Templates).",
                template=template.name,
                reason=reason,
            )
        return self.env._(
            "The daily run of payment reminders stopped on an error for "
            "%(company)s (%(reason)s): its customers were not reminded, those of "
            "the other companies were. It tries again every day; if this goes "
            "on, tell your Odoo administrator.",
            company=company.name,
            reason=reason,
        )

    @api.model
    def _report(self, company, failed=None, worked=()):
        """Tell the company's follow-up responsible, once, what stops or changes
        its follow-ups; forget the problems that are gone (and close their
        activity).

        :param failed: {problem code: reason} met by the daily run
        :param worked: codes of the run-time problems the run proved fixed
        """
        self = self.sudo()  # noqa: PLW0642 - the daily run covers every company
        Reminder = self.env["followup.reminder"]
        # the same person as every follow-up activity, never OdooBot
        user = Reminder.new({"company_id": company.id})._responsible_user()
        person = self.with_env(Reminder._person_env(user, company))
        problems = {
            code: (message, "check")
            for code, message in person._check_company(company).items()
        }
        for code, reason in (failed or {}).items():
            problems.setdefault(
                code, (person._run_message(company, code, reason), "run")
            )
        known = self.search([("company_id", "=", company.id)])
        gone = known.filtered(
            lambda problem: problem.code not in problems
            and (problem.origin == "check" or problem.code in worked)
        )
        known_codes = set((known - gone).mapped("code"))
        gone._close()
        vals_list = []
        for code, (message, origin) in problems.items():
            if code in known_codes:
                continue
            activity = company.partner_id.with_env(person.env).activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(self),
                summary=person.env._(
                    "Payment follow-ups of %(company)s: a setting to fix",
                    company=company.name,
                ),
                note=Markup("<p>%s</p><p>%s</p>")
                % (
                    message,
                    person.env._(
                        "Settings ▸ Invoicing ▸ Payment Follow-ups lists what is "
                        "still to fix."
                    ),
                ),
                user_id=user.id,
            )
            vals_list.append(
                {
                    "company_id": company.id,
                    "code": code,
                    "origin": origin,
                    "message": message,
                    "activity_id": activity.id,
                }
            )
        self.create(vals_list)

    @api.model
    def _forget_companies(self, companies):
        """The problems of the companies the daily run no longer covers
        (automatic sending turned off) are forgotten."""
        self.sudo().search([("company_id", "not in", companies.ids)])._close()

    @api.model
    def _company_messages(self, company):
        """What is wrong with the follow-ups of ``company`` now, in the current
        language: the configuration checks, and what the daily run met and did
        not see fixed since."""
        messages = list(self._check_company(company).values())
        met = self.sudo().search(
            [("company_id", "=", company.id), ("origin", "=", "run")]
        )
        return messages + met.mapped("message")

    def _close(self):
        """Gone: the activity, if still open, and the record."""
        self.activity_id.exists().unlink()
        self.unlink()
