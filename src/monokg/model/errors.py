"""Errors a curator or user can cause, worded so they know what to fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


def shown(path: Path) -> str:
    """A path relative to the working folder when it lies below it, so messages stay short."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


@dataclass
class InputError(Exception):
    """The input could not be read or is malformed (exit code 2)."""

    message: str
    file: Path | str | None = None
    line: int | None = None
    column: int | None = None
    fix: str | None = None
    #: the message's key in the language files' catalogue, and the values it names, so the
    #: command line can say it in --lang (``message`` and ``fix`` are the English words)
    key: str | None = None
    values: dict[str, str] = field(default_factory=dict)

    def where(self) -> str:
        """'file:line:column: ' as far as known, else ''."""
        if self.file is None:
            return ""
        where = shown(Path(self.file))
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where + ": "

    def __str__(self) -> str:
        text = self.where() + self.message
        if self.fix:
            text += f"\n  fix: {self.fix}"
        return text


class InputErrors(Exception):
    """Several input errors found in one pass, reported together."""

    def __init__(self, errors: list[InputError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class Finding:
    """One reason the data does not conform, in words a curator understands."""

    focus: str
    path: str | None
    message: str
    severity: str = "Violation"
    shape: str | None = None
    #: The focus node as a full IRI (``focus`` is shortened for people), for code that sorts
    #: findings by node.
    focus_iri: str | None = None
    #: what the curator can do about it, where the check knows
    fix: str | None = None
    #: the curated file and line the finding comes from ("claims/02-werking.yaml:12")
    where: str | None = None

    def __str__(self) -> str:
        path = f" {self.path}" if self.path else ""
        where = f"{self.where}: " if self.where else ""
        fix = f"\n  fix: {self.fix}" if self.fix else ""
        return f"{where}{self.severity}: {self.focus}{path}: {self.message}{fix}"


class NonConformance(Exception):
    """The data was read but breaks a rule (exit code 1)."""

    def __init__(self, stage: str, findings: list[Finding]):
        self.stage = stage
        self.findings = findings
        lines = [f"{stage}: {len(findings)} problem(s)"] + [f"  {f}" for f in findings]
        super().__init__("\n".join(lines))
