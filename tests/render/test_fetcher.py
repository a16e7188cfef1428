"""Nothing outside the template assets is ever fetched, whatever the data holds."""

from __future__ import annotations

import pytest
from render_helpers import CTX

from archiver.render import RenderError, html_to_pdfa
from archiver.render import pdfa as pdfa_module
from archiver.render.fetcher import RefusedFetch, SafeFetcher

HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://example.com/evil.css">',
    '<div style="background: url(http://example.com/x.png)">x</div>',
    '<img src="data:image/png;base64,iVBORw0KGgo=">',
    '<style>@import url("file:///etc/hostname");</style>',
]


@pytest.fixture()
def recording(monkeypatch):
    """Every SafeFetcher the renderer makes, to inspect the URLs it was asked for."""
    made: list[SafeFetcher] = []

    class Recording(SafeFetcher):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(pdfa_module, "SafeFetcher", Recording)
    pdfa_module._stylesheet.cache_clear()
    yield made
    pdfa_module._stylesheet.cache_clear()


def test_register_data_with_markup_fetches_nothing(recording, small):
    from render_helpers import spec_for

    from archiver.config import Config
    from archiver.render import render_document

    for kind, class_id in (("messages", "C7A"), ("register", "C7A")):
        render_document(spec_for(small, kind, class_id), small, Config(), CTX)
    assert recording and all(f.calls == [] for f in recording)


@pytest.mark.parametrize("markup", HOSTILE)
def test_markup_that_escaped_the_templates_is_refused(recording, markup):
    with pytest.raises(RenderError) as error:
        html_to_pdfa(f"<html><body><p>a</p>{markup}</body></html>", title="t", run_ctx=CTX)
    assert "passwd" not in str(error.value) and "example.com" not in str(error.value)
    assert any(f.calls for f in recording)


def test_fetcher_serves_only_exact_asset_names(tmp_path):
    (tmp_path / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    fetcher = SafeFetcher(assets_dir=tmp_path)
    assert fetcher.fetch("archiver-asset:logo.svg").read().startswith(b"<svg")
    for url in ("archiver-asset:../style.css", "archiver-asset:/etc/passwd",
                f"file://{tmp_path}/logo.svg", "http://example.com/logo.svg",
                "data:text/plain,hello", "logo.svg"):
        with pytest.raises(RefusedFetch):
            fetcher.fetch(url)
