"""Generated question banks and player guesses that look like the real thing, from a seed."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

FIRST = (
    "Hayley Annabelle Tom Simon Rebecca Vanessa Ving Henry Ethan Pom Esai Shea Angela Michelle "
    "Jeremy Alec Sean Jon Frederick Christopher Ilsa Grace Benji Luther Gabriel Paris Jasper "
    "Marie Olivia Lucas Amelia Noah Isla Oliver Ava Leo Mia Arthur Freya Oscar Ruby Hugo Elsie "
    "Felix Ivy Theo Rosie Louis Maya Rupert Daisy Ralph Nora Albert Clara Ernest Edith Walter "
    "Martha Harold Agnes Stanley Beatrice Cecil Dorothy Percy Mabel Victor Hilda Bernard"
).split()
LAST = (
    "Atwell Wallis Cruise Pegg Ferguson Kirby Rhames Czerny Hunt Klementieff Morales Whigham "
    "Bassett Monaghan Renner Baldwin Harris Voight McQuarrie Faust Dunn Stickell Marlowe Dalton "
    "Whitfield Okafor Lindqvist Moreau Castellano Nakamura Petrov Haddad Fitzgerald Brennan "
    "Delacroix Ashworth Pemberton Rowntree Sinclair Thornbury Underwood Vasquez Wexford Yardley "
    "Zeller Abernathy Blackwood Carrington Davenport Ellsworth Fairbanks Galloway Hargreaves "
    "Ingram Jessop Kensington Lockhart Merriweather Northcott Oakley Prescott Quayle Radcliffe "
    "Stanhope Templeton"
).split()
CITIES = (
    "Rome Paris London Berlin Madrid Lisbon Vienna Prague Warsaw Budapest Athens Dublin "
    "Edinburgh Oslo Stockholm Helsinki Copenhagen Reykjavik Amsterdam Brussels Luxembourg Bern "
    "Zurich Geneva Milan Venice Naples Florence Barcelona Seville Valencia Porto Munich Hamburg "
    "Cologne Frankfurt Krakow Gdansk Tallinn Riga Vilnius Kyiv Bucharest Sofia Belgrade Zagreb "
    "Ljubljana Sarajevo Tirana Istanbul Ankara Cairo Tunis Algiers Rabat Marrakesh Nairobi Lagos "
    "Accra Dakar Kinshasa Luanda Windhoek Johannesburg Durban Tokyo Osaka Kyoto Seoul Busan "
    "Beijing Shanghai Shenzhen Taipei Manila Hanoi Bangkok Jakarta Singapore Mumbai Delhi "
    "Kolkata Chennai Karachi Lahore Dhaka Kathmandu Colombo Tehran Baghdad Riyadh Doha Dubai "
    "Muscat Sydney Melbourne Brisbane Perth Adelaide Auckland Wellington Toronto Montreal "
    "Vancouver Ottawa Chicago Boston Seattle Denver Houston Dallas Atlanta Miami Havana Lima "
    "Bogota Quito Santiago Caracas Montevideo Asuncion"
).split()
COUNTRIES = (
    "Austria Australia Italy France Spain Portugal Germany Poland Hungary Greece Ireland Norway "
    "Sweden Finland Denmark Iceland Belgium Netherlands Switzerland Croatia Serbia Romania "
    "Bulgaria Turkey Egypt Morocco Kenya Nigeria Ghana Senegal Namibia Japan Korea China Vietnam "
    "Thailand Indonesia India Pakistan Nepal Iran Iraq Qatar Oman Canada Mexico Cuba Peru "
    "Colombia Ecuador Chile Venezuela Uruguay Paraguay Argentina Brazil Bolivia Mongolia"
).split()
FILMS = (
    "Fallout|Rogue Nation|Ghost Protocol|Dead Reckoning|Top Gun|Days of Thunder|Jerry Maguire|"
    "Minority Report|Edge of Tomorrow|Oblivion|Collateral|The Last Samurai|Vanilla Sky|Magnolia|"
    "Rain Man|Risky Business|Cocktail|Far and Away|A Few Good Men|The Firm|Interview with the "
    "Vampire|Eyes Wide Shut|War of the Worlds|Knight and Day|Jack Reacher|The Mummy|American "
    "Made|Valkyrie|Tropic Thunder|Lions for Lambs|Legend|The Outsiders|Taps|Born on the Fourth "
    "of July|The Color of Money|Rock of Ages|The Italian Job|Layer Cake|Heat|Ronin|The Fugitive|"
    "Speed|Point Break|Die Hard|Lethal Weapon|Predator|Aliens|Terminator|Rocky|Jaws|Alien"
).split("|")
ADJECTIVES = (
    "passenger stunt silver golden hidden ancient northern southern royal frozen broken burning "
    "secret floating iron crystal scarlet midnight desert ocean mountain river winter summer "
    "electric wooden velvet marble copper hollow"
).split()
NOUNS = (
    "seat driver bridge tower harbour castle garden lighthouse railway station market cathedral "
    "fountain library theatre museum canal tunnel island valley glacier volcano forest orchard "
    "meadow palace fortress monastery observatory"
).split()
MONTHS = (
    "January February March April May June July August September October November December"
).split()
ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth").split()
CHAT = (
    "no idea",
    "lol",
    "idk",
    "is it a city?",
    "hmm",
    "pass",
    "wait what",
    "this is hard",
    "gg",
    "too slow",
    "next",
    "brb",
    "omg",
    "what was the question",
    "easy",
    "hint pls",
)
KINDS = ("person", "city", "country", "film", "year", "date", "number", "thing")
SEQUELS = ("II", "III", "2", "3", "Part One", "Part Two")


@dataclass(frozen=True, slots=True)
class Item:
    """One generated question: what is asked, what is accepted, what the buttons offer."""

    kind: str
    text: str
    answers: tuple[str, ...]
    distractors: tuple[str, ...]


def _person(rng: random.Random) -> tuple[str, ...]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return (f"{first} {last}", last)


def _film(rng: random.Random) -> tuple[str, ...]:
    title = rng.choice(FILMS)
    if rng.random() < 0.3:
        sequel = f"{title} {rng.choice(SEQUELS)}"
        return (f"Mission: Impossible – {sequel}", sequel)
    return (f"Mission: Impossible – {title}", title) if rng.random() < 0.2 else (title,)


def _date(rng: random.Random) -> tuple[str, ...]:
    month, day, year = rng.choice(MONTHS), rng.randint(1, 28), rng.randint(1950, 2025)
    return (f"{month} {day}, {year}", f"{day} {month} {year}")


def _number(rng: random.Random) -> tuple[str, ...]:
    n = rng.randint(1, 10)
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n, "th")
    return (ORDINALS[n - 1].capitalize(), f"{n}{suffix}", str(n))


def _thing(rng: random.Random) -> tuple[str, ...]:
    adjective, noun = rng.choice(ADJECTIVES), rng.choice(NOUNS)
    return (f"The {adjective} {noun}".title(), f"{adjective} {noun}".capitalize())


def _answers(kind: str, rng: random.Random) -> tuple[str, ...]:
    if kind == "person":
        return _person(rng)
    if kind == "city":
        return (rng.choice(CITIES),)
    if kind == "country":
        return (rng.choice(COUNTRIES),)
    if kind == "film":
        return _film(rng)
    if kind == "year":
        return (str(rng.randint(1900, 2025)),)
    if kind == "date":
        return _date(rng)
    if kind == "number":
        return _number(rng)
    return _thing(rng)


_COMMON = frozenset({"", "the", "a", "an", "of", "and", "with", "mission", "impossible", "part"})


def _words(answers: Sequence[str]) -> set[str]:
    """Distinctive words of some answers; common title words may be shared by distractors."""
    return {w.casefold().strip(":,–") for a in answers for w in a.split()} - _COMMON


def _initial(text: str) -> str:
    """First letter after a leading article, which the judge ignores."""
    words = text.casefold().split()
    if len(words) > 1 and words[0] in ("the", "a", "an"):
        words = words[1:]
    return words[0][0]


def _distractors(kind: str, answers: tuple[str, ...], rng: random.Random) -> tuple[str, ...]:
    """Three wrong choices of the same kind sharing no word or initial with the answers."""
    taken = _words(answers)
    initials = {_initial(a) for a in answers}
    out: list[str] = []
    for _ in range(1000):
        candidate = _answers(kind, rng)[0]
        words = _words([candidate])
        # a shared initial could make it a forgiven typo, which validation refuses
        if not words & taken and _initial(candidate) not in initials:
            out.append(candidate)
            taken |= words
            if len(out) == 3:
                break
    return tuple(out)


_TEMPLATES = {
    "person": "Who played the role of agent number {n} in the briefing scene?",
    "city": "In which city was scene {n} of the chase filmed?",
    "country": "Which country hosted the premiere of episode {n}?",
    "film": "Which film features the stunt catalogued as number {n}?",
    "year": "In which year did event {n} in the timeline take place?",
    "date": "On what date was press release {n} published?",
    "number": "Which instalment introduced gadget {n}?",
    "thing": "Which landmark appears in shot {n} of the trailer?",
}


def generate(count: int, seed: int = 1) -> list[Item]:
    """`count` questions with a realistic mix of answer kinds (names, places, titles, dates)."""
    rng = random.Random(seed)
    items: list[Item] = []
    for n in range(count):
        kind = KINDS[n % len(KINDS)] if n < len(KINDS) else rng.choice(KINDS)
        answers = _answers(kind, rng)
        distractors = _distractors(kind, answers, rng)
        items.append(Item(kind, _TEMPLATES[kind].format(n=n + 1), answers, distractors))
    return items


def bank_dict(bank_id: str, items: Sequence[Item], rng: random.Random) -> dict[str, Any]:
    """A bank file's content, in the same shape and detail as the shipped banks."""
    sources = [
        {
            "id": f"src-{i}",
            "title": f"Feature article number {i} about the making of the films",
            "outlet": "Bench Weekly",
            "published": f"2023-0{i + 1}-1{i}",
        }
        for i in range(4)
    ]
    questions = []
    for n, item in enumerate(items):
        q: dict[str, Any] = {
            "id": f"q{n:05d}",
            "question": item.text,
            "answers": list(item.answers),
            "distractors": list(item.distractors),
            "difficulty": rng.choice(("easy", "medium", "hard")),
            "category": item.kind.capitalize(),
            "source": f"src-{n % 4}",
            "evidence": f"The article states plainly that the answer is {item.answers[0]}.",
            "explanation": f"{item.answers[0]} is right; the other choices appear elsewhere "
            "in the same article but not in this role.",
        }
        if rng.random() < 0.3:
            q["hint"] = f"It starts with {item.answers[0][0]}."
        questions.append(q)
    return {
        "id": bank_id,
        "title": f"Generated bank {bank_id}",
        "description": "Generated for benchmarks: realistic sizes, kinds and wording.",
        "sources": sources,
        "questions": questions,
    }


