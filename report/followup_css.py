# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A small CSS reader for the follow-up letters (see ``ir.actions.report``):
the rules of Odoo's report bundles that can match a document, so that
wkhtmltopdf gets them inline instead of a link to the whole bundle."""

import re

# ---------------------------------------------------------------------- why
# wkhtmltopdf loads the header and the footer again for every page, each a page of
# its own: with the report bundles linked (about 450 kB of CSS), every page parses
# and matches them twice, which takes longer than the letter itself. The header
# and footer of a follow-up letter get instead, inline, only the rules of those
# bundles that can match them: what they need, without a link to follow.

_CSS_STRING_OR_COMMENT = re.compile(
    r"(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')|/\*.*?\*/", re.S
)
_CSS_TOKEN = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|[{};]", re.S)
# at-rules holding rules (kept when one of their rules is); others hold declarations
_CSS_GROUPING_AT_RULES = ("@media", "@supports", "@document", "@-moz-document")
_CSS_DROPPED_AT_RULES = ("@charset", "@keyframes", "@-webkit-keyframes")
_CSS_FUNCTIONAL_PSEUDO = re.compile(r":[\w-]+\((?:[^()]|\([^()]*\))*\)")
_CSS_ATTRIBUTE = re.compile(r"\[[^\]]*\]")
_CSS_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_CSS_ID = re.compile(r"#(-?[_a-zA-Z][\w-]*)")
_CSS_PSEUDO = re.compile(r"::?[\w-]+")
_CSS_NAME = re.compile(r"-?[_a-zA-Z][\w-]*")
_CSS_FONT_FAMILY = re.compile(r"font-family\s*:\s*([^;}]+)", re.I)


def _css_split(text, separator=","):
    """``text`` split on ``separator`` outside parentheses, brackets and
    strings."""
    parts, depth, quote, start = [], 0, None, 0
    for index, char in enumerate(text):
        if quote:
            quote = None if char == quote and text[index - 1] != "\\" else quote
        elif char in "\"'":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and not depth:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _css_selector_needs(selector):
    """The classes, ids and element names an element tree must hold for
    ``selector`` to match one of its elements: {"class": ..., "id": ..., "tag":
    ...}, or None when it cannot be told (the selector is then always kept).

    Permissive: what stands inside ``:not()`` and other functional pseudo-classes
    and attribute selectors is not required."""
    if "\\" in selector or "|" in selector:
        return None
    rest = _CSS_ATTRIBUTE.sub("", _CSS_FUNCTIONAL_PSEUDO.sub("", selector))
    classes = frozenset(_CSS_CLASS.findall(rest))
    ids = frozenset(_CSS_ID.findall(rest))
    rest = _CSS_PSEUDO.sub("", _CSS_ID.sub("", _CSS_CLASS.sub("", rest)))
    tags = frozenset(name.lower() for name in _CSS_NAME.findall(rest))
    return (classes, ids, tags)


def css_parse(text):
    """The rules of a stylesheet: a tuple of ``(prelude, body)`` where body is
    None for a statement (``@import ...;``), a tuple of rules for a grouping
    at-rule (``@media``), else the declarations; the prelude of a style rule is a
    tuple of ``(selector, needs)``."""
    text = _CSS_STRING_OR_COMMENT.sub(lambda match: match.group(1) or "", text)
    tokens = [
        (match.group(), match.start(), match.end())
        for match in _CSS_TOKEN.finditer(text)
        if match.group() in "{};"
    ]

    def block(index, start):
        rules = []
        while index < len(tokens):
            char, begin, end = tokens[index]
            if char == "}":
                return tuple(rules), index + 1, end
            prelude = text[start:begin].strip()
            if char == ";":
                if prelude:
                    rules.append((prelude, None))
                index, start = index + 1, end
                continue
            keyword = (prelude.split(None, 1) or [""])[0].split("(", 1)[0].lower()
            if keyword in _CSS_GROUPING_AT_RULES:
                children, index, start = block(index + 1, end)
                rules.append((prelude, children))
                continue
            depth, close = 1, index + 1
            while depth:
                if close == len(tokens):
                    raise ValueError("unbalanced braces")
                depth += {"{": 1, "}": -1}.get(tokens[close][0], 0)
                close += 1
            body = text[end : tokens[close - 1][1]].strip()
            if not prelude.startswith("@"):
                prelude = tuple(
                    (selector, _css_selector_needs(selector))
                    for selector in _css_split(prelude)
                )
            rules.append((prelude, body))
            index, start = close, tokens[close - 1][2]
        return tuple(rules), index, start

    rules, index, _start = block(0, 0)
    if index < len(tokens):
        raise ValueError("unbalanced braces")
    return rules


def css_prune(rules, classes, ids, tags):
    """The rules of ``rules`` (see :func:`css_parse`) that can match an element
    tree holding these classes, ids and element names, as a list of
    ``(prelude text, body)`` with the same nesting; ``@font-face`` rules are kept
    whole, to be filtered by :func:`css_serialize`."""
    kept = []
    for prelude, body in rules:
        if isinstance(prelude, tuple):
            selectors = [
                selector
                for selector, needs in prelude
                if needs is None
                or (needs[0] <= classes and needs[1] <= ids and needs[2] <= tags)
            ]
            if selectors:
                kept.append((",".join(selectors), body))
        elif (prelude.split(None, 1) or [""])[0].split("(", 1)[0].lower() in (
            _CSS_DROPPED_AT_RULES
        ):
            continue
        elif isinstance(body, tuple):
            children = css_prune(body, classes, ids, tags)
            if children:
                kept.append((prelude, children))
        else:
            kept.append((prelude, body))
    return kept


def css_text(rules):
    """Lower-cased text of the declarations of pruned ``rules``, ``@font-face``
    rules left out: where the font families used are named (directly or through
    a custom property)."""
    out = []
    for prelude, body in rules:
        if isinstance(body, list):
            out.append(css_text(body))
        elif body and not prelude.lower().startswith("@font-face"):
            out.append(body.lower())
    return " ".join(out)


def css_serialize(rules, used):
    """CSS text of pruned ``rules``; an ``@font-face`` is kept when its family is
    named in ``used`` (see :func:`css_text`)."""
    out = []
    for prelude, body in rules:
        if isinstance(body, list):
            out.append(f"{prelude}{{{css_serialize(body, used)}}}")
        elif body is None:
            out.append(f"{prelude};")
        elif prelude.lower().startswith("@font-face"):
            declared = _CSS_FONT_FAMILY.findall(body)
            name = declared[0].strip().strip("\"'").lower() if declared else ""
            if name and name in used:
                out.append(f"{prelude}{{{body}}}")
        else:
            out.append(f"{prelude}{{{body}}}")
    return "".join(out)
