# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import format_amount

from .common import FollowupCommon

TODAY = "2026-03-01"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestFollowupHold(FollowupCommon):
    """Promises to pay and disputes: an invoice out of the follow-up until a
    resume date, back by itself on that day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.level_0 = cls.levels[0]
        Partner = cls.env["res.partner"]
        cls.alpha = Partner.create({"name": "Alpha", "email": "alpha@example.com"})
        cls.beta = Partner.create({"name": "Beta", "email": "beta@example.com"})
        cls.alpha_1 = cls._create_invoice(cls.alpha, 1000.0, "2026-01-01", "2026-01-31")
        cls.alpha_2 = cls._create_invoice(cls.alpha, 200.0, "2026-01-05", "2026-01-31")
        cls.beta_1 = cls._create_invoice(cls.beta, 300.0, "2026-01-01", "2026-01-31")
        cls.company.followup_auto_send = True
        cls.cron = cls.env.ref("account_payment_followup.followup_send_ir_cron")

    def _hold(self, move, **values):
        """A hold recorded by an invoicing user through the dialog."""
        form = Form(
            self.env["followup.hold"]
            .with_user(self.user_invoice)
            .with_context(default_move_id=move.id)
        )
        for name, value in values.items():
            setattr(form, name, value)
        return form.save().sudo(False).with_env(self.env)

    def _run_cron(self):
        """The daily run through its scheduled action: the reminder e-mails it
        queued."""
        existing = self.env["mail.mail"].search([])
        self.cron.method_direct_trigger()
        return self.env["mail.mail"].search(
            [("id", "not in", existing.ids), ("model", "=", "followup.reminder")]
        )

    def _status(self, partner, on=None):
        partner = partner.with_context(followup_date=on) if on else partner
        partner.invalidate_recordset()
        return partner.followup_status

    def test_promise_and_dispute_hold_until_their_resume_date(self):
        promise = self._hold(
            self.alpha_1, promise_date=date(2026, 3, 10), amount=1000.0
        )
        # three days for the transfer to reach the bank statement
        self.assertEqual(promise.resume_date, date(2026, 3, 13))
        self.assertEqual(self.alpha_1.followup_hold_id, promise)
        self.assertEqual(self.alpha_1.followup_hold_until, date(2026, 3, 13))
        self.assertIn("Promise to pay", self.alpha_1.message_ids[0].body)
        # the other invoice is still due: the letter lists it alone
        self.assertEqual(self._status(self.alpha), "action")
        wizard = self.env["followup.send"].create({"date": TODAY})
        alpha_line = wizard.line_ids.filtered(
            lambda line: line.partner_id == self.alpha
        )
        self.assertEqual(alpha_line.item_ids.move_id, self.alpha_2)
        wizard.unlink()

        dispute = self._hold(
            self.alpha_2,
            kind="dispute",
            reason="Livraison incomplète",
            resume_date=date(2026, 3, 20),
        )
        self.assertEqual(dispute.display_name, "Dispute: Livraison incomplète")
        # everything of Alpha on hold: nothing overdue nor to remind until the
        # resume dates, and the story says why
        self.assertEqual(self._status(self.alpha), "ok")
        self.assertEqual(self.alpha.followup_amount_overdue, 0.0)
        self.alpha.invalidate_recordset()
        self.assertEqual(self.alpha.followup_next_date, date(2026, 3, 13))
        self.assertIn("On hold", self.alpha.followup_summary)
        self.assertIn(self.alpha_2.name, self.alpha.followup_summary)
        self.assertEqual(self.alpha.followup_hold_ids, promise | dispute)
        mails = self._run_cron()
        self.assertEqual(mails.recipient_ids, self.beta)
        self.assertFalse(self.alpha_1.followup_line_id)
        # the stored state agrees with the engine on every date
        state = self.env["followup.partner.state"]
        self.assertEqual(
            state._check(
                self.company,
                [date(2026, 3, day) for day in (1, 12, 13, 19, 20, 21)],
            ),
            [],
        )
        # back by itself on the resume date: the promise was not kept
        self.assertEqual(self._status(self.alpha, "2026-03-12"), "ok")
        self.assertEqual(self._status(self.alpha, "2026-03-13"), "action")
        with freeze_time("2026-03-13"):
            mails = self._run_cron()
        self.assertEqual(mails.recipient_ids, self.alpha)
        self.assertEqual(promise.state, "broken")
        self.assertEqual(dispute.state, "open")
        reminder = self.env["followup.reminder"].browse(mails.res_id)
        self.assertEqual(reminder.item_ids.move_id, self.alpha_1)
        amount = format_amount(self.env, 1000.0, self.company.currency_id)
        self.assertIn(
            f"You promised to pay {amount} on invoice {self.alpha_1.name} by "
            "03/10/2026; we have not received this payment.",
            reminder.message,
        )
        self.assertIn("we have not received this payment", mails.body_html)
        # a to-do for the promise's owner
        activity = self.alpha.activity_ids.filtered(
            lambda act: act.summary == f"Promise to pay broken: {self.alpha_1.name}"
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_invoice)
        self.assertIn("Call the customer", str(activity.note))
        # the dispute ends on its own date, its owner is asked to settle it
        with freeze_time("2026-03-20"):
            self._run_cron()
        self.assertEqual(dispute.state, "ended")
        self.assertEqual(self.alpha_2.followup_line_id, self.level_0)
        self.assertEqual(
            self.alpha.activity_ids.filtered(
                lambda act: act.summary == f"Dispute to settle: {self.alpha_2.name}"
            ).user_id,
            self.user_invoice,
        )

    def test_kept_promise(self):
        promise = self._hold(self.alpha_1, promise_date=date(2026, 3, 10), amount=600.0)
        self._pay(self.alpha_1, 600.0, "2026-03-09")
        with freeze_time("2026-03-13"):
            mails = self._run_cron()
        self.assertEqual(promise.state, "kept")
        self.assertEqual(promise.amount_paid, 600.0)
        reminder = self.env["followup.reminder"].browse(
            mails.filtered(lambda mail: mail.recipient_ids == self.alpha).res_id
        )
        # the rest is reminded, without recalling a promise that was kept
        self.assertEqual(reminder.amount_due, 600.0)
        self.assertNotIn("promised", reminder.message)
        self.assertFalse(
            self.alpha.activity_ids.filtered(lambda act: "broken" in act.summary)
        )

    def test_changed_promise_moves_the_state(self):
        promise = self._hold(
            self.alpha_1, promise_date=date(2026, 3, 10), amount=1000.0
        )
        self._hold(self.alpha_2, kind="dispute", reason="Prix contesté")
        state = self.env["followup.partner.state"]
        # the customer promises a later date: the resume date follows
        promise.promise_date = date(2026, 3, 20)
        self.assertEqual(promise.resume_date, date(2026, 3, 23))
        self.assertEqual(state._check(self.company), [])
        self.alpha.invalidate_recordset()
        self.assertEqual(self.alpha.followup_next_date, date(2026, 3, 23))
        # its status follows the payments and the dates, not a hand-made write
        with self.assertRaisesRegex(UserError, "Resume Follow-up Now"):
            promise.with_user(self.user_invoice).write({"state": "kept"})

    def test_held_invoice_is_not_owed_before_its_resume_date(self):
        """A disputed invoice does not count against the customer's credits:
        the credit covers the rest, nothing is due."""
        self._hold(self.alpha_1, kind="dispute", reason="Livraison incomplète")
        self._create_invoice(self.alpha, 800.0, "2026-01-15", move_type="out_refund")
        self.assertEqual(self._status(self.alpha), "ok")
        wizard = self.env["followup.send"].create({"date": TODAY})
        self.assertNotIn(self.alpha, wizard.line_ids.partner_id)
        self.assertEqual(self.env["followup.partner.state"]._check(self.company), [])

    def test_resume_now(self):
        dispute = self._hold(self.alpha_1, kind="dispute", reason="Prix contesté")
        self.assertEqual(dispute.resume_date, date(2026, 3, 31))
        self._hold(self.alpha_2, kind="dispute", reason="Prix contesté")
        self.assertEqual(self._status(self.alpha), "ok")
        dispute.with_user(self.user_invoice).action_end()
        self.assertEqual(dispute.state, "ended")
        self.assertEqual(dispute.resume_date, date(2026, 3, 1))
        self.assertEqual(self._status(self.alpha), "action")
        self.assertFalse(self.alpha_1.followup_hold_id)
        self.assertEqual(self.env["followup.partner.state"]._check(self.company), [])

    def test_bad_values_refused_when_saved(self):
        with (
            self.assertRaisesRegex(ValidationError, "amount promised"),
            self.cr.savepoint(),
        ):
            self._hold(self.alpha_1, promise_date=date(2026, 3, 10))
        with (
            self.assertRaisesRegex(ValidationError, "more than what remains"),
            self.cr.savepoint(),
        ):
            self._hold(self.alpha_1, promise_date=date(2026, 3, 10), amount=1500.0)
        with (
            self.assertRaisesRegex(ValidationError, "before the promised date"),
            self.cr.savepoint(),
        ):
            self._hold(
                self.alpha_1,
                promise_date=date(2026, 3, 10),
                amount=100.0,
                resume_date=date(2026, 3, 5),
            )
        with (
            self.assertRaisesRegex(ValidationError, "needs its reason"),
            self.cr.savepoint(),
        ):
            self.env["followup.hold"].create(
                {"move_id": self.alpha_1.id, "kind": "dispute", "reason": " "}
            )
        self._hold(self.alpha_1, kind="dispute", reason="Prix contesté")
        with (
            self.assertRaisesRegex(ValidationError, "already has an open"),
            self.cr.savepoint(),
        ):
            self._hold(self.alpha_1, kind="dispute", reason="Encore")
        refund = self._create_invoice(
            self.alpha, 50.0, "2026-01-01", move_type="out_refund"
        )
        with (
            self.assertRaisesRegex(ValidationError, "posted customer invoice"),
            self.cr.savepoint(),
        ):
            self.env["followup.hold"].create(
                {"move_id": refund.id, "kind": "dispute", "reason": "Avoir"}
            )

    def test_recorded_from_the_wizard_leaves_the_letter(self):
        wizard = (
            self.env["followup.send"]
            .with_user(self.user_invoice)
            .create({"date": TODAY})
        )
        line = wizard.line_ids.filtered(lambda line: line.partner_id == self.alpha)
        item = line.item_ids.filtered(lambda item: item.move_id == self.alpha_1)
        action = item.action_followup_hold()
        self.assertEqual(action["res_model"], "followup.hold")
        form = Form(
            self.env["followup.hold"]
            .with_user(self.user_invoice)
            .with_context(**action["context"])
        )
        form.promise_date = date(2026, 3, 15)
        form.amount = 1000.0
        form.save()
        self.assertFalse(item.included)
        wizard.action_print()
        wizard.action_confirm()
        self.assertFalse(self.alpha_1.followup_line_id)
        self.assertEqual(self.alpha_2.followup_line_id, self.level_0)
