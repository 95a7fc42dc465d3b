# Shared by scripts/run and scripts/test: find Python 3.11, make .venv, install the requirements.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    PY=$candidate; break
  fi
done
if [ -z "$PY" ]; then echo "Pult needs Python 3.11 (python3.11 or python3)." >&2; exit 1; fi
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
REQUIREMENTS=${1:-requirements/base.txt}
STAMP=".venv/.installed-$(basename "$REQUIREMENTS")-$(cat requirements/*.txt | cksum | cut -d' ' -f1)"
if [ ! -f "$STAMP" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS" -c requirements/lock.txt
  touch "$STAMP"
fi
