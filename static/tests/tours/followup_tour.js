/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

const ACTIVE_MODAL = ".modal:not(.o_inactive_modal)";

// Send Reminders: open Tour Customer and leave its 70.00 invoice out.
function leaveOutTheSecondInvoice() {
    return [
        {
            content: "Open the customer to remind",
            trigger:
                ".modal .o_data_row .o_data_cell[name='partner_id']:contains('Tour Customer')",
            run: "click",
        },
        {
            content: "The customer's dialog is named after it, without Save & New",
            trigger: `${ACTIVE_MODAL} .modal-title:contains('Tour Customer')`,
            run() {
                if (document.querySelector(`${ACTIVE_MODAL} .o_form_button_save_new`)) {
                    throw new Error("Save & New in the customer's dialog");
                }
            },
        },
        {
            content: "Select the second invoice",
            trigger: `${ACTIVE_MODAL} .o_data_row:contains('70.00') .o_data_cell[name='due_date']`,
            run: "click",
        },
        {
            content: "Leave it out",
            trigger: `${ACTIVE_MODAL} .o_data_row.o_selected_row .o_field_boolean_toggle input`,
            run: "click",
        },
        {
            content: "It is left out",
            trigger: `${ACTIVE_MODAL} .o_data_row:contains('70.00') .o_field_boolean_toggle input:not(:checked)`,
        },
        {
            content: "The customer's overdue follows",
            trigger: `${ACTIVE_MODAL} [name='amount_overdue']:contains('500.00')`,
        },
        {
            content: "Close the customer",
            trigger: `${ACTIVE_MODAL} .modal-footer .o_form_button_save`,
            run: "click",
        },
    ];
}

// Send Reminders: print the letters and confirm they were printed.
function printAndConfirm() {
    return [
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
    ];
}

// Accounting > Configuration > Follow-up Levels: add a level to the default
// policy; it starts after the last level, without e-mail.
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
            content: "It is due 15 days after the last level",
            trigger: ".o_data_row.o_selected_row [name='delay'] input",
            run() {
                if (this.anchor.value !== "75") {
                    throw new Error(`New level due after ${this.anchor.value} days`);
                }
            },
        },
        {
            content: "It sends no e-mail until a template is chosen",
            trigger: ".o_data_row.o_selected_row [name='send_email'] input:not(:checked)",
        },
        {
            content: "Name it",
            trigger: ".o_data_row.o_selected_row [name='name'] input",
            run: "edit Level 5: Collection agency",
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
        {
            content: "Open the new level's form",
            trigger:
                ".o_data_row:contains('Level 5: Collection agency') .o_list_record_open_form_view button",
            run: "click",
        },
        {
            content: "Plan a manual action",
            trigger: ".o_form_view [name='manual_action'] input",
            run: "click",
        },
        {
            content: "The note of the action has its label",
            trigger: ".o_form_view .o_form_label:contains('Action To Do')",
        },
        {
            content: "Write it",
            trigger: ".o_form_view [name='manual_action_note'] textarea",
            run: "edit Call the collection agency",
        },
        {
            content: "Save the level",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});

// A policy's levels: every column header fits (the full name shows on hover).
registry.category("web_tour.tours").add("account_payment_followup_level_columns_tour", {
    steps: () => [
        {
            content: "The levels' column headers fit",
            trigger: ".o_field_x2many_list th[data-name='manual_action']",
            run() {
                const labels = document.querySelectorAll(
                    ".o_field_x2many_list th[data-name] span.text-truncate"
                );
                for (const label of labels) {
                    if (label.scrollWidth > label.clientWidth) {
                        throw new Error(`Column header cut: ${label.textContent}`);
                    }
                }
                // a short label: the field's full name on hover
                const header = document.querySelector(
                    ".o_field_x2many_list th[data-name='send_email'] [data-tooltip-info]"
                );
                const info = JSON.parse(header.dataset.tooltipInfo);
                if (info.field.label !== "Envoyer un courriel") {
                    throw new Error(`Hover shows ${info.field.label}`);
                }
            },
        },
    ],
});

// Send Reminders at 1366x768: the customers' columns fit the dialog, their
// headers are not cut, and a long name shows whole on hover.
registry.category("web_tour.tours").add("account_payment_followup_send_columns_tour", {
    steps: () => [
        {
            content: "The customers' list fits, its main headers are not cut",
            trigger: ".modal .o_field_x2many_list th[data-name='invoice_count']",
            run() {
                const list = document.querySelector(".modal .o_field_x2many_list .o_list_renderer");
                if (list.scrollWidth > list.clientWidth) {
                    throw new Error(`List wider than the dialog: ${list.scrollWidth} > ${list.clientWidth}`);
                }
                const names = [
                    "partner_id",
                    "email",
                    "amount_overdue",
                    "level_id",
                    "followup_date",
                    "invoice_count",
                ];
                for (const name of names) {
                    const label = list.querySelector(`th[data-name='${name}'] span.text-truncate`);
                    if (label.scrollWidth > label.clientWidth) {
                        throw new Error(`Column header cut: ${label.textContent}`);
                    }
                }
            },
        },
        {
            content: "A long customer name shows whole on hover",
            trigger:
                ".modal .o_data_row td[name='partner_id'][data-tooltip='Établissements Lefebvre-Marchand et Fils Réunis']",
        },
    ],
});

// Send Reminders: leave one invoice out, print, confirm.
registry.category("web_tour.tours").add("account_payment_followup_send_tour", {
    url: "/odoo/action-account_payment_followup.followup_send_action",
    steps: () => [...leaveOutTheSecondInvoice(), ...printAndConfirm()],
});

