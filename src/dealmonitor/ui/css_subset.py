"""The part of the NL Design System stylesheets that Dealmonitor uses.

The vendored files (static/vendor/, pinned in MANIFEST.json) are the packages' whole builds:
the Utrecht component library (406 KB, some 110 components) and the voorbeeld theme (208 KB
of design tokens for every component of every NL DS library). A page of Dealmonitor uses some
30 components and a fraction of the tokens, yet every page sent all 614 KB. This module writes
the subsets the pages link instead (`*.subset.css` beside the vendored files):

- components: every selector all of whose Utrecht classes the project writes somewhere
  (`.utrecht-button:hover` stays, `.utrecht-button--subtle` goes when no template asks for a
  subtle button; a template that fills in a modifier, `utrecht-status-badge--{{ tone }}`,
  keeps every `utrecht-status-badge--…`), with its declarations, in the package's order,
  inside the package's @media and @supports blocks; a selector that names no Utrecht class is
  kept; indentation and line breaks inside a rule are left out;
- tokens: every custom property that the kept component rules, the site's own stylesheets
  and the templates read (`var(--x)`), and the tokens those read in turn.

The components in use are found by scanning the templates, Python and JavaScript of the
project for `utrecht-…` class names. Nothing is hand-edited: after a new component appears in a
template or the packages are updated, run

    python -m dealmonitor.ui.css_subset

and commit the two files. `ui/tests/test_css_subset.py` fails when a class the templates use is
in the package but missing from the subset, or when the subsets are stale.
"""

import re
import sys
from pathlib import Path

import tinycss2

PACKAGE = Path(__file__).resolve().parent.parent  # src/dealmonitor
VENDOR = PACKAGE / "ui" / "static" / "vendor"
COMPONENTS = VENDOR / "utrecht" / "component-library.css"
TOKENS = VENDOR / "voorbeeld" / "theme.css"
SUBSETS = {COMPONENTS: COMPONENTS.with_name("component-library.subset.css"),
           TOKENS: TOKENS.with_name("theme.subset.css")}

_CLASS = re.compile(r"utrecht-[a-z0-9]+(?:-[a-z0-9]+)*(?:(?:__|--)[a-z0-9-]*)*")
_SELECTOR_CLASS = re.compile(r"\.(utrecht-[a-zA-Z0-9_-]+)")
_VAR = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)")
_DEFINITION = re.compile(r"^\s*(--[A-Za-z0-9_-]+)\s*:", re.M)
SOURCES = ("*.html", "*.py", "*.js", "*.txt")


def component(class_name):
    """The component a class belongs to: `utrecht-button--primary` → `utrecht-button`."""
    return re.split(r"__|--", class_name, maxsplit=1)[0]


def _project_files():
    for pattern in SOURCES:
        for path in PACKAGE.rglob(pattern):
            if "tests" in path.parts or "vendor" in path.parts:
                continue
            yield path


def used_classes():
    """Every `utrecht-…` class name written in a template, Python or JavaScript file (with
    a trailing `--` or `__` where the rest is filled in by the template)."""
    found = set()
    for path in _project_files():
        if path.resolve() == Path(__file__).resolve():
            continue
        found.update(_CLASS.findall(path.read_text("utf-8", errors="replace")))
    return found


def used_components():
    return {component(name) for name in used_classes()}


def _site_css():
    return "".join(p.read_text("utf-8") for p in PACKAGE.rglob("*.css")
                   if "vendor" not in p.parts)


def _selectors(prelude):
    """The selectors of a rule's comma-separated list, each as text."""
    parts, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            parts.append(tinycss2.serialize(current).strip())
            current = []
        else:
            current.append(token)
    parts.append(tinycss2.serialize(current).strip())
    return [p for p in parts if p]


