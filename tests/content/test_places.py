"""What a visitor's typed answer to "in welke plaats woon je?" names, with content/places.yml.

The expected regions follow the Veilig Thuis organisations (one per safety region), not the data:
Barneveld and Nijkerk belong to Gelderland-Midden, Oldebroek and Montferland to Noord- en
Oost-Gelderland, Bunschoten to Utrecht.
"""

import time

import pytest
import yaml

from voordeur_content import place_corrections, place_names, places, regions
from voordeur_content._files import normalize
from voordeur_content.places import PlaceKind

BRABANT = ["west-brabant", "midden-brabant", "brabant-noordoost", "zuidoost-brabant"]


def region_id(text):
    found = places.region_for_town(text)
    return found.id if found else None


@pytest.fixture(scope="module")
def places_file():
    with place_names.PLACES_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.mark.parametrize(
    "village, region",
    [
        ("Nieuwleusen", "ijsselland"),  # gemeente Dalfsen
        ("Swalmen", "noord-en-midden-limburg"),  # Roermond
        ("Biddinghuizen", "flevoland"),  # Dronten is in Flevoland, and so is its Veilig Thuis
        ("Dronten", "flevoland"),
        ("Hattem", "noord-oost-gelderland"),  # in Gelderland, next to Zwolle
        ("dbosch", "brabant-noordoost"),
        ("Moordrecht", "hollands-midden"),  # Zuidplas; a name with "moord" in it, never danger
        ("Lemelerveld", "ijsselland"),
        ("Dedemsvaart", "ijsselland"),  # Hardenberg
        ("Zwartebroek", "gelderland-midden"),  # Barneveld
        ("Hoevelaken", "gelderland-midden"),  # Nijkerk
        ("Bemmel", "gelderland-midden"),  # Lingewaard
        ("Wezep", "noord-oost-gelderland"),  # Oldebroek, next to Hattem
        ("Didam", "noord-oost-gelderland"),  # Montferland, next to Zevenaar
        ("Lent", "gelderland-zuid"),  # Nijmegen
        ("Spakenburg", "utrecht"),  # Bunschoten
        ("Driebergen", "utrecht"),
        ("De Westereen", "friesland"),
        ("Zwaagwesteinde", "friesland"),  # its Dutch name
        ("Burgum", "friesland"),
        ("Bergum", "friesland"),
        ("De Jouwer", "friesland"),
        ("Scheveningen", "haaglanden"),
        ("'s-Gravenzande", "haaglanden"),
        ("Gravenzande", "haaglanden"),
        ("Hoogvliet", "rotterdam-rijnmond"),
        ("Nieuwerkerk aan den IJssel", "hollands-midden"),  # Zuidplas, next to Capelle
        ("Badhoevedorp", "kennemerland"),  # Haarlemmermeer, next to Amstelveen
        ("Muiden", "gooi-en-vechtstreek"),  # Gooise Meren, next to Amsterdam's Weesp
        ("Volendam", "zaanstreek-waterland"),
        ("Renesse", "zeeland"),
        ("Raamsdonksveer", "west-brabant"),
        ("Gemert", "zuidoost-brabant"),  # Gemert-Bakel, next to Boekel
        ("Sint-Oedenrode", "brabant-noordoost"),
        ("st oedenrode", "brabant-noordoost"),
        ("Ter Apel", "groningen"),
        ("Holten", "twente"),
    ],
)
def test_villages_map_to_their_region(village, region):
    assert region_id(village) == region


@pytest.mark.parametrize(
    "municipality, region",
    [
        ("Barneveld", "gelderland-midden"),
        ("Nijkerk", "gelderland-midden"),
        ("Doesburg", "gelderland-midden"),
        ("Heerde", "noord-oost-gelderland"),
        ("Oldebroek", "noord-oost-gelderland"),
        ("Bunschoten", "utrecht"),
        ("Achtkarspelen", "friesland"),
        ("Tytsjerksteradiel", "friesland"),
        ("Noardeast-Fryslân", "friesland"),
        ("De Fryske Marren", "friesland"),
        ("Waadhoeke", "friesland"),
        ("Dantumadiel", "friesland"),
        # former municipalities, by the region of the one they merged into
        ("Boxmeer", "brabant-noordoost"),
        ("Schijndel", "brabant-noordoost"),
        ("Leerdam", "utrecht"),
        ("Werkendam", "west-brabant"),
        ("Oud-Beijerland", "zuid-holland-zuid"),  # Hoeksche Waard: one of the ten municipalities of Zuid-Holland Zuid
        ("Noordwijkerhout", "hollands-midden"),
        ("Weesp", "amsterdam-amstelland"),
        ("Beemster", "zaanstreek-waterland"),
        ("Groesbeek", "gelderland-zuid"),
    ],
)
def test_municipalities_map_to_their_region(municipality, region):
    assert region_id(municipality) == region


