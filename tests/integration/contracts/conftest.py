"""Contract suites: the moto fixtures come from tests/integration/conftest.py."""
