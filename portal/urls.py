from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal.graphql_view import graphql_view

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("graphql/", graphql_view, name="graphql"),
    path("verify/", include("governance.registry.urls")),
    path("votes/", include("governance.decisions.urls")),
    path("elections/", include("governance.elections.urls")),
    path("surveys/", include("governance.surveys.urls")),
    path("office/", include("governance.office.urls")),
    path("search/", include("knowledge.search.urls")),
    path("qa/", include("knowledge.qa.urls")),
    path("experts/", include("knowledge.experts.urls")),
    path("cases/", include("knowledge.cases.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