@pytest.mark.parametrize(
    "text, region",
    [
        ("ik woon in Nijkerk", "gelderland-midden"),
        ("ik woon in gorkum", "zuid-holland-zuid"),  # Gorinchem as people there say it
        ("ik woon in 010", "rotterdam-rijnmond"),  # the area code as a name for the city
        ("we live near leiden", "hollands-midden"),  # English
        ("close to Utrecht", "utrecht"),
        ("ik woon op texel", "noord-holland-noord"),  # islands: "op"
        ("bergen nh", "noord-holland-noord"),  # one name in two provinces, told apart as people do
        ("hengelo gld", "noord-oost-gelderland"),
        ("sorry ik bedoel Best", "zuidoost-brabant"),  # an everyday word after "ik bedoel" is the place
        ("gemeente Barneveld", "gelderland-midden"),
        ("ik kom uit de buurt van Nieuwleusen", "ijsselland"),
        ("Nieuwleusen centrum", "ijsselland"),
        ("ik zit op school in Ossendrecht", "west-brabant"),
        ("mijn moeder woont in Brussel en ik in Breda", "west-brabant"),  # the Dutch place is the visitor's
    ],
)
def test_places_in_short_sentences(text, region):
    assert region_id(text) == region


@pytest.mark.parametrize(
    "typed, region",
    [
        ("zoetermer", "haaglanden"),
        ("amsterdma", "amsterdam-amstelland"),
        ("apeldorn", "noord-oost-gelderland"),
        ("barneveldt", "gelderland-midden"),
        ("nieuwlusen", "ijsselland"),
        ("den haga", "haaglanden"),
    ],
)
def test_one_typo_in_a_name_alone(typed, region):
    assert region_id(typed) == region


@pytest.mark.parametrize(
    "text",
    [
        "mijn zus werkt in zoetermer",  # a typo counts when the message is just the name, or after "woon in"
        "helpen",
        "school",
        "anders",
        "worden",
        "houden",  # Dutch words one letter from Herpen, Schoorl, ...
        "geert",
        "hatem",  # first names of five letters: too short to guess
    ],
)
def test_no_typo_guessing_in_sentences_or_for_words(text):
    assert places.place_answer(text).kind is PlaceKind.UNKNOWN


@pytest.mark.parametrize(
    "text, name, region_ids",
    [
        ("overijssel", "Overijssel", ["ijsselland", "twente"]),
        ("noord-brabant", "Noord-Brabant", BRABANT),
        ("Noord Brabant", "Noord-Brabant", BRABANT),
        ("brabant", "Noord-Brabant", BRABANT),
        ("ik woon in brabant", "Noord-Brabant", BRABANT),
        ("zuid holland", "Zuid-Holland", ["hollands-midden", "haaglanden", "rotterdam-rijnmond", "zuid-holland-zuid"]),
        (
            "Noord-Holland",
            "Noord-Holland",
            [
                "noord-holland-noord",
                "zaanstreek-waterland",
                "kennemerland",
                "amsterdam-amstelland",
                "gooi-en-vechtstreek",
            ],
        ),
        ("gelderland", "Gelderland", ["noord-oost-gelderland", "gelderland-midden", "gelderland-zuid"]),
        ("limburg", "Limburg", ["noord-en-midden-limburg", "zuid-limburg"]),
    ],
)
def test_a_province_of_several_regions_offers_them(text, name, region_ids):
    answer = places.place_answer(text)
    assert answer.kind is PlaceKind.PROVINCE
    assert answer.name == name
    assert [region.id for region in answer.regions] == region_ids
    assert places.region_for_town(text) is None


