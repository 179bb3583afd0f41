# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import email
import email.policy
import os
import smtplib
import subprocess
import sys
import tempfile
from email.message import EmailMessage
from pathlib import Path
from unittest.mock import patch

from odoo import modules
from odoo.tests import TransactionCase, tagged

from odoo.addons.account_payment_followup.demo.generator import (
    DEMO_MAIL_SERVER_NAME,
    configure_demo_mail_server,
)

SINK = Path(__file__).resolve().parents[1] / "scripts" / "mail_sink.py"


@tagged("post_install", "-at_install")
class TestDemoMailSink(TransactionCase):
    """The SMTP sink of ``make demo`` (scripts/mail_sink.py) keeps what it receives
    as .eml files, and the demo's mail server record sends Odoo's e-mails to it."""

    def setUp(self):
        super().setUp()
        folder = tempfile.TemporaryDirectory(prefix="followup_sink_")
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)
        self.sink, self.port = self._start_sink(0)  # 0: any free port

    def _start_sink(self, port):
        """The sink as a subprocess and the port it listens on (from its first line)."""
        env = dict(
            os.environ,
            FOLLOWUP_SINK_PORT=str(port),
            FOLLOWUP_SINK_DIR=str(self.folder),
        )
        sink = subprocess.Popen(
            [sys.executable, str(SINK)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.addCleanup(self._stop, sink)
        line = sink.stdout.readline()
        if "listening on" not in line:
            sink.wait(timeout=10)
            self.fail(f"the sink did not start: {line}{sink.stderr.read()}")
        return sink, int(line.split("127.0.0.1:")[1].split(",")[0])

    def _stop(self, sink):
        if sink.poll() is None:
            sink.terminate()
        sink.wait(timeout=10)
        sink.stdout.close()
        sink.stderr.close()

    def _kept(self):
        """Subjects of the .eml files of the sink's folder, by file name."""
        subjects = {}
        for path in sorted(self.folder.glob("*.eml")):
            message = email.message_from_bytes(
                path.read_bytes(), policy=email.policy.default
            )
            subjects[path.name] = message["subject"]
        return subjects

    def test_smtp_message_kept_as_eml(self):
        message = EmailMessage()
        message["From"] = "compta@atelier-durand.example"
        message["To"] = "client@example.com"
        message["Subject"] = "Relance n° 1 — facture échue"
        message.set_content("Bonjour,\n\nSauf erreur de notre part...")
        with smtplib.SMTP("127.0.0.1", self.port, timeout=10) as smtp:
            smtp.send_message(message)
        kept = self._kept()
        self.assertEqual(list(kept.values()), ["Relance n° 1 — facture échue"])
        self.assertRegex(next(iter(kept)), r"^\d{8}-\d{6}-1\.eml$")
        line = self.sink.stdout.readline()
        self.assertIn("compta@atelier-durand.example -> client@example.com", line)
        self.assertIn("Relance n° 1 — facture échue", line)

    def test_odoo_sends_through_demo_mail_server(self):
        server = configure_demo_mail_server(self.env, 1)
        # idempotent: the same record, moved to the sink's port
        self.assertEqual(configure_demo_mail_server(self.env, self.port), server)
        self.assertEqual(
            self.env["ir.mail_server"].search_count(
                [("name", "=", DEMO_MAIL_SERVER_NAME)]
            ),
            1,
        )
        self.assertRecordValues(
            server,
            [
                {
                    "smtp_host": "127.0.0.1",
                    "smtp_port": self.port,
                    "smtp_encryption": "none",
                    "smtp_user": False,
                    "active": True,
                }
            ],
        )
        IrMailServer = self.env["ir.mail_server"]
        message = IrMailServer.build_email(
            "compta@atelier-durand.example",
            ["client@example.com"],
            "Relance : facture INV/2026/00001 échue",
            "<p>Sauf erreur de notre part...</p>",
            subtype="html",
        )
        # Odoo does not connect to any server during tests; this one is local.
        # No server given: the demo's is the database's outgoing server.
        with patch.object(modules.module, "current_test", None):
            IrMailServer.send_email(message)
        self.assertEqual(
            list(self._kept().values()), ["Relance : facture INV/2026/00001 échue"]
        )

    def test_taken_port_refused(self):
        second = subprocess.run(
            [sys.executable, str(SINK)],
            env=dict(
                os.environ,
                FOLLOWUP_SINK_PORT=str(self.port),
                FOLLOWUP_SINK_DIR=str(self.folder),
            ),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        self.assertEqual(second.returncode, 1)
        self.assertIn(f"cannot listen on 127.0.0.1:{self.port}", second.stderr)
        self.assertIn("the port is taken", second.stderr)
