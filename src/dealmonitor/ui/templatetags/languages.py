"""`{% other_languages as languages %}`: the page the reader is on, in each other language of
the site, for the header's one compact language link. A plain link to the same address under
the other language's prefix (/en/...) switches the language; no form, no script."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

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
                    "url": translate_url(path, code)})
    return out
