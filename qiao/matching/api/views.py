"""The matching API: demands (with their ranked candidates), matches, plans, the taxonomy, and a
person's opportunities. Writes go through services.py, like the pages."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from qiao.core import lists
from qiao.core.api.base import ScopedViewSet, searchable
from qiao.people.models import Person

from .. import engine, services
from ..filtersets import DemandFilterSet, MatchFilterSet, PlanFilterSet
from ..models import Demand, Field, Match, Plan
from .serializers import (
    CandidateSerializer,
    DemandSerializer,
    FieldSerializer,
    MatchSerializer,
    OpportunitySerializer,
    PlanSerializer,
    TalentProfileSerializer,
)

PAGING = [
    OpenApiParameter("limit", int, description="How many (default 20, at most 100)."),
    OpenApiParameter("offset", int, description="How many to skip (default 0)."),
]


def _paging(request) -> tuple[int, int]:
    def number(name, default, high):
        value = request.query_params.get(name, "")
        if value == "":
            return default
        if not value.isdigit():
            raise ApiValidationError({name: _("A whole number is expected.")})
        return min(int(value), high)

    return max(number("limit", 20, 100), 1), number("offset", 0, 10_000)


def _reasons(reasons) -> list[dict]:
    return [{"code": r.code, "ok": r.ok, "text": str(r), "points": round(r.points, 2)} for r in reasons]


class FieldViewSet(viewsets.ModelViewSet):
    """The taxonomy of fields and industries (a tree: `parent`), with synonyms in any script. Every
    user reads it; administrators of the whole network change it."""

    queryset = Field.objects.all()
    serializer_class = FieldSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not lists.may_edit(request.user):
            raise ApiPermissionDenied("Only administrators of the whole network edit the taxonomy.")


@searchable
class DemandViewSet(ScopedViewSet):
    """Demands of organisations: jobs, internships, technology needs, research cooperation, expert
    consultations, project partnerships. `candidates` ranks the people who fit, with reasons."""

    queryset = Demand.objects.select_related("organization").prefetch_related("fields")
    serializer_class = DemandSerializer
    filterset_class = DemandFilterSet
    save_service = staticmethod(services.save_demand)

    @extend_schema(parameters=PAGING, responses=CandidateSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def candidates(self, request, pk=None):
        """The people you may see who fit this demand best, with the score and the reasons. Hard
        conditions (consent to be contacted, availability, a required degree) are applied. A demand
        with nothing to match on answers 422 with what it lacks."""
        demand = self.get_object()
        gaps = engine.demand_gaps(demand)
        if gaps:
            return Response({"detail": gaps}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        if not services.is_live(demand):
            return Response([])
        limit, offset = _paging(request)
        ranked = engine.candidates(demand, request.user, limit=limit, offset=offset)
        people = Person.objects.restrict(request.user).in_bulk([r.pk for r in ranked])
        followed = dict(Match.objects.filter(demand=demand).values_list("person_id", "stage"))
        rows = [
            {
                "person": people[r.pk],
                "score": round(r.score, 2),
                "reasons": _reasons(r.reasons),
                "stage": followed.get(r.pk, ""),
            }
            for r in ranked
            if r.pk in people
        ]
        return Response(CandidateSerializer(rows, many=True).data)


class MatchViewSet(ScopedViewSet):
    """People followed for demands. POST proposes a person for a demand (with the engine's score and
    reasons kept); PATCH `stage` (with an optional `note`) moves the match: proposed → contacted →
    interviewing → agreed, or declined from any stage; a declined match may be reopened."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = Match.objects.select_related("demand", "person").prefetch_related("steps", "steps__by")
    serializer_class = MatchSerializer
    filterset_class = MatchFilterSet

    def perform_create(self, serializer):
        data = serializer.validated_data
        ranked = engine.rank_one(data["demand"], data["person"])
        serializer.instance = services.propose(
            self.request.user,
            data["demand"],
            data["person"],
            score=ranked.score if ranked else None,
            reasons=[r.as_dict() for r in ranked.reasons] if ranked else [],
            note=data.get("note", ""),
        )

    def perform_update(self, serializer):
        data = serializer.validated_data
        stage = data.get("stage")
        if not stage or stage == serializer.instance.stage:
            raise ApiValidationError({"stage": _("Give the stage to move the match to.")})
        serializer.instance = services.move(self.request.user, serializer.instance, stage, note=data.get("note", ""))


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Plans (一人一策): one per person. POST /api/people/{id}/plan/ starts one; PATCH changes the
    status, goal, responsible staff, chosen matches and benefits."""

    http_method_names = ["get", "patch", "head", "options"]
    queryset = Plan.objects.select_related("person").prefetch_related("tasks", "matches", "benefits")
    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, "view")

    def perform_update(self, serializer):
        data = serializer.validated_data
        plan = serializer.instance
        if "person" in data and data["person"] != plan.person:
            raise ApiValidationError({"person": _("A plan stays with its person.")})
        for name in ("status", "goal", "responsible"):
            if name in data:
                setattr(plan, name, data[name])
        serializer.instance = services.save_plan(
            self.request.user, plan, matches=data.get("matches"), benefits=data.get("benefits")
        )


class PersonOpportunitiesView(APIView):
    """The open demands you may see that fit this person best, with the score and the reasons. A
    person whose profile says too little answers 422 with what is missing."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=PAGING, responses=OpportunitySerializer(many=True))
    def get(self, request, pk):
        person = get_object_or_404(Person.objects.restrict(request.user), pk=pk)
        gaps = engine.profile_gaps(person)
        if gaps:
            return Response({"detail": gaps}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        limit, _offset = _paging(request)
        ranked = engine.opportunities(person, request.user, limit=limit)
        found = Demand.objects.restrict(request.user).select_related("organization").in_bulk([r.pk for r in ranked])
        rows = [
            {"demand": found[r.pk], "score": round(r.score, 2), "reasons": _reasons(r.reasons)}
            for r in ranked
            if r.pk in found
        ]
        return Response(OpportunitySerializer(rows, many=True).data)


class PersonTalentView(APIView):
    """A person's talent profile: GET reads it, PUT/PATCH writes it (needs the right to change the
    person)."""

    permission_classes = [IsAuthenticated]

    def person(self, request, action="view"):
        return get_object_or_404(Person.objects.restrict(request.user, action), pk=self.kwargs["pk"])

    @extend_schema(responses=TalentProfileSerializer)
    def get(self, request, pk):
        return Response(TalentProfileSerializer(services.profile_of(self.person(request))).data)

    @extend_schema(request=TalentProfileSerializer, responses=TalentProfileSerializer)
    def put(self, request, pk, partial=False):
        person = self.person(request)
        if not Person.objects.restrict(request.user, "change").filter(pk=person.pk).exists():
            raise ApiPermissionDenied("You may not change this person.")
        profile = services.profile_of(person)
        serializer = TalentProfileSerializer(profile, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        fields = data.pop("fields", None)
        for key, value in data.items():
            setattr(profile, key, value)
        services.save_profile(request.user, profile, fields=fields)
        return Response(TalentProfileSerializer(profile).data)

    @extend_schema(request=TalentProfileSerializer, responses=TalentProfileSerializer)
    def patch(self, request, pk):
        return self.put(request, pk, partial=True)


class PersonPlanView(APIView):
    """The person's plan (一人一策): GET reads it (404 when there is none), POST starts it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PlanSerializer)
    def get(self, request, pk):
        person = get_object_or_404(Person.objects.restrict(request.user), pk=pk)
        plan = services.plan_for(request.user, person)
        if plan is None:
            raise NotFound("This person has no plan yet.")
        return Response(PlanSerializer(plan, context={"request": request}).data)

    @extend_schema(request=None, responses={200: PlanSerializer, 201: PlanSerializer})
    def post(self, request, pk):
        """Start the person's plan (201), or answer the plan they already have (200)."""
        person = get_object_or_404(Person.objects.restrict(request.user), pk=pk)
        existed = services.plan_for(request.user, person) is not None
        plan = services.plan_for(request.user, person, create=True)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(PlanSerializer(plan, context={"request": request}).data, status=code)
