"""The only URL fetcher WeasyPrint gets: it serves the project's template assets and
refuses everything else (file://, http(s)://, data:, ftp: ...).

Documents print register data (topics, message bodies) that anyone with a register account
could have typed; autoescaping prints `<img src="file:///etc/passwd">` as text, and this
fetcher is the second wall should markup ever slip through: a refused fetch stops the
rendering instead of producing a document with something fetched or silently missing.
"""

from __future__ import annotations

from pathlib import Path

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

_PACKAGED = Path(__file__).resolve().parents[1] / "report_templates"  # in a wheel (setup.py)
_SOURCE = Path(__file__).resolve().parents[2] / "report_templates"  # the source tree
TEMPLATES_DIR = _PACKAGED if _PACKAGED.is_dir() else _SOURCE
ASSETS_DIR = TEMPLATES_DIR / "assets"
SCHEME = "archiver-asset:"  # archiver-asset:NAME serves report_templates/assets/NAME
_MIME = {".svg": "image/svg+xml", ".png": "image/png", ".css": "text/css"}


class RefusedFetch(FatalURLFetchingError):
    """A document tried to load a resource that is not one of the template assets."""

    def __init__(self, scheme: str) -> None:
        # The URL itself may hold data from the register: only its scheme is kept.
        super().__init__(f"refused to fetch a resource with scheme {scheme!r}")
        self.scheme = scheme


class SafeFetcher(URLFetcher):
    """Serves `archiver-asset:NAME` for the files in report_templates/assets, nothing else.

    `calls` records every URL asked for (tests check that none was).
    """

    def __init__(self, assets_dir: Path = ASSETS_DIR) -> None:
        super().__init__(allowed_protocols=())
        self.calls: list[str] = []
        self._assets = {p.name: p for p in assets_dir.iterdir() if p.is_file()} \
            if assets_dir.is_dir() else {}

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        self.calls.append(url)
        if url.startswith(SCHEME):
            name = url[len(SCHEME):]
            path = self._assets.get(name)  # exact names only: no "..", no sub-folders
            if path is not None:
                mime = _MIME.get(path.suffix, "application/octet-stream")
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        raise RefusedFetch(url.split(":", 1)[0][:20] if ":" in url else "relative")
