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
# python-ldap (company sign-on through django-auth-ldap) has no wheel: it compiles against OpenLDAP's and Cyrus
# SASL's headers.
LDAP_BUILD_PACKAGES="libldap2-dev libsasl2-dev gcc python3-dev"
if [ ! -f "$STAMP" ] && ! dpkg -s $LDAP_BUILD_PACKAGES >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq $LDAP_BUILD_PACKAGES >/dev/null
  else
    echo "Installing python-ldap needs: sudo apt-get install $LDAP_BUILD_PACKAGES" >&2
    exit 1
  fi
fi
if [ ! -f "$STAMP" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS" -c requirements/lock.txt
  touch "$STAMP"
fi