@pytest.mark.parametrize(
    "text, region",
    [
        ("fryslân", "friesland"),
        ("drenthe", "drenthe"),
        ("flevoland", "flevoland"),
        ("zeeland", "zeeland"),
        ("provincie utrecht", "utrecht"),
        ("groningen", "groningen"),
    ],
)
def test_a_province_of_one_region_is_that_region(text, region):
    answer = places.place_answer(text)
    assert (answer.kind, answer.region.id) == (PlaceKind.REGION, region)


@pytest.mark.parametrize(
    "text",
    [
        "antwerpen",
        "ik woon in gent",
        "belgie",
        "België",
        "vlaanderen",
        "wallonie",
        "brussel",
        "Bruxelles",
        "Liège",
        "ik kom uit Kortrijk",
        "Sint-Niklaas",
        "Anvers",
        "Mechelen",
        "I live in Brussels",
        "Antwerp",
        "ik woon in Baarle, maar aan de Belgische kant, Baarle-Hertog",  # set 22
        "baarle-hertog",
        "dag, ik ben een vrouw van 66 uit tienen",  # set 27: Tienen, also a Dutch word
        "ik woon in turnhout maar werk in tilburg",  # set 30: home in Belgium before work in the Netherlands
        "ik woon in antwerpen, ik werk in breda",
    ],
)
def test_belgium(text):
    assert places.place_answer(text).kind is PlaceKind.BELGIUM
    assert places.region_for_town(text) is None


@pytest.mark.parametrize(
    "text, region",
    [
        ("Deurne", "zuidoost-brabant"),
        ("Zwijndrecht", "zuid-holland-zuid"),
        ("Heusden", "midden-brabant"),
    ],
)
def test_a_dutch_municipality_wins_over_a_belgian_namesake(text, region):
    assert region_id(text) == region


def test_home_in_belgium_beats_the_dutch_town_they_come_from():
    assert places.place_answer("ik kom uit breda maar woon sinds vorig jaar in antwerpen").kind is PlaceKind.BELGIUM


@pytest.mark.parametrize(
    "text",
    [
        "mijn man slaat me en ik ben bang dan",
        "we gingen gisteren met de kinderen naar het bos dan",
        "I'm at home",
        "we are at the police station",
        "ok best",
        "nou echt",
        "hij is echt gek",
    ],
)
def test_a_long_sentence_is_no_answer_by_its_last_word(text):
    assert places.place_answer(text).kind is PlaceKind.UNKNOWN


@pytest.mark.parametrize(
    "text",
    [
        "hij slaat me",
        "ik weet het niet",
        "best wel eng",
        "help",
        "nee",
        "ik ben bang",
        "mijn man",
        "weet ik niet",
        "geen idee",
        "ik wil praten",
        "echt niet",
        "leek me goed",
        "dat is best",
        "thuis",
        "in de stad",
        "in het noorden",
        "in de binnenstad",
        "bij de buren",
        "in de winkel",
        "houten vloer",
        "ja",
        "ok",
        "hallo",
        "ik ben 15",
        "mijn vader drinkt",
        "hij is weg",
        "nu even niet",
    ],
)
def test_ordinary_sentences_are_no_place(text):
    assert places.place_answer(text) == places.UNKNOWN_PLACE
    assert places.region_for_town(text) is None


@pytest.mark.parametrize("word", ["hoek", "heel", "winkel", "brand"])
def test_villages_named_like_everyday_words_are_left_out(word):
    assert places.place_answer(word).kind is PlaceKind.UNKNOWN


@pytest.mark.parametrize(
    "text, region",
    [
        ("made", "west-brabant"),  # Drimmelen; set 13: the village was not taken as a town
        ("ik woon in Made", "west-brabant"),
        ("dieren", "gelderland-midden"),
        ("Haren", "groningen"),
        ("rijen", "midden-brabant"),
    ],
)
def test_a_village_named_like_a_word_counts_alone_or_after_in(text, region):
    assert region_id(text) == region


@pytest.mark.parametrize("text", ["ik heb made in mijn keuken", "de dieren zijn bang", "we staan in de rijen"])
def test_a_village_named_like_a_word_is_no_place_in_a_sentence(text):
    assert places.place_answer(text).kind is PlaceKind.UNKNOWN


