"""newsarchive: turn newsletter issues into an annotated static archive.

The pipeline (see pipeline.py) runs these stages in order:
parse (formats/) -> ingest (story Markdown files) -> load -> enrich -> render -> write -> check.
"""
