"""Dutch words for the synthetic portfolio: places, organisations, people, themes and the
phrases its texts are built from. Real place names and ministries (public facts); every
company, foundation and person is invented."""

MINISTRIES = [
    "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
    "Ministerie van Economische Zaken",
    "Ministerie van Klimaat en Groene Groei",
    "Ministerie van Infrastructuur en Waterstaat",
    "Ministerie van Volkshuisvesting en Ruimtelijke Ordening",
    "Ministerie van Onderwijs, Cultuur en Wetenschap",
    "Ministerie van Sociale Zaken en Werkgelegenheid",
    "Ministerie van Volksgezondheid, Welzijn en Sport",
    "Ministerie van Justitie en Veiligheid",
    "Ministerie van Landbouw, Visserij, Voedselzekerheid en Natuur",
    "Ministerie van Financiën",
    "Ministerie van Asiel en Migratie",
]

PROVINCES = [
    "Groningen", "Fryslân", "Drenthe", "Overijssel", "Flevoland", "Gelderland", "Utrecht",
    "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg",
]

WATER_BOARDS = [
    "Waterschap Amstel, Gooi en Vecht", "Hoogheemraadschap De Stichtse Rijnlanden",
    "Waterschap Rivierenland", "Waterschap Vallei en Veluwe", "Waterschap Rijn en IJssel",
    "Waterschap Vechtstromen", "Waterschap Drents Overijsselse Delta", "Wetterskip Fryslân",
    "Waterschap Noorderzijlvest", "Waterschap Hunze en Aa's", "Waterschap Zuiderzeeland",
    "Hoogheemraadschap Hollands Noorderkwartier", "Hoogheemraadschap van Rijnland",
    "Hoogheemraadschap van Delfland", "Hoogheemraadschap van Schieland en de Krimpenerwaard",
    "Waterschap Hollandse Delta", "Waterschap Scheldestromen", "Waterschap Brabantse Delta",
    "Waterschap De Dommel", "Waterschap Aa en Maas", "Waterschap Limburg",
]