def test_a_place_named_like_a_word_is_no_place_inside_a_sentence():
    assert places.place_answer("hij is een monster").kind is PlaceKind.UNKNOWN


@pytest.mark.parametrize(
    "text, region",
    [
        ("Best", "zuidoost-brabant"),
        ("ik woon in best", "zuidoost-brabant"),
        ("gemeente Best", "zuidoost-brabant"),
        ("Houten", "utrecht"),
        ("Buren", "gelderland-zuid"),
        ("monster", "haaglanden"),  # Westland: typed alone, the answer was "ja echt zo heet het dorp"
        ("ik woon in Monster", "haaglanden"),
    ],
)
def test_a_town_of_regions_yml_that_is_a_word_counts_alone_or_after_in(text, region):
    assert region_id(text) == region


def test_a_short_name_counts_alone_but_not_inside_a_sentence():
    assert region_id("Ens") == "flevoland"
    assert region_id("ik woon in ens") == "flevoland"
    assert region_id("mijn broer woont in ens en ik in de stad") is None


def test_the_answer_is_a_frozen_record():
    answer = places.place_answer("Zwartebroek")
    assert answer == places.PlaceAnswer(
        PlaceKind.REGION, region=regions.get_region("gelderland-midden"), name="Zwartebroek"
    )
    assert answer.kind == "region"  # the bot and the relay may compare with the plain word
    with pytest.raises(AttributeError):
        answer.kind = PlaceKind.UNKNOWN


def test_places_file_is_consistent_with_regions_file(places_file):
    region_ids = {region.id for region in regions.load_regions()}
    known = set(regions.town_names())
    names = [normalize(str(name)) for name in places_file["places"]]
    assert set(places_file["places"].values()) <= region_ids
    assert len(names) == len(set(names)), "two lines write the same name"
    assert not set(names) & known, "content/regions.yml already has these towns"
    assert len(names) > 1000


def test_provinces_cover_every_region_once(places_file):
    provinces = places_file["provinces"]
    assert len(provinces) == 12
    ids = [region for province in provinces for region in province["regions"]]
    assert sorted(ids) == sorted(region.id for region in regions.load_regions())


def test_places_file_credits_geonames():
    header = place_names.PLACES_FILE.read_text(encoding="utf-8")[:2000]
    assert "GeoNames" in header and "Creative Commons Attribution 4.0" in header


def test_a_changed_places_file_is_read_again(tmp_path):
    path = tmp_path / "places.yml"
    path.write_text("places:\n  Aadorpje: twente\nprovinces: []\nbelgium: [Gent]\n")
    assert places.region_for_town("aadorpje", places_path=path).id == "twente"
    assert places.place_answer("Gent", places_path=path).kind is PlaceKind.BELGIUM
    path.write_text("places:\n  Aadorpje: drenthe\n")
    import os

    os.utime(path, (1, 1))
    assert places.region_for_town("aadorpje", places_path=path).id == "drenthe"
    assert places.place_answer("Gent", places_path=path).kind is PlaceKind.UNKNOWN


def test_a_place_of_an_unknown_region_is_ignored(tmp_path):
    path = tmp_path / "places.yml"
    path.write_text("places:\n  Aadorpje: atlantis\n")
    assert places.region_for_town("aadorpje", places_path=path) is None


def test_lookup_stays_well_under_a_millisecond():
    sentences = [
        "hij slaat me al jaren",
        "ik woon in Zwartebroek",
        "weet ik niet",
        "Nieuwleusen",
        "mijn man is heel boos en ik ben bang dat hij terugkomt",
        "ik kom uit de buurt van Breda",
        "zoetermer",
        "best wel eng",
        "kunnen jullie mij helpen",
        "ik wil met iemand praten",
    ] * 30
    places.region_for_town("warm up the files and the word list: zoetermer")
    places.region_for_town("zoetermer")
    started = time.perf_counter()
    for sentence in sentences:
        places.region_for_town(sentence)
    assert (time.perf_counter() - started) / len(sentences) < 0.001


