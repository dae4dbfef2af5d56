"""What went wrong where: problems name file, row and column; an import collects them up to a cap."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

DEFAULT_LIMIT = 100


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += ", " + _("row %(row)s") % {"row": self.row}
        if self.column:
            where += ", " + _("column '%(column)s'") % {"column": self.column}
        return f"{where}: {self.message}"


class TooManyProblems(Exception):
    """Raised by ProblemLog.add once the cap is reached, to stop reading early."""


class ProblemLog:
    """Collects problems; after `limit` of them it only counts (the import fails anyway)."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.limit = limit
        self.problems: list[Problem] = []

    def add(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(file, row, column, message))
        if len(self.problems) >= self.limit:
            raise TooManyProblems

    @property
    def is_full(self) -> bool:
        return len(self.problems) >= self.limit

    def __bool__(self) -> bool:
        return bool(self.problems)

    def __len__(self) -> int:
        return len(self.problems)


class CellError(ValueError):
    """A single cell could not be read; the message says why and how to fix it."""


class ImportFailed(Exception):
    """The import was refused; nothing was written. `problems` say what and where."""

    def __init__(self, problems: list[Problem], *, truncated: bool = False) -> None:
        self.problems = list(problems)
        self.truncated = truncated
        super().__init__(self.describe())

    def describe(self) -> str:
        lines = [str(problem) for problem in self.problems]
        if self.truncated:
            lines.append(_("(stopped after %(count)s problems; fix these and import again)") % {"count": len(lines)})
        return "\n".join(lines)
