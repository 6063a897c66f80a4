"""Audience, price and accessibility read on events (rag.cues), in French and English data."""

from __future__ import annotations

import pytest

from rag.cues import (
    AgeRange,
    access_fit,
    age_bounds,
    age_fits,
    event_access,
    is_attendable,
    is_free_for_all,
    lowest_price,
    read_cues,
    stated_access,
    stated_ages,
)
from rag.dates import fold_aligned
from rag.models import Event
from rag.text import fold


def event(**fields: object) -> Event:
    return Event(uid="1", title="x", **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("conditions", "free"),
    [
        ("Gratuit", True),
        ("Entrée libre dans la limite des places disponibles", True),
        ("Accès libre et gratuit, sans réservation", True),
        ("Gratuit pour tous", True),
        ("Free admission", True),
        ("Plein tarif : 25 € - tarif réduit : 20 € - gratuit pour les moins de 18 ans", False),
        ("Gratuit pour les enfants, 8 € pour les adultes", False),
        ("Entrée libre pour la nuit des musées, puis tarification 2€, 5€ ou 10€", False),
        ("Prix billetterie et lunettes connectées gratuites sur réservation", False),
        ("L'accès est gratuit pour les entreprises membres", False),
        ("Plein : 18€ | Réduit : 12€ | Pass pro : 0€ | Entrée libre : 0€", False),
        ("Prix libre", False),
        ("12 €", False),
        (None, False),
    ],
)
def test_free_means_free_for_everyone(conditions: str | None, free: bool) -> None:
    """Reduced rates or free entry for some do not count as free (issue 10, class 5)."""
    assert is_free_for_all(event(conditions=conditions)) is free


@pytest.mark.parametrize(
    ("age_min", "age_max", "ages", "fit"),
    [
        (0, 3, AgeRange(1.5, 1.5), 1.0),  # made for babies
        (6, 12, AgeRange(9, 9), 1.0),
        (0, 99, AgeRange(9, 9), 0.5),  # open to all ages
        (3, None, AgeRange(9, 9), 0.5),
        (None, None, AgeRange(9, 9), 0.0),  # not said
        (12, 99, AgeRange(9, 9), -1.0),  # too young for it
        (6, 12, AgeRange(1.5, 1.5), -1.0),
        (0, 5, AgeRange(6, 10), -1.0),
        (8, 14, AgeRange(6, 10), 1.0),  # the ranges overlap
        (13, 121, AgeRange(15, 15), 1.0),  # "dès 13 ans" is for a teenager...
        (3, 99, AgeRange(15, 15), 0.5),  # ..."dès 3 ans" merely lets one in
        (None, 99, AgeRange(9, 9), 0.0),  # "up to 99" alone says nothing
    ],
)
def test_age_fit(age_min: int | None, age_max: int | None, ages: AgeRange, fit: float) -> None:
    low, high = age_bounds([event(age_min=age_min, age_max=age_max)])
    assert age_fits(low, high, ages)[0] == fit


@pytest.mark.parametrize(
    ("fields", "codes"),
    [
        ({"accessibility": ["mi"]}, {"mi"}),
        ({"accessibility": ["hi", "vi"]}, {"hi", "vi"}),
        ({"description": "Visite en langue des signes française (LSF)."}, {"hi"}),
        ({"long_description": "Accessible aux personnes à mobilité réduite."}, {"mi"}),
        ({"description": "Une visite avec audiodescription."}, {"vi"}),
        ({"description": "Visite descriptive et tactile pour le public mal-voyant"}, {"vi"}),
        ({"description": "Un atelier sur tablette tactile."}, set()),
        ({"conditions": "Livret en FALC disponible"}, {"ii"}),
        ({"description": "Un concert de jazz."}, set()),
    ],
)
def test_event_accessibility(fields: dict[str, object], codes: set[str]) -> None:
    """From the OpenAgenda `accessibility` codes and from the text."""
    assert event_access(event(**fields)) == codes


def test_the_text_states_what_a_venue_declares_for_all() -> None:
    declared = event(accessibility=["hi", "vi"], description="Une pièce de Tchekhov.")
    stated = event(accessibility=["hi", "vi"], description="Représentation en audiodescription.")
    assert event_access(declared) == event_access(stated) == {"hi", "vi"}
    assert stated_access(declared) == set() and stated_access(stated) == {"vi"}


