# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo's outgoing mail server: the local SMTP sink of ``make demo``
(``scripts/mail_sink.py``), which keeps every e-mail as a ``.eml`` file."""

import logging

_logger = logging.getLogger(__name__)

DEMO_MAIL_SERVER_NAME = "Demo mail sink (scripts/mail_sink.py)"


def configure_demo_mail_server(env, port, host="127.0.0.1"):
    """Make the sink at ``host:port`` the database's first outgoing mail server:
    plain SMTP, no TLS, no login. Idempotent: the server of an earlier run (found
    by its name, even archived) is updated, e.g. to a new port.

    :return: the ``ir.mail_server`` record
    """
    Server = env["ir.mail_server"].sudo().with_context(active_test=False)
    vals = {
        "name": DEMO_MAIL_SERVER_NAME,
        "smtp_host": host,
        "smtp_port": int(port),
        "smtp_encryption": "none",
        "smtp_authentication": "login",  # with no user: no login
        "smtp_user": False,
        "smtp_pass": False,
        "from_filter": False,  # any sender
        "sequence": 0,  # before any other server
        "active": True,
    }
    server = Server.search([("name", "=", DEMO_MAIL_SERVER_NAME)], limit=1)
    if server:
        changed = {name: value for name, value in vals.items() if server[name] != value}
        if changed:
            server.write(changed)
    else:
        server = Server.create(vals)
    _logger.info("Demo outgoing mail server: %s:%s", host, port)
    return server
