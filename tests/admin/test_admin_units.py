"""Pieces of the administration UI that need no server."""

from __future__ import annotations

import pytest

from provisioner.web.ui import local as _local


@pytest.mark.parametrize(
    ("target", "kept"),
    [
        ("/comptes/1", True),
        ("/comptes/1?page=2&q=ETAB%20LYON", True),
        ("//evil.example", False),
        ("/\t/evil.example", False),  # browsers strip tabs: this would become //evil.example
        ("/\\evil.example", False),
        ("https://evil.example/", False),
        ("/a\r\nSet-Cookie: x=1", False),
        ("comptes/1", False),
        ("", False),
    ],
)
def test_only_local_paths_are_followed_after_sign_in(target: str, kept: bool) -> None:
    assert (_local(target) == target) is kept
    assert _local(None) is None
