"""The illustrative demo concept as plain data: structure, authorities, places, editions, users.

Modelled on the structure of Hamburg's 2017 integration concept (7 fields of action holding 26 topics),
written in our own words; every name, number and reference is invented. Pure module: no Django imports.
Texts are (German, English) pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

Text = tuple[str, str]

DEFAULT_SEED = 2017
OBSERVATION_SOURCE = "Illustrative data (demo)"
FIRST_YEAR = 2010
LAST_YEAR = 2024


@dataclass(frozen=True)
class Topic:
    code: str
    title: Text
    we_statement: Text
    sub_goals: tuple[Text, ...]
    is_new_in_2017: bool = False


@dataclass(frozen=True)
class Field:
    code: str
    title: Text
    we_statement: Text
    topics: tuple[Topic, ...]
    is_new_in_2017: bool = False


@dataclass(frozen=True)
class AuthoritySpec:
    code: str
    name: Text
    abbreviation: str
    is_department: bool = False


@dataclass(frozen=True)
class District:
    code: str
    name: Text
    population: int
    immigrant_share: float
    # Below zero: a district with more social disadvantage (worse values in most indicators).
    social_index: float


@dataclass(frozen=True)
class EditionSpec:
    code: str
    title: Text
    description: Text
    adopted_on: date
    decision_reference: str
    decision_on: date
    is_current: bool


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    authority: str
    is_superuser: bool = False


CITY_CODE = "musterstadt"
CITY_NAME: Text = ("Musterstadt", "Musterstadt")

DISTRICTS: tuple[District, ...] = (
    District("mitte", ("Mitte", "Mitte"), 240_000, 0.51, -1.0),
    District("nord", ("Nord", "Nord"), 285_000, 0.31, 0.5),
    District("ost", ("Ost", "Ost"), 190_000, 0.40, -0.3),
    District("sued", ("Süd", "Süd"), 160_000, 0.45, -0.6),
    District("west", ("West", "West"), 205_000, 0.30, 1.0),
    District("hafen", ("Hafen", "Hafen"), 95_000, 0.58, -1.2),
    District("altstadt", ("Altstadt", "Altstadt"), 75_000, 0.36, 0.4),
)

# Breakdown dimensions and their categories: (code, name) and ((code, name), ...).
DIMENSIONS: tuple[tuple[str, Text, tuple[tuple[str, Text], ...]], ...] = (
    (
        "migration_background",
        ("Migrationshintergrund", "Immigrant background"),
        (
            ("yes", ("mit Migrationshintergrund", "with an immigrant background")),
            ("no", ("ohne Migrationshintergrund", "without an immigrant background")),
        ),
    ),
    (
        "refugee",
        ("Fluchterfahrung", "Refugees"),
        (
            ("yes", ("Geflüchtete", "refugees")),
            ("no", ("keine Geflüchteten", "not refugees")),
        ),
    ),
    (
        "sex",
        ("Geschlecht", "Sex"),
        (
            ("female", ("weiblich", "female")),
            ("male", ("männlich", "male")),
        ),
    ),
    (
        "age_band",
        ("Altersgruppe", "Age band"),
        (
            ("under_25", ("unter 25 Jahre", "under 25")),
            ("25_to_54", ("25 bis 54 Jahre", "25 to 54")),
            ("55_plus", ("55 Jahre und älter", "55 and over")),
        ),
    ),
)
AGE_BAND_WEIGHTS: tuple[tuple[str, float], ...] = (("under_25", 0.15), ("25_to_54", 0.65), ("55_plus", 0.20))

AUTHORITIES: tuple[AuthoritySpec, ...] = (
    AuthoritySpec(
        "integration",
        ("Amt für Integration und Vielfalt", "Office for Integration and Diversity"),
        "AIV",
        is_department=True,
    ),
    AuthoritySpec("schule", ("Behörde für Schule und Bildung", "Authority for Schools and Education"), "BSB"),
    AuthoritySpec("soziales", ("Behörde für Soziales und Familie", "Authority for Social Affairs and Families"), "BSF"),
    AuthoritySpec(
        "innen", ("Behörde für Inneres und Bürgerdienste", "Authority for the Interior and Citizen Services"), "BIB"
    ),
    AuthoritySpec("arbeit", ("Behörde für Arbeit und Wirtschaft", "Authority for Labour and the Economy"), "BAW"),
    AuthoritySpec(
        "wissenschaft", ("Behörde für Wissenschaft und Forschung", "Authority for Science and Research"), "BWF"
    ),
    AuthoritySpec("gesundheit", ("Behörde für Gesundheit und Pflege", "Authority for Health and Care"), "BGP"),
    AuthoritySpec(
        "wohnen", ("Behörde für Stadtentwicklung und Wohnen", "Authority for Urban Development and Housing"), "BSW"
    ),
    AuthoritySpec("kultur", ("Behörde für Kultur, Medien und Sport", "Authority for Culture, Media and Sport"), "BKMS"),
    AuthoritySpec("personal", ("Personalamt", "Human Resources Office"), "PA"),
)


def authority_contact(code: str, position: int) -> dict[str, str]:
    """Contact details at example.org, so no real office is ever addressed."""
    return {
        "email": f"{code}@example.org",
        "phone": f"+49 123 4567-{100 + 10 * position}",
        "address": f"Musterallee {1 + position}\n12345 Musterstadt (fiktiv)",
        "website": f"https://example.org/{code}",
    }


EDITION_2013 = EditionSpec(
    code="demo-2013",
    title=("Illustratives Integrationskonzept 2013 (Demo)", "Illustrative integration concept 2013 (demo)"),
    description=(
        "Erfundenes Beispielkonzept für die Demo. Es gliedert die Integrationspolitik der fiktiven Musterstadt in "
        "sechs Handlungsfelder mit Zielwerten bis 2020. Alle Texte und Zahlen sind illustrativ.",
        "An invented example concept for the demo. It arranges the integration policy of the fictional Musterstadt "
        "in six fields of action with targets up to 2020. All texts and figures are illustrative.",
    ),
    adopted_on=date(2013, 2, 26),
    decision_reference="Drucksache D-2013/047 (fiktiv)",
    decision_on=date(2013, 2, 12),
    is_current=False,
)
EDITION_2017 = EditionSpec(
    code="demo-2017",
    title=("Illustratives Integrationskonzept 2017 (Demo)", "Illustrative integration concept 2017 (demo)"),
    description=(
        "Erfundenes Beispielkonzept, dessen Aufbau dem Hamburger Integrationskonzept 2017 nachempfunden ist: sieben "
        "Handlungsfelder mit 26 Themen, Wir-Aussagen, Teilzielen, Indikatoren und Zielwerten. Es schreibt die Ausgabe "
        "2013 fort und ergänzt die Erstintegration Geflüchteter. Alle Texte und Zahlen sind illustrativ, keine "
        "amtliche Statistik.",
        "An invented example concept whose structure follows Hamburg's 2017 integration concept: seven fields of "
        "action holding 26 topics, we-statements, sub-goals, indicators and targets. It updates the 2013 edition and "
        "adds the first integration of refugees. All texts and figures are illustrative, not official statistics.",
    ),
    adopted_on=date(2017, 1, 31),
    decision_reference="Drucksache D-2017/112 (fiktiv)",
    decision_on=date(2017, 1, 10),
    is_current=True,
)
EDITIONS = (EDITION_2013, EDITION_2017)

SITE_PROFILE = {
    "city_name": "Musterstadt (Demo)",
    "department_name": "Amt für Integration und Vielfalt (Demo)",
    "contact_email": "integration@example.org",
    "contact_address": "Amt für Integration und Vielfalt\nMusterallee 1\n12345 Musterstadt (fiktiv)",
    "accessibility_contact_email": "barrierefreiheit@example.org",
    "imprint": (
        "Demo-Installation von teilhabe. Stadt, Behörden, Personen und Zahlen sind erfunden (illustrative Daten). "
        "Demo installation of teilhabe. City, authorities, people and figures are invented (illustrative data)."
    ),
    "is_illustrative": True,
}

DEMO_PASSWORD = "demo-password-123"
DEMO_ADMIN_PASSWORD = "demo-admin-password"
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", DEMO_ADMIN_PASSWORD, "department_admin", "integration", is_superuser=True),
    DemoUser("schule", DEMO_PASSWORD, "authority_staff", "schule"),
    DemoUser("soziales", DEMO_PASSWORD, "authority_staff", "soziales"),
    DemoUser("moderation", DEMO_PASSWORD, "moderator", "integration"),
    DemoUser("analyse", DEMO_PASSWORD, "analyst", "integration"),
)


def _t(code: str, title: Text, we: Text, *goals: Text, new: bool = False) -> Topic:
    return Topic(code, title, we, goals, is_new_in_2017=new)


FIELDS: tuple[Field, ...] = (
    Field(
        "f1",
        ("Teilhabe und Zusammenhalt", "Participation and cohesion"),
        (
            "Wir gestalten Musterstadt gemeinsam: Alle, die hier leben, können mitreden, mitentscheiden und gehören dazu.",
            "We shape Musterstadt together: everyone who lives here can have a say, take part in decisions and belong.",
        ),
        (
            _t(
                "demokratie",
                ("Demokratie und politische Teilhabe", "Democracy and political participation"),
                (
                    "Wir wollen, dass Menschen mit Migrationsgeschichte in Wahlen, Gremien und Parteien ebenso vertreten sind "
                    "wie alle anderen.",
                    "We want people with an immigrant background to be represented in elections, councils and parties as "
                    "much as everyone else.",
                ),
                (
                    "Die Wahlbeteiligung von Menschen mit und ohne Migrationshintergrund gleicht sich an.",
                    "Turnout among people with and without an immigrant background converges.",
                ),
                (
                    "Gremien und Beiräte der Stadt spiegeln die Vielfalt der Bevölkerung wider.",
                    "The city's councils and advisory boards reflect the diversity of its population.",
                ),
                (
                    "Informationen über lokale Politik erreichen alle Bevölkerungsgruppen.",
                    "Information about local politics reaches every group of the population.",
                ),
            ),
            _t(
                "einbuergerung",
                ("Einbürgerung", "Naturalisation"),
                (
                    "Wir werben dafür, dass Menschen, die dauerhaft hier leben, Deutsche werden, und machen den Weg dahin "
                    "einfach.",
                    "We encourage people who live here permanently to become German citizens and make the way there simple.",
                ),
                ("Mehr Berechtigte lassen sich einbürgern.", "More eligible residents become naturalised."),
                (
                    "Einbürgerungsverfahren werden schneller abgeschlossen.",
                    "Naturalisation procedures are completed faster.",
                ),
            ),
            _t(
                "werte",
                ("Normen, Werte und Zusammenhalt", "Norms, values and cohesion"),
                (
                    "Wir stehen für ein Zusammenleben auf der Grundlage des Grundgesetzes, in dem sich alle zugehörig fühlen "
                    "und Vielfalt als Stärke gilt.",
                    "We stand for living together on the basis of the Basic Law, where everyone feels they belong and "
                    "diversity counts as a strength.",
                ),
                (
                    "Das Zugehörigkeitsgefühl zur Stadt wächst in allen Gruppen.",
                    "The sense of belonging to the city grows in every group.",
                ),
                (
                    "Gleichberechtigung und gegenseitiger Respekt finden breite Zustimmung.",
                    "Equal rights and mutual respect are widely supported.",
                ),
                ("Politisch motivierte Gewalt geht zurück.", "Politically motivated violence declines."),
            ),
            _t(
                "engagement",
                ("Bürgerschaftliches Engagement", "Civic engagement"),
                (
                    "Wir stärken das Ehrenamt von und mit Menschen mit Migrationsgeschichte und fördern ihre Organisationen.",
                    "We strengthen volunteering by and with people with an immigrant background and support their "
                    "organisations.",
                ),
                (
                    "Menschen mit Migrationshintergrund engagieren sich ebenso häufig ehrenamtlich.",
                    "People with an immigrant background volunteer as often as others.",
                ),
                (
                    "Migrantenorganisationen sind als Partner der Stadt gestärkt.",
                    "Migrant organisations are strengthened as partners of the city.",
                ),
            ),
        ),
    ),
    Field(
        "f2",
        ("Bildung von Anfang an", "Education from the start"),
        (
            "Wir sorgen dafür, dass der Bildungserfolg nicht von der Herkunft abhängt – von der Kita bis zur Weiterbildung.",
            "We make sure that success in education does not depend on origin – from day care to further education.",
        ),
        (
            _t(
                "fruehkindlich",
                ("Frühkindliche Bildung", "Early childhood education"),
                (
                    "Wir wollen, dass alle Kinder früh und lange eine Kita besuchen und mit guten Deutschkenntnissen in die "
                    "Schule kommen.",
                    "We want every child to attend day care early and for long and to start school with good German.",
                ),
                (
                    "Kinder mit Migrationshintergrund besuchen ebenso früh eine Kita.",
                    "Children with an immigrant background start day care as early as others.",
                ),
                (
                    "Der Sprachförderbedarf bei Schuleintritt sinkt.",
                    "The need for language support at school entry falls.",
                ),
                (
                    "Die Fachkräfte in Kitas spiegeln die Vielfalt der Kinder wider.",
                    "Day-care staff reflect the diversity of the children.",
                ),
            ),
            _t(
                "schule",
                ("Schule", "School"),
                (
                    "Wir wollen, dass Schülerinnen und Schüler mit Migrationshintergrund dieselben Abschlüsse erreichen wie "
                    "ihre Mitschülerinnen und Mitschüler.",
                    "We want pupils with an immigrant background to achieve the same qualifications as their classmates.",
                ),
                (
                    "Weniger Jugendliche verlassen die Schule ohne Abschluss.",
                    "Fewer young people leave school without a certificate.",
                ),
                (
                    "Mehr Jugendliche mit Migrationshintergrund erreichen die Hochschulreife.",
                    "More young people with an immigrant background gain a higher education entrance qualification.",
                ),
                (
                    "Lehrkräfte und Ganztagsangebote unterstützen die Vielfalt an den Schulen.",
                    "Teachers and all-day provision support diversity at schools.",
                ),
            ),
            _t(
                "berufsbildung",
                ("Berufliche Bildung", "Vocational training"),
                (
                    "Wir wollen, dass junge Menschen mit Migrationshintergrund ebenso häufig eine Ausbildung beginnen und "
                    "erfolgreich abschließen.",
                    "We want young people with an immigrant background to start and complete vocational training as often "
                    "as others.",
                ),
                (
                    "Der Übergang von der Schule in die Ausbildung gelingt allen gleich gut.",
                    "The transition from school to training works equally well for everyone.",
                ),
                (
                    "Ausbildungen werden seltener abgebrochen und häufiger bestanden.",
                    "Training is dropped less often and passed more often.",
                ),
            ),
            _t(
                "hochschule",
                ("Hochschule", "Higher education"),
                (
                    "Wir wollen, dass Studienberechtigte unabhängig von ihrer Herkunft studieren und ihr Studium abschließen.",
                    "We want everyone qualified to study to enter and complete university, whatever their origin.",
                ),
                (
                    "Studienberechtigte mit Migrationshintergrund nehmen ebenso häufig ein Studium auf.",
                    "Qualified school leavers with an immigrant background enter university as often as others.",
                ),
                (
                    "Internationale Absolventinnen und Absolventen bleiben in der Stadt.",
                    "International graduates stay in the city.",
                ),
            ),
            _t(
                "weiterbildung",
                ("Weiterbildung", "Further education"),
                (
                    "Wir öffnen Weiterbildung für alle Erwachsenen, auch für jene, die Deutsch als weitere Sprache lernen.",
                    "We open further education to all adults, including those learning German as an additional language.",
                ),
                (
                    "Erwachsene mit Migrationshintergrund nehmen ebenso häufig an Weiterbildung teil.",
                    "Adults with an immigrant background take part in further education as often as others.",
                ),
                (
                    "Mehr Erwachsene holen Schul- und Sprachabschlüsse nach.",
                    "More adults catch up on school and language certificates.",
                ),
            ),
        ),
    ),
    Field(
        "f3",
        ("Arbeit und soziale Sicherung", "Work and social security"),
        (
            "Wir wollen, dass alle von ihrer Arbeit gut leben können und Qualifikationen aus aller Welt genutzt werden.",
            "We want everyone to be able to live well from their work and qualifications from all over the world to be "
            "used.",
        ),
        (
            _t(
                "arbeitsmarkt",
                ("Arbeitsmarkt", "Labour market"),
                (
                    "Wir wollen, dass Menschen mit Migrationshintergrund ebenso häufig erwerbstätig sind und qualifikations"
                    "gerecht arbeiten.",
                    "We want people with an immigrant background to be employed as often as others and in jobs that match "
                    "their qualifications.",
                ),
                (
                    "Die Arbeitslosigkeit von Menschen mit Migrationshintergrund sinkt auf das Niveau aller.",
                    "Unemployment among people with an immigrant background falls to the level of everyone.",
                ),
                (
                    "Mehr Frauen mit Migrationshintergrund sind erwerbstätig.",
                    "More women with an immigrant background are in work.",
                ),
                (
                    "Weniger Menschen arbeiten in unsicheren Beschäftigungsverhältnissen.",
                    "Fewer people work in precarious employment.",
                ),
            ),
            _t(
                "selbststaendigkeit",
                ("Selbstständigkeit und Unternehmen", "Self-employment and business"),
                (
                    "Wir unterstützen Gründerinnen und Gründer mit Migrationsgeschichte, damit ihre Unternehmen wachsen und "
                    "ausbilden.",
                    "We support founders with an immigrant background so that their businesses grow and train apprentices.",
                ),
                (
                    "Gründungen von Menschen mit Migrationshintergrund bestehen am Markt.",
                    "Businesses founded by people with an immigrant background survive in the market.",
                ),
                (
                    "Migrantische Unternehmen sind in Beratung und Förderung gut erreicht.",
                    "Migrant-owned businesses are well reached by advice and support.",
                ),
            ),
            _t(
                "anerkennung",
                ("Anerkennung ausländischer Berufsqualifikationen", "Recognition of foreign qualifications"),
                (
                    "Wir sorgen dafür, dass im Ausland erworbene Abschlüsse schnell anerkannt und genutzt werden.",
                    "We make sure that qualifications gained abroad are recognised quickly and put to use.",
                ),
                (
                    "Anerkennungsverfahren werden häufiger beantragt und schneller entschieden.",
                    "More recognition procedures are applied for and decided faster.",
                ),
                (
                    "Weniger Menschen arbeiten unterhalb ihrer Qualifikation.",
                    "Fewer people work below their qualification level.",
                ),
            ),
            _t(
                "sozialesicherung",
                ("Soziale Sicherung", "Social security"),
                (
                    "Wir wollen Armut verringern und sicherstellen, dass Leistungen alle erreichen, die Anspruch darauf "
                    "haben.",
                    "We want to reduce poverty and make sure benefits reach everyone entitled to them.",
                ),
                (
                    "Weniger Menschen sind auf Grundsicherung angewiesen.",
                    "Fewer people depend on basic income support.",
                ),
                ("Kinderarmut geht in allen Gruppen zurück.", "Child poverty falls in every group."),
                (
                    "Berechtigte nehmen ihnen zustehende Leistungen in Anspruch.",
                    "People entitled to benefits take them up.",
                ),
            ),
        ),
    ),
    Field(
        "f4",
        ("Wohnen und Quartier", "Housing and neighbourhood"),
        (
            "Wir wollen gutes Wohnen für alle und Quartiere, in denen Nachbarschaft über Herkunft hinweg gelingt.",
            "We want good housing for everyone and neighbourhoods where people of every origin get on as neighbours.",
        ),
        (
            _t(
                "wohnen",
                ("Wohnen", "Housing"),
                (
                    "Wir wollen, dass Menschen mit Migrationshintergrund gleichberechtigt Zugang zu angemessenem und "
                    "bezahlbarem Wohnraum haben.",
                    "We want people with an immigrant background to have equal access to adequate and affordable housing.",
                ),
                (
                    "Die Wohnverhältnisse von Menschen mit und ohne Migrationshintergrund gleichen sich an.",
                    "The housing conditions of people with and without an immigrant background converge.",
                ),
                ("Wohnen bleibt bezahlbar.", "Housing stays affordable."),
                ("Wohnungslosigkeit wird vermieden.", "Homelessness is prevented."),
            ),
            _t(
                "quartier",
                ("Zusammenleben im Quartier", "Living together in the neighbourhood"),
                (
                    "Wir fördern Begegnung in der Nachbarschaft, damit sich alle in ihrem Stadtteil sicher und zu Hause "
                    "fühlen.",
                    "We encourage neighbours to meet, so that everyone feels safe and at home in their neighbourhood.",
                ),
                (
                    "Mehr Menschen pflegen Kontakte über Herkunftsgrenzen hinweg.",
                    "More people have contacts across lines of origin.",
                ),
                ("Das Sicherheitsgefühl im Stadtteil steigt.", "People feel safer in their neighbourhood."),
            ),
            _t(
                "stadtteilentwicklung",
                ("Stadtteilentwicklung", "Neighbourhood development"),
                (
                    "Wir entwickeln benachteiligte Stadtteile so, dass sie mit der Stadt insgesamt Schritt halten.",
                    "We develop disadvantaged neighbourhoods so that they keep pace with the city as a whole.",
                ),
                (
                    "Weniger Menschen leben in Gebieten mit besonderem Entwicklungsbedarf.",
                    "Fewer people live in areas with particular development needs.",
                ),
                (
                    "Treffpunkte und Grünflächen sind für alle gut erreichbar.",
                    "Meeting places and green spaces are within easy reach for everyone.",
                ),
            ),
        ),
    ),
    Field(
        "f5",
        ("Gesundheit, Pflege und Sport", "Health, care and sport"),
        (
            "Wir wollen, dass alle gesund aufwachsen und alt werden können und Sport für alle offen ist.",
            "We want everyone to grow up and grow old in good health, and sport to be open to all.",
        ),
        (
            _t(
                "gesundheit",
                ("Gesundheit", "Health"),
                (
                    "Wir wollen, dass Angebote der Gesundheitsförderung und Vorsorge Menschen jeder Herkunft gleich gut "
                    "erreichen.",
                    "We want health promotion and prevention to reach people of every origin equally well.",
                ),
                (
                    "Kinder mit Migrationshintergrund nehmen ebenso häufig an Vorsorge und Impfungen teil.",
                    "Children with an immigrant background take part in check-ups and vaccinations as often as others.",
                ),
                (
                    "Gesundheitliche Ungleichheit zwischen den Gruppen nimmt ab.",
                    "Health inequality between groups decreases.",
                ),
            ),
            _t(
                "pflege",
                ("Pflege im Alter", "Care for older people"),
                (
                    "Wir öffnen die Pflege kultursensibel, damit ältere Menschen mit Migrationsgeschichte gut versorgt sind.",
                    "We open care services in a culturally sensitive way so that older people with an immigrant background "
                    "are well looked after.",
                ),
                (
                    "Ältere Menschen mit Migrationshintergrund nutzen Pflegeangebote ebenso häufig.",
                    "Older people with an immigrant background use care services as often as others.",
                ),
                (
                    "Pflegeeinrichtungen arbeiten kultursensibel und mehrsprachig.",
                    "Care facilities work in a culturally sensitive and multilingual way.",
                ),
            ),
            _t(
                "sport",
                ("Sport", "Sport"),
                (
                    "Wir wollen, dass Sportvereine alle erreichen, besonders Mädchen und Frauen mit Migrationsgeschichte.",
                    "We want sports clubs to reach everyone, especially girls and women with an immigrant background.",
                ),
                (
                    "Menschen mit Migrationshintergrund sind ebenso häufig Mitglied im Sportverein.",
                    "People with an immigrant background are members of sports clubs as often as others.",
                ),
                ("Alle Kinder lernen in der Grundschule schwimmen.", "Every child learns to swim in primary school."),
            ),
        ),
    ),
    Field(
        "f6",
        ("Kultur, Medien und interkulturelle Öffnung", "Culture, media and intercultural opening"),
        (
            "Wir öffnen Kultur, Medien und Verwaltung für die ganze Stadtgesellschaft und schützen vor Diskriminierung.",
            "We open culture, media and the administration to the whole of urban society and protect against "
            "discrimination.",
        ),
        (
            _t(
                "kultur",
                ("Kultur", "Culture"),
                (
                    "Wir wollen, dass das kulturelle Leben der Stadt alle anspricht und die Vielfalt ihrer Bewohnerinnen und "
                    "Bewohner zeigt.",
                    "We want the city's cultural life to appeal to everyone and to show the diversity of its residents.",
                ),
                (
                    "Mehr Menschen mit Migrationshintergrund besuchen Kultureinrichtungen.",
                    "More people with an immigrant background visit cultural venues.",
                ),
                (
                    "Interkulturelle Kulturprojekte werden verlässlich gefördert.",
                    "Intercultural arts projects receive reliable funding.",
                ),
            ),
            _t(
                "medien",
                ("Medien", "Media"),
                (
                    "Wir setzen uns für lokale Medien ein, die alle erreichen und die Vielfalt der Stadt abbilden.",
                    "We support local media that reach everyone and reflect the diversity of the city.",
                ),
                (
                    "Lokale Informationen erreichen alle Bevölkerungsgruppen.",
                    "Local information reaches every group of the population.",
                ),
                ("Redaktionen werden vielfältiger.", "Newsrooms become more diverse."),
            ),
            _t(
                "verwaltung",
                ("Interkulturelle Öffnung der Verwaltung", "Intercultural opening of the administration"),
                (
                    "Wir wollen eine Verwaltung, deren Beschäftigte die Vielfalt der Stadt widerspiegeln und die alle gut "
                    "berät.",
                    "We want an administration whose staff reflect the diversity of the city and which serves everyone well.",
                ),
                (
                    "Der Anteil der Beschäftigten mit Migrationshintergrund steigt auf allen Ebenen.",
                    "The share of staff with an immigrant background rises at every level.",
                ),
                (
                    "Alle Bürgerinnen und Bürger sind mit den Dienstleistungen der Verwaltung zufrieden.",
                    "Residents of every origin are satisfied with the administration's services.",
                ),
            ),
            _t(
                "diskriminierung",
                ("Schutz vor Diskriminierung", "Protection against discrimination"),
                (
                    "Wir treten Diskriminierung entschieden entgegen und sorgen dafür, dass Betroffene Unterstützung finden.",
                    "We firmly oppose discrimination and make sure those affected find support.",
                ),
                ("Weniger Menschen erleben Diskriminierung.", "Fewer people experience discrimination."),
                ("Beratungsangebote sind bekannt und werden genutzt.", "Counselling services are known and used."),
                new=True,
            ),
        ),
    ),
    Field(
        "f7",
        ("Erstintegration Geflüchteter", "First integration of refugees"),
        (
            "Wir heißen Geflüchtete willkommen und begleiten sie vom ersten Tag an in Wohnung, Sprache und Arbeit.",
            "We welcome refugees and support them from the first day into housing, language and work.",
        ),
        (
            _t(
                "unterbringung",
                ("Unterbringung und Wohnen", "Accommodation and housing"),
                (
                    "Wir wollen, dass Geflüchtete schnell aus Unterkünften in eigene Wohnungen ziehen können.",
                    "We want refugees to move quickly from shelters into homes of their own.",
                ),
                ("Geflüchtete ziehen schneller in eigene Wohnungen.", "Refugees move into their own homes sooner."),
                ("Unterkünfte bieten Privatsphäre und Mitsprache.", "Shelters offer privacy and a say for residents."),
                new=True,
            ),
            _t(
                "sprache",
                ("Sprachkurse und Sprachförderung", "Language courses and language support"),
                (
                    "Wir sorgen dafür, dass alle Geflüchteten ohne lange Wartezeit Deutsch lernen können.",
                    "We make sure that every refugee can learn German without a long wait.",
                ),
                ("Sprachkurse beginnen ohne lange Wartezeit.", "Language courses start without a long wait."),
                ("Mehr Teilnehmende erreichen das Sprachniveau B1.", "More participants reach language level B1."),
                new=True,
            ),
            _t(
                "arbeitsmarktzugang",
                ("Zugang zu Ausbildung und Arbeit", "Access to training and work"),
                (
                    "Wir begleiten Geflüchtete in Ausbildung und Arbeit, damit sie auf eigenen Beinen stehen.",
                    "We support refugees into training and work so that they can stand on their own feet.",
                ),
                ("Mehr Geflüchtete sind erwerbstätig oder in Ausbildung.", "More refugees are in work or training."),
                ("Geflüchtete erhalten früh Beratung und Begleitung.", "Refugees receive advice and support early on."),
                new=True,
            ),
        ),
        is_new_in_2017=True,
    ),
)


@dataclass(frozen=True)
class MeasureSpec:
    code: str
    title: Text
    description: Text
    authority: str
    status: str
    starts_on: date
    ends_on: date | None
    sub_goals: tuple[tuple[str, int], ...]  # (topic code, 1-based sub-goal position)
    indicators: tuple[str, ...]


def _m(
    code: str,
    authority: str,
    status: str,
    years: tuple[int, int | None],
    goals: str,
    indicators: str,
    title: Text,
    description: Text,
) -> MeasureSpec:
    start, end = years
    sub_goals = tuple((part.split(":")[0], int(part.split(":")[1])) for part in goals.split())
    return MeasureSpec(
        code,
        title,
        description,
        authority,
        status,
        date(start, 1, 1),
        date(end, 12, 31) if end else None,
        sub_goals,
        tuple(indicators.split()),
    )


MEASURES: tuple[MeasureSpec, ...] = (
    _m(
        "wahlinfo-mehrsprachig",
        "innen",
        "completed",
        (2015, 2021),
        "demokratie:1 demokratie:3",
        "1.1.1 1.1.3",
        ("Mehrsprachige Wahlinformation", "Multilingual election information"),
        (
            "Wahlbenachrichtigungen und Erklärvideos in zwölf Sprachen vor jeder Kommunalwahl.",
            "Polling cards and explainer videos in twelve languages before every municipal election.",
        ),
    ),
    _m(
        "beiraete-vielfalt",
        "integration",
        "ongoing",
        (2017, None),
        "demokratie:2",
        "1.1.2 1.1.6",
        ("Vielfalt in Beiräten", "Diversity in advisory boards"),
        (
            "Leitfaden und Mentoring, damit Beiräte und Gremien gezielt Menschen mit Migrationsgeschichte gewinnen.",
            "Guidance and mentoring to help councils and boards recruit people with an immigrant background.",
        ),
    ),
    _m(
        "einbuergerungskampagne",
        "innen",
        "ongoing",
        (2014, None),
        "einbuergerung:1",
        "1.2.1 1.2.2 1.2.4",
        ("Einbürgerungskampagne „Ich bin dabei“", "Naturalisation campaign 'Count me in'"),
        (
            "Persönliche Anschreiben an alle Berechtigten, Lotsinnen und Lotsen in den Bezirken.",
            "Personal letters to every eligible resident and naturalisation guides in the districts.",
        ),
    ),
    _m(
        "einbuergerung-digital",
        "innen",
        "ongoing",
        (2019, 2026),
        "einbuergerung:2",
        "1.2.3",
        ("Digitaler Einbürgerungsantrag", "Online naturalisation application"),
        (
            "Antrag, Unterlagen und Terminbuchung online, um die Verfahrensdauer zu verkürzen.",
            "Application, documents and appointments online to shorten processing times.",
        ),
    ),
    _m(
        "dialog-werte",
        "integration",
        "ongoing",
        (2016, None),
        "werte:1 werte:2",
        "1.3.1 1.3.3 1.3.5",
        ("Stadtdialog „Zusammenleben“", "City dialogue 'Living together'"),
        (
            "Gesprächsreihen in allen Bezirken zu Grundrechten, Gleichberechtigung und Zugehörigkeit.",
            "Discussion series in every district on fundamental rights, equality and belonging.",
        ),
    ),
    _m(
        "praevention-extremismus",
        "innen",
        "ongoing",
        (2015, None),
        "werte:3",
        "1.3.4",
        ("Landesprogramm Extremismusprävention", "Extremism prevention programme"),
        (
            "Beratung, Ausstiegshilfen und Schulprojekte gegen politisch motivierte Gewalt.",
            "Counselling, exit support and school projects against politically motivated violence.",
        ),
    ),
    _m(
        "engagement-migrantenorganisationen",
        "integration",
        "ongoing",
        (2014, None),
        "engagement:1 engagement:2",
        "1.4.1 1.4.2",
        ("Förderfonds Migrantenorganisationen", "Fund for migrant organisations"),
        (
            "Zuschüsse und Qualifizierung für Vereine von Menschen mit Migrationsgeschichte.",
            "Grants and training for associations run by people with an immigrant background.",
        ),
    ),
    _m(
        "kita-einstieg",
        "soziales",
        "ongoing",
        (2016, None),
        "fruehkindlich:1",
        "2.1.1 2.1.2 2.1.5",
        ("Kita-Einstieg: Brücken bauen", "Day-care entry: building bridges"),
        (
            "Elternlotsinnen begleiten Familien in den ersten Kita-Besuch, besonders in den Stadtteilen Hafen und Mitte.",
            "Parent guides accompany families into day care, especially in the Hafen and Mitte districts.",
        ),
    ),
    _m(
        "sprachkitas",
        "soziales",
        "ongoing",
        (2013, None),
        "fruehkindlich:2",
        "2.1.3",
        ("Sprach-Kitas", "Language-focused day care"),
        (
            "Zusätzliche Fachkräfte für alltagsintegrierte Sprachbildung in 180 Kitas.",
            "Additional staff for everyday language education in 180 day-care centres.",
        ),
    ),
    _m(
        "fachkraefte-kita-vielfalt",
        "soziales",
        "planned",
        (2025, 2029),
        "fruehkindlich:3",
        "2.1.4",
        ("Vielfalt im Kita-Team", "Diversity in day-care teams"),
        (
            "Berufsbegleitende Ausbildung für Quereinsteigende mit ausländischen pädagogischen Abschlüssen.",
            "Work-based training for career changers with foreign teaching qualifications.",
        ),
    ),
    _m(
        "abschluss-sichern",
        "schule",
        "ongoing",
        (2014, None),
        "schule:1",
        "2.2.1 2.2.4",
        ("Kein Abschluss ohne Anschluss", "No qualification without a next step"),
        (
            "Lernförderung und Coaching für abschlussgefährdete Schülerinnen und Schüler ab Klasse 8.",
            "Tutoring and coaching for pupils at risk of leaving without a certificate, from year 8.",
        ),
    ),
    _m(
        "talente-foerdern",
        "schule",
        "ongoing",
        (2015, None),
        "schule:2",
        "2.2.2 2.2.3",
        ("Talentförderung in der Oberstufe", "Talent scheme for upper secondary"),
        (
            "Stipendien und Mentoring für leistungsstarke Jugendliche aus nicht-akademischen Familien.",
            "Scholarships and mentoring for high-achieving young people from non-academic families.",
        ),
    ),
    _m(
        "ganztag-ausbau",
        "schule",
        "completed",
        (2012, 2020),
        "schule:3",
        "2.2.7",
        ("Ausbau der Ganztagsschulen", "Expansion of all-day schools"),
        (
            "Alle Grundschulen bieten ein kostenfreies Ganztagsangebot bis 16 Uhr.",
            "Every primary school offers free all-day provision until 4 pm.",
        ),
    ),
    _m(
        "lehrkraefte-vielfalt",
        "schule",
        "ongoing",
        (2017, None),
        "schule:3",
        "2.2.6",
        ("Lehrkräfte mit Migrationsgeschichte gewinnen", "Recruiting teachers with an immigrant background"),
        (
            "Netzwerk, Schnupperpraktika und Anpassungsqualifizierung für Lehrkräfte mit ausländischem Abschluss.",
            "Network, taster placements and adaptation training for teachers with foreign qualifications.",
        ),
    ),
    _m(
        "jugendberufsagentur",
        "arbeit",
        "ongoing",
        (2012, None),
        "berufsbildung:1",
        "2.3.1 2.3.4",
        ("Jugendberufsagentur", "Youth employment agency"),
        (
            "Eine Anlaufstelle aus Arbeitsagentur, Jobcenter, Schule und Jugendhilfe für alle unter 25.",
            "One contact point of employment agency, job centre, schools and youth services for everyone under 25.",
        ),
    ),
    _m(
        "ausbildungsbegleitung",
        "schule",
        "ongoing",
        (2016, None),
        "berufsbildung:2",
        "2.3.2 2.3.3",
        ("Assistierte Ausbildung", "Assisted vocational training"),
        (
            "Sozialpädagogische Begleitung und Nachhilfe während der Ausbildung, um Abbrüche zu vermeiden.",
            "Social work support and tutoring during training to prevent drop-out.",
        ),
    ),
    _m(
        "studienstart",
        "wissenschaft",
        "ongoing",
        (2017, None),
        "hochschule:1",
        "2.4.1 2.4.2",
        ("Studienstart-Programm", "Study start programme"),
        (
            "Vorkurse, Peer-Mentoring und Schreibberatung für Studierende der ersten Generation.",
            "Bridging courses, peer mentoring and writing support for first-generation students.",
        ),
    ),
    _m(
        "talente-halten",
        "wissenschaft",
        "ongoing",
        (2018, None),
        "hochschule:2",
        "2.4.4",
        ("Internationale Talente halten", "Keeping international talent"),
        (
            "Karriereberatung und Praktikumsbörse für internationale Studierende.",
            "Career advice and an internship exchange for international students.",
        ),
    ),
    _m(
        "grundbildung",
        "schule",
        "ongoing",
        (2014, None),
        "weiterbildung:1 weiterbildung:2",
        "2.5.1 2.5.3 2.5.4",
        ("Grundbildungszentren", "Basic skills centres"),
        (
            "Lese-, Schreib- und Rechenkurse für Erwachsene in allen Bezirken.",
            "Reading, writing and numeracy courses for adults in every district.",
        ),
    ),
    _m(
        "arbeitsmarkt-frauen",
        "arbeit",
        "ongoing",
        (2016, None),
        "arbeitsmarkt:2",
        "3.1.2 3.1.7",
        ("Perspektive Arbeit für Frauen", "Job prospects for women"),
        (
            "Teilzeitqualifizierung mit Kinderbetreuung für Frauen mit Migrationsgeschichte.",
            "Part-time training with childcare for women with an immigrant background.",
        ),
    ),
    _m(
        "langzeitarbeitslose",
        "arbeit",
        "ongoing",
        (2019, 2027),
        "arbeitsmarkt:1",
        "3.1.1 3.1.3",
        ("Sozialer Arbeitsmarkt", "Social labour market"),
        (
            "Geförderte Beschäftigung mit Coaching für Menschen, die lange ohne Arbeit sind.",
            "Subsidised jobs with coaching for the long-term unemployed.",
        ),
    ),
    _m(
        "gruendungsberatung",
        "arbeit",
        "ongoing",
        (2013, None),
        "selbststaendigkeit:1 selbststaendigkeit:2",
        "3.2.3 3.2.4",
        ("Gründungsberatung in vielen Sprachen", "Start-up advice in many languages"),
        (
            "Kostenfreie Beratung und Gründungskredite für Gründerinnen und Gründer mit Migrationsgeschichte.",
            "Free advice and start-up loans for founders with an immigrant background.",
        ),
    ),
    _m(
        "anerkennungsberatung",
        "arbeit",
        "ongoing",
        (2012, None),
        "anerkennung:1",
        "3.3.1 3.3.3",
        ("Zentrale Anerkennungsberatung", "Central recognition advice service"),
        (
            "Beratung und Stipendien für Anerkennungsverfahren und Anpassungsqualifizierungen.",
            "Advice and grants for recognition procedures and adaptation training.",
        ),
    ),
    _m(
        "anpassungsqualifizierung",
        "arbeit",
        "ongoing",
        (2015, None),
        "anerkennung:2",
        "3.3.2 3.3.4 3.3.5",
        ("Brückenkurse für akademische Berufe", "Bridging courses for academic professions"),
        (
            "Kurse, mit denen Zugewanderte ihre Abschlüsse in Medizin, Lehramt und Ingenieurwesen ergänzen.",
            "Courses that let immigrants complete their qualifications in medicine, teaching and engineering.",
        ),
    ),
    _m(
        "teilhabepaket-lotsen",
        "soziales",
        "ongoing",
        (2017, None),
        "sozialesicherung:3",
        "3.4.5",
        ("Lotsendienst Bildung und Teilhabe", "Guides for education and participation benefits"),
        (
            "Lotsinnen und Lotsen helfen Familien, zustehende Leistungen zu beantragen.",
            "Guides help families claim the benefits they are entitled to.",
        ),
    ),
    _m(
        "wohnungsvergabe-fair",
        "wohnen",
        "ongoing",
        (2016, None),
        "wohnen:1",
        "4.1.3 4.1.5",
        ("Faire Wohnungsvergabe", "Fair allocation of flats"),
        (
            "Anonymisierte Vergabe und Beschwerdestelle bei den städtischen Wohnungsgesellschaften.",
            "Anonymised allocation and a complaints office at the municipal housing companies.",
        ),
    ),
    _m(
        "sozialwohnungen",
        "wohnen",
        "ongoing",
        (2011, None),
        "wohnen:2",
        "4.1.2 4.1.5",
        ("Wohnungsbauprogramm", "Housing construction programme"),
        (
            "Jedes Jahr 3.000 neue Wohnungen, davon ein Drittel gefördert.",
            "3,000 new flats a year, a third of them subsidised.",
        ),
    ),
    _m(
        "nachbarschaft-stiften",
        "integration",
        "ongoing",
        (2016, None),
        "quartier:1",
        "4.2.1 4.2.2 4.2.5",
        ("Nachbarschaftsfonds", "Neighbourhood fund"),
        (
            "Kleine Zuschüsse für Nachbarschaftsfeste, Gärten und Begegnungsprojekte.",
            "Small grants for street parties, gardens and encounter projects.",
        ),
    ),
    _m(
        "rise-quartiere",
        "wohnen",
        "ongoing",
        (2010, None),
        "stadtteilentwicklung:1 stadtteilentwicklung:2",
        "4.3.1 4.3.2 4.3.3",
        ("Programm Stadtteilentwicklung", "Neighbourhood development programme"),
        (
            "Investitionen in Bildung, Treffpunkte und Grün in sieben Fördergebieten.",
            "Investment in education, meeting places and green space in seven programme areas.",
        ),
    ),
    _m(
        "gesundheitslotsen",
        "gesundheit",
        "ongoing",
        (2015, None),
        "gesundheit:1 gesundheit:2",
        "5.1.1 5.1.2 5.1.5",
        ("Gesundheitslotsinnen und -lotsen", "Health guides"),
        (
            "Geschulte Lotsinnen und Lotsen informieren in ihrer Sprache über Vorsorge und Impfungen.",
            "Trained guides inform people in their own language about check-ups and vaccinations.",
        ),
    ),
    _m(
        "pflege-kultursensibel",
        "gesundheit",
        "ongoing",
        (2017, None),
        "pflege:1 pflege:2",
        "5.2.1 5.2.3 5.2.4",
        ("Kultursensible Pflege", "Culturally sensitive care"),
        (
            "Fortbildung, Sprachmittlung und Beratung für Pflegedienste und Pflegeheime.",
            "Training, interpreting and advice for care services and care homes.",
        ),
    ),
    _m(
        "sport-maedchen",
        "kultur",
        "ongoing",
        (2014, None),
        "sport:1",
        "5.3.1 5.3.2",
        ("Mädchen an den Ball", "Girls on the ball"),
        (
            "Kostenfreie Sportangebote für Mädchen in Schulen und Vereinen der Stadtteile.",
            "Free sports sessions for girls at schools and clubs in the neighbourhoods.",
        ),
    ),
    _m(
        "schwimmen-lernen",
        "schule",
        "ongoing",
        (2018, None),
        "sport:2",
        "5.3.3",
        ("Schwimmoffensive", "Learn-to-swim drive"),
        ("Zusätzliche Schwimmstunden in Klasse 3 und 4.", "Extra swimming lessons in years 3 and 4."),
    ),
    _m(
        "kultur-fuer-alle",
        "kultur",
        "ongoing",
        (2016, None),
        "kultur:1 kultur:2",
        "6.1.1 6.1.4",
        ("Kultur für alle", "Culture for everyone"),
        (
            "Freier Eintritt für unter 18-Jährige und Förderlinie für interkulturelle Projekte.",
            "Free admission for under-18s and a funding line for intercultural projects.",
        ),
    ),
    _m(
        "medien-vielfalt",
        "kultur",
        "planned",
        (2025, 2028),
        "medien:2",
        "6.2.1",
        ("Volontariat Vielfalt", "Diversity traineeship"),
        ("Stipendien für Volontariate in Lokalredaktionen.", "Grants for traineeships in local newsrooms."),
    ),
    _m(
        "personal-vielfalt",
        "personal",
        "ongoing",
        (2012, None),
        "verwaltung:1",
        "6.3.1 6.3.2 6.3.3 6.3.6",
        ("Kampagne „Wir sind Musterstadt“", "Campaign 'We are Musterstadt'"),
        (
            "Ausbildungswerbung in vielen Sprachen und anonymisierte Bewerbungsverfahren.",
            "Apprenticeship advertising in many languages and anonymised application procedures.",
        ),
    ),
    _m(
        "interkulturelle-fortbildung",
        "personal",
        "ongoing",
        (2013, None),
        "verwaltung:2",
        "6.3.4 6.3.5 6.3.7",
        ("Interkulturelle Kompetenz in der Verwaltung", "Intercultural skills in the administration"),
        (
            "Pflichtfortbildung für Beschäftigte mit Kundenkontakt und mehrsprachige Formulare.",
            "Mandatory training for staff dealing with the public and multilingual forms.",
        ),
    ),
    _m(
        "antidiskriminierungsberatung",
        "integration",
        "ongoing",
        (2017, None),
        "diskriminierung:1 diskriminierung:2",
        "6.4.1 6.4.2 6.4.5",
        ("Antidiskriminierungsberatung", "Anti-discrimination counselling"),
        (
            "Unabhängige Beratungsstelle mit Sprechstunden in allen Bezirken.",
            "Independent counselling service with office hours in every district.",
        ),
    ),
    _m(
        "wohnungen-gefluechtete",
        "soziales",
        "ongoing",
        (2016, None),
        "unterbringung:1",
        "7.1.1 7.1.2",
        ("Von der Unterkunft in die Wohnung", "From shelter to home"),
        (
            "Wohnungslotsinnen, Mietbürgschaften und Kontingente bei Wohnungsunternehmen.",
            "Housing guides, rent guarantees and quotas with housing companies.",
        ),
    ),
    _m(
        "bewohnerraete",
        "soziales",
        "completed",
        (2016, 2020),
        "unterbringung:2",
        "7.1.4 7.1.5",
        ("Bewohnerräte in Unterkünften", "Residents' councils in shelters"),
        (
            "Aufbau gewählter Bewohnerräte in allen Folgeunterkünften.",
            "Elected residents' councils in every follow-up shelter.",
        ),
    ),
    _m(
        "sprachkurs-sofort",
        "integration",
        "ongoing",
        (2016, None),
        "sprache:1 sprache:2",
        "7.2.1 7.2.2 7.2.3",
        ("Deutsch vom ersten Tag", "German from day one"),
        (
            "Niedrigschwellige Kurse in Unterkünften bis zum Beginn des Integrationskurses, mit Kinderbetreuung.",
            "Low-threshold courses in shelters until the integration course begins, with childcare.",
        ),
    ),
    _m(
        "work-and-integration",
        "arbeit",
        "ongoing",
        (2016, None),
        "arbeitsmarktzugang:1 arbeitsmarktzugang:2",
        "7.3.1 7.3.2 7.3.3",
        ("Arbeit und Integration für Geflüchtete", "Work and integration for refugees"),
        (
            "Kompetenzfeststellung, Vermittlung und Begleitung in Arbeit und Ausbildung.",
            "Skills assessment, placement and support into work and training.",
        ),
    ),
)
