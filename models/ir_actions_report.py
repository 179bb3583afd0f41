# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import json
import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor

import lxml.html
from markupsafe import Markup

from odoo import models, tools
from odoo.tools import pdf
from odoo.tools.misc import file_path

from ..report.followup_css import css_parse, css_prune, css_serialize, css_text
from ..report.followup_pdf import join_letters

_logger = logging.getLogger(__name__)

# the reports of a follow-up letter (report_name)
FOLLOWUP_REPORTS = (
    "account_payment_followup.report_followup_reminder",
    "account_payment_followup.report_followup_letter",
)
# system parameter: "0" links the report bundles in the header and footer of the
# letters, as Odoo does, instead of inlining the rules they need
INLINE_CSS_PARAM = "account_payment_followup.pdf_inline_css"
_STYLESHEET_LINK = re.compile(r"<link\b[^>]*>", re.I)
_LINK_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# web.minimal_layout's subst() shows header.children[index] (footer alike) on the
# page of the index-th body; followupLayoutMap sends it to the one copy kept
_LAYOUT_MAP = "var followupLayoutMap = "
_LAYOUT_MAP_VALUE = re.compile(re.escape(_LAYOUT_MAP) + r"\[[0-9,]*\];")
_LAYOUT_SUBST = (
    ("header.children[index]", "header.children[followupLayoutMap[index]]"),
    ("footer.children[index]", "footer.children[followupLayoutMap[index]]"),
)
_LAYOUT_CONTAINERS = ("minimal_layout_report_headers", "minimal_layout_report_footers")
# url() of a module's static file in the inlined rules (fonts, images)
_CSS_STATIC_URL = re.compile(
    r"""url\((["']?)(/[\w.-]+/static/[^)"'?#]+)([^)"']*)\1\)"""
)
_FILE_URL = re.compile(r"""file://(/[^)"'?#]+)""")
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def _local_url(match):
    """``url()`` of a module's static file (``/web/static/fonts/...``) as the URL
    of the local file, when there is one."""
    quote, path, suffix = match.groups()
    try:
        local = file_path(os.path.normpath(path).lstrip("/"))
    except (FileNotFoundError, ValueError):
        return match[0]
    return f"url({quote}file://{local}{suffix}{quote})"


def _is_module_file(path):
    """Whether ``path`` is a file of a module (under an addons path)."""
    try:
        return file_path(path) == path
    except (FileNotFoundError, ValueError):
        return False


