"""A PRD's plan, a reviewer's verdict, a room's knowledge and the prompts of its agents (WS-12).

The parsers take what agents really answer (prose around JSON, fences, numbers for ids) and
refuse the rest with one sentence that names the place; BM25 ranks knowledge on corpora where the
right order is plain to see; the knowledge entries live in a real database.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from oz_app.control_plane.service import now
from oz_app.db.models import Epic, KnowledgeEntry, Prd, Room, WorkItem
from oz_app.work import knowledge, plan, prompts
from oz_app.work.knowledge import rank, tokens
from oz_app.work.plan import MAX_ITEMS, MAX_PRD_CHARS, check_dependencies, check_prd, parse_plan, prd_title
from oz_app.work.review import learnings_in, parse_verdict
from oz_app.workspace import accounts, service
from oz_app.workspace.service import Invalid, NotFound


def item(key: str, title: str = "", **fields: Any) -> dict[str, Any]:
    return {"id": key, "title": title or f"Item {key}", **fields}


def plan_json(*epics: list[dict[str, Any]]) -> str:
    return json.dumps(
        {"epics": [{"title": f"Epic {n}", "description": "", "items": items} for n, items in enumerate(epics)]}
    )


def refused(answer: str) -> str:
    with pytest.raises(Invalid) as error:
        parse_plan(answer)
    return str(error.value)


# The PRD ----------------------------------------------------------------------------------------


def test_a_prd_is_stripped_and_refused_when_empty_or_too_long():
    """WS-12: an empty PRD asks for one; a 200 KB PRD says its size and the limit."""
    assert check_prd("  # Shop\n\nSell things.\n ") == "# Shop\n\nSell things."
    for empty in ("", "  \n\t "):
        with pytest.raises(Invalid, match=r"^Write the PRD first\.$"):
            check_prd(empty)
    with pytest.raises(Invalid) as error:
        check_prd("x" * 200_000)
    assert "200,000 characters" in str(error.value)
    assert f"{MAX_PRD_CHARS:,}" in str(error.value)
    assert check_prd("x" * MAX_PRD_CHARS) == "x" * MAX_PRD_CHARS


def test_a_prd_is_called_by_its_first_heading_or_first_line():
    """WS-12: the title a person sees for a PRD."""
    assert prd_title("Intro line\n\n## A  shop  for  cats ##\n# Later") == "A shop for cats"
    assert prd_title("\n\n  Build a shop\nfor cats") == "Build a shop"
    long = prd_title("# " + "w" * 300)
    assert len(long) == 200 and long.endswith("…")


# The plan ---------------------------------------------------------------------------------------


def test_a_plan_is_read_bare_in_a_fence_or_in_prose():
    """WS-12: the planner's JSON, however it is wrapped, becomes epics and items."""
    body = plan_json(
        [
            item(
                "db",
                "Tables",
                description="The schema",
                acceptance_criteria=[" migrates ", "has indexes"],
                estimate="2h",
            ),
            item("api", "Routes", depends_on=["db", "db"], unknown_key="ignored"),
        ],
        [item("ui", "Pages", depends_on=["api"])],
    )
    for answer in (
        body,
        f"Here is the plan:\n```json\n{body}\n```\nGood luck!",
        f"Plan: {body} -- done",
        f"```\n{body}\n```",
    ):
        result = parse_plan(answer)
        assert [epic.title for epic in result.epics] == ["Epic 0", "Epic 1"]
        first, second = result.epics[0].items
        assert (first.key, first.title, first.description, first.estimate) == ("db", "Tables", "The schema", "2h")
        assert first.acceptance == ("migrates", "has indexes")
        assert second.depends_on == ("db",)
        assert [i.key for i in result.items] == ["db", "api", "ui"]


def test_numbers_for_ids_and_estimates_are_taken_as_text():
    """WS-12: planners often number their items."""
    result = parse_plan(plan_json([item(1, "A", estimate=3), item(2, "B", depends_on=[1])]))  # type: ignore[arg-type]
    assert [(i.key, i.estimate, i.depends_on) for i in result.items] == [("1", "3", ()), ("2", "", ("1",))]


def test_prose_or_broken_json_is_refused_saying_so():
    """WS-12: an agent that answers prose instead of the structure gets a clear message."""
    message = refused("I would start with the database, then the API, then the pages.")
    assert message.startswith("The planner answered prose, not the plan's JSON: \"I would start")
    assert refused("Use {name} placeholders in the templates.").startswith("The planner answered prose")
    assert refused('Here: {"epics": [{"title": "E", "items": [}').startswith("The plan's JSON could not be read")
    assert refused("   ") == "The planner answered nothing; the plan's JSON was expected."
    assert refused('```json\n{"epics": [,]}\n```').startswith("The plan's JSON could not be read: Expecting value")


