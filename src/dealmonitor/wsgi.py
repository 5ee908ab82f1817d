import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dealmonitor.conf.production")
application = get_wsgi_application()

from dealmonitor.utils.runtime import tune_garbage_collector  # noqa: E402 (needs Django set up)

tune_garbage_collector()
