"""Translatable content fields of participation (one column per language in MODELTRANSLATION_LANGUAGES).

Procedures, phases and events are what residents read before they take part: they have columns for the
residents' languages too (teilhabe/core/content_languages.py). Contributions are not translated: their
text stays in the language it was written in.
"""

from modeltranslation.translator import TranslationOptions, register, translator

from teilhabe.core.content_languages import register_in_resident_languages

from . import models


class ProcedureTranslation(TranslationOptions):
    fields = ("title", "description")


class PhaseTranslation(TranslationOptions):
    fields = ("title", "description")


class EventTranslation(TranslationOptions):
    fields = ("title", "summary")


register_in_resident_languages(models.Procedure, ProcedureTranslation)
register_in_resident_languages(models.Phase, PhaseTranslation)
register_in_resident_languages(models.Event, EventTranslation)


@register(models.StakeholderGroup)
class StakeholderGroupTranslation(TranslationOptions):
    fields = ("name", "description")


@register(models.Bundle)
class BundleTranslation(TranslationOptions):
    fields = ("title", "summary")


# The public justification of an evaluation can be written in German and in English.
@register(models.Evaluation)
class EvaluationTranslation(TranslationOptions):
    fields = ("justification",)


# As in monitoring/translation.py: the history models need the translated columns registered too.
def _history_translation(model) -> type[TranslationOptions]:
    return type(
        f"Historical{model.__name__}Translation",
        (TranslationOptions,),
        {"fields": tuple(translator.get_options_for_model(model).fields)},
    )


register_in_resident_languages(models.Event.history.model, _history_translation(models.Event))
for _model in (models.Bundle, models.Evaluation):
    translator.register(_model.history.model, _history_translation(_model))
