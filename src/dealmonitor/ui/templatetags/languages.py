"""`{% other_languages as languages %}`: the page the reader is on, in each other language of
the site, for the header's one compact language link. A plain link to the same address under
the other language's prefix (/en/...) switches the language; no form, no script."""

from urllib.parse import urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.translation import get_language, get_language_info, override

register = template.Library()


@register.simple_tag(takes_context=True)
def other_languages(context):
    request = context.get("request")
    path = request.get_full_path() if request is not None else "/"
    current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    out = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        info = get_language_info(code)
        out.append({"code": code, "name": info["name_local"][:1].upper() + info["name_local"][1:],
                    "url": _in_language(request, path, code)})
    return out


def _in_language(request, path, code):
    """`translate_url(path, code)`, from the address Django resolved for the request already:
    `translate_url` resolves the path anew, a walk through every pattern before a deal's own
    on each page. Where the request was not resolved to a named address (a page not found),
    `translate_url` as it is."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.url_name:
        return translate_url(path, code)
    with override(code):
        try:
            url = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return path
    parts = urlsplit(path)
    return urlunsplit((parts.scheme, parts.netloc, url, parts.query, parts.fragment))
