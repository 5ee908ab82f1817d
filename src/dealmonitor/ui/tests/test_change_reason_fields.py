"""`{% change_reason_fields %}`: empty, rendered once per ids and language; coming back from a
POST, with what the user chose and wrote."""

from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from dealmonitor.ui.templatetags import change_reason

TEMPLATE = engines["django"].from_string(
    '{% load change_reason %}{% change_reason_fields prefix="fase" key=key %}')


def _render(request, key=None):
    return TEMPLATE.render({"key": key}, request)


def test_empty_fields_are_the_partials_own_once_per_ids_and_language():
    request = RequestFactory().get("/")
    change_reason._blank.cache_clear()
    with translation.override("en"):
        html = _render(request, key=7)
        assert html == change_reason._fields("fase-7", "", "")
        assert 'id="fase-7-change-reason"' in html and "Reason for this change" in html
        _render(request, key=7)
        assert change_reason._blank.cache_info().hits == 1
    with translation.override("nl"):
        dutch = _render(request, key=7)
    assert dutch != html and 'id="fase-7-change-reason"' in dutch
    assert 'id="fase-8-change-reason"' in _render(request, key=8)


def test_what_the_user_sent_comes_back_with_the_form():
    request = RequestFactory().post("/", {"change_reason": "correctie", "change_reason_text": "<typo>"})
    html = _render(request)
    assert '<option value="correctie" selected>' in html
    assert 'value="&lt;typo&gt;"' in html
