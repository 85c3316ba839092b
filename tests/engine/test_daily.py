"""The question of the day's windows: local wall time, DST, and the day a moment belongs to."""

import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.engine.daily import choices_for, next_post, parse_clock, window_at, zone, zone_names
from bot.engine.errors import InvalidSetting
from bot.engine.models import Question

PARIS = ZoneInfo("Europe/Paris")


def utc(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def test_the_window_is_the_latest_post_time_at_or_before_now():
    before = window_at(9 * 60, PARIS, 12.0, utc(2027, 1, 15, 7, 59))  # 08:59 in Paris
    assert before.day == "2027-01-14" and not before.holds(utc(2027, 1, 15, 7, 59))
    at = window_at(9 * 60, PARIS, 12.0, utc(2027, 1, 15, 8, 0))
    assert (at.day, at.opens, at.closes) == (
        "2027-01-15",
        utc(2027, 1, 15, 8, 0),
        utc(2027, 1, 15, 20, 0),
    )
    assert at.holds(utc(2027, 1, 15, 19, 59)) and not at.holds(utc(2027, 1, 15, 20, 0))


def test_local_time_follows_daylight_saving():
    # 09:00 in Paris is 08:00 UTC in winter, 07:00 UTC in summer
    summer = window_at(9 * 60, PARIS, 1.0, utc(2027, 7, 1, 7, 30))
    assert summer.day == "2027-07-01" and summer.opens == utc(2027, 7, 1, 7, 0)
    # the night clocks go forward (28 March 2027): the next post is 23 hours later
    assert next_post(9 * 60, PARIS, 1.0, utc(2027, 3, 27, 9, 0)) == utc(2027, 3, 28, 7, 0)


def test_a_window_may_run_past_midnight_and_keeps_its_day():
    late = window_at(23 * 60, ZoneInfo("UTC"), 12.0, utc(2027, 1, 16, 3, 0))
    assert late.day == "2027-01-15" and late.holds(utc(2027, 1, 16, 3, 0))


@pytest.mark.parametrize("text", ["9h", "24:00", "12:60", "", "noon"])
def test_a_time_of_day_is_hh_mm(text):
    with pytest.raises(InvalidSetting, match="HH:MM"):
        parse_clock(text)


def test_parse_clock_and_zones():
    assert parse_clock(" 7:05 ") == 425 and parse_clock("23:59") == 1439
    assert zone("Asia/Tokyo").key == "Asia/Tokyo"
    with pytest.raises(InvalidSetting, match="IANA"):
        zone("Nowhere/Town")
    with pytest.raises(InvalidSetting, match="IANA"):
        zone("../etc/passwd")
    assert zone_names("new york") == ["America/New_York"]
    assert len(zone_names("")) == 25


def test_choices_hold_the_answer_once_and_true_false_keeps_its_order():
    q = Question("q", "Capital?", ("Rome",), ("Milan", "Turin", "Naples", "Genoa"), bank_id="geo")
    labels, answer = choices_for(q, random.Random(1))
    assert len(labels) == 4 and labels[answer] == "Rome" and labels.count("Rome") == 1
    tf = Question("t", "Water is wet.", ("True",), ("False",), bank_id="geo")
    assert choices_for(tf, random.Random(1)) == (("True", "False"), 0)
