/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// Send Reminders' customers: a row opens the customer and its invoices in a
// dialog named after it. The wizard is saved first, so that the dialog is the
// customer's (Save, Discard) and not a new line's (« Ouvrir : Clients à
// relancer », Save & New).
import {X2ManyField, x2ManyField} from "@web/views/fields/x2many/x2many_field";
import {registry} from "@web/core/registry";

function sameCustomer(line, other) {
    const key = (rec) => [rec.data.partner_id?.[0], rec.data.company_id?.[0]].join();
    return key(line) === key(other);
}

export class FollowupSendLinesField extends X2ManyField {
    async openRecord(record) {
        if (!this.canOpenRecord) {
            return;
        }
        let line = record;
        if (!line.resId) {
            const index = this.list.records.indexOf(record);
            if (!(await this.props.record.save())) {
                return;
            }
            line =
                this.list.records.find((rec) => sameCustomer(rec, record)) ||
                this.list.records[index] ||
                record;
        }
        return this._openRecord({
            record: line,
            context: this.props.context,
            mode: this.props.readonly ? "readonly" : "edit",
            title: line.data.partner_id ? line.data.partner_id[1] : undefined,
        });
    }
}

export const followupSendLinesField = {
    ...x2ManyField,
    component: FollowupSendLinesField,
};

registry.category("fields").add("followup_send_lines", followupSendLinesField);