MUNICIPALITIES = """
Amsterdam Rotterdam Den-Haag Utrecht Eindhoven Groningen Tilburg Almere Breda Nijmegen
Apeldoorn Arnhem Haarlem Haarlemmermeer Amersfoort Zaanstad Enschede 's-Hertogenbosch Zwolle
Zoetermeer Leiden Leeuwarden Maastricht Dordrecht Ede Alphen-aan-den-Rijn Alkmaar Westland
Emmen Delft Venlo Deventer Sittard-Geleen Helmond Oss Amstelveen Hilversum Súdwest-Fryslân
Heerlen Hoofddorp Nissewaard Meierijstad Hengelo Purmerend Schiedam Lelystad Roosendaal
Leidschendam-Voorburg Gouda Vlaardingen Hoorn Almelo Spijkenisse Assen Capelle-aan-den-IJssel
Veenendaal Katwijk Bergen-op-Zoom Zeist Nieuwegein Roermond Den-Helder Doetinchem Hardenberg
Barneveld Gooise-Meren Oosterhout Smallingerland Middelburg Vlissingen Terneuzen Goes Zaltbommel
Kampen Harderwijk Heerenveen Hoogeveen Meppel Sneek Wageningen Weert Venray Tiel Culemborg
Woerden Houten IJsselstein Soest Baarn Bussum Huizen Heemskerk Beverwijk Velsen Castricum
Heerhugowaard Schagen Enkhuizen Medemblik Edam-Volendam Waterland Landsmeer Diemen Weesp
Uithoorn Aalsmeer Ouder-Amstel Zandvoort Bloemendaal Heemstede Hillegom Lisse Noordwijk
Teylingen Oegstgeest Leiderdorp Zoeterwoude Kaag-en-Braassem Nieuwkoop Bodegraven-Reeuwijk
Waddinxveen Zuidplas Lansingerland Pijnacker-Nootdorp Rijswijk Wassenaar Midden-Delfland
Maassluis Ridderkerk Barendrecht Albrandswaard Hoeksche-Waard Goeree-Overflakkee Gorinchem
Molenlanden Sliedrecht Papendrecht Zwijndrecht Hendrik-Ido-Ambacht Alblasserdam Krimpen
Waalwijk Dongen Gilze-en-Rijen Goirle Oisterwijk Boxtel Vught Sint-Michielsgestel Uden
Veghel Boxmeer Cuijk Gennep Horst-aan-de-Maas Peel-en-Maas Nederweert Leudal Echt-Susteren
Stein Beek Meerssen Valkenburg Gulpen-Wittem Vaals Kerkrade Landgraaf Brunssum Simpelveld
Winterswijk Aalten Oost-Gelre Berkelland Lochem Zutphen Brummen Rheden Renkum Doesburg
Duiven Zevenaar Westervoort Lingewaard Overbetuwe Neder-Betuwe Buren West-Betuwe Maasdriel
Druten Beuningen Wijchen Heumen Berg-en-Dal Mook Nunspeet Elburg Oldebroek Hattem Heerde
Epe Voorst Raalte Ommen Dalfsen Staphorst Steenwijkerland Westerveld Midden-Drenthe Aa-en-Hunze
Tynaarlo Noordenveld Borger-Odoorn Coevorden Veendam Pekela Oldambt Stadskanaal Westerkwartier
Het-Hogeland Eemsdelta Midden-Groningen Dantumadiel Noardeast-Fryslân Waadhoeke Harlingen
Opsterland Ooststellingwerf Weststellingwerf Terschelling Texel Vlieland Ameland Schiermonnikoog
Urk Noordoostpolder Dronten Zeewolde Bunschoten Nijkerk Putten Ermelo Scherpenzeel Renswoude
Rhenen Utrechtse-Heuvelrug Wijk-bij-Duurstede Lopik Montfoort Oudewater Stichtse-Vecht
De-Ronde-Venen Wijdemeren Blaricum Laren Eemnes Leusden Woudenberg De-Bilt Bunnik
""".split()

FIRST_NAMES = """
Anouk Bram Carlijn Daan Eline Fleur Gijs Hanneke Iris Jeroen Karin Lotte Maarten Noor Olaf
Pien Quirijn Roos Sander Tessa Ruben Vera Willem Yara Zeger Annelies Bas Charlotte Dirk Esther
Floris Greetje Hidde Ilse Jesse Kim Laurens Marloes Niels Oscar Petra Rik Saskia Thijs Ursula
Victor Wendy Femke Joost Mirjam Pieter Sanne Tom Inge Koen Lieke Mark Nadia Bart Judith
Mohamed Fatima Youssef Aisha Emre Elif Priya Rajesh Dewi Kevin Naomi Stijn Merel Jorien Wouter
""".split()

SURNAMES = """
de-Jong Jansen de-Vries van-den-Berg van-Dijk Bakker Janssen Visser Smit Meijer de-Boer Mulder
de-Groot Bos Vos Peters Hendriks van-Leeuwen Dekker Brouwer de-Wit Dijkstra Smits de-Graaf
van-der-Meer van-der-Linden Kok Jacobs de-Haan Vermeulen van-den-Heuvel van-der-Veen
van-den-Broek de-Bruijn de-Bruin van-der-Heijden Schouten van-Beek Willems van-Vliet
van-de-Ven Hoekstra Maas Verhoeven Koster van-Dam van-der-Wal Prins Blom Huisman Peeters
de-Lange Kuijpers van-Wijk Postma Kuipers Veenstra Kramer van-den-Brink Scholten van-Wijngaarden
Yilmaz El-Amrani Kaya Bouzid Ramdin Soekhoe Tjon Wong Nguyen Martens Claessens Hermans
""".split()

