from .base import *  # noqa: F401,F403
from .base import BASE_DIR, HUEY, STATIC_ROOT, env

SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "huey_class": "huey.MemoryHuey", "immediate": True}
HUEY.pop("filename", None)
HUEY.pop("url", None)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "portal.accounts.sms.MemorySMSSender"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database", "SEARCH_CONFIG": "simple"}}
if env("DATABASE_URL") is None:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:", "TEST": {"NAME": None}}}
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  whitenoise warns when its root is missing
OFFICE_WECHAT_CLIENT = "governance.office.channels.MemoryWeChatClient"
