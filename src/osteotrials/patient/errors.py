"""Problems found while reading a patient: errors stop loading, warnings do not."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

Severity = Literal["error", "warning"]


class Issue(BaseModel):
    """One problem, located by ``path`` (a field path such as ``receptors.er_percent``,
    or a FHIR resource such as ``Observation/abc``)."""

    model_config = ConfigDict(frozen=True)

    severity: Severity
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class PatientError(ValueError):
    """A patient that cannot be used; ``issues`` lists every error (and any warnings)."""

    def __init__(self, issues: Sequence[Issue], *, source: str | None = None) -> None:
        self.issues = list(issues)
        self.source = source
        super().__init__(self.describe())

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    def describe(self) -> str:
        errors = self.errors or self.issues
        head = f"{self.source}: " if self.source else ""
        if len(errors) == 1:
            return f"{head}{errors[0]}"
        lines = [f"{head}{len(errors)} errors:"]
        lines += [f"  - {issue}" for issue in errors]
        return "\n".join(lines)


def _loc_to_path(loc: Iterable[int | str], prefix: str = "") -> str:
    parts: list[str] = [prefix] if prefix else []
    for item in loc:
        if isinstance(item, int):
            if parts:
                parts[-1] = f"{parts[-1]}[{item}]"
            else:
                parts.append(f"[{item}]")
        else:
            parts.append(str(item))
    return ".".join(parts)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def issues_from_validation(exc: ValidationError, *, prefix: str = "") -> list[Issue]:
    """Turn a pydantic ``ValidationError`` into issues with readable field paths."""
    issues: list[Issue] = []
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        path = _loc_to_path(loc, prefix)
        msg = str(err["msg"]).removeprefix("Value error, ")
        kind = err["type"]
        if kind == "extra_forbidden":
            msg = "unknown field (check the spelling; see `osteotrials patient-schema`)"
        elif kind == "missing":
            msg = "required field is missing"
        elif kind not in {"value_error", "assertion_error"} and "input" in err:
            msg = f"{msg} (got {_short(err['input'])})"
        issues.append(Issue(severity="error", path=path, message=msg))
    return issues
