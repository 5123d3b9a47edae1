"""Production: every secret comes from the environment, nothing insecure is defaulted."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env, env_bool

_secret = env("SECRET_KEY")
if not _secret or _secret.startswith("dev-insecure") or len(_secret) < 50 or len(set(_secret)) < 5:
    raise ImproperlyConfigured(
        "生产环境必须通过环境变量 SECRET_KEY 提供至少 50 个字符的随机密钥 "
        "(SECRET_KEY must be set to a random value of at least 50 characters)."
    )
SECRET_KEY = _secret
DEBUG = False
GRAPHIQL_ENABLED = False
IS_PRODUCTION = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views override this with SAMEORIGIN themselves

if env("ANYMAIL_ESP_BACKEND"):
    EMAIL_BACKEND = env("ANYMAIL_ESP_BACKEND")