// Send Reminders by e-mail, as the guides show it: a message for this run, a
// level chosen in the list, the e-mail settings and « Vous allez relancer N
// clients, confirmez-vous ? » before anything is sent.
registry.category("web_tour.tours").add("account_payment_followup_email_tour", {
    url: "/odoo/action-account_payment_followup.followup_send_action",
    steps: () => [
        {
            content: "The level due is shown in its colour",
            trigger:
                ".modal .o_data_row:contains('Tour Customer') .o_followup_level.o_tag_color_10:contains('Level 1')",
        },
        {
            content: "Write a message for this run",
            trigger: ".modal [name='message'] textarea",
            run: "edit Our bank details change on 1 April.",
        },
        {
            content: "Open the levels from the customer's badge",
            trigger: ".modal .o_data_row:contains('Tour Customer') .o_followup_level_toggle",
            run: "click",
        },
        {
            content: "Choose the second level",
            trigger: ".o_followup_level_option:contains('Level 2')",
            run: "click",
        },
        {
            content: "The list shows the level chosen, in its colour",
            trigger:
                ".modal .o_data_row:contains('Tour Customer') .o_followup_level.o_tag_color_3:contains('Level 2')",
        },
        {
            content: "Send by e-mail",
            trigger: ".modal button[name='action_send_email']",
            run: "click",
        },
        {
            content: "How many customers, for how much: confirm?",
            trigger:
                ".modal [name='email_confirmation']:contains('You are about to remind 1 customer(s)'):contains('570.00')",
        },
        {
            content: "The first customer's e-mail carries the run's message",
            trigger:
                ".modal [name='email_preview_body']:contains('Our bank details change on 1 April.')",
        },
        {
            content: "Confirm and send",
            trigger: ".modal button[name='action_confirm']:contains('Send')",
            run: "click",
        },
        {
            content: "Sent",
            trigger: ".modal .o_field_html[name='result']:contains('E-mailed: 1')",
        },
    ],
});

// Send Reminders' preview from a customer's line (ISAGRI's magnifier): the
// letter as printed and the e-mail, in a dialog over the wizard, which keeps
// the invoices left out and its totals.
registry.category("web_tour.tours").add("account_payment_followup_preview_tour", {
    url: "/odoo/action-account_payment_followup.followup_send_action",
    steps: () => [
        {
            content: "The header total counts both invoices",
            trigger: ".modal [name='selected_amount']:contains('570.00')",
        },
        ...leaveOutTheSecondInvoice(),
        {
            content: "The header total follows the invoices ticked",
            trigger: ".modal [name='selected_amount']:contains('500.00')",
        },
        {
            content: "Preview the customer's letter from its line",
            trigger:
                ".modal .o_data_row:contains('Tour Customer') button[name='action_preview']",
            run: "click",
        },
        {
            content: "The letter, over the wizard, lists the invoice ticked",
            trigger:
                ".o_followup_preview .o_followup_preview_letter iframe:iframe .page:contains('Tour Customer'):contains('500.00')",
            run() {
                if (this.anchor.textContent.includes("70.00")) {
                    throw new Error("The letter lists the invoice left out");
                }
            },
        },
        {
            content: "See the e-mail",
            trigger: ".o_followup_preview .o_followup_preview_tab_email",
            run: "click",
        },
        {
            content: "It goes to the customer's address",
            trigger: ".o_followup_preview .o_followup_preview_to:contains('tour@example.com')",
        },
        {
            content: "Its table lists the invoice ticked",
            trigger: ".o_followup_preview .o_followup_preview_body:contains('500.00')",
        },
        {
            content: "Close the preview",
            trigger: ".o_followup_preview .o_followup_preview_close",
            run: "click",
        },
        {
            content: "The wizard is still there, with its selection",
            trigger: `${ACTIVE_MODAL} [name='selected_amount']:contains('500.00')`,
        },
        ...printAndConfirm(),
    ],
});

// Send by e-mail to customers of whom one has no address: the result lists it,
// « Print their letters » prints exactly that one, then confirm.
registry.category("web_tour.tours").add("account_payment_followup_leftovers_tour", {
    url: "/odoo/action-account_payment_followup.followup_send_action",
    steps: () => [
        {
            content: "Send by e-mail",
            trigger: ".modal button[name='action_send_email']",
            run: "click",
        },
        {
            content: "Confirm and send",
            trigger: ".modal button[name='action_confirm']:contains('Send')",
            run: "click",
        },
        {
            content: "The customer without address is listed, not reminded",
            trigger:
                ".modal .o_field_html[name='result']:contains('Sans Courriel'):contains('no valid e-mail address')",
        },
        {
            content: "Print their letters",
            trigger: ".modal button[name='action_print_leftovers']",
            run: "click",
        },
        {
            content: "Confirm they were printed",
            trigger: ".modal button[name='action_confirm']:contains('Confirm')",
            run: "click",
        },
        {
            content: "The customer without address moved after printing",
            trigger:
                ".modal .o_field_html[name='result']:contains('Moved to their next level after printing'):contains('Sans Courriel')",
        },
    ],
});

// Settings: after installation nothing is sent automatically, and the page says
// how many customers automatic sending would e-mail today.
registry.category("web_tour.tours").add("account_payment_followup_auto_send_off_tour", {
    url: "/odoo/settings#account",
    steps: () => [
        {
            content: "Automatic sending is off",
            trigger:
                "#followup_auto_send_setting input[type='checkbox']:not(:checked)",
        },
        {
            content: "The count of customers it would e-mail today is shown",
            trigger: "#followup_auto_send_setting:contains('Customers it would e-mail today')",
        },
    ],
});
