# `make run`: set up, build the bundled sample corpus and serve it. `make test`: set up and run every test.
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8001

.PHONY: run test lint setup system-deps node-deps sample corpus messages release deploy-local

$(BIN)/activate-installed: requirements.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

setup: $(BIN)/activate-installed

# Debian's chromium (browser tests), a CJK font for its screenshots, wrk (load script) and nginx (the
# deployment recipe and its smoke test); only when missing.
system-deps:
	@command -v chromium >/dev/null && command -v wrk >/dev/null && command -v nginx >/dev/null && \
		[ -d /usr/share/fonts/truetype/wqy ] || \
		(apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-zenhei wrk nginx >/dev/null)

sample: setup
	$(BIN)/python build_db.py data/sample --db archive.db

run: sample
	scripts/serve.sh archive.db --port $(PORT)

lint: setup
	$(BIN)/ruff check .

test: setup system-deps node-deps lint
	$(BIN)/python -m pytest -q -n 2

# axe-core for the accessibility scan in tests/test_browser.py (npm, pinned in package-lock.json).
node-deps: node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# The whole shared corpus (about 64,000 files), for benchmarks.
corpus: setup
	$(BIN)/python build_db.py ../shared/corpus/feedmirror-2020.tar.xz --db corpus.db

# The site's message catalogue: extract marked text from templates, merge it into locales/zh (then translate
# the new entries; tests/test_i18n.py fails while any is missing). Catalogues compile at import.
messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k pgettext:1c,2 -k npgettext:1c,2,3 --no-location --sort-output \
		-o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -l zh --no-fuzzy-matching

# The files a host serves (DB, its SHA-256, a gzip copy) written into RELEASE_DIR: make release DB=corpus.db
DB ?= archive.db
RELEASE_DIR ?= build/release
release: setup
	$(BIN)/python deploy/release.py $(DB) $(RELEASE_DIR)

# The production recipe on this machine: several Datasette workers on the released file behind nginx, on
# http://127.0.0.1:$(DEPLOY_PORT) (DB=... to serve another database; the bundled sample by default).
DEPLOY_PORT ?= 8080
deploy-local: setup system-deps
	@[ -f "$(DB)" ] || $(MAKE) sample
	$(BIN)/python deploy/local.py $(DB) --port $(DEPLOY_PORT)
