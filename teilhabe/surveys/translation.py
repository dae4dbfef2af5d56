"""Translatable survey texts (one column per language in MODELTRANSLATION_LANGUAGES).

What a respondent reads (survey, questions, options, matrix rows) and the barometer's own texts also have
columns for the residents' languages (teilhabe/core/content_languages.py). Options keep one code whatever
language their label is shown in, so answers stay comparable. The climate index (domains, items) is an
analysis shown beside monitoring content and stays German and English.
"""

from modeltranslation.translator import TranslationOptions, register

from teilhabe.core.content_languages import register_in_resident_languages

from . import models


class SurveyTranslation(TranslationOptions):
    fields = ("title", "introduction", "thank_you_text")


class QuestionTranslation(TranslationOptions):
    fields = ("text", "help_text")


class OptionTranslation(TranslationOptions):
    fields = ("label",)


class MatrixRowTranslation(TranslationOptions):
    fields = ("text",)


class BarometerTranslation(TranslationOptions):
    fields = ("title", "description")


register_in_resident_languages(models.Survey, SurveyTranslation)
register_in_resident_languages(models.Question, QuestionTranslation)
register_in_resident_languages(models.Option, OptionTranslation)
register_in_resident_languages(models.MatrixRow, MatrixRowTranslation)
register_in_resident_languages(models.Barometer, BarometerTranslation)


@register(models.IndexDomain)
class IndexDomainTranslation(TranslationOptions):
    fields = ("title",)


@register(models.IndexItem)
class IndexItemTranslation(TranslationOptions):
    fields = ("title",)
