"""Assessment -> ``assessment.json`` (schema ``requalify.assessment/1``, CONTRACT.md).

Byte-identical for the same inputs and rules: sorted keys, floats rounded to four places,
no clock (the run's time goes to ``run.json``), numpy and pandas scalars turned into plain
JSON, and NaN written as null because JSON has no NaN.
"""

from __future__ import annotations

import json
import math
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

SCHEMA = "requalify.assessment/1"
FLOAT_DIGITS = 4


def normalise(value: Any) -> Any:
    """A JSON-ready copy: plain types only, floats rounded, no NaN."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        v = round(value, FLOAT_DIGITS)
        return 0.0 if v == 0 else v
    if isinstance(value, dict):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(normalise(v) for v in value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    item = getattr(value, "item", None)  # numpy / pandas scalars
    if callable(item):
        try:
            return normalise(item())
        except (TypeError, ValueError):
            pass
    iso = getattr(value, "isoformat", None)  # pandas Timestamp
    if callable(iso):
        return iso()
    if hasattr(value, "tolist"):
        return normalise(value.tolist())
    raise TypeError(f"cannot write {type(value).__name__} to assessment.json")


def assessment_dict(assessment) -> dict[str, Any]:
    d = normalise(assessment.to_dict())
    d["schema"] = SCHEMA
    return d


def assessment_json_bytes(assessment) -> bytes:
    """The exact bytes of assessment.json."""
    text = json.dumps(assessment_dict(assessment), ensure_ascii=False, sort_keys=True, indent=2, allow_nan=False)
    return (text + "\n").encode("utf-8")


def write_assessment_json(assessment, path) -> Path:
    """Write atomically (a crash never leaves half a file a script would read)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(assessment_json_bytes(assessment))
    os.replace(tmp, path)
    return path
