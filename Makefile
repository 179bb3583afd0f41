# account_payment_followup — developer commands. See README.md.
SHELL := /bin/bash
ROOT := $(CURDIR)
export PATH := $(ROOT)/.venv/bin:$(PATH)
export PGHOST ?= 127.0.0.1
export PGPORT ?= 5432
ODOO := $(ROOT)/.venv/bin/odoo -c $(ROOT)/.odoo/odoo.conf
DEMO_DB ?= followup_demo
HTTP_PORT ?= 8069

.PHONY: help bootstrap demo demo-reset test test-wheel test-upgrade lint dist bench bench-peers pot clean

help:
	@echo "make demo        create (once) and serve the demo database $(DEMO_DB) on http://localhost:$(HTTP_PORT)"
	@echo "make demo-reset  drop $(DEMO_DB) and build it again"
	@echo "make test        fresh database, install the module, run the whole test suite"
	@echo "make lint        pre-commit: ruff, pylint-odoo, OCA checks, prettier"
	@echo "make dist        build the module's wheel (whool) into dist/"
	@echo "make test-wheel  install the wheel in a fresh virtualenv, then the module in a fresh database from it"
	@echo "make test-upgrade install the previous release, make a book, update to this code, check nothing was lost"
	@echo "make bench       follow-up engine benchmark (N customers x M invoices)"
	@echo "make bench-peers the same book side by side with OCA account_credit_control (from PyPI)"
	@echo "make pot         regenerate i18n/account_payment_followup.pot from a test database"

bootstrap:
	@scripts/bootstrap.sh

demo: bootstrap
	@scripts/demo.sh $(DEMO_DB) $(HTTP_PORT)

demo-reset: bootstrap
	@dropdb --if-exists $(DEMO_DB)
	@rm -rf .odoo/data/filestore/$(DEMO_DB)
	@scripts/demo.sh $(DEMO_DB) $(HTTP_PORT)

test: bootstrap
	@scripts/test.sh

test-wheel: bootstrap
	@scripts/test_wheel.sh

test-upgrade: bootstrap
	@scripts/test_upgrade.sh

lint: bootstrap
	@scripts/lint.sh

dist: bootstrap
	@scripts/dist.sh

bench: bootstrap
	@bench/run.sh

bench-peers: bootstrap
	@bench/peers.sh

pot: bootstrap
	@scripts/pot.sh

clean:
	rm -rf .venv .odoo .pytest_cache dist build
