"""The answer judge rules as a fair quizmaster would: generous on form, strict on meaning."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine.judge import judge

ROME = ["Rome"]
ATWELL = ["Hayley Atwell", "Atwell"]
WALLIS = ["Annabelle Wallis", "Wallis"]
CRUISE = ["Tom Cruise"]
BRIDGE = ["Westminster Bridge", "Westminster"]
DR_ONE = [
    "Mission: Impossible – Dead Reckoning Part One",
    "Dead Reckoning Part One",
    "Dead Reckoning",
]
DR_TWO = [
    "Mission: Impossible – Dead Reckoning Part Two",
    "Dead Reckoning Part Two",
    "Dead Reckoning Part 2",
]
MI3 = ["Mission: Impossible III", "Mission Impossible III", "MI3", "M:I III"]
FALLOUT = ["Mission: Impossible – Fallout", "Fallout"]
PREMIERE = ["July 12, 2023", "July 12th", "July 12", "12 July 2023"]
RELEASE = ["May 23, 2025", "23 May 2025", "May 23 2025"]
SEVENTH = ["The seventh", "Seventh", "7th", "7"]
PASSENGER = [
    "Riding handcuffed in the passenger seat",
    "Sitting in the passenger seat",
    "Passenger seat",
]
TAPS = ["TAPS and The Last Samurai", "The Last Samurai and TAPS"]

Case = tuple[str, list[str], bool, str]

FOLDING: list[Case] = [
    ("Rome", ROME, True, "exact"),
    ("rome", ROME, True, "lower-case"),
    ("ROME", ROME, True, "upper-case"),
    ("  Rome  ", ROME, True, "surrounding-spaces"),
    ("Rome.", ROME, True, "trailing-period"),
    ("Rome?", ROME, True, "trailing-question-mark"),
    ("Rome?!", ROME, True, "trailing-interrobang"),
    ('"Rome"', ROME, True, "double-quoted"),
    ("Abu   Dhabi", ["Abu Dhabi"], True, "inner-spaces"),
    ("Abu\tDhabi\n", ["Abu Dhabi"], True, "tab-and-newline"),
    ("Abudhabi", ["Abu Dhabi"], True, "words-joined"),
    ("Penélope Cruz", ["Penelope Cruz"], True, "accent-in-guess"),
    ("Penelope Cruz", ["Penélope Cruz"], True, "accent-in-answer"),
    ("Zürich", ["Zurich"], True, "umlaut"),
    ("Søren", ["Soren"], True, "letter-without-decomposition"),
    ("Straße", ["Strasse"], True, "sharp-s"),
    ("Ｒｏｍｅ", ROME, True, "fullwidth-letters"),
    ("Ocean’s Eleven", ["Ocean's Eleven"], True, "curly-apostrophe"),
    ("Oceans Eleven", ["Ocean's Eleven"], True, "apostrophe-left-out"),
    ("Mission: Impossible — Fallout", FALLOUT, True, "em-dash-for-en-dash"),
    ("Mission Impossible Fallout", FALLOUT, True, "punctuation-left-out"),
    ("mission impossible - fallout", FALLOUT, True, "ascii-hyphen-for-dash"),
    ("**Rome**", ROME, True, "markdown-bold"),
    ("__Rome__", ROME, True, "markdown-underline"),
    ("*Rome*", ROME, True, "markdown-italic"),
    ("~~Rome~~", ROME, True, "markdown-strikethrough"),
    ("||Rome||", ROME, True, "spoiler"),
    ("`Rome`", ROME, True, "inline-code"),
    ("||**Venice**||", ["Venice"], True, "spoiler-around-bold"),
    ("> Rome", ROME, True, "quote-marker"),
    ("Rome 🏛️", ROME, True, "emoji-ignored"),
    ("<@123456789> Rome", ROME, True, "mention-ignored"),
    ("Rome <:colosseum:112233445566>", ROME, True, "custom-emoji-ignored"),
    ("[Rome](https://example.com)", ROME, True, "masked-link"),
    ("The Westminster Bridge", BRIDGE, True, "leading-the-in-guess"),
    ("Last Samurai", ["The Last Samurai"], True, "leading-the-left-out"),
    ("a stunt driver", ["Stunt driver"], True, "leading-a"),
    ("an Oscar", ["Oscar"], True, "leading-an"),
    ("The A-Team", ["A-Team"], True, "article-before-a-title-starting-with-a"),
    ("Team", ["The A-Team"], False, "only-one-article-is-dropped"),
    ("Tom & Jerry", ["Tom and Jerry"], True, "ampersand-in-guess"),
    ("TAPS & The Last Samurai", TAPS, True, "ampersand-for-bank-and"),
    ("Spiderman", ["Spider-Man"], True, "hyphen-removed"),
    ("spider man", ["Spider-Man"], True, "hyphen-as-space"),
    ("Spider-Man", ["Spiderman"], True, "hyphen-added"),
    ("F18", ["An F-18 fighter jet", "F-18", "F/A-18"], True, "designation-without-hyphen"),
    ("Nobody runs on screen with me", ["Nobody runs onscreen with me"], True, "word-split"),
    ("Mr Movie Running Man", ["Mr. Movie Running Man"], True, "abbreviation-dot"),
    ("U.K.", ["England", "UK", "United Kingdom"], True, "dotted-initials"),
    ("100 per cent", ["100 percent", "100%", "100"], True, "per-cent-spacing"),
]

NUMBERS: list[Case] = [
    ("7", ["Seven"], True, "digit-for-word"),
    ("seven", ["7"], True, "word-for-digit"),
    ("eighth", ["8"], True, "ordinal-word-for-digit"),
    ("8th", ["8"], True, "ordinal-digits-for-digit"),
    ("eight", ["8th"], True, "word-for-ordinal-digits"),
    ("8", ["eighth"], True, "digit-for-ordinal-word"),
    ("7th", ["The seventh"], True, "ordinal-digits-for-the-seventh"),
    ("The eighth", SEVENTH, False, "bank-eighth-is-not-seventh"),
    ("The sixth", SEVENTH, False, "bank-sixth-is-not-seventh"),
    ("Eight", ["Seven", "7"], False, "bank-eight-is-not-seven"),
    ("6", ["Seven", "7"], False, "bank-six-is-not-seven"),
    ("twenty-one", ["21"], True, "hyphenated-compound"),
    ("twenty one", ["21"], True, "spaced-compound"),
    ("21", ["twenty-one"], True, "digits-for-compound"),
    ("twenty-first", ["21st"], True, "compound-ordinal"),
    ("twenty-two", ["21"], False, "compound-off-by-one"),
    ("sixty", ["60", "Sixty"], True, "tens-word"),
    ("62", ["60", "Sixty"], False, "bank-62-is-not-60"),
    ("six", ["60"], False, "six-is-not-sixty"),
    ("600", ["60"], False, "extra-zero"),
    ("one hundred and one", ["101"], True, "hundred-and"),
    ("One Hundred and One Dalmatians", ["101 Dalmatians"], True, "number-inside-title"),
    ("two thousand and twenty-five", ["2025"], True, "year-in-words"),
    ("twenty twenty-five", ["2025"], True, "year-spoken-in-pairs"),
    ("nineteen eighty-four", ["1984"], True, "year-nineteen-eighty-four"),
    ("twenty twenty-four", ["2025"], False, "spoken-year-off-by-one"),
    ("2024", ["2025"], False, "bank-year-off-by-one"),
    ("2023", ["2025"], False, "bank-year-2023-vs-2025"),
    ("2026", ["2025"], False, "bank-year-2026-vs-2025"),
    ("202", ["2025"], False, "year-truncated"),
    ("2O25", ["2025"], False, "letter-o-in-year"),
    ("it's 2025", ["2025"], True, "framed-year"),
    ("1,000", ["1000"], True, "thousands-separator"),
    ("one thousand", ["1,000"], True, "thousand-in-words"),
    ("-40", ["40"], False, "minus-sign-matters"),
    ("minus 40", ["-40"], True, "minus-in-words"),
    ("3.5", ["3.5"], True, "decimal"),
    ("35", ["3.5"], False, "decimal-point-matters"),
    ("3.6", ["3.5"], False, "decimal-off"),
    ("forty years", ["Nearly 40 years", "40 years", "40"], True, "forty-years"),
    ("Nearly 30 years", ["Nearly 40 years", "40 years", "40"], False, "bank-nearly-30"),
    ("Ocean's 11", ["Ocean's Eleven"], True, "digits-in-title"),
    ("Ocean's 12", ["Ocean's Eleven"], False, "other-film-of-series-by-number"),
    ("Catch-22", ["Catch 22"], True, "hyphen-before-number"),
    ("Catch 2 2", ["Catch-22"], False, "digits-split-apart"),
    ("Apollo11", ["Apollo 11"], True, "digits-glued-to-word"),
    ("Apollo 13", ["Apollo 11"], False, "other-mission-number"),
    ("all 4", ["All four", "Four", "4"], True, "bank-all-4"),
    ("Three", ["Two", "2"], False, "bank-three-is-not-two"),
    ("one", ["Two", "2"], False, "bank-one-is-not-two"),
    ("An F-14 Tomcat", ["An F-18 fighter jet", "F-18", "F/A-18"], False, "bank-f14"),
    ("F-35", ["An F-18 fighter jet", "F-18", "F/A-18"], False, "bank-f35"),
    ("50 percent", ["100 percent", "100%", "100"], False, "bank-50-percent"),
]

SEQUELS: list[Case] = [
    ("Mission Impossible 3", MI3, True, "digit-for-roman-numeral"),
    ("mission impossible iii", ["Mission Impossible 3"], True, "roman-numeral-for-digit"),
    ("M:I 3", MI3, True, "bank-short-form-with-digit"),
    ("Mission Impossible Three", MI3, True, "number-word-for-roman-numeral"),
    ("Mission: Impossible 2", MI3, False, "bank-mi2-is-not-mi3"),
    ("Mission Impossible II", MI3, False, "roman-two-is-not-three"),
    ("Mission Impossible", MI3, False, "sequel-number-missing"),
    ("Mission Impossible II", ["Mission Impossible 2"], True, "roman-two"),
    ("Mission Impossible 7", ["Mission Impossible 8"], False, "mi7-is-not-mi8"),
    ("Mission Impossible VIII", ["Mission Impossible 8"], True, "roman-eight"),
    ("Mission Impossible VII", ["Mission Impossible 8"], False, "roman-seven-is-not-eight"),
    ("Mission Impossible Seven", ["Mission Impossible 7"], True, "sequel-number-in-words"),
    ("Dead Reckoning Part II", DR_TWO, True, "part-two-in-roman"),
    ("Dead Reckoning Part 1", DR_ONE, True, "part-one-in-digits"),
    ("Dead Reckoning Part One", DR_TWO, False, "part-one-is-not-part-two"),
    ("Dead Reckoning", DR_TWO, False, "bank-part-two-needs-its-number"),
    ("Rocky II", ["Rocky 2"], True, "rocky-ii"),
    ("Henry 8th", ["Henry VIII"], True, "regnal-number"),
    ("Star Wars Episode 4", ["Star Wars Episode IV"], True, "roman-numeral-mid-title"),
    ("11", ["Xi"], False, "lone-xi-is-a-word"),
    ("X", ["Twitter/X", "Twitter", "X"], True, "lone-x-listed"),
    ("Twitter 10", ["Twitter/X", "Twitter", "X"], False, "lone-x-is-not-ten"),
    ("Malcolm 10", ["Malcolm X"], False, "malcolm-x-is-not-ten"),
]

DATES: list[Case] = [
    ("July 12, 2023", PREMIERE, True, "date-as-listed"),
    ("12 July 2023", ["July 12, 2023"], True, "day-month-year"),
    ("12th July 2023", ["July 12, 2023"], True, "ordinal-day-first"),
    ("the 12th of July, 2023", ["July 12, 2023"], True, "the-12th-of-july"),
    ("2023-07-12", ["July 12, 2023"], True, "iso-date"),
    ("12/07/2023", ["July 12, 2023"], True, "numeric-day-first"),
    ("07/12/2023", ["July 12, 2023"], True, "numeric-month-first"),
    ("12.07.2023", ["July 12, 2023"], True, "dotted-date"),
    ("Jul 12 2023", ["July 12, 2023"], True, "abbreviated-month"),
    ("Wednesday, July 12, 2023", ["July 12, 2023"], True, "weekday-prefix"),
    ("July 21, 2023", PREMIERE, False, "bank-21-for-12"),
    ("July 14, 2023", PREMIERE, False, "bank-14-for-12"),
    ("June 30, 2023", PREMIERE, False, "bank-june-30"),
    ("June 12, 2023", ["July 12, 2023"], False, "other-month"),
    ("July 12, 2024", ["July 12, 2023"], False, "other-year"),
    ("13/07/2023", ["July 12, 2023"], False, "numeric-other-day"),
    ("21/07/2023", ["July 12, 2023"], False, "numeric-swapped-digits"),
    ("2023", ["July 12, 2023"], False, "year-alone-is-not-the-date"),
    ("July 12", ["July 12, 2023"], False, "date-without-year-not-listed"),
    ("12th July", PREMIERE, True, "bank-day-month-without-year"),
    ("May 23rd 2025", RELEASE, True, "ordinal-suffix-no-comma"),
    ("May 23rd, 2025", RELEASE, True, "ordinal-suffix-comma"),
    ("23/05/2025", RELEASE, True, "uk-numeric"),
    ("05/23/2025", RELEASE, True, "us-numeric"),
    ("2025-05-23", RELEASE, True, "iso-numeric"),
    ("Friday 23 May 2025", RELEASE, True, "weekday-day-month-year"),
    ("May 22, 2026", RELEASE, False, "bank-may-22-2026"),
    ("May 23, 2024", RELEASE, False, "release-other-year"),
    ("24/05/2025", RELEASE, False, "release-other-day"),
    ("June 23, 2025", RELEASE, False, "release-other-month"),
    ("July 2023", ["July 2023", "July"], True, "month-and-year"),
    ("May 2023", ["July 2023", "July"], False, "bank-may-2023"),
    ("Sept 5 2023", ["5 September 2023"], True, "sept-abbreviation"),
    ("February 30, 2023", ["March 2, 2023"], False, "impossible-date-is-not-rolled-over"),
]

TYPOS: list[Case] = [
    ("Atwel", ATWELL, True, "one-letter-dropped"),
    ("Atwlel", ATWELL, True, "two-letters-swapped"),
    ("Hayley Atwel", ATWELL, True, "surname-typo-in-full-name"),
    ("Haley Atwell", ATWELL, True, "first-name-spelling"),
    ("Annabel Wallis", WALLIS, True, "long-first-name-two-edits"),
    ("Walis", WALLIS, True, "surname-one-letter-dropped"),
    ("Klementief", ["Pom Klementieff", "Klementieff"], True, "long-surname-typo"),
    ("McQuarie", ["Christopher McQuarrie", "McQuarrie"], True, "mcquarrie-one-r"),
    ("Christopher McQuarry", ["Christopher McQuarrie"], True, "two-edits-in-long-answer"),
    ("Westminister Bridge", BRIDGE, True, "extra-letter-in-long-word"),
    ("Westminster Brdige", BRIDGE, True, "swapped-letters"),
    ("Venise", ["Venice"], True, "one-substitution-six-letters"),
    ("Abu Dabi", ["Abu Dhabi"], True, "abu-dabi"),
    ("Tom Crusie", CRUISE, True, "cruise-swapped"),
    ("Ethen Hunt", ["Ethan Hunt", "Ethan", "Hunt"], True, "ethan-typo"),
    ("Ankel", ["His ankle", "Ankle"], True, "ankle-swapped"),
    ("Paramont", ["Paramount Pictures", "Paramount"], True, "paramount-typo"),
    ("Parris", ["Paris"], True, "doubled-letter"),
    ("flase", ["False"], True, "false-swapped"),
    ("Spidr man", ["Spider-Man"], True, "typo-in-hyphenated-name"),
    ("Spidreman", ["Spider-Man"], True, "typo-and-joined"),
    ("Rom", ROME, False, "short-answer-no-typos"),
    ("Roma", ROME, False, "roma-is-not-rome"),
    ("Home", ROME, False, "home-is-not-rome"),
    ("ture", ["True"], False, "true-is-too-short-for-typos"),
    ("Hint", ["Hunt"], False, "four-letters-exact"),
    ("Ethan Hunter", ["Ethan Hunt", "Ethan", "Hunt"], False, "short-word-in-name-exact"),
    ("Austria", ["Australia"], False, "austria-is-not-australia"),
    ("Atwood", ATWELL, False, "other-surname"),
    ("Bruise", ["Cruise"], False, "first-letter-changed"),
    ("Tom Banks", ["Tom Hanks"], False, "surname-first-letter-changed"),
    ("Tim Cruise", CRUISE, False, "short-first-name-exact"),
    ("Tom Cruz", CRUISE, False, "cruz-is-not-cruise"),
    ("Venus", ["Venice"], False, "venus-is-not-venice"),
    ("Vienna", ["Venice"], False, "vienna-is-not-venice"),
    ("Dubai", ["Abu Dhabi"], False, "dubai-is-not-abu-dhabi"),
    ("Westmister Brige", ["Westminster Bridge"], True, "two-typos-long-answer"),
    ("Wstmnster Brdg", ["Westminster Bridge"], False, "too-many-typos"),
]

NEAR_MISSES: list[Case] = [
    ("Tom Hanks", CRUISE, False, "same-first-name-hanks"),
    ("Tom Hardy", CRUISE, False, "same-first-name-hardy"),
    ("Penelope Cruz", ["Tom Cruise", "Cruise"], False, "similar-surname-other-person"),
    ("Hayley Mills", ATWELL, False, "same-first-name-hayley-mills"),
    ("Hayley", ATWELL, False, "first-name-alone-not-listed"),
    ("Annabelle Wallis", ATWELL, False, "bank-wallis-for-atwell"),
    ("Atwell", WALLIS, False, "bank-atwell-for-wallis"),
    ("Annabelle", WALLIS, False, "first-name-alone-annabelle"),
    ("Annabelle Atwell", ["Hayley Atwell"], False, "mixed-up-names"),
    ("Atwell", ["Hayley Atwell"], False, "surname-not-listed"),
    ("Atwell", ATWELL, True, "surname-listed"),
    ("Hayley Atwell", ["Atwell"], False, "full-name-when-only-surname-listed"),
    ("Tom Atwell", ["Atwell"], False, "other-first-name-with-listed-surname"),
    ("Ethan", ["Ethan Hunt", "Ethan", "Hunt"], True, "bank-first-name-listed"),
    ("Ethan Hawke", ["Ethan Hunt", "Ethan", "Hunt"], False, "ethan-hawke"),
    ("Jack Reacher", ["Ethan Hunt", "Ethan", "Hunt"], False, "bank-jack-reacher"),
    ("Cruise", CRUISE, False, "surname-alone-not-listed"),
    ("Shelley Duvall", ["Robert Duvall", "Duvall"], False, "other-duvall"),
    ("Christopher Nolan", ["Christopher McQuarrie", "McQuarrie"], False, "other-christopher"),
    ("Christopher", ["Christopher McQuarrie", "McQuarrie"], False, "first-name-christopher"),
    ("Brian De Palma", ["Christopher McQuarrie", "McQuarrie"], False, "bank-de-palma"),
    ("J.J. Abrams", ["Christopher McQuarrie", "McQuarrie"], False, "bank-abrams"),
    ("Michael B Jordan", ["Michael Jordan"], False, "extra-initial-other-person"),
    ("Robert Downey", ["Robert Downey Jr."], False, "missing-word-is-not-a-typo"),
    ("Rebecca Hall", ["Rebecca Ferguson", "Ferguson"], False, "other-rebecca"),
    ("Ving", ["Ving Rhames", "Rhames"], False, "first-name-ving"),
    ("Mission: Impossible – Fallout", DR_ONE, False, "bank-fallout-for-dead-reckoning"),
    ("Mission: Impossible – Rogue Nation", DR_ONE, False, "bank-rogue-nation"),
    ("Mission: Impossible – Ghost Protocol", DR_ONE, False, "bank-ghost-protocol"),
    ("Mission Impossible Dead Reckoning", DR_TWO, False, "part-one-title-for-part-two"),
    ("Mission: Impossible – Ghost Nation", DR_TWO, False, "bank-ghost-nation"),
    ("Mission: Impossible – Dead Reckoning Part One", FALLOUT, False, "bank-dr-for-fallout"),
    ("Fallout", FALLOUT, True, "bank-fallout-short-title"),
    ("Rogue Nation", FALLOUT, False, "rogue-nation-for-fallout"),
    ("Impossible", ["Mission: Impossible", "Mission Impossible", "M:I"], False, "half-a-title"),
    ("Mission", ["Mission: Impossible", "Mission Impossible", "M:I"], False, "first-word-of-title"),
    ("Jack Reacher", ["Jack Reacher: Never Go Back", "Never Go Back"], False, "series-name-only"),
    ("Tower Bridge", BRIDGE, False, "bank-tower-bridge"),
    ("Waterloo Bridge", BRIDGE, False, "bank-waterloo-bridge"),
    ("Millennium Bridge", BRIDGE, False, "bank-millennium-bridge"),
    ("Westminster Abbey", BRIDGE, False, "other-westminster-landmark"),
    ("Bridge", ["Westminster Bridge"], False, "generic-word-of-answer"),
    ("Venice", ROME, False, "bank-venice-for-rome"),
    ("Abu Dhabi", ROME, False, "bank-abu-dhabi-for-rome"),
    ("Paris", ROME, False, "bank-paris-for-rome"),
    ("His wrist", ["His ankle", "Ankle"], False, "bank-wrist-for-ankle"),
    (
        "The driver's seat",
        ["The passenger seat", "Passenger seat", "Passenger"],
        False,
        "bank-driver-seat",
    ),
    ("False", ["True"], False, "false-for-true"),
    ("yes", ["True"], False, "yes-is-not-true"),
    ("MI6", ["The IMF", "IMF", "Impossible Mission Force"], False, "bank-mi6-for-imf"),
    ("The CIA", ["The IMF", "IMF", "Impossible Mission Force"], False, "bank-cia-for-imf"),
]

LISTS_AND_PADDING: list[Case] = [
    ("chair", ["air"], False, "answer-inside-longer-word"),
    ("Romeo", ROME, False, "answer-as-word-prefix"),
    ("Jerome", ROME, False, "answer-as-word-suffix"),
    ("Roman", ROME, False, "roman-is-not-rome"),
    ("Rome or Paris", ROME, False, "list-with-or"),
    ("Paris or Rome", ROME, False, "list-answer-last"),
    ("Rome, Paris", ROME, False, "list-with-comma"),
    ("Rome/Paris", ROME, False, "list-with-slash"),
    ("Venice, Rome, Paris", ROME, False, "list-of-three"),
    ("Rome\nParis", ROME, False, "list-on-two-lines"),
    ("is it Rome? Paris?", ROME, False, "two-questions"),
    ("Rome? Venice?", ROME, False, "two-guesses-one-message"),
    ("Atwell, Wallis", ATWELL, False, "two-surnames"),
    ("Atwell or Wallis", WALLIS, False, "two-surnames-or"),
    ("Tower Bridge or Westminster Bridge", BRIDGE, False, "two-bridges"),
    ("rome rome rome", ROME, False, "repeated-answer"),
    ("Rome Rome", ROME, False, "doubled-answer"),
    ("Rome Italy", ROME, False, "extra-word"),
    ("Rome lol", ROME, False, "extra-chatter"),
    ("not Rome", ROME, False, "negated"),
    ("it's not Rome", ROME, False, "framed-negation"),
    ("definitely not Rome", ROME, False, "definitely-not"),
    ("Rome " * 40, ROME, False, "wall-of-repeats"),
    ("The Last Samurai", TAPS, False, "half-of-a-two-part-answer"),
    ("The Last Samurai and Top Gun", TAPS, False, "two-part-answer-half-wrong"),
    ("The last samurai and taps", TAPS, True, "two-part-answer-listed-order"),
    ("handcuffed", PASSENGER, False, "fragment-without-listed-answer"),
]

FRAMING: list[Case] = [
    ("it's Rome", ROME, True, "its-prefix"),
    ("its rome", ROME, True, "its-without-apostrophe"),
    ("it is Rome", ROME, True, "it-is-prefix"),
    ("I think Rome", ROME, True, "i-think-prefix"),
    ("I think it's Rome", ROME, True, "i-think-its-prefix"),
    ("maybe Rome?", ROME, True, "maybe-prefix"),
    ("is it Rome?", ROME, True, "is-it-question"),
    ("Rome I think", ROME, True, "i-think-suffix"),
    ("the answer is Rome", ROME, True, "the-answer-is"),
    ("Rome, final answer", ROME, True, "final-answer-suffix"),
    ("I think it's the Westminster Bridge", BRIDGE, True, "framing-then-article"),
    ("pretty sure it's Hayley Atwell", ATWELL, True, "pretty-sure"),
    ("I think", ROME, False, "framing-alone"),
    ("It", ["It"], True, "title-that-looks-like-framing"),
    ("it's It", ["It"], True, "framed-title-it"),
    ("Mission Impossible Dead Reckoning", DR_ONE, True, "franchise-prefix-on-listed-title"),
    ("in the passenger seat", PASSENGER, True, "run-of-words-from-listed-answer"),
]

# From the newcomer's trial: short first names, hedged numbers.
TRIAL_NOTES: list[Case] = [
    ("Chris McQuarrie", ["Christopher McQuarrie", "McQuarrie"], True, "short-first-name-chris"),
    ("chris mcquarrie", ["Christopher McQuarrie"], True, "short-first-name-lower-case"),
    ("Tom Cruise", ["Thomas Cruise"], True, "short-first-name-tom"),
    ("Chris McQuarie", ["Christopher McQuarrie"], False, "short-first-name-needs-exact-surname"),
    ("Chris Nolan", ["Christopher McQuarrie"], False, "short-first-name-other-surname"),
    ("Chris", ["Christopher McQuarrie"], False, "short-first-name-alone"),
    ("Mike McQuarrie", ["Christopher McQuarrie"], False, "short-form-of-another-name"),
    ("Chris Pegg", ["Simon Pegg"], False, "short-form-of-no-listed-first-name"),
    ("Chris McQuarrie", ["Christine McQuarrie"], True, "chris-is-short-for-christine-too"),
    ("Tom Hanks", ["Thomas Cruise"], False, "short-first-name-hanks"),
    ("about forty years", ["Nearly 40 years", "40 years", "40"], True, "about-forty-years"),
    ("almost 40 years", ["Nearly 40 years", "40 years", "40"], True, "almost-40-years"),
    ("nearly 40", ["40"], True, "nearly-the-number-itself"),
    ("around 2017", ["2017"], True, "around-a-year"),
    ("almost 40 years", ["Nearly 40 years"], True, "almost-for-nearly"),
    ("about 30 years", ["Nearly 40 years", "40 years", "40"], False, "about-another-number"),
    ("about forty", ["Forty years"], False, "hedge-keeps-the-unit-rule"),
    ("about", ["40"], False, "hedge-alone"),
    ("nearly Rome", ROME, False, "hedge-before-a-word"),
]

# Questions asking how many: an ordinal names a position, not a count.
COUNTING: list[Case] = [
    ("seventh", ["Seven", "7"], False, "count-refuses-ordinal-word"),
    ("7th", ["Seven", "7"], False, "count-refuses-ordinal-digits"),
    ("the seventh", ["Seven", "7"], False, "count-refuses-the-seventh"),
    ("Seven", ["Seven", "7"], True, "count-accepts-the-count"),
    ("7", ["Seven", "7"], True, "count-accepts-digits"),
    ("six", ["Seven", "7"], False, "count-refuses-other-count"),
    ("twenty-first", ["21"], False, "count-refuses-compound-ordinal"),
    ("seventh", ["The seventh", "7th"], True, "count-keeps-an-ordinal-answer"),
    ("about forty", ["40"], True, "count-accepts-hedged-count"),
]

EMPTY: list[Case] = [
    ("", ROME, False, "empty-guess"),
    ("   ", ROME, False, "blank-guess"),
    ("?!", ROME, False, "punctuation-only-guess"),
    ("|| ||", ROME, False, "empty-spoiler"),
    ("Rome", [], False, "no-accepted-answers"),
    ("Rome", [""], False, "empty-accepted-answer"),
    ("Rome", ["   "], False, "blank-accepted-answer"),
    ("", [""], False, "both-empty"),
]

CASES: list[Case] = (
    FOLDING
    + NUMBERS
    + SEQUELS
    + DATES
    + TYPOS
    + NEAR_MISSES
    + LISTS_AND_PADDING
    + FRAMING
    + TRIAL_NOTES
    + EMPTY
)


def test_table_is_big_and_labels_are_unique() -> None:
    labels = [label for *_, label in CASES + COUNTING]
    assert len(CASES) >= 170
    assert len(labels) == len(set(labels))


@pytest.mark.parametrize(
    ("guess", "accepted", "expected"),
    [case[:3] for case in CASES],
    ids=[case[3] for case in CASES],
)
def test_judge_table(guess: str, accepted: list[str], expected: bool) -> None:
    assert judge(guess, accepted) is expected


@pytest.mark.parametrize(
    ("guess", "accepted", "expected"),
    [case[:3] for case in COUNTING],
    ids=[case[3] for case in COUNTING],
)
def test_judge_table_for_count_questions(guess: str, accepted: list[str], expected: bool) -> None:
    assert judge(guess, accepted, count=True) is expected


def test_only_count_questions_refuse_ordinals() -> None:
    # "Which installment ...?" answered "seventh" for 7 stays right.
    assert judge("seventh", ["Seven", "7"]) is True


def test_the_anchors_failures_are_fixed() -> None:
    # A lower-case substring match counts "chair" for "air" and refuses "Paris!".
    assert judge("chair", ["air"]) is False
    assert judge("Paris!", ["Paris"]) is True
    # A whole-message ratio over 88 accepts near misses that change the meaning.
    assert judge("Mission Impossible 7", ["Mission Impossible 8"]) is False
    assert judge("July 13, 2023", ["July 12, 2023"]) is False
    assert judge("Rome or Paris", ["Rome"]) is False


def test_accepted_may_be_any_sequence_or_a_lone_string() -> None:
    assert judge("Rome", ("Rome",)) is True
    assert judge("Rome", "Rome") is True
    assert judge("R", "Rome") is False


def test_shipped_bank_answers_accept_each_other_forms() -> None:
    for answers in (ATWELL, WALLIS, DR_ONE, DR_TWO, MI3, FALLOUT, PREMIERE, RELEASE, SEVENTH):
        for answer in answers:
            assert judge(answer, answers), answer


ANSWER = st.text(min_size=1, max_size=40).filter(lambda s: any(c.isalnum() for c in s))


@settings(max_examples=300)
@given(st.text(max_size=200), st.lists(st.text(max_size=60), max_size=4))
def test_judge_never_raises(guess: str, accepted: list[str]) -> None:
    assert isinstance(judge(guess, accepted), bool)


@settings(max_examples=300)
@given(ANSWER)
def test_an_answer_is_accepted_as_itself(answer: str) -> None:
    assert judge(answer, [answer])


@settings(max_examples=300)
@given(ANSWER)
def test_case_and_outer_whitespace_do_not_matter_for_the_answer(answer: str) -> None:
    assert judge(f"  {answer.upper()}\t", [answer])
    assert judge(answer.lower(), [answer])
    assert judge(answer, [f" {answer.swapcase()} "])


@settings(max_examples=300)
@given(st.text(max_size=40), ANSWER)
def test_case_and_outer_whitespace_never_change_a_ruling(guess: str, answer: str) -> None:
    ruling = judge(guess, [answer])
    assert judge(f" {guess.upper()} ", [answer]) is ruling
    assert judge(f"\n{guess.lower()}", [answer]) is ruling
