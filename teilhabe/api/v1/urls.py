"""Every endpoint of API v1 is listed here (route names live in the "api" namespace)."""

from django.urls import path, register_converter
from rest_framework.urlpatterns import format_suffix_patterns

from . import (
    areas,
    assessments,
    corrections,
    downloads,
    editions,
    indicators,
    measures,
    observation_upload,
    observations,
    participation,
    root,
    sub_goals,
    surveys,
    targets,
)


class CodeConverter:
    """A code in a path: anything but a slash or control characters (which no code contains)."""

    regex = r"[^/\x00-\x1f\x7f]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class IdConverter:
    """A database id: at most 18 digits, so that it always fits the 64-bit id column."""

    regex = r"[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(CodeConverter, "code")
register_converter(IdConverter, "id")

urlpatterns = [
    path("", root.api_root, name="root"),
    path("editions/", editions.EditionList.as_view(), name="edition_list"),
    path("editions/<code:code>/", editions.EditionDetail.as_view(), name="edition_detail"),
    path("areas/", areas.AreaList.as_view(), name="area_list"),
    path("areas/<id:pk>/", areas.AreaDetail.as_view(), name="area_detail"),
    path("sub-goals/", sub_goals.SubGoalList.as_view(), name="subgoal_list"),
    path("sub-goals/<id:pk>/", sub_goals.SubGoalDetail.as_view(), name="subgoal_detail"),
    path("indicators/", indicators.IndicatorList.as_view(), name="indicator_list"),
    path("indicators/<code:code>/", indicators.IndicatorDetail.as_view(), name="indicator_detail"),
    path("targets/", targets.TargetList.as_view(), name="target_list"),
    path("targets/<id:pk>/", targets.TargetDetail.as_view(), name="target_detail"),
    path("observations/", observations.ObservationList.as_view(), name="observation_list"),
    path("observations/<id:pk>/", observations.ObservationDetail.as_view(), name="observation_detail"),
    path("observations/upload/", observation_upload.ObservationUpload.as_view(), name="observation_upload"),
    path("assessments/", assessments.AssessmentList.as_view(), name="assessment_list"),
    path("assessments/<id:pk>/", assessments.AssessmentDetail.as_view(), name="assessment_detail"),
    path("measures/", measures.MeasureList.as_view(), name="measure_list"),
    path("measures/<code:code>/", measures.MeasureDetail.as_view(), name="measure_detail"),
    path("corrections/", corrections.CorrectionList.as_view(), name="correction_list"),
    path("procedures/", participation.ProcedureList.as_view(), name="procedure_list"),
    path("procedures/<slug:slug>/", participation.ProcedureDetail.as_view(), name="procedure_detail"),
    path("events/", participation.EventList.as_view(), name="event_list"),
    path("events/<id:pk>/", participation.EventDetail.as_view(), name="event_detail"),
    path("contributions/", participation.ContributionList.as_view(), name="contribution_list"),
    path("contributions/<id:pk>/", participation.ContributionDetail.as_view(), name="contribution_detail"),
    path("structure-vs-climate/", surveys.StructureVsClimateList.as_view(), name="structure_vs_climate_list"),
    path("climate-index/", surveys.ClimateIndexList.as_view(), name="climate_index_list"),
]
urlpatterns = format_suffix_patterns(urlpatterns, allowed=["json", "csv"])
# Downloads carry their format in the name; no suffix variants.
urlpatterns += [
    path("downloads/datapackage.zip", downloads.datapackage, name="datapackage_download"),
    path("downloads/data.xlsx", downloads.workbook, name="workbook_download"),
    path("indicators/<code:code>/opensdg.csv", downloads.indicator_opensdg, name="indicator_opensdg_csv"),
]
