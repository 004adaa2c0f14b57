"""Problems found while building, each tagged with its stage and the file (and line) it is about.

Stages report into one `Diagnostics` collector passed to them explicitly. A warning lets the
build go on (and fails it under --strict); an error means something could not be built.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    stage: str
    severity: str  # "warning" or "error"
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message} [{self.stage}]"


@dataclass
class Diagnostics:
    problems: list[Problem] = field(default_factory=list)

    def warn(self, stage: str, path: str, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(path, line, stage, "warning", message))

    def error(self, stage: str, path: str, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(path, line, stage, "error", message))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]