def write_banks(folder: Path, total: int, files: int, seed: int = 1) -> dict[str, Item]:
    """Write `total` questions spread over `files` YAML banks; returns question text -> item."""
    folder.mkdir(parents=True, exist_ok=True)
    items = generate(total, seed)
    rng = random.Random(seed + 1)
    per_file = -(-total // files)
    for f in range(files):
        chunk = items[f * per_file : (f + 1) * per_file]
        data = bank_dict(f"bench-{f:02d}", chunk, rng)
        text = yaml.dump(
            data,
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            width=100,
            default_flow_style=None,
        )
        (folder / f"bench-{f:02d}.yaml").write_text(text, encoding="utf-8")
    return {item.text: item for item in items}


# -- guesses ------------------------------------------------------------------------------

_FRAMES = ("I think it's {}", "{}?", "**{}**", "is it {}", "{} maybe", "||{}||", "the answer is {}")


def right_guess(item: Item, rng: random.Random) -> str:
    """An accepted answer written the way people type it: any case, framing, markdown."""
    answer = rng.choice(item.answers)
    style = rng.random()
    if style < 0.3:
        return answer.lower()
    if style < 0.4:
        return answer.upper()
    if style < 0.7:
        return rng.choice(_FRAMES).format(answer)
    return answer


def typo_guess(item: Item, rng: random.Random) -> str:
    """One slip inside a long word (never its first letter): a fair judge forgives it."""
    answer = rng.choice(item.answers)
    words = answer.split()
    long_words = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 6]
    if not long_words:
        return answer.lower()
    i = rng.choice(long_words)
    word = words[i]
    at = rng.randint(1, len(word) - 2)
    edit = rng.random()
    if edit < 0.4:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    elif edit < 0.7:
        word = word[:at] + word[at + 1 :]
    else:
        word = word[:at] + rng.choice("aeiourstln") + word[at + 1 :]
    words[i] = word
    return " ".join(words)


