"""Addresses of many rows at once: `reverse()` once per page, not once per row.

A list page links every row to its own page (50 deals on the portfolio, a deal's partners on
the deal page); `reverse()` walks the URL resolver every time, about a tenth of a millisecond
each. `SlugAddresses("deals:detail")` reverses the address once with a placeholder identifier
and puts each row's identifier in its place. It gives exactly what `reverse()` gives: an
identifier of letters, digits, hyphens and underscores (what a slug is) comes out of
`reverse()` unchanged; anything else (an accented organisation identifier, which `reverse()`
percent-encodes) is reversed the ordinary way.
"""

import functools
import re

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_PLAIN = re.compile(r"[-a-zA-Z0-9_]+")
_PLACEHOLDER = "dm-slug-placeholder-0"


class SlugAddresses:
    """`addresses(slug)` == `reverse(viewname, kwargs={"slug": slug})`, in the language and
    under the script prefix active when it was made (make one per request). With `key` and
    `kwargs`: `reverse(viewname, kwargs={**kwargs, key: slug})`, the other arguments fixed
    (`SlugAddresses("connections:decide", key="other", kwargs={"slug": deal.slug})`).

    The address with the placeholder is kept per process for each language, script prefix
    and URL configuration, so a page's tabs and links cost no `reverse()` after the first."""

    def __init__(self, viewname, *, key="slug", kwargs=None):
        self.viewname = viewname
        self.key = key
        self.kwargs = kwargs or {}
        self.parts = _parts(viewname, key, tuple(sorted(self.kwargs.items())), get_language(),
                            get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)

    def __call__(self, slug):
        if self.parts is not None and _PLAIN.fullmatch(slug):
            return slug.join(self.parts)
        return reverse(self.viewname, kwargs={**self.kwargs, self.key: slug})


@functools.lru_cache(maxsize=512)
def _parts(viewname, key, fixed, language, script_prefix, urlconf):
    """The address of `viewname` split at the placeholder identifier (None where the
    placeholder does not appear exactly once). The arguments after `fixed` are what
    `reverse()` reads besides the view's arguments; they are part of the key only."""
    url = reverse(viewname, kwargs={**dict(fixed), key: _PLACEHOLDER}, urlconf=urlconf)
    return url.split(_PLACEHOLDER) if url.count(_PLACEHOLDER) == 1 else None


@receiver(setting_changed)
def _forget_addresses(setting, **kwargs):
    """A test that changes the URL configuration or the languages changes the addresses."""
    if setting in {"ROOT_URLCONF", "LANGUAGE_CODE", "LANGUAGES"}:
        _parts.cache_clear()
