"""The demo corpus: what rag-events serves out of the box, with no key and no network.

Events are generated, not copied: real venue *kinds* in real cities (public landmarks keep
their names, everything else is invented), French texts assembled from templates and
vocabulary tables, dates placed around "today" so that "ce week-end" always has answers.
One seeded `random.Random` drives every choice, so a (today, seed, n) triple always gives
the same corpus and the same index. `rag demo` writes it through the ingest pipeline (raw
and processed copies, like any source) and builds the index.
"""

# ruff: noqa: E501  (the tables below hold French prose: one sentence or paragraph per line)

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from rag.config import Settings
from rag.french import MONTHS, PARIS, WEEKDAYS, date_range, day_name
from rag.models import Event, Occurrence, ProgressFn, no_progress
from rag.sources import RawBatch
from rag.text import fold
from rag.typography import french_grammar

if TYPE_CHECKING:
    from rag.index import BuildReport

DEFAULT_EVENTS = 360
DEFAULT_SEED = 7
TITLE_DRAWS = 12
REDRAFTS = 10
"""A title repeating one already taken is drawn again, then the event is drafted again;
after that a repeat is accepted (a corpus of thousands runs out of fresh subjects)."""
DEMO_URL = "https://example.org/demo"
"""example.org is reserved for documentation: a demo link can never reach a real page."""

Kind = Literal[
    "scène", "club", "musée", "médiathèque", "centre", "cinéma", "église", "nature", "place"
]


# --- places ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Venue:
    kind: Kind
    name: str
    address: str
    postal_code: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class City:
    name: str
    department: str
    region: str
    weight: int
    venues: tuple[Venue, ...]


def _v(kind: Kind, name: str, address: str, postal: str, lat: float, lon: float) -> Venue:
    return Venue(kind, name, address, postal, lat, lon)


CITIES: tuple[City, ...] = (
    City("Paris", "Paris", "Île-de-France", 28, (
        _v("scène", "Théâtre de la Clairière", "18 rue de Ménilmontant", "75020", 48.8687, 2.3874),
        _v("scène", "Théâtre du Canal", "42 quai de Valmy", "75010", 48.8716, 2.3643),
        _v("scène", "Auditorium des Gobelins", "12 avenue des Gobelins", "75005", 48.8370, 2.3520),
        _v("club", "Le Caveau des Tisserands", "7 rue de la Roquette", "75011", 48.8540, 2.3716),
        _v("club", "La Péniche Saturne", "Quai François-Mauriac", "75013", 48.8340, 2.3770),
        _v("musée", "Maison des Arts graphiques", "21 rue Vieille-du-Temple", "75004", 48.8579, 2.3594),
        _v("musée", "Musée des Métiers d'autrefois", "8 rue de l'Abbaye", "75006", 48.8545, 2.3350),
        _v("médiathèque", "Bibliothèque Rosalie-Vernet", "64 rue de la Butte-aux-Cailles", "75013", 48.8270, 2.3505),
        _v("médiathèque", "Médiathèque Suzanne-Lacroix", "15 rue des Dames", "75017", 48.8838, 2.3225),
        _v("centre", "Centre culturel Ourcq-Flandre", "110 avenue de Flandre", "75019", 48.8885, 2.3770),
        _v("centre", "Espace Alésia-Cultures", "23 rue d'Alésia", "75014", 48.8282, 2.3317),
        _v("cinéma", "Cinéma La Lucarne", "9 rue Mouffetard", "75005", 48.8430, 2.3497),
        _v("église", "Église Saint-Eustache", "2 impasse Saint-Eustache", "75001", 48.8634, 2.3452),
        _v("nature", "Jardin du Luxembourg", "Rue de Médicis", "75006", 48.8462, 2.3372),
        _v("nature", "Parc des Buttes-Chaumont", "1 rue Botzaris", "75019", 48.8809, 2.3828),
        _v("nature", "Bois de Vincennes", "Route de la Pyramide", "75012", 48.8330, 2.4330),
        _v("place", "Parvis de l'Hôtel de Ville", "Place de l'Hôtel-de-Ville", "75004", 48.8566, 2.3522),
        _v("place", "Place Saint-Sulpice", "Place Saint-Sulpice", "75006", 48.8510, 2.3347),
    )),
    City("Lyon", "Rhône", "Auvergne-Rhône-Alpes", 9, (
        _v("scène", "Théâtre des Traboules", "14 rue Burdeau", "69001", 45.7697, 4.8300),
        _v("club", "Le Bouchon sonore", "31 quai Saint-Vincent", "69001", 45.7680, 4.8240),
        _v("musée", "Musée des Arts de la soie", "10 rue d'Austerlitz", "69004", 45.7745, 4.8310),
        _v("médiathèque", "Médiathèque Lucienne-Barral", "30 rue de Marseille", "69007", 45.7530, 4.8420),
        _v("centre", "MJC des Brotteaux", "12 rue Tronchet", "69006", 45.7700, 4.8490),
        _v("cinéma", "Cinéma Le Fanal", "5 rue de la Thibaudière", "69007", 45.7510, 4.8430),
        _v("église", "Église Saint-Nizier", "Place Saint-Nizier", "69002", 45.7649, 4.8335),
        _v("nature", "Parc de la Tête d'Or", "Place du Général-Leclerc", "69006", 45.7772, 4.8556),
        _v("place", "Place Carnot", "Place Carnot", "69002", 45.7505, 4.8270),
    )),
    City("Marseille", "Bouches-du-Rhône", "Provence-Alpes-Côte d'Azur", 8, (
        _v("scène", "Théâtre du Petit Quai", "5 rue du Refuge", "13002", 43.2990, 5.3675),
        _v("club", "Le Cabanon électrique", "48 cours Julien", "13006", 43.2935, 5.3830),
        _v("musée", "Musée de la Mer et des Navigateurs", "Boulevard Charles-Livon", "13007", 43.2920, 5.3610),
        _v("médiathèque", "Bibliothèque de l'Alcazar", "58 cours Belsunce", "13001", 43.2990, 5.3772),
        _v("centre", "Maison pour tous des Chartreux", "12 avenue des Chartreux", "13004", 43.3080, 5.4000),
        _v("cinéma", "Ciné-Calanques", "26 rue Sainte", "13001", 43.2920, 5.3700),
        _v("nature", "Parc Borély", "Avenue du Parc-Borély", "13008", 43.2597, 5.3826),
        _v("nature", "Calanque de Sormiou", "Chemin de Sormiou", "13009", 43.2130, 5.4190),
        _v("place", "Vieux-Port", "Quai de la Fraternité", "13001", 43.2951, 5.3740),
    )),
    City("Bordeaux", "Gironde", "Nouvelle-Aquitaine", 7, (
        _v("scène", "Théâtre de la Lune", "15 rue Notre-Dame", "33000", 44.8555, -0.5695),
        _v("club", "Le Hangar à sons", "Quai Armand-Lalande", "33300", 44.8680, -0.5530),
        _v("musée", "Musée des Arts du fleuve", "40 quai de Paludate", "33800", 44.8270, -0.5550),
        _v("médiathèque", "Bibliothèque Flora-Tristan", "8 rue des Capucins", "33800", 44.8300, -0.5690),
        _v("centre", "Espace culturel de la Bastide", "4 rue de Nuits", "33100", 44.8420, -0.5600),
        _v("cinéma", "Ciné-Garonne", "12 cours Victor-Hugo", "33000", 44.8350, -0.5720),
        _v("église", "Basilique Saint-Michel", "Place Meynard", "33000", 44.8340, -0.5650),
        _v("nature", "Jardin public", "Cours de Verdun", "33000", 44.8492, -0.5772),
        _v("place", "Place des Quinconces", "Place des Quinconces", "33000", 44.8447, -0.5738),
    )),
    City("Lille", "Nord", "Hauts-de-France", 7, (
        _v("scène", "Théâtre de la Treille", "9 rue de la Monnaie", "59800", 50.6395, 3.0635),
        _v("club", "L'Estaminet sonore", "20 rue Masséna", "59000", 50.6315, 3.0520),
        _v("musée", "Musée de la Dentelle et du Lin", "3 rue de la Halle", "59800", 50.6390, 3.0600),
        _v("médiathèque", "Médiathèque Jeanne-Maillotte", "18 rue Gambetta", "59000", 50.6290, 3.0530),
        _v("centre", "Maison des quartiers de Fives", "25 rue Pierre-Legrand", "59800", 50.6330, 3.0880),
        _v("cinéma", "Ciné-Wazemmes", "7 place de la Nouvelle-Aventure", "59000", 50.6265, 3.0480),
        _v("nature", "Parc de la Citadelle", "Avenue du Petit-Paradis", "59000", 50.6412, 3.0440),
        _v("place", "Place Rihour", "Place Rihour", "59800", 50.6361, 3.0613),
    )),
    City("Nantes", "Loire-Atlantique", "Pays de la Loire", 7, (
        _v("scène", "Théâtre de l'Île Feydeau", "6 rue Kervégan", "44000", 47.2125, -1.5560),
        _v("club", "La Cale aux chansons", "Quai des Antilles", "44200", 47.2010, -1.5720),
        _v("musée", "Musée de l'Estuaire", "Boulevard Léon-Bureau", "44200", 47.2055, -1.5640),
        _v("médiathèque", "Médiathèque Émilienne-Leroux", "24 quai de la Fosse", "44000", 47.2100, -1.5680),
        _v("centre", "Maison de quartier de la Madeleine", "12 chaussée de la Madeleine", "44000", 47.2110, -1.5510),
        _v("cinéma", "Cinéma L'Écluse", "5 rue Scribe", "44000", 47.2140, -1.5620),
        _v("nature", "Jardin des Plantes", "Rue Stanislas-Baudry", "44000", 47.2196, -1.5430),
        _v("place", "Place Royale", "Place Royale", "44000", 47.2150, -1.5590),
    )),
    City("Toulouse", "Haute-Garonne", "Occitanie", 7, (
        _v("scène", "Théâtre de la Brique rose", "18 rue des Lois", "31000", 43.6060, 1.4420),
        _v("club", "Le Canal swing", "Port Saint-Sauveur", "31400", 43.5960, 1.4610),
        _v("musée", "Maison de l'Espace et des Étoiles", "Avenue Jean-Gonord", "31500", 43.5860, 1.4930),
        _v("médiathèque", "Médiathèque Clémence-Isaure", "25 rue du Taur", "31000", 43.6070, 1.4410),
        _v("centre", "Centre culturel des Minimes", "6 place du Marché-aux-Cochons", "31200", 43.6210, 1.4320),
        _v("cinéma", "Cinéma Le Pastel", "12 rue Gabriel-Péri", "31000", 43.6050, 1.4510),
        _v("église", "Basilique Saint-Sernin", "Place Saint-Sernin", "31000", 43.6085, 1.4420),
        _v("nature", "Prairie des Filtres", "Cours Dillon", "31300", 43.5985, 1.4385),
        _v("place", "Place du Capitole", "Place du Capitole", "31000", 43.6045, 1.4440),
    )),
    City("Strasbourg", "Bas-Rhin", "Grand Est", 7, (
        _v("scène", "Théâtre de la Petite France", "4 rue des Moulins", "67000", 48.5810, 7.7410),
        _v("club", "Le Caveau de la Krutenau", "16 rue de Zurich", "67000", 48.5790, 7.7600),
        _v("musée", "Musée des Jouets et Automates", "9 rue du Vieux-Marché-aux-Poissons", "67000", 48.5800, 7.7510),
        _v("médiathèque", "Médiathèque Sainte-Odile", "5 rue de la Doller", "67100", 48.5620, 7.7520),
        _v("centre", "Centre socioculturel du Neudorf", "1 place du Marché", "67100", 48.5680, 7.7580),
        _v("cinéma", "Cinéma L'Étoile d'Ill", "18 rue du Jeu-des-Enfants", "67000", 48.5850, 7.7440),
        _v("église", "Église Saint-Thomas", "11 rue Martin-Luther", "67000", 48.5797, 7.7447),
        _v("nature", "Parc de l'Orangerie", "Avenue de l'Europe", "67000", 48.5925, 7.7745),
        _v("place", "Place Broglie", "Place Broglie", "67000", 48.5850, 7.7490),
    )),
    City("Rennes", "Ille-et-Vilaine", "Bretagne", 6, (
        _v("scène", "Théâtre du Colombier", "Place du Colombier", "35000", 48.1050, -1.6790),
        _v("club", "Le Grenier à sons", "12 rue Saint-Malo", "35000", 48.1165, -1.6810),
        _v("musée", "Musée de la Vie bretonne", "3 quai Émile-Zola", "35000", 48.1090, -1.6760),
        _v("médiathèque", "Médiathèque Louise-Bodin", "10 rue de Redon", "35000", 48.1080, -1.6900),
        _v("centre", "MJC du Thabor", "2 rue de Paris", "35000", 48.1140, -1.6680),
        _v("cinéma", "Ciné-Vilaine", "8 quai Lamartine", "35000", 48.1100, -1.6820),
        _v("nature", "Parc du Thabor", "Place Saint-Mélaine", "35000", 48.1145, -1.6700),
        _v("place", "Place des Lices", "Place des Lices", "35000", 48.1130, -1.6830),
    )),
    City("Nice", "Alpes-Maritimes", "Provence-Alpes-Côte d'Azur", 6, (
        _v("scène", "Théâtre de la Baie des Anges", "5 rue Gioffredo", "06000", 43.7000, 7.2720),
        _v("club", "Le Cabanon du Port", "Quai des Deux-Emmanuel", "06300", 43.6950, 7.2870),
        _v("musée", "Musée de la Riviera d'autrefois", "Rue Droite", "06300", 43.6985, 7.2770),
        _v("médiathèque", "Médiathèque Catherine-Ségurane", "2 place Garibaldi", "06300", 43.7010, 7.2810),
        _v("centre", "Maison des cultures de Cimiez", "Boulevard de Cimiez", "06000", 43.7150, 7.2740),
        _v("cinéma", "Ciné-Riviera", "14 rue Pastorelli", "06000", 43.7020, 7.2680),
        _v("nature", "Colline du Château", "Montée du Château", "06300", 43.6950, 7.2810),
        _v("nature", "Promenade du Paillon", "Boulevard Jean-Jaurès", "06300", 43.6990, 7.2740),
        _v("place", "Place Masséna", "Place Masséna", "06000", 43.6975, 7.2700),
    )),
    City("Montpellier", "Hérault", "Occitanie", 6, (
        _v("scène", "Théâtre de l'Écusson", "7 rue de l'Aiguillerie", "34000", 43.6115, 3.8800),
        _v("club", "La Cave à swing", "3 rue du Bayle", "34000", 43.6100, 3.8760),
        _v("musée", "Musée des Garrigues", "Avenue de Lodève", "34070", 43.6080, 3.8500),
        _v("médiathèque", "Médiathèque des Arceaux", "12 boulevard des Arceaux", "34000", 43.6110, 3.8650),
        _v("centre", "Maison pour tous Aurélie-Castan", "Rue de la Cavalerie", "34090", 43.6260, 3.8760),
        _v("cinéma", "Ciné-Comédie", "2 rue de Verdun", "34000", 43.6075, 3.8790),
        _v("nature", "Promenade du Peyrou", "Place Royale du Peyrou", "34000", 43.6110, 3.8705),
        _v("place", "Place de la Comédie", "Place de la Comédie", "34000", 43.6085, 3.8800),
    )),
    City("Dinan", "Côtes-d'Armor", "Bretagne", 2, (
        _v("centre", "Salle de la Source", "Rue du Château", "22100", 48.4530, -2.0450),
        _v("médiathèque", "Médiathèque municipale de Dinan", "Place des Cordeliers", "22100", 48.4545, -2.0480),
        _v("église", "Basilique Saint-Sauveur", "Place Saint-Sauveur", "22100", 48.4540, -2.0430),
        _v("nature", "Jardin anglais", "Rue du Rempart", "22100", 48.4540, -2.0420),
        _v("place", "Place des Merciers", "Place des Merciers", "22100", 48.4550, -2.0450),
    )),
    City("Sarlat-la-Canéda", "Dordogne", "Nouvelle-Aquitaine", 2, (
        _v("centre", "Centre culturel de Sarlat", "Rue Gaubert", "24200", 44.8900, 1.2160),
        _v("médiathèque", "Médiathèque municipale de Sarlat", "Rue de la Charité", "24200", 44.8880, 1.2150),
        _v("église", "Cathédrale Saint-Sacerdos", "Place du Peyrou", "24200", 44.8886, 1.2170),
        _v("nature", "Jardin des Enfeus", "Rue Montaigne", "24200", 44.8885, 1.2180),
        _v("place", "Place de la Liberté", "Place de la Liberté", "24200", 44.8890, 1.2165),
    )),
    City("Obernai", "Bas-Rhin", "Grand Est", 2, (
        _v("centre", "Salle du Forum", "Rue du Marché", "67210", 48.4620, 7.4820),
        _v("médiathèque", "Médiathèque municipale d'Obernai", "Rue du Général-Gouraud", "67210", 48.4615, 7.4830),
        _v("église", "Église Saints-Pierre-et-Paul", "Place de l'Église", "67210", 48.4630, 7.4800),
        _v("nature", "Sentier du Mont National", "Chemin du Mont-National", "67210", 48.4550, 7.4750),
        _v("place", "Place du Marché", "Place du Marché", "67210", 48.4625, 7.4818),
    )),
)  # fmt: skip

