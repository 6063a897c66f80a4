"""Question understanding: topic, cues, follow-ups, caller filters and the French summary."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rag.config import NEAR_KM
from rag.lexical import stem
from rag.models import Event
from rag.places import Gazetteer
from rag.query import (
    alternatives,
    no_topic_term,
    topic_terms,
    topic_words,
    understand,
    understood_summary,
)

TZ = ZoneInfo("Europe/Paris")
THURSDAY = date(2026, 11, 26)
GAZETTEER = Gazetteer.from_events(
    Event(uid=str(i), title="x", city=city, postal_code=code, region=region)
    for i, (city, code, region) in enumerate(
        [
            ("Paris", "75014", "Ile de France"),
            ("Lyon", "69001", None),
            ("Rennes", "35000", "Brittany"),
            ("Caen", "14000", "Normandy"),
        ]
    )
)
ABROAD = Gazetteer.from_events(
    [
        *(Event(uid="p", title="x", city="Paris", postal_code="75014") for _ in range(3)),
        Event(uid="a", title="x", city="Aoste", region="Vallée d'Aoste", country="Italie"),
    ]
)


def day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Que faire ce week-end à Paris ?", ""),
        ("Que faire ce week-end à Paris avec des enfants ?", ""),
        ("Quels concerts de jazz ce week-end à Paris ?", "concerts de jazz"),
        (
            "Y a-t-il des expositions de photo gratuites à Paris en décembre ?",
            "expositions de photo",
        ),
        ("Qu'est-ce qu'il y a comme spectacles pour enfants demain ?", "spectacles"),
        ("Je cherche un atelier de poterie pour adultes à Caen", "atelier de poterie"),
        ("Des idées de sorties pour les 6-10 ans samedi ?", ""),
        ("Quels événements culturels à Lyon ?", ""),
        ("L'exposition Picasso est-elle ouverte dimanche ?", "exposition Picasso"),
        ("Que faire pour la Saint-Valentin ?", "Saint-Valentin"),
        ("théâtre d'improvisation", "théâtre d'improvisation"),
        ("Où sortir ce soir ?", ""),
        ("un jardin dimanche, c'est possible ?", "jardin"),
        ("Any talks from January onwards?", "talks"),  # the open end belongs to the date
        ("je suis accro au chocolat, il y a quoi ?", "chocolat"),  # liking is no topic
        ("kid-friendly events this weekend", ""),  # "friendly" belongs to the audience
        ("family friendly things to do", ""),
        ("koi faire ce soir ?", ""),  # texted French is grammar too
        ("un spectacle qui convienne à une ado", "spectacle"),  # suiting is no topic
        ("It's Friday night, any show I can still catch?", "show"),
        ("ya kel expo a voir", "expo"),
        # a way of asking in any of its forms, by its dictionary form (rag.lemmas)
        ("mon ado veut sortir, un truc pour lui ?", ""),
        ("nous voudrions trouver une expo", "expo"),
        ("ma fille aimerait voir un concert", "concert"),
        ("my son wants to see a play", "play"),
        ("she loved the circus, anything like it?", "circus"),
        # units of time go with the date they are said with
        ("Je serai à Paris le 7 décembre, il y a quelque chose ce jour-là ?", ""),
        ("What is on in Lyon that day?", ""),
        ("Mercredi 11 novembre c'est férié, il y a quoi ce jour-là ?", ""),
        ("dimanche matin, quoi faire avant midi ?", ""),
        # a place's department or region said again, bare, says where it is
        ("Ille-et-Vilaine : des événements à Rennes ?", ""),
        ("Rennes, Brittany: anything on?", ""),
        ("Are there any events coming up in Caen?", ""),  # generic outing words of English
        ("Just curious, anything on in Lyon?", ""),
        ("jcherche un bar pour jouer aux échecs", "bar pour jouer aux échecs"),  # texted "je"
        # the asker's situation: who goes, the weather, why one is there ([context])
        ("Je voudrais emmener ma mère voir du Molière", "Molière"),
        ("une sortie avec ma mère et mes enfants ?", ""),
        ("any tours for my mum and dad?", "tours"),
        ("Heading to Caen in December, what is listed?", ""),
        ("Et s'il pleut ?", ""),
        ("Is there an AI conference in Caen?", "AI conference"),  # initials are no grammar
        ("Business trip to Caen, any talks?", "talks"),
        ("Something designed for little ones?", ""),
        # the people an outing is for are its audience, not its topic
        ("Anything adapted for blind visitors in Caen?", ""),
        ("Ma mere est malvoyante. Are there activities adapted for her in Caen?", ""),
        ("et samedi soir en particulier ? un truc a partir de 18h", ""),
        ("Des événements à Caen, n'importe quel jour ?", ""),
        ("Taking my partner out in Caen this weekend, what shows are on?", "shows"),
        ("Des sorties à Caen pendant les vacances scolaires ?", ""),
        ("anything in Caen later this month?", ""),
        ("sometime next week, a concert in Caen?", "concert"),
        ("C'est quoi les événements incontournables à Caen ce mois-ci ?", ""),
        ("Something unusual to do in Caen?", ""),
        ("What can I see in Caen on Christmas Day? Anything open at all?", "Noël"),
        ("ya quoi a caen ces temps ci ?", ""),
        ("je m'ennuie grave, un truc à faire à Caen ?", ""),  # bored: no dislike
        ("on ne s'ennuie pas ici ?", ""),
        ("slt, des idees pour sortir ce week-end ? on sait pas trop quoi faire", ""),
        ("des visites pour les visiteurs sourds", "visites"),
        # the asker's situation, texted words, the language every event here speaks
        ("etudiant fauché ici lol, y a quoi de gratuit à Caen ce week-end ?", ""),
        ("skint student here, anything free in Caen?", ""),
        ("im retired and curious abt jazz", "jazz"),
        ("Is there something in French going on in Caen?", ""),
        ("Et toujours ce week-end-là, qu'est-ce qui serait adapté ?", ""),
        ("And that same day, anything for kids?", ""),
        ("a family wiht kids, anything in Caen?", ""),  # a grammar word misspelled
        ("une expo gratuite ET accessible en fauteuil ?", "expo"),  # stressed, not initials
        ("Dates du salon du chocolat ?", "salon du chocolat"),
        ("I love Indian dance, is anything scheduled in Caen?", "Indian dance"),
        ("And for her little brother, he's 5?", ""),
        ("Sortie en poussette à Caen, un truc pour les moins de 3 ans ?", ""),
        ("Des choses prévues à Caen ou ailleurs ?", ""),
        ("Et un truc le soir, même si c'est un peu plus cher ?", ""),  # price, no topic
        ("Visiting Caen this spring. Anything going on in town?", ""),
        ("Just the ones in Caen, please.", ""),
        ("les événements prévus à Caen au cours du mois de novembre ?", ""),
        ("Et parmi ça, lequel on peut faire sans s'inscrire à l'avance ?", ""),
        ("anything in Caen I can just walk in, without booking?", ""),
        ("je vais habiter à Caen, il y a des événements là-bas ?", ""),
        ("ma cousine habite à Caen, un événement en novembre ?", ""),
        (
            "Pour la Saint-Valentin je veux emmener ma chérie voir un spectacle",
            "spectacle Saint-Valentin",
        ),
        ("Anything French-language happening in Caen?", ""),
        ("un cours de yoga, si possible en plein air", "cours de yoga en plein air"),
        # a person the cues did not take, and what they would enjoy, name no topic
        ("Easter Monday in Caen, a show my 4-year-old daughter could enjoy?", "show"),
        ("un spectacle qui plairait à ma fille de 4 ans", "spectacle"),
        ("Les Filles de la Lumière, c'est quand ?", "Filles de la Lumière"),  # a title
        ("un stage pendant les vacances d'été 2026 ?", "stage"),  # the holidays' year
        # hedges, and the asker's own part of town, name no topic
        ("I don't know anyone yet, what is there to do in Caen?", ""),
        ("une sortie à Caen samedi, idéalement un peu éducative", "éducative"),
        ("Qu'est-ce qui se passe dans mon quartier à Caen en octobre ?", ""),
        ("anything in my neighbourhood in Caen?", ""),
        ("On habite à Caen, il y a des événements programmés dans la ville ?", ""),
        ("un truc toddler-friendly à Caen ?", ""),
        # "what is playing" asks what is on
        ("Du théâtre mardi soir à Caen, qu'est-ce qui se joue ?", "théâtre"),
        ("What's playing at the theatre in Caen tonight?", "theatre"),
    ],
)
def test_topic_is_what_is_left_to_search(question: str, topic: str) -> None:
    assert understand(question, THURSDAY, GAZETTEER, TZ).topic == topic


@pytest.mark.parametrize(
    ("question", "audience", "free"),
    [
        ("spectacles pour enfants", ["enfants"], False),
        ("sortie en famille gratuite", ["famille"], True),
        ("ateliers pour les 6-10 ans", ["enfants"], False),
        ("stage pour des 14 ans", ["ados"], False),
        ("activités pour les ados", ["ados"], False),
        ("cours de danse pour adultes", ["adultes"], False),
        ("visites pour seniors", ["seniors"], False),
        ("un concert sans payer", [], True),
        ("musée en entrée libre", [], True),
        ("un concert pas cher", [], False),
        ("concerts de jazz", [], False),
        ("something for kids", ["enfants"], False),
        ("free museums for families", ["famille"], True),
        ("shows for teenagers", ["ados"], False),
        ("un truc avec mes grands-parents", ["seniors"], False),
        ("un truc avec ma belle-famille", [], False),  # the in-laws: no family outing
        ("kid-friendly events", ["enfants"], False),
        ("family friendly things to do", ["famille"], False),
        ("what can my teenage son do?", ["ados"], False),
        ("un spectacle jeune public", ["enfants"], False),
        ("activities for toddlers", ["enfants"], False),
        # the children left at home are no audience
        ("une soirée pour adultes, on laisse les enfants à la maison", ["adultes"], False),
        ("a night out, we're leaving the kids with grandma", [], False),
    ],
)
def test_audience_and_price_cues(question: str, audience: list[str], free: bool) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert (u.audience, u.free) == (audience, free)


@pytest.mark.parametrize(
    ("question", "ages", "summary"),
    [
        ("Que faire avec mon bébé de 18 mois ?", (1.5, 1.5), "pour les enfants, 18 mois"),
        ("des spectacles pour les tout-petits", (0, 3), "spectacles, pour les enfants, 0 à 3 ans"),
        ("une sortie avec ma fille de 9 ans", (9, 9), "pour les enfants, 9 ans"),
        ("ateliers pour les 6-10 ans", (6, 10), "ateliers, pour les enfants, 6 à 10 ans"),
        ("entre 8 et 12 ans", (8, 12), "pour les enfants, 8 à 12 ans"),
        ("something for my 5 year old", (5, 5), "for children, 5 years"),
        ("for a baby", (0, 2), "for children, 0 to 2 years"),
        ("les 30 ans du festival", None, "30 ans du festival"),
        # an age given to a person without its unit; "(14)" is then no department
        ("a play for a teenager (14)?", (14, 14), "play, for teenagers, 14 years"),
        ("My daughter is 3, anything?", (3, 3), "for children, 3 years"),
        ("twins aged 7 and 9?", (7, 9), "for children, 7 to 9 years"),
        # spelled out where it cannot be a duration
        ("what can a four-year-old do?", (4, 4), "for children, 4 years"),
        ("une sortie avec ma fille de sept ans", (7, 7), "pour les enfants, 7 ans"),
        ("un festival tous les deux ans", None, "festival tous les deux ans"),
    ],
)
def test_ages(question: str, ages: tuple[float, float] | None, summary: str) -> None:
    """Ages become a range in years, checked against the events' age_min/age_max (class 5)."""
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert (None if u.ages is None else (u.ages.low, u.ages.high)) == ages
    assert understood_summary(u) == summary


