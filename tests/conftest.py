"""The fixtures live in the plugin package ``tests/fixtures/`` (its docstring says what each module holds)."""

import pytest

# The helpers' asserts (tests/fixtures/oidc.py, …) explain their failures as the tests' own do.
pytest.register_assert_rewrite("tests.fixtures")

pytest_plugins = [
    "tests.fixtures.app",
    "tests.fixtures.keycloak",
    "tests.fixtures.browser",
    "tests.fixtures.tokens",
    "tests.fixtures.accounts",
]
