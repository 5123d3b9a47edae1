"""The public search page (/search/?q=) and its autocomplete endpoint (/search/autocomplete/?q=): knowledge
articles, documents and the questions of 业委会问答."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from knowledge.models import Kind, Tier
from search.query import clean_query

from .selectors import SECTION_CHOICES, SearchFilters, autocomplete_knowledge, hit_for, search_site

PER_PAGE = 10


@require_GET
def search(request):
    q = clean_query(request.GET.get("q"))
    filters = SearchFilters.from_params(request.GET)
    results = search_site(q, filters)
    page_obj = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
    hits = [hit_for(obj, q, request=request) for obj in page_obj.object_list]
    return render(
        request,
        "search/search.html",
        {
            "q": q,
            "filters": filters,
            "page_obj": page_obj,
            "hits": hits,
            "total": page_obj.paginator.count,
            "searched": bool(q or filters.any),
            "section_choices": SECTION_CHOICES,
            "tier_choices": Tier.choices,
            "kind_choices": Kind.choices,
        },
    )


@require_GET
def autocomplete(request):
    q = clean_query(request.GET.get("q"))
    return JsonResponse({"query": q, "results": autocomplete_knowledge(q, request=request)})
