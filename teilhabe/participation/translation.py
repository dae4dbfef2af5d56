"""Translatable content fields of participation (one column per language in MODELTRANSLATION_LANGUAGES).

Contributions are not translated: their text stays in the language it was written in.
"""

from modeltranslation.translator import TranslationOptions, register, translator

from . import models


@register(models.Procedure)
class ProcedureTranslation(TranslationOptions):
    fields = ("title", "description")


@register(models.Phase)
class PhaseTranslation(TranslationOptions):
    fields = ("title", "description")


@register(models.StakeholderGroup)
class StakeholderGroupTranslation(TranslationOptions):
    fields = ("name", "description")


@register(models.Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(models.Bundle)
class BundleTranslation(TranslationOptions):
    fields = ("title", "summary")


# The public justification of an evaluation can be written in German and in English.
@register(models.Evaluation)
class EvaluationTranslation(TranslationOptions):
    fields = ("justification",)


# As in monitoring/translation.py: the history models need the translated columns registered too.
for _model in (models.Event, models.Bundle, models.Evaluation):
    translator.register(
        _model.history.model,
        type(
            f"Historical{_model.__name__}Translation",
            (TranslationOptions,),
            {"fields": tuple(translator.get_options_for_model(_model).fields)},
        ),
    )
