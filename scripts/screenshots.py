"""Screenshots of the running demo (``make demo``) for static/description/.

Usage: .venv/bin/python scripts/screenshots.py [--url http://localhost:8069]
Logs in as admin/admin, switches admin to French, then captures the main screens
with headless Chromium (DevTools protocol) and renders a sample letter to PNG
(report PDF from the running server, so its CSS loads; ``pdftoppm``).
"""

import argparse
import base64
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import requests
import websocket

OUT = Path(__file__).resolve().parent.parent / "static" / "description"


class Odoo:
    def __init__(self, url, db):
        self.url = url
        self.session = requests.Session()
        self.session.post(
            f"{url}/web/session/authenticate",
            json={"params": {"db": db, "login": "admin", "password": "admin"}},
            timeout=60,
        ).raise_for_status()

    def call(self, model, method, *args, **kwargs):
        response = self.session.post(
            f"{self.url}/web/dataset/call_kw",
            json={
                "params": {
                    "model": model,
                    "method": method,
                    "args": args,
                    "kwargs": kwargs,
                }
            },
            timeout=120,
        ).json()
        if "error" in response:
            raise RuntimeError(response["error"]["data"]["message"])
        return response["result"]


class Browser:
    def __init__(self, width=1366, height=860):
        self.profile = tempfile.mkdtemp()
        self.process = subprocess.Popen(
            [
                shutil.which("chromium") or shutil.which("google-chrome"),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--window-size={width},{height}",
                f"--user-data-dir={self.profile}",
                "--remote-debugging-port=9229",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(50):
            try:
                pages = requests.get("http://127.0.0.1:9229/json", timeout=2).json()
                target = next(page for page in pages if page["type"] == "page")
                break
            except (requests.ConnectionError, StopIteration):
                time.sleep(0.2)
        self.ws = websocket.create_connection(
            target["webSocketDebuggerUrl"], timeout=60
        )
        self.counter = 0

    def send(self, method, **params):
        self.counter += 1
        self.ws.send(
            json.dumps({"id": self.counter, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.counter:
                return message.get("result", {})

    def shot(self, url, path, script=None, wait=6):
        self.send("Page.navigate", url=url)
        time.sleep(wait)
        if script:
            self.send("Runtime.evaluate", expression=script)
            time.sleep(2)
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        print(f"wrote {path}")

    def close(self):
        self.ws.close()
        self.process.terminate()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="followup_demo")
    parser.add_argument(
        "--english",
        action="store_true",
        help="only the English screenshots: the penalties statement and the "
        "recovery figures, as *_en.png",
    )
    args = parser.parse_args()
    odoo = Odoo(args.url, args.db)
    if args.english:
        _english(odoo, args.url)
        return
    uid = odoo.call("res.users", "search", [("login", "=", "admin")])[0]
    odoo.call("res.users", "write", [uid], {"lang": "fr_FR", "tour_enabled": False})
    company_id = odoo.call("res.users", "read", [uid], ["company_id"])[0]["company_id"][
        0
    ]
    policy_id = odoo.call(
        "followup.policy", "search", [("company_id", "=", company_id)], limit=1
    )[0]
    partners = odoo.call(
        "res.partner",
        "search",
        [("followup_status", "=", "action")],
        limit=1,
        context={"allowed_company_ids": [company_id]},
    )
    context = {"allowed_company_ids": [company_id], "lang": "fr_FR"}
    reminder_ids = odoo.call(
        "followup.reminder", "search", [], limit=1, context=context
    )
    if not reminder_ids:
        # a history to show: letters printed and confirmed through the wizard, as
        # an accountant would (the server renders them, with their CSS)
        due = odoo.call(
            "res.partner",
            "search",
            [("followup_status", "=", "action")],
            limit=4,
            context=context,
        )
        wizard = odoo.call(
            "followup.send",
            "create",
            {},
            context={**context, "active_model": "res.partner", "active_ids": due},
        )
        odoo.call("followup.send", "action_print", [wizard], context=context)
        odoo.call("followup.send", "action_confirm", [wizard], context=context)
        reminder_ids = odoo.call(
            "followup.reminder", "search", [], limit=1, context=context
        )
    # the e-mail settings of Send by E-mail, before anything is sent: the first
    # customer's e-mail and « Vous allez relancer N clients… » (dropped after)
    email_wizard = odoo.call(
        "followup.send",
        "create",
        {},
        context={
            **context,
            "active_model": "res.partner",
            "active_ids": odoo.call(
                "res.partner",
                "search",
                [("followup_status", "=", "action"), ("email", "!=", False)],
                limit=3,
                context=context,
            ),
        },
    )
    odoo.call("followup.send", "action_send_email", [email_wizard], context=context)
    OUT.mkdir(parents=True, exist_ok=True)
    browser = _browser(odoo, args.url)
    base = f"{args.url}/odoo"
    try:
        browser.shot(
            f"{base}/action-account_payment_followup.followup_policy_action/{policy_id}",
            OUT / "followup_levels.png",
        )
        browser.shot(
            f"{base}/action-account_payment_followup.followup_send_action",
            OUT / "send_reminders.png",
            wait=8,
        )
        browser.shot(
            f"{base}/action-account_payment_followup.followup_send_action"
            f"/{email_wizard}",
            OUT / "email_settings.png",
            wait=8,
        )
        browser.shot(
            f"{base}/action-account.res_partner_action_customer/{partners[0]}",
            OUT / "customer_followup_tab.png",
            script="document.querySelector(\"a.nav-link[name='followup']\").click();"
            "setTimeout(() => document.querySelector('.o_notebook')"
            ".scrollIntoView(), 500)",
        )
        browser.shot(
            f"{base}/action-account_payment_followup.followup_reminder_action",
            OUT / "reminder_history.png",
        )
        browser.shot(
            f"{base}/action-account_payment_followup.followup_recovery_report_action",
            OUT / "recovery_figures.png",
        )
        browser.shot(
            f"{base}/action-account_payment_followup.followup_reminder_action"
            f"/{reminder_ids[0]}",
            OUT / "reminder_form.png",
        )
    finally:
        browser.close()
        odoo.call("followup.send", "action_back", [email_wizard], context=context)
    # the letter: a PDF from the running server (CSS, header and footer), page 1
    _letter_png(odoo, args.url, partners[0], "sample_letter")
    _penalties_letter(odoo, args.url, context)


def _browser(odoo, url):
    """A headless Chromium logged in as the RPC session's user."""
    browser = Browser()
    browser.send("Network.enable")
    browser.send(
        "Network.setCookie",
        name="session_id",
        value=odoo.session.cookies["session_id"],
        url=url,
    )
    return browser


def _english(odoo, url):
    """The penalties statement on an English letter and the recovery figures
    in English (the customer's language is English for the letter, then put
    back)."""
    uid = odoo.call("res.users", "search", [("login", "=", "admin")])[0]
    odoo.call("res.users", "write", [uid], {"lang": "en_US", "tour_enabled": False})
    company_id = odoo.call("res.users", "read", [uid], ["company_id"])[0]["company_id"][
        0
    ]
    context = {"allowed_company_ids": [company_id], "lang": "en_US"}
    browser = _browser(odoo, url)
    try:
        browser.shot(
            f"{url}/odoo/action-account_payment_followup.followup_recovery_report_action",
            OUT / "recovery_figures_en.png",
            wait=15,  # the English assets are built on this first page
        )
    finally:
        browser.close()
    _penalties_letter(odoo, url, context, lang="en_US")
    odoo.call("res.users", "write", [uid], {"lang": "fr_FR"})


def _penalties_letter(odoo, url, context, lang=None):
    """The formal notice of a professional customer, with its statement of
    late-payment penalties: the page that holds the statement."""
    due = odoo.call(
        "res.partner",
        "search_read",
        [("followup_status", "=", "action"), ("is_company", "=", True)],
        ["followup_next_line_id"],
        context=context,
    )
    levels = {
        level["id"]: level["penalty_statement"]
        for level in odoo.call(
            "followup.line", "search_read", [], ["penalty_statement"], context=context
        )
    }
    partner = next(
        (
            row["id"]
            for row in due
            if levels.get((row["followup_next_line_id"] or [0])[0])
        ),
        None,
    )
    if not partner:
        print("no customer due for a letter with a penalties statement")
        return
    word = "pénalités"
    name = "penalties_statement"
    if lang:
        # the letter in the customer's language: English for this shot
        previous = odoo.call("res.partner", "read", [partner], ["lang"])[0]["lang"]
        odoo.call("res.partner", "write", [partner], {"lang": lang})
        word, name = "penalties", f"penalties_statement_{lang[:2]}"
    try:
        # the last page that speaks of penalties: the statement's rows and totals
        _letter_png(
            odoo,
            url,
            partner,
            name,
            pick=lambda pages: max(
                (index for index, text in enumerate(pages, 1) if word in text.lower()),
                default=1,
            ),
        )
    finally:
        if lang:
            odoo.call("res.partner", "write", [partner], {"lang": previous})


def _letter_png(odoo, url, partner, name, pick=None):
    """A page of ``partner``'s letter, from the running server's PDF, as
    static/description/<name>.png: page 1, or the one ``pick`` chooses among
    the pages' texts."""
    pdf = odoo.session.get(
        f"{url}/report/pdf/account_payment_followup.report_followup_letter/{partner}",
        timeout=120,
    )
    pdf.raise_for_status()
    with tempfile.TemporaryDirectory() as tmp:
        pdf_path = Path(tmp) / "letter.pdf"
        pdf_path.write_bytes(pdf.content)
        page = 1
        if pick:
            pages = subprocess.run(
                ["pdftotext", "-layout", str(pdf_path), "-"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split("\f")
            page = pick(pages)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(pdf_path),
                str(OUT / name),
            ],
            check=True,
        )
    print(f"wrote {OUT / f'{name}.png'}")


if __name__ == "__main__":
    main()
