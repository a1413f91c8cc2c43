"""Clause alignment between two versions with known edits: each edit must be classified as what it is."""

from __future__ import annotations

from collections import Counter

import pytest

from requalify.compare_align import ClauseText, align_clauses, diff_segments, normalise, similarity, word_diff
from requalify.parsers import parse_document

OLD = """# Driver terms

## 1. Access

1.1 To access the application the driver must hold a valid licence and a registered vehicle of less than ten years.

1.2 The driver shall keep the documents of the vehicle up to date and upload them in the application.

## 2. Trips

2.1 Trips are offered to the driver by the algorithm according to position and availability.

2.2 The driver may refuse any trip without giving a reason and without any consequence on the account.

2.3 The driver shall wait for the passenger at least five minutes at the pick-up point.

## 3. Pay

3.1 The fare is computed by the platform from distance and duration and paid weekly to the driver.

3.2 The platform keeps a service fee of twenty percent of each fare paid by the passenger.

## 4. End

4.1 Either party may end the relationship at any time with a notice of seven days by email.
"""

NEW = """# Driver terms

## 1. Access

1.1 To access the application the driver must hold a valid licence and a registered vehicle of less than ten years.

1.2 The driver shall keep the documents of the vehicle up to date and upload them in the application.

## 2. Trips

2.1 Trips are offered to the driver by the algorithm according to position and availability.

2.2 The driver may refuse any trip without giving a reason, but an acceptance rate below eighty percent may lead to the deactivation of the account.

2.3 The platform may deactivate the account of a driver whose average rating falls below 4.6 stars.

## 3. Pay

3.1 The platform keeps a service fee of twenty percent of each fare paid by the passenger.

## 4. End

4.1 Either party may end the relationship at any time with a notice of seven days by email.

4.2 The fare is computed by the platform from distance and duration and paid weekly to the driver.
"""


def _texts(doc):
    return [ClauseText(c.heading, c.text) for c in doc.clauses]


@pytest.fixture()
def versions(tmp_path):
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    return parse_document(old), parse_document(new)


def _find(doc, needle: str) -> int:
    hits = [c.index for c in doc.clauses if needle in c.text]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def test_known_edits_are_classified(versions):
    old, new = versions
    steps = align_clauses(_texts(old), _texts(new))
    by_old = {s.old: s for s in steps if s.old is not None}
    by_new = {s.new: s for s in steps if s.new is not None}

    deleted = by_old[_find(old, "wait for the passenger")]
    assert (deleted.kind, deleted.new) == ("removed", None)

    inserted = by_new[_find(new, "average rating falls below")]
    assert (inserted.kind, inserted.old) == ("added", None)

    reworded = by_old[_find(old, "may refuse any trip")]
    assert reworded.kind == "changed"
    assert reworded.new == _find(new, "acceptance rate below eighty percent")
    assert 0.5 <= reworded.similarity < 1

    moved = by_old[_find(old, "fare is computed")]
    assert moved.kind == "moved" and moved.new == _find(new, "fare is computed")
    assert moved.similarity == 1.0

    for needle in ("valid licence", "documents of the vehicle", "offered to the driver", "service fee",
                   "end the relationship"):
        s = by_old[_find(old, needle)]
        assert s.kind == "unchanged" and s.new == _find(new, needle), needle


def test_every_clause_appears_once_in_new_reading_order(versions):
    old, new = versions
    steps = align_clauses(_texts(old), _texts(new))
    assert sorted(s.old for s in steps if s.old is not None) == list(range(len(old.clauses)))
    assert sorted(s.new for s in steps if s.new is not None) == list(range(len(new.clauses)))
    news = [s.new for s in steps if s.new is not None]
    assert news == sorted(news)
    kinds = Counter(s.kind for s in steps)
    assert (kinds["changed"], kinds["moved"], kinds["added"], kinds["removed"]) == (1, 1, 1, 1)


def test_identical_versions_align_unchanged(versions):
    old, _ = versions
    steps = align_clauses(_texts(old), _texts(old))
    assert {s.kind for s in steps} == {"unchanged"}
    assert [(s.old, s.new) for s in steps] == [(i, i) for i in range(len(old.clauses))]


def test_renumbering_and_markup_do_not_count_as_changes():
    old = [ClauseText("Art. 2 > 2.1", "2.1 The **Driver** may refuse any trip."),
           ClauseText("Art. 2 > 2.2", "2.2 See [the rules](https://example.org/rules) for details.")]
    new = [ClauseText("Art. 3 > 3.1", "3.1 The Driver may refuse any trip."),
           ClauseText("Art. 3 > 3.2", "3.2 See the rules for details.")]
    assert [s.kind for s in align_clauses(old, new)] == ["unchanged", "unchanged"]
    assert normalise("4.2 The *Driver* shall’s") == "the driver shall's"


def test_split_clause_pairs_by_containment():
    long = ("The platform may close the account immediately when the information given is false or incomplete. "
            "Each user then receives a user name made of the first name and the initial of the last name.")
    old = [ClauseText("6. Account", long)]
    new = [ClauseText("6. Account > 6.1", "The platform may close the account immediately when the information "
                                          "given is false or incomplete."),
           ClauseText("6. Account > 6.2", "Passwords are chosen by the user when signing up.")]
    steps = align_clauses(old, new)
    assert [(s.kind, s.old, s.new) for s in steps] == [("changed", 0, 0), ("added", None, 1)]


def test_unrelated_texts_are_removed_and_added():
    old = [ClauseText("", "The courier wears the branded bag during every delivery.")]
    new = [ClauseText("", "Disputes are settled by the courts of Paris under French law.")]
    assert sorted(s.kind for s in align_clauses(old, new)) == ["added", "removed"]


def test_word_diff_shows_edits_as_written():
    old = "2.2 The driver may refuse any trip without consequence."
    new = "2.2 The driver may refuse a trip, but a low acceptance rate may lead to deactivation."
    assert word_diff(old, new).startswith("The driver may refuse [-any trip without consequence.-] {+a trip,")
    assert ("+", "a trip, but a low acceptance rate may lead to deactivation.") in diff_segments(old, new)
    assert similarity(old, old) == 1.0
