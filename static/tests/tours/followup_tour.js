/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// Accounting > Configuration > Follow-up Levels: add a level to the default policy.
registry.category("web_tour.tours").add("account_payment_followup_levels_tour", {
    url: "/odoo/action-account_payment_followup.followup_policy_action",
    steps: () => [
        {
            content: "Open the default policy",
            trigger: ".o_data_row .o_data_cell:contains('Default follow-up')",
            run: "click",
        },
        {
            content: "Add a level",
            trigger: ".o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_data_row.o_selected_row [name='name'] input",
            run: "edit Level 5: Collection agency",
        },
        {
            content: "75 days after the due date",
            trigger: ".o_data_row.o_selected_row [name='delay'] input",
            run: "edit 75",
        },
        {
            content: "Save the policy",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});

// Send Reminders: leave one invoice out, print, confirm.
registry.category("web_tour.tours").add("account_payment_followup_send_tour", {
    url: "/odoo/action-account_payment_followup.followup_send_action",
    steps: () => [
        {
            content: "Open the customer to remind",
            trigger: ".modal .o_data_row .o_data_cell[name='partner_id']:contains('Tour Customer')",
            run: "click",
        },
        {
            content: "Select the second invoice",
            trigger:
                ".modal:not(.o_inactive_modal) .o_data_row:contains('70.00') .o_data_cell[name='due_date']",
            run: "click",
        },
        {
            content: "Leave it out",
            trigger:
                ".modal:not(.o_inactive_modal) .o_data_row.o_selected_row .o_field_boolean_toggle input",
            run: "click",
        },
        {
            content: "It is left out",
            trigger:
                ".modal:not(.o_inactive_modal) .o_data_row:contains('70.00') .o_field_boolean_toggle input:not(:checked)",
        },
        {
            content: "Close the customer",
            trigger: ".modal:not(.o_inactive_modal) .modal-footer .o_form_button_save",
            run: "click",
        },
        {
            content: "Print the letters",
            trigger: ".modal button[name='action_print']",
            run: "click",
        },
        {
            content: "Confirm they were printed",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The customer moved",
            trigger: ".modal .o_field_html[name='result']:contains('Tour Customer')",
        },
    ],
});
