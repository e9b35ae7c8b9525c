"""People on a team server: sign-up and its policy, roles, sessions, invites, lock-out
(WS-1, SEC-1, SEC-5, SEC-6).

Everything here lives in the database, so a second workspace process, a restart or a
disabled account sees the same truth at once.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import secrets
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from oz_app.control_plane.service import now
from oz_app.control_plane.tokens import digest
from oz_app.db.models import Invite, LoginAttempt, Session, User
from oz_app.workspace.service import USERNAME, Invalid, NotFound, new_id

LOCAL_USER = "local"
ROLES = ("admin", "member")
MIN_PASSWORD = 8
LOCKOUT_WINDOW = timedelta(minutes=5)
ATTEMPTS_PER_USERNAME = 5
ATTEMPTS_PER_ADDRESS = 20
INVITE_DAYS = 7


# Passwords ---------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    hashed = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${hashed.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, salt, expected = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    actual = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1)
    return hmac.compare_digest(actual.hex(), expected)


@functools.cache
def _decoy_hash() -> str:
    return hash_password(secrets.token_hex(16))


# Users -------------------------------------------------------------------------------------


async def local_user() -> User:
    """The desktop's (and loopback server's) one user, an admin, created on first start."""
    user = await User.get_or_none(username=LOCAL_USER)
    if user is None:
        try:
            user = await User.create(id=new_id(), username=LOCAL_USER, role="admin", created_at=now())
        except IntegrityError:
            user = await User.get(username=LOCAL_USER)
    if user.role != "admin":
        await User.filter(id=user.id).update(role="admin")
        user.role = "admin"
    return user


async def first_account() -> bool:
    """True while nobody can log in yet: the next account to sign up becomes the admin."""
    return not await User.filter(password_hash__not="").exists()


async def sign_up(username: str, password: str, *, policy: str, invite: str = "") -> User:
    """A new account. The first one on a server is the admin; after that ``policy`` decides:
    ``open`` lets anyone in, ``invite`` needs an unused invite (whose role the account gets),
    ``closed`` nobody."""
    username = (username or "").strip()
    if not USERNAME.match(username) or username == LOCAL_USER:
        raise Invalid("A username is 3 to 64 letters, digits, '.', '_' or '-'.")
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"A password needs at least {MIN_PASSWORD} characters.")
    first = await first_account()
    if not first and policy == "closed":
        raise Invalid("Sign-up is closed on this server: ask an admin for an account.")
    if not first and policy == "invite" and not invite:
        raise Invalid("Sign-up needs an invite link: ask an admin for one.")
    hashed = await asyncio.to_thread(hash_password, password)  # scrypt takes ~50 ms: not on the loop
    user_id = new_id()
    try:
        async with in_transaction():
            role = "admin" if first else "member"
            if not first and invite:  # an invite gives its role, also where sign-up is open
                role = await _use_invite(invite, user_id)
            return await User.create(id=user_id, username=username, password_hash=hashed, role=role, created_at=now())
    except IntegrityError:
        raise Invalid(f"The username {username!r} is taken.") from None


async def _use_invite(token: str, user_id: str) -> str:
    """Spend an invite (at most once, even when two people use it at the same moment)."""
    invite = await Invite.get_or_none(id=digest(token), used_by=None, expires_at__gt=now())
    if invite is None or not await Invite.filter(id=invite.id, used_by=None).update(used_by=user_id):
        raise Invalid("This invite link was used, revoked or has expired: ask an admin for a new one.")
    return invite.role


async def log_in(username: str, password: str, address: str) -> User:
    """The user with these credentials. Each attempt is counted before the password is checked:
    past five a username, or twenty a client address, in five minutes, every attempt is refused
    (also attempts sent all at once)."""
    name = (username or "").strip()
    keys = (f"user:{name.lower()}"[:200], f"addr:{address}"[:200])
    attempts = [await LoginAttempt.create(key=key, at=now()) for key in keys]
    for attempt, limit in zip(attempts, (ATTEMPTS_PER_USERNAME, ATTEMPTS_PER_ADDRESS), strict=True):
        if await _rank(attempt) > limit:
            raise Invalid("Too many log-in attempts; wait a few minutes and try again.")
    user = await User.get_or_none(username=name)
    # an unknown name costs the same scrypt as a wrong password: timing does not tell which names exist
    stored = user.password_hash if user is not None else ""
    matches = await asyncio.to_thread(check_password, password, stored or _decoy_hash())
    if user is None or not (matches and stored):
        raise Invalid("Wrong username or password.")
    if user.disabled:
        raise Invalid("This account is disabled: ask an admin.")
    await LoginAttempt.filter(id__in=[attempt.id for attempt in attempts]).delete()  # a success is no failure
    return user


async def _rank(attempt: LoginAttempt) -> int:
    """How many attempts for the same key, this one included, came in the window up to it."""
    horizon = now() - LOCKOUT_WINDOW
    await LoginAttempt.filter(key=attempt.key, at__lt=horizon).delete()
    return await LoginAttempt.filter(key=attempt.key, at__gte=horizon, id__lte=attempt.id).count()


# Sessions ----------------------------------------------------------------------------------


async def open_session(user: User, days: int, browser: str) -> None:
    """Sign ``browser`` in as ``user`` (SEC-5). ``browser`` is the random id in the browser's
    signed session cookie, which every process sharing the storage secret (``AUTH_SECRET``)
    reads, so a sign-in holds on whichever process serves the next page (ST-4); the database
    keeps only its hash. Signing in again replaces the browser's session."""
    key, stamp = digest(browser), now()
    await Session.filter(Q(id=key) | Q(user=user, expires_at__lte=stamp)).delete()  # and the user's expired ones
    await Session.create(id=key, user=user, created_at=stamp, expires_at=stamp + timedelta(days=days))


