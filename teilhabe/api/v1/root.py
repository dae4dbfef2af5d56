"""The API root: every resource of v1 with its address."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, renderer_classes
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

RESOURCES = {
    "editions": "api:edition_list",
    "areas": "api:area_list",
    "sub_goals": "api:subgoal_list",
    "indicators": "api:indicator_list",
    "targets": "api:target_list",
    "observations": "api:observation_list",
    "assessments": "api:assessment_list",
    "measures": "api:measure_list",
    "corrections": "api:correction_list",
    "procedures": "api:procedure_list",
    "events": "api:event_list",
    "contributions": "api:contribution_list",
    "structure_vs_climate": "api:structure_vs_climate_list",
    "climate_index": "api:climate_index_list",
    "data_package": "api:datapackage_download",
    "workbook": "api:workbook_download",
    "schema": "api:schema",
    "docs": "api:docs",
}

RootOutput = inline_serializer(name="ApiRoot", fields={name: serializers.URLField() for name in RESOURCES})


@extend_schema(responses=RootOutput)
@api_view(["GET"])
@renderer_classes([JSONRenderer])
def api_root(request: Request) -> Response:
    """Addresses of every resource of API v1, the data package and the schema."""
    return Response({name: reverse(route, request=request) for name, route in RESOURCES.items()})