# Venue names in a sentence: "le Théâtre…", "au Théâtre…", "sur la Place Carnot".
_ARTICLES = {"Le ": "au ", "La ": "à la ", "Les ": "aux ", "L'": "à l'"}
_FEMININE_HEADS = frozenset(
    {"Médiathèque", "Bibliothèque", "Maison", "Salle", "MJC", "Basilique", "Cathédrale",
     "Place", "Promenade", "Colline", "Prairie", "Calanque"}
)  # fmt: skip
_OPEN_AIR_HEADS = {"Place": "sur ", "Promenade": "sur ", "Colline": "sur ", "Prairie": "sur ",
                   "Parvis": "sur ", "Sentier": "sur ", "Calanque": "dans "}  # fmt: skip


def _head(name: str) -> str:
    return re.split(r"[ -]", name, maxsplit=1)[0]


def the_venue(name: str) -> str:
    """'le Théâtre du Canal', 'la Place Carnot', "l'Église Saint-Eustache", 'Le Bouchon sonore'."""
    if name.startswith(tuple(_ARTICLES)):
        return name
    head = _head(name)
    if fold(head[0]) in "aeiouh":
        return f"l'{name}"
    return ("la " if head in _FEMININE_HEADS else "le ") + name


def at_venue(name: str) -> str:
    """'au Parc Borély', 'à la Médiathèque…', "à l'Église…", 'sur la Place Carnot'."""
    for article, preposition in _ARTICLES.items():
        if name.startswith(article):
            return preposition + name[len(article) :]
    the = the_venue(name)
    if _head(name) in _OPEN_AIR_HEADS:
        return _OPEN_AIR_HEADS[_head(name)] + the
    return "au " + the[3:] if the.startswith("le ") else "à " + the


# --- audiences and prices ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Audience:
    key: str
    keywords: tuple[str, ...]
    ages: tuple[tuple[int, int], ...]
    """(age_min, age_max) choices; 99 means "and older", as in OpenAgenda; empty: no age."""
    lines: tuple[str, ...]


AUDIENCES: dict[str, Audience] = {
    a.key: a
    for a in (
        Audience("tout public", ("Tout public",), (), (
            "Ouvert à tous, sans connaissance préalable.",
            "Tout public : curieux comme connaisseurs y trouveront leur compte.",
            "Un rendez-vous à partager entre amis, en famille ou en solo.",
        )),
        Audience("familles", ("En famille", "Jeune public"), ((3, 99), (4, 99), (5, 99), (6, 99)), (
            "À partager en famille, dès {age_min} ans.",
            "Idéal en famille : les enfants sont les bienvenus dès {age_min} ans, accompagnés d'un adulte.",
            "Une sortie pour petits et grands, à partir de {age_min} ans.",
        )),
        Audience("enfants", ("Enfants", "Jeune public"), ((3, 6), (4, 8), (6, 10), (7, 12), (8, 12)), (
            "Pour les enfants de {age_min} à {age_max} ans.",
            "Conçu pour les {age_min}-{age_max} ans ; les parents peuvent rester pendant la séance.",
            "Réservé aux enfants de {age_min} à {age_max} ans, accompagnés d'un adulte.",
        )),
        Audience("ados", ("Ados", "Jeunes"), ((11, 15), (12, 17), (13, 17)), (
            "Pour les jeunes de {age_min} à {age_max} ans, débutants bienvenus.",
            "Réservé aux ados de {age_min} à {age_max} ans.",
        )),
        Audience("adultes", ("Adultes",), (), (
            "Pour un public adulte.",
            "Conseillé aux adultes.",
        )),
        Audience("seniors", ("Seniors",), (), (
            "Pensé pour les seniors, dans une ambiance bienveillante et sans jugement.",
            "Proposé en priorité aux seniors ; les aidants sont les bienvenus.",
        )),
    )
}  # fmt: skip

PRICES: dict[str, tuple[str, ...]] = {
    "free": (
        "Gratuit",
        "Entrée libre",
        "Gratuit, sur réservation",
        "Entrée libre dans la limite des places disponibles",
        "Gratuit sur inscription",
    ),
    "cheap": (
        "Tarif unique : 5 €",
        "3 € / gratuit pour les moins de 12 ans",
        "6 € / 4 € tarif réduit",
        "Participation libre",
        "Sur réservation : 8 €",
    ),
    "show": (
        "12 € / 8 € tarif réduit",
        "Plein tarif : 18 € - Tarif réduit : 12 €",
        "Tarif unique : 15 €",
        "22 € / 16 € (étudiants, demandeurs d'emploi)",
        "Sur réservation : 10 €",
        "De 14 € à 24 €",
    ),
    "premium": (
        "De 25 € à 48 €",
        "Plein tarif : 35 € - Tarif réduit : 25 €",
        "Catégorie 1 : 55 € - Catégorie 2 : 38 € - Catégorie 3 : 20 €",
    ),
}


# --- themes ------------------------------------------------------------------------------

Schedule = Literal["single", "twice", "days", "weekly", "run"]


@dataclass(frozen=True, slots=True)
class Theme:
    """One kind of event and everything needed to write one: where, when, for whom, what."""

    key: str
    weight: int
    kinds: tuple[Kind, ...]
    keywords: tuple[str, ...]
    audiences: tuple[str, ...]
    prices: tuple[str, ...]
    hours: tuple[str, ...]
    minutes: int
    schedules: tuple[Schedule, ...]
    titles: tuple[str, ...]
    teasers: tuple[str, ...]
    intros: tuple[str, ...]
    details: tuple[str, ...]
    extras: tuple[str, ...] = ()
    online: bool = False
    """May be held online ("En ligne") or both ("Mixte")."""
    closed_on: tuple[int, ...] = ()
    """Weekdays (0 = Monday) without opening, for runs."""
    season: tuple[tuple[int, int], tuple[int, int]] | None = None
    """((month, day), (month, day)): only happens then, and a run ends by the second."""


