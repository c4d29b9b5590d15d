#!/usr/bin/env bash
# Extract translatable strings and update the English catalogue. Vietnamese is the source language.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o translations/messages.pot .
.venv/bin/pybabel update -i translations/messages.pot -d translations -l en --no-fuzzy-matching --ignore-obsolete
.venv/bin/pybabel compile -d translations --statistics