@pytest.mark.parametrize(
    ("question", "access"),
    [
        ("un musée accessible en fauteuil roulant", ("mi",)),
        ("spectacle accessible PMR", ("mi",)),
        ("visite pour personnes sourdes", ("hi",)),
        ("un film en langue des signes", ("hi",)),
        ("une visite pour malvoyants", ("vi",)),
        ("wheelchair accessible concerts", ("mi",)),
        ("a show for deaf visitors", ("hi",)),
        ("atelier pour personnes en situation de handicap mental", ("ii", "pi")),
        ("sortie accessible aux personnes handicapées", ("mi", "hi", "vi", "ii", "pi")),
        ("concerts de jazz", ()),
    ],
)
def test_accessibility_cues(question: str, access: tuple[str, ...]) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert tuple(sorted(u.access)) == tuple(sorted(access))
    assert "accessible" not in u.topic and "handicap" not in u.topic


@pytest.mark.parametrize(
    ("question", "factual"),
    [
        ("Quelle est la capitale de la France ?", True),
        ("Qui est le président de la République ?", True),
        ("What is the capital of France?", True),
        ("Combien font deux et deux ?", True),
        ("Quels sont les concerts à Paris ?", False),
        ("Quelle est la meilleure expo ce week-end ?", False),
        ("Des activités pour les enfants ?", False),
        # politeness alone asks for nothing; the way, the time, the weather are elsewhere
        ("Bonjour, ça va ?", True),
        ("hi, thanks!", True),
        ("Bonjour, que faire ce soir ?", False),
        ("Et sinon ?", False),
        ("Comment aller à Caen ?", True),
        ("How do I get to Caen?", True),
        ("Quelle heure est-il ?", True),
        ("what's the weather in Caen on Saturday?", True),
        ("Il va pleuvoir samedi à Caen ?", True),
        ("Will it rain in Caen on Saturday?", True),
        ("Et s'il pleut samedi, un truc en intérieur ?", False),  # an outing for the rain
        # booking, buying, paying: the assistant reads events, it sells nothing
        ("Peux-tu me réserver deux places pour le concert de samedi ?", True),
        ("Could you book me a table for two tonight?", True),
        ("Je voudrais réserver pour le concert de samedi, c'est possible ?", False),
    ],
)
def test_out_of_scope_questions(question: str, factual: bool) -> None:
    """A factual question that names no outing, date, place or cue is out of scope (class 7)."""
    assert understand(question, THURSDAY, GAZETTEER, TZ).factual is factual