@pytest.mark.parametrize(
    ("epics", "message"),
    [
        ([[item("a"), {"id": "b", "description": "no title"}]], "epics[0].items[1]: a title is required."),
        ([[item("a", "   ")]], "epics[0].items[0]: a title is required."),
        ([[{"title": "no id"}]], "epics[0].items[0]: an id is required."),
        ([[item("a b")]], "epics[0].items[0].id: an id is 1 to 64 letters, digits, dots, dashes or underscores."),
        ([[item("k" * 65)]], "epics[0].items[0].id: an id is 1 to 64 letters, digits, dots, dashes or underscores."),
        ([[item("a", "t" * 501)]], "epics[0].items[0].title: more than 500 characters."),
        ([[item("a", description="d" * 20_001)]], "epics[0].items[0].description: more than 20,000 characters."),
        ([[item("a", acceptance_criteria=["c"] * 21)]], "epics[0].items[0].acceptance_criteria: more than 20 entries."),
        (
            [[item("a", acceptance_criteria=["c" * 2001])]],
            "epics[0].items[0].acceptance_criteria[0]: more than 2,000 characters.",
        ),
        ([[item("a", acceptance_criteria=["ok", ""])]], "epics[0].items[0].acceptance_criteria[1]: must not be empty."),
        ([[item("a", acceptance_criteria="all of it")]], "epics[0].items[0].acceptance_criteria: must be a list."),
        ([[item("a", description=["x"])]], "epics[0].items[0].description: must be text."),
        ([[item("a")], [item("b"), item("a")]], 'epics[1].items[1]: the id "a" is already used by epics[0].items[0].'),
        ([[]], "The plan has no work items; it needs at least one."),
        ([[item("a", depends_on=["x", "y"])]], 'Item "a" depends on "x" and "y", which are not in the plan.'),
    ],
)
def test_a_bad_plan_is_refused_naming_the_place(epics, message):
    """WS-12: the message names the field path in plain words, for the person and the planner."""
    assert refused(plan_json(*epics)) == message


def test_the_plan_needs_epics_and_says_how_many_more_problems_there_are():
    """WS-12: the first problem is named; the others are counted."""
    assert refused('{"plan": []}') == 'The plan needs a list of epics ("epics").'
    assert refused('{"epics": {"a": 1}}') == "epics: must be a list."
    assert (
        refused(plan_json([{"id": "a"}, {"id": "b"}])) == "epics[0].items[0]: a title is required (and 1 more problem)."
    )


def test_a_plan_has_at_most_max_items():
    """WS-12: a plan of more than 200 items is refused, saying the count."""
    assert len(parse_plan(plan_json([item(str(n)) for n in range(MAX_ITEMS)])).items) == MAX_ITEMS
    message = refused(plan_json([item(str(n)) for n in range(150)], [item(f"b{n}") for n in range(60)]))
    assert message.startswith("The plan has 210 work items, more than the limit of 200")


def test_a_dependency_cycle_is_named():
    """WS-12: a cycle in a plan is refused, naming it as a → b → a; an item waiting for itself is one."""
    assert refused(plan_json([item("a", depends_on=["b"]), item("b", depends_on=["a"])])).endswith(": a → b → a.")
    assert refused(plan_json([item("a", depends_on=["a"])])).endswith(": a → a.")
    with pytest.raises(Invalid, match=r": b → c → d → b\.$"):
        check_dependencies({"a": ["b"], "b": ["c"], "c": ["d"], "d": ["b"], "e": []})
    with pytest.raises(Invalid, match=r'^Item "b" depends on "gone", which is not in the plan\.$'):
        check_dependencies({"a": [], "b": ["a", "gone"]})
    check_dependencies({"a": [], "b": ["a"], "c": ["a", "b"], "d": ["c", "b"]})  # a diamond is fine
    long_chain = {str(n): [str(n + 1)] for n in range(5000)} | {"5000": []}
    check_dependencies(long_chain)  # no recursion limit


def test_the_object_with_the_key_is_preferred_over_others_in_the_answer():
    """WS-12: an example object quoted before the plan does not hide the plan."""
    answer = 'Format {"note": "x"} then:\n' + plan_json([item("a")])
    assert [i.key for i in parse_plan(answer).items] == ["a"]
    assert plan.json_object("no braces here", "epics") is None


