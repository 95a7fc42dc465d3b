"""Hungarian material for generated tickets: subjects, bodies, names, companies, modules, log notes.

The search scenarios need words with a known frequency: `COMMON_WORD` is put in about 1% of the tickets (subject
and body), `RARE_WORD` in a handful. Neither appears anywhere else in the generated text.
"""

from __future__ import annotations

import random

COMMON_WORD = "árfolyamkülönbözet"
RARE_WORD = "tükörfúrógépkalibrálás"
RARE_COUNT = 7
COMMON_SHARE = 0.01

MODULES = [
    ("szamlazo", "Számlázó"),
    ("berszamfejtes", "Bérszámfejtés"),
    ("keszlet", "Készletnyilvántartás"),
    ("fokonyv", "Főkönyv"),
    ("penztar", "Pénztár"),
    ("targyi-eszkoz", "Tárgyi eszköz"),
    ("hr", "Humánerőforrás"),
    ("iktato", "Iktató"),
    ("crm", "Ügyfélkapcsolatok"),
    ("webshop", "Webáruház"),
    ("beszerzes", "Beszerzés"),
    ("ertekesites", "Értékesítés"),
    ("gyartas", "Gyártásirányítás"),
    ("projekt", "Projektnyilvántartás"),
    ("szerzodes", "Szerződéskezelő"),
    ("jelenlet", "Jelenléti ív"),
    ("utnyilvantartas", "Útnyilvántartás"),
    ("banki-import", "Banki import"),
    ("adobevallas", "Adóbevallás"),
    ("riport", "Vezetői riportok"),
    ("mobil", "Mobilalkalmazás"),
    ("ugyfelkapu", "Ügyfélportál-integráció"),
    ("archivalas", "Archiválás"),
    ("jogosultsag", "Jogosultságkezelés"),
]

FAMILY_NAMES = (
    "Nagy Kovács Tóth Szabó Horváth Varga Kiss Molnár Németh Farkas Balogh Papp Takács Juhász Lakatos Mészáros "
    "Oláh Simon Rácz Fekete Szilágyi Török Fehér Balázs Gál Kis Szűcs Kocsis Orsós Pintér Fodor Szalai Sipos "
    "Magyar Lukács Gulyás Biró Király Katona László Jakab Bogdán Balog Sándor Boros Fazekas Kelemen Antal Somogyi"
).split()
GIVEN_NAMES = (
    "László István József János Zoltán Sándor Gábor Ferenc Attila Péter Tamás Zsolt Tibor András Csaba Imre "
    "Mária Erzsébet Katalin Éva Ilona Anna Zsuzsanna Margit Judit Ágnes Andrea Erika Krisztina Márta Edit Eszter "
    "Gyöngyi Tünde Réka Dóra Boglárka Levente Bence Máté Dániel Ádám Kristóf Dávid Balázs Nóra Petra Lilla"
).split()
COMPANY_WORDS = (
    "Alföld Dunamenti Tisza Mátra Bakony Balaton Pannon Hungária Kárpát Zemplén Rába Körös Hajdú Somogy Zala Bükk "
    "Vértes Pilis Mecsek Duna Kapos Sajó Hernád Maros Csepel Óbuda Tokaj Villány Eger Szeged"
).split()
COMPANY_KINDS = (
    "Kereskedelmi Kft.",
    "Szolgáltató Zrt.",
    "Építőipari Kft.",
    "Logisztika Kft.",
    "Élelmiszer Zrt.",
    "Gépgyártó Kft.",
    "Vízmű Zrt.",
    "Könyvelőiroda Bt.",
    "Önkormányzat",
    "Patika Kft.",
    "Informatikai Kft.",
    "Nyomda Kft.",
)
TOWNS = (
    "Budapest Debrecen Szeged Miskolc Pécs Győr Nyíregyháza Kecskemét Székesfehérvár Szombathely Szolnok Tatabánya "
    "Kaposvár Érd Veszprém Békéscsaba Zalaegerszeg Sopron Eger Nagykanizsa"
).split()
STREETS = ("Fő utca", "Petőfi Sándor utca", "Kossuth Lajos utca", "Rákóczi út", "Ady Endre utca", "Dózsa György út")

