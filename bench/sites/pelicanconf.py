"""Pelican settings for the benchmark's copy of the archive: the same stories as Markdown posts,
the default theme, a page per story, tag and category, feeds capped like the archive's (50).
bench/run.py passes the output and cache folders on the command line."""

AUTHOR = "Benchmark"
SITENAME = "Benchmark archive"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
RELATIVE_URLS = True
DEFAULT_PAGINATION = False
FEED_MAX_ITEMS = 50
# The content cache: `run.py` measures a run with it (after one file changed) and one without.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
