"""Discord's documented payload limits, checked so a test fails where real Discord would 400."""

from __future__ import annotations

import re
from typing import Any

from .models import FLAG_COMPONENTS_V2, iter_components

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_ROWS = 5
MAX_ROW_BUTTONS = 5
MAX_BUTTON_LABEL = 80
MAX_CUSTOM_ID = 100
MAX_SELECT_OPTIONS = 25
MAX_MODAL_TITLE = 45
MAX_INPUT_LABEL = 45
MAX_V2_COMPONENTS = 40
MAX_CHOICES = 25

_SELECT_TYPES = {3, 5, 6, 7, 8}
_V2_TOP_LEVEL = {1, 9, 10, 12, 13, 14, 17}
_COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")


def _len_check(problems: list[str], where: str, value: Any, limit: int) -> None:
    if isinstance(value, str) and len(value) > limit:
        problems.append(f"{where}: {len(value)} characters, limit {limit}")


def embed_problems(embeds: Any) -> list[str]:
    """Check embed count, per-field limits and the 6000-character total."""
    problems: list[str] = []
    if not isinstance(embeds, list):
        return ["embeds: must be a list"]
    if len(embeds) > MAX_EMBEDS:
        problems.append(f"embeds: {len(embeds)} embeds, limit {MAX_EMBEDS}")
    total = 0
    for i, e in enumerate(embeds):
        where = f"embeds[{i}]"
        if not isinstance(e, dict):
            problems.append(f"{where}: must be an object")
            continue
        title = e.get("title") or ""
        desc = e.get("description") or ""
        _len_check(problems, f"{where}.title", title, 256)
        _len_check(problems, f"{where}.description", desc, 4096)
        total += len(title) + len(desc)
        fields = e.get("fields") or []
        if len(fields) > 25:
            problems.append(f"{where}.fields: {len(fields)} fields, limit 25")
        for j, f in enumerate(fields):
            name = str(f.get("name", ""))
            value = str(f.get("value", ""))
            _len_check(problems, f"{where}.fields[{j}].name", name, 256)
            _len_check(problems, f"{where}.fields[{j}].value", value, 1024)
            if not name or not value:
                problems.append(f"{where}.fields[{j}]: name and value are required")
            total += len(name) + len(value)
        footer = (e.get("footer") or {}).get("text") or ""
        _len_check(problems, f"{where}.footer.text", footer, 2048)
        author = (e.get("author") or {}).get("name") or ""
        _len_check(problems, f"{where}.author.name", author, 256)
        total += len(footer) + len(author)
    if total > MAX_EMBED_TOTAL:
        problems.append(f"embeds: {total} characters in total, limit {MAX_EMBED_TOTAL}")
    return problems