PROBLEMS = [
    "nem nyomtatja ki a számlát",
    "hibaüzenet mentéskor",
    "lassú a lekérdezés",
    "nem tudok belépni",
    "elfelejtett jelszó",
    "hibás ÁFA-összesítő",
    "nem jelenik meg a bizonylat",
    "duplán könyvelt tétel",
    "exportálás nem működik",
    "frissítés után összeomlik",
    "rossz a dátumformátum a listán",
    "nem érkezik meg az értesítő e-mail",
    "új felhasználó felvétele",
    "jogosultság módosítása",
    "hibás kerekítés a végösszegben",
    "lefagy a program zárásnál",
    "nem lehet módosítani a partner adatait",
    "eltűnt a tegnapi mentés",
    "hiányzik a havi riport",
    "a nyomtató nem található",
    "kérdés a licencről",
    "adatimport sikertelen",
    "helytelen készletérték",
    "nem fut le az éjszakai feladat",
]
OPENINGS = (
    "Tisztelt Ügyfélszolgálat!",
    "Kedves Kollégák!",
    "Jó napot kívánok!",
    "Tisztelt Hölgyem/Uram!",
    "Sziasztok!",
)
SENTENCES = [
    "Ma reggel óta a rendszer nem engedi rögzíteni a bizonylatot.",
    "A hibaüzenet szerint a kapcsolat az adatbázissal megszakadt.",
    "Többször újraindítottuk a gépet, de a hiba nem szűnt meg.",
    "A kolléga gépén ugyanez a jelenség tapasztalható.",
    "Kérjük, vizsgálják meg mielőbb, mert a havi zárás határideje közeleg.",
    "Csatoltam a képernyőképet a hibáról.",
    "A tegnapi frissítés óta lassabban tölt be a lista.",
    "A nyomtatási képen az ékezetes betűk helyett kérdőjelek jelennek meg.",
    "Az ügyfél reklamált, mert kétszer kapta meg ugyanazt a számlát.",
    "A jelszó-visszaállító levél nem érkezik meg a postafiókba.",
    "Szeretnénk egy új telephelyet felvenni a rendszerbe.",
    "A bérjegyzéken a túlóra összege hibásan szerepel.",
    "A készletmozgás riportban negatív mennyiség látszik.",
    "A banki kivonat beolvasásakor a program hibát jelez.",
    "Kérnénk, hogy a jogosultságokat a mellékelt lista szerint állítsák be.",
    "A dátumok a listában amerikai formátumban jelennek meg.",
    "Sürgős lenne, mert áll a számlázás.",
    "Nem tudjuk, hogy a hiba nálunk vagy a szerveren van.",
    "Korábban ez a funkció hibátlanul működött.",
    "Előre is köszönöm a segítségüket.",
    "A hiba csak bizonyos partnereknél jelentkezik.",
    "Az exportált fájlt a könyvelő nem tudja megnyitni.",
]
CLOSINGS = ("Üdvözlettel:", "Köszönettel:", "Tisztelettel:", "Üdv.:")
WORK_NOTES = [
    "Naplófájlok átnézése, a hiba reprodukálva.",
    "Adatbázis-index újraépítése, teszt rendben.",
    "Telefonos egyeztetés az ügyféllel a részletekről.",
    "Javítás elkészítve a tesztkörnyezetben.",
    "Konfiguráció módosítva, a nyomtatási sablon javítva.",
    "Jogosultságok beállítva a kért lista szerint.",
    "Távoli elérés az ügyfél gépéhez, driver frissítve.",
    "A hibás tételek javítva, újrakönyvelés lefuttatva.",
]
ATTACHMENTS = [
    ("kepernyokep.png", "image/png"),
    ("hibauzenet.jpg", "image/jpeg"),
    ("szamla.pdf", "application/pdf"),
    ("export.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("naplo.txt", "text/plain"),
    ("level.pdf", "application/pdf"),
]


def person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY_NAMES)} {rng.choice(GIVEN_NAMES)}"


def company(rng: random.Random, index: int) -> str:
    return f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)} ({index})"


def address(rng: random.Random) -> str:
    return f"{rng.randint(1000, 9999)} {rng.choice(TOWNS)}, {rng.choice(STREETS)} {rng.randint(1, 120)}."


def subject(rng: random.Random, module_name: str | None, word: str = "") -> str:
    problem = rng.choice(PROBLEMS)
    text = f"{module_name}: {problem}" if module_name else problem.capitalize()
    return f"{text} ({word})" if word else text


def body(rng: random.Random, sender: str, word: str = "") -> str:
    sentences = rng.sample(SENTENCES, rng.randint(2, 6))
    if word:
        sentences.insert(rng.randint(0, len(sentences)), f"A(z) {word} miatt a könyvelés nem egyezik.")
    return f"{rng.choice(OPENINGS)}\n\n{' '.join(sentences)}\n\n{rng.choice(CLOSINGS)}\n{sender}"
