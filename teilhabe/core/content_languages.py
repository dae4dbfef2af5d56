"""Participation and survey texts in the residents' languages (docs/translations.md).

django-modeltranslation gives every translated field one column per language of
`MODELTRANSLATION_LANGUAGES`, which stays ("de", "en") for the whole project (monitoring content, accounts).
The texts residents read when they take part — procedures, phases, events, surveys, questions, options — get
five more columns (`title_ar`, `title_fa`, `title_tr`, `title_uk`, `title_ru`): their translation options are
registered with the residents' languages added, and their fields read through a descriptor that prefers the
column of the page's language and otherwise falls back as modeltranslation does (German, then English).
`teilhabe.core.templatetags.languages.lang_attr` then marks a fallback with its real language.

Adding a language here adds columns: run `teilhabe makemigrations participation surveys` afterwards.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import Model
from django.utils.translation import get_language
from modeltranslation import settings as mt_settings
from modeltranslation.fields import NONE, TranslationFieldDescriptor
from modeltranslation.translator import TranslationOptions, translator

# The interface languages beyond German and English whose speakers the participation procedure addresses.
RESIDENT_CONTENT_LANGUAGES = ("ar", "fa", "tr", "uk", "ru")


class ResidentLanguageDescriptor(TranslationFieldDescriptor):
    """Reads `<field>_<page language>` when the page speaks a residents' language and that column has text;
    otherwise behaves as modeltranslation's descriptor (which maps those languages to German, then English).
    Writing through the plain field name still writes the German (or English) column."""

    def __get__(self, instance, owner):
        if instance is None:
            return self
        language = (get_language() or "").split("-")[0]
        if language in RESIDENT_CONTENT_LANGUAGES:
            value = getattr(instance, f"{self.field.name}_{language}", None)
            undefined = self.field.get_default() if self.fallback_undefined is NONE else self.fallback_undefined
            if value != "" and self.meaningful_value(value, undefined):
                return value
        return super().__get__(instance, owner)


@contextmanager
def _with_resident_languages() -> Iterator[None]:
    # modeltranslation creates the columns while registering, for the languages it knows at that moment.
    saved = mt_settings.AVAILABLE_LANGUAGES
    mt_settings.AVAILABLE_LANGUAGES = [*saved, *(code for code in RESIDENT_CONTENT_LANGUAGES if code not in saved)]
    try:
        yield
    finally:
        mt_settings.AVAILABLE_LANGUAGES = saved


def register_in_resident_languages(model: type[Model], options: type[TranslationOptions]) -> None:
    """translator.register(model, options), with columns for the residents' languages as well."""
    with _with_resident_languages():
        translator.register(model, options)
    for field_name in options.fields:
        plain = model.__dict__[field_name]
        setattr(
            model,
            field_name,
            ResidentLanguageDescriptor(
                plain.field,
                fallback_languages=plain.fallback_languages,
                fallback_value=plain.fallback_value,
                fallback_undefined=plain.fallback_undefined,
            ),
        )


CONTENT_LANGUAGE_ORDER = (*mt_settings.AVAILABLE_LANGUAGES, *RESIDENT_CONTENT_LANGUAGES)


class ResidentLanguagesAdminMixin:
    """For the admin (and inlines) of a model registered with `register_in_resident_languages`: a field named
    in `fields` or `fieldsets` becomes one input per column the model has, the residents' languages included
    (modeltranslation itself expands it to the project-wide languages only)."""

    def replace_orig_field(self, option):
        if not option:
            return option
        translated = self.trans_opts.all_fields
        replaced = []
        for name in option:
            if isinstance(name, str) and name in translated:
                columns = sorted(translated[name], key=lambda column: CONTENT_LANGUAGE_ORDER.index(column.language))
                replaced.extend(column.name for column in columns)
            elif isinstance(name, (tuple, list)) and any(part in translated for part in name):
                replaced.extend(self.replace_orig_field(name))  # grouped fields are flattened, as modeltranslation does
            else:
                replaced.append(name)
        return replaced