# Company and foundation names are built from a stem and a line of work.
COMPANY_STEMS = """
Groen Zon Wind Water Klimaat Bouw Slim Circulair Duurzaam Buurt Wijk Stad Regio Data Digitaal
Energie Warmte Mobiel Fiets Logistiek Zorg Welzijn Leer Talent Impact Sociaal Natuur Voedsel
Bio Hout Vezel Beton Licht Net Cyber Veilig Vitaal Samen Lokaal Noord Zuid Oost West Delta
Polder Rivier Haven Dijk Kanaal Markt Atelier Werkplaats Fabriek Studio Lab Hub Coöperatie
""".split()
COMPANY_WORK = [
    "Installatietechniek", "Bouw", "Advies", "Energie", "Mobiliteit", "Data", "Zorg",
    "Vastgoed", "Infra", "Solutions", "Consult", "Ontwikkeling", "Projecten", "Techniek",
    "Logistiek", "Recycling", "Software", "Architecten", "Ingenieurs", "Onderzoek", "Design",
    "Groenvoorziening", "Isolatie", "Warmtepompen", "Zonnepanelen", "Verduurzaming",
]
COMPANY_FORMS = ["B.V.", "B.V.", "B.V.", "", "V.O.F.", "Coöperatie U.A."]
FOUNDATION_WORK = [
    "Wijkkracht", "Buurtwerk", "Energiecoöperatie", "Voedselbank", "Jongerenwerk",
    "Taalhuis", "Repair Café", "Buurtfonds", "Wijkteam", "Huurdersvereniging",
    "Bewonersplatform", "Natuurvereniging", "Sportfonds", "Leerwerkplaats", "Schuldhulp",
]
KNOWLEDGE = [
    "Hogeschool", "Universiteit", "Kenniscentrum", "Lectoraat", "Onderzoeksinstituut",
    "ROC", "Living Lab", "Expertisecentrum",
]
INTERMEDIARIES = [
    "Economic Board", "Ontwikkelingsmaatschappij", "Innovatiehuis", "Netwerk", "Platform",
    "Regionaal Samenwerkingsverband", "Kennisnetwerk", "Programmabureau",
]
FINANCIERS = [
    "Impact Fonds", "Investeringsfonds", "Innovatiefonds", "Energiefonds", "Woningfonds",
    "Stimuleringsfonds", "Groenfonds", "Regiofonds",
]
ZBOS = [
    "Rijksdienst voor Ondernemend Nederland", "Centraal Bureau voor de Statistiek",
    "Rijksvastgoedbedrijf", "Kadaster", "Rijkswaterstaat", "Planbureau voor de Leefomgeving",
    "Sociaal en Cultureel Planbureau", "Nederlandse Voedsel- en Warenautoriteit",
    "Dienst Uitvoering Onderwijs", "Staatsbosbeheer", "Autoriteit Persoonsgegevens",
    "Nationaal Cyber Security Centrum",
]

THEMES = [
    "Energietransitie", "Circulaire economie", "Klimaatadaptatie", "Gezondheid", "Wonen",
    "Mobiliteit", "Veiligheid", "Digitalisering", "Onderwijs en talent", "Werk en inkomen",
    "Armoede en schulden", "Leefbaarheid in wijken", "Impactondernemen", "Biobased bouwen",
    "Voedsel", "Cultuur", "Inclusie", "Vergroening", "Water", "Ondermijning",
    "Regionale economie", "Kennis en innovatie", "Participatie", "Zorg en welzijn",
    "Openbare ruimte", "Logistiek", "Data en privacy", "Erfgoed", "Jeugd", "Ouderen",
]

