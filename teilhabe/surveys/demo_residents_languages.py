"""Arabic and Turkish texts of the illustrative surveys (docs/translations.md), keyed by the German text.

Pure data for the demo: illustrative translations, machine-assisted and written by the project's engineers,
not reviewed by native speakers; the surveys say so in their introduction. They show how a questionnaire
reads in a residents' language; every other text (the areas of action as ranking items, the climate index)
stays in German and is marked as German on the Arabic and Turkish pages.
"""

import re

TEXTS: dict[str, dict[str, str]] = {
    # the online survey
    "Online-Umfrage zum Integrationskonzept (Beispiel)": {
        "ar": "استطلاع إلكتروني حول مفهوم الاندماج (مثال)",
        "tr": "Uyum konsepti hakkında çevrimiçi anket (örnek)",
    },
    "Welche Handlungsfelder sind Ihnen am wichtigsten, wie bewerten Sie die Integrationspolitik der Stadt, "
    "und was sollte sich ändern? Die Umfrage dauert etwa fünf Minuten. Dies ist eine Beispielumfrage.": {
        "ar": "ما مجالات العمل الأهم بالنسبة لكم، وكيف تقيّمون سياسة الاندماج في المدينة، وما الذي ينبغي أن "
        "يتغير؟ يستغرق الاستطلاع نحو خمس دقائق. هذا استطلاع على سبيل المثال، وترجمته العربية توضيحية.",
        "tr": "Sizin için en önemli eylem alanları hangileri, kentin uyum politikasını nasıl değerlendiriyorsunuz "
        "ve neler değişmeli? Anket yaklaşık beş dakika sürer. Bu bir örnek ankettir; Türkçe çevirisi örnek "
        "niteliğindedir.",
    },
    "Ihre Antworten fließen in die Fortschreibung des Integrationskonzepts ein.": {
        "ar": "تُسهم إجاباتكم في تحديث مفهوم الاندماج.",
        "tr": "Yanıtlarınız uyum konseptinin güncellenmesine katkı sağlar.",
    },
    "Welche Handlungsfelder sind Ihnen am wichtigsten?": {
        "ar": "ما مجالات العمل الأهم بالنسبة لكم؟",
        "tr": "Sizin için en önemli eylem alanları hangileri?",
    },
    "Wählen Sie bis zu drei, das wichtigste zuerst.": {
        "ar": "اختاروا حتى ثلاثة، الأهم أولًا.",
        "tr": "En önemlisi başta olmak üzere en fazla üç tane seçin.",
    },
    "Wie bewerten Sie die Integrationspolitik der Stadt insgesamt?": {
        "ar": "كيف تقيّمون سياسة الاندماج في المدينة بشكل عام؟",
        "tr": "Kentin uyum politikasını genel olarak nasıl değerlendiriyorsunuz?",
    },
    "Sehr schlecht": {"ar": "سيئة جدًا", "tr": "Çok kötü"},
    "Eher schlecht": {"ar": "سيئة إلى حد ما", "tr": "Oldukça kötü"},
    "Mittel": {"ar": "متوسط", "tr": "Orta"},
    "Eher gut": {"ar": "جيدة إلى حد ما", "tr": "Oldukça iyi"},
    "Sehr gut": {"ar": "جيدة جدًا", "tr": "Çok iyi"},
    "Weiß nicht": {"ar": "لا أعرف", "tr": "Bilmiyorum"},
    "Haben Sie an einer Veranstaltung des Beteiligungsverfahrens teilgenommen?": {
        "ar": "هل شاركتم في إحدى فعاليات إجراء المشاركة؟",
        "tr": "Katılım sürecinin bir etkinliğine katıldınız mı?",
    },
    "Ja": {"ar": "نعم", "tr": "Evet"},
    "Nein": {"ar": "لا", "tr": "Hayır"},
    "Wie hilfreich war die Veranstaltung für Sie?": {
        "ar": "ما مدى فائدة الفعالية بالنسبة لكم؟",
        "tr": "Etkinlik sizin için ne kadar faydalıydı?",
    },
    "Gar nicht": {"ar": "لا على الإطلاق", "tr": "Hiç"},
    "Wenig": {"ar": "قليلًا", "tr": "Az"},
    "Ziemlich": {"ar": "إلى حد كبير", "tr": "Oldukça"},
    "Sehr": {"ar": "كثيرًا", "tr": "Çok"},
    "Was sollte sich in der Integrationspolitik ändern?": {
        "ar": "ما الذي ينبغي أن يتغير في سياسة الاندماج؟",
        "tr": "Uyum politikasında neler değişmeli?",
    },
    "Sie können in jeder Sprache schreiben.": {
        "ar": "يمكنكم الكتابة بأي لغة.",
        "tr": "İstediğiniz dilde yazabilirsiniz.",
    },
    # the barometer and its waves
    "Integrationsbarometer (Beispiel)": {"ar": "مقياس الاندماج (مثال)", "tr": "Uyum barometresi (örnek)"},
    "Eine repräsentative Befragung zum Integrationsklima, alle zwei Jahre. Die Zahlen sind erfunden.": {
        "ar": "استطلاع تمثيلي لمناخ الاندماج، كل عامين. الأرقام مختلَقة، والترجمة العربية توضيحية.",
        "tr": "Uyum iklimine ilişkin temsili bir anket, iki yılda bir. Rakamlar uydurmadır; Türkçe çeviri örnek "
        "niteliğindedir.",
    },
    "Wie sehr stimmen Sie den folgenden Aussagen zu?": {
        "ar": "إلى أي مدى توافقون على العبارات التالية؟",
        "tr": "Aşağıdaki ifadelere ne ölçüde katılıyorsunuz?",
    },
    "Stimme überhaupt nicht zu": {"ar": "لا أوافق إطلاقًا", "tr": "Hiç katılmıyorum"},
    "Stimme eher nicht zu": {"ar": "لا أوافق إلى حد ما", "tr": "Pek katılmıyorum"},
    "Teils, teils": {"ar": "بين بين", "tr": "Ne katılıyorum ne katılmıyorum"},
    "Stimme eher zu": {"ar": "أوافق إلى حد ما", "tr": "Katılıyorum"},
    "Stimme voll und ganz zu": {"ar": "أوافق تمامًا", "tr": "Tamamen katılıyorum"},
    "Ich fühle mich in der Stadt zu Hause.": {
        "ar": "أشعر بأنني في بيتي في هذه المدينة.",
        "tr": "Kendimi bu kentte evimde hissediyorum.",
    },
    "Menschen wie ich gehören hier dazu.": {
        "ar": "الناس مثلي ينتمون إلى هنا.",
        "tr": "Benim gibi insanlar buraya aittir.",
    },
    "Ich vertraue der Stadtverwaltung.": {"ar": "أثق بإدارة المدينة.", "tr": "Belediye yönetimine güveniyorum."},
    "Die Schulen behandeln alle Kinder gleich fair.": {
        "ar": "تعامل المدارس جميع الأطفال بالإنصاف نفسه.",
        "tr": "Okullar tüm çocuklara eşit derecede adil davranıyor.",
    },
    "In meiner Nachbarschaft hilft man sich.": {
        "ar": "في حيّي يساعد الناس بعضهم بعضًا.",
        "tr": "Mahallemde insanlar birbirine yardım eder.",
    },
    "Ich wurde im letzten Jahr benachteiligt.": {
        "ar": "تعرضت لمعاملة غير منصفة في العام الماضي.",
        "tr": "Geçen yıl haksızlığa uğradım.",
    },
    "Alle haben die gleichen Chancen auf dem Arbeitsmarkt.": {
        "ar": "الجميع لديهم فرص متساوية في سوق العمل.",
        "tr": "Herkesin iş piyasasında eşit şansı var.",
    },
    "Man findet hier eine bezahlbare Wohnung.": {
        "ar": "يمكن العثور هنا على سكن بسعر معقول.",
        "tr": "Burada uygun fiyatlı bir konut bulunabilir.",
    },
}

_WAVE_TITLE = re.compile(r"Integrationsbarometer (\d{4}) \(Beispiel\)")


def texts_for(german: str) -> dict[str, str]:
    """The Arabic and Turkish versions of a German demo text ({} when there are none)."""
    wave = _WAVE_TITLE.fullmatch(german)
    if wave:
        year = wave.group(1)
        return {"ar": f"مقياس الاندماج {year} (مثال)", "tr": f"Uyum barometresi {year} (örnek)"}
    return TEXTS.get(german, {})