THEMES: tuple[Theme, ...] = (
    Theme(
        key="jazz", weight=5, kinds=("club", "scène"),
        keywords=("Concert", "Jazz", "Musique"), audiences=("tout public", "adultes"),
        prices=("show", "show", "cheap", "free"), hours=("20:00", "20:30", "21:00"),
        minutes=120, schedules=("single", "single", "days"),
        titles=(
            "Concert jazz : {jazz_band}",
            "{jazz_band} en concert",
            "Soirée {jazz_style} avec {jazz_band}",
            "Jam session {jazz_style} : {jazz_band} ouvre le bal",
        ),
        teasers=(
            "{jazz_band} pose ses valises {at_venue} pour une soirée de {jazz_style} généreuse et inventive.",
            "Standards revisités et compositions originales : une soirée de {jazz_style} à savourer de près.",
            "Un concert de {jazz_style} au plus près des musiciens, suivi d'une jam ouverte aux amateurs.",
        ),
        intros=(
            "Formé autour de {leader}, {jazz_band} s'est fait une place sur la scène {jazz_style} en jouant partout où l'on veut bien l'écouter, des caves enfumées aux festivals d'été. Le groupe revient avec un répertoire qui mêle standards et compositions originales.",
            "{jazz_band} aime les soirées qui s'étirent. Sous la houlette de {leader}, la formation revisite les grands classiques du {jazz_style} avec une liberté réjouissante, sans jamais perdre le sens du groove.",
            "Il y a des concerts où l'on vient pour écouter et où l'on reste pour la complicité entre les musiciens. Avec {jazz_band}, emmené par {leader}, le {jazz_style} se joue comme une conversation.",
        ),
        details=(
            "Au programme : des thèmes de Duke Ellington, de Thelonious Monk et de Django Reinhardt, mais aussi les morceaux de leur dernier album, « {album} », enregistré en une seule prise.",
            "La première partie est assurée par les élèves de l'atelier jazz du conservatoire, avant une seconde partie où la scène s'ouvre aux musiciens qui ont apporté leur instrument.",
            "Contrebasse, batterie, piano et saxophone : la formation joue sans artifice, au plus près du public, et laisse une large place à l'improvisation.",
        ),
        extras=(
            "Le bar reste ouvert pendant tout le concert ; une petite restauration est proposée dès 19 h.",
            "Placement libre, debout ou assis selon l'affluence : venez tôt pour profiter des tables près de la scène.",
        ),
    ),
    Theme(
        key="classique", weight=5, kinds=("église", "scène"),
        keywords=("Concert", "Musique classique", "Musique de chambre"),
        audiences=("tout public", "seniors", "adultes"), prices=("show", "cheap", "free"),
        hours=("16:00", "17:00", "20:00", "20:30"), minutes=75, schedules=("single",),
        titles=(
            "{composers}, par le {ensemble}",
            "Musique de chambre : {composers}",
            "Les Heures musicales : {composers}",
            "{ensemble} et {artist} : {composers}",
        ),
        teasers=(
            "{composers} : un programme lumineux, joué dans l'acoustique chaleureuse du lieu.",
            "Le {ensemble} invite {artist} {instrument_at} pour un concert intime, entre pages célèbres et découvertes.",
            "Une heure de musique de chambre pour ralentir le temps, en compagnie du {ensemble}.",
        ),
        intros=(
            "Le {ensemble} poursuit son exploration du répertoire avec {composers}. Pour ce programme, les musiciens invitent {artist}, dont le jeu {instrument_at} a été salué pour sa délicatesse.",
            "{composers} : c'est le fil rouge de ce concert que le {ensemble} a construit comme une promenade, des pages les plus connues aux œuvres rarement jouées. {artist} les rejoint {instrument_at}.",
            "Depuis sa création, le {ensemble} défend une musique de chambre vivante et accessible. Pour ce concert, place à {composers}, avec la complicité de {artist} {instrument_at}.",
        ),
        details=(
            "Chaque œuvre est brièvement présentée par les musiciens, qui racontent le contexte de sa composition et ce qu'ils y entendent. Nul besoin d'être mélomane averti pour se laisser emporter.",
            "Le concert dure environ une heure, sans entracte. Les portes ouvrent trente minutes avant le début ; le placement est libre.",
            "L'acoustique du lieu, réputée auprès des musiciens, se prête particulièrement bien aux cordes et aux voix : les artistes jouent sans aucune amplification.",
        ),
    ),
    Theme(
        key="rock", weight=4, kinds=("club", "scène"),
        keywords=("Concert", "Rock", "Pop"), audiences=("tout public", "adultes", "ados"),
        prices=("show", "show", "cheap"), hours=("20:00", "20:30"), minutes=150,
        schedules=("single",),
        titles=(
            "{rock_band} en concert",
            "{rock_band} + {rock_band2} : soirée rock",
            "Concert pop-rock : {rock_band}",
            "{rock_band} — tournée « {album} »",
        ),
        teasers=(
            "Guitares en avant et refrains à reprendre en chœur : {rock_band} revient sur scène avec son nouvel album.",
            "Une soirée électrique avec {rock_band}, l'un des groupes qui font bouger la scène locale.",
            "Rock nerveux, pop lumineuse : {rock_band} défend « {album} » sur scène.",
        ),
        intros=(
            "Révélé sur les scènes de la région avant de sillonner la France, {rock_band} revient avec « {album} », un disque plus direct que les précédents, enregistré quasiment en live.",
            "Trois guitares, une section rythmique qui ne lâche rien et des textes en français ciselés : {rock_band} fait partie de ces groupes que l'on découvre en concert et que l'on ne quitte plus. Le nouvel album, « {album} », ne fait pas exception.",
            "{rock_band}, c'est l'histoire d'une bande d'amis qui répétaient dans un garage et remplissent désormais les salles. Leur rock mélodique, teinté de pop, fait mouche à chaque passage, et « {album} » le confirme.",
        ),
        details=(
            "En première partie, {rock_band2} viendra chauffer la salle avec un set court et énergique.",
            "Le groupe promet un concert généreux de près de deux heures, où les morceaux du nouvel album côtoient les titres qui ont fait sa réputation.",
            "Sur scène, le groupe soigne la lumière et les arrangements : cuivres invités, chœurs et quelques surprises acoustiques en fin de soirée.",
        ),
        extras=(
            "Concert debout. Des bouchons d'oreilles sont disponibles gratuitement à l'accueil.",
            "Les mineurs de moins de 16 ans doivent être accompagnés d'un adulte.",
        ),
    ),
    Theme(
        key="électro", weight=3, kinds=("club",),
        keywords=("Électro", "Soirée", "DJ"), audiences=("adultes",),
        prices=("show", "cheap"), hours=("23:00", "23:30"), minutes=360, schedules=("single",),
        titles=(
            "Nuit électro : {dj} + {dj2}",
            "{dj} (live) et invités",
            "Club {club_night} : {dj}",
            "Soirée {electro_style} avec {dj}",
        ),
        teasers=(
            "Une nuit de {electro_style} jusqu'au petit matin, avec {dj} aux platines.",
            "{dj} signe un live hybride entre machines et instruments, pensé pour danser.",
            "Le collectif {club_night} invite {dj} pour une soirée {electro_style} sans temps mort.",
        ),
        intros=(
            "Le collectif {club_night} poursuit ses soirées mensuelles avec {dj}, dont les sets {electro_style} mêlent classiques du genre et productions récentes.",
            "Aux platines, {dj} construit ses sets comme des voyages : une montée lente, un cœur de nuit intense puis un atterrissage en douceur. Une signature qui a fait sa réputation dans les clubs de la région.",
            "Pour cette nuit {electro_style}, la salle se transforme en club : lumières tamisées, son spatialisé et une programmation qui fait la part belle aux artistes émergents, avec {dj} en tête d'affiche.",
        ),
        details=(
            "En ouverture, {dj2} proposera un set plus chaloupé, idéal pour entrer doucement dans la soirée.",
            "Le collectif {club_night} défend une fête inclusive et bienveillante : une équipe de prévention est présente toute la nuit et de l'eau est disponible gratuitement au bar.",
            "Le vestiaire est ouvert toute la nuit. Les derniers transports en commun n'attendront pas : pensez aux bus de nuit ou au covoiturage.",
        ),
        extras=("Réservé aux plus de 18 ans. Une pièce d'identité est demandée à l'entrée.",),
    ),
    Theme(
        key="théâtre", weight=7, kinds=("scène",),
        keywords=("Théâtre", "Spectacle"), audiences=("tout public", "adultes", "ados", "seniors"),
        prices=("show", "show", "cheap"), hours=("19:00", "20:00", "20:30"), minutes=100,
        schedules=("single", "days", "days"),
        titles=("{play}", "{play}, par la {company}", "« {play} » — {company}"),
        teasers=(
            "La {company} s'empare de {play_about} avec une mise en scène vive et résolument actuelle.",
            "Une troupe de sept comédiens pour redécouvrir « {play} », drôle, cruel et terriblement humain.",
            "« {play} » : {play_about}, dans une mise en scène de {director}.",
        ),
        intros=(
            "La {company} s'attaque à « {play} », {play_about}. Dans une mise en scène signée {director}, la pièce retrouve toute sa vivacité : les répliques claquent, les personnages se débattent et le rire n'est jamais loin de l'émotion.",
            "Qu'est-ce qui nous relie encore à « {play} » ? C'est la question qu'a posée {director} aux comédiens de la {company} avant de monter {play_about}. Le résultat est un spectacle nerveux, porté par une troupe soudée.",
            "Après une première série de représentations remarquée, « {play} » revient {at_venue}. {director} y dirige les comédiens de la {company} dans un décor tout en bois et en lumière.",
        ),
        details=(
            "La scénographie, faite de panneaux mobiles, transforme le plateau à vue : un salon devient une gare, puis une forêt. La musique, jouée en direct, accompagne les changements de scène.",
            "Le spectacle dure 1 h 40 sans entracte. Une rencontre avec l'équipe artistique est proposée à l'issue de certaines représentations.",
            "Pas de décor spectaculaire ici : tout repose sur le jeu, précis et physique, des comédiens et sur une bande-son composée pour le spectacle.",
        ),
        extras=("Les retardataires ne pourront pas entrer une fois la représentation commencée.",),
    ),
    Theme(
        key="humour", weight=4, kinds=("scène", "club"),
        keywords=("Humour", "Stand-up", "Spectacle"), audiences=("adultes", "tout public"),
        prices=("show",), hours=("20:00", "21:00"), minutes=75, schedules=("single", "days"),
        titles=(
            "{comedian} — « {show} »",
            "Stand-up : {comedian}",
            "« {show} », le nouveau spectacle de {comedian}",
        ),
        teasers=(
            "{comedian} passe au crible nos petites lâchetés du quotidien dans « {show} », un seul-en-scène hilarant.",
            "Une heure de stand-up mordant et tendre, par l'une des voix montantes de l'humour.",
            "Famille, travail, réseaux sociaux : {comedian} raconte tout, et surtout ce qu'il ne faudrait pas.",
        ),
        intros=(
            "Dans « {show} », {comedian} raconte ses années de galère, ses dîners de famille et son rapport compliqué aux applications de rencontre. C'est vif, souvent absurde, toujours juste.",
            "Après avoir rodé ses textes dans les scènes ouvertes, {comedian} présente « {show} », un premier spectacle qui joue avec le public autant qu'avec les codes du stand-up.",
            "Rire de ce qui fâche sans jamais humilier : c'est la promesse tenue par {comedian}, dont les chroniques à la radio ont fait connaître le ton malicieux. « {show} » en est le prolongement sur scène.",
        ),
        details=(
            "Le spectacle dure environ 1 h 15. Une partie est improvisée à partir des anecdotes que le public aura glissées dans une urne à l'entrée.",
            "En première partie, deux jeunes humoristes issus des scènes ouvertes de la ville testent leurs nouveaux sketches.",
            "Certains passages abordent des thèmes adultes : le spectacle est déconseillé aux moins de 14 ans.",
        ),
    ),
    Theme(
        key="danse", weight=3, kinds=("scène",),
        keywords=("Danse", "Spectacle"), audiences=("tout public", "adultes", "ados"),
        prices=("show", "cheap"), hours=("19:30", "20:30"), minutes=60, schedules=("single", "days"),
        titles=(
            "« {dance_piece} », de {choreographer}",
            "« {dance_piece} » par la {dance_company}",
            "Danse : {dance_piece}",
        ),
        teasers=(
            "Sept danseurs, une musique live et une énergie communicative : « {dance_piece} » est une pièce de {dance_style} d'une rare fluidité.",
            "{choreographer} signe une pièce de {dance_style} sensible sur ce qui nous lie les uns aux autres.",
            "Une pièce de {dance_style} physique et poétique, portée par la {dance_company}.",
        ),
        intros=(
            "Avec « {dance_piece} », {choreographer} poursuit une recherche entamée il y a dix ans sur le geste quotidien. Les danseurs de la {dance_company} marchent, tombent, se rattrapent : une pièce de {dance_style} qui parle de solidarité sans un mot.",
            "Sur un plateau nu, six interprètes venus d'horizons différents confrontent leurs écritures. {choreographer} a imaginé « {dance_piece} », pièce de {dance_style}, comme un dialogue entre les générations, à la frontière entre virtuosité et fragilité.",
            "Créée l'an dernier et accueillie avec enthousiasme, « {dance_piece} » est une pièce de {dance_style} pour sept interprètes et un musicien. La {dance_company} y explore le mouvement des foules, les élans collectifs et les solitudes.",
        ),
        details=(
            "La musique, composée par {composer}, est jouée en direct au bord du plateau ; elle alterne violoncelle, percussions et nappes électroniques.",
            "Durée : une heure. Un atelier d'initiation ouvert à tous est proposé par les danseurs l'après-midi précédant la représentation, sur inscription.",
            "La représentation est suivie d'un échange avec {choreographer} et les interprètes.",
        ),
    ),
    Theme(
        key="opéra", weight=2, kinds=("scène",),
        keywords=("Opéra", "Musique classique", "Spectacle"),
        audiences=("tout public", "adultes", "seniors"), prices=("premium",),
        hours=("19:30", "20:00"), minutes=165, schedules=("single", "days"),
        titles=("{opera}", "Opéra : {opera}", "« {opera} » {opera_about}"),
        teasers=(
            "« {opera} » {opera_about}, dans une nouvelle production qui fait la part belle aux jeunes voix.",
            "Le chef-d'œuvre {opera_about} revient sur scène, chanté en langue originale et surtitré en français.",
            "Orchestre, chœur et solistes réunis pour « {opera} », l'un des opéras les plus aimés du répertoire.",
        ),
        intros=(
            "Cette nouvelle production de « {opera} » {opera_about} réunit une distribution de jeunes chanteurs issus des académies lyriques, sous la direction musicale de {conductor}. La mise en scène, signée {director}, transpose l'action dans les années 1950.",
            "Peu d'opéras ont autant marqué l'histoire que « {opera} ». {director} en propose une lecture sobre et élégante, portée par {conductor} à la tête de l'orchestre et du chœur.",
            "Pour cette reprise de « {opera} » {opera_about}, {director} a choisi un décor unique et des costumes somptueux ; {conductor} dirige l'orchestre avec un sens aigu du théâtre.",
        ),
        details=(
            "Chanté en langue originale, surtitré en français. Durée : environ 2 h 45 avec un entracte.",
            "Une présentation de l'œuvre, gratuite pour les spectateurs munis d'un billet, a lieu 45 minutes avant le lever de rideau.",
            "Des places de dernière minute pour les moins de 28 ans sont mises en vente une heure avant la représentation, dans la limite des disponibilités.",
        ),
    ),
    Theme(
        key="exposition", weight=6, kinds=("musée", "centre"),
        keywords=("Exposition", "Arts visuels"), audiences=("tout public", "familles"),
        prices=("free", "cheap", "show"), hours=("10:00",), minutes=480,
        schedules=("run",), closed_on=(0,),
        titles=("Exposition « {expo} »", "« {expo} » — carte blanche à {artist}", "{expo} : exposition"),
        teasers=(
            "Une exposition consacrée à {expo_about}, à découvrir jusqu'au {last_day}.",
            "Peintures, dessins et archives inédites : « {expo} » explore {expo_about}.",
            "Le parcours « {expo} » invite à regarder autrement {expo_about}.",
        ),
        intros=(
            "« {expo} » rassemble une centaine d'œuvres et de documents consacrés à {expo_about}. Conçue avec l'artiste {artist}, l'exposition croise les époques et les techniques, des pièces anciennes aux créations récentes.",
            "L'exposition « {expo} » propose une plongée dans {expo_about}. Le parcours, imaginé avec l'artiste {artist}, se déploie en cinq salles, chacune construite autour d'une question simple.",
            "Comment raconter {expo_about} ? L'exposition « {expo} » y répond par l'image : photographies, carnets, objets et installations, dont plusieurs œuvres inédites de {artist}, dialoguent au fil d'un parcours lumineux.",
        ),
        details=(
            "Un livret-jeux est remis gratuitement aux familles à l'accueil, et des visites commentées ont lieu chaque dimanche à 15 h.",
            "L'exposition est accessible aux personnes à mobilité réduite. Des cartels en gros caractères et un audioguide sont disponibles sur demande.",
            "Un espace de lecture installé en fin de parcours permet de prolonger la visite avec une sélection de livres et de catalogues.",
        ),
        extras=("Ouvert du mardi au dimanche, de 10 h à 18 h. Dernier accès 45 minutes avant la fermeture.",),
    ),
    Theme(
        key="musée", weight=4, kinds=("musée",),
        keywords=("Visite guidée", "Musée", "Patrimoine"), audiences=("tout public", "seniors", "adultes"),
        prices=("cheap", "free"), hours=("11:00", "14:30", "15:00", "16:00"), minutes=60,
        schedules=("single", "weekly"),
        titles=(
            "Visite commentée : {museum_topic}",
            "Visite thématique : {museum_topic}",
            "Parcours guidé : {museum_topic}",
        ),
        teasers=(
            "Une visite guidée d'une heure avec un médiateur du musée. Thème du jour : {museum_topic}.",
            "Au programme de cette visite menée par {guide} : {museum_topic}.",
            "Une heure pour regarder de près {museum_topic}, en petit groupe et en prenant son temps.",
        ),
        intros=(
            "Chaque mois, les médiateurs du musée proposent un regard neuf sur les collections. Cette fois, {guide} vous emmène à la rencontre d'une sélection d'œuvres autour d'un thème : {museum_topic}.",
            "Qu'on soit habitué des lieux ou visiteur d'un jour, ces visites en petit groupe permettent d'entrer dans l'histoire des œuvres. Menée par {guide}, qui travaille au musée depuis quinze ans, celle-ci porte sur {museum_topic}.",
            "Derrière chaque œuvre, il y a une histoire : celle de l'artiste, de la commande, du voyage jusqu'au musée. Cette visite, consacrée au thème « {museum_topic} », en raconte quelques-unes, documents d'archives à l'appui.",
        ),
        details=(
            "Durée : 1 h. Groupe limité à 20 personnes ; le billet d'entrée au musée donne accès à la visite.",
            "Des sièges pliants sont prêtés à l'accueil à qui le souhaite. La visite est également proposée en langue des signes française une fois par mois.",
            "La visite se termine dans le cabinet des estampes, où quelques documents fragiles sont exceptionnellement sortis des réserves.",
        ),
    ),
    Theme(
        key="atelier enfants", weight=6, kinds=("médiathèque", "centre", "musée"),
        keywords=("Atelier", "Arts plastiques", "Loisirs créatifs"), audiences=("enfants", "familles"),
        prices=("free", "cheap"), hours=("10:00", "10:30", "14:00", "14:30", "15:30"), minutes=90,
        schedules=("single", "twice", "weekly"),
        titles=(
            "Atelier {workshop} pour les enfants",
            "Petites mains : atelier {workshop}",
            "Atelier parent-enfant : {workshop}",
        ),
        teasers=(
            "Les enfants repartent avec leur création après une heure et demie d'atelier {workshop}.",
            "Un atelier ludique animé par l'artiste {artist} : ciseaux, colle et imagination au programme.",
            "Pour les petits curieux : découvrir une technique, expérimenter, et rapporter son œuvre à la maison.",
        ),
        intros=(
            "Guidés par l'artiste {artist}, les enfants découvrent les bases de l'atelier {workshop} : observer, essayer, se tromper et recommencer. Chacun avance à son rythme et repart avec sa réalisation.",
            "Cet atelier {workshop} est conçu comme une petite aventure : une histoire lue en introduction, une démonstration, puis place à la pratique. {artist} accompagne chaque enfant pas à pas.",
            "Rien de tel qu'un atelier pour occuper les mains et l'esprit ! Avec {artist}, l'atelier {workshop} propose aux enfants de fabriquer, de tester et d'inventer, dans une ambiance conviviale.",
        ),
        details=(
            "Tout le matériel est fourni. Prévoir des vêtements qui ne craignent pas les taches.",
            "Les parents sont invités à rester pendant l'atelier, et même à mettre la main à la pâte.",
            "Le nombre de places est limité à douze enfants par séance afin que chacun profite pleinement de l'accompagnement.",
        ),
    ),
    Theme(
        key="contes", weight=4, kinds=("médiathèque",),
        keywords=("Conte", "Lecture", "Petite enfance"), audiences=("enfants", "familles"),
        prices=("free",), hours=("10:30", "11:00", "15:00", "16:00"), minutes=45,
        schedules=("single", "weekly"),
        titles=(
            "L'heure du conte : {tale_theme}",
            "Contes et comptines : {tale_theme}",
            "Histoires pour les petites oreilles : {tale_theme}",
            "Contes d'hiver avec {storyteller}",
        ),
        teasers=(
            "{storyteller} ouvre sa malle à histoires pour une séance de contes sur le thème : {tale_theme}.",
            "Des histoires, des comptines et des jeux de doigts pour les tout-petits et leurs parents.",
            "Une lecture contée, tendre et drôle, pour voyager sans quitter son coussin.",
        ),
        intros=(
            "Installés sur les tapis de l'espace jeunesse, les enfants écoutent {storyteller} leur raconter des histoires autour d'un fil rouge : {tale_theme}. Entre deux contes, on chante, on mime et on frappe des mains.",
            "Depuis vingt ans, {storyteller} sillonne les bibliothèques avec sa valise de contes. Pour cette séance, le fil rouge est tout trouvé : {tale_theme}.",
            "Les bibliothécaires et {storyteller} ont choisi des albums, des contes traditionnels et quelques surprises autour du thème du jour : {tale_theme}.",
        ),
        details=(
            "La séance dure environ 45 minutes. Les enfants restent sous la responsabilité de leurs parents.",
            "À l'issue de la séance, les albums présentés sont à emprunter sur place. Un goûter est offert.",
            "Les places sont limitées : pensez à réserver auprès de l'accueil ou par téléphone.",
        ),
    ),
    Theme(
        key="marionnettes", weight=3, kinds=("scène", "centre"),
        keywords=("Marionnettes", "Jeune public", "Spectacle"), audiences=("enfants", "familles"),
        prices=("cheap", "show"), hours=("10:30", "15:00", "16:30"), minutes=40,
        schedules=("twice", "single", "days"),
        titles=(
            "« {puppet_show} », spectacle de marionnettes",
            "Marionnettes : {puppet_show}",
            "{puppet_show}, par le {puppet_company}",
        ),
        teasers=(
            "Un spectacle de marionnettes drôle et poétique pour les petits, mêlant théâtre d'objets et ombres chinoises.",
            "Le {puppet_company} présente « {puppet_show} », une aventure à hauteur d'enfant.",
            "Marionnettes à gaine, musique et beaucoup d'humour : « {puppet_show} » se partage en famille.",
        ),
        intros=(
            "« {puppet_show} » raconte l'histoire d'un petit héros qui part à la recherche de ce qu'il a perdu, et trouve en chemin bien plus qu'il ne cherchait. Le {puppet_company} mêle marionnettes à gaine, théâtre d'ombres et musique jouée en direct.",
            "Dans un castelet en bois peint, trois manipulateurs font vivre une quinzaine de personnages. Avec « {puppet_show} », le {puppet_company} signe un spectacle tendre et plein d'humour, où l'on rit beaucoup.",
            "Le {puppet_company} fabrique lui-même toutes ses marionnettes : papier mâché, tissu, bois flotté. Sa nouvelle création, « {puppet_show} », parle d'amitié et de courage avec des mots simples.",
        ),
        details=(
            "Durée : 40 minutes. À l'issue de la représentation, les enfants peuvent découvrir les marionnettes de près et poser leurs questions aux artistes.",
            "Spectacle sans paroles, accessible aux enfants non francophones comme aux tout-petits.",
            "Il est conseillé d'arriver dix minutes en avance pour que les enfants s'installent au premier rang.",
        ),
    ),
    Theme(
        key="ciné-club", weight=3, kinds=("cinéma",),
        keywords=("Cinéma", "Ciné-club", "Patrimoine"), audiences=("tout public", "adultes", "seniors"),
        prices=("cheap",), hours=("18:30", "20:00", "20:30"), minutes=120, schedules=("single",),
        titles=("Ciné-club : {film}", "Ciné-club — {film} {film_about}", "Séance patrimoine : {film}"),
        teasers=(
            "Projection de « {film} » {film_about}, suivie d'une discussion animée par {speaker}.",
            "Un classique sur grand écran : « {film} » {film_about}, présenté par les bénévoles du ciné-club.",
            "Redécouvrir « {film} » en copie restaurée, et en débattre autour d'un verre.",
        ),
        intros=(
            "Le ciné-club poursuit son cycle consacré aux grands classiques avec « {film} » {film_about}. La projection est précédée d'une courte présentation par {speaker}, qui revient sur le tournage et la réception du film.",
            "Voir ou revoir « {film} » {film_about} sur grand écran, c'est redécouvrir un film que l'on croyait connaître. La copie, restaurée récemment, rend justice à l'image d'origine.",
            "Chaque séance du ciné-club associe un film et une rencontre. Cette fois, place à « {film} » {film_about}, présenté par {speaker}, spécialiste de l'histoire du cinéma.",
        ),
        details=(
            "Après la projection, la discussion se poursuit autour d'un verre, dans le hall. L'adhésion au ciné-club n'est pas obligatoire.",
            "Le film est projeté en version restaurée ; les films étrangers sont présentés en version originale sous-titrée.",
            "Le programme complet du cycle est disponible à l'accueil du cinéma.",
        ),
    ),
    Theme(
        key="ciné-goûter", weight=2, kinds=("cinéma", "médiathèque"),
        keywords=("Cinéma", "Jeune public", "Film d'animation"), audiences=("familles", "enfants"),
        prices=("cheap", "free"), hours=("14:30", "15:00"), minutes=100, schedules=("single",),
        titles=("Ciné-goûter : {kid_film}", "Ciné-mômes : {kid_film}"),
        teasers=(
            "Une séance pour les jeunes spectateurs : « {kid_film} » {kid_film_about}, suivi d'un goûter.",
            "Un film, un goûter et un petit jeu : le cinéma se découvre en famille.",
        ),
        intros=(
            "Une séance pensée pour les jeunes spectateurs : « {kid_film} » {kid_film_about} est présenté en quelques mots avant la projection, et la séance se termine par un goûter.",
            "Pour découvrir le cinéma en douceur, rien de tel qu'un grand classique : « {kid_film} » {kid_film_about}. Avant le film, {speaker} propose un petit jeu pour apprendre à regarder les images.",
        ),
        details=(
            "Le goûter est offert à tous les enfants à l'issue de la projection.",
            "La salle reste légèrement éclairée pendant la séance, pour que les plus petits ne soient pas impressionnés.",
        ),
    ),
    Theme(
        key="conférence", weight=5, kinds=("centre", "médiathèque", "musée"),
        keywords=("Conférence", "Rencontre", "Savoirs"), audiences=("tout public", "adultes", "seniors"),
        prices=("free", "free", "cheap"), hours=("14:30", "18:00", "18:30", "19:00"), minutes=90,
        schedules=("single",), online=True,
        titles=("Conférence : {talk}", "{talk}, conférence de {speaker}", "Les rendez-vous du savoir : {talk}"),
        teasers=(
            "{speaker} revient sur {talk_about} dans une conférence accessible à tous.",
            "Une conférence d'une heure suivie d'un temps d'échange avec le public.",
            "Comprendre {talk_about} en une heure, avec {speaker}.",
        ),
        intros=(
            "Dans cette conférence illustrée, {speaker} revient sur {talk_about}. Une heure pour comprendre, images et documents d'archives à l'appui, puis un temps de questions avec la salle.",
            "Spécialiste du sujet, {speaker} y a consacré plusieurs années de recherche. La conférence « {talk} » en propose une synthèse claire et vivante, sans jargon.",
            "Que sait-on vraiment sur {talk_about} ? {speaker} répond à cette question en croisant histoire, sciences et anecdotes, pour un public curieux mais pas forcément spécialiste.",
        ),
        details=(
            "La conférence est suivie d'une séance de dédicaces, en partenariat avec une librairie du quartier.",
            "Les diapositives de la conférence sont envoyées sur demande après la séance.",
            "Cette conférence s'inscrit dans un cycle de six rencontres consacrées aux grandes questions de notre temps ; chacune peut être suivie indépendamment.",
        ),
    ),
    Theme(
        key="visite guidée", weight=4, kinds=("place", "nature"),
        keywords=("Visite guidée", "Patrimoine", "Balade"), audiences=("tout public", "seniors", "adultes"),
        prices=("cheap", "free", "show"), hours=("10:00", "14:30", "15:00"), minutes=120,
        schedules=("single", "weekly"),
        titles=("Visite guidée : {walk}", "Balade commentée : {walk}", "{walk}, visite à pied"),
        teasers=(
            "Une balade de deux heures dans {city}, sur un thème : {walk}.",
            "Suivez {guide} dans les rues de {city} : {walk}, entre histoire et anecdotes.",
            "Une visite à pied, en petit groupe, pour regarder {city} autrement.",
        ),
        intros=(
            "{guide} vous fait découvrir {city} sous un angle inattendu : {walk}. Deux heures de marche tranquille, ponctuées d'anecdotes et de documents d'archives.",
            "Cette visite guidée, proposée avec l'office de tourisme, explore un thème que l'on croit connaître : {walk}. {guide} a puisé dans les archives municipales pour raconter la ville autrement.",
            "Le rendez-vous est donné {at_venue}. De là, {guide} emmène le groupe pour une balade dont le fil conducteur est tout trouvé : {walk}.",
        ),
        details=(
            "Prévoir de bonnes chaussures et une tenue adaptée à la météo : la visite est maintenue par temps de pluie.",
            "La visite n'est pas accessible en fauteuil roulant en raison de nombreux escaliers et de rues pavées.",
            "Groupe limité à 25 personnes. Le point de rendez-vous exact est précisé lors de la réservation.",
        ),
    ),
    Theme(
        key="marché de Noël", weight=4, kinds=("place",),
        keywords=("Marché de Noël", "Noël", "Artisanat"), audiences=("tout public", "familles"),
        prices=("free",), hours=("11:00",), minutes=540, schedules=("run",),
        season=((11, 20), (12, 24)),
        titles=(
            "Marché de Noël {at_venue}",
            "Marché de Noël de {city}",
            "Marché de Noël des créateurs — {city}",
            "Village de Noël de {city}",
            "Marché de Noël solidaire — {city}",
            "Noël {at_venue} : le marché des artisans",
        ),
        teasers=(
            "Chalets en bois, vin chaud et artisans : le marché de Noël s'installe {at_venue} jusqu'au {last_day}.",
            "Plus de {stalls} exposants, des animations pour les enfants et des spécialités régionales.",
            "Idées cadeaux, gourmandises et illuminations : la magie de Noël s'installe au cœur de {city}.",
        ),
        intros=(
            "Pour les fêtes, {the_venue} se pare de lumières et accueille {stalls} chalets d'artisans, de producteurs et de créateurs. On y flâne entre bougies, santons, jouets en bois et décorations, un gobelet de vin chaud à la main.",
            "Le marché de Noël de {city} revient avec {stalls} exposants soigneusement sélectionnés : artisans d'art, producteurs locaux et associations. Une allée entière est consacrée aux créateurs de la région.",
            "Rendez-vous incontournable de la fin d'année, le marché de Noël réunit {stalls} chalets {at_venue}. Cette édition met à l'honneur l'artisanat local et les produits issus de circuits courts.",
        ),
        details=(
            "Le Père Noël est présent les mercredis, samedis et dimanches après-midi pour écouter les souhaits des enfants et poser pour la photo.",
            "Côté gourmandises : pain d'épices, marrons chauds, gaufres, crêpes et vin chaud, avec une version sans alcool pour les plus jeunes.",
            "Une partie des chalets est réservée à des associations solidaires, qui y vendent leurs créations au profit de leurs actions.",
        ),
        extras=("Ouvert tous les jours de 11 h à 20 h.",),
    ),
    Theme(
        key="festival", weight=3, kinds=("centre", "scène"),
        keywords=("Festival", "Concert", "Spectacle"), audiences=("tout public", "familles"),
        prices=("show", "cheap", "free"), hours=("14:00",), minutes=540, schedules=("days",),
        titles=(
            "Festival {festival_name}",
            "{festival_name} : le festival",
            "Festival {festival_name} — {edition} édition",
        ),
        teasers=(
            "Le festival {festival_name} revient pour sa {edition} édition, avec une programmation qui célèbre {festival_focus}.",
            "Concerts, spectacles, rencontres et ateliers : plusieurs jours de fête qui célèbrent {festival_focus}.",
            "Temps fort de la saison, {festival_name} investit {the_venue} et plusieurs lieux de {city}.",
        ),
        intros=(
            "Pour sa {edition} édition, le festival {festival_name} célèbre {festival_focus} avec une trentaine de rendez-vous, des têtes d'affiche aux jeunes talents. Le cœur du festival bat {at_venue}, où se trouvent la billetterie et le bar.",
            "Né de l'envie d'une poignée de bénévoles, {festival_name} est devenu en quelques années un rendez-vous attendu à {city}. Le festival défend {festival_focus} sous toutes ses formes, avec une attention particulière aux jeunes publics.",
            "{festival_name}, ce sont plusieurs jours de fête où l'on croise artistes, bénévoles et spectateurs dans les salles, sur les places et jusque dans les cafés. Au centre de tout : {festival_focus}.",
        ),
        details=(
            "Un pass permet d'accéder à l'ensemble des spectacles ; certaines propositions en extérieur sont gratuites et sans réservation.",
            "Le programme détaillé, jour par jour, est disponible à l'accueil du festival.",
            "Des ateliers de pratique, ouverts aux amateurs, sont proposés chaque matin ; inscription au point information.",
        ),
    ),
    Theme(
        key="lecture", weight=3, kinds=("médiathèque",),
        keywords=("Lecture", "Littérature", "Rencontre"), audiences=("tout public", "adultes", "seniors"),
        prices=("free",), hours=("18:00", "18:30", "15:00"), minutes=90, schedules=("single",),
        online=True,
        titles=(
            "Rencontre avec {author}",
            "Lecture : « {book} », par {author}",
            "Rencontre littéraire : {author}",
            "Club de lecture : « {book} »",
        ),
        teasers=(
            "{author} présente son {book_genre}, « {book} », et répond aux questions des lecteurs.",
            "Une lecture à voix haute d'extraits de « {book} », suivie d'un échange et d'une séance de dédicaces.",
            "Rencontre avec {author} autour de « {book} », {book_genre} salué par la critique.",
        ),
        intros=(
            "Dans « {book} », son {book_genre}, {author} raconte une famille bouleversée par un secret longtemps tu. La médiathèque l'accueille pour une lecture d'extraits, suivie d'une discussion animée par les bibliothécaires.",
            "Après avoir longtemps écrit pour la radio, {author} publie « {book} », {book_genre} où se croisent souvenirs d'enfance et paysages de bord de mer. Une rencontre pour découvrir une écriture sensible et précise.",
            "Le club de lecture de la médiathèque a choisi « {book} » pour sa sélection de saison, et {author} a accepté de venir en parler.",
        ),
        details=(
            "La rencontre est suivie d'une séance de dédicaces ; les livres sont en vente sur place grâce à une librairie partenaire.",
            "Les extraits sont lus par une comédienne de la compagnie associée à la médiathèque, accompagnée d'un musicien.",
            "Pas besoin d'avoir lu le livre pour venir : la rencontre est ouverte à toutes les curiosités.",
        ),
    ),
    Theme(
        key="randonnée", weight=4, kinds=("nature",),
        keywords=("Randonnée", "Nature", "Sport"), audiences=("tout public", "familles", "seniors"),
        prices=("free", "cheap"), hours=("09:00", "09:30", "14:00"), minutes=180,
        schedules=("single", "weekly"),
        titles=("Randonnée : {hike}", "Balade nature : {hike}", "Sortie marche nordique : {hike}"),
        teasers=(
            "Une randonnée de {km} kilomètres accessible à tous, encadrée par un animateur diplômé.",
            "Deux à trois heures de marche au grand air pour découvrir la nature tout près de la ville.",
            "Bonnes chaussures et bonne humeur exigées : départ en groupe pour une boucle de {km} km.",
        ),
        intros=(
            "L'association de randonnée vous invite à une boucle de {km} kilomètres : {hike}. Le rythme est tranquille, avec plusieurs pauses pour observer le paysage et reprendre son souffle.",
            "{guide}, qui encadre la sortie, connaît chaque sentier : {km} kilomètres de marche pour redécouvrir la nature aux portes de la ville, avec un thème, {hike}.",
            "Le grand air vous manque ? Cette balade de {km} kilomètres ({hike}) est ouverte à tous les marcheurs en bonne santé. On y apprend à reconnaître les arbres, les traces d'animaux et les chants d'oiseaux.",
        ),
        details=(
            "Rendez-vous {at_venue} dix minutes avant le départ. Prévoir de l'eau, un en-cas et des vêtements adaptés à la météo.",
            "La sortie est annulée en cas d'alerte météo ; les inscrits sont prévenus par SMS la veille.",
            "Les chiens tenus en laisse sont acceptés. Le parcours n'est pas adapté aux poussettes.",
        ),
    ),
    Theme(
        key="gastronomie", weight=3, kinds=("centre",),
        keywords=("Gastronomie", "Atelier cuisine", "Dégustation"),
        audiences=("tout public", "adultes", "familles", "seniors"), prices=("show", "cheap"),
        hours=("10:00", "18:30", "14:30"), minutes=150, schedules=("single", "weekly"),
        titles=("Atelier cuisine : {dish}", "Cours de cuisine avec {chef} : {dish}", "À table ! {dish}"),
        teasers=(
            "Deux heures en cuisine avec {chef} pour apprendre {dish}, puis déguster ensemble.",
            "Un atelier convivial pour cuisiner {dish} avec des produits locaux et de saison.",
            "Tablier fourni, recettes à emporter : un moment gourmand et pratique autour d'un thème, {dish}.",
        ),
        intros=(
            "Avec {chef}, qui a longtemps tenu une table de quartier, les participants apprennent les gestes essentiels autour d'un thème : {dish}. Chacun met la main à la pâte, puis tout le monde passe à table.",
            "Thème de l'atelier : {dish}. {chef} partage ses astuces pour cuisiner simplement des produits de saison, achetés auprès de producteurs de la région.",
            "Cuisiner ensemble, c'est aussi se rencontrer. L'atelier réunit dix participants autour de {chef} et d'un thème gourmand, {dish}, à décliner en entrée, plat ou dessert.",
        ),
        details=(
            "Tout le matériel et les ingrédients sont fournis. Les participants repartent avec les fiches recettes et leurs préparations.",
            "Merci de signaler toute allergie alimentaire lors de l'inscription. Une version végétarienne est toujours proposée.",
            "L'atelier se conclut par une dégustation commune, accompagnée de jus de fruits de producteurs locaux.",
        ),
    ),
    Theme(
        key="sciences", weight=3, kinds=("centre", "musée", "médiathèque"),
        keywords=("Sciences", "Expériences", "Culture scientifique"),
        audiences=("familles", "tout public", "ados"), prices=("free", "cheap"),
        hours=("14:00", "15:00", "18:30"), minutes=90, schedules=("single",),
        titles=(
            "Café des sciences : {science_topic}",
            "Atelier scientifique : {science_topic}",
            "La science en questions : {science_topic}",
        ),
        teasers=(
            "Expériences, questions et démonstrations : une heure et demie pour comprendre {science_topic}.",
            "Des chercheurs répondent à toutes vos questions sur {science_topic}.",
            "Manipuler, observer, comprendre : la science se vit en direct, avec {speaker}.",
        ),
        intros=(
            "{speaker} et l'équipe de médiation scientifique proposent de percer les mystères du thème du jour : {science_topic}. Expériences à réaliser soi-même, maquettes et vidéos rythment la séance.",
            "Pas besoin d'être scientifique pour venir : on pose ses questions, même les plus naïves, et {speaker} y répond avec des mots simples. Au menu : {science_topic}.",
            "Le thème de cette séance, {science_topic}, a été choisi par le public lors du précédent rendez-vous. Démonstrations, petites expériences et échanges avec {speaker} permettent d'aborder les dernières découvertes de la recherche.",
        ),
        details=(
            "La séance se déroule en deux temps : une courte présentation, puis des ateliers tournants autour de plusieurs tables d'expériences.",
            "Un laboratoire de recherche partenaire présente des échantillons et du matériel rarement montrés au public.",
            "Les enfants doivent être accompagnés. Les expériences utilisent du matériel sans danger.",
        ),
    ),
    Theme(
        key="numérique", weight=3, kinds=("médiathèque", "centre"),
        keywords=("Numérique", "Atelier", "Informatique"),
        audiences=("seniors", "ados", "adultes", "tout public"), prices=("free", "free", "cheap"),
        hours=("10:00", "14:00", "17:00"), minutes=120, schedules=("weekly", "single"),
        online=True,
        titles=("Atelier numérique : {digital}", "Initiation : {digital}", "Pas à pas : {digital}"),
        teasers=(
            "Un atelier en petit groupe pour apprendre à {digital} sans stress, avec un médiateur numérique.",
            "Ordinateurs et tablettes fournis : venez avec vos questions, on avance à votre rythme.",
            "Deux heures pour apprendre à {digital}, avec {speaker}.",
        ),
        intros=(
            "Le numérique fait peur ? Cet atelier est fait pour vous. Avec {speaker}, chacun apprend à {digital} à son rythme, grâce à des exercices concrets et des fiches pratiques à emporter.",
            "Cet atelier s'adresse à celles et ceux qui veulent apprendre à {digital}. {speaker} alterne courtes démonstrations et mise en pratique, en répondant aux questions de chacun.",
            "Dans l'espace numérique, {speaker} propose une séance pour apprendre à {digital}. L'atelier se fait en petit groupe, huit personnes au maximum.",
        ),
        details=(
            "Vous pouvez venir avec votre propre appareil ; des ordinateurs et des tablettes sont également prêtés sur place.",
            "L'atelier fait partie d'un cycle de plusieurs séances, mais chacune peut être suivie indépendamment.",
            "Aucun prérequis n'est nécessaire. Pensez à apporter vos identifiants si vous souhaitez travailler sur vos propres comptes.",
        ),
    ),
    Theme(
        key="cirque", weight=2, kinds=("scène",),
        keywords=("Cirque", "Spectacle", "Jeune public"), audiences=("familles", "tout public"),
        prices=("show", "cheap"), hours=("15:00", "16:00", "19:00"), minutes=70,
        schedules=("single", "days", "twice"),
        titles=("Cirque : {circus_show}", "« {circus_show} », cirque contemporain", "{circus_show}, par le {circus_company}"),
        teasers=(
            "Acrobaties, jonglage et musique live : un spectacle de cirque à couper le souffle, pour toute la famille.",
            "Le {circus_company} présente « {circus_show} », un cirque poétique où chaque numéro raconte une histoire.",
            "Huit circassiens, une roue Cyr, des mâts chinois et beaucoup d'humour dans « {circus_show} ».",
        ),
        intros=(
            "Avec « {circus_show} », le {circus_company} invite petits et grands dans un univers où l'on défie la gravité en riant. Voltige, trapèze et jonglage se succèdent au rythme d'un orchestre de trois musiciens.",
            "Ici, pas d'animaux ni de paillettes inutiles : le {circus_company} mise sur la prouesse et la poésie. « {circus_show} » enchaîne les numéros comme les chapitres d'un même récit, celui d'une troupe qui se serre les coudes.",
            "Créé sous chapiteau et adapté pour la salle, « {circus_show} » est un spectacle de cirque contemporain plein d'énergie. Les artistes du {circus_company} y repoussent les limites de l'équilibre.",
        ),
        details=(
            "Durée : 1 h 10 sans entracte. Spectacle très visuel, accessible dès le plus jeune âge.",
            "Les artistes proposent un atelier de découverte des arts du cirque le lendemain matin, sur inscription.",
            "Placement libre en gradins ; les places du premier rang sont réservées aux enfants.",
        ),
    ),
)  # fmt: skip

