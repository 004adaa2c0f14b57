"""Output stage: the files a host or a download needs besides the pages.

`.nojekyll` stops GitHub Pages from running Jekyll over the site; `CNAME` names a custom domain;
`site.zip` is an offline copy of the whole site (links name files, so it reads from file://). The
zip is byte-for-byte reproducible: sorted entries, a fixed timestamp, fixed permissions.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from .config import Config
from .model import Page

ZIP_NAME = "site.zip"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no build clock in the output


def host_files(config: Config) -> list[Page]:
    pages = [Page(".nojekyll", b"")]
    if config.site.domain:
        pages.append(Page("CNAME", f"{config.site.domain.strip()}\n".encode()))
    return pages


def zip_page(pages: Iterable[Page], folder: str = "site") -> Page:
    """All pages in one zip, under `folder/`, so unzipping makes one folder to open."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for page in sorted(pages, key=lambda p: p.path):
            info = zipfile.ZipInfo(f"{folder}/{page.path}", date_time=_ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, page.content)
    return Page(ZIP_NAME, buffer.getvalue())
