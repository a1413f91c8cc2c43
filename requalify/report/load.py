"""assessment.json back into an Assessment, so a dossier can be re-rendered from a saved run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..model import Assessment, Evidence, Location, Skipped, SourceFile


def assessment_from_dict(data: dict[str, Any]) -> Assessment:
    def location(d: dict[str, Any]) -> Location:
        rows = d.get("rows")
        return Location(
            path=d.get("path", ""), sha256=d.get("sha256", ""), page=d.get("page"), clause=d.get("clause"),
            line_start=d.get("line_start"), line_end=d.get("line_end"), char_start=d.get("char_start"),
            char_end=d.get("char_end"), rows=tuple(rows) if rows else None,
        )

    return Assessment(
        rules_version=data.get("rules_version", ""),
        inputs=[SourceFile(i["path"], i["sha256"], int(i.get("size") or 0), i.get("kind", ""), i.get("format", ""))
                for i in data.get("inputs", [])],
        indicators=data.get("indicators", {}),
        findings=[Evidence(indicator=f["indicator"], polarity=f["polarity"], criterion=f.get("criterion"),
                           strength=float(f.get("strength") or 0.0), source=location(f.get("source") or {}),
                           quote=f.get("quote"), figure=f.get("figure"), cue=f.get("cue"))
                  for f in data.get("findings", [])],
        metrics=data.get("metrics", {}),
        criteria=data.get("criteria", {}),
        profiles=data.get("profiles", {}),
        score=data.get("score", {}),
        skipped=[Skipped(s["path"], s.get("reason", ""), s.get("code", "RQ300")) for s in data.get("skipped", [])],
        case=data.get("case", {}),
        series=data.get("series", {}),
    )


def load_assessment(path: str | Path) -> Assessment:
    return assessment_from_dict(json.loads(Path(path).read_text("utf-8")))
