"""Common short forms of first names, so "Chris McQuarrie" is "Christopher McQuarrie"."""

from __future__ import annotations

# Short form -> the full first names it is commonly short for (folded, as the judge sees them).
_FULL_NAMES: dict[str, tuple[str, ...]] = {
    "abby": ("abigail",),
    "al": ("albert", "alan", "alfred"),
    "alex": ("alexander", "alexandra"),
    "andy": ("andrew",),
    "ben": ("benjamin",),
    "becky": ("rebecca",),
    "bill": ("william",),
    "bob": ("robert",),
    "cathy": ("catherine",),
    "charlie": ("charles", "charlotte"),
    "chris": ("christopher", "christine", "christina"),
    "dan": ("daniel",),
    "danny": ("daniel",),
    "dave": ("david",),
    "ed": ("edward",),
    "eddie": ("edward",),
    "fred": ("frederick",),
    "greg": ("gregory",),
    "harry": ("henry", "harold"),
    "jake": ("jacob",),
    "jim": ("james",),
    "jimmy": ("james",),
    "joe": ("joseph",),
    "jon": ("jonathan",),
    "josh": ("joshua",),
    "kate": ("katherine", "catherine"),
    "katie": ("katherine", "catherine"),
    "ken": ("kenneth",),
    "larry": ("lawrence",),
    "liz": ("elizabeth",),
    "matt": ("matthew",),
    "mike": ("michael",),
    "nick": ("nicholas",),
    "pat": ("patrick", "patricia"),
    "pete": ("peter",),
    "phil": ("philip", "phillip"),
    "rick": ("richard",),
    "rob": ("robert",),
    "ron": ("ronald",),
    "sam": ("samuel", "samantha"),
    "steve": ("steven", "stephen"),
    "sue": ("susan",),
    "ted": ("edward", "theodore"),
    "tim": ("timothy",),
    "tom": ("thomas",),
    "tony": ("anthony",),
    "vicky": ("victoria",),
    "will": ("william",),
    "zach": ("zachary",),
}


def short_for(short: str, full: str) -> bool:
    """True when `short` is a common short form of the first name `full` (both folded)."""
    return full in _FULL_NAMES.get(short, ())


def has_short_form(word: str) -> bool:
    """Cheap first test: is this folded word a short form we know?"""
    return word in _FULL_NAMES
