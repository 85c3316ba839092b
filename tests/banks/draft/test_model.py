"""The optional model, against a loopback chat-completions endpoint: used, checked, or bypassed."""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.banks.draft.article import Article, read_article
from bot.banks.draft.build import Result, draft_article
from bot.banks.draft.model import ModelEndpoint, distractor_problem, refine, rephrase_problem
from bot.cli import main
from tests.banks.draft.test_command import ARTICLE

NEW_NAMES = ["Meryl Streep", "Nicole Kidman", "Kelly Preston"]


class FakeModel(ThreadingHTTPServer):
    """Answers like a chat-completions server would, in the way `mode` says."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = "good"
        self.requests: list[dict[str, Any]] = []
        self.headers_seen: list[dict[str, str]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _Handler(BaseHTTPRequestHandler):
    server: FakeModel

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(body)
        self.server.headers_seen.append(dict(self.headers))
        assert self.path == "/v1/chat/completions"
        mode = self.server.mode
        if mode == "500":
            return self._send(500, b"model not loaded")
        if mode == "slow":
            time.sleep(1.5)
        if mode == "not-json":
            return self._send(200, b"<html>hello</html>")
        draft = json.loads(body["messages"][1]["content"].split("\n", 1)[1])
        reply = _reply(mode, draft)
        payload = {"choices": [{"message": {"role": "assistant", "content": reply}}]}
        self._send(200, json.dumps(payload).encode())

    def _send(self, status: int, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:  # the client gave up (the slow case)
            pass


def _reply(mode: str, draft: dict[str, Any]) -> str:
    answer = draft["answer"]
    if mode == "garbage":
        return "Sure! Here is a better question for you."
    if mode == "bad":  # gives the answer away
        return json.dumps({"question": f"Was it {answer}?", "distractors": []})
    blanked = draft["evidence"].replace(answer, "which one")
    person = (
        answer[:1].isupper() and len(answer.split()) == 2 and not any(c.isdigit() for c in answer)
    )
    wrong = [*NEW_NAMES, answer] if person else list(reversed(draft["current_wrong_answers"]))
    reply = {"question": f"According to the article, {blanked}?", "distractors": wrong}
    return f"```json\n{json.dumps(reply)}\n```"


@pytest.fixture
def fake() -> Iterator[FakeModel]:
    server = FakeModel()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Article]:
    path = tmp_path_factory.mktemp("article") / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    article = read_article(str(path))
    return draft_article(article), article


@pytest.fixture
def fresh(drafted: tuple[Result, Article]) -> tuple[Result, Article]:
    return copy.deepcopy(drafted[0]), drafted[1]


def by_id(result: Result) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for q in result.questions}


async def test_good_answers_are_used_and_still_checked(fake, fresh) -> None:
    result, article = fresh
    before = by_id(copy.deepcopy(result))
    outcome = await refine(result, article, ModelEndpoint(fake.url, "tiny", "sekret"))
    assert outcome.stopped is None and outcome.reworded > 0
    asked = [q for q in before.values() if q["category"] != "True or false"]
    assert len(fake.requests) == len(asked) and outcome.asked == len(asked)
    assert all(r["model"] == "tiny" for r in fake.requests)
    assert all(h["Authorization"] == "Bearer sekret" for h in fake.headers_seen)
    after = by_id(result)
    changed = [q for qid, q in after.items() if q["question"] != before[qid]["question"]]
    assert changed and all(q["question"].startswith("According to the article") for q in changed)
    people = [q for q in after.values() if set(q["distractors"]) & set(NEW_NAMES)]
    assert people
    for q in people:  # the answer proposed as its own distractor was dropped
        assert q["answers"][0] not in q["distractors"] and len(q["distractors"]) == 3
    assert any("dropped: listed already" in line for line in result.explain)
    assert all(q["evidence"] == before[q["id"]]["evidence"] for q in after.values())
    assert f"{outcome.reworded} of the {len(asked)} drafts asked about reworded" in outcome.summary(
        ModelEndpoint(fake.url)
    )


async def test_a_rewording_that_gives_the_answer_away_is_dropped(fake, fresh) -> None:
    result, article = fresh
    before = copy.deepcopy(result.questions)
    fake.mode = "bad"
    outcome = await refine(result, article, ModelEndpoint(fake.url))
    assert result.questions == before
    assert outcome.reworded == 0 and outcome.dropped == outcome.asked > 0
    assert any("rewording dropped: it contains the answer" in line for line in result.explain)
    assert "model" not in fake.requests[0]  # no model named, none sent


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        ("garbage", "3 garbage replies in a row"),
        ("not-json", "3 garbage replies in a row"),
        ("500", "HTTP 500 (model not loaded)"),
    ],
)
async def test_garbage_or_an_error_leaves_the_drafts_rule_based(fake, fresh, mode, said) -> None:
    result, article = fresh
    before = copy.deepcopy(result.questions)
    fake.mode = mode
    endpoint = ModelEndpoint(fake.url)
    outcome = await refine(result, article, endpoint)
    assert result.questions == before
    assert outcome.stopped == said
    # an endpoint fault ends the asking at once; garbage after a few in a row
    assert len(fake.requests) <= (4 if mode != "500" else 2)
    assert outcome.summary(endpoint) == f"model at {fake.url}: {said}; drafted rule-based."


async def test_a_slow_endpoint_times_out_and_is_not_waited_for(fake, fresh) -> None:
    result, article = fresh
    before = copy.deepcopy(result.questions)
    fake.mode = "slow"
    started = time.monotonic()
    outcome = await refine(result, article, ModelEndpoint(fake.url, timeout=0.3, budget=5))
    assert time.monotonic() - started < 1.4  # not even one slow reply waited for
    assert outcome.stopped == "no reply within 0.3 s"
    assert result.questions == before


async def test_the_overall_budget_bounds_the_run(fake, fresh) -> None:
    result, article = fresh
    fake.mode = "slow"
    started = time.monotonic()
    outcome = await refine(result, article, ModelEndpoint(fake.url, timeout=20, budget=0.4))
    assert time.monotonic() - started < 1.4
    assert outcome.stopped == "its 0.4 s budget was spent"


def test_unreachable_endpoint_is_one_line_and_the_drafts_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRIVIA_BANKS", str(tmp_path))
    (tmp_path / "x.yaml").write_text("id: x\ntitle: X\nquestions: []\n", "utf-8")
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    monkeypatch.setenv("TRIVIA_DRAFT_MODEL_URL", "http://127.0.0.1:9/v1")
    assert main(["banks", "draft", "a.txt", "--out", "d.yaml"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("model at"))
    assert "unreachable" in line and line.endswith("drafted rule-based.")
    assert main(["banks", "check", "d.yaml"]) == 0


def test_the_cli_uses_the_setting_and_sends_nothing_without_it(
    fake: FakeModel,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "banks").mkdir()
    monkeypatch.setenv("TRIVIA_BANKS", str(tmp_path / "banks"))
    monkeypatch.delenv("TRIVIA_DRAFT_MODEL_URL", raising=False)
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert main(["banks", "draft", "a.txt", "--out", "plain.yaml"]) == 0
    assert fake.requests == [] and "model at" not in capsys.readouterr().out

    monkeypatch.setenv("TRIVIA_DRAFT_MODEL_URL", fake.url)
    assert main(["banks", "draft", "a.txt", "--out", "d.yaml", "--explain"]) == 0
    captured = capsys.readouterr()
    assert fake.requests and "drafts asked about reworded" in captured.out
    assert "model d0" in captured.err  # --explain shows what the model changed or lost
    bank = yaml.safe_load(Path("d.yaml").read_text(encoding="utf-8"))
    assert any(set(q["distractors"]) & set(NEW_NAMES) for q in bank["questions"])
    assert all(q["status"] == "draft" for q in bank["questions"])
    assert main(["banks", "check", "d.yaml"]) == 0
    assert main(["banks", "verify", "d.yaml", "--articles", "."]) == 0


def test_a_bad_url_setting_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRIVIA_DRAFT_MODEL_URL", "localhost:8080")
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert main(["banks", "draft", "a.txt", "--out", "d.yaml"]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "TRIVIA_DRAFT_MODEL_URL must be an http(s)" in err
    assert not (tmp_path / "d.yaml").exists()


ENTRY = {
    "question": "In the article, who plays Benji Dunn?",
    "answers": ["Simon Pegg", "Pegg"],
    "evidence": "The crew reportedly included Simon Pegg as Benji Dunn",
}


@pytest.mark.parametrize(
    ("question", "problem"),
    [
        ("Which actor played the character Benji Dunn on the crew?", None),
        ("Who was Benji Dunn?", None),
        ("Which actor was on the crew", "not a question"),
        ("Did Pegg play Benji Dunn?", "it contains the answer"),
        ("Which actor played a part in the film?", "it no longer names benji, dunn"),
        ("x" * 301 + "?", "302 characters"),
        (42, "not a text"),
    ],
)
def test_rewording_rules(question: object, problem: str | None) -> None:
    found = rephrase_problem(question, ENTRY)
    assert (found is None) if problem is None else (found and problem in found), found


def test_a_claim_keeps_its_attribution() -> None:
    entry = {**ENTRY, "question": "According to the article, who reportedly plays Benji Dunn?"}
    assert "attribution" in (rephrase_problem("Who plays Benji Dunn?", entry) or "")
    assert rephrase_problem("Who, according to the article, plays Benji Dunn?", entry) is None


@pytest.mark.parametrize(
    ("answer", "wrong", "problem"),
    [
        ("Simon Pegg", "Ving Rhames", None),
        ("Simon Pegg", "simon pegg", "listed already"),
        ("Simon Pegg", "SIMON PEGG.", "the judge would accept it"),
        ("Simon Pegg", "Pegg", "listed already"),
        ("Simon Pegg", "Benji Dunn", "named in the question"),
        ("Simon Pegg", "a stuntman", "not the same kind"),
        ("Simon Pegg", "2023", "not the same kind"),
        ("Mission: Impossible 8", "Mission: Impossible – The Final Reckoning", "same film"),
        ("Mission: Impossible 8", "Mission: Impossible – Fallout", None),
        ("three days", "four days", None),
        ("Simon Pegg", "x" * 81, "a button holds 80"),
    ],
)
def test_distractor_rules(answer: str, wrong: str, problem: str | None) -> None:
    answers = ENTRY["answers"] if answer == "Simon Pegg" else [answer]
    found = distractor_problem(wrong, answers, "who plays Benji Dunn?", [])
    assert (found is None) if problem is None else (found and problem in found), found
