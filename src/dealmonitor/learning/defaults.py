"""The default self-assessment template: the statements the programme starts from.

Stored data in the language of the deals (Dutch), not UI texts to translate. The codes stay
the same in later versions, so rounds on different versions can be compared.
"""

DEFAULT_TEMPLATE = {
    "name": "Zelfevaluatie City Deals",
    "description": (
        "Partners scoren elke stelling van 1 (helemaal oneens) tot 5 (helemaal eens) en "
        "lichten hun score toe. Elke partnerorganisatie vult haar eigen deel in."
    ),
    "statements": [
        ("doelen", "Doelen", "De doelen van de deal zijn zo concreet dat we kunnen vaststellen of we ze halen."),
        ("inzet", "Inzet van partners", "Onze organisatie levert de inzet (geld, mensen, middelen) die zij bij de start heeft toegezegd."),
        ("steden", "Samenwerking", "De deelnemende steden leren zichtbaar van elkaars aanpak."),
        ("bestuurslagen", "Samenwerking", "Gemeenten, provincies en Rijk werken in de deal als gelijkwaardige partners aan dezelfde opgave."),
        ("sectoren", "Samenwerking", "Bedrijven, kennisinstellingen en maatschappelijke organisaties dragen actief bij, niet alleen overheden."),
        ("experimenten", "Experimenten", "We doen experimenten waarvan we vooraf hebben vastgelegd wat we ervan willen leren."),
        ("knelpunten", "Knelpunten", "Knelpunten in regels en werkwijzen worden benoemd en bij de juiste partij op tafel gelegd."),
        ("resultaten", "Resultaten", "De deal levert tastbare resultaten op die anderen kunnen gebruiken."),
        ("doorwerking", "Doorwerking", "Resultaten van de deal werken door in beleid, regelgeving of financiering."),
        ("borging", "Opschalen en borgen", "Het is duidelijk wie de resultaten na afloop van de deal voortzet, opschaalt of stopt."),
        ("profijtgroep", "Profijtgroep", "De mensen voor wie de deal bedoeld is, denken en werken mee."),
        ("sleutelpersonen", "Sleutelpersonen", "De deal loopt goed door als één betrokkene vertrekt."),
    ],
}
