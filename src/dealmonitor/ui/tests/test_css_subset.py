"""The pages send only the part of the NL Design System stylesheets that Dealmonitor uses
(ui/css_subset.py). These tests fail when a template uses an Utrecht class the subset lost,
when the checked-in subset differs from what the script makes of the pinned package (run
`python -m dealmonitor.ui.css_subset`), and when a page links the whole package again."""

import re

from django.template.loader import render_to_string
from django.test import RequestFactory

from dealmonitor.ui import css_subset as S


def _classes_in(css):
    return set(re.findall(r"\.(utrecht-[a-zA-Z0-9_-]+)", css))


def _applicable(css, used):
    """Classes the package styles through a selector all of whose classes the project writes
    (read with a plain pattern, independently of the subset script's CSS parser)."""
    found = set()
    for prelude in re.findall(r"([^{}]+)\{", re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
        for selector in prelude.split(","):
            classes = _classes_in(selector)
            if classes and all(c in used for c in classes):
                found |= classes
    return found


def test_every_utrecht_class_the_templates_use_is_in_the_subset():
    used = S.Used(S.used_classes())
    package = _applicable(S.COMPONENTS.read_text("utf-8"), used)
    subset = _classes_in(S.SUBSETS[S.COMPONENTS].read_text("utf-8"))
    assert {"utrecht-button", "utrecht-table__cell", "utrecht-form-field--invalid",
            "utrecht-status-badge--danger"} <= {c for c in package if c in used}
    missing = sorted(package - subset)
    assert not missing, missing
    # and it is a subset worth having: far smaller than the package
    assert len(S.SUBSETS[S.COMPONENTS].read_bytes()) < 0.5 * len(S.COMPONENTS.read_bytes())


def test_every_token_the_kept_rules_read_is_defined_in_the_token_subset():
    tokens = S.SUBSETS[S.TOKENS].read_text("utf-8")
    package_tokens = set(re.findall(r"(--[A-Za-z0-9_-]+)\s*:", S.TOKENS.read_text("utf-8")))
    kept = set(re.findall(r"(--[A-Za-z0-9_-]+)\s*:", tokens))
    read = set(re.findall(r"var\(\s*(--[A-Za-z0-9_-]+)", S.SUBSETS[S.COMPONENTS].read_text("utf-8") + tokens))
    assert not sorted((read & package_tokens) - kept)
    assert "--utrecht-button-primary-action-background-color" in kept


def test_the_checked_in_subsets_are_what_the_script_makes():
    for path, text in S.build().items():
        assert path.read_text("utf-8") == text, f"{path.name} is stale: run python -m dealmonitor.ui.css_subset"


def test_pages_link_the_subsets_not_the_whole_package():
    request = RequestFactory().get("/")
    html = render_to_string("500.html", request=request)
    assert "component-library.subset.css" in html and "theme.subset.css" in html
    for name in ("base.html",):
        source = (S.PACKAGE / "templates" / name).read_text("utf-8")
        assert "component-library.subset.css" in source and "component-library.css" not in source
