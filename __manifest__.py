# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Customer Payment Follow-ups",
    "summary": "Payment reminders (relances clients): follow-up levels, letters, "
    "e-mails and a daily scheduled action",
    "version": "18.0.1.3.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/account-payment-followup/account_payment_followup",
    "author": "Account Payment Followup Contributors",
    "license": "AGPL-3",
    "depends": ["account", "mail", "resource"],
    "data": [
        "security/followup_security.xml",
        "security/ir.model.access.csv",
        "report/followup_letter_templates.xml",
        "data/mail_template_data.xml",
        "data/followup_policy_data.xml",
        "data/followup_ecb_rate_data.xml",
        "data/ir_cron_data.xml",
        "views/followup_policy_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "report/followup_letter_reports.xml",
        "views/followup_reminder_views.xml",
        "wizards/followup_send_views.xml",
        "wizards/followup_exclude_views.xml",
        "views/account_payment_followup_menus.xml",
        "report/followup_penalty_templates.xml",
        "views/followup_penalty_views.xml",
        "report/followup_recovery_report_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "account_payment_followup/static/src/**/*",
        ],
        "web.assets_tests": [
            "account_payment_followup/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": False,
}