def test_a_standalone_question_understood() -> None:
    u = understand("Quels concerts de jazz ce week-end à Paris ?", THURSDAY, GAZETTEER, TZ)
    assert u.window is not None and (u.window.start, u.window.end) == (
        day("2026-11-28"),
        day("2026-11-30"),
    )
    assert u.place is not None and (u.place.kind, u.place.name) == ("city", "Paris")
    assert understood_summary(u) == (
        "concerts de jazz, ce week-end (du samedi 28 au dimanche 29 novembre 2026), à Paris"
    )


def test_follow_ups_inherit_and_override() -> None:
    history: list[str] = []

    def ask(question: str) -> str:
        u = understand(question, THURSDAY, GAZETTEER, TZ, previous_questions=history)
        history.append(question)
        return understood_summary(u)

    assert ask("Quels concerts de jazz ce week-end à Paris ?").startswith("concerts de jazz")
    assert ask("Et le dimanche ?") == "concerts de jazz, le dimanche 29 novembre 2026, à Paris"
    assert ask("et à Lyon ?") == "concerts de jazz, le dimanche 29 novembre 2026, à Lyon"
    assert ask("et pour les enfants ?").endswith(
        "pour les enfants, le dimanche 29 novembre 2026, à Lyon"
    )
    assert ask("et gratuit ?") == (
        "concerts de jazz, gratuit, pour les enfants, le dimanche 29 novembre 2026, à Lyon"
    )
    assert ask("et des expos ?").startswith("expos, gratuit")
    # A question that stands on its own starts afresh.
    assert ask("Que faire demain à Rennes ?") == "demain (le vendredi 27 novembre 2026), à Rennes"


@pytest.mark.parametrize(
    ("earlier", "question", "weekdays", "start", "end"),
    [
        (
            "que faire cet hiver à Caen ?",
            "et seulement le dimanche ?",
            (6,),
            "2026-12-21",
            "2027-03-20",
        ),
        ("what's on in Caen this winter?", "only on Sundays?", (6,), "2026-12-21", "2027-03-20"),
        ("un concert ce week-end ?", "et le dimanche ?", None, "2026-11-29", "2026-11-30"),
        # weekdays said without an article, over a long window, are its weekdays too
        (
            "des concerts à Caen en janvier ?",
            "juste ceux qui tombent un vendredi ou un samedi soir",
            (4, 5),
            "2027-01-01",
            "2027-02-01",
        ),
        (
            "any concerts in Caen in January?",
            "only the ones on a Friday or a Saturday",
            (4, 5),
            "2027-01-01",
            "2027-02-01",
        ),
    ],
)
def test_a_habit_follow_up_keeps_those_days_of_the_earlier_window(
    earlier: str, question: str, weekdays: tuple[int, ...] | None, start: str, end: str
) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ, previous_questions=[earlier])
    assert u.window is not None and u.window.weekdays == weekdays
    assert (u.window.start, u.window.end) == (day(start), day(end))


def test_those_that_fall_on_a_day_point_back_at_the_earlier_topic() -> None:
    u = understand(
        "juste ceux qui tombent un vendredi",
        THURSDAY,
        GAZETTEER,
        TZ,
        previous_questions=["des concerts à Caen en janvier ?"],
    )
    assert u.topic == "concerts" and u.place is not None and u.place.name == "Caen"


@pytest.mark.parametrize(
    ("question", "radius"),
    [
        ("je loge à Caen, un truc sympa pas loin ?", NEAR_KM),
        ("staying in Caen, anything nearby tonight?", NEAR_KM),
        ("je loge dans le 13e, un truc sympa pas loin ?", None),  # the 13e is near enough
    ],
)
def test_near_said_apart_from_the_place_is_around_it(question: str, radius: float | None) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert u.place is not None and u.place.radius_km == radius
    assert set(topic_terms(u.topic)) <= u.incidental  # "je loge", "staying": the story


def test_a_weekday_follow_up_stays_inside_the_earlier_window() -> None:
    u = understand(
        "et dimanche ?",
        THURSDAY,
        GAZETTEER,
        TZ,
        previous_questions=["concerts le week-end du 5 décembre"],
    )
    assert u.window is not None and u.window.start == day("2026-12-06")
    assert u.topic == "concerts"


@pytest.mark.parametrize(
    ("follow_up", "summary"),
    [
        ("Et dimanche seulement ?", "concerts, le dimanche 29 novembre 2026, à Lyon"),
        ("et là-bas, dimanche ?", "concerts, le dimanche 29 novembre 2026, à Lyon"),
        ("Et qu'est-ce qu'il y a là-bas pour les enfants ?", "concerts, pour les enfants"),
        ("and for kids?", "concerts, for children, ce week-end"),
    ],
)
def test_short_follow_ups(follow_up: str, summary: str) -> None:
    """Filler and "là-bas" do not stop a follow-up from inheriting (classes 1 and 4)."""
    u = understand(
        follow_up, THURSDAY, GAZETTEER, TZ, previous_questions=["Des concerts ce week-end à Lyon ?"]
    )
    assert understood_summary(u).startswith(summary)
    assert u.place is not None and u.place.name == "Lyon"


@pytest.mark.parametrize(
    ("follow_up", "km"),
    [
        ("et 40 km autour ?", 40.0),
        ("et dans un rayon de 30 km ?", 30.0),
        ("et dans le coin ?", 15.0),
    ],
)
def test_a_follow_up_widens_the_place_asked_before(follow_up: str, km: float) -> None:
    earlier = ["Des concerts ce week-end à Lyon ?"]
    u = understand(follow_up, THURSDAY, GAZETTEER, TZ, previous_questions=earlier, near_km=15.0)
    assert u.place is not None and (u.place.name, u.place.radius_km) == ("Lyon", km)
    assert u.topic == "concerts"


def test_without_history_a_follow_up_is_read_alone() -> None:
    u = understand("et à Lyon ?", THURSDAY, GAZETTEER, TZ)
    assert u.topic == "" and u.window is None
    assert u.place is not None and u.place.name == "Lyon"


def test_caller_filters_override_the_question() -> None:
    u = understand(
        "concerts ce week-end à Paris",
        THURSDAY,
        GAZETTEER,
        TZ,
        city="lyon",
        date_from=date(2026, 12, 10),
    )
    assert u.place is not None and (u.place.kind, u.place.name) == ("city", "Lyon")
    assert u.window is not None and (u.window.start, u.window.end) == (
        day("2026-12-10"),
        day("2027-12-10"),
    )
    unknown = understand("concerts", THURSDAY, GAZETTEER, TZ, city="Atlantis")
    assert unknown.place is not None and unknown.place.name == "Atlantis"
    until = understand("concerts", THURSDAY, GAZETTEER, TZ, date_to=date(2026, 12, 1))
    assert until.window is not None and until.window.start == day("2026-11-26")


