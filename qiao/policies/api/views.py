from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from qiao.core.api.base import ScopedViewSet
from qiao.people.models import Person

from .. import services
from ..filtersets import PolicyFilterSet
from ..views import policies
from .serializers import BenefitQuerySerializer, EligibilitySerializer, PolicySerializer


class PolicyViewSet(ScopedViewSet):
    """Policies with their benefits and eligibility rules. Every signed-in user reads every policy
    (they are public documents); staff of the owning unit or a unit above it create and change them,
    managers delete them. `benefits` replaces the policy's benefits when given. `?q=` searches the
    title, issuer, document number, summary and benefit names; `?in_force_on=` a date."""

    queryset = policies.prefetch_related("benefits", "benefits__kind")
    serializer_class = PolicySerializer
    filterset_class = PolicyFilterSet
    save_service = staticmethod(services.save_policy)


class PersonBenefitsView(APIView):
    """The benefits of policies in force on a date, with this person's verdict: `eligible`,
    `status` (yes / nearly / no), the `reasons` condition by condition, and what is `missing` for
    those nearly eligible. Eligible first, then nearly eligible, then the others."""

    @extend_schema(
        operation_id="people_benefits",
        tags=["people"],
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The person."),
            OpenApiParameter("on", OpenApiTypes.DATE, description="The date of application (default today)."),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=["yes", "nearly", "no"],
                many=True,
                explode=True,
                description="Only these statuses.",
            ),
        ],
        responses=EligibilitySerializer(many=True),
    )
    def get(self, request, id):  # noqa: A002 - the path parameter is {id}, as every other resource's
        person = get_object_or_404(Person.objects.restrict(request.user, "view"), pk=id)
        data = {}
        if "on" in request.query_params:
            data["on"] = request.query_params["on"]
        if request.query_params.getlist("status"):
            data["status"] = request.query_params.getlist("status")
        query = BenefitQuerySerializer(data=data)
        query.is_valid(raise_exception=True)
        found = services.benefits_for(person, on=query.validated_data.get("on"), user=request.user)
        wanted = query.validated_data.get("status")
        if wanted:
            found = [item for item in found if item.status in wanted]
        return Response(EligibilitySerializer(services.attach(found), many=True).data)
