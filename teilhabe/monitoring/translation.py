"""Translatable content fields (one column per language in MODELTRANSLATION_LANGUAGES)."""

from modeltranslation.translator import TranslationOptions, register, translator

from . import models


@register(models.Edition)
class EditionTranslation(TranslationOptions):
    fields = ("title", "description")


@register(models.EditionAttachment)
class EditionAttachmentTranslation(TranslationOptions):
    fields = ("title",)


@register(models.AreaOfAction)
class AreaOfActionTranslation(TranslationOptions):
    fields = ("title", "we_statement", "description")


@register(models.SubGoal)
class SubGoalTranslation(TranslationOptions):
    fields = ("text",)


@register(models.BreakdownDimension)
class BreakdownDimensionTranslation(TranslationOptions):
    fields = ("name",)


@register(models.BreakdownCategory)
class BreakdownCategoryTranslation(TranslationOptions):
    fields = ("name",)


@register(models.Geography)
class GeographyTranslation(TranslationOptions):
    fields = ("name",)


@register(models.IndicatorVersion)
class IndicatorVersionTranslation(TranslationOptions):
    fields = ("title", "definition", "unit", "data_source")


@register(models.Target)
class TargetTranslation(TranslationOptions):
    fields = ("note",)


@register(models.Measure)
class MeasureTranslation(TranslationOptions):
    fields = ("title", "description")


# The history library copies a model's fields when the class is created, before the
# translated columns exist; register the historical models too so revisions keep every language.
for _model in (
    models.Edition,
    models.AreaOfAction,
    models.SubGoal,
    models.IndicatorVersion,
    models.Target,
    models.Measure,
):
    translator.register(
        _model.history.model,
        type(
            f"Historical{_model.__name__}Translation",
            (TranslationOptions,),
            {"fields": tuple(translator.get_options_for_model(_model).fields)},
        ),
    )
