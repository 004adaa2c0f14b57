"""The fallback form: any text file, read by the described-form engine from a spec.

Stories are split at separator lines (`***`, `---`, `#####`), each titled by its first line; with no
separator the file is one story. Front matter, when there is any, gives the metadata. The generic
fallback always answers a small score, so every file gets parsed; text with Markdown headings goes
to the Markdown post form, which scores higher.
"""

from __future__ import annotations

from .blocks import SEPARATOR_LINE
from .described import DescribedForm, FormSpec

SPEC = FormSpec(name="generic", score=0.1, separator=SEPARATOR_LINE)

ADAPTER = DescribedForm(SPEC)
