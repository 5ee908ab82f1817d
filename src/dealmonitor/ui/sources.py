"""How a source is named to a reader: by a title and, for a web page, its address; never by
the key it is stored under. Sources are stored as a reference (deals.Source.reference): a web
address, or `seed:<number>_<hash>.txt[#part]` for one of the articles the demo data was
gathered from, which are not published (data/demo/README.md).

No title is stored with a source, so a web page's title is read from its address: the last
part of the path that holds words ("city-deal-fietsen-viert-1-jarig-jubileum" becomes
"City deal fietsen viert 1 jarig jubileum"), or the site's name for a home page. A notice in
the Staatscourant (`stcrt-2016-15265`) is named as such."""

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext as _

SEED = re.compile(r"^seed:(?P<number>\d+)[^#]*(?:#(?P<part>.*))?$")
STAATSCOURANT = re.compile(r"^stcrt-(?P<year>\d{4})-(?P<number>\d+)$")
EXTENSION = re.compile(r"\.(html?|php|aspx?|pdf)$", re.IGNORECASE)


@dataclass(frozen=True)
class NamedSource:
    title: str
    address: str  # a web address, or "" for a source that is not on the web
    host: str = ""


def _page_title(path):
    for part in reversed([p for p in unquote(path).split("/") if p]):
        part = EXTENSION.sub("", part)
        notice = STAATSCOURANT.match(part)
        if notice:
            return _("Staatscourant %(year)s, no. %(number)s") % notice.groupdict()
        # words only: a code that mixes letters and digits ("kVc38QZscAo") names nothing
        words = [w for w in re.split(r"[-_+\s]+", part)
                 if w and not (re.search(r"\d", w) and re.search(r"[^\W\d]", w))]
        if any(re.fullmatch(r"[^\W\d]{3,}", w) for w in words):
            text = " ".join(words)
            return text[:1].upper() + text[1:]
    return ""


def name_source(reference):
    """The title and address under which a reader sees the source `reference`."""
    reference = str(reference or "").strip()
    seed = SEED.match(reference)
    if seed:
        return NamedSource(_("Source article %(number)s (not published)") % {"number": int(seed["number"])}, "")
    if reference.lower().startswith(("http://", "https://")):
        parts = urlsplit(reference)
        host = (parts.hostname or "").removeprefix("www.")
        title = _page_title(parts.path)
        return NamedSource(f"{title} ({host})" if title else host, reference, host)
    return NamedSource(reference, "")


def named_sources(sources):
    """`sources` (Source rows or references) named once each, in their order: two parts of one
    unpublished article are one source to a reader."""
    seen, out = set(), []
    for source in sources:
        named = name_source(getattr(source, "reference", source))
        if named.title and named not in seen:
            seen.add(named)
            out.append(named)
    return out