def wrong_guess(item: Item, pool: Sequence[Item], rng: random.Random) -> str:
    """A real answer to some other question: the commonest kind of wrong guess."""
    other = rng.choice(pool)
    while other.answers == item.answers:
        other = rng.choice(pool)
    return rng.choice(other.answers + other.distractors)


def near_miss(item: Item, rng: random.Random) -> str:
    """Close but wrong: another number, an extra word, a list, a word that only looks alike."""
    answer = item.answers[0]
    if any(c.isdigit() for c in answer):
        digits = [i for i, c in enumerate(answer) if c.isdigit()]
        at = rng.choice(digits)
        return answer[:at] + str((int(answer[at]) + 1) % 10) + answer[at + 1 :]
    style = rng.random()
    if style < 0.3:
        return f"{answer} or {rng.choice(item.distractors)}"
    if style < 0.5:
        return f"{answer} {rng.choice(NOUNS)}"
    if style < 0.7:
        return rng.choice(item.distractors)
    word = answer.split()[-1]
    if len(word) > 4:
        return word[:-3] + "ia" if not word.endswith("ia") else word[:-2] + "ium"
    return "X" + answer[1:]


def mixed_guesses(item: Item, pool: Sequence[Item], rng: random.Random) -> list[tuple[str, str]]:
    """One guess of each kind (right, typo, wrong, near-miss) for a question, labelled."""
    return [
        ("right", right_guess(item, rng)),
        ("typo", typo_guess(item, rng)),
        ("wrong", wrong_guess(item, pool, rng)),
        ("near-miss", near_miss(item, rng)),
    ]


def chatter(rng: random.Random) -> str:
    """Channel chat that is no answer at all."""
    return rng.choice(CHAT)