# --- vocabulary ----------------------------------------------------------------------------

FIRST_NAMES = (
    "Lucie", "Antoine", "Camille", "Yasmine", "Hugo", "Élise", "Malik", "Claire", "Théo",
    "Inès", "Julien", "Salomé", "Mathis", "Nadia", "Bastien", "Léa", "Karim", "Margaux",
    "Paul", "Anaïs", "Rémi", "Sofia", "Gaspard", "Chloé", "Nicolas", "Fatou", "Victor",
    "Maëlle", "Samuel", "Jeanne", "Adrien", "Leïla", "Étienne", "Manon", "Yanis", "Hélène",
)  # fmt: skip
LAST_NAMES = (
    "Marchal", "Caradec", "Benali", "Fontaine", "Le Goff", "Rossignol", "Delmas", "Nguyen",
    "Perrin", "Aubert", "Lemaire", "Haddad", "Giraud", "Keller", "Morvan", "Vasseur",
    "Rolland", "Diallo", "Chevalier", "Esteve", "Lambert", "Brunet", "Ferrand", "Texier",
    "Garnier", "Roussel", "Mercier", "Da Silva", "Lacombe", "Barbier", "Carpentier", "Ollivier",
)  # fmt: skip
PEOPLE = frozenset(
    {"leader", "artist", "director", "comedian", "choreographer", "composer", "conductor",
     "guide", "storyteller", "speaker", "author", "chef"}
)  # fmt: skip
"""Placeholders that stand for a person: each gets an invented first and last name."""

