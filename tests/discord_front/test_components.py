"""Whether a click's custom_id is on its message: rows of buttons, and nested layouts."""

from types import SimpleNamespace as Parsed

from bot.discord_front.components import shows_custom_id


def button(custom_id: str) -> Parsed:
    return Parsed(custom_id=custom_id)


def message(*components: Parsed) -> Parsed:
    return Parsed(components=list(components))


def test_a_button_in_a_row_or_nested_in_a_layout_is_found_and_a_forged_one_is_not():
    question = message(
        Parsed(children=[button("trivia:a:1:1:0"), button("trivia:a:1:1:1")]),
        Parsed(children=[button("trivia:skip:1:1")]),
    )
    assert shows_custom_id(question, "trivia:a:1:1:1")
    assert shows_custom_id(question, "trivia:skip:1:1")
    assert not shows_custom_id(question, "trivia:a:1:1:9")  # a modified client's
    card = message(Parsed(children=[Parsed(accessory=button("trivia:lb:2"), children=[])]))
    assert shows_custom_id(card, "trivia:lb:2")
    assert not shows_custom_id(None, "trivia:lb:2") and not shows_custom_id(card, None)
