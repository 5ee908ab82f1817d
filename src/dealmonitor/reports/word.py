"""A report as an editable Word document (.docx, python-docx), written from the HTML the PDF is
printed from: the same sections, headings, paragraphs, lists and tables, in the same order, so
whoever edits the report before sending it starts from exactly what the PDF says.

HTML to Word, element by element: h1 is the document's title, h2 and h3 headings of level 1
and 2; p a paragraph; ul and ol bulleted and numbered lists; dl a two-column table; table a
table with its caption above it and its header row in bold; a figure's chart stays in the PDF
(the numbers are in the table before it), its caption is kept. Links keep their text, and their
address when the text does not show it."""

import io
import re

from django.utils.translation import get_language

BLOCKS = {"p", "ul", "ol", "dl", "table", "figure", "h1", "h2", "h3", "h4", "section", "nav", "div",
          "main", "article"}
SPACE = re.compile(r"\s+")


def _inline(element, *, skip_svg=True):
    """The text of an inline run: whitespace as a reader sees it, a line break for <br>, a
    link's address after its text when the text does not show it."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            parts.append("\n")
        elif tag == "svg" and skip_svg:
            pass
        else:
            text = _inline(child)
            if tag == "a":
                href = child.get("href", "")
                if href.startswith(("http://", "https://")) and href not in text:
                    text = f"{text} ({href})"
            if tag == "strong" and text and not (child.tail or "").startswith((" ", "\n")):
                text += " "  # a key figure and its label ("<strong>3</strong>on track")
            parts.append(text)
        parts.append(child.tail or "")
    text = "".join(parts)
    return "\n".join(SPACE.sub(" ", line).strip() for line in text.split("\n")).strip()


def _heading(doc, element, level):
    text = _inline(element)
    if text:
        doc.add_heading(text, level=level)


def _list(doc, element, style):
    for item in element.findall("li"):
        nested = [c for c in item if c.tag in ("ul", "ol")]
        for c in nested:
            item.remove(c)
        text = _inline(item)
        if text:
            doc.add_paragraph(text, style=style)
        for c in nested:
            _list(doc, c, "List Bullet 2" if c.tag == "ul" else "List Number 2")


def _table_rows(element):
    rows = []
    for part in element:
        if part.tag in ("thead", "tbody", "tfoot"):
            rows += [(part.tag == "thead", r) for r in part.findall("tr")]
        elif part.tag == "tr":
            rows.append((False, part))
    return rows


def _table(doc, element):
    caption = element.find("caption")
    if caption is not None and _inline(caption):
        doc.add_paragraph(_inline(caption), style="Caption")
    rows = _table_rows(element)
    if not rows:
        return
    width = max(sum(int(c.get("colspan", 1) or 1) for c in r.findall("*")) for _, r in rows)
    table = doc.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    for is_head, row in rows:
        cells = table.add_row().cells
        i = 0
        for cell in row.findall("*"):
            span = int(cell.get("colspan", 1) or 1)
            target = cells[i].merge(cells[i + span - 1]) if span > 1 else cells[i]
            run = target.paragraphs[0].add_run(_inline(cell))
            run.bold = is_head or (cell.tag == "th" and cell.get("scope") == "col")
            i += span
    doc.add_paragraph()


def _definitions(doc, element):
    terms = element.findall("dt")
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for term in terms:
        description = term.getnext()
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(_inline(term)).bold = True
        cells[1].text = _inline(description) if description is not None and description.tag == "dd" else ""
    doc.add_paragraph()


def _blocks(doc, element):
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "h1":
            _heading(doc, child, 0)
        elif tag in ("h2", "h3", "h4"):
            _heading(doc, child, int(tag[1]) - 1)
        elif tag == "p":
            text = _inline(child)
            if text:
                doc.add_paragraph(text)
        elif tag == "ul":
            _list(doc, child, "List Bullet")
        elif tag == "ol":
            _list(doc, child, "List Number")
        elif tag == "dl":
            _definitions(doc, child)
        elif tag == "table":
            _table(doc, child)
        elif tag == "figure":
            caption = child.find("figcaption")
            if caption is not None:
                doc.add_paragraph(_inline(caption), style="Caption")
        elif tag in BLOCKS or any(isinstance(c.tag, str) and c.tag in BLOCKS for c in child):
            _blocks(doc, child)
        elif tag and _inline(child):
            doc.add_paragraph(_inline(child))


def _set_language(doc, language):
    """Word's spelling check in the report's language (nl-NL, en-GB)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tag = {"nl": "nl-NL", "en": "en-GB"}.get(language, language)
    doc.core_properties.language = tag
    properties = doc.styles["Normal"].element.get_or_add_rPr()
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), tag)


def document_from_html(html):
    """The .docx bytes of a report rendered as HTML (reports/document.html)."""
    from docx import Document
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    doc = Document()
    title = tree.findtext(".//title") or ""
    doc.core_properties.title = SPACE.sub(" ", title).strip()
    doc.core_properties.author = "Dealmonitor"
    _set_language(doc, (tree.get("lang") or get_language() or "nl").split("-")[0])
    main = tree.find(".//main")
    _blocks(doc, main if main is not None else tree)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