VOCABULARY: dict[str, tuple[str, ...]] = {
    "jazz_band": (
        "Trio Contre-jour", "Collectif Swing oblique", "Big band des Faubourgs",
        "Quartet Fil rouge", "Quintette Pente douce", "Trio Boussole", "Sextet Grand Angle",
        "Quartet Marée montante", "Octet Petite Ceinture", "Trio Lune rousse",
    ),
    "jazz_style": ("swing", "bebop", "jazz manouche", "jazz modal", "latin jazz", "hard bop"),
    "album": (
        "Minuit passé", "Les Quais", "Lumière rasante", "Petit matin", "Carnet de route",
        "Contre-jour", "Au fil de l'eau", "Nuits blanches", "Terre ferme", "Les Heures bleues",
    ),
    "ensemble": (
        "Quatuor Aubépine", "Quatuor Lysandre", "Trio Solène", "Trio Boréal",
        "Quatuor des Tilleuls", "Sextuor Ondine", "Chœur de chambre Hélios", "Quatuor Vernier",
    ),
    "composers": (
        "Schubert et Brahms", "les Suites pour violoncelle de Bach", "Debussy et Ravel",
        "Mozart, Haydn et Beethoven", "les Quatre Saisons de Vivaldi", "Fauré et Poulenc",
        "les nocturnes de Chopin", "le Requiem de Fauré", "l'Oratorio de Noël de Bach",
        "Lili Boulanger et Mel Bonis", "Satie et ses contemporains", "Dvořák et Smetana",
    ),
    "instrument_at": (
        "au piano", "au violoncelle", "à l'orgue", "au violon", "à la harpe", "à l'alto",
        "à la clarinette",
    ),
    "rock_band": (
        "Nuit Fauve", "Orage mécanique", "Velours Moteur", "Lame de fond", "Cœur de pylône",
        "Sirène 77", "Pavillon Nord", "Comète rouge", "Quai Ouest", "Fil de fer",
        "Hôtel Aurore", "Radio Garrigue",
    ),
    "dj": (
        "Kaolin", "Opaline", "Basalte", "Néon Tigre", "Sillon", "Lapis", "Nébuleuse",
        "Polaroïd Sud", "Vega Marine", "Falaise", "Ondes courtes", "Mirabelle",
    ),
    "club_night": ("Minuit moins une", "Lumière noire", "Courant continu", "Sous-sol", "Phase deux"),
    "electro_style": ("house", "techno", "électro", "disco house", "techno mélodique", "drum'n'bass"),
    "company": (
        "Compagnie du Pas de côté", "Compagnie Les Échappées", "Compagnie La Lanterne sourde",
        "Compagnie Rouge Cerise", "Compagnie du Fil tendu", "Compagnie des Heures claires",
        "Compagnie Kilomètre zéro", "Compagnie L'Oiseau-Lyre",
    ),
    "show": (
        "Presque adulte", "Tout va très bien", "En toute modestie", "Mode avion", "Pas de panique",
        "Version originale", "C'était mieux demain", "Tant qu'il y a de la place", "Sans filtre",
    ),
    "dance_piece": (
        "Les Corps traversés", "Marée haute", "Ligne de partage", "Après la pluie", "Cercles",
        "Tenir debout", "Hors-champ", "Les Oiseaux de passage", "Sol majeur",
    ),
    "dance_company": (
        "Compagnie Contrepoint", "Compagnie des Pas perdus", "Compagnie Vent debout",
        "Compagnie Appui fragile", "Compagnie Terre ferme",
    ),
    "dance_style": (
        "danse contemporaine", "hip-hop", "danse contemporaine et hip-hop",
        "flamenco contemporain", "danse-théâtre",
    ),
    "museum_topic": (
        "les chefs-d'œuvre de la collection", "les peintres de la lumière",
        "l'Antiquité en dix objets", "les femmes artistes de la collection",
        "les coulisses de la restauration", "le XIXe siècle en couleurs",
        "les animaux dans l'art", "portraits et autoportraits", "les objets du quotidien d'autrefois",
    ),
    "workshop": (
        "pop-up et livres animés", "linogravure", "marionnettes à doigts", "peinture à la manière de Matisse",
        "modelage d'argile", "herbier et cyanotypes", "masques en papier", "bande dessinée",
        "origami", "robots en carton", "papier marbré", "tampons et motifs",
    ),
    "tale_theme": (
        "histoires de loups", "voyage au pays du froid", "contes du bout du monde",
        "la forêt enchantée", "animaux farceurs", "histoires à la lueur des lanternes",
        "le grand livre des dragons", "contes de la mer",
    ),
    "puppet_show": (
        "Le Petit Bonhomme de neige", "Plume et le grand vent", "La Soupe au caillou",
        "Le Voyage de Léon", "Mademoiselle Lune", "Les Trois Petits Cochons, ou presque",
        "L'Ours qui ne voulait pas dormir", "Pas si bête !",
    ),
    "puppet_company": ("Théâtre du Fil d'argent", "Théâtre des Petites Ombres", "Théâtre de la Boîte à sel"),
    "walk": (
        "les passages couverts", "les façades Art nouveau", "les secrets du vieux quartier",
        "les traces du Moyen Âge", "street art et fresques murales", "les jardins cachés",
        "l'histoire des halles et des marchés", "les quais et les ponts",
        "les lieux de tournage célèbres", "les femmes qui ont marqué la ville",
    ),
    "stalls": ("quarante", "soixante", "quatre-vingts", "cent vingt", "cinquante"),
    "festival_name": (
        "Les Nuits d'hiver", "Sons de traverse", "Les Petites Formes", "Cordes sensibles",
        "Lectures sous la couette", "Tempo d'hiver", "Hors saison", "Les Arts du feu",
    ),
    "edition": ("3e", "5e", "8e", "10e", "12e", "15e", "20e"),
    "festival_focus": (
        "les musiques du monde", "le théâtre de rue", "le cinéma d'animation",
        "la chanson française", "les arts du récit", "les musiques improvisées",
    ),
    "book": (
        "Les Jours de sel", "La Traversée des saisons", "Ce que disent les rivières",
        "L'Été des hirondelles", "La Fille du phare", "Petite géographie du silence",
        "Nos lendemains", "Le Bruit des vagues", "La Cartographe", "Un hiver sans neige",
    ),
    "book_genre": ("roman", "premier roman", "recueil de nouvelles", "récit", "recueil de poèmes"),
    "hike": (
        "la boucle des coteaux", "le tour des étangs", "sur les traces des oiseaux d'hiver",
        "les belvédères de la ville", "la forêt en hiver", "au fil de la rivière",
        "le sentier des crêtes", "arbres remarquables et vieux chemins",
    ),
    "km": ("5", "7", "8", "10", "12"),
    "dish": (
        "les soupes d'hiver", "les pâtes fraîches", "le pain au levain", "les légumes oubliés",
        "la cuisine végétarienne de saison", "les gâteaux de voyage", "les épices du monde",
        "les conserves maison", "les tartes salées et sucrées",
    ),
    "science_topic": (
        "les volcans", "la lumière et les couleurs", "le cerveau et la mémoire", "les robots",
        "le climat de demain", "les étoiles et les planètes", "les insectes pollinisateurs",
        "l'eau dans tous ses états", "les fossiles",
    ),
    "digital": (
        "prendre en main son smartphone", "créer son premier jeu vidéo",
        "faire ses démarches administratives en ligne", "retoucher ses photos",
        "se protéger des arnaques en ligne", "programmer un petit robot",
        "découvrir l'intelligence artificielle", "réaliser un podcast",
    ),
    "circus_show": (
        "Haut perchés", "L'Équilibre du funambule", "Les Voltigeurs", "Cabaret des étoiles",
        "Tout tourne", "Cœur de piste", "Le Grand Saut",
    ),
    "circus_company": ("Cirque Pic-Vert", "Cirque des Fougères", "Cirque du Cerf-Volant"),
}  # fmt: skip