def test_regions_and_departments_in_the_summary() -> None:
    u = understand("expos en Bretagne cet hiver", THURSDAY, GAZETTEER, TZ)
    assert understood_summary(u) == (
        "expos, cet hiver (du 21 décembre 2026 au 19 mars 2027), en Bretagne"
    )
    assert understood_summary(understand("Que faire ?", THURSDAY, GAZETTEER, TZ)) == ""


@pytest.mark.parametrize(
    ("topic", "choices"),
    [
        ("expo de peinture ou de photo", [{"peintur", "photo"}]),
        ("ateliers créatifs, peinture ou collage", [{"peintur", "collag"}]),
        ("jazz or blues concerts", [{"jazz", "blue"}]),
        ("théâtre, danse ou cirque", [{"dan", "cirqu"}]),
        ("concerts de jazz", []),
    ],
)
def test_alternatives(topic: str, choices: list[set[str]]) -> None:
    """Words offered as a choice count as one slot of the topic's coverage (class 6)."""
    assert [set(c) for c in alternatives(topic)] == choices


@pytest.mark.parametrize(
    ("topic", "terms"),
    [
        ("un tournoi d'e-sport", ["tournoi", "esport"]),
        ("la retraite, y a-t-il des réunions", ["retrait", "reunion"]),
        ("le concert a-t-elle lieu", ["concert", "lieu"]),
        ("is there a T-shirt swap", ["tshirt", "swap"]),
    ],
)
def test_topic_terms_join_a_letter_to_its_word_but_not_a_pronoun(
    topic: str, terms: list[str]
) -> None:
    # "y a-t-il" left inside a topic is grammar, not an unknown word "til" (which would
    # weigh most and refuse the question)
    assert topic_terms(topic) == terms


@pytest.mark.parametrize(
    ("question", "topic", "incidental"),
    [
        ("je bosse à Caen, il y a quoi ?", "bosse", {"bos"}),
        ("Samedi soir, on sort où ?", "sort", {"sort"}),
        ("I work in Caen, any concerts?", "work any concerts", {"work"}),
        # a dash apart ends the asker's clause as a comma does
        ("I work in Caen — any knitting meetup?", "work any knitting meetup", {"work"}),
        ("je bosse à Caen - un atelier tricot ?", "bosse un atelier tricot", {"bos"}),
        ("des concerts de jazz", "concerts de jazz", set()),
        # beside outings in general, a choice only ranks: any outing will do
        ("des sorties ou des voyages pour les seniors à Caen ?", "voyages", {"voyag"}),
        ("a workshop or anything fun in Caen?", "workshop", {"workshop"}),
        # ...unless that outing is for something too: both are asked
        (
            "un atelier galette des rois ou un truc pour l'épiphanie à Caen ?",
            "atelier galette des rois ou un pour l'épiphanie",
            set(),
        ),
        # ...an evening or a session is a format, not any outing: the choice must match
        ("une soirée ou un atelier Halloween ?", "atelier Halloween", set()),
        ("un concert ou un spectacle de danse ?", "concert ou un spectacle de danse", set()),
        # how the askers go
        ("qu'est-ce qu'on peut faire ensemble samedi ?", "ensemble", {"ensembl"}),
        ("things to do together in Caen?", "together", {"together"}),
        ("un concert d'un ensemble baroque ?", "concert d'un ensemble baroque", set()),
        # a leading clause about the asker, up to its punctuation; auxiliaries skipped
        (
            "Je rentre de vacances, qu'est-ce que j'ai raté ?",  # what one missed is no topic
            "rentre de vacances",
            {"rentr", "vacanc"},
        ),
        ("I'm cycling through Caen with my kids, what to do?", "cycling", {"cycling"}),
        # being somewhere, as context before the question, says why the asker is there
        ("Je serai à Caen pour un mariage, qu'est-ce qu'il y a ?", "mariage", {"mariag"}),
        ("I'll be in Caen for a wedding, what's on?", "wedding", {"wedding"}),
        ("des idées pour ce soir ? je suis dispo après le taf", "taf", {"taf"}),  # how one is
        # why one is there, said as such, is no topic at all
        ("Je serai à Caen pour le travail, qu'est-ce qu'il y a ?", "", set()),
        ("en déplacement à Caen mi-novembre, y a quoi à faire ?", "", set()),
        ("I'll be in Caen on a business trip, what's on?", "", set()),
        # a context word leaves the clause about the asker context ("je reste sur Caen")
        (
            "je serai en congé la semaine prochaine et je reste sur Caen, des idées ?",
            "congé",
            {"cong"},
        ),
        ("je suis à Caen pour du jazz", "jazz", set()),
        ("je suis à la recherche d'un match de rugby, vous avez ?", "match de rugby", set()),
        # a request is no context
        ("je cherche un match de rugby, vous avez ça ?", "match de rugby", set()),
        ("Can you find me a rugby match?", "rugby match", set()),  # nor one to the assistant
        # a person the asker brings is a subject as the asker is
        ("Mes grands-parents montent à Caen, des idées ?", "montent", {"montent"}),
        ("My grandparents live in Caen. Anything on?", "live", {"live"}),
        (
            "Notre petit-fils de 10 ans vient chez nous : un stage ?",
            "vient chez nous un stage",
            {"vient"},
        ),
        ("des amis de Lyon viennent à Caen, des idées ?", "Lyon viennent", {"lyon", "viennent"}),
        # what is told in the sentences around the question itself ranks, need not match
        (
            "Le musée était fermé hier. Des concerts à Caen ce soir ?",
            "musée était fermé hier Des concerts",
            {"muse", "ferm"},
        ),
        (
            "Our museum trip was cancelled. Any concerts in Caen tonight?",
            "museum trip was cancelled Any concerts",
            {"museum", "trip", "cancelled"},
        ),
        # ...nor the details said after it
        (
            "Any tribute shows in Caen? Think ABBA or Queen.",
            "tribute shows Think ABBA or Queen",
            {"think", "abba", "queen"},
        ),
        # ...and when the question names no topic, a story does not either
        (
            "What's on in Caen next month? Coming for the cathedral.",
            "Coming for the cathedral",
            {"coming", "cathedral"},
        ),
        # ...but a request is one ("je souhaiterais…"), whatever sentence asks after it
        (
            "Je souhaiterais un cours de salsa. Auriez-vous quelque chose à Caen ?",
            "cours de salsa",
            set(),
        ),
        # ...said in the same sentence, it is the question
        (
            "Le musée était fermé hier, des concerts à Caen ce soir ?",
            "musée était fermé hier des concerts",
            set(),
        ),
        # ...but what that person likes or wants is what to search
        ("ma copine adore le jazz, un concert ?", "jazz un concert", set()),
        ("ma copine rêve de faire de la salsa à Caen", "salsa", set()),
        ("We feel like doing karaoke in Caen tonight", "karaoke", set()),
        ("My wife loves jazz, any concerts?", "jazz any concerts", set()),
        # a subject after its verb asks: what follows is the request
        ("Où peut-on écouter du jazz à Caen ?", "écouter du jazz", set()),
        ("Where can we watch a rugby match in Caen?", "watch a rugby match", set()),
        ("Could I see some theatre in Caen on Friday?", "theatre", set()),
        # a verb of the asker's that leads to a way of asking: only the verb is theirs
        (
            "je n'arrive pas à trouver de cours de poterie à Caen",
            "arrive de cours de poterie",
            {"arriv"},
        ),
        # "et je", "and I" open a clause of their own: the request
        (
            "Je suis travailleur handicapé et je cherche des ateliers emploi à Caen",
            "travailleur et je des ateliers emploi",  # "handicapé": the access cue
            {"travailleur"},
        ),
        ("I work in Caen and I want a jazz concert", "work and I a jazz concert", {"work"}),
        # a verb of the asker's situation ("moved", "staying") tells, an adverb before it or not
        (
            "I just moved to Caen for an engineering job and my wife is looking for work.",
            "engineering job",
            {"engineering", "job"},
        ),
        ("I also play rugby in Caen, any match?", "play rugby any match", {"play", "rugby"}),
        # a word of the story said again by the request is asked
        ("I'm a huge jazz fan: any jazz concert in Caen?", "huge jazz any jazz concert", {"huge"}),
    ],
)
def test_the_askers_own_verbs_are_marked(question: str, topic: str, incidental: set[str]) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert (u.topic, set(u.incidental)) == (topic, incidental)


