"""Everything the relay itself says to visitors and counsellors, in Dutch, in one place."""

from __future__ import annotations

from voordeur_content import phone_numbers

# The numbers come from content/phone_numbers.yml; these sentences are built when the relay starts,
# so a changed number reaches them after a restart (docs/editing.md).
PHONE = phone_numbers.number(phone_numbers.VEILIG_THUIS)
EMERGENCY = phone_numbers.number(phone_numbers.EMERGENCY)
BELGIUM = phone_numbers.number(phone_numbers.BELGIUM)
BOT_NAME = "Digitale assistent"

ALWAYS_REACHABLE = (
    f"Je kunt Veilig Thuis altijd bellen, dag en nacht en gratis: {PHONE}. "
    f"Ben je of is iemand anders in direct gevaar? Bel dan {EMERGENCY}."
)
ASSISTANT_UNAVAILABLE_QUEUED = (
    "Sorry, de digitale assistent reageert nu even niet. Daarom zetten we je meteen in de wachtrij "
    f"voor een medewerker. Ben je in direct gevaar? Bel dan {EMERGENCY}."
)
ASSISTANT_UNAVAILABLE_ASK_REGION = (
    "Sorry, de digitale assistent reageert nu even niet. Wil je met een medewerker chatten? "
    "Schrijf dan in welke plaats je woont. Dan zetten we je in de wachtrij. " + ALWAYS_REACHABLE
)
# {kinds}: the names below, e.g. "je telefoonnummer of je e-mailadres" (relay/domain/privacy.py).
PERSONAL_DATA_REMINDER = (
    "Goed om te weten: je hoeft hier geen persoonlijke gegevens te delen, zoals {kinds}. "
    "Je kunt anoniem blijven. Vertel gerust wat er aan de hand is, zonder die gegevens."
)
PERSONAL_DATA_KINDS = {
    "phone": "je telefoonnummer",
    "email": "je e-mailadres",
    "postcode": "je adres",
    "bsn": "je BSN",
}
RATE_LIMITED = "Je stuurt veel berichten snel achter elkaar. Wacht even en probeer het dan opnieuw."
REGION_UNKNOWN = (
    "Ik kon niet vinden bij welke regio je hoort, dus ik kan je nu niet doorzetten naar een medewerker. "
    + ALWAYS_REACHABLE
)
NO_OPENING_KNOWN = "Het is nu niet bekend wanneer de chat weer open is. " + ALWAYS_REACHABLE


def chat_closed(region_name: str, opening: str) -> str:
    when = f"De chat is weer open op {opening}. " if opening else ""
    return f"De chat met een medewerker van {region_name} is nu gesloten. {when}{ALWAYS_REACHABLE}"


def queued(region_name: str) -> str:
    return (
        f"Je staat nu in de wachtrij voor een medewerker van {region_name}. Je kunt alvast schrijven "
        "wat je wilt vertellen; de medewerker leest het als die het gesprek overneemt."
    )


# While a visitor waits in the queue (relay/bridge/waiting.py): every message is answered.
# "Voor in de wachtrij" beside "nummer 4" read as a broken promise (set 32's and 35's reviews): only
# others in danger can still be ahead.
_ONLY_OTHERS_IN_DANGER_AHEAD = "alleen mensen die ook in gevaar zijn, kunnen nog voor je staan."
WAITING_MOVED_UP = (
    f"Je gesprek gaat nu voor in de wachtrij: {_ONLY_OTHERS_IN_DANGER_AHEAD} Een medewerker komt zo snel als "
    "het kan. Blijf in deze chat als dat veilig is."
)
WAITING_MOVED_UP_EN = (
    "Your chat now goes ahead in the queue: only people who are in danger too can still be before you. "
    "A counsellor will come as soon as possible. Stay in this chat if that is safe."
)


def _place_en(place: int | None) -> str:
    if place == 1:
        return "You are next in the queue."
    return f"You are number {place} in the queue." if place else ""


