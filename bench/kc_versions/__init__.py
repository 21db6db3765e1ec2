"""The parts of ``bench/keycloak_versions.py``, the Keycloak versions benchmark (see its docstring)."""