@pytest.mark.parametrize(
    ("question", "kind", "name", "radius"),
    [
        ("anything in the Brittany region?", "region", "Bretagne", None),
        ("des sorties à Lyon et dans les environs", "city", "Lyon", 15.0),
        ("je bosse à Caen, des trucs dans le coin ?", "city", "Caen", 15.0),
        ("what's on in the Caen area?", "city", "Caen", 15.0),
        # the town's own department, said to place it
        ("que faire à Caen dans le Calvados ?", "city", "Caen", None),
        ("things to do in Caen in Calvados", "city", "Caen", None),
        ("que faire dans le Calvados (14) ?", "department", "Calvados", None),
        ("des sorties en Basse-Normandie ou en Normandie ?", "region", "Normandie", None),
    ],
)
def test_a_kind_of_place_or_its_surroundings_said_apart_from_the_name(
    question: str, kind: str, name: str, radius: float | None
) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert u.place is not None
    assert (u.place.kind, u.place.name, u.place.radius_km) == (kind, name, radius)
    assert u.topic in ("", "bosse")


@pytest.mark.parametrize(
    ("earlier", "question", "start"),
    [
        ("un atelier mercredi 2 décembre ?", "et le mercredi suivant ?", "2026-12-09"),
        ("a workshop on Wednesday 2 December?", "And the following Wednesday?", "2026-12-09"),
        ("un concert samedi 5 décembre ?", "et le lendemain ?", "2026-12-06"),
        ("a concert on Saturday 5 December?", "and the day after?", "2026-12-06"),
        ("un concert dimanche 6 décembre ?", "et le dimanche 13 ?", "2026-12-13"),
    ],
)
def test_a_follow_up_day_follows_the_earlier_dates(earlier: str, question: str, start: str) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ, previous_questions=[earlier])
    assert u.window is not None and u.window.start == day(start)


@pytest.mark.parametrize(
    ("question", "topic", "excluded"),
    [
        ("Ce week-end un spectacle vivant, pas une expo. Des idées ?", "spectacle vivant", "expo"),
        ("A live show this weekend, not an exhibition", "live show", "exhibition"),
        ("Des sorties à Caen sauf le cinéma", "", "cinéma"),
        ("Anything about Eiffel, apart from the tower itself?", "Eiffel", "tower"),
        ("Besides the tower, anything about Eiffel?", "Eiffel", "tower"),
        ("des concerts, mais pas de concerts de jazz", "concerts", "concerts jazz"),
        ("Tant pis pour le feu d'artifice, il y a quoi d'autre ?", "", "feu artifice"),
        ("never mind the fireworks, anything else?", "", "fireworks"),
        ("je déteste les musées, un truc en plein air ?", "plein air", "musées"),
        ("I don't like jazz, any rock?", "rock", "jazz"),
        ("pas fan de danse contemporaine, du hip-hop ?", "hip-hop", "danse contemporaine"),
        ("not a fan of theatre, a gig maybe?", "gig", "theatre"),
        # a dislike sets aside what comes before it, in its clause
        ("Un concert, mais les expos ne m'intéressent pas", "concert", "expos"),
        ("Any concerts? Exhibitions don't interest me.", "concerts", "Exhibitions"),
        ("les visites guidées, ça m'ennuie. Un atelier ?", "atelier", "visites guidées"),
        ("museums, not my thing; any gigs?", "gigs", "museums"),
        # the audience of what is set aside goes with it: only children's shows are out
        ("une pièce pour adultes, pas un spectacle pour enfants", "pièce", "spectacle enfants"),
        ("a play for grown-ups, not a show for kids", "play", "show kids"),
        # no negation: a question, "or not"
        ("il n'y a pas de concert ce soir ?", "concert", ""),
        ("y a pas de jazz à Caen ?", "jazz", ""),
        ("un spectacle en famille ou pas", "spectacle", ""),
    ],
)
def test_what_a_question_sets_aside(question: str, topic: str, excluded: str) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert (u.topic, u.excluded) == (topic, excluded)


def test_a_rank_said_again_is_no_topic_word() -> None:
    u = understand("what's on in the 11th arrondissement, in the 11th?", THURSDAY, GAZETTEER, TZ)
    assert u.place is not None and u.place.arrondissement == 11
    assert topic_terms(u.topic) == []


@pytest.mark.parametrize(
    "question", ["des visites en LSF en septembre ?", "any tours in BSL or LSF this month?"]
)
def test_what_a_cue_reads_is_no_place(question: str) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert u.place is None and "hi" in u.access


def test_the_feast_of_a_date_need_not_be_named_by_the_events() -> None:
    u = understand("Que faire le soir de la Saint-Valentin ?", THURSDAY, GAZETTEER, TZ)
    assert u.topic == "Saint-Valentin" and u.incidental == {"saint", "valentin"}
    # with a topic too: a show that evening answers when none names the feast
    show = understand("Valentine's night: is there a show in the evening?", THURSDAY, GAZETTEER, TZ)
    assert "show" in show.topic and show.incidental == {"saint", "valentin"}
    party = understand("any halloween party this year?", THURSDAY, GAZETTEER, TZ)
    assert "party" in party.topic and not party.incidental  # a party for the feast


@pytest.mark.parametrize(
    ("question", "earlier", "topic"),
    [
        ("Lesquels conviennent à une enfant de 6 ans ?", "Des concerts à Caen ?", "concerts"),
        ("ok and which of those can my dad get into?", "Any plays in Caen this summer?", "plays"),
        ("Juste ceux du samedi, svp", "Des concerts à Caen ce week-end ?", "concerts"),
        (
            "et pour des enfants de 6 ans, lesquelles conviennent ?",
            "des pièces en plein air à Caen cet été ?",
            "pièces en plein air",
        ),
        ("Just the Saturday, please", "Any plays in Caen this weekend?", "plays"),
    ],
)
def test_words_pointing_back_at_the_answer_make_a_follow_up(
    question: str, earlier: str, topic: str
) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ, previous_questions=[earlier])
    assert u.topic == topic and u.place is not None and u.place.name == "Caen"