PAIRS: dict[str, tuple[tuple[str, str], ...]] = {
    "play": (
        ("Le Misanthrope", "la comédie de Molière"),
        ("La Cerisaie", "la dernière pièce d'Anton Tchekhov"),
        ("Le Jeu de l'amour et du hasard", "la comédie de Marivaux"),
        ("Cyrano de Bergerac", "la pièce d'Edmond Rostand"),
        ("Antigone", "la tragédie de Sophocle"),
        ("Le Malade imaginaire", "la dernière comédie de Molière"),
        ("Un chapeau de paille d'Italie", "la folle comédie d'Eugène Labiche"),
        ("Ruy Blas", "la grande pièce romantique de Victor Hugo"),
        ("La Mouette", "la pièce d'Anton Tchekhov"),
        ("Les Heures creuses", "la nouvelle création de la compagnie, écrite au plateau"),
        ("Ce qui reste de l'été", "le texte inédit de {author}"),
        ("La Maison d'en face", "la comédie douce-amère de {author}"),
        ("Nos dimanches", "la chronique familiale signée {author}"),
        ("L'Inventaire", "la pièce de {author} créée la saison dernière"),
    ),
    "opera": (
        ("La Traviata", "de Giuseppe Verdi"),
        ("Carmen", "de Georges Bizet"),
        ("La Flûte enchantée", "de Mozart"),
        ("Les Contes d'Hoffmann", "de Jacques Offenbach"),
        ("La Bohème", "de Giacomo Puccini"),
        ("Le Barbier de Séville", "de Gioachino Rossini"),
        ("Didon et Énée", "de Henry Purcell"),
        ("Les Noces de Figaro", "de Mozart"),
        ("La Belle Hélène", "de Jacques Offenbach"),
    ),
    "expo": (
        ("Lumières du Nord", "les paysages peints de la mer du Nord au tournant du XXe siècle"),
        ("Papiers découpés", "l'art du papier, du pochoir à la dentelle contemporaine"),
        ("La Ville en chantier", "un siècle de photographies de grands travaux urbains"),
        ("Bestiaire", "les animaux dans l'illustration jeunesse"),
        ("Fil à fil", "le textile comme langage artistique"),
        ("Terres cuites", "la céramique contemporaine, entre art et artisanat"),
        ("Regards de femmes photographes", "cinquante ans de photographie au féminin"),
        ("L'Atelier ouvert", "le processus de création, de l'esquisse à l'œuvre achevée"),
        ("Jardins d'hiver", "le végétal dans l'art, de l'herbier aux installations"),
        ("Cartes et territoires", "la cartographie imaginaire d'artistes d'aujourd'hui"),
        ("Le Temps des affiches", "l'affiche illustrée de la Belle Époque à nos jours"),
        ("Mémoires d'usine", "le patrimoine industriel vu par les photographes"),
    ),
    "film": (
        ("Les Vacances de monsieur Hulot", "de Jacques Tati (1953)"),
        ("L'Atalante", "de Jean Vigo (1934)"),
        ("La Belle et la Bête", "de Jean Cocteau (1946)"),
        ("Jour de fête", "de Jacques Tati (1949)"),
        ("Les Enfants du paradis", "de Marcel Carné (1945)"),
        ("La Grande Illusion", "de Jean Renoir (1937)"),
        ("Playtime", "de Jacques Tati (1967)"),
        ("Les Demoiselles de Rochefort", "de Jacques Demy (1967)"),
        ("Cléo de 5 à 7", "d'Agnès Varda (1962)"),
        ("Les Temps modernes", "de Charlie Chaplin (1936)"),
        ("Le Salaire de la peur", "d'Henri-Georges Clouzot (1953)"),
    ),
    "kid_film": (
        ("Le Roi et l'Oiseau", "de Paul Grimault"),
        ("Le Ballon rouge", "d'Albert Lamorisse"),
        ("Kirikou et la Sorcière", "de Michel Ocelot"),
        ("Le Kid", "de Charlie Chaplin"),
        ("Ernest et Célestine", "de Benjamin Renner, Vincent Patar et Stéphane Aubier"),
        ("Le Voyage dans la Lune", "de Georges Méliès"),
    ),
    "talk": (
        ("Les secrets des cathédrales gothiques", "l'art de bâtir au Moyen Âge"),
        ("Comment les villes s'adaptent à la chaleur", "l'urbanisme face au changement climatique"),
        ("Une histoire de la gastronomie française", "la cuisine française, de la cour de Louis XIV aux bistrots"),
        ("Les femmes de la Résistance", "le rôle méconnu des résistantes"),
        ("Le sommeil, ce grand inconnu", "ce que la science sait du sommeil"),
        ("L'intelligence artificielle au quotidien", "les promesses et les limites de l'IA"),
        ("Impressionnisme : la révolution de la lumière", "la naissance de l'impressionnisme"),
        ("Les fleuves de France, une histoire d'eau", "les grands fleuves et ceux qui les ont aménagés"),
        ("Les oiseaux des villes", "la biodiversité urbaine"),
        ("Pourquoi nous racontons des histoires", "le récit, de la préhistoire aux séries"),
        ("Le temps des expositions universelles", "l'époque où la France montrait le monde"),
    ),
}  # fmt: skip
"""Placeholders that come with a companion `<name>_about` (a play and its author...)."""


