#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A local SMTP sink for ``make demo``: every message it receives is kept as a
``.eml`` file and nothing is delivered anywhere.

    FOLLOWUP_SINK_PORT  port on 127.0.0.1 (default 2525; 0: any free port)
    FOLLOWUP_SINK_DIR   folder of the .eml files (default: .odoo/mail of the repository)

Prints ``[mail sink] listening on 127.0.0.1:<port> ...`` once ready, then one line
per message. Exits 1, saying so, when the port is taken.
"""

import asyncio
import email
import email.policy
import errno
import os
import sys
from datetime import datetime
from pathlib import Path

from aiosmtpd.smtp import SMTP

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]


class Sink:
    """aiosmtpd handler: writes each message to ``<folder>/<timestamp>-<n>.eml``."""

    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    def _new_file(self):
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        while True:  # "x": never overwrite the file of an earlier run
            self.count += 1
            try:
                return open(self.folder / f"{stamp}-{self.count}.eml", "xb")
            except FileExistsError:
                continue

    async def handle_DATA(self, server, session, envelope):
        with self._new_file() as handle:
            handle.write(envelope.content)
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
        print(
            f"[mail sink] {envelope.mail_from} -> {', '.join(envelope.rcpt_tos)}: "
            f"{message['subject']}  ({Path(handle.name).name})",
            flush=True,
        )
        return "250 Message accepted for delivery"


async def serve(port, folder):
    sink = Sink(folder)  # one for all connections: one numbering
    loop = asyncio.get_running_loop()
    try:
        server = await loop.create_server(
            lambda: SMTP(sink, hostname="followup-mail-sink"), HOST, port
        )
    except OSError as error:
        reason = error.strerror
        if error.errno == errno.EADDRINUSE:
            reason = "the port is taken; stop the program using it or choose "
            reason += "another port with FOLLOWUP_SINK_PORT=<port>"
        print(f"[mail sink] cannot listen on {HOST}:{port}: {reason}", file=sys.stderr)
        return 1
    port = server.sockets[0].getsockname()[1]
    print(f"[mail sink] listening on {HOST}:{port}, writing to {folder}", flush=True)
    async with server:
        await server.serve_forever()


def main():
    port = int(os.environ.get("FOLLOWUP_SINK_PORT") or 2525)
    folder = Path(os.environ.get("FOLLOWUP_SINK_DIR") or ROOT / ".odoo" / "mail")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return asyncio.run(serve(port, folder.resolve()))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
