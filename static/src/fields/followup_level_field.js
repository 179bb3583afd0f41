/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A follow-up level shown as a badge in its level's colour (ISAGRI: « le niveau
// de relance sera indiqué avec une couleur distinctive »).
// With the option `choose_in_list`, the badge opens the levels of the same
// policy, so that another level can be chosen right in the list (ISAGRI: « en
// ouvrant la liste déroulante pour choisir un autre niveau »). Elsewhere, in
// edition, it is the usual many2one.
import {
    Many2OneField,
    many2OneField,
} from "@web/views/fields/many2one/many2one_field";
import {Dropdown} from "@web/core/dropdown/dropdown";
import {DropdownItem} from "@web/core/dropdown/dropdown_item";
import {registry} from "@web/core/registry";
import {useState} from "@odoo/owl";

export class FollowupLevelField extends Many2OneField {
    static template = "account_payment_followup.FollowupLevelField";
    static components = {...Many2OneField.components, Dropdown, DropdownItem};
    static props = {
        ...Many2OneField.props,
        colorField: {type: String, optional: true},
        chooseInList: {type: Boolean, optional: true},
    };

    setup() {
        super.setup();
        this.levels = useState({list: []});
    }

    get colorIndex() {
        return (
            (this.props.colorField && this.props.record.data[this.props.colorField]) || 0
        );
    }

    async loadLevels() {
        this.levels.list = await this.orm.searchRead(
            this.relation,
            this.getDomain(),
            ["display_name", "color"],
            {order: "delay, id", context: this.context}
        );
    }

    async chooseLevel(level) {
        await this.updateRecord([level.id, level.display_name]);
    }
}

export const followupLevelField = {
    ...many2OneField,
    component: FollowupLevelField,
    extractProps(fieldInfo, dynamicInfo) {
        return {
            ...many2OneField.extractProps(fieldInfo, dynamicInfo),
            colorField: fieldInfo.options.color_field,
            chooseInList: Boolean(fieldInfo.options.choose_in_list),
        };
    },
};

registry.category("fields").add("followup_level", followupLevelField);