@pytest.mark.parametrize(
    "text, region",
    [
        ("hasselt in overijssel", "ijsselland"),  # the Dutch Hasselt, not the Belgian city
        ("niet in belgie hoor, hasselt in overijssel", "ijsselland"),
        ("niet in België maar in Hasselt Overijssel", "ijsselland"),
        ("hengelo in gelderland", "noord-oost-gelderland"),
        ("zwolle in de provincie overijssel", "ijsselland"),
    ],
)
def test_a_province_after_the_town_and_belgium_denied(text, region):
    assert region_id(text) == region


def test_belgium_denied_is_no_answer_of_belgium():
    assert places.place_answer("nee niet in belgie").kind is PlaceKind.UNKNOWN
    assert places.place_answer("ik woon in hasselt").kind is PlaceKind.BELGIUM  # alone, it is the Belgian one


@pytest.mark.parametrize(
    "text, region",
    [
        ("ik woon in dnhg escamp", "haaglanden"),
        ("schilderswijk", "haaglanden"),
        ("wij wonen in de bijlmer", "amsterdam-amstelland"),
        ("kanaleneiland", "utrecht"),
        ("ik woon in charlois", "rotterdam-rijnmond"),
        ("woensel", "zuidoost-brabant"),
        ("oss bedoel ik lol", "brabant-noordoost"),
        ("zwolle hoor", "ijsselland"),
        ("adam zuidoost", "amsterdam-amstelland"),
        ("alpen ad rijn", "hollands-midden"),
        ("capelle a/d ijssel", "rotterdam-rijnmond"),
        ("hasselt bij zwolle", "ijsselland"),  # the Dutch place it is near says which Hasselt
        ("nee niet belgie, hasselt bij zwolle", "ijsselland"),
        # A correction in one message: the place said after it is meant.
        ("apeldoorn... nee sorry ik bedoel zwolle, ik woon sinds kort in zwolle", "ijsselland"),
        ("gouda. o nee sorry, gorinchem. ik haal ze altijd door elkaar", "zuid-holland-zuid"),
        # What a city's people call it, and English (set 13).
        ("grunn", "groningen"),
        ("utreg", "utrecht"),
        ("it's Leiden now", "hollands-midden"),
        ("I moved to Leiden", "hollands-midden"),
        ("ik ben verhuisd naar zwolle", "ijsselland"),
        # Set 14: areas, home before work, typos and y for ij, a long answer ending in the town.
        ("achterhoek", "noord-oost-gelderland"),
        ("het gooi", "gooi-en-vechtstreek"),
        ("west-friesland", "noord-holland-noord"),
        ("ik werk in amsterdam maar ik woon in almere", "flevoland"),
        ("ik woon in hertogebos", "brabant-noordoost"),
        ("ik woon in harderwyk", "noord-oost-gelderland"),
        ("nymegen", "gelderland-zuid"),
        ("bergen limburg", "noord-en-midden-limburg"),
        ("ok als het alleen is om de goede mensen te vinden dan zeist", "utrecht"),
        ("ik woon in amersfoort nee hilversum sorry ben echt moe", "gooi-en-vechtstreek"),
        ("o wacht nee ik woon in nijmegen, werk in arnhem", "gelderland-zuid"),
        ("I'm an exchange student at TU Delft", "haaglanden"),
        # Set 20: a bystander's own town and the town where the people it is about live ("waar speelt
        # het?"): theirs, where Veilig Thuis can help them.
        ("ik woon zelf in Zwolle maar de kinderen wonen in Emmen, in Angelslo", "drenthe"),
        ("ik woon in Deventer maar mijn vader woont in Lichtenvoorde", "noord-oost-gelderland"),
        ("ik woon in kampen, de kinderen wonen bij hun moeder in nagele", "flevoland"),
        ("ik woon in amsterdam maar mijn ouders in zwolle", "ijsselland"),  # set 24, said without "wonen"
        ("ik woon in maastricht maar het gaat om mijn zus en haar kinderen in roermond", "noord-en-midden-limburg"),
        # Set 22: "Baarle" is Baarle-Nassau, not Baarlo with a typo.
        ("ik woon in baarle", "west-brabant"),
        # Set 23: a letter typed three times; a city that is also a province, in a longer sentence.
        ("asssen", "drenthe"),
        ("i'm an international student in groningen", "groningen"),
        # Set 15: a word-village, an abbreviation, a village across a region border, small villages.
        ("dorst", "west-brabant"),
        ("ik woon in sbosch", "brabant-noordoost"),
        ("De praktijk zit in Goudswaard", "zuid-holland-zuid"),
        ("kinderdijk", "zuid-holland-zuid"),
        ("schinveld", "zuid-limburg"),  # Beekdaelen lies in South Limburg
        ("achlum", "friesland"),  # 500 to 999 inhabitants
        # Set 16: the old spelling of Gorinchem, and a typo after "woonplaats is".
        ("nee wacht, ik slaap nu bij mn zus in rotterdam maar ik woon in gorcum", "zuid-holland-zuid"),
        ("woonplaats is zoetermer", "haaglanden"),
        # Set 17: a local name, a typo before "dan", "nw" for "nieuw", the village Zeeland.
        ("tilbörg de reshof", "midden-brabant"),
        ("ow zo. nou rijsen dan", "twente"),
        ("ik woon in nw vennep", "kennemerland"),
        ("het dorp zeeland in brabant", "brabant-noordoost"),
        ("zeeland", "zeeland"),
        # Set 18: a town named like a word, right after "ok"; the village Echt.
        ("laat maar ok hoorn", "noord-holland-noord"),
        ("ok dan.. Echt. ja zo heet het dorp echt haha", "noord-en-midden-limburg"),
        ("ok... alpen aan de rijn. maar geen politie he", "hollands-midden"),  # "aan de" for "aan den"
        # Sets 24 and 26: Nijmegen's nickname; a name of two words with a typo and one word as in it.
        ("nimma", "gelderland-zuid"),
        ("ter appel", "groningen"),
        # Set 27: a man, not a title ("een oudere meneer in schijndel"); a title's name is no place.
        ("ik kom bij een oudere meneer in schijndel, zijn dochter neemt zijn pinpas af", "brabant-noordoost"),
        # Set 28: a landmark near the town; a province's short form after it.
        ("kaatsheuvel bij de efteling", "midden-brabant"),
        ("dieren (gld)", "gelderland-midden"),
        ("hengelo ov", "twente"),
        ("de bild", "utrecht"),
        # Set 31: a name spelt as it sounds (ph/f, ch/g, c/k, ei/ij), when no other place sounds the same.
        ("alfen aan de rijn", "hollands-midden"),
        ("kapelle aan den ijssel", "rotterdam-rijnmond"),
        ("nieuwegijn", "utrecht"),
        ("zwijndregt", "zuid-holland-zuid"),
        # Set 33: five letters spelt as they sound (not a doubled letter only: "hatem" stays a name).
        ("zijst", "utrecht"),
    ],
)
def test_city_districts_and_chat_spellings_of_cities(text, region):
    assert region_id(text) == region


