"""Finding 2 of the hardening issue: the pinned Keycloak is outside the range of CVE-2026-18963
(reset-credentials account takeover, CVSS 9.1; fixed in 26.4.15, 26.6.6 and 26.7.2, no fix in 26.5)."""

from __future__ import annotations

from provisioner.devtools.keycloak_runtime import pinned_version

FIXED_IN = {(26, 4): 15, (26, 6): 6, (26, 7): 2}  # per line: the first fixed release


def affected(version: str) -> bool:
    major, minor, patch = (int(part) for part in version.split(".")[:3])
    if (major, minor) > (26, 7):
        return False
    first_fixed = FIXED_IN.get((major, minor))
    return first_fixed is None or patch < first_fixed


def test_the_rule_itself() -> None:
    assert affected("26.5.6") and affected("26.7.1") and affected("26.4.14") and affected("25.0.6")
    assert not affected("26.7.3") and not affected("26.6.6") and not affected("26.8.0")


def test_the_pinned_keycloak_is_not_affected() -> None:
    assert not affected(pinned_version()), f"Keycloak {pinned_version()} is affected by CVE-2026-18963"