async def session_user(browser: str | None) -> User | None:
    """The user ``browser`` is signed in as; None once the session expired, was closed, or its
    user was disabled."""
    if not browser:
        return None
    session = await Session.get_or_none(id=digest(browser), expires_at__gt=now()).prefetch_related("user")
    if session is None or session.user.disabled:
        return None
    return session.user


async def close_session(browser: str | None) -> None:
    if browser:
        await Session.filter(id=digest(browser)).delete()


# People and invites (admins only) ----------------------------------------------------------


async def require_admin(user: User) -> None:
    """Checked against the database, not the page's copy: a demoted admin's open tab is refused."""
    if not await User.filter(id=user.id, role="admin", disabled=False).exists():
        raise NotFound("Only an admin can manage people.")


async def people(admin: User) -> list[User]:
    await require_admin(admin)
    return await User.all().order_by("username")


async def set_role(admin: User, user_id: str, role: str) -> User:
    await require_admin(admin)
    if role not in ROLES:
        raise Invalid(f"A role is one of {', '.join(ROLES)}.")
    user = await _person(user_id)
    if role != "admin" and user.role == "admin" and await User.filter(role="admin", disabled=False).count() <= 1:
        raise Invalid("The server needs at least one admin: make someone else admin first.")
    await User.filter(id=user.id).update(role=role)
    user.role = role
    return user


async def set_disabled(admin: User, user_id: str, disabled: bool) -> User:
    """Disable (or enable) an account; disabling ends its sessions at once and stops its API tokens."""
    await require_admin(admin)
    user = await _person(user_id)
    if user.id == admin.id:
        raise Invalid("You cannot disable your own account.")
    async with in_transaction():
        await User.filter(id=user.id).update(disabled=disabled)
        if disabled:
            await Session.filter(user_id=user.id).delete()
    user.disabled = disabled
    return user


async def _person(user_id: str) -> User:
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


async def create_invite(admin: User, role: str = "member") -> str:
    """A one-use sign-up link's token, valid for a week."""
    await require_admin(admin)
    if role not in ROLES:
        raise Invalid(f"A role is one of {', '.join(ROLES)}.")
    token = secrets.token_urlsafe(24)
    stamp = now()
    await Invite.create(
        id=digest(token), role=role, created_by=admin.id, created_at=stamp, expires_at=stamp + timedelta(INVITE_DAYS)
    )
    return token


async def pending_invites(admin: User) -> list[Invite]:
    await require_admin(admin)
    return await Invite.filter(used_by=None, expires_at__gt=now()).order_by("-created_at")


async def revoke_invite(admin: User, invite_id: str) -> None:
    await require_admin(admin)
    if not await Invite.filter(id=invite_id, used_by=None).delete():
        raise NotFound("No such invite.")


# A person's preferences (UX-5) -------------------------------------------------------------

THEMES = ("auto", "light", "dark")


async def set_theme(user: User, theme: str) -> User:
    """Keep ``user``'s colour scheme (auto follows the system) so it follows them to any browser."""
    if theme not in THEMES:
        raise Invalid(f"A theme is one of {', '.join(THEMES)}.")
    await User.filter(id=user.id).update(theme=theme)
    user.theme = theme
    return user


async def set_notify(user: User, notify: bool) -> User:
    """Turn ``user``'s browser notifications (mentions of them, finished runs) on or off."""
    await User.filter(id=user.id).update(notify=bool(notify))
    user.notify = bool(notify)
    return user
