"""Distractors from the vocabulary are wrong for the thing asked, not merely another name."""

from __future__ import annotations

import pytest

from bot.banks.draft.distractors import Pool, distractors
from bot.banks.draft.mentions import Mention
from bot.banks.draft.vocabulary import film_of, films, vocabulary


def title(text: str) -> Mention:
    return Mention("title", text, 0, len(text), (text,))


@pytest.mark.parametrize(
    ("answer", "same_film"),
    [
        ("Mission: Impossible 8", "The Final Reckoning"),
        ("Mission: Impossible – Dead Reckoning Part Two", "The Final Reckoning"),
        ("Mission: Impossible: Dead Reckoning", "Dead Reckoning"),
        ("Mission: Impossible — Dead Reckoning Part One", "Dead Reckoning"),
        ("Mission: Impossible 3", "Mission: Impossible III"),
    ],
)
def test_another_name_of_the_film_asked_is_never_a_distractor(answer: str, same_film: str) -> None:
    for seed in range(40):
        found = distractors(title(answer), Pool(), (answer,), seed=str(seed))
        assert len(found) == 3
        assert not any(same_film in d for d in found), found


def test_an_unknown_title_of_the_series_is_not_asked_against_the_renamed_films() -> None:
    found = {
        d
        for seed in range(40)
        for d in distractors(title("Mission: Impossible 9"), Pool(), ("x",), seed=str(seed))
    }
    assert found and not any("Reckoning" in d for d in found)


def test_every_film_name_is_known_and_found_in_text() -> None:
    assert film_of("Mission: Impossible - Fallout") == 5 and film_of("Top Gun") is None
    names = [n for group in films() for n in group]
    assert all(n in vocabulary()["titles"] for n in names)
    assert len(set(names)) == len(names)


def person(text: str) -> Mention:
    return Mention("person", text, 0, len(text), (text,))


def test_known_women_and_men_are_asked_against_their_own() -> None:
    women = set(vocabulary()["women"])
    pool = Pool(["Brandon Davis", "Last Samurai"], ["The Last Samurai"])
    for seed in range(20):
        for answer, woman in (("Rebecca Ferguson", True), ("Simon Pegg", False)):
            found = distractors(person(answer), pool, (answer,), seed=str(seed))
            assert len(found) == 3 and "Last Samurai" not in found
            known = [d for d in found if d != "Brandon Davis"]  # unknown: either
            assert all((d in women) == woman for d in known), (answer, found)