def _french(text: str) -> str:
    """Elisions and contractions that only appear once placeholders are filled."""
    return french_grammar(text)


class _Slots(dict[str, str]):
    """The values of one event's {placeholders}, each drawn once on first use, so that its
    title, teaser and paragraphs all speak of the same artist, play or venue."""

    def __init__(self, rng: random.Random, fixed: dict[str, str]) -> None:
        super().__init__(fixed)
        self._rng = rng

    def fill(self, template: str) -> str:
        return _french(template.format_map(self))

    def __missing__(self, key: str) -> str:
        base = key.removesuffix("_about")
        if base in PAIRS:
            name, about = self._rng.choice(PAIRS[base])
            self[base], self[f"{base}_about"] = self.fill(name), self.fill(about)
            return self[key]
        if key in PEOPLE:
            value = f"{self._rng.choice(FIRST_NAMES)} {self._rng.choice(LAST_NAMES)}"
        elif key.endswith("2"):  # a second, different one: "{dj} + {dj2}"
            value = self[key[:-1]]
            while value == self[key[:-1]]:
                value = self.fill(self._rng.choice(VOCABULARY[key[:-1]]))
        else:
            value = self.fill(self._rng.choice(VOCABULARY[key]))
        self[key] = value
        return value


# --- dates ---------------------------------------------------------------------------------


def weekend_start(today: date) -> date:
    """The Saturday of "ce week-end": the coming one, or the current one on Sat/Sun."""
    if today.weekday() >= 5:
        return today - timedelta(days=today.weekday() - 5)
    return today + timedelta(days=5 - today.weekday())


@dataclass(frozen=True, slots=True)
class _Window:
    weight: int
    days: tuple[date, ...]


def _days(first: date, last: date) -> tuple[date, ...]:
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


def date_windows(today: date) -> list[_Window]:
    """Where events start: a few in the past, many this week-end and the next, most later."""
    saturday = weekend_start(today)
    windows = [
        _Window(6, _days(today - timedelta(days=14), today - timedelta(days=1))),
        _Window(12, _days(today, saturday - timedelta(days=1))),  # empty on a week-end
        _Window(22, _days(max(today, saturday), saturday + timedelta(days=1))),
        _Window(12, _days(saturday + timedelta(days=2), saturday + timedelta(days=6))),
        _Window(14, _days(saturday + timedelta(days=7), saturday + timedelta(days=8))),
        _Window(34, _days(saturday + timedelta(days=9), today + timedelta(days=90))),
    ]
    return [w for w in windows if w.days]


def _in_season(day: date, season: tuple[tuple[int, int], tuple[int, int]] | None) -> bool:
    return season is None or season[0] <= (day.month, day.day) <= season[1]


def _pick_day(rng: random.Random, windows: Sequence[_Window], theme: Theme) -> date | None:
    """A start day in a weighted window, within the theme's season (None: out of season)."""
    fitting = [
        _Window(w.weight, days)
        for w in windows
        if (days := tuple(d for d in w.days if _in_season(d, theme.season)))
    ]
    if not fitting:
        return None
    window = rng.choices(fitting, weights=[w.weight for w in fitting])[0]
    return rng.choice(window.days)


def _occurrence(day: date, start: str, minutes: int) -> Occurrence:
    begin = datetime.combine(day, time.fromisoformat(start), PARIS)
    return Occurrence(begin, begin + timedelta(minutes=minutes))


def schedule(rng: random.Random, theme: Theme, day: date) -> list[Occurrence]:
    """The showings of one event starting around `day`, in the shape its theme allows."""
    kind = rng.choice(theme.schedules)
    hour = rng.choice(theme.hours)
    if kind == "twice":
        first, second = sorted(rng.sample(theme.hours, 2))
        return [_occurrence(day, first, theme.minutes), _occurrence(day, second, theme.minutes)]
    if kind == "days":
        count = rng.randint(2, 4)
        return [_occurrence(day + timedelta(days=i), hour, theme.minutes) for i in range(count)]
    if kind == "weekly":
        count = rng.randint(3, 8)
        return [_occurrence(day + timedelta(weeks=i), hour, theme.minutes) for i in range(count)]
    if kind == "run":
        return _run(rng, theme, day, hour)
    return [_occurrence(day, hour, theme.minutes)]


def _run(rng: random.Random, theme: Theme, day: date, hour: str) -> list[Occurrence]:
    """Daily opening hours over weeks (exhibitions, markets), often begun before `day`."""
    if theme.season is not None:
        (start_month, start_day), (end_month, end_day) = theme.season
        opens = max(
            day - timedelta(days=rng.randint(0, 10)), date(day.year, start_month, start_day)
        )
        closes = date(day.year, end_month, end_day)
    else:
        opens = day - timedelta(days=rng.randint(0, 40))
        closes = opens + timedelta(days=rng.randint(21, 100))
    return [
        _occurrence(d, hour, theme.minutes)
        for d in _days(opens, closes)
        if d.weekday() not in theme.closed_on
    ]


