"""The site's URLs plus two that fail on purpose, for the error-page stories."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from portal.urls import urlpatterns as site_urlpatterns


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a failure for the 500 page")


urlpatterns = [path("_test/forbidden/", forbidden), path("_test/broken/", broken), *site_urlpatterns]
