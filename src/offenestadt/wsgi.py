"""WSGI entry point: `offenestadt serve` runs it in granian (see core.server)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "offenestadt.settings")
application = get_wsgi_application()