@pytest.mark.parametrize(
    "question",
    ["C'est pour ma fille de 10 ans, lequel elle peut suivre ?", "laquelle est gratuite ?"],
)
def test_which_one_points_back_at_the_earlier_question(question: str) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ, previous_questions=["Any plays in Caen?"])
    assert u.topic == "plays" and u.place is not None and u.place.name == "Caen"


@pytest.mark.parametrize(
    ("question", "earlier", "kept", "new"),
    [
        (
            "je suis dispo que le lundi 17, lesquels sont en plein air ce jour-là ?",
            "Des concerts à Caen en novembre ?",
            "concerts",
            "plein air",
        ),
        ("which of those happen outdoors?", "Any plays in Caen this summer?", "plays", "outdoors"),
        (
            "il a 11 ans, il pourra entrer partout ?",
            "mon fils adore les trains, des visites de gares à Caen ?",
            "trains",
            "partout",
        ),
        (
            "she is 7, would she love the puppets?",
            "Any plays in Caen this summer?",
            "plays",
            "puppets",
        ),
        # "là-dedans", "in there": among what was just answered
        (
            "Et pour une fille de 5 ans, il y a des ateliers là-dedans ?",
            "Des expositions à Caen cet été ?",
            "expositions",
            "ateliers",
        ),
        (
            "Any workshops in there for a 5-year-old?",
            "Exhibitions in Caen?",
            "Exhibitions",
            "workshops",
        ),
        # ...also after the follow-up's first clause
        (
            "Et en dehors de Caen, il joue où ?",
            "Le pianiste Ingmar Lazar joue à Caen bientôt ?",
            "pianiste Ingmar Lazar",
            "joue",
        ),
    ],
)
def test_words_pointing_back_narrow_the_earlier_topic_they_do_not_replace_it(
    question: str, earlier: str, kept: str, new: str
) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ, previous_questions=[earlier])
    assert u.topic.startswith(kept) and new in u.topic  # the earlier topic, then the new words
    assert set(topic_terms(new)) <= u.incidental  # which rank, but need not match
    assert not set(topic_terms(kept)) & u.incidental
    replaced = understand("et du jazz ?", THURSDAY, GAZETTEER, TZ, previous_questions=[earlier])
    assert replaced.topic == "jazz"  # "et du jazz ?" asks for something else
    impersonal = understand(
        "il y a du jazz ?", THURSDAY, GAZETTEER, TZ, previous_questions=[earlier]
    )
    assert impersonal.topic == "jazz"  # "il y a" names no one of the conversation


@pytest.mark.parametrize(
    ("question", "hours", "said"),
    [
        ("samedi soir après 22h, un concert ?", (22, 24), "après 22h"),
        ("any gig after 8 pm on Saturday?", (20, 24), "after 8 pm"),
        ("vers 17h dimanche, une balade ?", (16, 19), "vers 17h"),
        ("before 6pm tomorrow, something for kids?", (0, 18), "before 6pm"),
        ("un concert à 20h ?", (19, 22), "à 20h"),  # today, as no day was said
        # the hours said in words; after midnight is the small hours of the night after
        ("dimanche matin, un jardin avant midi, c'est possible ?", (6, 12), "avant midi"),
        ("Saturday night, what's still on after midnight?", (24, 30), "after midnight"),
        # lunchtime is around noon, late in the evening after 9 pm
        ("une visite entre midi et deux demain ?", (11, 14), "entre midi et deux"),
        ("a show at lunchtime on Friday?", (11, 14), "at lunchtime"),
        ("something on my lunch break tomorrow?", (11, 14), "on my lunch break"),
        ("samedi, un concert tard le soir ?", (21, 24), "tard le soir"),
        ("a late-night show on Friday?", (21, 24), "late-night"),
    ],
)
def test_a_clock_time_bounds_the_day(question: str, hours: tuple[int, int], said: str) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert u.window is not None and u.window.hours == hours
    assert u.window.label.endswith(said) and said not in u.topic


@pytest.mark.parametrize(
    "question",
    [
        "Saturday night, what's still on after midnight?",
        "samedi soir, il y a quoi après minuit ?",
        "Vendredi 4 décembre - where can we keep going after midnight?",
    ],
)
def test_after_midnight_reaches_into_the_next_morning(question: str) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert u.window is not None and u.topic == ""  # "keep going" asks, it names nothing
    day = next(d for d in (date(2026, 11, 28), date(2026, 12, 4)) if u.window.start.date() <= d)
    night = datetime.combine(day, datetime.min.time(), tzinfo=TZ)
    assert u.window.overlaps(night + timedelta(hours=24.5), night + timedelta(hours=27))
    assert not u.window.overlaps(night + timedelta(hours=20), night + timedelta(hours=23))


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("Insomniac question: what's still going on in Paris tonight?", "insomniac"),
        ("Question de maman débordée : un atelier pour les enfants samedi ?", "débordée"),
    ],
)
def test_an_opening_label_says_who_asks_not_what(question: str, label: str) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert set(topic_terms(label)) <= u.incidental  # ranks, need not match
    asked = understand(question.split(":", 1)[1], THURSDAY, GAZETTEER, TZ)
    assert not set(topic_terms(asked.topic)) & u.incidental  # what follows is still asked


@pytest.mark.parametrize(
    "question", ["à 2 h de Paris, un concert ?", "2 hours from Paris, any show?"]
)
def test_a_duration_is_no_clock_time(question: str) -> None:
    assert understand(question, THURSDAY, GAZETTEER, TZ).window is None


def test_a_misspelled_word_may_be_no_topic_and_initials_are_words() -> None:
    assert no_topic_term(stem("evenement")) and not no_topic_term(stem("concert"))
    assert "ai" in topic_words("an AI summit") and "ai" not in topic_words("j'ai envie")


@pytest.mark.parametrize(
    "question",
    [
        "Quelle ligne de métro prendre pour aller de Montparnasse à la gare du Nord ?",
        "Which metro line goes from the Louvre to Montmartre?",
    ],
)
def test_the_way_somewhere_is_out_of_scope_whatever_it_names(question: str) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert u.factual and u.topic == ""


@pytest.mark.parametrize(
    "question",
    [
        "Bonjour, un endroit pensé pour les tout-petits ? Ma fille a 18 mois Merci d'avance !",
        "un spectacle, mon fils a 6 ans Merci",
    ],
)
def test_what_a_cue_reads_leaves_no_gap_a_place_could_span(question: str) -> None:
    """ "a 18 mois Merci", the age blanked, is no "à Merci"."""
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert u.place is None and u.ages


