import pytest

from voordeur_content import places, regions

REGION_IDS = [
    "groningen",
    "friesland",
    "drenthe",
    "ijsselland",
    "twente",
    "noord-oost-gelderland",
    "gelderland-midden",
    "gelderland-zuid",
    "utrecht",
    "gooi-en-vechtstreek",
    "flevoland",
    "noord-holland-noord",
    "zaanstreek-waterland",
    "kennemerland",
    "amsterdam-amstelland",
    "hollands-midden",
    "haaglanden",
    "rotterdam-rijnmond",
    "zuid-holland-zuid",
    "zeeland",
    "west-brabant",
    "midden-brabant",
    "brabant-noordoost",
    "zuidoost-brabant",
    "noord-en-midden-limburg",
    "zuid-limburg",
]

# The 60 largest municipalities (CBS), with the region of their Veilig Thuis.
LARGEST_TOWNS = {
    "Amsterdam": "amsterdam-amstelland",
    "Rotterdam": "rotterdam-rijnmond",
    "Den Haag": "haaglanden",
    "Utrecht": "utrecht",
    "Eindhoven": "zuidoost-brabant",
    "Groningen": "groningen",
    "Tilburg": "midden-brabant",
    "Almere": "flevoland",
    "Breda": "west-brabant",
    "Nijmegen": "gelderland-zuid",
    "Apeldoorn": "noord-oost-gelderland",
    "Arnhem": "gelderland-midden",
    "Haarlem": "kennemerland",
    "Haarlemmermeer": "kennemerland",
    "Amersfoort": "utrecht",
    "Enschede": "twente",
    "Zaanstad": "zaanstreek-waterland",
    "'s-Hertogenbosch": "brabant-noordoost",
    "Zwolle": "ijsselland",
    "Leiden": "hollands-midden",
    "Zoetermeer": "haaglanden",
    "Leeuwarden": "friesland",
    "Ede": "gelderland-midden",
    "Maastricht": "zuid-limburg",
    "Dordrecht": "zuid-holland-zuid",
    "Westland": "haaglanden",
    "Alphen aan den Rijn": "hollands-midden",
    "Alkmaar": "noord-holland-noord",
    "Emmen": "drenthe",
    "Delft": "haaglanden",
    "Venlo": "noord-en-midden-limburg",
    "Deventer": "ijsselland",
    "Sittard-Geleen": "zuid-limburg",
    "Helmond": "zuidoost-brabant",
    "Oss": "brabant-noordoost",
    "Amstelveen": "amsterdam-amstelland",
    "Hilversum": "gooi-en-vechtstreek",
    "Súdwest-Fryslân": "friesland",
    "Heerlen": "zuid-limburg",
    "Nissewaard": "rotterdam-rijnmond",
    "Hengelo": "twente",
    "Meierijstad": "brabant-noordoost",
    "Purmerend": "zaanstreek-waterland",
    "Lelystad": "flevoland",
    "Roosendaal": "west-brabant",
    "Schiedam": "rotterdam-rijnmond",
    "Leidschendam-Voorburg": "haaglanden",
    "Hoorn": "noord-holland-noord",
    "Vlaardingen": "rotterdam-rijnmond",
    "Almelo": "twente",
    "Gouda": "hollands-midden",
    "Katwijk": "hollands-midden",
    "Zeist": "utrecht",
    "Capelle aan den IJssel": "rotterdam-rijnmond",
    "Lansingerland": "rotterdam-rijnmond",
    "Velsen": "kennemerland",
    "Bergen op Zoom": "west-brabant",
    "Roermond": "noord-en-midden-limburg",
    "Assen": "drenthe",
    "Doetinchem": "noord-oost-gelderland",
    "Den Helder": "noord-holland-noord",
    "Veenendaal": "utrecht",
    "Middelburg": "zeeland",
    "Dijk en Waard": "noord-holland-noord",
}


def test_there_are_26_regions_in_file_order():
    assert [region.id for region in regions.load_regions()] == REGION_IDS


