"""People on a team server, against a real database: the first account is the admin, invites,
sign-up policies, roles, disabling, sessions and the log-in lock-out, attacked as an outsider
would (SEC-1, SEC-5, SEC-6)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from typing import Any

import pytest

from oz_app.db.models import LoginAttempt, Session, User
from oz_app.workspace import accounts
from oz_app.workspace.service import Invalid, NotFound

PASSWORD = "correct horse battery"


async def test_the_first_account_is_admin_and_later_ones_need_an_invite(database: None) -> None:
    """SEC-1: the first account on a fresh server is the admin; after that sign-up needs an invite
    (the default), an invite works once, and gives the role the admin chose."""
    ann = await accounts.sign_up("ann", PASSWORD, policy="invite")
    assert ann.role == "admin"
    with pytest.raises(Invalid, match="needs an invite"):
        await accounts.sign_up("mallory", PASSWORD, policy="invite")
    with pytest.raises(Invalid, match="used, revoked or has expired"):
        await accounts.sign_up("mallory", PASSWORD, policy="invite", invite="made-up")
    invite = await accounts.create_invite(ann, "member")
    bob = await accounts.sign_up("bob", PASSWORD, policy="invite", invite=invite)
    assert bob.role == "member"
    with pytest.raises(Invalid, match="used, revoked or has expired"):
        await accounts.sign_up("mallory", PASSWORD, policy="invite", invite=invite)
    assert not await User.exists(username="mallory")


async def test_an_invite_used_twice_at_once_makes_one_account(database: None) -> None:
    """SEC-1: two people racing with one invite link: exactly one gets in."""
    ann = await accounts.sign_up("ann", PASSWORD, policy="invite")
    invite = await accounts.create_invite(ann, "admin")
    results = await asyncio.gather(
        *(accounts.sign_up(f"racer{i}", PASSWORD, policy="invite", invite=invite) for i in range(4)),
        return_exceptions=True,
    )
    made = [result for result in results if isinstance(result, User)]
    assert len(made) == 1 and made[0].role == "admin"
    assert all(isinstance(result, Invalid) for result in results if not isinstance(result, User))


async def test_open_and_closed_sign_up(database: None) -> None:
    """SEC-1: OZ_SIGNUP=open lets anyone in as a member; closed lets nobody in after the first."""
    await accounts.sign_up("ann", PASSWORD, policy="closed")  # the first account still gets in
    assert (await accounts.sign_up("bob", PASSWORD, policy="open")).role == "member"
    with pytest.raises(Invalid, match="closed"):
        await accounts.sign_up("carol", PASSWORD, policy="closed")


async def test_members_cannot_manage_people(database: None) -> None:
    """SEC-1: people, roles, invites and disabling are the admins' alone; the last admin stays."""
    ann = await accounts.sign_up("ann", PASSWORD, policy="open")
    bob = await accounts.sign_up("bob", PASSWORD, policy="open")
    for action in (
        accounts.people(bob),
        accounts.create_invite(bob),
        accounts.set_role(bob, bob.id, "admin"),
        accounts.set_disabled(bob, ann.id, True),
    ):
        with pytest.raises(NotFound, match="Only an admin"):
            await action
    assert (await User.get(id=bob.id)).role == "member" and not (await User.get(id=ann.id)).disabled
    with pytest.raises(Invalid, match="at least one admin"):
        await accounts.set_role(ann, ann.id, "member")
    await accounts.set_role(ann, bob.id, "admin")
    assert [person.username for person in await accounts.people(bob)] == ["ann", "bob"]


