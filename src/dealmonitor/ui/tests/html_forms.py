"""Submit a rendered HTML form the way a browser does, for tests that post a page's own
form back: the data comes from the HTML, not from what the test thinks the form holds.

A browser drops a value it cannot hold: `<input type="date" value="11-03-2021">` shows an
empty field and posts an empty string (the HTML "value sanitization algorithm" per input
type). Unchecked checkboxes and radio buttons are not sent, a select sends its selected
option (the first one when none is marked), disabled controls are not sent, and a
textarea drops the one newline that follows its start tag.
"""

import re
from html.parser import HTMLParser

DATE = re.compile(r"\d{4,}-\d{2}-\d{2}")
TIME = re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?")
DATETIME_LOCAL = re.compile(r"\d{4,}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?")
# A "valid floating-point number": no thousands separators, '.' as the decimal mark.
NUMBER = re.compile(r"-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?")


def _valid_date(value):
    if not DATE.fullmatch(value):
        return False
    year, month, day = (int(part) for part in value.split("-"))
    import calendar

    return year > 0 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def sanitize(input_type, value):
    """The value a browser holds (and submits) for `value` in an input of `input_type`."""
    value = value or ""
    if input_type in ("text", "search", "tel", "password", "hidden"):
        return value if input_type == "hidden" else value.replace("\r", "").replace("\n", "")
    if input_type in ("url", "email"):
        return value.replace("\r", "").replace("\n", "").strip()
    if input_type == "date":
        return value if _valid_date(value) else ""
    if input_type == "time":
        return value if TIME.fullmatch(value) else ""
    if input_type == "datetime-local":
        return value.replace(" ", "T") if DATETIME_LOCAL.fullmatch(value) and _valid_date(value[:10]) else ""
    if input_type in ("number", "range"):
        return value if NUMBER.fullmatch(value) else ""
    if input_type == "month":
        return value if re.fullmatch(r"\d{4,}-\d{2}", value) else ""
    return value


class _Form:
    def __init__(self, attrs):
        self.attrs = attrs
        self.controls = []  # (tag, attrs, value or options)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.form = None
        self.textarea = None
        self.select = None
        self.option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = _Form(attrs)
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag in ("input", "button"):
            self.form.controls.append((tag, attrs, attrs.get("value")))
        elif tag == "textarea":
            self.textarea = [attrs, ""]
        elif tag == "select":
            self.select = [attrs, []]
        elif tag == "option" and self.select is not None:
            self.option = [attrs, ""]
            self.select[1].append(self.option)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        elif self.option is not None:
            self.option[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.textarea is not None:
            attrs, text = self.textarea
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self.form.controls.append(("textarea", attrs, text))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            self.form.controls.append(("select", *self.select))
            self.select = None
        elif tag == "option":
            self.option = None


def forms_of(html):
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def find_form(html, *, having):
    """The POST form of the page that has a control named `having`."""
    for form in forms_of(html):
        if form.attrs.get("method", "get").lower() != "post":
            continue
        if any(attrs.get("name") == having for _tag, attrs, _v in form.controls):
            return form
    raise AssertionError(f"no POST form with a control named {having!r}")


def form_data(form, *, submitter=None):
    """The form data set as a browser builds it, as a dict of name -> list of values.
    `submitter`: the name of the submit button pressed (its value is sent); by default
    the first submit button."""
    data = {}

    def add(name, value):
        data.setdefault(name, []).append(value)

    pressed = False
    for tag, attrs, value in form.controls:
        name = attrs.get("name")
        if "disabled" in attrs:
            continue
        if tag == "select":
            options = [o for o in value if "disabled" not in o[0]]
            chosen = [o for o in options if "selected" in o[0]]
            if not chosen and "multiple" not in attrs and not attrs.get("size") and options:
                chosen = options[:1]
            for o_attrs, text in (chosen if name else []):
                add(name, o_attrs["value"] if "value" in o_attrs else " ".join(text.split()))
            continue
        if tag == "textarea":
            if name:
                add(name, value.replace("\r\n", "\n"))
            continue
        kind = (attrs.get("type") or ("submit" if tag == "button" else "text")).lower()
        if kind in ("submit", "image"):
            if not pressed and (submitter is None or name == submitter):
                pressed = True
                if name:
                    add(name, value or "")
            continue
        if kind in ("button", "reset", "file") or not name:
            continue
        if kind in ("checkbox", "radio"):
            if "checked" in attrs:
                add(name, value if value is not None else "on")
            continue
        add(name, sanitize(kind, value or ""))
    return data


def input_values(form):
    """(name, type, raw value) of every <input> with a value attribute: what the page shows."""
    return [
        (attrs.get("name"), (attrs.get("type") or "text").lower(), value)
        for tag, attrs, value in form.controls if tag == "input" and value is not None
    ]
