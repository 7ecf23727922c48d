"""Settings shared by every environment. Values that differ come from the environment."""

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from config.env import env_bool, env_int, env_list, env_str, persistent_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(env_str("DEVOLVE_DATA_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "") or persistent_secret_key(DATA_DIR / "secret_key")
DEBUG = env_bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "rules",
    "devolve.core",
    "devolve.accounts",
    "devolve.regions",
    "devolve.matters",
    "devolve.grants",
    "devolve.indicators",
    "devolve.reporting",
    "devolve.selection",
    "devolve.assessments",
    "devolve.performance",
    "devolve.dashboards",
    "devolve.portal",
    "devolve.api",
    "devolve.demo",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "devolve.core.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "devolve" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "devolve.core.context_processors.programme",
            ],
            "builtins": ["devolve.core.templatetags.devolve"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'devolve.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the portal read while a service writes; a short wait beats "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:dashboard_home"
LOGOUT_REDIRECT_URL = "portal:overview"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "devolve" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "devolve" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # ECharts and the design system set element styles from script; no inline <style> blocks.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "devolve.core.api.pagination.StandardPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "devolve.core.api.exceptions.domain_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Devolve API",
    "DESCRIPTION": "Pilot areas, batches, divisions, departments and matters of a list-based "
    "authorization reform. Reads are public; writes need a signed-in user whose scope allows them.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DivisionLevelEnum": "devolve.regions.models.Division.Level",
        "ZoneLevelEnum": "devolve.regions.models.Zone.Level",
        "ZoneKindEnum": "devolve.regions.models.Zone.Kind",
        "MatterKindEnum": "devolve.matters.models.Matter.Kind",
        # The name the committed schema already gave authorization mode codes (keeps the contract).
        "CodeEnum": "devolve.matters.models.AuthorizationMode.Code",
        "AnnualListStatusEnum": "devolve.matters.models.AnnualList.Status",
        "DemandItemStatusEnum": "devolve.matters.models.DemandItem.Status",
        "GrantStatusEnum": "devolve.grants.models.Grant.Status",
        "ObservationImportStatusEnum": "devolve.indicators.models.ObservationImport.Status",
        "EvaluationOutcomeEnum": "devolve.indicators.models.EvaluationRun.Outcome",
        "EvaluationMethodEnum": "devolve.indicators.models.EvaluationRun.Method",
        "SelectionRoundStatusEnum": "devolve.selection.models.SelectionRound.Status",
        "SelectionMethodEnum": "devolve.selection.models.SelectionRound.Method",
        "WeightingEnum": "devolve.selection.models.SelectionRound.Weighting",
        "SelectionDecisionStatusEnum": "devolve.selection.models.Decision.Status",
        "SupportProgressStatusEnum": "devolve.reporting.models.SupportProgress.Status",
        "ReportStatusEnum": "devolve.reporting.models.STATUS_CHOICES",
        "AssessmentRoundStatusEnum": "devolve.assessments.models.AssessmentRound.Status",
        "RecommendationEnum": "devolve.assessments.models.RecommendationChoice",
        "SchemeStatusEnum": "devolve.performance.models.Scheme.Status",
        "PerformanceAssessmentStatusEnum": (
            "devolve.performance.models.PerformanceAssessment.Status"
        ),
        "ScoreItemOutcomeEnum": "devolve.performance.models.ScoreItem.Outcome",
        "AppealStatusEnum": "devolve.performance.models.Appeal.Status",
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Largest list workbook the importer opens, in bytes (default 10 MB; a 20,000-row list is ~2 MB).
DEVOLVE_IMPORT_MAX_BYTES = env_int("DEVOLVE_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)

# Background work (large list imports). Tasks run inline by default (demo, tests); set
# DEVOLVE_TASKS_IMMEDIATE=false in production to queue them in the database for `devolve db_worker`.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if env_bool("DEVOLVE_TASKS_IMMEDIATE", default=True)
        else "django_tasks_db.DatabaseBackend"
    }
}

# Mail is written to the console until an SMTP integration is configured.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}

# The programme this deployment runs; the code is the same for any province's reform.
PROGRAMME_NAME_ZH = env_str("DEVOLVE_PROGRAMME_NAME_ZH", "四川省集成授权改革")
PROGRAMME_NAME_EN = env_str("DEVOLVE_PROGRAMME_NAME_EN", "Sichuan integrated authorization reform")
