/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// Send Reminders' preview: the letter (as it will be printed) and the e-mail a
// customer would receive, in a dialog over the wizard, which stays as it is
// (ISAGRI: « un détail … en cliquant sur le bouton Loupe »). The server
// prepares each customer's reminder as the send path does, renders it and
// rolls it back (followup.send.line.get_followup_preview).
import {Component, markup, onWillStart, onWillUnmount, useState} from "@odoo/owl";
import {Dialog} from "@web/core/dialog/dialog";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

export class FollowupPreviewDialog extends Component {
    static template = "account_payment_followup.FollowupPreviewDialog";
    static components = {Dialog};
    static props = {
        lineIds: {type: Array, element: Number},
        close: Function,
    };

    setup() {
        this.orm = useService("orm");
        this.state = useState({index: 0, tab: "letter", preview: null});
        this.objectUrl = null;
        onWillStart(() => this.load(0));
        onWillUnmount(() => this.revokeObjectUrl());
    }

    get title() {
        const name = this.state.preview?.title || "";
        return _t("Preview: %s", name);
    }

    async load(index) {
        const [lineId] = this.props.lineIds.slice(index, index + 1);
        const preview = await this.orm.call(
            "followup.send.line",
            "get_followup_preview",
            [[lineId]]
        );
        this.revokeObjectUrl();
        const letter = preview.letter;
        if (letter && letter.kind === "pdf") {
            const bytes = Uint8Array.from(atob(letter.content), (c) => c.charCodeAt(0));
            this.objectUrl = URL.createObjectURL(
                new Blob([bytes], {type: "application/pdf"})
            );
            letter.url = `/web/static/lib/pdfjs/web/viewer.html?file=${encodeURIComponent(
                this.objectUrl
            )}#pagemode=none`;
        }
        if (preview.email && preview.email.body) {
            // rendered by the server from the level's mail template
            preview.email.body = markup(preview.email.body);
        }
        Object.assign(this.state, {index, preview});
    }

    revokeObjectUrl() {
        if (this.objectUrl) {
            URL.revokeObjectURL(this.objectUrl);
            this.objectUrl = null;
        }
    }

    showTab(tab) {
        this.state.tab = tab;
    }

    async previous() {
        if (this.state.index > 0) {
            await this.load(this.state.index - 1);
        }
    }

    async next() {
        if (this.state.index < this.props.lineIds.length - 1) {
            await this.load(this.state.index + 1);
        }
    }
}

function openFollowupPreview(env, action) {
    env.services.dialog.add(FollowupPreviewDialog, {
        lineIds: action.params.line_ids,
    });
}

// a function, not a component: the dialog opens over Send Reminders instead
// of replacing it
registry.category("actions").add("account_payment_followup.preview", openFollowupPreview);