def _slice_layout(html, start, stop):
    """The header or footer ``html`` for the bodies ``start`` to ``stop`` of its
    report converted apart: its ``followupLayoutMap`` cut to them."""
    match = html and _LAYOUT_MAP_VALUE.search(html)
    if not match:
        return html
    html = str(html)
    index_map = json.loads(match.group()[len(_LAYOUT_MAP) : -1])[start:stop]
    return Markup(
        html[: match.start()]
        + _LAYOUT_MAP
        + json.dumps(index_map, separators=(",", ":"))
        + ";"
        + html[match.end() :]
    )


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    # ------------------------------------------------------------------ LAYOUT
    def _prepare_html(self, html, report_model=False):
        """A follow-up letter's header and footer, which wkhtmltopdf loads again
        for every page, made light: one copy of each distinct header (footer)
        instead of one per letter, and inline the rules of the report CSS that
        can match them instead of links to the whole bundles (see
        :meth:`_followup_inline_css`); the same for each letter's body, which
        wkhtmltopdf otherwise fetches and parses whole once per letter (with a
        live server: 100 letters in 12 s instead of 20 s). Off with the system parameter
        ``account_payment_followup.pdf_inline_css`` = 0."""
        result = super()._prepare_html(html, report_model=report_model)
        if not result or not self._followup_lean_layout():
            return result
        bodies, res_ids, header, footer, paperformat_args = result
        header = self._followup_share_layouts(header, _LAYOUT_CONTAINERS[0], bodies)
        footer = self._followup_share_layouts(footer, _LAYOUT_CONTAINERS[1], bodies)
        header, footer, *bodies = self._followup_inline_css(header, footer, *bodies)
        return bodies, res_ids, header, footer, paperformat_args

    def _followup_lean_layout(self):
        """Whether this report is a follow-up letter whose header and footer are
        made light."""
        if len(self) != 1 or (
            self.report_name not in FOLLOWUP_REPORTS
            and not self.env.context.get("followup_pdf_workers")
        ):
            return False
        value = self.env["ir.config_parameter"].sudo().get_param(INLINE_CSS_PARAM)
        return (value or "1").strip().lower() not in ("0", "false", "no", "off")

    def _followup_share_layouts(self, html, container, bodies):
        """``html``, the header (footer) document of ``bodies`` with one copy of
        each, holding each distinct one once, and ``followupLayoutMap`` telling
        ``subst()`` which one to show on the page of each body. Unchanged when
        not made as ``web.minimal_layout`` makes it."""
        marker = f'<div id="{container}">'
        html = str(html)
        start, end = html.find(marker), html.rfind("</body>")
        close = html.rfind("</div>", start, end) + len("</div>")
        if (
            html.count(marker) != 1
            or end < start
            or "followupLayoutMap" in html
            or any(html.count(old) != 1 for old, _new in _LAYOUT_SUBST)
        ):
            return Markup(html)
        node = lxml.html.fragment_fromstring(html[start:close])
        copies = [
            lxml.html.tostring(child, encoding="unicode", with_tail=False)
            for child in node
        ]
        if len(copies) != len(bodies):
            return Markup(html)
        distinct = {}
        index_map = [distinct.setdefault(copy, len(distinct)) for copy in copies]
        html = html[:start] + marker + "".join(distinct) + "</div>" + html[close:]
        for old, new in _LAYOUT_SUBST:
            html = html.replace(old, new)
        script = (
            f"<script>{_LAYOUT_MAP}"
            f"{json.dumps(index_map, separators=(',', ':'))};</script></head>"
        )
        return Markup(html.replace("</head>", script, 1))

    def _followup_inline_css(self, *documents):
        """``documents`` with each link to a compiled CSS bundle of this database
        replaced by a ``<style>`` of the rules of the bundle that can match one
        of their elements (classes, ids, element names; ``@font-face`` of the
        fonts these rules name). wkhtmltopdf then neither asks the server for
        the bundles nor parses them whole for each page. Other links are left as
        they are. ``url()`` of the modules' static files in the rules (the
        fonts) name the local files (see :meth:`_build_wkhtmltopdf_args`); the
        others still resolve against ``<base>``, the server."""
        documents = [str(html) for html in documents]
        classes, ids, tags = set(), set(), set()
        for html in documents:
            for element in lxml.html.document_fromstring(html).iter():
                if isinstance(element.tag, str):
                    tags.add(element.tag.lower())
                    classes.update((element.get("class") or "").split())
                    if element.get("id"):
                        ids.add(element.get("id"))
        bundles = {}  # link tag -> parsed rules of its bundle
        for html in documents:
            for link in _STYLESHEET_LINK.findall(html):
                attributes = {
                    name.lower(): first or second
                    for name, first, second in _LINK_ATTRIBUTE.findall(link)
                }
                if attributes.get("rel", "").lower() == "stylesheet" and (
                    not attributes.get("media")
                    or attributes["media"].lower() in ("all", "print")
                ):
                    rules = self._followup_bundle_rules(attributes.get("href", ""))
                    if rules is not None:
                        bundles[link] = rules
        pruned = {
            link: css_prune(rules, classes, ids, tags)
            for link, rules in bundles.items()
        }
        used = " ".join(css_text(rules) for rules in pruned.values())
        styles = {
            link: f"<style>{css}</style>"
            for link, css in (
                (link, _CSS_STATIC_URL.sub(_local_url, css_serialize(rules, used)))
                for link, rules in pruned.items()
            )
            if "</style" not in css.lower()
        }
        return [
            Markup(
                _STYLESHEET_LINK.sub(lambda match: styles.get(match[0], match[0]), html)
            )
            for html in documents
        ]

    @tools.ormcache("href", cache="assets")
    def _followup_bundle_rules(self, href):
        """The parsed rules (see :func:`css_parse`) of the compiled CSS bundle
        ``href`` is the link to (``/web/assets/<version>/<bundle>.min.css``), or
        None when it is not one. The version in the link is a checksum of the
        bundle's files: the rules of one link never change."""
        if not href.startswith("/web/assets/") or not href.endswith(".min.css"):
            return None
        env = self.sudo().env
        try:
            name, rtl, kind = env["ir.asset"]._parse_bundle_name(
                href.rsplit("/", 1)[1], False
            )
        except ValueError:
            return None
        bundle = env["ir.qweb"]._get_asset_bundle(name, css=True, js=False, rtl=rtl)
        if kind != "css" or not bundle.stylesheets or bundle.get_link("css") != href:
            return None
        attachment = bundle.css()[:1]
        try:
            return css_parse(attachment.raw.decode()) if attachment else None
        except (ValueError, UnicodeDecodeError) as error:
            _logger.warning("Payment follow-up: %s not inlined: %s", href, error)
            return None

    # ------------------------------------------------------------------ PDF
    def _build_wkhtmltopdf_args(
        self,
        paperformat_id,
        landscape,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        """Odoo's arguments; with the folders of the local files the header
        and footer of follow-up letters name (their fonts, see
        :meth:`_followup_inline_css`) readable despite
        ``--disable-local-file-access``."""
        args = super()._build_wkhtmltopdf_args(
            paperformat_id,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        for folder in self.env.context.get("followup_pdf_allow") or ():
            args.extend(["--allow", folder])
        return args

    def _run_wkhtmltopdf(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        """Letters of a batch across several wkhtmltopdf processes.

        wkhtmltopdf is single-threaded: when the payment follow-up asks for it
        (context key ``followup_pdf_workers``), the bodies are split into that
        many slices converted at the same time, and the PDFs joined in order.
        Each slice runs Odoo's own conversion; everything it reads from the
        database is read here first, so that the threads never query. Odoo
        splits the joined PDF per record page by page when every letter holds on
        one page; when one does not, the PDF is made again in one process, whose
        outlines tell the records apart. The header and the footer of a slice
        show, on the page of its n-th body, those of the n-th letter of the
        slice (see :meth:`_followup_share_layouts`).
        """
        folders = {
            os.path.dirname(path)
            for html in (header, footer)
            if html and "followupLayoutMap" in html
            for style in _STYLE.findall(html)
            for path in _FILE_URL.findall(style)
            if _is_module_file(path)
        }
        # the local files the inlined rules name (fonts), readable
        this = (
            self.with_context(followup_pdf_allow=tuple(sorted(folders)))
            if folders
            else self
        )
        workers = min(this.env.context.get("followup_pdf_workers") or 1, len(bodies))
        options = {
            "header": header,
            "footer": footer,
            "landscape": landscape,
            "specific_paperformat_args": specific_paperformat_args,
            "set_viewport_size": set_viewport_size,
        }
        if workers < 2:
            return super(IrActionsReport, this)._run_wkhtmltopdf(
                bodies, report_ref=report_ref, **options
            )
        report = this._get_report(report_ref) if report_ref else this
        # read once here what each slice reads: paper format, print delay
        report._build_wkhtmltopdf_args(
            report.get_paperformat(),
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        size = -(-len(bodies) // workers)
        starts = range(0, len(bodies), size)
        parent = super(IrActionsReport, report)

        def convert(start):
            # each slice numbers its bodies from 0: its own part of the layout map
            return parent._run_wkhtmltopdf(
                bodies[start : start + size],
                **{
                    **options,
                    "header": _slice_layout(header, start, start + size),
                    "footer": _slice_layout(footer, start, start + size),
                },
            )

        with ThreadPoolExecutor(max_workers=len(starts)) as executor:
            documents = list(executor.map(convert, starts))
        merged = pdf.merge_pdf(documents)
        if len(pdf.PdfFileReader(io.BytesIO(merged)).pages) == len(bodies):
            return merged
        # letters over several pages: Odoo tells them apart by the outlines
        joined = join_letters(
            documents, [len(bodies[start : start + size]) for start in starts]
        )
        if joined:
            return joined
        _logger.info(
            "Payment follow-up: the letters of a batch could not be told apart "
            "in their PDFs; the batch is converted again in one process"
        )
        return super(IrActionsReport, this)._run_wkhtmltopdf(
            bodies, report_ref=report_ref, **options
        )