@pytest.mark.parametrize(
    "text",
    ["mevrouw de Vries", "meneer Haren", "dhr. Ede", "Ik ben mevrouw de Vries, 79 jaar.", "hallo met meneer van Ede"],
)
def test_a_title_makes_a_name_a_person_not_a_village(text):
    assert places.place_answer(text).kind is PlaceKind.UNKNOWN


@pytest.mark.parametrize(
    "text, current, corrected",
    [
        ("doetinchem", "drenthe", "Doetinchem"),  # only a town, typed again while the chat waits elsewhere
        ("ik woon in doetinchem", "drenthe", "Doetinchem"),
        ("mijn moeder woont in doetinchem", "drenthe", None),  # someone else's town corrects nothing
        # Set 24: where the people it is about live, said against the visitor's own town, moves the chat
        # to the region that helps them ("ik woon zelf in groningen", then ...).
        ("maar mijn nichtje van 10 woont in emmen bij haar vader", "groningen", "Emmen"),
        ("maar het gaat om mijn zus en haar kinderen in Roermond", "zuid-limburg", "Roermond"),
        ("Zij woont in Den Bosch met haar vriend", "utrecht", "'s-Hertogenbosch"),
        ("maar mijn zus woont niet in zwolle", "groningen", None),
        ("zwolle", "ijsselland", None),  # the same region: nothing to correct
        # Set 13: a correction that gives a city's own name, and one in English.
        ("wacht nee ben verhuisd, grunn", "drenthe", "Groningen"),
        ("oh wait no, I moved last month, it's Leiden now", "utrecht", "Leiden"),
        ("no not Utrecht, Leiden", "utrecht", "Leiden"),
        ("I moved to Leiden", "utrecht", "Leiden"),
        ("made", "utrecht", "Made"),
        ("best", "utrecht", None),  # "fine", said while waiting: not a move to Best
        ("echt", "utrecht", None),  # "echt?": surprise, not the village Echt
        ("no I don't want to say more", "utrecht", None),
        # Set 14: the town said with its province, the other one denied, in one line.
        ("hengelo gelderland he, niet die in twente", "twente", "Bronckhorst"),
        ("ik woon in amersfoort nee hilversum sorry ben echt moe", "utrecht", "Hilversum"),
        ("niet de provincie he, het dorp zeeland in brabant. bij uden", "zeeland", "Maashorst"),
        # Set 19: Belgium after a Dutch town (1712, not that region's queue); not before any region.
        ("nee wacht, ik woon in antwerpen, ik werk in breda", "west-brabant", "Antwerpen"),
        ("sorry ik bedoel gent", "zuid-limburg", "Gent"),
        ("ik woon in antwerpen", None, None),
        # Set 21: which of two places of one name, said while waiting, without a correction word.
        ("bergen in limburg, noord-limburg. niet noord-holland", "noord-holland-noord", "Bergen (L)"),
        ("we wonen allebei in valkenburg bij katwijk, zuid-holland", "zuid-limburg", "Katwijk"),
        ("mijn zus woont in utrecht bij amersfoort", "zuid-limburg", None),  # the qualifier changes nothing
        ("nee hij woont niet in bergen limburg", "noord-holland-noord", None),
    ],
)
def test_a_town_said_again_corrects_the_region(text, current, corrected):
    found = place_corrections.corrected_place(text, current)
    assert (found.name if found else None) == corrected


