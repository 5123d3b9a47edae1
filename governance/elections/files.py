"""The private files of elections, served in the admin only after a permission check (never a /media/ address).

* A ballot's paper scan and handwritten e-signature (`elections_round:scan` / `elections_round:signature`).
* A candidate's (or preparatory-group applicant's) application signature (`elections_candidate:signature`).

All of them go to the staff who may see the election's details in its community
(`permissions.can_view_election_files`); another community's round, ballot or candidate is a 404.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import View

from governance.registry.private_files import file_response
from governance.registry.admin_scoping import READ_ACTIONS, ScopedViewMixin

from . import permissions
from .models import Candidate, ElectionBallot, ElectionRound


class BallotFileView(ScopedViewMixin, View):
    """A ballot's `scan` or `signature` (set by the URL) of a round in the user's scope."""

    model = ElectionRound
    field = "scan"
    http_method_names = ("get",)

    def get(self, request, pk, ballot_id):
        election = get_object_or_404(self.scoped_queryset(READ_ACTIONS).select_related("community"), pk=pk)
        ballot = get_object_or_404(ElectionBallot, round=election, pk=ballot_id)
        if not permissions.can_view_election_files(request.user, election):
            raise Http404
        return file_response(getattr(ballot, self.field))


class CandidateSignatureView(ScopedViewMixin, View):
    """The handwritten signature a candidate registered with."""

    model = Candidate
    http_method_names = ("get",)

    def get(self, request, pk):
        candidate = get_object_or_404(self.scoped_queryset(READ_ACTIONS).select_related("round__community"), pk=pk)
        if not permissions.can_view_election_files(request.user, candidate.round):
            raise Http404
        return file_response(candidate.signature)
