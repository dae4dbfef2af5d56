"""Texts of the illustrative participation demo: stakeholder groups, events and concerns in several languages.

Pure data, written for the demo: every statement is invented, short and plausible. demo.py combines them
deterministically with a seed. Texts are (German, English) pairs where the interface shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

Text = tuple[str, str]

PROCEDURE_SLUG = "demo-beteiligung"
PROCEDURE_TITLE: Text = (
    "Gemeinsam fortschreiben: Beteiligung zum Integrationskonzept (Demo)",
    "Updating it together: participation on the integration concept (demo)",
)
PROCEDURE_DESCRIPTION: Text = (
    "Illustratives Beteiligungsverfahren: Veranstaltungen mit Gruppen und in allen Bezirken, Gespräche mit "
    "Initiativen und eine Online-Beteiligung. Alle Beiträge werden von den zuständigen Behörden bewertet. "
    "Alle Inhalte sind für die Demonstration erzeugt.",
    "Illustrative participation procedure: events with stakeholder groups and in every district, talks with "
    "initiatives and online participation. The competent authorities evaluate every contribution. All content "
    "is generated for demonstration.",
)

# The procedure's main texts in Arabic and Turkish: illustrative translations (machine-assisted, not reviewed by
# native speakers; the description says so), so the residents' languages show in the demo. Events and
# everything else stay German there, marked as German (docs/translations.md).
PROCEDURE_TITLE_RESIDENTS: dict[str, str] = {
    "ar": "نطوّره معًا: المشاركة في مفهوم الاندماج (عرض توضيحي)",
    "tr": "Birlikte güncelliyoruz: Uyum konseptine katılım (demo)",
}
PROCEDURE_DESCRIPTION_RESIDENTS: dict[str, str] = {
    "ar": "إجراء مشاركة توضيحي: فعاليات مع مجموعات أصحاب المصلحة وفي جميع الأحياء، ولقاءات مع المبادرات، "
    "ومشاركة عبر الإنترنت. تقيّم الجهات المختصة كل مساهمة. كل المحتوى مُنشأ لأغراض العرض، والترجمة العربية "
    "توضيحية.",
    "tr": "Örnek katılım süreci: paydaş gruplarıyla ve tüm semtlerde etkinlikler, girişimlerle görüşmeler ve "
    "çevrimiçi katılım. Yetkili kurumlar her katkıyı değerlendirir. Tüm içerik gösterim amacıyla üretilmiştir; "
    "Türkçe çeviri örnek niteliğindedir.",
}
# (title, description) per language, in the order of PHASES
PHASES_RESIDENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "ar": (
        ("الفعاليات", "فعاليات للمجموعات وفي الأحياء، ولقاءات."),
        ("المشاركة عبر الإنترنت", "المساهمات عبر النموذج الإلكتروني."),
        ("المراجعة من قبل الجهات المختصة", "تقيّم الجهات المختصة كل مساهمة."),
        ("النشر", "يُنشر التوثيق والمفهوم المحدَّث."),
    ),
    "tr": (
        ("Etkinlikler", "Grup ve semt etkinlikleri, görüşmeler."),
        ("Çevrimiçi katılım", "Çevrimiçi form aracılığıyla katkılar."),
        ("Kurumlar tarafından inceleme", "Yetkili kurumlar her katkıyı değerlendirir."),
        ("Yayın", "Belgeler ve güncellenmiş konsept yayımlanır."),
    ),
}

# (code, (German, English) name)
STAKEHOLDER_GROUPS: tuple[tuple[str, Text], ...] = (
    ("integrationsbeirat", ("Integrationsbeirat", "Integration advisory council")),
    ("seniorenbeirat", ("Seniorenbeirat", "Senior citizens' council")),
    ("wohlfahrtsverbaende", ("Wohlfahrtsverbände", "Charitable associations")),
    ("fluechtlingsinitiativen", ("Bündnis der Flüchtlingsinitiativen", "Alliance of refugee initiatives")),
    ("praeventionsnetzwerke", ("Lokale Präventionsnetzwerke", "Local prevention networks")),
    ("bewohnerraete", ("Bewohnerräte der Erstaufnahmen", "Residents' councils of initial reception facilities")),
    (
        "ivk-schuelerinnen",
        ("Schülerinnen und Schüler der Vorbereitungsklassen", "Pupils of international preparatory classes"),
    ),
)
TALK_GROUP = "fluechtlingsinitiativen"

# (title, description) of the phases; the loader dates them around the day it runs.
PHASES: tuple[tuple[Text, Text], ...] = (
    (
        ("Veranstaltungen", "Events"),
        ("Gruppen- und Bezirksveranstaltungen, Gespräche.", "Stakeholder group and district events, talks."),
    ),
    (
        ("Online-Beteiligung", "Online participation"),
        ("Beiträge über das Online-Formular.", "Contributions through the online form."),
    ),
    (
        ("Prüfung durch die Fachbehörden", "Review by the authorities"),
        ("Die zuständigen Behörden bewerten jeden Beitrag.", "The competent authorities evaluate each contribution."),
    ),
    (
        ("Veröffentlichung", "Publication"),
        (
            "Die Dokumentation und das fortgeschriebene Konzept erscheinen.",
            "The documentation and the updated concept are published.",
        ),
    ),
)

ORGANISER = "Abteilung Integration (Demo)"
MODERATORS = ("Moderationsbüro Brücke (Demo)", "Team Dialog & Wandel (Demo)")


@dataclass(frozen=True)
class Concern:
    """One concern residents raise, with its wording per kind, and which areas of action it belongs to."""

    key: str
    area_keywords: tuple[str, ...]
    statement: str
    question: str
    proposal: str
    english: str
    # Further (language, text) versions, as residents wrote them.
    other_languages: tuple[tuple[str, str], ...] = ()


CONCERNS: tuple[Concern, ...] = (
    Concern(
        "kita-plaetze",
        ("frühkindlich", "fruehkindlich", "kita"),
        "Die Wartelisten für Kita-Plätze sind viel zu lang.",
        "Warum bekommen zugewanderte Familien seltener einen Kita-Platz?",
        "Mehr Kita-Plätze und Beratung zur Anmeldung in mehreren Sprachen.",
        "The waiting lists for day-care places are far too long.",
        (
            ("ar", "الانتظار للحصول على مكان في الحضانة طويل جدًا."),
            ("tr", "Kreşte yer bulmak için bekleme süresi çok uzun."),
            ("uk", "Потрібно більше місць у дитячих садках."),
        ),
    ),
    Concern(
        "sprachfoerderung-kita",
        ("frühkindlich", "fruehkindlich"),
        "Sprachförderung in der Kita hilft den Kindern sehr.",
        "Gibt es genug Fachkräfte für Sprachförderung in den Kitas?",
        "Sprachförderung in allen Kitas mit festen Fachkräften ausstatten.",
        "Language support in day care helps the children a lot.",
    ),
    Concern(
        "herkunftssprache",
        ("schule",),
        "Der Unterricht in der Herkunftssprache kommt zu kurz.",
        "Warum gibt es an unserer Schule keinen Türkisch- oder Arabischunterricht?",
        "Herkunftssprachlichen Unterricht an mehr Schulen anbieten.",
        "Lessons in the heritage language get too little room.",
        (("tr", "Okullarda ana dil dersleri neden az?"),),
    ),
    Concern(
        "elternarbeit",
        ("schule",),
        "Eltern ohne Deutschkenntnisse erfahren wenig über die Schule ihrer Kinder.",
        "Wie können Eltern sich beteiligen, wenn sie kein Deutsch sprechen?",
        "Elternabende mit Dolmetschern und Elternlotsen an jeder Schule.",
        "Parents without German learn little about their children's school.",
    ),
    Concern(
        "vorbereitungsklassen",
        ("schule",),
        "Der Wechsel aus der Vorbereitungsklasse in die Regelklasse ist zu abrupt.",
        "Wann dürfen wir in die normale Klasse wechseln?",
        "Eine Begleitung für ein Jahr nach dem Wechsel in die Regelklasse.",
        "Moving from the preparatory class to a regular class is too abrupt.",
        (("fa", "در کمپ‌ها جای آرامی برای درس خواندن بچه‌ها وجود ندارد."),),
    ),
    Concern(
        "ausbildungsplatz",
        ("berufsbildung", "ausbildung"),
        "Jugendliche mit Migrationsgeschichte bekommen seltener einen Ausbildungsplatz.",
        "Warum werden Bewerbungen mit ausländischem Namen seltener beantwortet?",
        "Anonymisierte Bewerbungen bei allen städtischen Ausbildungsplätzen.",
        "Young people with a migration history get apprenticeships less often.",
    ),
    Concern(
        "anerkennung",
        ("anerkennung",),
        "Die Anerkennung ausländischer Abschlüsse dauert viel zu lange.",
        "Warum dauert die Anerkennung meines Diploms so lange?",
        "Eine zentrale Anlaufstelle mit festen Fristen für die Anerkennung.",
        "Recognising foreign qualifications takes far too long.",
        (
            ("ar", "لماذا يستغرق الاعتراف بشهادتي وقتًا طويلاً؟"),
            ("fa", "چرا شناسایی مدرک تحصیلی من این‌قدر طول می‌کشد؟"),
            ("ru", "Почему признание диплома занимает так много времени?"),
            ("uk", "Чому визнання мого диплома триває так довго?"),
        ),
    ),
    Concern(
        "arbeitserlaubnis",
        ("arbeitsmarktzugang", "arbeitsmarkt"),
        "Viele Geflüchtete wollen arbeiten, dürfen es aber lange nicht.",
        "Wie lange muss ich auf eine Arbeitserlaubnis warten?",
        "Schnellere Arbeitserlaubnis und Beratung direkt in der Unterkunft.",
        "Many refugees want to work but are not allowed to for a long time.",
        (("fa", "می‌خواهم کار کنم اما اجازه کار ندارم."), ("ar", "أريد أن أعمل لكن لا أعرف أين أجد المساعدة.")),
    ),
    Concern(
        "gruendung",
        ("selbststaendigkeit",),
        "Gründerinnen mit Migrationsgeschichte finden schwer einen Kredit.",
        "Wo bekomme ich Beratung zur Gründung in meiner Sprache?",
        "Gründungsberatung in mehreren Sprachen und kleine Startkredite.",
        "Founders with a migration history find it hard to get a loan.",
    ),
    Concern(
        "wohnungssuche",
        ("wohnen", "unterbringung"),
        "Eine bezahlbare Wohnung zu finden ist fast unmöglich.",
        "Warum werden wir bei Besichtigungen immer abgelehnt?",
        "Mehr Sozialwohnungen und eine Beratungsstelle gegen Diskriminierung auf dem Wohnungsmarkt.",
        "Finding an affordable flat is almost impossible.",
        (
            ("ar", "من الصعب إيجاد شقة بإيجار معقول."),
            ("tr", "Uygun kirada ev bulmak neredeyse imkansız."),
            ("fa", "پیدا کردن خانه با اجاره مناسب بسیار سخت است."),
            ("ru", "Найти квартиру с нормальной арендой почти невозможно."),
        ),
    ),
    Concern(
        "unterkunft",
        ("unterbringung",),
        "In den Unterkünften fehlt Ruhe zum Lernen und Privatsphäre.",
        "Wann können Familien aus der Erstaufnahme in eine Wohnung ziehen?",
        "Lernräume und abschließbare Zimmer in allen Unterkünften.",
        "Shelters lack quiet for learning and privacy.",
    ),
    Concern(
        "nachbarschaft",
        ("quartier", "stadtteil"),
        "Im Quartier gibt es kaum Orte, an denen sich Nachbarn begegnen.",
        "Wer kümmert sich um Begegnungsorte im Stadtteil?",
        "Nachbarschaftstreffs mit festen Öffnungszeiten in jedem Bezirk.",
        "There are hardly any places where neighbours meet.",
        (("ar", "نحتاج إلى أماكن آمنة للشباب في الحي."),),
    ),
    Concern(
        "jugend",
        ("quartier", "stadtteil", "engagement"),
        "Jugendliche haben abends keinen Ort im Stadtteil.",
        "Warum schließen die Jugendzentren so früh?",
        "Jugendtreffs länger öffnen und Jugendliche bei der Planung beteiligen.",
        "Young people have nowhere to go in the evening.",
    ),
    Concern(
        "dolmetscher-gesundheit",
        ("gesundheit",),
        "Beim Arzt fehlen oft Dolmetscher, Kinder müssen übersetzen.",
        "Wer bezahlt einen Dolmetscher beim Arztbesuch?",
        "Kostenlose Sprachmittlung in Praxen und Kliniken.",
        "Interpreters are often missing at the doctor's; children have to translate.",
        (
            ("ar", "نقترح وجود مترجمين في المراكز الصحية."),
            ("fa", "در مراکز درمانی به مترجم نیاز داریم."),
            ("uk", "Важко знайти лікаря, який розуміє нашу мову."),
        ),
    ),
    Concern(
        "pflege",
        ("pflege",),
        "Ältere Migrantinnen und Migranten kennen die Angebote der Pflege kaum.",
        "Gibt es Pflegedienste, die unsere Sprache sprechen?",
        "Kultursensible Pflegeberatung und Pflegekräfte mit Sprachkenntnissen.",
        "Older migrants hardly know the care services.",
        (("tr", "Yaşlılar için anadilde bakım hizmeti olmalı."), ("ru", "Пожилым людям нужна помощь на родном языке.")),
    ),
    Concern(
        "sport-maedchen",
        ("sport",),
        "Für Mädchen gibt es in den Sportvereinen zu wenige Angebote.",
        "Warum gibt es keine Schwimmzeiten nur für Frauen?",
        "Mehr Sportangebote für Mädchen und Frauen, auch Schwimmkurse.",
        "Sports clubs offer too little for girls.",
        (("tr", "Spor kulüplerinde kızlar için daha fazla teklif istiyoruz."),),
    ),
    Concern(
        "kultur",
        ("kultur", "medien"),
        "Die Kultur der Zugewanderten kommt in den Museen und Theatern kaum vor.",
        "Wie werden migrantische Kulturvereine gefördert?",
        "Ein Fonds für Projekte migrantischer Kulturvereine.",
        "The culture of immigrants hardly appears in museums and theatres.",
    ),
    Concern(
        "verwaltung-personal",
        ("verwaltung",),
        "In der Verwaltung arbeiten zu wenige Menschen mit Migrationsgeschichte.",
        "Wie viele Beschäftigte der Stadt haben eine Migrationsgeschichte?",
        "Gezielt Auszubildende mit Migrationsgeschichte für die Verwaltung gewinnen.",
        "Too few people with a migration history work in the administration.",
        (("tr", "Belediyede daha fazla göçmen kökenli çalışan olmalı."),),
    ),
    Concern(
        "mehrsprachige-informationen",
        ("verwaltung",),
        "Briefe der Ämter sind schwer verständlich.",
        "Warum gibt es die Formulare nur auf Deutsch?",
        "Informationen und Formulare in einfacher Sprache und in mehreren Sprachen.",
        "Letters from the authorities are hard to understand.",
        (("ar", "يجب أن تكون المعلومات في الدوائر الحكومية بعدة لغات."),),
    ),
    Concern(
        "diskriminierung",
        ("diskriminierung",),
        "Viele erleben Diskriminierung, wissen aber nicht, wohin sie sich wenden können.",
        "Wo kann ich mich beschweren, wenn ich diskriminiert werde?",
        "Eine unabhängige Antidiskriminierungsstelle mit Beratung in jedem Bezirk.",
        "Many experience discrimination but do not know where to turn.",
        (("tr", "İş yerinde ayrımcılığa karşı nereye başvurabilirim?"),),
    ),
    Concern(
        "sprachkurse",
        ("sprache", "weiterbildung"),
        "Es gibt zu wenige Deutschkurse mit Kinderbetreuung.",
        "Warum sind die Integrationskurse so schnell ausgebucht?",
        "Deutschkurse mit Kinderbetreuung und Abendkurse für Berufstätige.",
        "There are too few German courses with childcare.",
        (
            ("ar", "نحتاج إلى المزيد من دورات اللغة الألمانية مع رعاية الأطفال."),
            ("tr", "Çocuk bakımı olan daha fazla Almanca kursu gerekiyor."),
            ("fa", "به کلاس‌های زبان آلمانی بیشتری همراه با نگهداری کودک نیاز داریم."),
            ("ru", "Нужно больше курсов немецкого языка с присмотром за детьми."),
            ("uk", "Потрібні курси німецької мови ввечері для тих, хто працює."),
        ),
    ),
    Concern(
        "wahlrecht",
        ("demokratie",),
        "Wer lange hier lebt, sollte auch kommunal wählen dürfen.",
        "Warum dürfen Menschen ohne deutschen Pass nicht im Bezirk wählen?",
        "Kommunales Wahlrecht für alle, die seit fünf Jahren hier leben.",
        "Anyone living here for a long time should be able to vote locally.",
    ),
    Concern(
        "einbuergerung",
        ("einbürgerung", "einbuergerung"),
        "Die Wartezeit auf einen Einbürgerungstermin ist zu lang.",
        "Wie lange dauert eine Einbürgerung im Moment?",
        "Mehr Personal in der Einbürgerungsbehörde und eine Kampagne für die Einbürgerung.",
        "The wait for a naturalisation appointment is too long.",
    ),
    Concern(
        "ehrenamt",
        ("engagement", "werte"),
        "Migrantische Vereine leisten viel, bekommen aber wenig Anerkennung.",
        "Wie können migrantische Vereine Räume für ihre Arbeit bekommen?",
        "Räume und eine Grundförderung für migrantische Selbstorganisationen.",
        "Migrant associations do a lot but get little recognition.",
    ),
)

# Reasons a moderator gives when hiding an online contribution (the original stays stored).
HIDING_REASONS = (
    "Enthält beleidigende Aussagen über eine Gruppe.",
    "Enthält personenbezogene Daten Dritter.",
    "Werbung ohne Bezug zum Verfahren.",
)

JUSTIFICATIONS = {
    "taken_up_as_measure": (
        "Der Vorschlag wird als Maßnahme aufgenommen. Die zuständige Behörde setzt ihn ab dem "
        "nächsten Haushaltsjahr um und berichtet über den Fortschritt."
    ),
    "informs_indicator": (
        "Das Anliegen fließt in das Monitoring ein: Der verknüpfte Indikator misst künftig, ob sich "
        "die Lage verbessert."
    ),
    "already_in_place": "Ein entsprechendes Angebot gibt es bereits. Wir machen es bekannter, auch in mehreren Sprachen.",
    "referred_to_specialist_concept": (
        "Das Anliegen wird im Fachkonzept der zuständigen Behörde behandelt und dort weiterverfolgt."
    ),
    "outside_competence": (
        "Die Entscheidung liegt beim Bund. Die Stadt bringt das Anliegen in die zuständigen Gremien "
        "ein, kann es aber nicht selbst umsetzen."
    ),
    "no_data": (
        "Die Daten, um das Anliegen zu messen, gibt es derzeit nicht. Wir prüfen, ob eine Erhebung möglich ist."
    ),
    "declined": (
        "Der Vorschlag wird nicht aufgenommen: Er würde bestehende Angebote verdoppeln. Die Gründe sind in der "
        "Dokumentation beschrieben."
    ),
}
# The English public justification, written beside the German one (the evaluation form offers both).
JUSTIFICATIONS_EN = {
    "taken_up_as_measure": (
        "The proposal is taken up as a measure. The competent authority implements it from the next budget "
        "year and reports on its progress."
    ),
    "informs_indicator": (
        "The concern feeds into the monitoring: the linked indicator will show whether the situation improves."
    ),
    "already_in_place": "A matching offer already exists. We will make it better known, in several languages too.",
    "referred_to_specialist_concept": (
        "The concern is dealt with in the competent authority's specialist concept and followed up there."
    ),
    "outside_competence": (
        "The decision lies with the federal government. The city raises the concern in the competent bodies "
        "but cannot implement it itself."
    ),
    "no_data": (
        "The data needed to measure the concern does not exist at present. We are checking whether a survey is "
        "possible."
    ),
    "declined": (
        "The proposal is not taken up: it would duplicate existing offers. The reasons are described in the "
        "documentation."
    ),
}
# What the disposition rules ask for besides the links (services.check_evaluation).
COMPETENT_LEVEL = "Bund (Bundesministerium des Innern)"
DATA_NEEDED = (
    "Eine regelmäßige Erhebung nach Migrationshintergrund und Bezirk, zum Beispiel als Zusatzfrage im "
    "Integrationsbarometer."
)
REVISION_REASON = "Die Begründung wurde um einen Hinweis auf die Zuständigkeit ergänzt."
REVISION_ADDITION: Text = (" Zuständig ist die federführende Behörde.", " The lead authority is responsible.")
OPINION = "Aus unserer Sicht ist das Anliegen berechtigt; wir unterstützen die federführende Behörde."
MINUTES = (
    "<p>Begrüßung und Vorstellung des Verfahrens.</p><ul><li>Arbeitsgruppen zu den Handlungsfeldern</li>"
    "<li>Vorstellung der Ergebnisse im Plenum</li></ul><p>Alle Beiträge wurden aufgenommen und an die "
    "zuständigen Behörden weitergegeben.</p>"
)
AGENDA = "1. Begrüßung\n2. Das Integrationskonzept in Kürze\n3. Arbeitsgruppen\n4. Ergebnisse und Ausblick"
