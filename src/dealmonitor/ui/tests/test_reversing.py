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
