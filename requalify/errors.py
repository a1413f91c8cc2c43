"""Errors users see. An ``InputError`` is bad input (exit 3), never a bug.

Each carries a stable code (``RQ3xx``) so scripts and tests match the code while
the wording improves, the file it is about, the reason and, when there is one, the fix.
"""

from __future__ import annotations


class RequalifyError(Exception):
    exit_code = 1


class InputError(RequalifyError):
    """Unreadable, unsupported or hostile input: exit status 3."""

    exit_code = 3
    code = "RQ300"

    def __init__(self, path: object, reason: str, hint: str | None = None, code: str | None = None):
        self.path = str(path)
        self.reason = reason
        self.hint = hint
        if code:
            self.code = code
        super().__init__(self.message)

    @property
    def message(self) -> str:
        msg = f"{self.path}: {self.reason}"
        return f"{msg} ({self.hint})" if self.hint else msg


class UnsupportedFormat(InputError):
    code = "RQ301"


class EmptyInput(InputError):
    code = "RQ302"


class BinaryInput(InputError):
    code = "RQ303"


class CorruptPdf(InputError):
    code = "RQ310"


class EncryptedPdf(InputError):
    code = "RQ311"


class NoTextLayer(InputError):
    code = "RQ312"


class CorruptDocx(InputError):
    code = "RQ320"


class UnsupportedLanguage(InputError):
    code = "RQ330"


class HostileArchive(InputError):
    code = "RQ340"


class MissingColumns(InputError):
    code = "RQ350"


class UnknownExportFormat(InputError):
    code = "RQ351"


class InvalidMapping(InputError):
    code = "RQ352"


class RulesInvalid(InputError):
    code = "RQ360"


class UnknownSourceId(RulesInvalid):
    code = "RQ361"