class Used:
    """The Utrecht classes the project writes: exact names, and prefixes where a template
    fills in the rest (`utrecht-status-badge--{{ tone }}` gives `utrecht-status-badge--`)."""

    def __init__(self, classes):
        self.exact = {c for c in classes if not c.endswith(("--", "__"))}
        self.prefixes = tuple(c for c in classes if c.endswith(("--", "__")))

    def __contains__(self, class_name):
        return class_name in self.exact or class_name.startswith(self.prefixes)


def _used(selector, used):
    """A selector can match only when the project writes every Utrecht class it names."""
    return all(c in used for c in _SELECTOR_CLASS.findall(selector))


def _compact(content):
    """A rule's declarations without the package's indentation and line breaks."""
    items = tinycss2.parse_blocks_contents(content, skip_whitespace=True, skip_comments=True)
    if any(i.type != "declaration" for i in items):
        return tinycss2.serialize(content).strip()
    return ";".join(f"{d.name}:{tinycss2.serialize(d.value).strip()}"
                    + ("!important" if d.important else "") for d in items)


def _subset_rules(rules, used):
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in _selectors(rule.prelude) if _used(s, used)]
            if selectors:
                out.append(",".join(selectors) + "{" + _compact(rule.content) + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content:
            inner = _subset_rules(tinycss2.parse_rule_list(rule.content, skip_whitespace=True,
                                                           skip_comments=True), used)
            if inner:
                out.append(f"@{rule.at_keyword} {tinycss2.serialize(rule.prelude).strip()}{{\n"
                           + "\n".join(inner) + "\n}")
        elif rule.type == "at-rule":
            out.append(rule.serialize())
    return out


def components_subset(css, used):
    return "\n".join(_subset_rules(tinycss2.parse_stylesheet(css, skip_whitespace=True,
                                                             skip_comments=True), used))


def tokens_subset(css, reading):
    """The theme's rules with only the custom properties `reading` (CSS text) reads, directly
    or through other tokens."""
    rules = [r for r in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)
             if r.type == "qualified-rule"]
    definitions = {}
    for rule in rules:
        for declaration in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True,
                                                          skip_comments=True):
            if declaration.type == "declaration" and declaration.name.startswith("--"):
                definitions.setdefault(declaration.name, []).append(tinycss2.serialize(declaration.value))
    wanted, todo = set(), set(_VAR.findall(reading)) | set(_DEFINITION.findall(reading))
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        wanted.add(name)
        for value in definitions.get(name, ()):
            todo.update(_VAR.findall(value))
    out = []
    for rule in rules:
        kept = [f"{d.name}:{tinycss2.serialize(d.value).strip()};"
                for d in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True,
                                                        skip_comments=True)
                if d.type == "declaration" and (not d.name.startswith("--") or d.name in wanted)]
        if kept:
            out.append(tinycss2.serialize(rule.prelude).strip() + " {\n" + "\n".join(kept) + "\n}")
    return "\n".join(out)


HEADER = ("/* Generated by `python -m dealmonitor.ui.css_subset` from {source} ({package} {version},"
          " {licence}): only what Dealmonitor uses. Do not edit; regenerate. */\n")


def build():
    """{subset path: text} for both stylesheets, from the vendored (pinned) files."""
    import json

    manifest = {f["path"]: f for f in json.loads((VENDOR / "MANIFEST.json").read_text())["files"]}

    def header(path):
        entry = manifest[str(path.relative_to(VENDOR))]
        return HEADER.format(source=entry["path"], package=entry["package"],
                             version=entry["version"], licence=entry["licence"])

    components = components_subset(COMPONENTS.read_text("utf-8"), Used(used_classes()))
    reading = components + _site_css() + "".join(p.read_text("utf-8", errors="replace")
                                                 for p in _project_files() if p.suffix == ".html")
    tokens = tokens_subset(TOKENS.read_text("utf-8"), reading)
    return {SUBSETS[COMPONENTS]: header(COMPONENTS) + components + "\n",
            SUBSETS[TOKENS]: header(TOKENS) + tokens + "\n"}


def main():
    for path, text in build().items():
        path.write_text(text, "utf-8")
        print(f"{path.relative_to(PACKAGE)}: {len(text.encode()):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
