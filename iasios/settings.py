"""Settings for the accreditation platform.

Everything that differs between a laptop, CI and production comes from the environment,
read through the small typed helpers below. README.md lists every variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("IASIOS_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# A development key is generated per checkout (never committed); production sets SECRET_KEY.
_dev_key_file = VAR_DIR / "secret_key"


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    if not _dev_key_file.exists():
        import secrets

        _dev_key_file.write_text(secrets.token_urlsafe(50))
    return _dev_key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")


def site_url_from_env(environ: Mapping[str, str]) -> str:
    """The address links point at: SITE_URL, or else where `make run` serves (HOST and PORT)."""
    explicit = environ.get("SITE_URL", "").strip()
    if explicit:
        return explicit.rstrip("/")
    return f"http://{environ.get('HOST') or '127.0.0.1'}:{environ.get('PORT') or '8000'}"


SITE_URL = site_url_from_env(os.environ)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "iasios.core",
    "iasios.accounts",
    "iasios.standards",
    "iasios.facilities",
    "iasios.billing",
    "iasios.applications",
    "iasios.casereview",
    "iasios.assessment",
    "iasios.decisions",
    "iasios.certificates",
    "iasios.cycles",
    "iasios.reports",
    "iasios.registry",
    "iasios.notifications",
    "iasios.api",
    "iasios.site",
    "iasios.sweeps",
    "iasios.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in person's profile language wins over cookie and browser.
    "iasios.accounts.language.UserLanguageMiddleware",
    # The API: the Accept-Language header alone chooses the language of its messages and labels.
    "iasios.api.language.ApiLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "iasios.accounts.middleware.StaffMfaRequiredMiddleware",
    "iasios.site.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "iasios.urls"
WSGI_APPLICATION = "iasios.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "iasios.site.context_processors.navigation",
                "iasios.notifications.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the task worker share one SQLite file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: e-mail is the login, and it must be verified before the account is used.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[IO Accreditation] "
ACCOUNT_FORMS = {"signup": "iasios.accounts.forms.SignupForm"}
ACCOUNT_ADAPTER = "iasios.accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = (
    {}
    if env_bool("DISABLE_RATE_LIMITS")
    else {
        "login_failed": "10/m/ip,5/5m/key",
        # The signature at submission (password or code re-entered): 5 failures in 5 minutes per
        # user (iasios.cycles.services.SIGNATURE_RATE_ACTION).
        "submission_signature_failed": "5/5m/user",
        "signup": "20/m/ip",
        "reset_password": "20/m/ip,5/m/key",
    }
)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "IO Accreditation")
MFA_PASSKEY_LOGIN_ENABLED = False
# Programme staff cannot remove their last authenticator (the MFA rule itself: accounts/middleware.py).
MFA_ADAPTER = "iasios.accounts.adapter.MFAAdapter"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if env_str("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "IO Accreditation <office@accreditation.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en"
# Each language by its own name, as the switcher shows it to someone looking for their language: the names
# are deliberately not run through gettext (a German page lists "Français", not "Französisch").
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("pt", "Português"),
    ("pl", "Polski"),
    ("tr", "Türkçe"),
    ("zh-hans", "简体中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language: pages use only the named formats of these modules.
FORMAT_MODULE_PATH = ["iasios.core.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from npm; the set-up copies their files into var/assets.
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", VAR_DIR / "assets")]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded evidence and stored documents: the local disk, or an S3-compatible object store when a
# bucket is named (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the machine's role).
STORAGE_S3_BUCKET = env_str("STORAGE_S3_BUCKET")
FILE_STORAGE: dict[str, object] = (
    {
        "BACKEND": "iasios.core.storage.ObjectStorage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            "endpoint_url": env_str("STORAGE_S3_ENDPOINT_URL") or None,
            "region_name": env_str("STORAGE_S3_REGION") or None,
            "location": env_str("STORAGE_S3_PREFIX"),
            "default_acl": None,
            "querystring_auth": True,
            # Keys are generated and never reused, so no existence check before each upload.
            "file_overwrite": True,
        },
    }
    if STORAGE_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": FILE_STORAGE,
    "staticfiles": {"BACKEND": env_str("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")},
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)

# One cache shared by every web process on every node (rate limits, cached fragments): Redis when
# REDIS_URL is set, else the database cache (its table made by `manage.py createcachetable`).
CACHE_TABLE = "django_cache"


def caches_from_env(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    redis_url = environ.get("REDIS_URL", "")
    if redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    return {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE}}


CACHES = caches_from_env(os.environ)

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "documents"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and SITE_URL.startswith("https"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

# The public registry's map: a tile server URL template ({z}/{x}/{y}); empty shows no map.
REGISTRY_TILE_URL = env_str("REGISTRY_TILE_URL")
REGISTRY_TILE_ATTRIBUTION = env_str("REGISTRY_TILE_ATTRIBUTION")

# Evidence uploads: the largest file accepted (bytes). Files stream to a temporary file on disk
# in chunks, so memory does not grow with their size.
EVIDENCE_MAX_UPLOAD_BYTES = env_int("EVIDENCE_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)

# The framework shipped with the product; `make setup` loads it.
SHIPPED_FRAMEWORK_FILE = BASE_DIR / "data" / "frameworks" / "io-standards-2026.1.yaml"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
