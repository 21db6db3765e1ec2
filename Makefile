# Portail Comptes: `make run` and `make test` take a fresh machine to a running system / a green suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

include .env
export KEYCLOAK_VERSION

LOCAL       := $(CURDIR)/.local
KC_HOME     := $(LOCAL)/keycloak-$(KEYCLOAK_VERSION)
VENV        := $(CURDIR)/.venv
PY          := $(VENV)/bin/python
KC_JAVA_HOME = $(shell bash scripts/java-home.sh)
EXT_SOURCES := $(shell find keycloak-extensions -path '*/target' -prune -o -type f \( -name '*.java' -o -name 'pom.xml' -o -name '*.ftl' -o -name '*.properties' -o -name 'org.keycloak.*' \) -print 2>/dev/null)
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

export PORTAIL_KEYCLOAK_HOME := $(KC_HOME)

PHONY_EXTRA := unzip compose-cli postgres-server
.PHONY: $(PHONY_EXTRA) help install python-deps keycloak extensions theme chromium wrk run test test-fast lint bench bench-scale bench-authz bench-keycloak clean

help:
	@echo "make run    - start Keycloak, the SMTP sink and the provisioner with demo data"
	@echo "make test   - install what is needed and run the whole test suite (real Keycloak, Chromium)"
	@echo "make lint   - ruff, mypy and the Java formatter check"
	@echo "make bench  - benchmarks (results in docs/benchmarks.md)"

# --- Python -------------------------------------------------------------------------------
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev,postgres]'
	touch $@

python-deps: $(VENV)/.installed
	@$(VENV)/bin/pybabel compile -d provisioner/translations >/dev/null

# --- Keycloak: the pinned server distribution from Maven Central, our extensions and theme ----
$(KC_HOME)/bin/kc.sh: | unzip
	@echo "Fetching Keycloak $(KEYCLOAK_VERSION) (org.keycloak:keycloak-quarkus-dist) with Maven ..."
	mkdir -p $(LOCAL)
	mvn -q dependency:copy -Dartifact=org.keycloak:keycloak-quarkus-dist:$(KEYCLOAK_VERSION):zip \
	    -DoutputDirectory=$(LOCAL)/dist
	cd $(LOCAL) && unzip -q -o dist/keycloak-quarkus-dist-$(KEYCLOAK_VERSION).zip
	touch $@

$(LOCAL)/extensions.stamp: $(EXT_SOURCES) $(KC_HOME)/bin/kc.sh .env
	JAVA_HOME=$(KC_JAVA_HOME) mvn -q -f keycloak-extensions/pom.xml -Dkeycloak.version=$(KEYCLOAK_VERSION) package
	rm -f $(KC_HOME)/providers/portail-*.jar
	cp keycloak-extensions/*/target/portail-*.jar $(KC_HOME)/providers/
	touch $@

extensions: $(LOCAL)/extensions.stamp

theme: $(KC_HOME)/bin/kc.sh
	@for t in themes/*/; do name=$$(basename $$t); ln -sfn $(CURDIR)/themes/$$name $(KC_HOME)/themes/$$name; done

keycloak: $(KC_HOME)/bin/kc.sh extensions theme

# --- Debian packages: unzip for the Keycloak zip; for tests, Chromium (Playwright never downloads
# a browser here) and a compose CLI for `docker compose config` (Debian's docker-compose when the
# docker compose plugin is absent; no Docker engine is needed) -------------------------------------
APT_INSTALL = $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

unzip:
	@command -v unzip >/dev/null || { $(APT_INSTALL) unzip >/dev/null; }

chromium:
	@command -v chromium >/dev/null || { $(APT_INSTALL) chromium >/dev/null; }

postgres-server:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(APT_INSTALL) postgresql >/dev/null; }

wrk:  # the load generator of bench/authz.py (C: it leaves the CPU to the server under test)
	@command -v wrk >/dev/null || { $(APT_INSTALL) wrk >/dev/null; }

compose-cli:
	@docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null || { $(APT_INSTALL) docker-compose >/dev/null; }

install: python-deps keycloak

# --- The two commands --------------------------------------------------------------------------
run: install
	PORTAIL_DEV_MODE=true PORTAIL_LOG_FORMAT=console $(VENV)/bin/provisioner dev

test: install chromium compose-cli postgres-server
	$(VENV)/bin/pytest

test-fast: python-deps
	$(VENV)/bin/pytest -m "not keycloak and not browser"

lint: python-deps
	$(VENV)/bin/ruff check provisioner tests bench
	$(VENV)/bin/ruff format --check provisioner tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	mvn -q -f keycloak-extensions/pom.xml -Dkeycloak.version=$(KEYCLOAK_VERSION) spotless:check

bench: install postgres-server wrk
	$(PY) bench/provision.py
	$(PY) bench/load.py
	$(PY) bench/scale.py
	$(PY) bench/authz.py
	$(PY) bench/keycloak_versions.py

bench-scale: install postgres-server
	$(PY) bench/scale.py

bench-authz: install postgres-server wrk
	$(PY) bench/authz.py

bench-keycloak: python-deps
	$(PY) bench/keycloak_versions.py

clean:
	rm -rf $(LOCAL)/extensions.stamp keycloak-extensions/*/target instance test-artifacts
