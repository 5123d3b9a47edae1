"""No id or filter a visitor can type makes the server fail.

Every URL pattern of the project (and the community page's sub-routes) is requested with each
path parameter set to a malformed, negative, zero or out-of-range value, then every view of ours
again with the common query-string filters set to those values; anonymous, as a superuser and
as an ordinary owner. Every GraphQL query and mutation argument of type ID or Int gets the same
values. The answer may be 400, 403, 404 or a redirect, never a 500, an INTERNAL_ERROR or an
exception logged by `portal.graphql`. One run lists every offender.
"""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
)

from home.models import CommunityPage
from home.services import ensure_community_page, ensure_site_root
from tests.decisions.factories import community_with_owners, voting_motion
from tests.factories import UserFactory

OUT_OF_RANGE = str(2**63)
BAD_VALUES = ["abc", "-1", "0", OUT_OF_RANGE, "1" + "0" * 39]

# Query-string names the views read (grep request.GET) plus the common filters.
FILTERS = ["building", "unit", "community", "page", "p", "status", "state", "round", "motion", "id", "type",
           "voted", "q", "download"]

OUR_MODULES = ("governance.", "knowledge.", "home.", "portal.", "search.")

# Framework internals that take no id of ours: Django's admin and static views, allauth's own pages.
SKIPPED_PREFIXES = ("django-admin/", "accounts/", "_allauth/", "static/", "media/")

GRAPHQL_LOGGER = "portal.graphql"


# Wagtail's own views that look a raw `<str:pk>` / revision id up unchecked (upstream, not our code).
WAGTAIL_UPSTREAM = {"wagtaildocs_chooser:chosen", "wagtailimages_chooser:chosen", "wagtailadmin_pages:revisions_revert"}
WAGTAIL_UPSTREAM_PREFIXES = ("wagtailsnippetchoosers_",)
WAGTAIL_UPSTREAM_VIEWS = ("revisions_compare",)


