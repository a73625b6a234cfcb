import os

from django.core.wsgi import get_wsgi_application

from joinedup.cli import make_data_private

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.settings")
# gunicorn may be started without `joinedup serve`: the data stays private all the same.
make_data_private()
application = get_wsgi_application()
