from modeltranslation.translator import TranslationOptions, register

from .models import Authority


@register(Authority)
class AuthorityTranslation(TranslationOptions):
    fields = ("name",)