# Subjects a deal is about, each with its own words for descriptions and lessons.
TOPICS = [
    ("Energieke Wijken", "energiearmoede", ["isolatie", "energierekening", "huurders", "warmtepompen"]),
    ("Warmte in de Wijk", "aardgasvrije wijken", ["warmtenet", "bewoners", "netbeheerder", "warmteplan"]),
    ("Circulair Bouwen", "circulaire bouw", ["materialen", "hergebruik", "aanbesteding", "sloopafval"]),
    ("Biobased Bouwen", "biobased bouwen", ["houtbouw", "vezelteelt", "stikstof", "bouwketen"]),
    ("Gezonde Wijk", "gezondheidsverschillen", ["preventie", "huisartsen", "beweging", "leefstijl"]),
    ("Ruimte voor Lopen", "lopen", ["voetgangers", "stoepen", "oversteekplaatsen", "ouderen"]),
    ("Slimme Mobiliteit", "mobiliteit", ["deelmobiliteit", "fiets", "parkeren", "hubs"]),
    ("Impact Ondernemen", "impactondernemers", ["inkoop", "financiering", "opschalen", "social return"]),
    ("Cybersterk MKB", "cybercriminaliteit", ["ondernemers", "weerbaarheid", "meldingen", "phishing"]),
    ("Voedsel op de Kaart", "voedselbeleid", ["korte ketens", "boeren", "schoolmaaltijden", "voedselbanken"]),
    ("Klimaatbestendige Stad", "klimaatadaptatie", ["hittestress", "wateroverlast", "groene daken", "bomen"]),
    ("Werk in de Wijk", "arbeidsmarkt", ["werkzoekenden", "leerbanen", "werkgevers", "statushouders"]),
    ("Schuldenvrij", "schulden", ["vroegsignalering", "bewindvoering", "jongeren", "incasso"]),
    ("Data in de Stad", "datagedreven werken", ["dashboards", "privacy", "open data", "sensoren"]),
    ("Inclusieve Stad", "inclusie", ["toegankelijkheid", "taal", "participatie", "ontmoeting"]),
    ("Levendige Binnensteden", "binnensteden", ["leegstand", "winkels", "wonen boven winkels", "evenementen"]),
    ("Kennis Maken", "kennisinstellingen in de stad", ["studenten", "wijkopgaven", "onderzoek", "praktijk"]),
    ("Groene Groei", "vergroening", ["biodiversiteit", "parken", "tuinen", "natuurinclusief bouwen"]),
    ("Veilige Haven", "ondermijning", ["bedrijventerreinen", "integriteit", "toezicht", "vastgoed"]),
    ("Woningen Erbij", "woningbouw", ["flexwonen", "starters", "doorstroming", "transformatie"]),
]

REGULATIONS = [
    ("Omgevingswet", "rijk"), ("Investeringssubsidie duurzame energie (ISDE)", "rijk"),
    ("Wet kwaliteitsborging voor het bouwen", "rijk"), ("Aanbestedingswet 2012", "rijk"),
    ("Algemene verordening gegevensbescherming", "eu"), ("Participatiewet", "rijk"),
    ("Woningwet", "rijk"), ("Wet maatschappelijke ondersteuning 2015", "rijk"),
    ("Besluit bouwwerken leefomgeving", "rijk"), ("Warmtewet", "rijk"),
    ("Staatssteunregels", "eu"), ("Subsidieregeling reductie energiegebruik", "rijk"),
    ("Algemene plaatselijke verordening", "gemeente"), ("Provinciale omgevingsverordening", "provincie"),
    ("Wet gemeentelijke schuldhulpverlening", "rijk"), ("Huisvestingswet 2014", "rijk"),
    ("Wet bodembescherming", "rijk"), ("Stikstofregels (Wet natuurbescherming)", "rijk"),
]

