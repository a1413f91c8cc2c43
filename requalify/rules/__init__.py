"""The legal knowledge as data: load, validate and version the rules folder.

``requalify/rules/`` holds YAML files (indicators, sources, profiles, cues, scoring
constants) and the JSON schemas that close them. This module reads them through
``importlib.resources`` so the folder can ship as its own package one day, checks
every file against its schema and the files against each other, and reports every
problem at once (file, field, message): a lawyer who edits a weight should see all
their mistakes in one run, not one per run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import yaml

from ..errors import RulesInvalid
from ..model import CRITERIA, POLARITIES, Indicator

MAX_FILE_BYTES = 1024 * 1024
MAX_ALIASES = 64
MAX_NODES = 200_000
RULE_SUFFIXES = (".yaml", ".yml", ".json")
FOLDERS = {"indicators": "indicator", "sources": "source", "profiles": "profile"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the rules folder; ``str()`` is the line a lawyer reads."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.field}: {self.message}"


@dataclass
class RuleSet:
    """Everything in a rules folder, validated. ``version`` hashes the files so every output names its rules."""

    indicators: dict[str, Indicator]
    sources: dict[str, dict]
    profiles: dict[str, dict]
    cues: dict
    scoring: dict
    version: str
    path: str
    files: int = 0
    notes: tuple[str, ...] = ()

    @property
    def catalogue(self) -> list[str]:
        """Indicator ids in catalogue order (the column order of every assessment)."""
        listed = [i for i in self.scoring.get("catalogue", []) if i in self.indicators]
        return listed + sorted(set(self.indicators) - set(listed))

    def label(self, indicator_id: str, lang: str = "fr") -> str:
        ind = self.indicators[indicator_id]
        return ind.label.get(lang) or ind.label.get("fr") or indicator_id

    def citation(self, source_id: str, lang: str = "fr") -> str:
        src = self.sources[source_id]
        return src["citation"].get(lang) or src["citation"]["fr"]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML (libyaml when present) with no silent duplicate keys and dates left as text.

    YAML 1.1 would read ``no`` or ``on`` in a phrase list as booleans and ``2020-03-04``
    as a date object; rule files want the text, so only ``true``/``false`` are booleans.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[str, int]] = []

    def construct_mapping(self, node, deep=False):
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    self.duplicates.append((key_node.value, key_node.start_mark.line + 1))
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class _TooBig(Exception):
    pass


def _check_graph(root, max_aliases: int, budget: int) -> None:
    """Refuse alias bombs before anything expands them: count alias references in the node
    graph (a node reached twice), then walk the graph as a validator would, within ``budget``."""
    seen: set[int] = set()
    aliases = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            aliases += 1
            if aliases > max_aliases:
                raise _TooBig(f"more than {max_aliases} YAML aliases (*name): write the values out")
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack += (k, v)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    visits = 0
    stack = [root]
    while stack:
        node = stack.pop()
        visits += 1
        if visits > budget:
            raise _TooBig(f"expands to more than {budget} values (YAML anchors and aliases)")
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack += (k, v)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def load_yaml_bytes(data: bytes, name: str = "<yaml>") -> tuple[Any, list[Problem]]:
    """Parse one rule file safely; problems instead of exceptions."""
    if len(data) > MAX_FILE_BYTES:
        return None, [Problem(name, "(file)", f"file too large ({len(data)} bytes, limit {MAX_FILE_BYTES})")]
    loader = _Loader(data)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        _check_graph(node, MAX_ALIASES, MAX_NODES)
        value = loader.construct_document(node)
    except _TooBig as exc:
        return None, [Problem(name, "(file)", str(exc))]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(name, where, f"invalid YAML: {problem}")]
    except RecursionError:
        return None, [Problem(name, "(file)", "YAML nested too deeply")]
    finally:
        loader.dispose()
    problems = [Problem(name, key, f"duplicate key (line {line}); YAML would silently keep the last one")
                for key, line in loader.duplicates]
    return value, problems


def default_rules_path():
    """The packaged rules folder (a Traversable; a plain Path when installed from files)."""
    return resources.files(__name__)


def _walk(root) -> list[tuple[str, Any]]:
    """(relative posix path, Traversable) for every rule file under ``root``, sorted."""
    out: list[tuple[str, Any]] = []

    def visit(node, prefix: str) -> None:
        for child in node.iterdir():
            name = child.name
            if name.startswith((".", "_")):
                continue
            rel = f"{prefix}{name}"
            if child.is_dir():
                visit(child, rel + "/")
            elif name.endswith(RULE_SUFFIXES):
                out.append((rel, child))

    visit(root, "")
    return sorted(out)


def rules_version(files: Iterable[tuple[str, bytes]]) -> str:
    """sha256 over the sorted rule files, each as its relative path and its bytes (length-prefixed)."""
    h = hashlib.sha256()
    for rel, data in sorted(files):
        name = rel.encode("utf-8")
        h.update(b"%d:%s:%d:" % (len(name), name, len(data)))
        h.update(data)
    return "sha256:" + h.hexdigest()


def _field(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


def _schema_problems(rel: str, doc: Any, validator) -> list[Problem]:
    problems = []
    for err in sorted(validator.iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        path = list(err.absolute_path)
        message = err.message
        if err.validator == "required":
            m = re.match(r"^'([^']+)' is a required property", message)
            if m:
                path.append(m.group(1))
                message = "missing (required)"
        elif err.validator == "additionalProperties":
            names = re.findall(r"'([^']+)'", message.split("(", 1)[-1])
            if names:
                for name in names:
                    problems.append(Problem(rel, _field(path + [name]), "unknown key (not in the schema)"))
                continue
        elif err.validator == "oneOf" and isinstance(err.instance, dict) and "found" in err.instance:
            message = "a fact needs exactly one of 'indicators' or 'criterion'"
        if len(message) > 300:
            message = message[:297] + "..."
        problems.append(Problem(rel, _field(path), message))
    return problems


def _validators(schemas: dict[str, dict], problems: list[Problem]) -> dict[str, Any]:
    """One validator per schema file, with ``$ref`` between files of the folder resolved by name."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources_ = []
    for name, schema in schemas.items():
        res = Resource.from_contents(schema, default_specification=DRAFT202012)
        resources_.append((name, res))
        if isinstance(schema.get("$id"), str) and schema["$id"] != name:
            resources_.append((schema["$id"], res))
    registry = Registry().with_resources(resources_)
    out = {}
    for name, schema in schemas.items():
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            problems.append(Problem(f"schemas/{name}", _field(exc.absolute_path), f"invalid schema: {exc.message}"))
            continue
        out[name] = Draft202012Validator(schema, registry=registry)
    return out


