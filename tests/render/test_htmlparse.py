"""WeasyPrint's HTML parser with its patterns kept (render/htmlparse.py): the same tree,
each pattern made once."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import tinyhtml5
from tinyhtml5 import inputstream

from archiver.render import htmlparse

HTML = ("<!DOCTYPE html><html lang='pl'><body>" + "".join(
    f'<pre class="flow" data-fold data-marks="0:0-4:b" data-fold-lines="{n}.5/8 9/8.5/c" '
    f"style='height: {n}pt'>\nAla &amp; kot\n<{n}> \u00a0Żółw</pre><!-- {n} --><p a=b>x</p>"
    for n in range(40)) + "</body></html>")


def _tree() -> bytes:
    return ET.tostring(tinyhtml5.parse(HTML))


def test_the_parser_with_its_patterns_kept_reads_the_same_tree(monkeypatch) -> None:
    monkeypatch.setattr(inputstream, "characters_until_regex", {})
    stock = _tree()
    monkeypatch.setattr(inputstream, "characters_until_regex", {})
    htmlparse.install()
    kept = inputstream.characters_until_regex
    assert _tree() == stock
    made = dict(kept)
    assert made and not any(isinstance(chars, re.Pattern) for chars, _opposite in made)
    assert _tree() == stock
    assert all(kept[key] is pattern for key, pattern in made.items())
    assert len(kept) == len(made)  # the second parse made none
