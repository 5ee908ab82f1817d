"""`SlugAddresses` gives what `reverse()` gives, for one identifier and with others fixed."""

import pytest
from django.urls import reverse
from django.utils import translation

from dealmonitor.ui.reversing import SlugAddresses


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("slug", ["cd-health-hub", "a_b-9", "gemeente-súdwest-fryslân"])
def test_addresses_are_reverses(language, slug):
    with translation.override(language):
        addresses = SlugAddresses("organisations:detail")
        assert addresses(slug) == reverse("organisations:detail", kwargs={"slug": slug})


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("slug", ["cd-health-hub", "a_b-9"])
def test_addresses_with_other_arguments_fixed_are_reverses(language, slug):
    with translation.override(language):
        decide = SlugAddresses("connections:decide", key="other", kwargs={"slug": "cd-een"})
        assert decide(slug) == reverse("connections:decide", args=["cd-een", slug])


def test_addresses_follow_the_language_and_the_script_prefix():
    """The address kept per process is kept per language and script prefix."""
    from django.urls import get_script_prefix, set_script_prefix

    with translation.override("nl"):
        dutch = SlugAddresses("deals:detail")("cd-een")
    with translation.override("en"):
        assert SlugAddresses("deals:detail")("cd-een") == reverse("deals:detail", args=["cd-een"])
        assert SlugAddresses("deals:detail")("cd-een") != dutch
    before = get_script_prefix()
    set_script_prefix("/dealmonitor/")
    try:
        with translation.override("nl"):
            assert SlugAddresses("deals:detail")("cd-een") == "/dealmonitor" + dutch
    finally:
        set_script_prefix(before)