@pytest.mark.parametrize(
    "question",
    [
        "Des concerts de jazz ce week-end ? Merci d'avance !",
        "Des concerts de jazz ce week-end ? Cordialement",
        "Salut ! Des concerts de jazz ce week-end ? Bonne journée, bisous",
        "Any jazz concerts this weekend? Thanks a lot!",
        "Hi there, any jazz concerts this weekend? Cheers",
        "Are there a lot of jazz concerts this weekend?",
        "Question rapide : des concerts de jazz ce week-end ?",
        "Quick question: any jazz concerts this weekend?",
    ],
)
def test_courtesies_carry_no_topic(question: str) -> None:
    """How a message opens and closes asks for nothing: "d'avance", "a lot" are no topic,
    and "a lot" is no "à Lot" (the department)."""
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert u.topic.lower() in {"concerts de jazz", "jazz concerts"} and u.place is None
    assert u.window is not None


@pytest.mark.parametrize(
    "question",
    [
        "It's the August 15 bank holiday - what's actually open that day?",
        "Le 15 août, jour férié, qu'est-ce qui est ouvert ?",
        "Is anything really open on the public holiday, the 1st of May?",
        "Le 1er mai, c'est férié : il y a quelque chose d'ouvert ?",
    ],
)
def test_a_day_off_and_what_is_open_ask_for_no_topic(question: str) -> None:
    """The date says which day; that it is a holiday, or that a place is open, names no
    kind of outing: the day's events answer."""
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert u.window is not None and not topic_terms(u.topic)


@pytest.mark.parametrize(
    ("question", "wished"),
    [
        ("Samedi, une sortie avec les enfants, idéalement un peu éducative", {"educativ"}),
        ("any activities for the kids on Saturday, ideally educational?", {"educational"}),
        ("du yoga, si possible en plein air", {"plein", "air"}),
        ("yoga outdoors if possible", {"outdoor"}),
        ("un concert, de préférence du jazz", {"jazz"}),
        ("du yoga si possible", set()),  # the whole topic is asked, not wished
        ("jazz, preferably", set()),
    ],
)
def test_what_a_preference_names_is_wished_not_required(question: str, wished: set[str]) -> None:
    """A wish ranks first but need not match: with nothing having it, the rest answers."""
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert set(u.incidental) == wished


@pytest.mark.parametrize(
    "question",
    [
        "Just out of curiosity, what did we miss last weekend in Caen?",
        "Qu'est-ce que j'ai loupé le week-end dernier à Caen ?",
        "Ce week-end à Caen, qu'est-ce qu'il ne faut pas rater ?",
        "Anything I shouldn't miss in Caen this weekend?",
    ],
)
def test_what_one_missed_or_must_not_miss_asks_for_no_topic(question: str) -> None:
    """Missing out names no kind of outing: the place's events of the window answer."""
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert u.window is not None and u.place is not None and not topic_terms(u.topic)


@pytest.mark.parametrize(
    ("question", "earlier"),
    [
        ("Coucou, et seulement dimanche ?", "Des concerts de jazz ce week-end ?"),
        ("Hi there, and only on Sunday?", "Any jazz concerts this weekend?"),
        ("Petite question : et seulement dimanche ?", "Des concerts de jazz ce week-end ?"),
        ("Dites-moi, et seulement dimanche ?", "Des concerts de jazz ce week-end ?"),
        ("I was wondering: and only on Sunday?", "Any jazz concerts this weekend?"),
    ],
)
def test_a_greeting_before_a_follow_up_keeps_the_conversation(question: str, earlier: str) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ, previous_questions=[earlier])
    assert "jazz" in u.topic.lower() and u.window is not None


def test_a_question_in_capitals_reads_as_in_lower_case() -> None:
    """Shouted, not named: every word in capitals would otherwise be a name or initials."""
    for question in (
        "QUELS CONCERTS DE JAZZ CE WEEK-END À PARIS ?",
        "ANY JAZZ CONCERTS IN PARIS THIS WEEKEND?",
    ):
        shouted = understand(question, THURSDAY, GAZETTEER, TZ)
        said = understand(question.lower(), THURSDAY, GAZETTEER, TZ)
        assert replace(shouted, question=said.question) == said
        assert shouted.place is not None and shouted.window is not None


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Avec mes beaux-parents et mon petit-fils, un concert de jazz ?", "concert de jazz"),
        ("We'll be tourists with the in-laws: any jazz concerts?", "jazz concerts"),
    ],
)
def test_relatives_and_who_one_is_are_context(question: str, topic: str) -> None:
    assert understand(question, THURSDAY, GAZETTEER, TZ).topic == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # what the asker accepts
        ("I don't mind travelling, any jazz concerts?", "jazz concerts"),
        ("Any jazz concerts? We wouldn't mind a train ride", "jazz concerts"),
        ("Any jazz concerts? I do not mind the drive.", "jazz concerts"),
        # booking is how one asks
        ("Which jazz concerts can I book next week?", "jazz concerts"),
        ("Any jazz concerts we could book tickets for?", "jazz concerts"),
        ("Jazz concerts next week - where to book?", "jazz concerts"),
        # intensifiers
        ("On cherche une vraie pièce de théâtre pour adultes", "pièce de théâtre"),
        ("Une véritable expo de photo ?", "expo de photo"),
        ("Je suis une vraie accro au chocolat, de quoi assouvir ma passion ?", "chocolat"),
    ],
)
def test_what_the_asker_accepts_books_or_stresses_need_not_match(question: str, topic: str) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert set(topic_terms(u.topic)) - u.incidental == set(topic_terms(topic))


@pytest.mark.parametrize(
    ("question", "topic", "place"),
    [
        # "aura" is the verb before it is the region (AURA, with a preposition or capitals)
        ("Et l'été, il y aura du Shakespeare en plein air ?", "Shakespeare en plein air", None),
        ("Des concerts en AURA ?", "concerts", "Auvergne-Rhône-Alpes"),
        ("Which of those would work for a 6-year-old?", "", None),
    ],
)
def test_everyday_words_before_names(question: str, topic: str, place: str | None) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert (u.topic, u.place.name if u.place else None) == (topic, place)


@pytest.mark.parametrize(
    ("question", "city", "topic"),
    [
        # the asker's town has no events, the place they go to has: that one is asked,
        # the town ranks but need not match ("music from Réunion" may be the topic)
        ("Étudiante à Grenoble, je serai à Caen en juillet. Des conférences ?", "Caen", "conf"),
        ("prof de japonais a Dijon et je viens souvent a Lyon, des expos ?", "Lyon", "expos"),
        ("Retired in Nantes, visiting Paris in May: any concerts?", "Paris", "concerts"),
    ],
)
def test_of_two_places_the_one_with_events_is_asked(question: str, city: str, topic: str) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert u.place is not None and u.place.name == city
    home = {"grenobl", "dijon", "nant"} & set(topic_terms(u.topic))
    assert topic in u.topic and home and home <= u.incidental  # ranks, need not match


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        # a date said of the asker's move opens the window: what is on once there
        ("je déménage à Caen début décembre, il y a quoi à faire ?", "2026-12-01", "2027-12-01"),
        ("We're moving to Caen on 5 December, any concerts?", "2026-12-05", "2027-12-05"),
        ("Moving to Caen next week — anything on?", "2026-11-30", "2027-11-30"),
        # ...unless the question names its own dates
        ("I'm moving to Caen this month - any events in December?", "2026-12-01", "2027-01-01"),
        # being there is no move: the dates are the stay's
        ("je serai à Caen début décembre, des concerts ?", "2026-12-01", "2026-12-16"),
    ],
)
def test_a_date_of_the_askers_move_opens_the_window(question: str, start: str, end: str) -> None:
    window = understand(question, THURSDAY, GAZETTEER, TZ).window
    assert window is not None
    assert (window.start.date().isoformat(), window.end.date().isoformat()) == (start, end)


