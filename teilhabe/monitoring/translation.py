"""Translatable content fields (one column per language in MODELTRANSLATION_LANGUAGES)."""

from modeltranslation.translator import TranslationOptions, register

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