def _schema_for(rel: str) -> str | None:
    parts = rel.split("/")
    if len(parts) == 2 and parts[0] in FOLDERS:
        return f"{FOLDERS[parts[0]]}.schema.json"
    if len(parts) == 1:
        return rel.rsplit(".", 1)[0] + ".schema.json"
    return None


def _read(path) -> tuple[Any, str, list[tuple[str, bytes]]]:
    if path is None:
        root = default_rules_path()
        shown = "requalify/rules"
    else:
        root = Path(path)
        shown = str(path)
        if not root.is_dir():
            raise RulesInvalid(path, "rules folder not found", "pass a folder holding indicators/, sources/ and profiles/")
    return root, shown, [(rel, node.read_bytes()) for rel, node in _walk(root)]


def _check(files: list[tuple[str, bytes]], schemas_checked: bool = False) -> tuple[dict[str, Any], list[Problem], list[str]]:
    """Parse and validate the files; returns the parsed documents by relative path, problems and notes."""
    problems: list[Problem] = []
    notes: list[str] = []
    schemas: dict[str, dict] = {}
    docs: dict[str, Any] = {}
    for rel, data in files:
        if rel.startswith("schemas/"):
            if rel.endswith(".json") and rel.count("/") == 1:
                try:
                    schemas[rel.split("/", 1)[1]] = json.loads(data.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    problems.append(Problem(rel, "(file)", f"invalid JSON: {exc}"))
            continue
        if rel.endswith(".json"):
            notes.append(f"{rel}: JSON file outside schemas/ ignored")
            continue
        value, parse_problems = load_yaml_bytes(data, rel)
        problems += parse_problems
        if value is None and not parse_problems:
            problems.append(Problem(rel, "(file)", "empty file"))
        elif value is not None and not isinstance(value, dict):
            problems.append(Problem(rel, "(root)", "a rule file must be a mapping of keys to values"))
        elif value is not None:
            docs[rel] = value

    validators = {} if schemas_checked else _validators(schemas, problems)
    if validators:
        from referencing.exceptions import Unresolvable
    else:
        Unresolvable = ()  # noqa: N806 - nothing is validated, nothing can fail to resolve

    missing: set[str] = set()
    unresolved: set[str] = set()
    for rel, doc in docs.items():
        name = _schema_for(rel)
        if name is None:
            notes.append(f"{rel}: not in a known folder; not checked")
        elif schemas_checked and name in schemas:
            continue
        elif name in validators:
            try:
                problems += _schema_problems(rel, doc, validators[name])
            except Unresolvable as exc:
                unresolved.add(f"schemas/{name} refers to {getattr(exc, 'ref', exc)}, which cannot be found: "
                               "files it covers were not fully checked")
        elif name not in schemas:
            missing.add(name)
    for name in sorted(missing):
        notes.append(f"schemas/{name} is missing: files it covers were not checked against a schema")
    notes.extend(sorted(unresolved))
    return docs, problems, notes


def _indicator(rel: str, doc: dict, problems: list[Problem]) -> Indicator | None:
    """Build the model object; the checks here are the ones the model cannot do without."""
    ok = True
    for key, test, what in (
        ("id", lambda v: isinstance(v, str), "a text id"),
        ("kind", lambda v: v in ("text", "data"), "'text' or 'data'"),
        ("polarity", lambda v: v in POLARITIES, "one of '+', '-', '0' (quoted)"),
        ("criterion", lambda v: v is None or v in CRITERIA, f"null or one of {', '.join(CRITERIA)}"),
        ("weight", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0, "a number >= 0"),
        ("label", lambda v: isinstance(v, dict) and all(isinstance(v.get(k), str) for k in ("fr", "en")), "fr and en texts"),
    ):
        if key not in doc:
            problems.append(Problem(rel, key, "missing (required)"))
            ok = False
        elif not test(doc[key]):
            problems.append(Problem(rel, key, f"must be {what}, not {doc[key]!r}"))
            ok = False
    sources = doc.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        problems.append(Problem(rel, "sources", "must be a list of source ids"))
        ok = False
    if not ok:
        return None
    return Indicator(id=doc["id"], kind=doc["kind"], polarity=doc["polarity"], criterion=doc["criterion"],
                     weight=float(doc["weight"]), label=dict(doc["label"]), sources=tuple(sources), spec=doc)


def _integrity(docs: dict[str, Any], indicators: dict[str, Indicator], problems: list[Problem]) -> None:
    sources = {rel.split("/", 1)[1].rsplit(".", 1)[0]: d for rel, d in docs.items() if rel.startswith("sources/")}

    for rel, doc in docs.items():
        folder, _, name = rel.partition("/")
        if folder in FOLDERS and name and doc.get("id") != name.rsplit(".", 1)[0]:
            problems.append(Problem(rel, "id", f"id {doc.get('id')!r} must equal the file name {name.rsplit('.', 1)[0]!r}"))

    def need_source(rel: str, fieldname: str, sid: Any) -> None:
        if sid not in sources:
            problems.append(Problem(rel, fieldname, f"unknown source id {sid!r} (no sources/{sid}.yaml)"))

    def need_indicator(rel: str, fieldname: str, iid: Any) -> bool:
        if iid not in indicators:
            problems.append(Problem(rel, fieldname, f"unknown indicator id {iid!r} (no indicators/{iid}.yaml)"))
            return False
        return True

    for iid, ind in indicators.items():
        rel = f"indicators/{iid}.yaml"
        for k, sid in enumerate(ind.sources):
            need_source(rel, f"sources[{k}]", sid)
        if ind.polarity == "0":
            if ind.weight != 0:
                problems.append(Problem(rel, "weight", "an indicator of polarity '0' is recorded, never weighed: weight must be 0"))
            if not ind.spec.get("weight_reason"):
                problems.append(Problem(rel, "weight_reason", "missing: say why it carries no weight (fr and en)"))
        elif ind.criterion is None:
            problems.append(Problem(rel, "criterion", f"an indicator of polarity '{ind.polarity}' needs a criterion"))
        frm, until = ind.spec.get("valid_from"), ind.spec.get("valid_until")
        for key, value in (("valid_from", frm), ("valid_until", until)):
            if value is not None and not (isinstance(value, str) and _DATE.match(value)):
                problems.append(Problem(rel, key, f"must be a date YYYY-MM-DD, not {value!r}"))
        if isinstance(frm, str) and isinstance(until, str) and frm > until:
            problems.append(Problem(rel, "valid_until", f"{until} is before valid_from {frm}"))

    for sid, src in sources.items():
        rel = f"sources/{sid}.yaml"
        for k, iid in enumerate(src.get("relied_on") or []):
            need_indicator(rel, f"relied_on[{k}]", iid)
        status, ecli = src.get("ecli_status"), src.get("ecli")
        if status == "verified" and not ecli:
            problems.append(Problem(rel, "ecli", "ecli_status is verified but no ECLI is given"))
        if status in ("unverified", "not_found", "not_applicable") and ecli:
            problems.append(Problem(rel, "ecli", f"ecli_status is {status}: leave ecli null and explain in confidence_note"))
        levels = {src.get("citation_confidence"), src.get("holding_confidence")}
        expected = "secondary" if "secondary" in levels else "verified"
        if src.get("confidence") in ("verified", "secondary") and levels <= {"verified", "secondary"} and src["confidence"] != expected:
            problems.append(Problem(rel, "confidence", f"must be {expected!r}: the weaker of citation_confidence and holding_confidence"))

    for rel, doc in docs.items():
        if not rel.startswith("profiles/"):
            continue
        if "source" in doc:
            need_source(rel, "source", doc["source"])
        for k, sid in enumerate(doc.get("see_also") or []):
            need_source(rel, f"see_also[{k}]", sid)
        for n, fact in enumerate(doc.get("facts") or []):
            if not isinstance(fact, dict):
                continue
            if "source" in fact:
                need_source(rel, f"facts[{n}].source", fact["source"])
            for k, iid in enumerate(fact.get("indicators") or []):
                where = f"facts[{n}].indicators[{k}]"
                if not need_indicator(rel, where, iid):
                    continue
                pol = indicators[iid].polarity
                if pol == "0":
                    problems.append(Problem(rel, where, f"{iid} is recorded with weight 0 and cannot be a profile fact"))
                elif fact.get("weighs") in ("for", "against") and fact["weighs"] != ("for" if pol == "+" else "against"):
                    problems.append(Problem(rel, f"facts[{n}].weighs",
                                            f"{iid} has polarity '{pol}', so the fact weighs {'for' if pol == '+' else 'against'}"))
            if "criterion" in fact and fact.get("weighs") not in (None, "for"):
                problems.append(Problem(rel, f"facts[{n}].weighs", "a criterion fact stands for its '+' indicators: it weighs for"))

    scoring = docs.get("scoring.yaml")
    if isinstance(scoring, dict):
        catalogue = scoring.get("catalogue") or []
        for k, iid in enumerate(catalogue):
            if iid not in indicators and f"indicators/{iid}.yaml" not in docs:
                problems.append(Problem("scoring.yaml", f"catalogue[{k}]", f"catalogue id {iid!r} has no file indicators/{iid}.yaml"))
        for iid in sorted(set(indicators) - set(catalogue)):
            problems.append(Problem(f"indicators/{iid}.yaml", "id", f"{iid!r} is not in the catalogue (scoring.yaml: catalogue); add it there"))
        bands = scoring.get("bands") or []
        if bands and isinstance(bands[-1], dict) and ({"min_overall", "min_powers"} & set(bands[-1])):
            problems.append(Problem("scoring.yaml", f"bands[{len(bands) - 1}]", "the last band is the fallback: it takes no conditions"))
        crits = scoring.get("criteria")
        if isinstance(crits, dict) and not sum(c.get("weight", 0) for c in crits.values() if isinstance(c, dict)):
            problems.append(Problem("scoring.yaml", "criteria", "the criterion weights sum to 0"))
    else:
        problems.append(Problem("scoring.yaml", "(file)", "missing: the scoring constants and the catalogue live there"))


def _pattern_problems(docs: dict[str, Any], problems: list[Problem]) -> None:
    """spaCy's own verdict on each text indicator's token patterns (imports spaCy: validate only)."""
    from ..engine import pattern_problems

    for rel, doc in sorted(docs.items()):
        if not rel.startswith("indicators/") or doc.get("kind") != "text":
            continue
        for message in pattern_problems(doc):
            where, _, reason = message.partition(": ")
            problems.append(Problem(rel, where, reason or message))


def _analyse(path=None, read=None, schemas_checked: bool = False,
             patterns: bool = False) -> tuple[RuleSet | None, list[Problem], list[str]]:
    root, shown, files = read or _read(path)
    docs, problems, notes = _check(files, schemas_checked)
    indicators: dict[str, Indicator] = {}
    for rel, doc in docs.items():
        if rel.startswith("indicators/"):
            ind = _indicator(rel, doc, problems)
            if ind is not None:
                indicators[ind.id] = ind
    for name in ("indicators", "sources", "profiles"):
        if not any(rel.startswith(name + "/") for rel, _ in files):
            problems.append(Problem(name, "(folder)", "missing or empty"))
    _integrity(docs, indicators, problems)
    if patterns:
        _pattern_problems(docs, problems)
    problems = sorted(set(problems), key=lambda p: (p.file, p.field, p.message))
    if problems:
        return None, problems, notes
    ruleset = RuleSet(
        indicators={k: indicators[k] for k in sorted(indicators)},
        sources={rel[8:-5]: d for rel, d in sorted(docs.items()) if rel.startswith("sources/")},
        profiles={rel[9:-5]: d for rel, d in sorted(docs.items()) if rel.startswith("profiles/")},
        cues=docs.get("cues.yaml", {}),
        scoring=docs["scoring.yaml"],
        version=rules_version(files),
        path=str(root) if path is None else shown,
        files=len(files),
        notes=tuple(notes),
    )
    return ruleset, [], notes


def validate_rules(path=None) -> list[Problem]:
    """Every problem in a rules folder (empty list: valid). Never raises for bad content."""
    return _analyse(path, patterns=True)[1]


def check_rules(path=None) -> tuple[int, list[Problem], list[str]]:
    """What ``rules validate`` prints: how many files were read, the problems, and notes (e.g. a schema not written yet)."""
    read = _read(path)
    _, problems, notes = _analyse(path, read, patterns=True)
    return len(read[2]), problems, notes


_CACHE: dict[tuple[str, str], RuleSet] = {}


def _verdict_marker(version: str) -> Path | None:
    """A file saying "these exact bytes passed the schemas", so each process need not re-run them.

    Keyed by the rules hash (schemas included) and the jsonschema version: the same bytes
    get the same verdict. Integrity checks still run every time; they are cheap.
    """
    try:
        from importlib.metadata import version as dist_version

        base = Path(os.environ.get("REQUALIFY_CACHE_DIR") or Path.home() / ".cache" / "requalify")
        return base / f"rules-valid-{version.split(':')[-1][:32]}-jsonschema-{dist_version('jsonschema')}"
    except (RuntimeError, OSError, ImportError):  # no home folder or no metadata: validate every time
        return None


def load_rules(path=None) -> RuleSet:
    """Load and validate a rules folder (default: the packaged one); raise ``RulesInvalid`` naming every problem."""
    read = _read(path)
    version = rules_version(read[2])
    key = (str(read[0]), version)
    if key in _CACHE:
        return _CACHE[key]
    marker = _verdict_marker(version)
    known_good = marker is not None and marker.exists()
    ruleset, problems, _ = _analyse(path, read, schemas_checked=known_good)
    if problems:
        shown = "requalify/rules" if path is None else str(path)
        listing = "\n".join(f"  {p}" for p in problems)
        exc = RulesInvalid(shown, f"{len(problems)} problem(s) in the rules:\n{listing}",
                           "fix them and run `requalify rules validate`")
        exc.problems = problems
        raise exc
    if marker is not None and not known_good:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(version + "\n", encoding="utf-8")
        except OSError:
            pass
    return _CACHE.setdefault(key, ruleset)


__all__ = ["Problem", "RuleSet", "load_rules", "validate_rules", "check_rules", "rules_version", "load_yaml_bytes"]