# For a visitor who told of thoughts of suicide, every acknowledgement while waiting says where to
# talk right now (set 32's review: only 0800 2000 was repeated).
SUICIDE_LINE = " Wil je nu meteen met iemand praten? Bel gratis 0800 0113 (113 Zelfmoordpreventie), dag en nacht."
SUICIDE_LINE_EN = " Want to talk to someone right now? Call 0800 0113 for free (113 Suicide Prevention), day and night."
# And for a visitor who was in danger: 112 in every answer while waiting, not only 0800 2000 ("wat moet
# ik doen", "kinderen zijn boven" after the 112 alert got the plain acknowledgement; set 35's review).
ACUTE_LINE = " Is er nu gevaar? Bel meteen 112, ook als je niet kunt praten: blijf dan aan de lijn."
ACUTE_LINE_EN = " In danger now? Call 112 right away, even if you cannot talk: then stay on the line."


def _risk_line(risk: str | None, otherwise: str, english: bool = False) -> str:
    """The line that ends an answer while waiting: where to turn right now after danger or thoughts of
    suicide were told, else ``otherwise``."""
    if risk == "acute":
        return ACUTE_LINE_EN if english else ACUTE_LINE
    if risk == "suicide":
        return SUICIDE_LINE_EN if english else SUICIDE_LINE
    return otherwise


def queued_ahead(risk: str | None) -> str:
    """Said by the relay when it queues a visitor who told of danger (a town typed after the intake):
    that they go ahead, and where to turn now (set 39's review: the town's queue notice alone dropped
    both the priority and 112)."""
    return f"Je gesprek gaat voor in de wachtrij: {_ONLY_OTHERS_IN_DANGER_AHEAD}" + _risk_line(
        risk, " Wordt het gevaarlijk terwijl je wacht? Bel dan meteen 112."
    )


def waiting_acknowledged_en(
    place: int | None, first: bool = False, risk: str | None = None, question: bool = False
) -> str:
    """The acknowledgement while waiting, for a message written in English."""
    call = _risk_line(risk, f" If you do not want to wait, you can also call for free: {PHONE}." if first else "", True)
    read = (
        "Good that you ask. The counsellor will go into it with you."
        if question
        else "A counsellor will read your message."
    )
    return f"{read} {_place_en(place)}".strip() + call


def _place(place: int | None) -> str:
    if place == 1:
        return "Je bent de volgende in de wachtrij."
    if place:
        return f"Je bent nummer {place} in de wachtrij."
    return ""


def waiting_acknowledged(
    place: int | None, first: bool = False, risk: str | None = None, question: bool = False
) -> str:
    """The acknowledgement while waiting; a question the bot cannot answer is named as one, so the
    visitor knows it was read and who will answer it."""
    call = _risk_line(risk, f" Wil je niet wachten, dan kun je ook gratis bellen: {PHONE}." if first else "")
    read = (
        "Goed dat je het vraagt. De medewerker gaat daar straks met je op in."
        if question
        else "Je bericht staat klaar voor de medewerker."
    )
    return f"{read} {_place(place)}".strip() + call


# Danger again in a message of a visitor already alerted for it: a short line, not the alert again.
STILL_IN_DANGER = {
    "acute": "Bel nu 112, ook als je niet kunt praten: blijf dan aan de lijn.",
    "suicide": "Denk je nu aan zelfmoord? Bel 113 of gratis 0800 0113, dag en nacht. In direct gevaar: bel 112.",
}


STILL_IN_DANGER_EN = {
    "acute": "Call 112 now, even if you cannot talk: then stay on the line.",
    "suicide": (
        "Are you thinking about suicide now? Call 113 or 0800 0113 for free, day and night. "
        "In danger right now: call 112."
    ),
}


def waiting_still_in_danger_en(place: int | None, grade: str) -> str:
    line = f"I read your message. {STILL_IN_DANGER_EN[grade]} A counsellor will come as soon as possible."
    return f"{line} {_place_en(place)}".strip()