def test_after_the_visitors_own_home_set_apart_where_the_others_live_moves_the_chat():
    # Set 31: "ik woon zelf in zwolle", then "mijn ouders wonen in hoogeveen": it happens in Drenthe.
    found = place_corrections.corrected_place("mijn ouders wonen in hoogeveen", "ijsselland", "ik woon zelf in zwolle")
    assert found is not None and found.name == "Hoogeveen"
    # Without "zelf", someone else's town said in passing moves nothing.
    assert (
        place_corrections.corrected_place("mijn moeder woont in hoogeveen", "ijsselland", "ik woon in zwolle") is None
    )


@pytest.mark.parametrize("text", ["mag ik dit wel zegge", "kan ik dit wel zegge", "is het erg als ik huil"])
def test_a_question_that_ends_in_a_village_name_names_no_place(text):
    # Set 28: a child's "mag ik dit wel zegge" (zeggen) put her in the queue of Zegge's region.
    assert places.place_answer(text).kind is PlaceKind.UNKNOWN


@pytest.mark.parametrize(
    "text, town",
    [
        ("ik woon in emen", "Emmen"),
        ("wij wonen in leewarden zij ook", "Leeuwarden"),
        ("ik woon in velpp", "Velp"),
        ("mijn zus woont in zoetermer", "Zoetermeer"),
    ],
)
def test_a_misspelt_name_after_woon_in_is_read_as_the_place(text, town):
    # Set 39: an 11-year-old in Emmen and a grandmother in Leeuwarden were not understood.
    assert places.place_answer(text).name == town


@pytest.mark.parametrize("text", ["ik woon in een flat", "ik woon in de stad", "ik woon in Bocholt in Duitsland"])
def test_words_after_woon_in_that_name_no_dutch_place_stay_unknown(text):
    assert places.place_answer(text).kind is places.PlaceKind.UNKNOWN


def test_where_they_moved_to_beats_where_they_lived_before():
    # Set 40: "we woonden eerst in amsterdam maar ... zijn we verhuisd naar hoofddorp" went to Amsterdam.
    text = "nou we woonden eerst in amsterdam maar vorig jaar zijn we verhuisd naar hoofddorp omdat hij daar werk kreeg"
    assert places.place_answer(text).name == "Hoofddorp"
