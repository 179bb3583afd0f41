# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Joining the PDFs that several wkhtmltopdf processes made for one batch of
letters, so that Odoo can still tell the letters apart.

Odoo splits a batch's PDF per record page by page when each record holds on one
page, else by the top-level outlines wkhtmltopdf makes from each letter's first
heading (``ir.actions.report._render_qweb_pdf_prepare_streams``). A plain merge
of the slices loses those outlines: :func:`join_letters` writes them again, one
per letter, pointing at the page where it starts, in the form Odoo reads
(``/Outlines`` and ``/Dests`` in the document's root, the page as a number).
"""

import io

from odoo.tools import pdf


def outline_start_pages(reader):
    """Sorted page numbers the top-level outlines of ``reader`` point at, as
    Odoo reads them, or None when the document has none."""
    root = reader.trailer["/Root"]
    if "/Outlines" not in root or "/First" not in root["/Outlines"]:
        return None
    pages = []
    node = root["/Outlines"]["/First"]
    while True:
        pages.append(int(root["/Dests"][node["/Dest"]][0]))
        if "/Next" not in node:
            break
        node = node["/Next"]
    return sorted(set(pages))


def join_letters(documents, counts):
    """One PDF of ``documents`` (the PDFs of consecutive slices of letters,
    ``counts`` letters each) with one top-level outline per letter, or None
    when a slice does not have exactly one outline per letter, starting on its
    first page (then the batch must be converted in one process)."""
    writer = pdf.PdfFileWriter()
    add_object = getattr(writer, "_add_object", None) or writer._addObject
    starts, offset = [], 0
    for document, count in zip(documents, counts, strict=True):
        reader = pdf.PdfFileReader(io.BytesIO(document), strict=False)
        pages = outline_start_pages(reader)
        if not pages or len(pages) != count or pages[0] != 0:
            return None
        starts += [offset + page for page in pages]
        number_of_pages = len(reader.pages)
        for index in range(number_of_pages):
            writer.addPage(reader.getPage(index))
        offset += number_of_pages
    Name, Number = pdf.NameObject, pdf.NumberObject
    outlines = pdf.DictionaryObject({Name("/Type"): Name("/Outlines")})
    outlines_ref = add_object(outlines)
    dests = pdf.DictionaryObject()
    items = []
    for number, page in enumerate(starts):
        name = Name(f"/followup_letter_{number}")
        dests[name] = pdf.ArrayObject(
            [Number(page), Name("/XYZ"), Number(0), Number(0), Number(0)]
        )
        items.append(
            add_object(
                pdf.DictionaryObject(
                    {
                        Name("/Title"): pdf.create_string_object(str(number + 1)),
                        Name("/Dest"): name,
                        Name("/Parent"): outlines_ref,
                    }
                )
            )
        )
    for index, item in enumerate(items):
        node = item.get_object() if hasattr(item, "get_object") else item.getObject()
        if index:
            node[Name("/Prev")] = items[index - 1]
        if index + 1 < len(items):
            node[Name("/Next")] = items[index + 1]
    outlines[Name("/First")] = items[0]
    outlines[Name("/Last")] = items[-1]
    outlines[Name("/Count")] = Number(len(items))
    writer._root_object[Name("/Outlines")] = outlines_ref
    writer._root_object[Name("/Dests")] = add_object(dests)
    with io.BytesIO() as buffer:
        writer.write(buffer)
        return buffer.getvalue()
