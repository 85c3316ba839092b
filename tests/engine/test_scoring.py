from bot.engine.models import Difficulty
from bot.engine.scoring import speed_points, streak_bonus, typed_points, weighted


def test_speed_points_formula():
    assert speed_points(0, 20) == 1000
    assert speed_points(5, 20) == 875
    assert speed_points(20, 20) == 500
    assert speed_points(25, 20) == 500


def test_streak_bonus_caps():
    assert [streak_bonus(s) for s in range(0, 9)] == [0, 0, 100, 200, 300, 400, 500, 500, 500]


def test_typed_points_by_hints():
    assert [typed_points(h) for h in range(4)] == [1000, 750, 500, 500]


def test_difficulty_weights_a_right_answer():
    assert [weighted(1000, d) for d in Difficulty] == [1000, 1250, 1500]
    assert weighted(875, Difficulty.MEDIUM) == 1094  # rounded to whole points