# The verdict ------------------------------------------------------------------------------------


def test_a_verdict_is_read_in_any_case_and_wrapping():
    """WS-12: the reviewer's APPROVED or CHANGES_NEEDED, with comments and learnings."""
    verdict = parse_verdict(
        'Looks fine.\n```json\n{"verdict": "approved", "comments": "", "learnings": ["Run ruff", "Run ruff", " "]}\n```'
    )
    assert (verdict.approved, verdict.comments, verdict.learnings) == (True, "", ("Run ruff",))
    verdict = parse_verdict('{"verdict": "Changes_Needed", "comments": " Add a test. "}')
    assert (verdict.approved, verdict.comments, verdict.learnings) == (False, "Add a test.", ())
    assert not parse_verdict('{"verdict": "changes needed", "comments": "x"}').approved


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("LGTM, ship it", 'The reviewer answered prose, not the verdict\'s JSON: "LGTM, ship it".'),
        ("", "The reviewer answered nothing; the verdict's JSON was expected."),
        (
            '{"verdict": "CHANGES_NEEDED", "comments": "  "}',
            "A CHANGES_NEEDED verdict needs comments saying what to change.",
        ),
        ('{"verdict": "CHANGES_NEEDED"}', "A CHANGES_NEEDED verdict needs comments saying what to change."),
        ('{"verdict": "maybe"}', 'The verdict must be "APPROVED" or "CHANGES_NEEDED", not "maybe".'),
        ('{"comments": "fine"}', 'The verdict\'s JSON needs "verdict".'),
        ('{"verdict": true}', 'The verdict\'s "verdict" must be text.'),
        ('{"verdict": "APPROVED", "learnings": "one"}', 'The verdict\'s "learnings" must be a list of text.'),
    ],
)
def test_a_bad_verdict_is_refused_saying_why(answer, message):
    """WS-12: a malformed verdict gets one sentence, fit for the retry."""
    with pytest.raises(Invalid) as error:
        parse_verdict(answer)
    assert str(error.value) == message


def test_the_learnings_of_an_implementers_answer_are_its_bullets():
    """WS-12: bullets under the last Learnings heading, continuation lines joined, at most 10 of 1000 chars."""
    answer = (
        "I did it.\n\n## Learnings\n- Tests live in tests/\n  and use real servers\n* Run ruff\n1. Use uv\n"
        "\n## Next\n- not this"
    )
    assert learnings_in(answer) == ["Tests live in tests/ and use real servers", "Run ruff", "Use uv"]
    assert learnings_in("Done.\n**Learnings:**\n- a\n- a\n\nThat is all.\n- b") == ["a"]
    assert learnings_in("No section here.\n- a bullet") == []
    many = learnings_in("# Learnings\n" + "".join(f"- {n} {'x' * 1500}\n" for n in range(12)))
    assert len(many) == 10 and all(len(text) == 1000 for text in many)


# Ranking knowledge ------------------------------------------------------------------------------


def test_tokens_are_estimated_at_four_characters_each():
    """WS-12: the budget's unit."""
    assert [tokens(""), tokens("abc"), tokens("abcd"), tokens("abcde"), tokens("x" * 4000)] == [0, 1, 1, 2, 1000]


def test_a_document_sharing_a_rare_query_term_beats_one_sharing_a_common_term():
    """WS-12: BM25 weighs a word by how rare it is among the entries."""
    documents = [
        "the tests use the database",
        "the migrations need aerich",
        "the workspace uses nicegui",
        "the api is fastapi",
    ]
    order = rank("how do the migrations work", documents)
    assert order[0] == 1  # "the" is everywhere, "migrations" in one entry
    assert order[1] == 0  # then the entry saying "the" twice
    assert rank("the", documents) == [0, 1, 2, 3]  # a common term still matches; equal scores keep their order
    assert rank("fastapi migrations aerich", documents)[:2] == [1, 3]  # two rare terms beat one


def test_a_longer_document_with_the_same_matches_scores_lower():
    """WS-12: a match counts less in a long entry (b = 0.75)."""
    documents = [
        "ruff checks the style of every python file in the repository before a commit is made here",
        "ruff checks style",
        "mypy checks types",
    ]
    assert rank("ruff style", documents) == [1, 0]


def test_more_occurrences_score_higher_but_saturate():
    """WS-12: term frequency counts, with k1 = 1.2."""
    documents = ["cache cache cache notes", "cache other word here", "unrelated words only now"]
    assert rank("cache", documents) == [0, 1]