@pytest.mark.parametrize(
    ("earlier", "question", "label"),
    [
        (
            "un concert en décembre ?",
            "et samedi avant 18h ?",
            "le samedi 5 décembre 2026, avant 18h",
        ),
        ("un concert samedi ?", "et après 20h ?", "le samedi 28 novembre 2026, après 20h"),
        (
            "is there any concert on Saturday?",
            "and after 8pm?",
            "on Saturday 28 November 2026, after 8pm",
        ),
        # the hours said back keep the earlier limit on the new day
        (
            "any concert on Saturday after 9pm?",
            "and on Sunday, same kind of hours?",
            "on Sunday 29 November 2026, after 9pm",
        ),
        (
            "un concert samedi après 21h ?",
            "et dimanche, à la même heure ?",
            "le dimanche 29 novembre 2026, après 21h",
        ),
    ],
)
def test_a_follow_up_keeps_its_hours_on_the_days_of_the_talk(
    earlier: str, question: str, label: str
) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ, previous_questions=[earlier])
    assert u.window is not None and u.window.label == label
    assert topic_terms(u.topic) == ["concert"]  # "same hours" is no topic


def test_a_postal_code_beside_its_town_is_no_topic() -> None:
    u = understand("des concerts à Caen 14000 ?", THURSDAY, GAZETTEER, TZ)
    assert u.place is not None and u.place.name == "Caen" and u.topic == "concerts"


@pytest.mark.parametrize(
    "question",
    [
        "We're driving to Aosta in Italy end of March, any concerts?",
        "Je vais à Aoste (Aosta, in Italy) en mars, des concerts ?",
        "concerts à Aoste, en Vallée d'Aoste",
    ],
)
def test_a_city_abroad_said_with_its_country_or_region_is_the_city(question: str) -> None:
    u = understand(question, THURSDAY, ABROAD, TZ)
    assert u.place is not None and (u.place.kind, u.place.name) == ("city", "Aoste")
    assert topic_terms(u.topic) == ["concert"]


def test_a_season_said_beside_the_dates_read_need_not_match() -> None:
    u = understand(
        "on passe l'hiver près de Caen, quoi d'ici fin février ?", THURSDAY, GAZETTEER, TZ
    )
    assert u.window is not None and u.incidental == {"hiver"}
    # the English month is no French word: "marché de Noël" keeps its market
    market = understand("un marché de noël à Caen en décembre ?", THURSDAY, GAZETTEER, TZ)
    assert "march" in topic_terms(market.topic) and "march" not in market.incidental


@pytest.mark.parametrize(
    ("question", "topic", "weekdays"),
    [
        ("le dimanche, une expo photo cet été ?", "expo photo", (6,)),
        ("un samedi, un concert de jazz en décembre ?", "concert de jazz", (5,)),
        ("on Sundays, any photo exhibition this summer?", "photo exhibition", (6,)),
    ],
)
def test_the_words_between_two_dates_of_one_window_are_still_asked(
    question: str, topic: str, weekdays: tuple[int, ...]
) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert u.window is not None and u.window.weekdays == weekdays and u.topic == topic


@pytest.mark.parametrize(
    "question",
    ["en Normandie hors Caen, un concert ?", "in Normandy but outside Caen, any concert?"],
)
def test_a_town_set_aside_inside_the_region_asked(question: str) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert u.place is not None and u.place.kind == "region"
    assert u.outside is not None and u.outside.name == "Caen"


@pytest.mark.parametrize(
    "question",
    ["Caen et environs, un concert ?", "Caen ou alentours ?", "Caen and surroundings, any gig?"],
)
def test_a_town_and_its_surroundings_is_around_it(question: str) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    assert u.place is not None and u.place.name == "Caen" and u.place.radius_km == NEAR_KM
    assert not {"environ", "alentour", "surrounding"} & set(topic_terms(u.topic))


@pytest.mark.parametrize(
    ("follow_up", "hours", "weekdays"),
    [
        # a part of the day alone keeps the hours on the days asked before
        ("en soirée uniquement", (18, 24), None),
        ("in the evening", (18, 24), None),
        # weekends said alone are those of the window asked before, not the coming one
        ("plutôt le week-end", None, (5, 6)),
        ("weekends only", None, (5, 6)),
    ],
)
def test_a_follow_up_narrows_a_long_window_to_hours_or_weekends(
    follow_up: str, hours: tuple[int, int] | None, weekdays: tuple[int, ...] | None
) -> None:
    earlier = "des concerts de jazz à Caen cet hiver ?"
    u = understand(follow_up, THURSDAY, GAZETTEER, TZ, previous_questions=[earlier])
    assert u.window is not None and (u.window.hours, u.window.weekdays) == (hours, weekdays)
    assert (u.window.start, u.window.end) == (day("2026-12-21"), day("2027-03-20"))
    assert u.topic == "concerts de jazz" and u.place is not None and u.place.name == "Caen"


@pytest.mark.parametrize("follow_up", ["y en a un demain ?", "free ones?", "the cheapest one?"])
def test_some_of_what_was_answered_is_a_follow_up(follow_up: str) -> None:
    u = understand(
        follow_up, THURSDAY, GAZETTEER, TZ, previous_questions=["des concerts à Caen cet hiver ?"]
    )
    assert u.topic.startswith("concerts") and u.place is not None and u.place.name == "Caen"


def test_a_part_of_the_day_alone_dates_nothing() -> None:
    u = understand("un escape game à Caen, le matin ?", THURSDAY, GAZETTEER, TZ)
    assert u.window is None  # mornings in general: no day is asked


@pytest.mark.parametrize(
    ("question", "word"),
    [
        # old and young together are what events call intergénérationnel
        ("une sortie à Caen avec ma grand-mère et mes enfants ?", "intergénérationnel"),
        ("Danser avec des jeunes et des personnes âgées", "intergénérationnel"),
        ("something for grandparents and grandkids together in Caen?", "intergénérationnel"),
        # ...the old alone or the young alone are no such thing
        ("une visite calme pour mes grands-parents à Caen ?", None),
        ("un atelier pour les enfants à Caen ?", None),
    ],
)
def test_the_word_events_use_for_the_audience_ranks_them(question: str, word: str | None) -> None:
    u = understand(question, THURSDAY, GAZETTEER, TZ)
    said = set(topic_terms("intergénérationnel"))
    expected = set(topic_terms(word)) if word else set()
    assert said & set(topic_terms(u.topic)) == expected
    assert expected <= u.incidental  # it ranks, need not match