def test_region_fields():
    utrecht = regions.get_region("utrecht")
    assert utrecht.name == "Veilig Thuis Utrecht"
    assert utrecht.short_name == "Utrecht"
    assert utrecht.towns[0] == "Utrecht"
    assert isinstance(utrecht.towns, tuple)
    assert regions.get_region("noord-oost-gelderland").name == "Veilig Thuis Noord- en Oost-Gelderland"
    assert regions.get_region("atlantis") is None


def test_every_region_is_named_veilig_thuis_and_has_towns():
    for region in regions.load_regions():
        assert region.name.startswith("Veilig Thuis ")
        assert region.towns


def test_some_but_not_all_regions_have_evening_hours():
    with_evenings = [r.id for r in regions.load_regions() if r.extra_hours]
    assert 1 <= len(with_evenings) < 26
    assert regions.get_region("amsterdam-amstelland").extra_hours["mon"] == ["18:00-21:00"]
    assert regions.get_region("utrecht").extra_hours == {}


def test_regions_are_frozen():
    with pytest.raises(AttributeError):
        regions.get_region("utrecht").name = "x"


@pytest.mark.parametrize("town, region_id", sorted(LARGEST_TOWNS.items()))
def test_largest_towns_map_to_their_region(town, region_id):
    assert places.region_for_town(town).id == region_id


@pytest.mark.parametrize(
    "text, region_id",
    [
        ("den bosch", "brabant-noordoost"),
        ("Den Bosch", "brabant-noordoost"),
        ("s-hertogenbosch", "brabant-noordoost"),
        ("A'dam", "amsterdam-amstelland"),
        ("a’dam", "amsterdam-amstelland"),
        ("Den Haag", "haaglanden"),
        ("den  haag ", "haaglanden"),
        ("'s-Gravenhage", "haaglanden"),
        ("DEN HAAG", "haaglanden"),
        ("ik woon in Zwolle", "ijsselland"),
        ("in de buurt van Bergen op Zoom", "west-brabant"),
        ("Amsterdam Zuid", "amsterdam-amstelland"),
        ("sudwest fryslan", "friesland"),
        ("Twente", "twente"),
        ("gemeente Ede", "gelderland-midden"),
        ("Capelle a/d IJssel", "rotterdam-rijnmond"),
    ],
)
def test_region_for_town_is_tolerant(text, region_id):
    found = places.region_for_town(text)
    assert (found.id if found else None) == region_id


@pytest.mark.parametrize("text", ["", "weet ik niet", "ergens", "hij slaat me", "niet zo best"])
def test_no_region_for_text_without_a_town(text):
    assert places.region_for_town(text) is None


def test_a_changed_file_is_read_again(tmp_path):
    path = tmp_path / "regions.yml"
    path.write_text("regions:\n  - {id: a, name: Veilig Thuis A, short_name: A, towns: [Aadorp]}\n")
    assert places.region_for_town("aadorp", path=path).id == "a"
    path.write_text("regions:\n  - {id: b, name: Veilig Thuis B, short_name: B, towns: [Aadorp]}\n")
    import os

    os.utime(path, (1, 1))
    assert places.region_for_town("aadorp", path=path).id == "b"


def test_invalid_extra_hours_are_refused(tmp_path):
    path = tmp_path / "regions.yml"
    path.write_text(
        "regions:\n  - {id: a, name: A, short_name: A, towns: [X], extra_hours: {maandag: ['18:00-21:00']}}\n"
    )
    with pytest.raises(ValueError):
        regions.load_regions(path=path)


def test_every_region_has_another_existing_region_as_backup():
    by_id = {region.id: region for region in regions.load_regions()}
    for region in by_id.values():
        assert region.backup in by_id, f"{region.id}: backup {region.backup!r} is not a region"
        assert region.backup != region.id, f"{region.id} backs itself up"
    assert regions.get_region("utrecht").backup == "gooi-en-vechtstreek"


@pytest.mark.parametrize("backup", ["a", "atlantis"])
def test_a_backup_that_is_itself_or_unknown_is_refused(tmp_path, backup):
    path = tmp_path / "regions.yml"
    path.write_text(
        f"regions:\n  - {{id: a, name: A, short_name: A, towns: [X], backup: {backup}}}\n"
        "  - {id: b, name: B, short_name: B, towns: [Y], backup: a}\n"
    )
    with pytest.raises(ValueError, match="backup"):
        regions.load_regions(path=path)