def test_no_overlap_is_not_returned():
    """WS-12: an entry sharing no word with the query is not offered."""
    assert rank("kubernetes helm", ["sqlite locks", "postgres pools"]) == []
    assert rank("", ["anything"]) == []
    assert rank("...", ["anything"]) == []
    assert rank("anything", []) == []
    assert rank("Use_Snake CASE", ["use_snake case matters"]) == [0]  # lowercase words with underscores


# Knowledge in the database ----------------------------------------------------------------------


async def make_room(name: str = "Shop") -> Room:
    user = await accounts.local_user()
    return await service.create_room(user, name, description="cats")


async def test_knowledge_is_added_listed_newest_first_edited_and_deleted(database):
    """WS-12: knowledge entries of a room, checked like any input."""
    room, other = await make_room(), await make_room("Other")
    first = await knowledge.add(room.id, "  Tests need a database.  ", "coder", item_id="i1")
    second = await knowledge.add(room.id, "Use ruff format.", "alice")
    assert (first.text, first.source, first.item_id) == ("Tests need a database.", "coder", "i1")
    assert [entry.id for entry in await knowledge.entries_of(room.id)] == [second.id, first.id]
    assert await knowledge.entries_of(other.id) == []

    for text, message in (("   ", "cannot be empty"), ("x" * 4001, "at most 4,000 characters; this one has 4,001")):
        with pytest.raises(Invalid, match=message):
            await knowledge.add(room.id, text, "coder")
        with pytest.raises(Invalid, match=message):
            await knowledge.update(room.id, first.id, text)
    assert await KnowledgeEntry.filter(room_id=room.id).count() == 2
    assert (await KnowledgeEntry.get(id=first.id)).text == "Tests need a database."

    changed = await knowledge.update(room.id, first.id, " Tests need SQLite or PostgreSQL. ")
    assert changed.text == "Tests need SQLite or PostgreSQL."
    assert changed.updated_at >= first.updated_at
    with pytest.raises(NotFound):
        await knowledge.update(other.id, first.id, "not yours")
    with pytest.raises(NotFound):
        await knowledge.delete(other.id, first.id)
    await knowledge.delete(room.id, first.id)
    with pytest.raises(NotFound):
        await knowledge.delete(room.id, first.id)
    with pytest.raises(NotFound):
        await knowledge.update(room.id, first.id, "gone")
    assert [entry.id for entry in await knowledge.entries_of(room.id)] == [second.id]


async def test_the_relevant_entries_are_best_first_within_the_budget(database):
    """WS-12: ranked by the query, taken while they fit the token budget, smaller ones still tried."""
    room = await make_room()
    big = await knowledge.add(room.id, "migrations " + "m" * 3000, "a")  # ~753 tokens, the best match
    small = await knowledge.add(room.id, "migrations run with aerich upgrade", "a")
    other = await knowledge.add(room.id, "aerich keeps its state in a table", "a")
    await knowledge.add(room.id, "the board has columns", "a")
    found = await knowledge.relevant(room.id, "migrations aerich", budget=1000)
    assert [entry.id for entry in found] == [small.id, big.id, other.id]
    found = await knowledge.relevant(room.id, "migrations aerich", budget=100)
    assert [entry.id for entry in found] == [small.id, other.id]  # the big one is skipped, smaller ones fit
    assert await knowledge.relevant(room.id, "nothing matches", budget=1000) == []
    assert await knowledge.relevant(room.id, "migrations aerich", budget=0) == []


async def test_equal_scores_go_to_the_newest_entry(database):
    """WS-12: the newer of two equally relevant entries comes first."""
    room = await make_room()
    older = await knowledge.add(room.id, "deploy with docker", "a")
    newer = await knowledge.add(room.id, "deploy with docker", "b")
    await KnowledgeEntry.filter(id=older.id).update(created_at=now() - timedelta(hours=1))
    assert [entry.id for entry in await knowledge.relevant(room.id, "docker")] == [newer.id, older.id]
    assert [entry.id for entry in await knowledge.relevant(room.id, "docker", budget=5)] == [newer.id]


async def test_the_knowledge_block_lists_the_entries(database):
    """WS-12: what a prompt includes; nothing when there is nothing."""
    room = await make_room()
    await knowledge.add(room.id, "First line\nsecond line", "a")
    block = knowledge.as_prompt(await knowledge.entries_of(room.id))
    assert block.splitlines()[1:] == ["- First line", "  second line"]
    assert knowledge.as_prompt([]) == ""


# Prompts ----------------------------------------------------------------------------------------


