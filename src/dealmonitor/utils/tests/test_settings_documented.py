"""Every setting the code reads is defined in conf/ and every variable of the environment that
conf/base.py reads is documented in docs/configuration.md."""

import pathlib
import re

from django.conf import global_settings

ROOT = pathlib.Path(__file__).resolve().parents[4]
PACKAGE = ROOT / "src" / "dealmonitor"
READS = re.compile(r"""settings\.([A-Z][A-Z0-9_]+)|getattr\(\s*settings\s*,\s*["']([A-Z][A-Z0-9_]+)["']""")
ENV_READS = re.compile(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def _code():
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "conftest.py":
            continue
        yield path, path.read_text()


def test_every_setting_the_code_reads_is_defined_in_conf():
    defined = set(dir(global_settings))
    for path in (PACKAGE / "conf").glob("*.py"):
        defined |= set(re.findall(r"(?m)^([A-Z][A-Z0-9_]+)\s*=", path.read_text()))
        defined |= set(re.findall(r"""(?m)^\s*([A-Z][A-Z0-9_]+)\s*[+|]?=""", path.read_text()))
    missing = {}
    for path, text in _code():
        for match in READS.finditer(text):
            name = match.group(1) or match.group(2)
            if name not in defined:
                missing.setdefault(name, []).append(str(path.relative_to(PACKAGE)))
    assert missing == {}


def test_every_environment_variable_is_documented():
    documented = (ROOT / "docs" / "configuration.md").read_text()
    names = set()
    for path in (PACKAGE / "conf").glob("*.py"):
        names |= set(ENV_READS.findall(path.read_text()))
    assert names, "conf/ reads no variable of the environment: the pattern is wrong"
    assert sorted(n for n in names if f"`{n}`" not in documented) == []
