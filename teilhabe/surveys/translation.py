"""Translatable survey texts (one column per language in MODELTRANSLATION_LANGUAGES)."""

from modeltranslation.translator import TranslationOptions, register

from . import models


@register(models.Survey)
class SurveyTranslation(TranslationOptions):
    fields = ("title", "introduction", "thank_you_text")


@register(models.Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "help_text")


@register(models.Option)
class OptionTranslation(TranslationOptions):
    fields = ("label",)


@register(models.MatrixRow)
class MatrixRowTranslation(TranslationOptions):
    fields = ("text",)


@register(models.Barometer)
class BarometerTranslation(TranslationOptions):
    fields = ("title", "description")


@register(models.IndexDomain)
class IndexDomainTranslation(TranslationOptions):
    fields = ("title",)


@register(models.IndexItem)
class IndexItemTranslation(TranslationOptions):
    fields = ("title",)
