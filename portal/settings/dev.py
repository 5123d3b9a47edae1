from .base import *  # noqa: F401,F403
from .base import STATIC_ROOT, env_bool

DEBUG = env_bool("DEBUG", True)
GRAPHIQL_ENABLED = True
ALLOWED_HOSTS = ["*"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