def test_access_fit_needs_one_of_the_asked_codes() -> None:
    asked = read_cues(fold("accessible pour une personne sourde")).access
    assert access_fit(frozenset({"hi", "mi"}), asked)
    assert not access_fit(frozenset({"mi"}), asked)


@pytest.mark.parametrize(
    ("status", "mode", "attendable"),
    [
        ("Programmé", "Sur place", True),
        ("Re-programmé", "Mixte", True),
        ("Annulé", "Sur place", False),
        ("Complet", "Sur place", False),
        ("Reporté", None, False),
        ("Programmé", "En ligne", False),
        (None, None, True),
    ],
)
def test_attendable(status: str | None, mode: str | None, attendable: bool) -> None:
    """Cancelled, full, postponed or online-only events rank after the others."""
    assert is_attendable(event(status=status, attendance_mode=mode)) is attendable


@pytest.mark.parametrize(
    ("question", "cue"),
    [
        ("Une visite adaptée aux personnes malvoyantes", "adaptee aux personnes malvoyantes"),
        ("des ateliers accessibles aux personnes sourdes", "accessibles aux personnes sourdes"),
        ("a tour accessible to wheelchair users", "accessible to wheelchair users"),
        ("I use a wheelchair, any concerts?", "use a wheelchair"),
        (
            "accessible aux handicaps psychiques/intellectuels",
            "accessible aux handicaps psychiques/intellectuels",
        ),
        ("un spectacle pour les personnes aveugles", "personnes aveugles"),
        (
            "accessible for people with visual disabilities",
            "accessible for people with visual disabilities",
        ),
        ("ma mère est déficiente visuelle", "deficiente visuelle"),
        ("a show for visitors with hearing loss", "visitors with hearing loss"),
    ],
)
def test_the_words_leading_to_an_access_need_are_part_of_the_cue(question: str, cue: str) -> None:
    """They are no topic: "adaptée", "personnes" would otherwise have to match events."""
    folded = fold_aligned(question)
    assert cue in [folded[a:b] for a, b in read_cues(folded).spans]


@pytest.mark.parametrize(
    ("question", "free"),
    [
        # the asker's free time asks for no price, and is no topic either
        ("I'm free on Tuesday, any concert?", False),
        ("Free on mardi soir (the 22nd) - any show?", False),
        ("free tonight - anything on?", False),
        ("we'll be free this weekend", False),
        ("ce soir jsuis libre, un spectacle ?", False),
        ("on est libres dimanche, une expo ?", False),
        ("In my free time I like jazz, any concert?", False),
        # a price
        ("anything free on Saturday?", True),
        ("free concerts tonight", True),
        ("Free entry events on Sunday?", True),
        ("une expo gratuite samedi", True),
    ],
)
def test_free_time_is_no_price(question: str, free: bool) -> None:
    folded = fold_aligned(question)
    cues = read_cues(folded)
    assert cues.free is free
    said = " ".join(folded[a:b] for a, b in cues.spans)
    assert "free" in said or "libre" in said or "gratuit" in said


@pytest.mark.parametrize(
    ("question", "audience"),
    [
        ("une soirée pour adultes seulement, sans enfants svp", ["adultes"]),
        ("a museum night, no kids please", []),
        ("pas d'enfants, un concert calme", []),
        ("un spectacle pour les enfants", ["enfants"]),
    ],
)
def test_an_audience_said_without_is_not_asked(question: str, audience: list[str]) -> None:
    assert read_cues(fold(question)).audience == audience


