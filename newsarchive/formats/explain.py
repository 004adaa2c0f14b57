"""Parse stage, for people: why a file was read as it was (`build.py parse FILE --explain`).

One screen per issue: every form's score, highest first, and the one chosen; the issue's metadata;
each story's first line and title; each dropped block with its line and the rule that dropped it;
how much went to the intro and outro; and the other issues the file mentions.
"""

from __future__ import annotations

from ..model import DroppedBlock, IssueRef, ParsedIssue

PREVIEW = 64  # characters of a dropped block shown


def explain(filename: str, scores: tuple[tuple[str, float], ...], issue: ParsedIssue, issue_id: str) -> str:
    """The explanation of one file's reading. `scores` are in the order the forms were asked."""
    return "\n".join(
        [
            filename,
            *_scores(scores),
            f"  issue: {_issue_line(issue)}",
            f"         read as {issue.format}; ingested as {issue_id}",
            f"  stories ({len(issue.stories)}):",
            *(f"    line {story.line:>4}  {story.title}" for story in issue.stories),
            f"  dropped ({len(issue.dropped)}):",
            *(_dropped_line(block) for block in issue.dropped),
            f"  intro: {_words(issue.intro)} · outro: {_words(issue.outro)}",
            *_other_issues(issue.other_issues),
            "",
        ]
    )


def _scores(scores: tuple[tuple[str, float], ...]) -> list[str]:
    """Highest first; among equal scores the form asked first (configured forms are) wins."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i][1], i))
    lines = ["  form chosen by score (ties go to the form asked first; configured forms are asked first):"]
    for rank, i in enumerate(order):
        name, score = scores[i]
        lines.append(f"    {score:4.2f}  {name}{'   <- chosen' if rank == 0 else ''}")
    return lines


def _issue_line(issue: ParsedIssue) -> str:
    name = issue.newsletter or "(newsletter not named)"
    name += f" {issue.number}" if issue.number else ""
    date = issue.date.isoformat() if issue.date else "date unknown"
    return f"{name} · {date} · {issue.title!r}"


def _dropped_line(block: DroppedBlock) -> str:
    lines = block.text.strip().splitlines() or [""]
    preview = " ".join(lines[0].split())
    if len(preview) > PREVIEW:
        preview = preview[: PREVIEW - 1] + "…"
    more = f"  (+{len(lines) - 1} lines)" if len(lines) > 1 else ""
    return f"    line {block.line:>4}  {block.rule:<20} {preview}{more}"


def _words(text: str) -> str:
    count = len(text.split())
    return f"{count} words" if count else "none"


def _other_issues(refs: tuple[IssueRef, ...]) -> list[str]:
    if not refs:
        return ["  other issues: none"]
    lines = [f"  other issues ({len(refs)}):"]
    for ref in refs:
        date = f" ({ref.date.isoformat()})" if ref.date else ""
        lines.append(f"    {ref.number or '-':>4}  {ref.title}{date}")
    return lines
