# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Probes of a hostile user of company A against company B, called the way the web
client calls the server (``onchange``, ``web_save``, ``write`` under ``with_user``)."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import FollowupCommon

TODAY = "2026-03-01"
LINES_SPEC = {
    "company_id": {},
    "line_ids": {
        "fields": {
            "partner_id": {"fields": {"display_name": {}}},
            "amount_overdue": {},
        }
    },
}


@tagged("post_install", "-at_install")
class TestFollowupSecurity(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Société B")["company"]
        cls.secret = cls.env["res.partner"].create(
            {"name": "Client Secret de B", "email": "secret@b.example"}
        )
        cls._create_invoice(cls.secret, 9876.0, "2026-01-01", company=cls.company_b)
        cls._create_invoice(cls.customer, 100.0, "2026-01-01")

    def _onchange_company(self, user, company):
        values = {"company_id": company.id, "date": TODAY, "due_limit": TODAY}
        return (
            self.env["followup.send"]
            .with_user(user)
            .onchange(values, ["company_id"], LINES_SPEC)
        )

    def test_wizard_onchange_to_other_company_refused(self):
        # the user's own company works through the same call...
        result = self._onchange_company(self.user_invoice, self.company)
        names = [
            command[2]["partner_id"]["display_name"]
            for command in result["value"]["line_ids"]
            if command[0] == Command.CREATE
        ]
        self.assertEqual(names, [self.customer.name])
        # ...another company's customers and amounts never come back
        with self.assertRaises(AccessError):
            self._onchange_company(self.user_invoice, self.company_b)

    def test_wizard_web_save_to_other_company_refused(self):
        wizard = self.env["followup.send"].with_user(self.user_invoice).create({})
        self.assertEqual(wizard.line_ids.partner_id, self.customer)
        with self.assertRaises(AccessError):
            wizard.web_save({"company_id": self.company_b.id}, LINES_SPEC)
        self.assertEqual(wizard.company_id, self.company)

    def test_wizard_lines_computed_with_user_rights(self):
        # a user allowed in both companies but working in A: B's data stays out
        # unless B is among the companies they work in
        both = new_test_user(
            self.env,
            login="fu_both_companies",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set((self.company | self.company_b).ids)],
        )
        result = self._onchange_company(both, self.company_b)
        amounts = [
            command[2]["amount_overdue"]
            for command in result["value"]["line_ids"]
            if command[0] == Command.CREATE
        ]
        self.assertEqual(amounts, [9876.0])

    def test_manager_cannot_move_policy_into_other_company(self):
        policy = (
            self.env["followup.policy"]
            .with_user(self.user_manager)
            .create({"name": "Planted", "is_default": False})
        )
        with self.assertRaises(AccessError):
            policy.write({"company_id": self.company_b.id, "is_default": True})
        default_b = self.env["followup.policy"]._get_company_default(self.company_b)
        self.assertEqual(len(default_b), 1)
        self.assertNotEqual(default_b.name, "Planted")
        # nor a level into a policy of the other company
        level = self.levels[0].with_user(self.user_manager)
        with self.assertRaises(AccessError):
            level.write({"policy_id": default_b.id})

    def test_single_default_checked_on_whole_company(self):
        # a manager of both companies, working in A only (B's policies are hidden
        # by the record rules), cannot give B a second default
        manager = new_test_user(
            self.env,
            login="fu_manager_both",
            groups="account.group_account_manager",
            company_id=self.company.id,
            company_ids=[Command.set((self.company | self.company_b).ids)],
        )
        Policy = (
            self.env["followup.policy"]
            .with_user(manager)
            .with_context(allowed_company_ids=self.company.ids)
        )
        policy = Policy.create({"name": "Second default", "is_default": False})
        with self.assertRaises(ValidationError):
            policy.write({"company_id": self.company_b.id, "is_default": True})

    def test_auditor_cannot_move_levels(self):
        auditor = new_test_user(
            self.env,
            login="fu_auditor",
            groups="account.group_account_readonly",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        invoice = self.env["account.move"].search(
            [("partner_id", "=", self.customer.id), ("move_type", "=", "out_invoice")]
        )
        customer = self.customer.with_user(auditor).with_context(followup_date=TODAY)
        with self.assertRaises(AccessError):
            customer.followup_line_id = self.levels[3]
        self.assertFalse(invoice.followup_line_id)
        self.assertFalse(
            self.env["followup.reminder"].search(
                [("partner_id", "=", self.customer.id)]
            )
        )

    def test_sent_level_cannot_be_deleted_only_archived(self):
        invoice = self.env["account.move"].search(
            [("partner_id", "=", self.customer.id), ("move_type", "=", "out_invoice")]
        )
        self.env["followup.batch"]._set_levels_by_hand({self.customer: self.levels[0]})
        self.assertEqual(invoice.followup_line_id, self.levels[0])
        level = self.levels[0].with_user(self.user_manager)
        with self.assertRaises(UserError):
            level.unlink()
        level.active = False
        # history and invoices keep it; the policy no longer sends it
        self.assertEqual(invoice.followup_line_id, self.levels[0])
        self.assertNotIn(self.levels[0], self.policy.line_ids)
        unused = self.env["followup.line"].create(
            {"policy_id": self.policy.id, "name": "Never sent", "delay": 90}
        )
        unused.with_user(self.user_manager).unlink()
        self.assertFalse(unused.exists())

    def test_default_policy_needs_a_successor(self):
        policy = self.policy.with_user(self.user_manager)
        with self.assertRaises(UserError):
            policy.active = False
        with self.assertRaises(UserError):
            policy.unlink()
        other = self.env["followup.policy"].create(
            {"name": "Other", "is_default": False}
        )
        policy.is_default = False
        other.is_default = True
        policy.active = False
        self.assertFalse(policy.active)
