# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import Form, tagged

from .common import FollowupSendCommon

TODAY = date(2026, 3, 1)


@tagged("post_install", "-at_install")
class TestFollowupSendSelection(FollowupSendCommon):
    """Send Reminders follows the selection: the figures follow the invoices
    ticked and « Échéances échues au », and what the user chose is kept."""

    def _wizard(self):
        return self.env["followup.send"].create({"date": TODAY, "due_limit": TODAY})

    @staticmethod
    def _figures(form):
        """{customer: (overdue, unpaid invoices)} of the form's lines."""
        figures = {}
        for index in range(len(form.line_ids)):
            with form.line_ids.edit(index) as line:
                figures[line.partner_id.name] = (
                    line.amount_overdue,
                    line.invoice_count,
                )
        return figures

    def test_figures_follow_the_due_date_reached(self):
        """Unticking an invoice, then changing « Échéances échues au » there and
        back: the header total and each customer's figures follow, and the
        invoice stays unticked."""
        with Form(self._wizard()) as form:
            self.assertEqual(form.selected_amount, 1500.0 + 450.0 + 80.0)
            with form.line_ids.edit(0) as line:
                with line.item_ids.edit(0) as item:
                    self.assertEqual(item.move_id, self.alpha_1)
                    item.included = False
            self.assertEqual(form.selected_amount, 300.0 + 450.0 + 80.0)
            # alpha_2 and beta_1 are not due yet on 21 January
            form.due_limit = date(2026, 1, 21)
            self.assertEqual(
                self._figures(form),
                {"Alpha Bâtiment": (0.0, 0), "Gamma Sans Mail": (80.0, 1)},
            )
            self.assertEqual(form.selected_amount, 80.0)
            form.due_limit = TODAY
            self.assertEqual(
                self._figures(form),
                {
                    "Alpha Bâtiment": (300.0, 1),
                    "Beta Conseil": (450.0, 1),
                    "Gamma Sans Mail": (80.0, 1),
                },
            )
            self.assertEqual(form.selected_amount, 300.0 + 450.0 + 80.0)
        wizard = form.record
        alpha = wizard.line_ids.filtered(lambda ln: ln.partner_id == self.alpha)
        self.assertEqual(alpha.item_ids.filtered("included").move_id, self.alpha_2)
        # printed: alpha_1 left out
        wizard.action_print()
        reminder = wizard.reminder_ids.filtered(lambda r: r.partner_id == self.alpha)
        self.assertEqual(reminder.item_ids.move_id, self.alpha_2)

    def test_choices_kept_when_the_date_changes(self):
        """A customer unticked and a level chosen stay so when the follow-up
        date changes."""
        wizard = self._wizard()
        beta = wizard.line_ids.filtered(lambda ln: ln.partner_id == self.beta)
        gamma = wizard.line_ids.filtered(lambda ln: ln.partner_id == self.gamma)
        beta.selected = False
        gamma.level_id = self.levels[1]
        with Form(wizard) as form:
            form.date = date(2026, 3, 2)
            self.assertEqual(form.selected_amount, 1500.0 + 80.0)
        lines = {line.partner_id: line for line in form.record.line_ids}
        self.assertFalse(lines[self.beta].selected)
        self.assertEqual(lines[self.gamma].level_id, self.levels[1])
        self.assertEqual(lines[self.gamma].proposed_level_id, self.levels[0])
        self.assertTrue(lines[self.alpha].selected)

    def test_single_company_user_saves_the_lines_with_their_company(self):
        """A user of one company (no company column): the wizard saved from
        the screen prints its letters."""
        user = self.user_invoice
        self.assertFalse(user.has_group("base.group_multi_company"))
        form = Form(
            self.env["followup.send"]
            .with_user(user)
            .with_context(default_date=TODAY, default_due_limit=TODAY)
        )
        wizard = form.save()
        self.assertEqual(wizard.line_ids.company_id, self.company)
        wizard.action_print()
        self.assertEqual(
            wizard.reminder_ids.partner_id, self.alpha | self.beta | self.gamma
        )
