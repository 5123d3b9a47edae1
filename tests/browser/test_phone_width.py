"""No portal page scrolls sideways on a 375 px phone: every page an owner can reach, and the public ones logged out.

The pages come from the URL patterns and the Wagtail page tree (routable sub-pages included); a pattern's
parameters are filled with the demo's own records, and only HTML pages that answer 200 are measured."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.admindocs.views import extract_views_from_urlpatterns, simplify_regex
from django.core.management import call_command
from django.urls import get_resolver
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 375
VIEWPORT = {"width": WIDTH, "height": 740}
OWNER, CHAIR = "13900000001", "13900000201"
NOT_PORTAL = ("/django-admin/", "/admin/", "/documents/", "/_allauth/", "/graphql/")
PLACEHOLDER = re.compile(r"<(?:\w+:)?(\w+)>")
# The query strings a page needs before it shows its form: the verify steps work on a picked unit.
QUERIES = {"/verify/": ["?community=<community>", "?community=<community>&building=<building_id>"],
           "/verify/code/": ["?unit=<unit_id>"], "/verify/co-owner/": ["?unit=<unit_id>"],
           "/verify/tenant/": ["?unit=<unit_id>"], "/verify/correction/": ["?unit=<unit_id>"],
           "/search/": ["?q=维修基金"]}
OWNER_MUST = ["/demo/", "/demo/water-2026-12/", "/votes/", "/votes/joint/new/", "/verify/?community=demo",
              "/verify/co-owner/?unit=", "/verify/tenant/?unit=", "/verify/correction/?unit=", "/verify/code/?unit=",
              "/office/inbox/", "/search/?q=", "/qa/", "/cases/submit/", "/surveys/", "/elections/", "/knowledge/",
              "/legal-aid/", "/demo/archive/", "/accounts/password/change/"]
PUBLIC_MUST = ["/", "/demo/", "/accounts/login/", "/accounts/signup/", "/knowledge/", "/qa/"]


def demo_records():
    """The ids each URL parameter takes on the demo data, plus a survey and an election round to open."""
    from governance.decisions.models import JointMotion, Motion
    from governance.elections.models import ElectionRound
    from governance.office.models import Delivery
    from governance.registry.models import Community, Unit
    from governance.surveys import services as surveys
    from governance.surveys.models import Survey
    from home.models import ArchiveDocument, BulletinItem, BylawKind
    from knowledge.cases.models import CaseSubmission
    from knowledge.experts.models import ExpertProfile
    from knowledge.qa.models import Question
    from portal.accounts.models import User
    from tests.elections.factories import registering_round

    demo = Community.objects.get(code="demo")
    chair = User.objects.get(username=CHAIR)
    now = timezone.now()
    surveys.survey_open(survey=surveys.survey_create(
        community=demo, actor=chair, publisher_kind="committee", title="物业服务满意度调查",
        questions=[{"kind": "single", "text": "您对物业服务总体是否满意？", "options": ["满意", "一般", "不满意"]},
                   {"kind": "text", "text": "其他意见和建议", "required": False}],
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=7)), actor=chair)
    registering_round(demo, chair)

    def pks(queryset, n=2):
        return [str(pk) for pk in queryset.order_by("pk").values_list("pk", flat=True)[:n]]

    return {
        "motion_id": pks(Motion.objects.filter(community=demo)),
        "joint_id": pks(JointMotion.objects.all()),
        "round_id": pks(ElectionRound.objects.filter(term__community=demo)),
        "survey_id": pks(Survey.objects.filter(community=demo)),
        "message_id": [str(pk) for pk in Delivery.objects.filter(recipient__username=OWNER, channel="insite")
                       .order_by("pk").values_list("message_id", flat=True)[:1]],
        "submission_id": pks(CaseSubmission.objects.all()),
        "question_id": pks(Question.objects.all()),
        "expert_id": pks(ExpertProfile.objects.all()),
        "community": [demo.code],
        "building_id": pks(demo.buildings.all(), 1),
        "unit_id": pks(Unit.objects.filter(community=demo).exclude(ownerships__person__user__username=OWNER), 1),
        "document_id": pks(ArchiveDocument.objects.filter(community=demo), 1),
        "item_id": pks(BulletinItem.objects.filter(community=demo), 1),
        "kind": [BylawKind.values[0]],
    }


def expand(route: str, records: dict) -> list[str]:
    """A route with its <placeholders> filled from the records; none when a parameter has no record."""
    paths = [route]
    for match in PLACEHOLDER.finditer(route):
        values = records.get(match.group(1)) or []
        paths = [p.replace(match.group(0), value, 1) for p in paths for value in values]
    return paths


def portal_paths(records: dict) -> list[str]:
    """Every GET-able portal path: the URL patterns outside the admin, then each live page and its sub-pages."""
    from wagtail.contrib.routable_page.models import RoutablePageMixin
    from wagtail.models import Page

    paths = []
    for _view, regex, _namespace, _name in extract_views_from_urlpatterns(get_resolver().url_patterns):
        route = simplify_regex(regex)
        if route.startswith(NOT_PORTAL) or route.endswith((".pdf", ".xlsx")):
            continue
        paths += expand(route, records)
        paths += [p for query in QUERIES.get(route, []) for p in expand(route + query, records)]
    for page in Page.objects.live().specific().order_by("path"):
        url = page.get_url()
        if not url:
            continue
        base = urlsplit(url).path
        paths.append(base)
        if isinstance(page, RoutablePageMixin):
            for pattern in page.get_subpage_urls():
                route = simplify_regex(str(pattern.pattern))
                if not route.rstrip("/").endswith("file"):
                    paths += [base.rstrip("/") + p for p in expand(route, records)]
    return list(dict.fromkeys(paths))


def too_wide(page, base: str, paths: list[str]) -> tuple[dict, set]:
    """Visit each path that answers with its own HTML page (no error, no redirect elsewhere);
    return {path: scrollWidth} for those wider than the screen, and the paths measured."""
    offenders, measured = {}, set()
    for path in paths:
        probe = page.request.get(f"{base}{path}")  # with the page's cookies
        if (probe.status != 200 or "text/html" not in probe.headers.get("content-type", "")
                or urlsplit(probe.url).path != urlsplit(path).path):
            continue
        page.goto(f"{base}{path}")
        measured.add(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            offenders[path] = width
    return offenders, measured


def test_no_portal_page_scrolls_sideways_at_375px(live_server, browser):
    call_command("seed_demo", verbosity=0)
    paths = portal_paths(demo_records())
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        public_offenders, public_measured = too_wide(page, live_server.url, paths)

        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_test_id("login-phone").fill(OWNER)
        page.get_by_test_id("login-password").fill("demo1234")
        page.get_by_test_id("login-submit").click()
        page.wait_for_url(re.compile(r".*/$"))
        owner_paths = [p for p in paths if not p.startswith("/accounts/logout")] + ["/accounts/logout/"]
        owner_offenders, owner_measured = too_wide(page, live_server.url, owner_paths)
    finally:
        context.close()

    missing = {"owner": [p for p in OWNER_MUST if not any(m.startswith(p) for m in owner_measured)],
               "logged out": [p for p in PUBLIC_MUST if p not in public_measured]}
    assert missing == {"owner": [], "logged out": []}, "these portal pages were never measured"
    assert len(owner_measured) >= 40, sorted(owner_measured)
    assert {"logged out": public_offenders, "owner": owner_offenders} == {"logged out": {}, "owner": {}}, \
        sorted(owner_measured)
