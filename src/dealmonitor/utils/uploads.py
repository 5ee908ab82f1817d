"""Checks on uploaded files: the extension must be one we accept, the content must really be of
that type (recognised from its bytes, not from its name or the browser's word for it), and the
file must not be larger than the limit.

Binary types are recognised by `filetype` (the signatures of PDF, PNG, JPEG and the zip-based
office formats, including the parts inside the zip that tell a Word file from a spreadsheet).
Text (CSV, plain text) must be readable text without NUL bytes and must not be HTML, SVG or
XML markup that a browser could run. Uploaded files are stored under MEDIA_ROOT, which no URL
serves; views hand them out as attachments to those who may read them.
"""

import os
import re

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
OOXML = "application/vnd.openxmlformats-officedocument."
# extension -> the content type the bytes must have
EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".xlsx": OOXML + "spreadsheetml.sheet",
    ".docx": OOXML + "wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".csv": "text/csv",
    ".txt": "text/plain",
}
TEXT_TYPES = {"text/csv", "text/plain"}
SNIFF_BYTES = 8192
MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml|meta)\b",
                    re.IGNORECASE)


def _is_text(head):
    if b"\x00" in head or MARKUP.search(head):
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            # a multi-byte character cut off by the sniffing window is fine
            if encoding == "utf-8" and exc.start >= len(head) - 3:
                return True
    return False


def sniff(head):
    """The content type the bytes show, or None when we cannot tell."""
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if _is_text(head):
        return "text/plain"
    return None


def check_upload(upload, *, types=None, max_bytes=MAX_BYTES):
    # The messages assume the evidence limit; a caller with another limit words its own.
    """Refuse a file whose name, content or size is not acceptable, with a message that says
    what is wrong and what is expected. Returns the content type the content shows."""
    types = types or EVIDENCE_TYPES
    name = getattr(upload, "name", "") or ""
    ext = os.path.splitext(name)[1].lower()
    if ext not in types:
        raise ValidationError(
            _("Files of type %(ext)s are not accepted; use PDF, an image, an office document, CSV or text.")
            % {"ext": ext or "?"}
        )
    if upload.size > max_bytes:
        raise ValidationError(_("The file is larger than 10 MB."))
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(position)
    expected = types[ext]
    found = sniff(head)
    if expected in TEXT_TYPES:
        matches = found in TEXT_TYPES
    else:
        matches = found == expected
    if not matches:
        raise ValidationError(_("The file's content does not match its type %(ext)s.") % {"ext": ext})
    return expected