# "wat moet ik doen" from a visitor who told of danger or suicide: what to do now, not only that the
# counsellor will answer (set 38's review: asked during an incident, it got the acknowledgement).
WHAT_TO_DO_NOW = {
    "acute": (
        "Bel nu 112, voor jezelf of voor wie in gevaar is, ook als je niet kunt praten: blijf dan aan de lijn. "
        "Ben je zelf in gevaar? Zoek een ruimte die op slot kan, niet de keuken, en houd je telefoon bij je."
    ),
    "suicide": (
        "Je hoeft dit niet alleen te doen. Praat er nu over met 113 Zelfmoordpreventie: bel gratis 0800 0113 "
        "of chat via 113.nl, dag en nacht. Ben je in direct gevaar? Bel 112."
    ),
}
WHAT_TO_DO_NOW_EN = {
    "acute": (
        "Call 112 now, for yourself or for whoever is in danger, even if you cannot talk: then stay on the line. "
        "Are you in danger yourself? Find a room you can lock, not the kitchen, and keep your phone with you."
    ),
    "suicide": (
        "You do not have to do this alone. Talk about it now with 113 Suicide Prevention: call 0800 0113 for "
        "free or chat at 113.nl, day and night. In danger right now? Call 112."
    ),
}


def waiting_what_to_do(place: int | None, risk: str, english: bool = False) -> str:
    if english:
        return f"{WHAT_TO_DO_NOW_EN[risk]} A counsellor will come as soon as possible. {_place_en(place)}".strip()
    return f"{WHAT_TO_DO_NOW[risk]} Een medewerker komt zo snel als het kan. {_place(place)}".strip()


def waiting_still_in_danger(place: int | None, grade: str) -> str:
    line = f"Ik lees je bericht. {STILL_IN_DANGER[grade]} Een medewerker komt zo snel als het kan."
    return f"{line} {_place(place)}".strip()


def _minutes(estimate_s: int) -> str:
    minutes = max(1, round(estimate_s / 60))
    return "1 minuut" if minutes == 1 else f"{minutes} minuten"


def waiting_how_long(place: int | None, estimate_s: int | None, risk: str | None = None) -> str:
    """A waiting visitor asks how long it takes: honest, no promise; the estimate when there is one;
    112 or 113 for a visitor who told of danger or suicide, else 0800 2000."""
    if estimate_s:
        when = f"Ik verwacht dat het nog ongeveer {_minutes(estimate_s)} duurt, maar ik kan het niet beloven."
    else:
        when = "Hoe lang het nog duurt, kan ik niet precies zeggen: dat hangt af van hoe druk het nu is."
    call = _risk_line(risk, f" Wil je niet wachten? Bel dan gratis {PHONE}, dag en nacht.")
    return f"{when} {_place(place)} Een medewerker komt zo snel als het kan.".replace("  ", " ") + call


def waiting_how_long_en(place: int | None, estimate_s: int | None, risk: str | None = None) -> str:
    if estimate_s:
        minutes = max(1, round(estimate_s / 60))
        when = f"I expect it to take about {minutes} minute{'s' if minutes > 1 else ''} more, but I cannot promise it."
    else:
        when = "I cannot say exactly how long it will take: it depends on how busy it is right now."
    call = _risk_line(risk, f" Rather not wait? Call {PHONE} for free, day and night.", True)
    return f"{when} {_place_en(place)} A counsellor will come as soon as possible.".replace("  ", " ") + call


def waiting_already_queued(
    place: int | None, risk: str | None = None, english: bool = False, staffed: bool = True
) -> str:
    """A waiting visitor asks for a person (or how it works): they are in the queue already; when
    nobody of their region is online, they hear so, and that they can call now (set 38's review:
    "kan ik nu met iemand praten" got only "je staat al in de wachtrij" while nobody was there)."""
    if english:
        line = f"You are already in the queue for a counsellor. {_place_en(place)} "
        line += (
            "You can already write what you want to tell."
            if staffed
            else f"Right now nobody of your region is online. Want to talk to someone now? Call {PHONE} for free."
        )
    else:
        line = f"Je staat al in de wachtrij voor een medewerker. {_place(place)} "
        line += (
            "Je kunt alvast schrijven wat je wilt vertellen."
            if staffed
            else f"Er is op dit moment niemand van je regio online. Wil je nu iemand spreken? Bel gratis {PHONE}."
        )
    return line.replace("  ", " ") + _risk_line(risk, "", english)


