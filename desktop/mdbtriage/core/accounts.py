"""Passwords for desktop sign-in: scrypt hashes (hashlib) and the rules a new password meets.

The stored form is ``scrypt$n$r$p$salt$hash`` (hex), so cost parameters can be raised later
without breaking existing accounts.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Final

SCRYPT_N: Final = 2**14
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1
MIN_LENGTH: Final = 8
DEMO_PASSWORD: Final = "demo-2026"


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=128 * n * r * p + 2**20, dklen=32
    )


def hash_password(password: str, salt: bytes | None = None) -> str:
    """The stored form of a password with a fresh random salt (or the given one)."""
    salt = salt if salt is not None else os.urandom(16)
    digest = _derive(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches the stored hash; malformed hashes never match."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, expected = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
    except ValueError:
        return False
    if not (2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
        return False
    return hmac.compare_digest(_derive(password, salt, n, r, p), expected)


def password_problems(password: str, name: str = "") -> list[str]:
    """What is wrong with a new password, in Dutch; empty when it is acceptable."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"het wachtwoord moet minstens {MIN_LENGTH} tekens hebben")
    if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
        problems.append("het wachtwoord moet letters en cijfers bevatten")
    if password != password.strip():
        problems.append("het wachtwoord mag niet met een spatie beginnen of eindigen")
    lowered = password.casefold()
    if name and any(part and len(part) > 2 and part in lowered for part in name.casefold().split()):
        problems.append("het wachtwoord mag uw naam niet bevatten")
    return problems


TEAM_LEAD: Final = "TL"
PRIVACY_OFFICER: Final = "PO"
LOG_READERS: Final = frozenset({TEAM_LEAD, PRIVACY_OFFICER})
STAFF_CHANGES: Final = "medewerkers importeren of hun rol, team of BIG wijzigen"


def account_refusal(actor_role: str, target_role: str, accounts_exist: bool) -> str | None:
    """Why an account may not be created (Dutch), or None: the first account is a team lead's
    and ends set-up mode; after that only a team lead creates accounts."""
    if not accounts_exist:
        if target_role != TEAM_LEAD:
            return "het eerste account is dat van een teamleider; het beëindigt de inrichting"
        return None
    if actor_role != TEAM_LEAD:
        return "alleen een teamleider maakt accounts aan"
    return None


def team_lead_refusal(actor_role: str, accounts_exist: bool, what: str) -> str | None:
    """Why someone may not do ``what`` that only a team lead does (staff import, accounts,
    role, team and BIG changes, central decisions), or None. In set-up mode (no accounts yet)
    role restrictions beyond taakdelegatie do not apply."""
    if accounts_exist and actor_role != TEAM_LEAD:
        return f"alleen een teamleider mag {what}"
    return None


def may_read_log_of_others(role: str, accounts_exist: bool) -> bool:
    """Whether someone may read other people's records in the access log: a team lead or the
    privacy officer; everyone reads their own. In set-up mode everyone may."""
    return not accounts_exist or role in LOG_READERS


def ruleset_refusal(
    staff_id: str, role: str, staff_team: str, active: bool, team: str, regievoerder: str | None
) -> str | None:
    """Why someone may not adopt a rule set for ``team`` (Dutch), or None: the team's team lead
    or its regievoerder VA (``regievoerder``: the VA qualified REGIEVOERDER, else its first)."""
    regie = role == "VA" and staff_id == regievoerder
    if active and staff_team == team and (role == TEAM_LEAD or regie):
        return None
    named = f" ({regievoerder})" if regievoerder else ""
    return f"Alleen de teamleider of de regievoerder{named} van team {team} stelt de regelset vast"