async def work_rows(**item_fields: Any) -> tuple[Room, Any, Prd, WorkItem]:
    user = await accounts.local_user()
    agent = await service.create_agent(user, name="coder", repository="github.com/acme/shop")
    room = await service.create_room(user, "Shop", description="cats", member_ids=[agent.id])
    stamp = now()
    text = "# Cat shop\n\nSell cats online."
    prd = await Prd.create(
        id=service.new_id(), room=room, title=prd_title(text), text=text, created_at=stamp, updated_at=stamp
    )
    epic = await Epic.create(id=service.new_id(), prd=prd, title="Catalogue")
    fields = {
        "key": "list",
        "title": "List the cats",
        "description": "A page listing every cat.",
        "acceptance": ["Shows every cat", "Sorted by name"],
        "estimate": "3h",
    } | item_fields
    item = await WorkItem.create(id=service.new_id(), prd=prd, epic=epic, updated_at=stamp, **fields)
    return room, agent, prd, item


async def test_the_planner_is_asked_for_the_json_with_the_prd_and_on_retry_the_error(database):
    """WS-12: the planner's prompt holds the PRD, the exact shape with an example, and the retry's reason."""
    room, agent, prd, _ = await work_rows()
    text = prompts.planner(room, agent, prd, "What was learned: use ruff")
    assert text.startswith(
        'You are coder, an AI agent in the room "Shop" (cats).\nYour repository: github.com/acme/shop.'
    )
    assert prompts.PLAN_MARK in text and "Sell cats online." in text and "use ruff" in text
    assert '"acceptance_criteria"' in text and '"depends_on"' in text
    example = text[text.index("For example:") + len("For example:") :].strip()
    assert [i.key for i in parse_plan(example).items] == ["signup", "signin"]  # the example is a valid plan
    assert "could not be used" not in text

    retry = prompts.planner(room, agent, prd, "", error="epics[0].items[1]: a title is required.", previous="p" * 5000)
    assert "Your previous answer could not be used: epics[0].items[1]: a title is required." in retry
    assert "p" * 4000 in retry and "p" * 4001 not in retry and "trimmed" in retry
    assert prompts.REVIEW_MARK not in text and prompts.IMPLEMENT_MARK not in text


async def test_the_implementer_is_asked_for_the_item_with_feedback_and_learnings(database):
    """WS-12: the item, its epic and criteria, the reviewer's comments after a round, a Learnings section."""
    room, agent, prd, item = await work_rows()
    text = prompts.implementer(room, agent, prd, item, "Catalogue", "- keep it simple")
    assert text.startswith('You are coder, an AI agent in the room "Shop"')
    assert f'{prompts.IMPLEMENT_MARK} of the PRD "Cat shop".' in text
    for part in ("Epic: Catalogue", "Work item: List the cats", "A page listing every cat.", "Estimate: 3h"):
        assert part in text
    assert "Acceptance criteria:\n- Shows every cat\n- Sorted by name" in text
    assert "- keep it simple" in text and "## Learnings" in text
    assert "reviewer asked" not in text

    item.round, item.feedback = 2, "Sort by name, not by age."
    again = prompts.implementer(room, agent, prd, item, "Catalogue", "")
    assert "The reviewer asked for changes (round 2):\nSort by name, not by age." in again
    assert prompts.REVIEW_MARK not in again and prompts.PLAN_MARK not in again


async def test_the_reviewer_is_asked_for_the_verdict_with_the_output_trimmed(database):
    """WS-12: the item, its criteria, the implementer's answer (trimmed, saying so), artifacts, the verdict's JSON."""
    room, agent, _, item = await work_rows()
    text = prompts.reviewer(room, agent, item, "I added the page.", ["Pull request: https://x/pr/1"], "- note")
    assert prompts.REVIEW_MARK in text and "Work item: List the cats" in text
    assert "- Shows every cat" in text and "I added the page." in text and "trimmed" not in text
    assert "- Pull request: https://x/pr/1" in text and "- note" in text
    assert '{"verdict": "APPROVED", "comments": "...", "learnings": ["..."]}' in text
    assert prompts.IMPLEMENT_MARK not in text and prompts.PLAN_MARK not in text
    assert "Artifacts: none." in prompts.reviewer(room, agent, item, "x", [], "")

    long = prompts.reviewer(room, agent, item, "A" * 15_000 + "B" * 15_000, [], "", error="bad", previous="prev")
    assert "trimmed: 30,000 characters" in long
    assert long.count("A") >= 10_000 and long.count("B") >= 10_000 and "A" * 10_001 not in long
    assert "Your previous answer could not be used: bad" in long and "prev" in long