async def test_disabling_and_logging_out_end_sessions_at_once(database: None) -> None:
    """SEC-5: a session lives in the database: logging out or being disabled ends it on the
    server, whatever the browser still holds; a disabled user cannot log in again."""
    ann = await accounts.sign_up("ann", PASSWORD, policy="open")
    bob = await accounts.sign_up("bob", PASSWORD, policy="open")
    first, second = "browser-" + secrets.token_hex(8), "browser-" + secrets.token_hex(8)
    await accounts.open_session(bob, 7, first)
    await accounts.open_session(bob, 7, second)
    assert (await accounts.session_user(first)).id == bob.id
    await accounts.close_session(first)
    assert await accounts.session_user(first) is None
    assert (await accounts.session_user(second)).id == bob.id
    await accounts.set_disabled(ann, bob.id, True)
    assert await accounts.session_user(second) is None
    with pytest.raises(Invalid, match="disabled"):
        await accounts.log_in("bob", PASSWORD, "198.51.100.7")
    assert await accounts.session_user("made-up-token") is None


async def test_signing_in_again_in_one_browser_replaces_its_session(database: None) -> None:
    """SEC-5: one session per browser: signing in as someone else in the same browser leaves no
    session of the first person behind for that browser."""
    ann = await accounts.sign_up("ann", PASSWORD, policy="open")
    bob = await accounts.sign_up("bob", PASSWORD, policy="open")
    await accounts.open_session(ann, 7, "one-browser")
    await accounts.open_session(bob, 7, "one-browser")
    assert (await accounts.session_user("one-browser")).id == bob.id
    assert await Session.filter(user=ann).count() == 0


async def _attempts(count: int, password: Callable[[int], str], name: Callable[[int], str]) -> list[Any]:
    return await asyncio.gather(
        *(accounts.log_in(name(i), password(i), "198.51.100.7") for i in range(count)), return_exceptions=True
    )


async def test_twelve_parallel_log_ins_cannot_get_past_the_lockout(database: None) -> None:
    """SEC-6: twelve attempts sent at once for one username: only five are checked, the other
    seven are refused without looking at the password, even the one with the right password."""
    await accounts.sign_up("carol", PASSWORD, policy="open")
    results = await _attempts(12, lambda i: PASSWORD if i == 11 else f"guess {i}", lambda _: "carol")
    refused = [r for r in results if isinstance(r, Invalid) and "Too many" in str(r)]
    wrong = [r for r in results if isinstance(r, Invalid) and "Wrong" in str(r)]
    assert len(wrong) + sum(isinstance(r, User) for r in results) == 5
    assert len(refused) == 7
    with pytest.raises(Invalid, match="Too many"):
        await accounts.log_in("carol", PASSWORD, "203.0.113.1")  # another address: the username is locked


async def test_one_address_trying_many_usernames_is_locked_out(database: None) -> None:
    """SEC-6: attempts are counted per client address too: spraying usernames from one address
    stops after twenty."""
    results = await _attempts(25, lambda _: "guess", lambda i: f"user{i}")
    refused = [r for r in results if isinstance(r, Invalid) and "Too many" in str(r)]
    assert len(refused) == 5
    assert await LoginAttempt.filter(key="addr:198.51.100.7").count() == 25


async def test_a_successful_log_in_is_not_counted_as_a_failure(database: None) -> None:
    """SEC-6: someone who logs in often is never locked out by their own successes."""
    await accounts.sign_up("dave", PASSWORD, policy="open")
    for _ in range(8):
        assert (await accounts.log_in("dave", PASSWORD, "198.51.100.8")).username == "dave"


async def test_an_invite_gives_its_role_where_sign_up_is_open(database: None) -> None:
    """SEC-1: with OZ_SIGNUP=open an admin's invite still gives the role it was made for, once."""
    ann = await accounts.sign_up("ann", PASSWORD, policy="open")
    invite = await accounts.create_invite(ann, "admin")
    assert (await accounts.sign_up("bob", PASSWORD, policy="open", invite=invite)).role == "admin"
    with pytest.raises(Invalid, match="used, revoked or has expired"):
        await accounts.sign_up("carol", PASSWORD, policy="open", invite=invite)
    assert await accounts.pending_invites(ann) == []