def _button_problems(c: dict[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    style = c.get("style")
    _len_check(problems, f"{where}.label", c.get("label"), MAX_BUTTON_LABEL)
    if style in (1, 2, 3, 4):
        if not c.get("custom_id"):
            problems.append(f"{where}: button style {style} needs a custom_id")
        if "url" in c:
            problems.append(f"{where}: only link buttons (style 5) may have a url")
    elif style == 5:
        if not c.get("url"):
            problems.append(f"{where}: link button needs a url")
        if "custom_id" in c:
            problems.append(f"{where}: link button cannot have a custom_id")
    elif style == 6:
        if not c.get("sku_id"):
            problems.append(f"{where}: premium button needs a sku_id")
    else:
        problems.append(f"{where}: unknown button style {style!r}")
    if style != 6 and not c.get("label") and not c.get("emoji"):
        problems.append(f"{where}: button needs a label or an emoji")
    return problems


def _select_problems(c: dict[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    _len_check(problems, f"{where}.placeholder", c.get("placeholder"), 150)
    min_values = c.get("min_values", 1)
    max_values = c.get("max_values", 1)
    if not 0 <= min_values <= 25:
        problems.append(f"{where}.min_values: {min_values} outside 0..25")
    if not 1 <= max_values <= 25:
        problems.append(f"{where}.max_values: {max_values} outside 1..25")
    if min_values > max_values:
        problems.append(f"{where}: min_values {min_values} > max_values {max_values}")
    if c.get("type") == 3:
        options = c.get("options") or []
        if not 1 <= len(options) <= MAX_SELECT_OPTIONS:
            problems.append(f"{where}.options: {len(options)} options, need 1..25")
        if max_values > len(options) and options:
            problems.append(f"{where}.max_values: {max_values} > {len(options)} options")
        for k, opt in enumerate(options):
            _len_check(problems, f"{where}.options[{k}].label", opt.get("label"), 100)
            _len_check(problems, f"{where}.options[{k}].value", opt.get("value"), 100)
            _len_check(problems, f"{where}.options[{k}].description", opt.get("description"), 100)
    return problems


def _interactive_problems(c: dict[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    _len_check(problems, f"{where}.custom_id", c.get("custom_id"), MAX_CUSTOM_ID)
    ctype = c.get("type")
    if ctype == 2:
        problems.extend(_button_problems(c, where))
    elif ctype in _SELECT_TYPES:
        problems.extend(_select_problems(c, where))
    return problems


def component_problems(components: Any, flags: int) -> list[str]:
    """Check rows, buttons, selects and custom_id rules for a message's components."""
    if not isinstance(components, list):
        return ["components: must be a list"]
    problems: list[str] = []
    if flags & FLAG_COMPONENTS_V2:
        for i, top in enumerate(components):
            if top.get("type") not in _V2_TOP_LEVEL:
                problems.append(f"components[{i}]: type {top.get('type')} not allowed at top level")
        flat = iter_components(components)
        if len(flat) > MAX_V2_COMPONENTS:
            problems.append(f"components: {len(flat)} components, limit {MAX_V2_COMPONENTS}")
    else:
        if len(components) > MAX_ROWS:
            problems.append(f"components: {len(components)} action rows, limit {MAX_ROWS}")
        for i, row in enumerate(components):
            where = f"components[{i}]"
            if row.get("type") != 1:
                problems.append(f"{where}: top-level components must be action rows (type 1)")
                continue
            children = row.get("components") or []
            if not children:
                problems.append(f"{where}: action row is empty")
            n_select = sum(1 for ch in children if ch.get("type") in _SELECT_TYPES)
            if n_select and len(children) > 1:
                problems.append(f"{where}: a select menu must be alone in its row")
            if len(children) > MAX_ROW_BUTTONS:
                problems.append(f"{where}: {len(children)} components in a row, limit 5")
            for ch in children:
                if ch.get("type") == 4:
                    problems.append(f"{where}: text inputs are only allowed in modals")
        flat = iter_components(components)
    seen: set[str] = set()
    for k, c in enumerate(flat):
        if c.get("type") in (2, *_SELECT_TYPES):
            problems.extend(_interactive_problems(c, f"component#{k}"))
        cid = c.get("custom_id")
        if cid is not None:
            if cid in seen:
                problems.append(f"component#{k}: duplicate custom_id {cid!r}")
            seen.add(cid)
    return problems


def message_problems(body: dict[str, Any], *, creating: bool) -> list[str]:
    """Check a message create/edit body (content, embeds, components, emptiness)."""
    problems: list[str] = []
    content = body.get("content")
    flags = int(body.get("flags") or 0)
    if content is not None:
        if not isinstance(content, str):
            problems.append("content: must be a string")
        elif len(content) > MAX_CONTENT:
            problems.append(f"content: {len(content)} characters, limit {MAX_CONTENT}")
    embeds = body.get("embeds")
    if embeds is not None:
        problems.extend(embed_problems(embeds))
    components = body.get("components")
    if components is not None:
        problems.extend(component_problems(components, flags))
    if flags & FLAG_COMPONENTS_V2 and (content or embeds):
        problems.append("flags: IS_COMPONENTS_V2 messages cannot have content or embeds")
    if creating and not (
        content
        or embeds
        or components
        or body.get("attachments")
        or body.get("sticker_ids")
        or body.get("poll")
        or body.get("_files")
    ):
        problems.append("Cannot send an empty message")
    return problems


def mention_problems(body: dict[str, Any]) -> list[str]:
    """Return why a new message could ping someone; the bot promised allowed_mentions off."""
    am = body.get("allowed_mentions")
    if am is None:
        return ["allowed_mentions missing (mentions in the content would ping)"]
    problems: list[str] = []
    parse = am.get("parse")
    if parse is None:
        problems.append("allowed_mentions.parse missing (defaults to parsing everything)")
    elif parse:
        problems.append(f"allowed_mentions.parse={parse!r} allows pings")
    if am.get("users"):
        problems.append(f"allowed_mentions.users={am['users']!r} allows pings")
    if am.get("roles"):
        problems.append(f"allowed_mentions.roles={am['roles']!r} allows pings")
    if am.get("replied_user") and body.get("message_reference") is not None:
        problems.append("allowed_mentions.replied_user pings the replied-to author")
    return problems


def _text_input_problems(c: dict[str, Any], where: str, *, in_label: bool) -> list[str]:
    problems: list[str] = []
    _len_check(problems, f"{where}.custom_id", c.get("custom_id"), MAX_CUSTOM_ID)
    if not c.get("custom_id"):
        problems.append(f"{where}: text input needs a custom_id")
    if c.get("style") not in (1, 2):
        problems.append(f"{where}.style: {c.get('style')!r} is not 1 or 2")
    if in_label:
        if c.get("label"):
            problems.append(f"{where}.label: not allowed inside a Label component")
    else:
        if not c.get("label"):
            problems.append(f"{where}.label: required")
        _len_check(problems, f"{where}.label", c.get("label"), MAX_INPUT_LABEL)
    _len_check(problems, f"{where}.placeholder", c.get("placeholder"), 100)
    _len_check(problems, f"{where}.value", c.get("value"), 4000)
    min_len = c.get("min_length")
    max_len = c.get("max_length")
    if min_len is not None and not 0 <= min_len <= 4000:
        problems.append(f"{where}.min_length: {min_len} outside 0..4000")
    if max_len is not None and not 1 <= max_len <= 4000:
        problems.append(f"{where}.max_length: {max_len} outside 1..4000")
    return problems


def modal_problems(data: dict[str, Any]) -> list[str]:
    """Check a modal (callback type 9): title, custom_id, 1..5 components, input limits."""
    problems: list[str] = []
    title = data.get("title")
    if not title:
        problems.append("modal.title: required")
    _len_check(problems, "modal.title", title, MAX_MODAL_TITLE)
    if not data.get("custom_id"):
        problems.append("modal.custom_id: required")
    _len_check(problems, "modal.custom_id", data.get("custom_id"), MAX_CUSTOM_ID)
    comps = data.get("components") or []
    if not 1 <= len(comps) <= 5:
        problems.append(f"modal.components: {len(comps)} components, need 1..5")
    for i, top in enumerate(comps):
        where = f"modal.components[{i}]"
        ttype = top.get("type")
        if ttype == 1:
            children = top.get("components") or []
            if len(children) != 1:
                problems.append(f"{where}: a modal action row holds exactly one input")
            for ch in children:
                if ch.get("type") == 4:
                    problems.extend(_text_input_problems(ch, f"{where}.input", in_label=False))
                elif ch.get("type") in _SELECT_TYPES:
                    problems.extend(_select_problems(ch, f"{where}.select"))
                else:
                    problems.append(f"{where}: type {ch.get('type')} not allowed in a modal row")
        elif ttype == 18:
            label = top.get("label")
            if not label:
                problems.append(f"{where}.label: required")
            _len_check(problems, f"{where}.label", label, MAX_INPUT_LABEL)
            _len_check(problems, f"{where}.description", top.get("description"), 100)
            inner = top.get("component") or {}
            if inner.get("type") == 4:
                problems.extend(_text_input_problems(inner, f"{where}.component", in_label=True))
            elif inner.get("type") in _SELECT_TYPES:
                problems.extend(_select_problems(inner, f"{where}.component"))
                _len_check(
                    problems, f"{where}.component.custom_id", inner.get("custom_id"), MAX_CUSTOM_ID
                )
            elif inner.get("type") not in (19, 21, 22, 23):
                problems.append(f"{where}.component: type {inner.get('type')} not allowed")
        elif ttype == 10:
            _len_check(problems, f"{where}.content", top.get("content"), 4000)
        else:
            problems.append(f"{where}: type {ttype} not allowed in a modal")
    return problems


def choices_problems(data: dict[str, Any]) -> list[str]:
    """Check an autocomplete result (callback type 8): at most 25 choices, 100-char names."""
    choices = data.get("choices")
    if not isinstance(choices, list):
        return ["choices: required list"]
    problems: list[str] = []
    if len(choices) > MAX_CHOICES:
        problems.append(f"choices: {len(choices)} choices, limit {MAX_CHOICES}")
    for i, ch in enumerate(choices):
        name = ch.get("name")
        if not name:
            problems.append(f"choices[{i}].name: required")
        _len_check(problems, f"choices[{i}].name", name, 100)
        _len_check(problems, f"choices[{i}].value", ch.get("value"), 100)
    return problems


def _option_problems(opt: dict[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    name = opt.get("name", "")
    if not _COMMAND_NAME.match(name) or name != name.lower():
        problems.append(f"{where}.name: {name!r} must be 1-32 lowercase word characters")
    desc = opt.get("description", "")
    if not 1 <= len(desc) <= 100:
        problems.append(f"{where}.description: length {len(desc)} outside 1..100")
    choices = opt.get("choices") or []
    if len(choices) > MAX_CHOICES:
        problems.append(f"{where}.choices: {len(choices)} choices, limit 25")
    for k, ch in enumerate(choices):
        _len_check(problems, f"{where}.choices[{k}].name", ch.get("name"), 100)
        _len_check(problems, f"{where}.choices[{k}].value", ch.get("value"), 100)
    subs = opt.get("options") or []
    if len(subs) > 25:
        problems.append(f"{where}.options: {len(subs)} options, limit 25")
    seen_optional = False
    for k, sub in enumerate(subs):
        if sub.get("type") not in (1, 2):
            if sub.get("required"):
                if seen_optional:
                    problems.append(f"{where}.options[{k}]: required option after optional one")
            else:
                seen_optional = True
        problems.extend(_option_problems(sub, f"{where}.options[{k}]"))
    return problems


def command_problems(commands: Any) -> list[str]:
    """Check a bulk-overwrite body: names, descriptions, option counts, 100 chat commands."""
    if not isinstance(commands, list):
        return ["body must be a list of application commands"]
    problems: list[str] = []
    seen: set[tuple[int, str]] = set()
    chat = 0
    for i, cmd in enumerate(commands):
        where = f"commands[{i}]"
        ctype = cmd.get("type", 1)
        name = cmd.get("name", "")
        key = (ctype, name)
        if key in seen:
            problems.append(f"{where}: duplicate command name {name!r}")
        seen.add(key)
        if ctype == 1:
            chat += 1
            problems.extend(_option_problems(cmd, where))
        elif not 1 <= len(name) <= 32:
            problems.append(f"{where}.name: length {len(name)} outside 1..32")
    if chat > 100:
        problems.append(f"{chat} chat input commands, limit 100")
    return problems