OPENINGS = [
    "In deze deal werken {partners} samen aan {subject} in {place}.",
    "Gemeenten, rijk en partners pakken samen {subject} aan, met {place} als proeftuin.",
    "De deal zoekt doorbraken rond {subject}: wat werkt in {place} moet ook elders kunnen.",
    "Aanleiding is de vraag hoe {subject} sneller en beter kan, eerst in {place}.",
]
MIDDLES = [
    "De partners richten zich op {w1} en {w2}, en betrekken bewoners vanaf het begin.",
    "Experimenten met {w1} laten zien waar regels knellen, onder meer rond {w2}.",
    "Een gezamenlijke aanpak voor {w1} wordt getest in drie wijken; {w2} volgt later.",
    "Er komt een leeromgeving waarin {w1} en {w2} samenkomen met kennis uit de praktijk.",
    "De deal levert een handreiking op over {w1}, met voorbeelden van {w2}.",
]
CLOSINGS = [
    "Na afloop worden de resultaten geborgd in beleid en opgeschaald naar andere steden.",
    "De resultaten worden gedeeld in de Community of Practice van Agenda Stad.",
    "Monitoring van de effecten gebeurt samen met een kennisinstelling.",
    "De deal loopt drie jaar en wordt halverwege geëvalueerd.",
]
LESSON_TITLES = [
    "Betrek {w1} eerder bij de aanpak",
    "Regels rond {w1} vragen om maatwerk",
    "Een vaste trekker maakt het verschil voor {w1}",
    "Meten van {w1} kost meer tijd dan gedacht",
    "Kleine proef met {w1} overtuigt bestuurders",
    "Financiering van {w1} loopt vast op schotten",
    "Bewoners zien {w1} pas na persoonlijk contact",
    "Gedeelde data over {w1} versnelt besluiten",
]
LESSON_TEXTS = [
    "Toen we {w1} pas laat betrokken, moesten plannen opnieuw. In de tweede wijk begonnen we "
    "met een gesprek over {w2} en dat scheelde maanden.",
    "De regels voor {w1} passen niet op wat bewoners nodig hebben. Door met het ministerie "
    "een experiment af te spreken konden we {w2} toch uitproberen.",
    "Zonder iemand die {w1} trekt, verwatert de samenwerking. Een vaste trekker hield "
    "overzicht over {w2} en de afspraken tussen partners.",
    "We wilden {w1} elk kwartaal meten, maar de gegevens kwamen laat. Nu gebruiken we "
    "bestaande registraties en meten we {w2} twee keer per jaar.",
    "Een kleine proef met {w1} in één straat gaf cijfers waar bestuurders op konden sturen; "
    "daarna volgde geld voor {w2} in de hele wijk.",
]
BOTTLENECK_TITLES = [
    "{rule} staat {w1} in de weg",
    "Subsidie voor {w1} sluit niet aan op de praktijk",
    "Geen gegevens over {w1} beschikbaar voor de deal",
    "Aanbesteding van {w1} duurt te lang",
    "Schotten tussen budgetten remmen {w1}",
]
RESULT_TEXTS = [
    "Handreiking {w1} gepubliceerd en gedeeld met alle deelnemende gemeenten.",
    "Proeftuin {w1} afgerond in {place}, met een evaluatie door de kennisinstelling.",
    "Gezamenlijke inkoop van {w1} gestart door vier gemeenten.",
    "Knelpunt rond {w1} opgelost na overleg met het ministerie.",
]
AMBITIONS = [
    "In {year} hebben {n} huishoudens in {place} baat bij een aanpak voor {w1}.",
    "Voor {year} is {w1} in {n} wijken onderdeel van het gewone werk.",
    "De deal halveert de doorlooptijd van {w1} voor {year}.",
]
INDICATOR_NAMES = [
    ("Aantal huishoudens bereikt met {w1}", "huishoudens"),
    ("Aantal deelnemende bewoners aan {w1}", "bewoners"),
    ("Aandeel wijken met een aanpak voor {w1}", "%"),
    ("Aantal experimenten met {w1}", "experimenten"),
    ("Besparing door {w1}", "euro"),
    ("CO2-reductie door {w1}", "ton"),
    ("Aantal opgeleide professionals voor {w1}", "personen"),
    ("Doorlooptijd van {w1}", "weken"),
    ("Aantal bedrijven actief in {w1}", "bedrijven"),
    ("Tevredenheid over {w1}", "%"),
    ("Handreiking {w1} opgeleverd", ""),
]
DELIVERABLES = [
    "Handreiking {w1}", "Dashboard {w1}", "Toolbox {w1}", "Rekenmodel {w1}",
    "Leergang {w1}", "Modelcontract {w1}", "Datastandaard {w1}",
]