# A waiting visitor who must leave soon ("hij komt zo thuis"): how to leave safely and come back.
WAITING_LEAVING = (
    "Moet je zo stoppen? Tik dan op Snel weg of sluit dit venster: je gesprek blijft bewaard. Kom terug "
    "wanneer het veilig is. Ben je langer dan een kwartier weg, dan sluit je weer achteraan aan. Bellen "
    f"kan ook altijd, gratis en dag en nacht: {PHONE}."
)
WAITING_LEAVING_EN = (
    'Do you have to stop soon? Tap "Snel weg" (quick exit) or close this window: your conversation is kept. Come back '
    "when it is safe. If you are away for more than a quarter of an hour, you join the queue at the back "
    f"again. You can also call at any time, for free, day and night: {PHONE}."
)


def counsellor_joined(name: str, region_name: str) -> str:
    return f"Je praat nu met {name} van {region_name}."


def queue_moved(region_name: str) -> str:
    """The visitor corrected their town while waiting."""
    return (
        f"Goed dat je het zegt. Je staat nu in de wachtrij van {region_name}. "
        "Je houdt je plek: de tijd dat je al wachtte, telt mee."
    )


def queue_not_moved(region_name: str, current_name: str) -> str:
    """The visitor corrected their town while waiting, and that region is closed now."""
    return (
        f"Dank je. {region_name} is nu gesloten, dus je blijft in de wachtrij van {current_name}. "
        f"Ook daar kan een medewerker je helpen. Je kunt ook gratis bellen: {PHONE}, dag en nacht."
    )


# A town in Belgium typed after the bot's intake ended without a region.
_BELGIAN_LINE = (
    f"Woon je in België? Bel dan gratis {BELGIUM}, het Vlaamse hulpnummer voor geweld, misbruik en kindermishandeling."
)
BELGIUM_OUTSIDE_THE_QUEUE = (
    f"Dank je. {_BELGIAN_LINE} Ben je in direct gevaar? Bel {EMERGENCY}. Deze chat is voor Nederland: de "
    f"medewerkers kennen de hulp in België niet, {BELGIUM} wel."
)


def queue_kept_for_belgium() -> str:
    """The visitor said while waiting that they live in Belgium after all."""
    return (
        f"Dank je dat je het zegt. {_BELGIAN_LINE} Je mag ook hier blijven wachten: een medewerker kan je "
        f"algemeen advies geven, maar kent de hulp in België niet. Ben je in direct gevaar? Bel {EMERGENCY}."
    )


def transferred(region_name: str) -> str:
    return (
        f"Je gesprek is doorgezet naar {region_name}. Je houdt je plek in de wachtrij; "
        "een medewerker neemt het zo snel mogelijk over."
    )


# Presence (relay/domain/presence.py): a chat back in the queue, told honestly.
COUNSELLOR_DROPPED = (
    "Je medewerker heeft even geen verbinding meer. Je staat nu vooraan in de wachtrij; "
    "een andere medewerker neemt het gesprek zo snel mogelijk over. Wat je al schreef, blijft staan."
)
HANDED_OVER = (
    "Je medewerker draagt het gesprek over aan een collega. Je staat nu vooraan in de wachtrij; "
    "wat je al schreef, blijft staan."
)
BACK_IN_QUEUE = (
    "Welkom terug. Je was een tijdje weg, daarom stond je even niet meer in de wachtrij. "
    "Nu sta je er weer in, achteraan. Je kunt alvast schrijven wat je wilt vertellen. "
    f"Wil je niet wachten, dan kun je ook gratis bellen: {PHONE}."
)

ENDED_BY_COUNSELLOR = "De medewerker heeft het gesprek afgesloten. " + ALWAYS_REACHABLE
ENDED_BY_VISITOR = "Je hebt het gesprek afgesloten."

