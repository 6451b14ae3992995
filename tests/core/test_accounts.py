"""Password hashing and rules for desktop sign-in."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mdbtriage.core.accounts import hash_password, password_problems, verify_password


@settings(max_examples=15, deadline=None)
@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_a_hash_verifies_its_own_password_and_no_other(password, other):
    stored = hash_password(password)
    assert verify_password(password, stored)
    assert verify_password(other, stored) == (other == password)


def test_same_password_gets_different_salts():
    assert hash_password("geheim123") != hash_password("geheim123")


def test_malformed_hashes_never_match():
    for stored in ("", "plain", "scrypt$1$8$1$00$00", "scrypt$16384$8$1$zz$00", "md5$x$y$z$a$b"):
        assert not verify_password("geheim123", stored)


def test_password_rules_in_dutch():
    assert password_problems("kort1") == ["het wachtwoord moet minstens 8 tekens hebben"]
    assert "het wachtwoord moet letters en cijfers bevatten" in password_problems("alleenletters")
    assert password_problems("Jansen2026!", "Piet Jansen") == [
        "het wachtwoord mag uw naam niet bevatten"
    ]
    assert password_problems("veilig-2026") == []
