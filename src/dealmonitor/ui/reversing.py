"""Addresses of many rows at once: `reverse()` once per page, not once per row.

A list page links every row to its own page (50 deals on the portfolio, a deal's partners on
the deal page); `reverse()` walks the URL resolver every time, about a tenth of a millisecond
each. `SlugAddresses("deals:detail")` reverses the address once with a placeholder identifier
and puts each row's identifier in its place. It gives exactly what `reverse()` gives: an
identifier of letters, digits, hyphens and underscores (what a slug is) comes out of
`reverse()` unchanged; anything else (an accented organisation identifier, which `reverse()`
percent-encodes) is reversed the ordinary way.
"""

import re

from django.urls import reverse

_PLAIN = re.compile(r"[-a-zA-Z0-9_]+")
_PLACEHOLDER = "dm-slug-placeholder-0"


class SlugAddresses:
    """`addresses(slug)` == `reverse(viewname, kwargs={"slug": slug})`, in the language and
    under the script prefix active when it was made (make one per request). With `key` and
    `kwargs`: `reverse(viewname, kwargs={**kwargs, key: slug})`, the other arguments fixed
    (`SlugAddresses("connections:decide", key="other", kwargs={"slug": deal.slug})`)."""

    def __init__(self, viewname, *, key="slug", kwargs=None):
        self.viewname = viewname
        self.key = key
        self.kwargs = kwargs or {}
        url = reverse(viewname, kwargs={**self.kwargs, key: _PLACEHOLDER})
        self.parts = url.split(_PLACEHOLDER) if url.count(_PLACEHOLDER) == 1 else None

    def __call__(self, slug):
        if self.parts is not None and _PLAIN.fullmatch(slug):
            return slug.join(self.parts)
        return reverse(self.viewname, kwargs={**self.kwargs, self.key: slug})