ERRORS = {
    "hello_first": "Verbind eerst opnieuw met de chat.",
    "already_started": "Deze verbinding heeft al een gesprek.",
    "session_not_found": "Je vorige gesprek is niet meer te vinden. We beginnen een nieuw gesprek.",
    "conversation_ended": "Dit gesprek is afgesloten. Begin een nieuw gesprek als je nog iets wilt vragen.",
    "unavailable": "Er ging even iets mis. Probeer het opnieuw. " + ALWAYS_REACHABLE,
}

# Answers to the visitor's feedback frame (relay/domain/feedback.py).
FEEDBACK_ERRORS = {
    "invalid_feedback": "Je antwoord kon niet worden gelezen. Kies een cijfer van 1 tot 5, en ja of nee.",
    "feedback_too_long": "Je opmerking is te lang. Houd het onder de 500 tekens.",
    "feedback_before_end": "Je kunt je mening geven als het gesprek is afgesloten.",
    "feedback_not_asked": "Na dit gesprek vragen we niet naar je mening. Zorg goed voor jezelf.",
    "feedback_given": "Je hebt je mening al gegeven. Dank je wel!",
}

COUNSELLOR_ERRORS = {
    "already_taken": "Dit gesprek is al overgenomen door een collega.",
    "not_found": "Dit gesprek bestaat niet of hoort niet bij jouw regio's.",
    "not_yours": "Dit gesprek is niet aan jou toegewezen.",
    "too_many_chats": "Je hebt al het maximale aantal gesprekken tegelijk.",
    "queue_empty": "Er wacht nu niemand in jouw wachtrijen.",
    "region_not_found": "Deze regio bestaat niet.",
    "region_closed": "Deze regio is nu gesloten; kies een regio die open is.",
    "not_supervisor": "Alleen coördinatoren kunnen meekijken en fluisteren.",
    "not_assigned": "Niemand heeft dit gesprek nu; je fluisterbericht kan nergens heen.",
}


# The backup region (achtervang, relay/domain/backup.py): offered honestly, once, while waiting.
def queued_unstaffed(region_name: str) -> str:
    """The relay's own hand-off text when nobody of the region is online: no promise of a person."""
    return (
        f"Je staat nu in de wachtrij van {region_name}. Op dit moment is er niemand van {region_name} online. "
        "Kan een andere regio van Veilig Thuis je eerder helpen? Dan vragen we je hier of je dat wilt. "
        f"Je kunt ook gratis bellen: {PHONE}, dag en nacht."
    )


def backup_offer(region_name: str, backup_name: str, why: str, wait_minutes: int | None = None) -> str:
    """``why``: "nobody" (no one of the region online), "wait" (a long wait), "urgent" (nobody free)."""
    if why == "urgent":
        reason = f"Bij {region_name} is nu niemand vrij om je meteen te helpen."
    elif why == "wait" and wait_minutes:
        reason = f"Het is druk bij {region_name}. Je wacht daar waarschijnlijk langer dan {wait_minutes} minuten."
    else:
        reason = f"Op dit moment is er niemand van {region_name} online."
    return (
        f"{reason} Bij {backup_name} kan een medewerker je nu wel helpen. Wil je daarheen? "
        "Je houdt je plek: de tijd dat je al wachtte, telt mee."
    )


def backup_accept_button(backup_name: str) -> str:
    return f"Ja, naar {backup_name}"


BACKUP_DECLINE_BUTTON = "Nee, ik wacht"


def backup_accepted(backup_name: str) -> str:
    return (
        f"Goed. Je staat nu in de wachtrij van {backup_name}. Je houdt je plek: de tijd dat je al wachtte, "
        "telt mee. Een medewerker leest wat je al schreef."
    )


def backup_declined(region_name: str) -> str:
    return f"Prima, je blijft in de wachtrij van {region_name}. Wil je niet wachten? Bel dan gratis: {PHONE}."


def backup_gone(region_name: str, backup_name: str) -> str:
    """The visitor said yes, but the backup region closed or emptied meanwhile."""
    return (
        f"Sorry, bij {backup_name} kan nu toch niemand je helpen. Je blijft in de wachtrij van {region_name}. "
        f"Je kunt ook gratis bellen: {PHONE}, dag en nacht."
    )
