# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The message of a follow-up level (and the free message of a run): what it
may hold, how it is checked and filled, French typography. Plain functions:
``followup.line`` calls them."""

import re

# Keys a level's message may use, with the description shown to the user.
MESSAGE_PLACEHOLDERS = {
    "partner_name": "Customer name",
    "date": "Follow-up date",
    "user_signature": "Signature of the user sending the reminder",
    "company_name": "Company name",
    "amount_due": "Total amount due, with currency",
    "amount_overdue": "Overdue amount, with currency",
    "level_name": "Name of the follow-up level",
}
MESSAGE_MAX_LENGTH = 4000

# What a message may hold: %(key)s placeholders and %% for a percent sign.
_PLACEHOLDER_RE = re.compile(r"%%|%\((?P<key>\w+)\)s")
# What else starts with "%(" and reads as a placeholder gone wrong: "%(key)d",
# "%(key)20s", "%(key" left open, "%(client)s". A "%(" followed by words that
# cannot name a placeholder (« 10 %(hors taxes) ») is a percent sign.
_BAD_PLACEHOLDER_RE = re.compile(
    r"%\((?P<key>[^)]*)(?:\)(?P<after>[#0 +\-]*[\d.*]*[a-zA-Z]?))?"
)
_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A "%" followed by a printf conversion ("%s", "%5d", "%-3s") looks like a
# placeholder without a name; followed by anything else (« 10 % », « 10%HT »)
# it is a percent sign.
_BARE_DIRECTIVE_RE = re.compile(r"%[#0+\-]*[\d.*]*[diouxXeEfFgGcrsa]")

# French typography (applied to messages rendered in French): a no-break space
# before « : ; ! ? % » and inside « », and after « n° ».
_FR_SPACED = re.compile(r"[ \t]+([:;!?»%])")
_FR_UNSPACED = re.compile(r"(?<=[^\W\d_])([:;!?])(?=\s|$)")
_FR_QUOTE_OPEN = re.compile(r"«[ \t\u00a0\u202f]*")
_FR_NUMERO = re.compile(r"\b([nN])[°º][ \t]*(?=\d)")


def default_message(env):
    """The message of a new level, in the language of ``env``."""
    return env._(
        "Dear %(partner_name)s,\n"
        "\n"
        "Despite our previous reminders, on %(date)s your account still shows "
        "an overdue balance of %(amount_overdue)s. We ask you to settle it "
        "without delay, or to contact us if you disagree with it.\n"
        "\n"
        "If your payment has crossed this letter, please disregard it.\n"
        "\n"
        "Best regards,\n"
        "\n"
        "%(user_signature)s\n"
        "%(company_name)s"
    )


def message_error(env, text):
    """Why ``text`` is not a valid message (in the language of ``env``), or
    False when it is."""
    if not text:
        return False
    if len(text) > MESSAGE_MAX_LENGTH:
        return env._(
            "the message has %(length)s characters; a letter holds at most " "%(max)s.",
            length=len(text),
            max=MESSAGE_MAX_LENGTH,
        )
    for match in _PLACEHOLDER_RE.finditer(text):
        key = match.group("key")
        if key is not None and key not in MESSAGE_PLACEHOLDERS:
            return env._("unknown placeholder “%%(%(key)s)s”", key=key)
    rest = _PLACEHOLDER_RE.sub("", text)
    for match in _BAD_PLACEHOLDER_RE.finditer(rest):
        error = _bad_placeholder_error(env, match)
        if error:
            return error
    bare = _BARE_DIRECTIVE_RE.search(rest)
    if bare:
        return env._(
            "“%(directive)s” reads as a placeholder without a name. For a "
            "value, use a named placeholder such as %%(partner_name)s; for a "
            "percent sign, put a space after it (« 10 %% de remise ») or "
            "write %%%%.",
            directive=bare.group(0),
        )
    return False


def _bad_placeholder_error(env, match):
    """Why a "%(" of a message is a placeholder gone wrong, or False when it
    is a percent sign followed by a parenthesis (« 10 %(hors taxes) »)."""
    key = match.group("key")
    known = next(
        (
            name
            for name in MESSAGE_PLACEHOLDERS
            if key.startswith(name) and not _KEY_RE.match(key[len(name) :])
        ),
        None,
    )
    if known and (match.group("after") is None or key != known):
        return env._(
            "“%(directive)s”: write the placeholder as %%(%(key)s)s.",
            directive=match.group(0),
            key=known,
        )
    if not _KEY_RE.fullmatch(key) or match.group("after") is None:
        return False
    if key not in MESSAGE_PLACEHOLDERS:
        return env._(
            "“%(directive)s” is not a placeholder; for a percent sign, put "
            "a space after it (« 10 %% (HT) »).",
            directive=match.group(0),
        )
    return env._(
        "“%(directive)s”: write a placeholder exactly as %%(%(key)s)s, "
        "with no width, precision or other conversion.",
        directive=match.group(0),
        key=key,
    )


def fill_placeholders(text, values, lang=None):
    """``text`` with its ``%(key)s`` filled from ``values`` and ``%%`` as a
    percent sign (never Python's %-formatting). A line that only held
    placeholders with nothing to show (no signature) goes; text in French
    (``lang``) gets French typography."""

    def fill(match):
        key = match.group("key")
        return "%" if key is None else str(values.get(key) or "")

    lines = []
    for line in (text or "").split("\n"):
        filled = _PLACEHOLDER_RE.sub(fill, line)
        if filled.strip() or not line.strip() or _PLACEHOLDER_RE.sub("", line).strip():
            lines.append(filled)
    message = "\n".join(lines)
    if (lang or "").startswith("fr"):
        message = french_typography(message)
    return message


def french_typography(text):
    """``text`` with French typography: a no-break space before « : ; ! ? % »
    and inside « », one spelling of « n° » with a no-break space."""
    text = _FR_NUMERO.sub(lambda match: f"{match.group(1)}°\u00a0", text)
    text = _FR_SPACED.sub("\u00a0\\1", text)
    text = _FR_UNSPACED.sub("\u00a0\\1", text)
    return _FR_QUOTE_OPEN.sub("«\u00a0", text)
