# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import logging
from concurrent.futures import ThreadPoolExecutor

from odoo import models
from odoo.tools import pdf

_logger = logging.getLogger(__name__)


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

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
        outlines tell the records apart.
        """
        workers = min(self.env.context.get("followup_pdf_workers") or 1, len(bodies))
        options = {
            "header": header,
            "footer": footer,
            "landscape": landscape,
            "specific_paperformat_args": specific_paperformat_args,
            "set_viewport_size": set_viewport_size,
        }
        if workers < 2:
            return super()._run_wkhtmltopdf(bodies, report_ref=report_ref, **options)
        report = self._get_report(report_ref) if report_ref else self
        # read once here what each slice reads: paper format, print delay
        report._build_wkhtmltopdf_args(
            report.get_paperformat(),
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        size = -(-len(bodies) // workers)
        slices = [bodies[start : start + size] for start in range(0, len(bodies), size)]
        parent = super(IrActionsReport, report)
        with ThreadPoolExecutor(max_workers=len(slices)) as executor:
            documents = list(
                executor.map(
                    lambda part: parent._run_wkhtmltopdf(part, **options), slices
                )
            )
        merged = pdf.merge_pdf(documents)
        if len(pdf.PdfFileReader(io.BytesIO(merged)).pages) == len(bodies):
            return merged
        _logger.info(
            "Payment follow-up: a letter holds on more than one page; its batch is "
            "converted again in one process"
        )
        return super()._run_wkhtmltopdf(bodies, report_ref=report_ref, **options)
