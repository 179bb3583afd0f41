# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Data of the demo book: the French and US companies, the French bank
account, and the customers, products, invoices and credit notes of each
company."""

FR_COMPANY = {
    "name": "Atelier Durand SARL",
    "street": "12 rue des Tanneurs",
    "zip": "69002",
    "city": "Lyon",
    "phone": "+33 4 78 42 17 60",
    "email": "comptabilite@atelier-durand.example",
    "website": "https://www.atelier-durand.example",
}
FR_BANK = {"name": "LCL - Le Crédit Lyonnais", "bic": "CRLYFRPPXXX"}
FR_RIB = ("30002", "00550", "00001578412")
US_COMPANY = {
    "name": "Durand Design Inc.",
    "street": "350 Fifth Avenue",
    "street2": "Suite 4810",
    "zip": "10118",
    "city": "New York",
    "phone": "+1 212-555-0147",
    "email": "billing@durand-design.example",
    "website": "https://www.durand-design.example",
}
# Customers of the French company: ref, name, street, zip, city, e-mail,
# invoicing contact (name, e-mail), country code (None: France).
FR_CUSTOMERS = [
    ("BMART", "Boulangerie Martin SARL", "8 place du Marché", "69005", "Lyon",
     "contact@boulangerie-martin.example", None, None),
    ("MLEFE", "Menuiserie Lefèvre & Fils", "27 rue de la Scierie", "38000", "Grenoble",
     "accueil@menuiserie-lefevre.example",
     ("Service comptabilité", "compta@menuiserie-lefevre.example"), None),
    ("HPARC", "Hôtel du Parc", "3 avenue Foch", "73100", "Aix-les-Bains",
     "reception@hotel-du-parc.example", None, None),
    ("CBERN", "Cabinet Bernard Architectes", "15 quai Saint-Antoine", "69002", "Lyon",
     "cabinet@bernard-architectes.example",
     ("Claire Bernard", "claire.bernard@bernard-architectes.example"), None),
    ("GMORE", "Garage Moreau", "102 route de Vienne", "69008", "Lyon",
     None, None, None),
    ("LMOTS", "Librairie Les Mots Passants", "4 rue Mercière", "69002", "Lyon",
     "librairie@motspassants.example", None, None),
    ("RPBOU", "Restaurant Le Petit Bouchon", "9 rue Saint-Jean", "69005", "Lyon",
     "lepetitbouchon@example.com", None, None),
    ("FDUBO", "Fromagerie Dubois", "21 rue Grenette", "74000", "Annecy",
     None, None, None),
    ("PGIRA", "Pharmacie Girard", "56 cours Lafayette", "69003", "Lyon",
     "pharmacie.girard@example.com", None, None),
    ("TROUX", "Transports Roux SAS", "ZI des Grandes Terres", "69800", "Saint-Priest",
     "contact@transports-roux.example",
     ("Comptabilité fournisseurs", "factures@transports-roux.example"), None),
    ("CVALP", "Clinique Vétérinaire des Alpes", "14 avenue Alsace-Lorraine", "38000",
     "Grenoble", "secretariat@clinique-des-alpes.example", None, None),
    ("IFOUR", "Imprimerie Fournier", "7 rue de l'Industrie", "42000", "Saint-Étienne",
     "devis@imprimerie-fournier.example", None, None),
    ("DVINC", "Domaine Vincent", "Le Bourg", "69840", "Juliénas",
     "domaine@vincent-vins.example", None, None),
    ("ALAMB", "Agence Lambert Immobilier", "33 rue de la République", "13002",
     "Marseille", "agence@lambert-immo.example",
     ("Sophie Lambert", "s.lambert@lambert-immo.example"), None),
    ("SFONT", "Studio Photo Fontaine", "5 rue Paradis", "13001", "Marseille",
     "studio@photo-fontaine.example", None, None),
    ("BMERC", "Boutique Mercier Déco", "18 rue du Faubourg Saint-Antoine", "75012",
     "Paris", "boutique@mercier-deco.example", None, None),
    ("LCHEV", "Laboratoire Chevalier", "40 boulevard Pasteur", "75015", "Paris",
     "labo@chevalier.example",
     ("Service achats", "achats@chevalier.example"), None),
    ("ACRGA", "Association Culturelle Rive Gauche", "2 rue des Écoles", "75005",
     "Paris", None, None, None),
    ("CPINS", "Camping Les Pins", "1250 route de la Plage", "33680", "Lacanau",
     "accueil@camping-les-pins.example", None, None),
    ("CPLOU", "Crèche Les Petits Loups", "12 rue Nationale", "59000", "Lille",
     "direction@petits-loups.example", None, None),
    ("SNBLA", "Société Nouvelle Blanc", "64 rue Sainte-Catherine", "33000",
     "Bordeaux", "snb@blanc-sa.example", None, None),
    ("BVPOR", "Brasserie du Vieux Port", "2 quai du Port", "13002", "Marseille",
     "brasserie@vieux-port.example", None, None),
    ("APERR", "Atelier Perrin", None, None, None,
     "atelier.perrin@example.com", None, None),
    ("THORN", "Thornbury Interiors Ltd", "14 Kensington Church Street", "W8 4EP",
     "London", "accounts@thornbury-interiors.example", None, "GB"),
    ("HUDSO", "Hudson Valley Furniture Co.", "220 Main Street", "12601",
     "Poughkeepsie", "ap@hudsonvalleyfurniture.example", None, "US"),
]  # fmt: skip
FR_PRODUCTS = {
    "table": ("Table en chêne massif", "TAB-CH", 1450.0, "consu"),
    "chaise": ("Chaise bistrot en hêtre", "CHA-BI", 189.0, "consu"),
    "etagere": ("Étagère murale sur mesure", "ETA-SM", 620.0, "consu"),
    "restauration": ("Restauration de meuble ancien", "SRV-RES", 380.0, "service"),
    "pose": ("Prestation de pose (heure)", "SRV-POSE", 65.0, "service"),
    "entretien": ("Contrat d'entretien annuel", "SRV-ENT", 540.0, "service"),
}
# Invoices of the French company, by customer: (age in days, payment term,
# products, settlement, flag). Settlement: None (open), "paid", or the fraction
# paid. Flags: "blocked" (litigation), "usd" (in US dollars), "level<N>" (the
# N-th follow-up level was already sent).
FR_INVOICES = {
    "BMART": [
        (75, "30", ("table", "chaise"), "paid", None),
        (45, "30", ("etagere",), None, None),
        (10, "30", ("chaise",), None, None),
    ],
    "MLEFE": [
        (180, "30", ("restauration",), None, "level2"),
        (120, "30", ("pose", "etagere"), None, "level1"),
        (70, "30", ("entretien",), None, None),
    ],
    "HPARC": [
        (60, "now", ("table", "chaise"), 0.5, None),
        (20, "30", ("entretien",), None, None),
    ],
    "CBERN": [
        (95, "30", ("etagere", "pose"), None, "blocked"),
        (50, "30", ("restauration",), None, None),
    ],
    "GMORE": [
        (110, "now", ("pose",), None, None),
        (35, "now", ("chaise",), None, None),
    ],
    "LMOTS": [
        (40, "30", ("etagere",), None, None),
        (5, "30", ("chaise",), None, None),
    ],
    "RPBOU": [(100, "30/70", ("table", "chaise"), 0.3, None)],
    "FDUBO": [
        (130, "30", ("entretien",), None, None),
        (28, "now", ("pose",), None, None),
    ],
    "PGIRA": [
        (150, "now", ("etagere",), "paid", None),
        (65, "30", ("table",), 0.4, None),
    ],
    "TROUX": [
        (170, "30", ("table", "chaise", "pose"), 0.25, "level1"),
        (90, "30", ("entretien",), None, None),
        (40, "30", ("restauration",), None, None),
        (12, "30", ("pose",), None, None),
    ],
    "CVALP": [(45, "30/70", ("etagere", "pose"), None, None)],
    "IFOUR": [(55, "now", ("chaise", "pose"), None, None)],
    "DVINC": [
        (140, "30", ("table",), "paid", None),
        (30, "30", ("restauration",), None, None),
    ],
    "ALAMB": [
        (85, "30", ("entretien",), None, None),
        (25, "30", ("etagere",), None, None),
    ],
    "SFONT": [(18, "now", ("pose",), None, None)],
    "BMERC": [
        (160, "30", ("chaise",), None, None),
        (100, "30", ("table",), "paid", None),
    ],
    "LCHEV": [
        (75, "30", ("entretien", "pose"), 0.6, None),
        (15, "30", ("restauration",), None, None),
    ],
    "ACRGA": [(50, "now", ("chaise",), None, None)],
    "CPINS": [
        (125, "30", ("table", "chaise"), None, None),
        (62, "30", ("pose",), None, None),
    ],
    "CPLOU": [(33, "30", ("etagere",), None, None)],
    "SNBLA": [(145, "now", ("restauration",), None, None)],
    "BVPOR": [
        (70, "now", ("table",), "paid", None),
        (8, "30", ("chaise",), None, None),
    ],
    "APERR": [(42, "now", ("restauration",), None, None)],
    "THORN": [(80, "30", ("table", "etagere"), None, None)],
    "HUDSO": [
        (65, "30", ("table", "chaise"), None, "usd"),
        (20, "30", ("etagere",), None, "usd"),
    ],
}
# Credit note left open (not reconciled): (customer, age, product, quantity).
FR_REFUNDS = [("IFOUR", 20, "chaise", 2)]
US_CUSTOMERS = [
    ("BCOFF", "Brooklyn Coffee Roasters LLC", "85 Water Street", "11201", "Brooklyn",
     "ap@brooklyncoffee.example"),
    ("GDENT", "Greenwich Dental Group", "12 Lafayette Place", "06830", "Greenwich",
     "office@greenwichdental.example"),
    ("MAPLE", "Maple Street Bakery", "41 Maple Street", "05401", "Burlington",
     "hello@maplestreetbakery.example"),
    ("CHART", "Chelsea Art Supplies Inc.", "220 West 19th Street", "10011",
     "New York", "billing@chelsea-art.example"),
]  # fmt: skip
US_PRODUCTS = {
    "desk": ("Custom oak desk", "US-DESK", 2400.0, "consu"),
    "shelf": ("Walnut bookshelf", "US-SHELF", 1200.0, "consu"),
    "design": ("Interior design consultation (hour)", "US-DESIGN", 150.0, "service"),
}
US_INVOICES = {
    "BCOFF": [
        (95, "30", ("desk",), None, None),
        (40, "30", ("design",), None, None),
    ],
    "GDENT": [(70, "30", ("shelf", "design"), 0.5, None)],
    "MAPLE": [
        (120, "30", ("shelf",), "paid", None),
        (15, "30", ("desk",), None, None),
    ],
    "CHART": [(50, "now", ("design",), None, None)],
}
_PHONE_AREA = {"75": "1", "59": "3", "33": "5"}