def date_label(occurrences: Sequence[Occurrence]) -> str:
    """OpenAgenda's `daterange_fr` style: 'Samedi 28 novembre 2026, 20h00', 'Du 3 au 5 mai
    2026', 'Du 2 décembre 2026 au 20 janvier 2027, tous les mercredis'."""
    starts = [o.start for o in occurrences]
    days = sorted({s.date() for s in starts})
    if len(days) == 1:
        times = ", ".join(f"{s.hour:02d}h{s.minute:02d}" for s in starts)
        return f"{_capitalize(day_name(days[0]))}, {times}"
    label = _capitalize(date_range(days[0], days[-1]))
    weekly = all((b - a).days == 7 for a, b in pairwise(days))
    return f"{label}, tous les {WEEKDAYS[days[0].weekday()]}s" if weekly else label


def _short_day(day: date) -> str:
    """'24 décembre', for "jusqu'au 24 décembre" in a teaser."""
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]}"


# --- texts ---------------------------------------------------------------------------------

VENUE_LINES: dict[Kind, tuple[str, ...]] = {
    "scène": (
        "{the_venue} accueille chaque saison une quarantaine de spectacles, de la création contemporaine aux grands classiques.",
        "Salle de 300 places à l'acoustique soignée, {the_venue} se trouve à quelques minutes à pied du centre de {city}.",
        "Avec sa salle à l'italienne restaurée, {the_venue} est l'un des lieux de spectacle les plus chaleureux de {city}.",
    ),
    "club": (
        "{the_venue} est un lieu à taille humaine où l'on vient écouter de la musique de près, un verre à la main.",
        "Cave voûtée, murs de pierre et petite scène : {the_venue} a vu passer nombre de musiciens depuis son ouverture.",
        "{the_venue} programme des concerts quatre soirs par semaine, avec une attention particulière à la scène locale.",
    ),
    "musée": (
        "{the_venue} conserve des collections riches de plusieurs milliers d'œuvres et d'objets.",
        "Après plusieurs années de travaux, {the_venue} a rouvert ses portes avec un parcours repensé et plus accessible.",
        "{the_venue} ouvre ses portes du mardi au dimanche ; l'entrée aux collections permanentes est gratuite le premier dimanche du mois.",
    ),
    "médiathèque": (
        "Lieu de vie autant que de lecture, {the_venue} propose toute l'année des animations gratuites pour tous les âges.",
        "{the_venue} dispose d'un vaste espace jeunesse, d'un coin numérique et d'un auditorium de quatre-vingts places.",
        "Au cœur du quartier, {the_venue} accueille les lecteurs du mardi au samedi et prête livres, disques, jeux et films.",
    ),
    "centre": (
        "{the_venue} est un équipement de quartier qui mêle pratiques amateurs, spectacles et activités pour les familles.",
        "Géré par une association d'habitants, {the_venue} propose une programmation éclectique à prix doux.",
        "{the_venue} dispose de plusieurs salles d'activités, d'une cuisine pédagogique et d'une petite salle de spectacle.",
    ),
    "cinéma": (
        "{the_venue} est un cinéma indépendant classé art et essai, avec deux salles et un café.",
        "Cinéma de quartier soutenu par ses spectateurs, {the_venue} défend une programmation exigeante et accessible.",
        "Avec sa grande salle aux fauteuils rouges, {the_venue} a gardé le charme des cinémas d'autrefois.",
    ),
    "église": (
        "L'édifice, classé monument historique, est ouvert à la visite en dehors des concerts.",
        "Réputé pour son orgue et son acoustique, l'édifice accueille régulièrement des concerts de musique sacrée et de chambre.",
        "Les concerts ont lieu dans la nef ; des coussins sont à disposition pour les bancs en bois.",
    ),
    "nature": (
        "{the_venue} offre un cadre idéal pour une sortie au grand air, à deux pas du centre de {city}.",
        "Avec ses allées arborées et ses points de vue, {the_venue} est l'un des espaces verts les plus appréciés de {city}.",
        "Accès libre ; des toilettes publiques se trouvent près de l'entrée principale.",
    ),
    "place": (
        "Au cœur de {city}, {the_venue} est facilement accessible en transports en commun.",
        "{the_venue} est l'un des lieux les plus animés de {city}, en particulier pendant les fêtes de fin d'année.",
        "Le site est entièrement piéton ; des parkings à vélos sont installés aux abords.",
    ),
}  # fmt: skip

_ONLINE_LINES = {
    "En ligne": "L'événement se déroule en ligne : le lien de connexion est envoyé aux inscrits la veille.",
    "Mixte": "À suivre sur place ou en ligne, en direct ; le lien est communiqué lors de l'inscription.",
}
_STATUS_LINES = {
    "Reporté": "Attention : cet événement est reporté à une date ultérieure ; les billets déjà achetés restent valables.",
    "Complet": "Complet : il n'y a plus de places disponibles, mais une liste d'attente est ouverte à l'accueil.",
}  # fmt: skip


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def slugify(text: str) -> str:
    """'Marché de Noël — Lyon' → 'marche-de-noel-lyon'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def is_free(conditions: str) -> bool:
    return conditions in PRICES["free"]


def _price_sentence(conditions: str) -> str:
    if conditions[0].isdigit() or conditions.startswith("De "):
        return f"Tarif : {conditions[0].lower()}{conditions[1:]}."
    return f"{conditions}."


# --- events --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Draft:
    """Where, when and for whom one event happens, before any text is written."""

    number: int
    theme: Theme
    city: City
    venue: Venue
    audience: Audience
    ages: tuple[int, int] | None
    occurrences: list[Occurrence]


def generate_demo_events(
    today: date,
    n: int = DEFAULT_EVENTS,
    seed: int = DEFAULT_SEED,
    cities: Sequence[City] = CITIES,
) -> list[Event]:
    """`n` varied French events around `today` in `cities`, the same ones for the same
    arguments."""
    rng = random.Random(f"rag-events demo {seed}")
    windows = date_windows(today)
    taken: set[tuple[str, ...]] = set()
    events: list[Event] = []
    for number in range(1, n + 1):
        for attempt in range(REDRAFTS + 1):
            draft = _draft(rng, number, windows, cities)
            event = _write(rng, draft, today, taken, strict=attempt < REDRAFTS)
            if event is not None:
                events.append(event)
                break
    return events


def _draft(
    rng: random.Random, number: int, windows: Sequence[_Window], cities: Sequence[City]
) -> _Draft:
    """Place and date one event: every theme once first, then by weight."""
    theme = THEMES[number - 1] if number <= len(THEMES) else _weighted_theme(rng)
    day = _pick_day(rng, windows, theme)
    while day is None:  # out of season (no Christmas market in June)
        theme = _weighted_theme(rng)
        day = _pick_day(rng, windows, theme)
    fitting = [c for c in cities if any(v.kind in theme.kinds for v in c.venues)]
    city = rng.choices(fitting, weights=[c.weight for c in fitting])[0]
    venue = rng.choice([v for v in city.venues if v.kind in theme.kinds])
    audience = AUDIENCES[rng.choice(theme.audiences)]
    ages = rng.choice(audience.ages) if audience.ages else None
    return _Draft(number, theme, city, venue, audience, ages, schedule(rng, theme, day))


def _weighted_theme(rng: random.Random) -> Theme:
    return rng.choices(THEMES, weights=[t.weight for t in THEMES])[0]


def _write(
    rng: random.Random, draft: _Draft, today: date, taken: set[tuple[str, ...]], strict: bool
) -> Event | None:
    """Dress a draft with a title, texts, prices and links. When `strict`, None rather than
    a title or subject already taken (two "Bestiaire" exhibitions in one city look fake)."""
    theme, venue, city = draft.theme, draft.venue, draft.city
    fixed = _fixed_slots(draft)
    for _ in range(TITLE_DRAWS):
        slots = _Slots(rng, fixed)
        title = _capitalize(slots.fill(rng.choice(theme.titles)))
        subject = tuple(sorted(v for k, v in slots.items() if k not in fixed))
        where = city.name if subject else venue.name  # one market per square
        keys = {("title", title), (theme.key, where, *subject)}
        if not (strict and keys & taken):
            break
    else:
        return None
    taken.update(keys)
    uid = f"demo-{draft.number:04d}"
    url = f"{DEMO_URL}/{slugify(title)}-{draft.number:04d}"
    conditions = rng.choice(PRICES[rng.choice(theme.prices)])
    attendance = _attendance(rng, theme)
    status = rng.choices(["Programmé", "Reporté", "Complet"], weights=[94, 2, 4])[0]
    registration = _registration(rng, conditions, url, attendance)

    def pick(options: Sequence[str]) -> str:
        return _capitalize(slots.fill(rng.choice(options)))

    paragraphs = [pick(theme.intros), pick(theme.details)]
    if rng.random() < 0.55:
        paragraphs.append(pick(VENUE_LINES[venue.kind]))
    if theme.extras and rng.random() < 0.5:
        paragraphs.append(pick(theme.extras))
    practical = [
        pick(draft.audience.lines),
        _price_sentence(conditions),
        _ONLINE_LINES.get(attendance, ""),
        _STATUS_LINES.get(status, ""),
    ]
    if rng.random() < 0.85:
        paragraphs.append(" ".join(p for p in practical if p))
    keywords = [*theme.keywords, *draft.audience.keywords]
    if is_free(conditions):
        keywords.append("Gratuit")
    updated = datetime.combine(today - timedelta(days=rng.randint(2, 45)), time(9), PARIS)
    return Event(
        uid=uid,
        title=title,
        description=pick(theme.teasers),
        long_description="\n".join(paragraphs),
        keywords=list(dict.fromkeys(keywords)),
        occurrences=draft.occurrences,
        date_label=date_label(draft.occurrences),
        venue=venue.name,
        address=f"{venue.address}, {venue.postal_code} {city.name}",
        city=city.name,
        postal_code=venue.postal_code,
        department=city.department,
        region=city.region,
        country="France",
        latitude=venue.latitude,
        longitude=venue.longitude,
        age_min=draft.ages[0] if draft.ages else None,
        age_max=draft.ages[1] if draft.ages else None,
        conditions=conditions,
        registration=registration,
        url=url,
        agenda_uid=f"demo-agenda-{slugify(city.name)}",
        agenda_title=f"Sortir à {city.name} (démo)",
        status=status,
        attendance_mode=attendance,
        updated_at=updated,
    )


def _fixed_slots(draft: _Draft) -> dict[str, str]:
    last = max(o.end for o in draft.occurrences).date()
    ages = draft.ages or (0, 0)
    return {
        "the_venue": the_venue(draft.venue.name),
        "at_venue": at_venue(draft.venue.name),
        "city": draft.city.name,
        "last_day": _short_day(last),
        "age_min": str(ages[0]),
        "age_max": str(ages[1]),
    }


def _attendance(rng: random.Random, theme: Theme) -> str:
    if not theme.online:
        return "Sur place"
    return rng.choices(["Sur place", "En ligne", "Mixte"], weights=[76, 12, 12])[0]


def _registration(rng: random.Random, conditions: str, url: str, attendance: str) -> list[str]:
    """Where to book: a ticket page for paid or online events, a phone or e-mail when
    booking is asked, nothing for walk-in free events."""
    if attendance != "Sur place" or not is_free(conditions):
        return [f"{url}/billetterie"]
    if "réservation" in conditions or "inscription" in conditions:
        # 01 99 00 xx xx is a range that ARCEP reserves for fiction.
        phone = f"01 99 00 {rng.randint(10, 99)} {rng.randint(10, 99)}"
        return [rng.choice([phone, "reservation@example.org"])]
    return []


# --- rag demo ------------------------------------------------------------------------------


@dataclass(slots=True)
class DemoSource:
    """The generated corpus as an ingest source, so `rag demo` keeps raw and processed
    copies exactly like any other source."""

    events: list[Event]
    name: str = "demo"
    notes: list[str] = field(default_factory=list)

    def fetch(self, progress: ProgressFn = no_progress) -> Iterator[RawBatch]:
        progress("generate", len(self.events), len(self.events))
        yield RawBatch("event", [event.to_dict() for event in self.events])


def build_demo(
    settings: Settings,
    today: date | None = None,
    n: int = DEFAULT_EVENTS,
    seed: int = DEFAULT_SEED,
    progress: ProgressFn = no_progress,
) -> BuildReport:
    """Generate the demo corpus, ingest it (raw + processed) and build its index."""
    from rag.embeddings import create_embedder
    from rag.index import build_index
    from rag.ingest import ingest, load_events

    today = today or datetime.now(ZoneInfo(settings.timezone)).date()
    events = generate_demo_events(today, n, seed)
    ingest(settings, [DemoSource(events)], progress=progress)
    embedder = create_embedder(settings)
    return build_index(settings, load_events(settings), embedder, progress)