def _patterns(resolver=None, prefix="", namespace=""):
    """(route text, URLPattern, namespaced name) for every pattern, through includes."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry, f"{namespace}{entry.name or ''}"


def _upstream(name: str) -> bool:
    return (name in WAGTAIL_UPSTREAM or name.startswith(WAGTAIL_UPSTREAM_PREFIXES)
            or (name.startswith("wagtailsnippets_") and name.endswith(WAGTAIL_UPSTREAM_VIEWS)))


def _view_module(entry: URLPattern) -> str:
    view = getattr(entry.callback, "view_class", entry.callback)
    return getattr(view, "__module__", "") or ""


ROUTE_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>")


def _fill(route: str, values: dict, default: str) -> str | None:
    """The URL for `route` with its parameters replaced by `values` (else `default`); None when it cannot be built."""
    if "(?P" in route or route.startswith("^") or "^" in route or "$" in route:
        return _fill_regex(route, values, default)
    url = ROUTE_PARAM.sub(lambda m: values.get(m["name"], default), route)
    return "/" + url


def _fill_regex(route: str, values: dict, default: str) -> str | None:
    """Regex routes (few, all Wagtail's): each named group gets its value, then the result must match."""
    names = REGEX_PARAM.findall(route)
    if not names:
        return None
    out, pos = [], 0
    text = route.replace("^", "").replace("$", "")
    while pos < len(text):
        m = REGEX_PARAM.search(text, pos)
        if m is None:
            out.append(text[pos:])
            break
        out.append(text[pos:m.start()])
        depth, i = 1, m.end()
        while depth and i < len(text):
            if text[i] == "\\":
                i += 2
                continue
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        out.append(values.get(m["name"], default))
        pos = i
    url = re.sub(r"\\(.)", r"\1", "".join(out))
    if re.search(r"[()|?*+\[\]]", url):
        return None
    return "/" + url


def _param_names(route: str) -> list[str]:
    return [m["name"] for m in ROUTE_PARAM.finditer(route)] + REGEX_PARAM.findall(route)


@pytest.fixture
def identities():
    community, chair, owners = community_with_owners(2)
    motion = voting_motion(community, chair)
    ensure_site_root()
    page = ensure_community_page(community)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    clients = {"anonymous": Client(raise_request_exception=False)}
    for label, user in (("superuser", superuser), ("owner", owners[0])):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[label] = client
    unit = community.units.first()
    real = {"community": community.code, "building": str(unit.building_id), "unit": str(unit.pk),
            "motion": str(motion.pk), "motion_id": str(motion.pk), "pk": str(motion.pk)}
    return clients, page, real


def _routes(page: CommunityPage):
    """Every walked route as (route text, view module), the community page's sub-routes included."""
    for route, entry, name in _patterns():
        if route.startswith(SKIPPED_PREFIXES) or _upstream(name):
            continue
        yield route, _view_module(entry)
    base = page.url.lstrip("/")
    for entry in CommunityPage.get_subpage_urls():
        yield base + str(entry.pattern), "home.models"


def _failure(label: str, url: str, response) -> str:
    exc = getattr(response, "exc_info", None)
    reason = f"{exc[0].__name__}: {str(exc[1])[:120]}" if exc else ""
    return f"{label} GET {url} -> {response.status_code} {reason}"


@pytest.mark.django_db
def test_no_malformed_or_out_of_range_id_or_filter_answers_500(identities):
    clients, page, real = identities
    failures: list[str] = []
    seen: set[tuple[str, str]] = set()

    def probe(url: str, labels) -> None:
        for label in labels:
            if (label, url) in seen:
                continue
            seen.add((label, url))
            response = clients[label].get(url)
            if response.status_code >= 500:
                failures.append(_failure(label, url, response))

    for route, module in _routes(page):
        ours = module.startswith(OUR_MODULES)
        admin = route.startswith("admin/")
        names = _param_names(route)
        # Wagtail's access check turns the anonymous visitor and the owner away from /admin/ before any id
        # is read: there they get one out-of-range id each, the superuser every value.
        for bad in BAD_VALUES:
            labels = ["superuser"] if admin and (bad != OUT_OF_RANGE or not ours) else list(clients)
            if names:
                urls = {_fill(route, {}, bad)}
                if len(names) > 1:
                    urls |= {_fill(route, {name: bad}, real.get(name, "1")) for name in names}
                for url in sorted(u for u in urls if u is not None):
                    probe(url, labels)
            # Query-string filters, on our pages and on our admin screens that take no id in the path.
            if ours and not (admin and names):
                base = _fill(route, real, "1")
                queries = [{name: bad for name in FILTERS}]
                if not admin:
                    queries.append({**queries[0], "community": real["community"]})
                for query in queries:
                    url = base + "?" + "&".join(f"{k}={v}" for k, v in query.items())
                    probe(url, ["superuser"] if admin else list(clients))

    assert len(seen) > 1000
    assert not failures, f"{len(failures)} of {len(seen)} requests answered 500:\n" + "\n".join(failures)


# --- GraphQL ------------------------------------------------------------------------------------------


def _named(gql_type):
    while isinstance(gql_type, (GraphQLNonNull, GraphQLList)):
        gql_type = gql_type.of_type
    return gql_type


def _filler(gql_type, depth=0):
    """A well-formed GraphQL literal for an argument that is not under test."""
    if isinstance(gql_type, GraphQLNonNull):
        return _filler(gql_type.of_type, depth)
    if isinstance(gql_type, GraphQLList):
        return f"[{_filler(gql_type.of_type, depth)}]"
    if isinstance(gql_type, GraphQLEnumType):
        return next(iter(gql_type.values))
    if isinstance(gql_type, GraphQLInputObjectType):
        fields = [f"{name}: {_filler(field.type, depth + 1)}" for name, field in gql_type.fields.items()
                  if isinstance(field.type, GraphQLNonNull)]
        return "{" + ", ".join(fields) + "}"
    return {"ID": '"1"', "Int": "1", "Float": "1.0", "Boolean": "false"}.get(gql_type.name, '"x"')


def _literal(gql_type, bad: str) -> str:
    """The bad value as a literal of this ID/Int argument (a list gets it as its one element)."""
    if isinstance(gql_type, GraphQLNonNull):
        return _literal(gql_type.of_type, bad)
    if isinstance(gql_type, GraphQLList):
        return f"[{_literal(gql_type.of_type, bad)}]"
    if gql_type.name == "ID":
        return json.dumps(bad)
    return bad


def _selection(gql_type) -> str:
    return " { __typename }" if isinstance(_named(gql_type), (GraphQLObjectType, GraphQLInterfaceType,
                                                                   GraphQLUnionType)) else ""


def _documents(schema):
    """(label, document) for every ID/Int argument (top level or inside an input object) and bad value."""
    for operation, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        for field_name, field in (root.fields if root else {}).items():
            for arg_name, arg in field.args.items():
                targets = []
                named = _named(arg.type)
                if isinstance(named, GraphQLScalarType) and named.name in ("ID", "Int"):
                    targets.append((arg_name, None))
                elif isinstance(named, GraphQLInputObjectType):
                    targets += [(arg_name, inner) for inner, f in named.fields.items()
                                if isinstance(_named(f.type), GraphQLScalarType) and _named(f.type).name in ("ID", "Int")]
                for target, inner in targets:
                    for bad in BAD_VALUES:
                        if _named(arg.type).name == "Int" or (inner and _named(named.fields[inner].type).name == "Int"):
                            if not bad.lstrip("-").isdigit():
                                continue
                        args = []
                        for name, other in field.args.items():
                            if name != target:
                                if isinstance(other.type, GraphQLNonNull):
                                    args.append(f"{name}: {_filler(other.type)}")
                            elif inner is None:
                                args.append(f"{name}: {_literal(arg.type, bad)}")
                            else:
                                fields = {n: _filler(f.type) for n, f in named.fields.items()
                                          if isinstance(f.type, GraphQLNonNull)}
                                fields[inner] = _literal(named.fields[inner].type, bad)
                                body = "{" + ", ".join(f"{n}: {v}" for n, v in fields.items()) + "}"
                                args.append(f"{name}: {'[' + body + ']' if isinstance(_unwrap_null(arg.type), GraphQLList) else body}")
                        label = f"{operation} {field_name}({target}{'.' + inner if inner else ''}={bad})"
                        is_int = _named(named.fields[inner].type if inner else arg.type).name == "Int"
                        out_of_range = is_int and not -2**31 <= int(bad) < 2**31
                        yield label, f"{operation} {{ {field_name}({', '.join(args)}){_selection(field.type)} }}", \
                            out_of_range


def _unwrap_null(gql_type):
    return gql_type.of_type if isinstance(gql_type, GraphQLNonNull) else gql_type


@pytest.mark.django_db
def test_no_malformed_or_out_of_range_graphql_id_is_an_internal_error(identities, caplog):
    from portal.api import schema

    clients, _page, _real = identities
    failures: list[str] = []
    documents = list(_documents(schema.graphql_schema))
    assert len(documents) > 50
    for label, document, out_of_range in documents:
        for who, client in clients.items():
            caplog.clear()
            with caplog.at_level(logging.ERROR, logger=GRAPHQL_LOGGER):
                response = client.post("/graphql/", json.dumps({"query": document}), content_type="application/json")
            body = response.json() if response.headers.get("Content-Type", "").startswith("application/json") else {}
            codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors", [])]
            logged = [r for r in caplog.records if r.name == GRAPHQL_LOGGER and r.levelno >= logging.ERROR]
            if response.status_code >= 500 or "INTERNAL_ERROR" in codes or logged:
                detail = logged[0].getMessage()[:120] if logged else codes
                failures.append(f"{who} {label} -> {response.status_code} {detail}")
            if out_of_range and (response.status_code != 400 or set(codes) != {"BAD_REQUEST"}):
                failures.append(f"{who} {label}: an Int beyond 32 bits is not a BAD_REQUEST: {response.status_code} {codes}")
            if not out_of_range and "BAD_REQUEST" in codes:
                failures.append(f"{who} {label}: document did not validate: {body['errors'][0]['message'][:120]}")
    assert not failures, f"{len(failures)} GraphQL requests failed inside:\n" + "\n".join(failures)
