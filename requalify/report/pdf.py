"""HTML to PDF with weasyprint, fetching nothing but the dossier's own assets.

A quote is hostile text: even escaped, a stylesheet or a future template change must never
let weasyprint read a local file or reach the network, so the fetcher is a closed list.
"""

from __future__ import annotations

from pathlib import Path


def asset_fetcher(assets: dict[str, tuple[bytes, str]]):
    """A weasyprint URL fetcher that serves ``assets`` and refuses every other URL (recorded in ``.refused``)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=())
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            asset = assets.get(url)
            if asset is None:
                self.refused.append(url)
                raise ValueError(f"requalify dossiers load only their bundled assets, not {url[:200]}")
            body, mime = asset
            return URLFetcherResponse(url, body, {"Content-Type": mime})

    return AssetFetcher()


def write_pdf(html: str, assets: dict[str, tuple[bytes, str]], path: Path, *, identifier: bytes,
              epoch: int) -> list[str]:
    """Write the PDF; returns the URLs that were refused (empty for a well-formed dossier).

    fontTools stamps every font subset with the current time unless SOURCE_DATE_EPOCH is
    set, so it is pinned to ``epoch`` (the dossier's date) while the PDF is written.
    """
    import logging
    import os

    from weasyprint import HTML

    fetcher = asset_fetcher(assets)
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        document = HTML(string=html, base_url=None, url_fetcher=fetcher).render()
        data = document.write_pdf(pdf_identifier=identifier)
    finally:
        logger.setLevel(level)
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    path.write_bytes(data)
    return fetcher.refused