@pytest.mark.parametrize(
    ("question", "seniors"),
    [
        # grandparents by name, and a relative or the asker old enough by an age
        ("ma grand-mère adore chanter", True),
        ("avec ma grand-mère de 78 ans", True),
        ("I'd like to take my grandpa (82) out", True),
        ("mon père de 65 ans aime le jazz", True),
        ("J'ai 72 ans, une visite calme ?", True),
        ("I'm 70 and I love jazz", True),
        ("my dad is 81, any concert?", True),
        # an anniversary, a younger relative, a number of anything else: no one old
        ("les 60 ans du festival", False),
        ("mon père de 45 ans", False),
        ("un festival de 60 artistes", False),
    ],
)
def test_an_older_person_is_a_senior(question: str, seniors: bool) -> None:
    cues = read_cues(fold_aligned(question))
    assert ("seniors" in cues.audience) is seniors
    if seniors:  # the age goes with the person, out of the topic
        said = " ".join(fold_aligned(question)[a:b] for a, b in cues.spans)
        assert not any(n in fold_aligned(question) and n not in said for n in ("78", "82", "72"))


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("Spectacle 0_3 ans", (0.0, 3.0)),
        ("Pour les enfants de 6 à 12 ans.", (6.0, 12.0)),
        ("Une visite pour les 9-15 ans", (9.0, 15.0)),
        ("Tout public à partir de 7 ans.", (7.0, None)),
        ("Accessible dès 10 ans", (10.0, None)),
        ("Comptines pour les moins de 3 ans, contes à partir de 4 ans", (0.0, 3.0)),
        ("Family workshop, ages 5-10", (5.0, 10.0)),
        ("Atelier 8+ sur inscription", (8.0, None)),
        # years that state no public
        ("La compagnie fête ses 30 ans", (None, None)),
        ("Depuis plus de 20 ans, le festival…", (None, None)),
        ("Retour sur des 75 ans de photographie", (None, None)),
    ],
)
def test_ages_stated_in_the_text(text: str, ages: tuple[float | None, float | None]) -> None:
    """When the age fields say nothing, the public the text names ranks like them."""
    assert stated_ages(event(description=text)) == ages


def test_declared_ages_win_over_the_text() -> None:
    low, high = age_bounds([event(age_min=3, age_max=6, description="de 8 à 12 ans")])
    assert (low[0], high[0]) == (3.0, 6.0)


@pytest.mark.parametrize(
    ("question", "ceiling"),
    [
        ("un concert à moins de 10 € samedi ?", 10.0),
        ("Une sortie pas plus de 12 euros ce week-end", 12.0),
        ("du théâtre, budget de 15 € par personne", 15.0),
        ("un spectacle jusqu'à 8,50 € pour les enfants", 8.5),
        ("max 5 euros, dimanche", 5.0),
        ("moins de 8 euro par enfant", 8.0),
        ("20 euros la place maximum", 20.0),
        ("something under 15 euros this weekend?", 15.0),
        ("a show for less than €12 on Saturday", 12.0),
        ("concerts, 20 euros a head max", 20.0),
        ("up to 30 € for two, no more than 10 € each", 10.0),  # the lowest ceiling said
        # one pays what one wants: free events fit too
        ("any pay-what-you-want live music in July?", 0.0),
        ("un concert à prix libre ou au chapeau ?", 0.0),
        # an amount that is not a ceiling
        ("un concert à 10 € samedi ?", None),
        ("moins de 10 ans, un atelier ?", None),
        ("pendant 10 jours max", None),
        ("anything free on Saturday?", None),
    ],
)
def test_a_price_ceiling_is_read_in_french_and_english(
    question: str, ceiling: float | None
) -> None:
    folded = fold_aligned(question)
    cues = read_cues(folded)
    assert cues.max_price == ceiling
    if ceiling:  # the amount is part of the cue, so not of the topic
        said = " ".join(folded[a:b] for a, b in cues.spans)
        assert f"{ceiling:g}".replace(".", ",") in said or f"{ceiling:g}" in said


@pytest.mark.parametrize(
    ("conditions", "lowest"),
    [
        ("Tarif unique : 5€", 5.0),
        ("Plein tarif 12 €, réduit 8,50 €", 8.5),
        ("Entrée libre dans la limite des places disponibles", 0.0),
        ("Entrée à prix libre", 0.0),  # one pays what one wants: within any budget
        ("Participation au chapeau", 0.0),
        ("Pay what you can", 0.0),
        ("Gratuit pour les moins de 12 ans, 10 € sinon", 10.0),
        ("Sur réservation", None),  # no price stated: not known to fit a budget
        (None, None),
    ],
)
def test_the_lowest_price_an_event_states(conditions: str | None, lowest: float | None) -> None:
    assert lowest_price(conditions) == lowest
