import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# gunicorn runs no system checks: production mode's safety rules are enforced here, before any request.
from common.security import refuse_unsafe_production

refuse_unsafe_production()
application = get_wsgi_application()
