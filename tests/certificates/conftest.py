from tests.decisions.conftest import contract, members  # noqa: F401  (shared fixtures)
