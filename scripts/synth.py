"""Synthetic rosters for Overlap: people in real ZIP codes, exported as real systems do.

A population of households (singles, couples, families, twins, fathers and sons
named Jr/Sr, women who married and changed their surname, people who moved)
lives in nine real ZIP codes of Chicago, Cicero and Berwyn. Programmes enrol
some of them and export their rosters each in its own format, with the
corruptions real exports have: nicknames, typos, swapped names, accents
dropped, maiden names, old addresses, missing and placeholder dates and
phones, day/month swaps, duplicates. Every row's true person is kept apart in
a truth table, labelled with the corruptions applied to it.

Everything is vectorised with numpy (names are integer ids into string
tables; typos and nicknames are looked up, not computed per row), so a
million-row roster takes seconds. Phone numbers are random subscriber numbers
with local area codes (no N11 or 555 exchanges); emails use the reserved
example.* domains.

Entry points: ``make_samples``, ``make_next_season``, ``make_linked_pair``,
``make_rosters`` (see ``scripts/make_samples.py`` for the files).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import zipcodes
from unidecode import unidecode

REF_DATE = np.datetime64("2026-11-01")  # "today" for ages
# Population groups and, per ZIP, the share of households of each group.
GROUPS = ["hispanic", "black", "white", "polish", "arab", "chinese"]

# ZIP -> (weight of the ZIP in the population, group shares in GROUPS order)
ZIP_PROFILE: dict[str, tuple[float, list[float]]] = {
    "60623": (1.6, [0.80, 0.16, 0.02, 0.01, 0.01, 0.00]),
    "60608": (1.1, [0.62, 0.06, 0.16, 0.04, 0.01, 0.11]),
    "60629": (1.6, [0.68, 0.18, 0.03, 0.03, 0.08, 0.00]),
    "60632": (1.1, [0.84, 0.02, 0.06, 0.07, 0.01, 0.00]),
    "60609": (0.9, [0.52, 0.38, 0.05, 0.03, 0.01, 0.01]),
    "60616": (0.8, [0.08, 0.42, 0.15, 0.01, 0.02, 0.32]),
    "60617": (1.0, [0.50, 0.42, 0.06, 0.02, 0.00, 0.00]),
    "60804": (1.1, [0.86, 0.04, 0.06, 0.03, 0.01, 0.00]),
    "60402": (0.9, [0.60, 0.08, 0.22, 0.09, 0.01, 0.00]),
}

# Streets per ZIP (all real streets of those areas). "S"/"N" streets run
# north-south and take the south-side house numbers; "W"/"E" streets take the
# east-west numbers.
ZIP_STREETS: dict[str, tuple[tuple[int, int], tuple[int, int], list[str]]] = {
    "60623": (
        (2200, 3358),
        (3200, 4758),
        [
            "S Pulaski Rd",
            "S Kedzie Ave",
            "S Central Park Ave",
            "S Millard Ave",
            "S Lawndale Ave",
            "S Ridgeway Ave",
            "S Hamlin Ave",
            "S Harding Ave",
            "S Keeler Ave",
            "S Kildare Ave",
            "S Tripp Ave",
            "S Christiana Ave",
            "S Homan Ave",
            "S Trumbull Ave",
            "S St Louis Ave",
            "S Drake Ave",
            "S Springfield Ave",
            "S Karlov Ave",
            "S Komensky Ave",
            "W 26th St",
            "W Cermak Rd",
            "W 24th St",
            "W 25th Pl",
            "W 28th St",
            "W 31st St",
            "W Cullerton St",
            "W 23rd St",
            "W 27th St",
        ],
    ),
    "60608": (
        (1600, 3558),
        (800, 2458),
        [
            "W 18th St",
            "W Cermak Rd",
            "S Blue Island Ave",
            "S Ashland Ave",
            "S Damen Ave",
            "S Loomis St",
            "S Racine Ave",
            "W 19th St",
            "W 21st St",
            "S Throop St",
            "S Laflin St",
            "W Cullerton St",
            "S Wood St",
            "S Leavitt St",
            "S Western Ave",
            "S Halsted St",
            "S Morgan St",
            "W 17th St",
            "S Carpenter St",
            "S Paulina St",
        ],
    ),
    "60629": (
        (5500, 7958),
        (2400, 4758),
        [
            "S Pulaski Rd",
            "S Kedzie Ave",
            "W 63rd St",
            "W 59th St",
            "W 55th St",
            "S California Ave",
            "S Western Ave",
            "S Kedvale Ave",
            "S St Louis Ave",
            "S Homan Ave",
            "S Albany Ave",
            "W 71st St",
            "W 67th St",
            "S Central Park Ave",
            "S Lawndale Ave",
            "W Marquette Rd",
            "S Troy St",
            "S Sawyer Ave",
            "S Spaulding Ave",
            "S Trumbull Ave",
            "W 69th St",
            "S Hamlin Ave",
            "S Springfield Ave",
        ],
    ),
    "60632": (
        (3900, 5558),
        (2600, 4758),
        [
            "S Archer Ave",
            "S Kedzie Ave",
            "W 47th St",
            "W 51st St",
            "S California Ave",
            "S Albany Ave",
            "S Sacramento Ave",
            "S Whipple St",
            "S Francisco Ave",
            "W 43rd St",
            "W 49th St",
            "S Richmond St",
            "S Pulaski Rd",
            "S Kildare Ave",
            "S Mozart St",
            "S Fairfield Ave",
            "S Rockwell St",
            "W 45th St",
            "S Christiana Ave",
        ],
    ),
    "60609": (
        (3900, 5558),
        (800, 1958),
        [
            "S Ashland Ave",
            "W 47th St",
            "W 51st St",
            "S Racine Ave",
            "S Halsted St",
            "W 55th St",
            "S Loomis Blvd",
            "S Justine St",
            "S Paulina St",
            "S Hermitage Ave",
            "S Wood St",
            "W 43rd St",
            "S Marshfield Ave",
            "S Elizabeth St",
            "W Garfield Blvd",
            "S Bishop St",
            "S Laflin St",
            "S Throop St",
        ],
    ),
    "60616": (
        (1800, 3358),
        (100, 658),
        [
            "S Wentworth Ave",
            "W Cermak Rd",
            "S Princeton Ave",
            "S Wells St",
            "S State St",
            "S Michigan Ave",
            "S Indiana Ave",
            "S Prairie Ave",
            "S Calumet Ave",
            "S Martin Luther King Dr",
            "E 26th St",
            "W 24th Pl",
            "S Canal St",
            "S Archer Ave",
            "W 31st St",
            "S Wabash Ave",
            "W 23rd Pl",
            "S Shields Ave",
        ],
    ),
    "60617": (
        (7600, 11058),
        (2000, 4058),
        [
            "S Commercial Ave",
            "S Ewing Ave",
            "E 79th St",
            "E 87th St",
            "S Exchange Ave",
            "S Houston Ave",
            "S Baltimore Ave",
            "E 95th St",
            "S Avenue L",
            "S Avenue N",
            "S Escanaba Ave",
            "S Muskegon Ave",
            "S Burley Ave",
            "E 106th St",
            "S Yates Blvd",
            "S Jeffery Ave",
            "S Crandon Ave",
            "S Saginaw Ave",
            "S Manistee Ave",
            "E 83rd St",
        ],
    ),
    "60804": (
        (1200, 3958),
        (4800, 6058),
        [
            "W Cermak Rd",
            "S Cicero Ave",
            "S Laramie Ave",
            "S Austin Blvd",
            "W 26th St",
            "W 31st St",
            "W 35th St",
            "S 49th Ave",
            "S 50th Ave",
            "S 51st Ave",
            "S 52nd Ave",
            "S 54th Ave",
            "S 55th Ct",
            "S 57th Ct",
            "S 59th Ave",
            "W 16th St",
            "W 14th St",
            "W Roosevelt Rd",
            "W 21st St",
            "S Lombard Ave",
            "S Central Ave",
        ],
    ),
    "60402": (
        (1200, 3958),
        (6300, 7258),
        [
            "S Oak Park Ave",
            "S Ridgeland Ave",
            "S East Ave",
            "S Harlem Ave",
            "W Cermak Rd",
            "W Roosevelt Rd",
            "W Ogden Ave",
            "S Clarence Ave",
            "S Kenilworth Ave",
            "S Wisconsin Ave",
            "S Grove Ave",
            "S Euclid Ave",
            "S Gunderson Ave",
            "S Highland Ave",
            "W 16th St",
            "W 31st St",
            "W Stanley Ave",
            "S Cuyler Ave",
            "S Home Ave",
            "S Maple Ave",
            "S Wenonah Ave",
            "S Scoville Ave",
        ],
    ),
}

STREET_SUFFIX_LONG = {
    "Rd": "Road",
    "Ave": "Avenue",
    "St": "Street",
    "Blvd": "Boulevard",
    "Pl": "Place",
    "Ct": "Court",
    "Dr": "Drive",
}
DIRECTION_LONG = {"S": "South", "N": "North", "W": "West", "E": "East"}

AREA_CODES_CHICAGO = ["312", "773", "872"]
AREA_CODES_SUBURBS = ["708"]


def _w(names: str) -> list[tuple[str, float]]:
    """Names in descending frequency -> (name, Zipf-like weight)."""
    parts = [n.strip() for n in names.split(",") if n.strip()]
    return [(n, 1.0 / (i + 1) ** 0.85) for i, n in enumerate(parts)]


FIRST_NAMES: dict[str, dict[str, list[tuple[str, float]]]] = {
    "hispanic": {
        "M": _w(
            "José, Juan, Luis, Carlos, Jesús, Miguel, Jorge, Antonio, Francisco, "
            "Alejandro, Manuel, Ricardo, Pedro, Javier, Fernando, Roberto, Eduardo, "
            "Rafael, Guillermo, Raúl, Sergio, Daniel, David, Ángel, Mario, Alberto, "
            "Enrique, Héctor, Arturo, Gerardo, Martín, Rubén, Óscar, Ignacio, Adrián, "
            "Diego, Alfredo, Ramón, Andrés, Julio, Armando, Salvador, Rogelio, Gustavo, "
            "Hugo, Refugio, Brandon, Kevin, Christopher, Bryan, Anthony, Jonathan, "
            "Erick, Edgar, Omar"
        ),
        "F": _w(
            "María, Guadalupe, Ana, Rosa, Juana, Margarita, Verónica, Elizabeth, "
            "Leticia, Patricia, Adriana, Gabriela, Alejandra, Laura, Sandra, Claudia, "
            "Martha, Silvia, Teresa, Yolanda, Araceli, Blanca, Carmen, Dolores, "
            "Esperanza, Graciela, Irma, Josefina, Lucía, Mónica, Norma, Rocío, Sofía, "
            "Alicia, Angélica, Beatriz, Cecilia, Concepción, Elena, Isabel, Jessica, "
            "Karina, Lorena, Luz, Maribel, Marisol, Nancy, Paola, Rosario, Susana, "
            "Yesenia, Jennifer, Stephanie, Daisy, Jazmín, Ximena, Valeria, Itzel"
        ),
    },
    "black": {
        "M": _w(
            "James, Michael, Robert, John, William, Marcus, Anthony, Darnell, "
            "DeShawn, Jamal, Tyrone, Andre, Terrence, Malik, Darius, Jalen, Kevin, "
            "Brandon, Christopher, Derrick, Reginald, Cedric, Lamar, Curtis, Willie, "
            "Jerome, Maurice, Dwayne, Antoine, Xavier"
        ),
        "F": _w(
            "Keisha, Latoya, Tanisha, Shanice, Ebony, Aaliyah, Jasmine, Imani, "
            "Precious, Dominique, Patricia, Mary, Linda, Angela, Tiffany, Crystal, "
            "Monique, Denise, Yolanda, Brittany, Kiara, Destiny, Tameka, LaShonda, "
            "Sharonda, Gloria, Dorothy, Barbara, Shirley, Erica"
        ),
    },
    "white": {
        "M": _w(
            "Robert, William, James, Michael, John, David, Richard, Joseph, Thomas, "
            "Christopher, Daniel, Matthew, Anthony, Mark, Steven, Paul, Kevin, Brian, "
            "Edward, Patrick, Timothy, Kenneth, Ronald, Gregory, Dennis, Frank, "
            "Raymond, Gary, Jeffrey, Scott"
        ),
        "F": _w(
            "Elizabeth, Mary, Patricia, Jennifer, Linda, Barbara, Susan, Margaret, "
            "Katherine, Karen, Nancy, Lisa, Sarah, Jessica, Emily, Ashley, Kimberly, "
            "Deborah, Donna, Michelle, Carol, Amanda, Melissa, Rebecca, Laura, "
            "Christine, Catherine, Kathleen, Megan, Rachel"
        ),
    },
    "polish": {
        "M": _w(
            "Krzysztof, Tomasz, Piotr, Paweł, Andrzej, Marek, Michał, Wojciech, "
            "Zbigniew, Stanisław, Jan, Józef, Grzegorz, Mariusz, Jacek, Kazimierz, "
            "Aleksander, Łukasz, Adam, Robert"
        ),
        "F": _w(
            "Anna, Katarzyna, Małgorzata, Agnieszka, Barbara, Ewa, Krystyna, "
            "Magdalena, Elżbieta, Joanna, Jadwiga, Zofia, Teresa, Danuta, Grażyna, "
            "Bożena, Dorota, Monika, Beata, Halina"
        ),
    },
    "arab": {
        "M": _w(
            "Mohammed, Ahmed, Omar, Ali, Muhammad, Yousef, Khalid, Mahmoud, Ibrahim, "
            "Mohamed, Hassan, Hussein, Mustafa, Samir, Ahmad, Tariq, Bilal, Karim, "
            "Walid, Nabil"
        ),
        "F": _w(
            "Fatima, Aisha, Mariam, Noor, Layla, Huda, Rania, Samira, Zainab, Amira, "
            "Yasmin, Hana, Dina, Lina, Rana, Salma, Nadia, Reem, Sara, Iman"
        ),
    },
    "chinese": {
        "M": _w(
            "Wei, Kevin, Jian, Ming, Jason, Hao, Eric, Jun, Tony, Lei, Peter, "
            "Vincent, Jimmy, Andy, Michael"
        ),
        "F": _w(
            "Mei, Jenny, Xiu, Amy, Yan, Grace, Hui, Helen, Jing, Cindy, Ying, Linda, Annie, Lily"
        ),
    },
}

SURNAMES: dict[str, list[tuple[str, float]]] = {
    "hispanic": [
        ("Garcia", 858),
        ("Rodriguez", 804),
        ("Martinez", 775),
        ("Hernandez", 706),
        ("Lopez", 621),
        ("Gonzalez", 597),
        ("Perez", 468),
        ("Sanchez", 441),
        ("Ramirez", 388),
        ("Torres", 325),
        ("Flores", 312),
        ("Rivera", 303),
        ("Gomez", 280),
        ("Diaz", 273),
        ("Reyes", 226),
        ("Cruz", 220),
        ("Morales", 220),
        ("Ortiz", 185),
        ("Gutierrez", 185),
        ("Chavez", 172),
        ("Ramos", 170),
        ("Ruiz", 159),
        ("Alvarez", 157),
        ("Mendoza", 153),
        ("Castillo", 145),
        ("Jimenez", 142),
        ("Vasquez", 141),
        ("Moreno", 139),
        ("Romero", 137),
        ("Herrera", 131),
        ("Medina", 120),
        ("Aguilar", 118),
        ("Vargas", 112),
        ("Guerrero", 107),
        ("Castro", 106),
        ("Muñoz", 104),
        ("Delgado", 90),
        ("Estrada", 92),
        ("Salazar", 88),
        ("Contreras", 86),
        ("Soto", 85),
        ("Domínguez", 84),
        ("Núñez", 70),
        ("Juárez", 70),
        ("Peña", 68),
        ("Velázquez", 65),
        ("Ibarra", 60),
        ("Ochoa", 55),
        ("Ayala", 55),
        ("Cervantes", 55),
        ("Zúñiga", 50),
        ("Villanueva", 45),
        ("Macías", 40),
        ("Benítez", 40),
        ("Rangel", 40),
    ],
    "black": [
        ("Williams", 900),
        ("Johnson", 800),
        ("Smith", 750),
        ("Jones", 600),
        ("Brown", 560),
        ("Jackson", 500),
        ("Davis", 440),
        ("Thomas", 360),
        ("Harris", 340),
        ("Robinson", 320),
        ("Taylor", 260),
        ("Wilson", 250),
        ("Moore", 240),
        ("White", 230),
        ("Washington", 220),
        ("Jefferson", 140),
        ("Thompson", 200),
        ("Walker", 190),
        ("Lewis", 170),
        ("Green", 160),
        ("Hill", 150),
        ("Scott", 140),
        ("Banks", 110),
        ("Coleman", 120),
        ("Bell", 100),
        ("Turner", 100),
        ("Carter", 110),
        ("Mitchell", 100),
        ("Murray", 80),
        ("Freeman", 80),
    ],
    "white": [
        ("Smith", 800),
        ("Johnson", 600),
        ("Miller", 500),
        ("Brown", 450),
        ("Jones", 420),
        ("Murphy", 300),
        ("O'Brien", 220),
        ("Sullivan", 200),
        ("Kelly", 200),
        ("Anderson", 260),
        ("Schmidt", 160),
        ("Mueller", 120),
        ("Wagner", 140),
        ("Ryan", 150),
        ("O'Connor", 130),
        ("Walsh", 120),
        ("Nelson", 150),
        ("Peterson", 140),
        ("Olson", 110),
        ("Hansen", 100),
        ("Novak", 120),
        ("Svoboda", 60),
        ("Dvorak", 60),
        ("Horak", 50),
    ],
    "polish": [
        ("Nowak", 500),
        ("Kowalski", 420),
        ("Wiśniewski", 300),
        ("Wójcik", 260),
        ("Kowalczyk", 240),
        ("Kamiński", 230),
        ("Lewandowski", 220),
        ("Zieliński", 200),
        ("Szymański", 190),
        ("Woźniak", 180),
        ("Dąbrowski", 170),
        ("Kozłowski", 150),
        ("Jankowski", 140),
        ("Mazur", 130),
        ("Krawczyk", 120),
        ("Nowicki", 100),
        ("Pawlak", 90),
        ("Michalski", 90),
        ("Sikora", 80),
        ("Baran", 70),
        ("Kaczmarek", 80),
        ("Grabowski", 90),
    ],
    "arab": [
        ("Hassan", 300),
        ("Ali", 280),
        ("Ahmed", 240),
        ("Mohammed", 160),
        ("Abdallah", 150),
        ("Khalil", 140),
        ("Saleh", 130),
        ("Mustafa", 120),
        ("Haddad", 110),
        ("Odeh", 90),
        ("Zayed", 80),
        ("Yousef", 90),
        ("Abu-Ghazaleh", 40),
        ("Al-Khatib", 50),
        ("Shalabi", 50),
        ("Hamdan", 60),
        ("Qasem", 50),
    ],
    "chinese": [
        ("Chen", 400),
        ("Li", 350),
        ("Wang", 330),
        ("Zhang", 250),
        ("Liu", 230),
        ("Wong", 220),
        ("Huang", 180),
        ("Lin", 170),
        ("Wu", 150),
        ("Zhou", 100),
        ("Yang", 120),
        ("Lee", 160),
        ("Chan", 130),
        ("Ng", 80),
        ("Tan", 60),
    ],
}

# The long tail: most people do not carry one of the very common surnames.
# Plausible surnames are composed from each tradition's stems and endings
# (deterministically), and a share of each group draws from them.
_TAIL_PARTS: dict[str, tuple[list[str], list[str]]] = {
    "hispanic": (
        "Alva Bel Cab Can Car Cas Cer Cis Cor Es Fa Gal Gar Le Lu Mal Man Mar Mo Ne Ol Pa "
        "Que Ri Sal San Se Ta Te Val Vi Ver Za Ar Bar Bus Col Dur Gal Her Lla Mej Nav Or Pad "
        "Quin Ros Sol Tre Uri Vel Yb".split(),
        "rado nera rera llo dona nilla rillo tillo vero zares lares tanes mora queda rete "
        "buena rriaga ceda rales tos".split(),
    ),
    "white": (
        "Ash Black Brad Brook Chal Craw Fair Hart Hol Kings Lang Mor Pem Red Ross Stan Thorn "
        "War Wes Whit Wood Bur Car Dun Ever Gil Hal Pres Row Ship Stock Sum Ten Wal Win".split(),
        "ley ton ford field man well wood son by ridge".split(),
    ),
    "polish": (
        "Adam Bart Bor Cies Dudz Gor Jas Kacz Kol Krol Kub Lis Mal Mar Mich Nowa Ole Pie Rut "
        "Sob Sta Szcz Tom Wal Wil Zaj Bial Chm Czar Glow Kos Lesz Mrocz Ostr Pras Sad Wrob".split(),
        "ski czyk wicz ak ek owski ewicz iak".split(),
    ),
    "arab": (
        "Haj Nasser Rahman Jaber Sabbagh Tamimi Qasim Masri Shami Ansari Hashem Bakri Darwish "
        "Faraj Ghanem Issa Khoury Mansour Nassar Rashid Sayegh Taha Zaki Awad Barakat Hijazi "
        "Jamal Kanaan Najjar Salem".split(),
        ["", "Al-", "Abu-"],
    ),
    "chinese": (
        "Guo He Ma Luo Liang Song Zheng Xie Han Tang Feng Yu Dong Xiao Cheng Cao Yuan Deng Xu "
        "Fu Shen Zeng Peng Su Jiang Cai Jia Ding Xue Ye Yan Pan Du Dai Xia Zhong Tian Ren Fan "
        "Fang Shi Yao Liao Zou Xiong Jin Lau Cheung Kwan Leung".split(),
        [""],
    ),
}
_TAIL_PARTS["black"] = _TAIL_PARTS["white"]
TAIL_SHARE = {
    "hispanic": 0.35,
    "black": 0.45,
    "white": 0.6,
    "polish": 0.5,
    "arab": 0.4,
    "chinese": 0.2,
}


def _tail_surnames(group: str) -> list[str]:
    stems, endings = _TAIL_PARTS[group]
    if group == "arab":
        names = [f"{pre}{stem}" for stem in stems for pre in endings]
    else:
        names = [f"{stem}{end}" for stem in stems for end in endings]
    head = {n for n, _ in SURNAMES[group]}
    names = [n for n in dict.fromkeys(names) if n not in head]
    order = np.random.default_rng(sum(map(ord, group))).permutation(len(names))
    return [names[i] for i in order]


def _with_tail(group: str) -> list[tuple[str, float]]:
    head = SURNAMES[group]
    total = sum(w for _, w in head)
    share = TAIL_SHARE[group]
    out = [(n, (1 - share) * w / total) for n, w in head]
    tail = _tail_surnames(group)
    weights = [1.0 / (i + 10) ** 0.7 for i in range(len(tail))]
    tail_total = sum(weights)
    out += [(n, share * w / tail_total) for n, w in zip(tail, weights, strict=True)]
    return out


SURNAMES = {g: _with_tail(g) for g in GROUPS}

# How a first name also appears on forms: nicknames, diminutives, English
# forms and spelling variants (both directions where people really use both).
NICKNAMES: dict[str, list[str]] = {
    # English
    "Robert": ["Bob", "Rob", "Bobby", "Robbie"],
    "William": ["Bill", "Will", "Billy", "Willie"],
    "Elizabeth": ["Liz", "Beth", "Betty", "Liza"],
    "James": ["Jim", "Jimmy", "Jamie"],
    "Michael": ["Mike", "Mikey"],
    "Richard": ["Rick", "Rich", "Dick"],
    "Joseph": ["Joe", "Joey"],
    "Thomas": ["Tom", "Tommy"],
    "Christopher": ["Chris"],
    "Daniel": ["Dan", "Danny"],
    "Katherine": ["Kate", "Kathy", "Katie"],
    "Catherine": ["Cathy", "Kate"],
    "Kathleen": ["Kathy", "Kathie"],
    "Margaret": ["Peggy", "Maggie", "Marge"],
    "Patricia": ["Pat", "Patty", "Trish"],
    "Jennifer": ["Jen", "Jenny"],
    "Anthony": ["Tony"],
    "Edward": ["Ed", "Eddie", "Ted"],
    "Deborah": ["Debbie", "Deb"],
    "Susan": ["Sue", "Susie"],
    "Matthew": ["Matt"],
    "Steven": ["Steve"],
    "Kenneth": ["Ken", "Kenny"],
    "Ronald": ["Ron", "Ronnie"],
    "Gregory": ["Greg"],
    "Timothy": ["Tim"],
    "Jeffrey": ["Jeff"],
    "Rebecca": ["Becky"],
    "Kimberly": ["Kim"],
    "Christine": ["Chris", "Chrissy"],
    "Barbara": ["Barb"],
    "Dorothy": ["Dot", "Dottie"],
    "Reginald": ["Reggie"],
    "Terrence": ["Terry"],
    "Raymond": ["Ray"],
    "Dennis": ["Denny"],
    "Patrick": ["Pat"],
    "Angela": ["Angie"],
    "Jonathan": ["Jon"],
    "David": ["Dave"],
    "Kevin": ["Kev"],
    "Brian": ["Bryan"],
    "Jessica": ["Jess"],
    "Stephanie": ["Steph"],
    "Amanda": ["Mandy"],
    "Jasmine": ["Jazz"],
    "Derrick": ["Derek"],
    "Willie": ["Will"],
    "Dwayne": ["Duane"],
    "Shirley": ["Shirl"],
    # Spanish
    "José": ["Pepe", "Joe", "Chepe"],
    "Francisco": ["Paco", "Pancho", "Frank"],
    "Guadalupe": ["Lupe", "Lupita"],
    "Jesús": ["Chuy", "Jesse"],
    "Guillermo": ["Memo", "Willy", "William"],
    "Alejandro": ["Alex", "Alejo"],
    "Roberto": ["Beto", "Robert"],
    "Alberto": ["Beto", "Al"],
    "Ignacio": ["Nacho"],
    "Enrique": ["Kike", "Henry"],
    "Eduardo": ["Lalo", "Eddie"],
    "Manuel": ["Manny", "Manolo"],
    "Rosario": ["Chayo"],
    "Concepción": ["Conchita", "Concha", "Connie"],
    "Dolores": ["Lola", "Lolita"],
    "Refugio": ["Cuco"],
    "Antonio": ["Toño", "Tony"],
    "Rafael": ["Rafa"],
    "Margarita": ["Maggie", "Magui"],
    "Teresa": ["Tere", "Terry"],
    "Leticia": ["Lety"],
    "Graciela": ["Chela", "Grace"],
    "Ricardo": ["Richie", "Ricky"],
    "Fernando": ["Nando"],
    "Javier": ["Javi"],
    "Miguel": ["Mike"],
    "Pedro": ["Pete"],
    "Juan": ["Johnny"],
    "Jorge": ["George"],
    "Salvador": ["Chava"],
    "Rogelio": ["Roger"],
    "Alfredo": ["Freddy"],
    "Isabel": ["Chabela"],
    "Josefina": ["Josie", "Fina"],
    "Alicia": ["Licha"],
    "Cecilia": ["Ceci"],
    "Gabriela": ["Gaby"],
    "Alejandra": ["Ale"],
    "Verónica": ["Vero"],
    "Adriana": ["Adri"],
    "Yolanda": ["Yoli"],
    "Susana": ["Susy"],
    "María": ["Mary"],
    "Beatriz": ["Betty"],
    "Armando": ["Mando"],
    "Gerardo": ["Jerry"],
    "Héctor": ["Tito"],
    "Erick": ["Eric"],
    # Polish
    "Katarzyna": ["Kasia", "Kate"],
    "Małgorzata": ["Gosia", "Margaret"],
    "Wojciech": ["Wojtek"],
    "Tomasz": ["Tomek", "Tom"],
    "Stanisław": ["Staś", "Stan"],
    "Aleksander": ["Olek", "Alex"],
    "Krzysztof": ["Krzyś", "Chris"],
    "Piotr": ["Peter"],
    "Paweł": ["Paul"],
    "Andrzej": ["Andrew"],
    "Michał": ["Michael"],
    "Józef": ["Joe"],
    "Jan": ["John"],
    "Grzegorz": ["Greg"],
    "Łukasz": ["Luke"],
    "Agnieszka": ["Agnes"],
    "Elżbieta": ["Ela"],
    "Joanna": ["Asia"],
    "Magdalena": ["Magda"],
    "Zofia": ["Zosia"],
    "Jadwiga": ["Jadzia"],
    "Krystyna": ["Krysia"],
    "Ewa": ["Eva"],
    "Kazimierz": ["Kazik"],
    # Arabic (spelling variants are as common as nicknames)
    "Mohammed": ["Muhammad", "Mohamed", "Mohamad", "Mo"],
    "Muhammad": ["Mohammed", "Mo"],
    "Mohamed": ["Mohammed", "Mohamad"],
    "Ahmed": ["Ahmad"],
    "Ahmad": ["Ahmed"],
    "Yousef": ["Yusuf", "Joseph"],
    "Ibrahim": ["Abe"],
    "Mustafa": ["Mostafa"],
    "Hussein": ["Husain"],
    "Mahmoud": ["Mahmud"],
    "Fatima": ["Fatma"],
    "Aisha": ["Aysha"],
    "Mariam": ["Maryam", "Miriam"],
    "Layla": ["Leila"],
    "Yasmin": ["Yasmine"],
    # Chinese given names with an English name used at work
    "Wei": ["William"],
    "Jian": ["James"],
    "Mei": ["May"],
    "Xiu": ["Susan"],
}

PARISH_MINISTRIES = [
    "",
    "",
    "",
    "",
    "Choir",
    "Lectors",
    "Ushers",
    "Youth Group",
    "Guadalupanas",
    "Knights of Columbus",
    "Religious Ed",
    "Food Pantry",
    "Altar Servers",
    "Eucharistic Ministers",
    "St. Vincent de Paul",
]
JOB_TRACKS = [
    "Warehouse & Logistics",
    "Healthcare Support",
    "Manufacturing",
    "Food Service",
    "Customer Service",
    "Construction Pre-Apprenticeship",
    "IT Support",
]
CASE_MANAGERS = ["T. Okafor", "R. Delgado", "M. Brennan", "S. Patel", "L. Nguyen", "D. Kim"]
EMPLOYER_DEPTS = [
    ("Warehouse", "Material Handler"),
    ("Warehouse", "Forklift Operator"),
    ("Warehouse", "Picker/Packer"),
    ("Transportation", "CDL Driver"),
    ("Customer Service", "Customer Service Rep"),
    ("Maintenance", "Maintenance Tech"),
    ("Office", "Admin Assistant"),
    ("Warehouse", "Shift Lead"),
]
VITA_SITES = ["Little Village", "Pilsen", "Gage Park", "Cicero", "Berwyn", "South Chicago"]
EMAIL_DOMAINS = [
    "example.com",
    "example.com",
    "example.com",
    "example.net",
    "example.net",
    "example.org",
    "mail.example.com",
    "correo.example.com",
    "inbox.example.net",
]


# ---------------------------------------------------------------------------
# String tables: every name, its nicknames, accent-folded form and typos, as
# integer ids, so that millions of rows are rendered with numpy indexing only.
# ---------------------------------------------------------------------------

TYPO_VARIANTS = 6
_KEYBOARD = {
    "q": "wa",
    "w": "qes",
    "e": "wrd",
    "r": "etf",
    "t": "ryg",
    "y": "tuh",
    "u": "yij",
    "i": "uok",
    "o": "ipl",
    "p": "ol",
    "a": "qsz",
    "s": "adwx",
    "d": "sfec",
    "f": "dgrv",
    "g": "fhtb",
    "h": "gjyn",
    "j": "hkum",
    "k": "jli",
    "l": "ko",
    "z": "ax",
    "x": "zcs",
    "c": "xvd",
    "v": "cbf",
    "b": "vng",
    "n": "bmh",
    "m": "nj",
}


def _fold(text: str) -> str:
    """Accents dropped the way an ASCII-only system drops them (José -> Jose, Łukasz -> Lukasz)."""
    return unidecode(text)


def _cp1252_safe(text: str) -> str:
    """What a cp1252 system keeps: Spanish accents survive, Polish letters are folded."""
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        return "".join(c if _encodable(c) else unidecode(c) for c in text)


def _encodable(char: str) -> bool:
    try:
        char.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False


def _typo(text: str, rng: np.random.Generator) -> str:
    """One keyboard typo: substitute a neighbour key, delete, double or transpose a letter."""
    for _ in range(20):
        chars = list(text)
        n = len(chars)
        if n < 3:
            kind = 2
        else:
            kind = int(rng.integers(0, 4))
        pos = int(rng.integers(1, n)) if n > 1 else 0
        low = chars[pos].lower()
        if kind == 0 and low in _KEYBOARD:
            repl = _KEYBOARD[low][int(rng.integers(0, len(_KEYBOARD[low])))]
            chars[pos] = repl.upper() if chars[pos].isupper() else repl
        elif kind == 1 and n > 3:
            del chars[pos]
        elif kind == 2:
            chars.insert(pos, chars[pos].lower() if pos else chars[pos])
        elif kind == 3 and pos < n - 1 and chars[pos] != chars[pos + 1]:
            chars[pos], chars[pos + 1] = chars[pos + 1], chars[pos]
            if pos == 0:
                chars[0], chars[1] = chars[0].upper(), chars[1].lower()
        out = "".join(chars)
        if out != text and out.strip(" -'") and "  " not in out:
            return out
    return text + text[-1]


class NameTable:
    """All name strings with integer ids and per-id lookups (nickname, fold, typo, cp1252)."""

    def __init__(self) -> None:
        base: list[str] = []
        for group in GROUPS:
            for sex in ("M", "F"):
                base += [n for n, _ in FIRST_NAMES[group][sex]]
            base += [n for n, _ in SURNAMES[group]]
        for canon, nicks in NICKNAMES.items():
            base.append(canon)
            base += nicks
        base = list(dict.fromkeys(base))
        strings: list[str] = list(base)
        index = {s: i for i, s in enumerate(strings)}

        def add(s: str) -> int:
            if s not in index:
                index[s] = len(strings)
                strings.append(s)
            return index[s]

        # folded and cp1252-safe forms of every base name
        for s in base:
            add(_fold(s))
            add(_cp1252_safe(s))
        stems = list(strings)  # names that can receive a typo
        rng = np.random.default_rng(7_2026)
        typo_ids = np.zeros((len(stems), TYPO_VARIANTS), dtype=np.int64)
        for i, s in enumerate(stems):
            for k in range(TYPO_VARIANTS):
                typo_ids[i, k] = add(_typo(s, rng))
        for s in list(strings):
            add(_fold(s))
            add(_cp1252_safe(s))
        n = len(strings)
        self.strings = np.array(strings, dtype=object)
        self.index = index
        self.typo = np.tile(np.arange(n)[:, None], (1, TYPO_VARIANTS))
        self.typo[: len(stems)] = typo_ids
        self.fold = np.array([index[_fold(s)] for s in strings], dtype=np.int64)
        self.cp1252 = np.array([index[_cp1252_safe(s)] for s in strings], dtype=np.int64)
        self.has_accent = self.fold != np.arange(n)
        max_nick = max(len(v) for v in NICKNAMES.values())
        self.nick = np.full((n, max_nick), -1, dtype=np.int64)
        self.nick_count = np.zeros(n, dtype=np.int64)
        for canon, nicks in NICKNAMES.items():
            i = index[canon]
            self.nick_count[i] = len(nicks)
            self.nick[i, : len(nicks)] = [index[x] for x in nicks]
        self.lower_fold = np.array(
            [_fold(s).lower().replace(" ", "") for s in strings], dtype=object
        )

    def ids(self, names: list[str]) -> np.ndarray:
        return np.array([self.index[n] for n in names], dtype=np.int64)


_TABLE: NameTable | None = None


def name_table() -> NameTable:
    """The shared name table (built once per process; deterministic)."""
    global _TABLE
    if _TABLE is None:
        _TABLE = NameTable()
    return _TABLE


class StreetTable:
    """Streets of every ZIP, their written variants and number ranges."""

    VARIANTS = 5  # canonical, long words, dotted, no direction, no suffix

    def __init__(self) -> None:
        # The nine profiled ZIPs first (the samples only ever use those), then
        # the other real Chicago and south/west-suburb ZIPs, each borrowing a
        # profiled ZIP's mix of groups and streets, for populations too big
        # to live in nine ZIPs (see make_population's ``zips``).
        core = list(ZIP_PROFILE)
        extra = sorted(
            r["zip_code"]
            for r in zipcodes.filter_by(state="IL")
            if r["zip_code_type"] == "STANDARD"
            and r["zip_code"][:3] in ("606", "604")
            and r["zip_code"] not in ZIP_PROFILE
        )
        self.zips = core + extra
        self.model_of = [*core, *(core[i % len(core)] for i in range(len(extra)))]
        self.zip_weight = np.array([ZIP_PROFILE[m][0] for m in self.model_of])
        self.group_cum = np.cumsum(np.array([ZIP_PROFILE[m][1] for m in self.model_of]), axis=1)
        self.group_cum[:, -1] = 1.0
        info = [zipcodes.matching(z)[0] for z in self.zips]
        self.city = np.array([i["city"].title() for i in info], dtype=object)
        self.state = np.array([i["state"] for i in info], dtype=object)
        self.is_suburb = np.array([c not in ("Chicago",) for c in self.city])
        names: list[str] = []
        zip_of: list[int] = []
        lo: list[int] = []
        hi: list[int] = []
        for zi, z in enumerate(self.model_of):
            ns, ew, streets = ZIP_STREETS[z]
            for s in streets:
                names.append(s)
                zip_of.append(zi)
                r = ns if s[0] in "NS" else ew
                lo.append(r[0])
                hi.append(r[1])
        self.names = names
        self.zip_of = np.array(zip_of)
        self.lo = np.array(lo)
        self.hi = np.array(hi)
        self.first = np.searchsorted(self.zip_of, np.arange(len(self.zips)))
        self.count = np.bincount(self.zip_of, minlength=len(self.zips))
        self.variants = np.array([self._variants(s) for s in names], dtype=object)

    @staticmethod
    def _variants(street: str) -> list[str]:
        words = street.split(" ")
        direction, body = words[0], words[1:]
        suffix = body[-1] if body[-1] in STREET_SUFFIX_LONG else ""
        core = body[:-1] if suffix else body
        core_s = " ".join(core)
        long = f"{DIRECTION_LONG[direction]} {core_s}" + (
            f" {STREET_SUFFIX_LONG[suffix]}" if suffix else ""
        )
        dotted = f"{direction}. {core_s}" + (f" {suffix}." if suffix else "")
        no_dir = f"{core_s}" + (f" {suffix}" if suffix else "")
        no_suffix = f"{direction} {core_s}"
        return [street, long, dotted, no_dir, no_suffix]


_STREETS: StreetTable | None = None


def street_table() -> StreetTable:
    global _STREETS
    if _STREETS is None:
        _STREETS = StreetTable()
    return _STREETS


# Lookup tables for fast, loop-free formatting of numbers as text.
PAD2 = np.array([f"{i:02d}" for i in range(100)], dtype=object)
PAD3 = np.array([f"{i:03d}" for i in range(1000)], dtype=object)
PAD4 = np.array([f"{i:04d}" for i in range(10000)], dtype=object)
PLAIN = np.array([str(i) for i in range(20000)], dtype=object)
UNITS = np.array(
    ["1", "2", "3", "1F", "2F", "3F", "1R", "2R", "G", "2A", "2B", "3A", "3B", "4", "BSMT", "1B"],
    dtype=object,
)
UNIT_WEIGHTS = np.array([10, 10, 6, 5, 6, 3, 3, 3, 3, 3, 3, 2, 2, 2, 1, 2], dtype=float)


def _cat(*parts) -> np.ndarray:
    """Element-wise string concatenation of object arrays and scalars."""
    out = parts[0]
    if not isinstance(out, np.ndarray):
        out = np.array(out, dtype=object)
    for p in parts[1:]:
        out = out + p
    return out


def _pick(rng: np.random.Generator, n: int, weights) -> np.ndarray:
    """n draws of category indices with the given weights."""
    w = np.asarray(weights, dtype=float)
    cum = np.cumsum(w / w.sum())
    cum[-1] = 1.0
    return np.searchsorted(cum, rng.random(n), side="right")


# ---------------------------------------------------------------------------
# Population: households of people with their true attributes.
# ---------------------------------------------------------------------------

HH_SINGLE, HH_COUPLE, HH_FAMILY, HH_SINGLE_PARENT = 0, 1, 2, 3
RELATIONS = np.array(
    ["single", "spouse", "parent", "child", "twin", "father_sr", "son_jr"], dtype=object
)
REL_SINGLE, REL_SPOUSE, REL_PARENT, REL_CHILD, REL_TWIN, REL_SR, REL_JR = range(7)


@dataclass
class Population:
    """One array per attribute, one element per person (the truth, before any export)."""

    household: np.ndarray
    relation: np.ndarray  # index into RELATIONS
    group: np.ndarray
    sex: np.ndarray  # 0 = M, 1 = F
    age: np.ndarray
    dob: np.ndarray  # datetime64[D]
    first: np.ndarray  # name ids
    middle: np.ndarray  # name id or -1
    last: np.ndarray
    last2: np.ndarray  # second (maternal) surname id or -1
    maiden: np.ndarray  # maiden surname id, or -1 if not married under another name
    recently_married: np.ndarray  # bool: rosters disagree between maiden and married name
    suffix: np.ndarray  # 0 none, 1 Jr, 2 Sr
    zip_old: np.ndarray
    street_old: np.ndarray
    number_old: np.ndarray
    unit_old: np.ndarray  # unit index or -1
    zip_new: np.ndarray
    street_new: np.ndarray
    number_new: np.ndarray
    unit_new: np.ndarray
    moved: np.ndarray
    phone: np.ndarray  # int64 10-digit number, 0 = none (the person's usual contact number)
    phone_old: np.ndarray  # earlier number, 0 = same
    home_phone: np.ndarray  # household landline, 0 = none
    email_local: np.ndarray  # object, "" = none
    email_domain: np.ndarray
    hh_size: np.ndarray
    counterpart: np.ndarray  # the spouse, the other twin, the Jr's father / Sr's son; -1 none

    def __len__(self) -> int:
        return len(self.household)


def _draw_names(rng, group, sex, table: NameTable) -> np.ndarray:
    out = np.zeros(len(group), dtype=np.int64)
    for gi, g in enumerate(GROUPS):
        for si, s in enumerate(("M", "F")):
            idx = np.flatnonzero((group == gi) & (sex == si))
            if len(idx):
                names = FIRST_NAMES[g][s]
                ids = table.ids([n for n, _ in names])
                out[idx] = ids[_pick(rng, len(idx), [w for _, w in names])]
    return out


_SIMILAR: np.ndarray | None = None


def _similar_names(table: NameTable) -> np.ndarray:
    """Per first-name id, another name of the same list with the same initial (-1 if none)."""
    global _SIMILAR
    if _SIMILAR is None:
        out = np.full(len(table.strings), -1, dtype=np.int64)
        for group in GROUPS:
            for sex in ("M", "F"):
                names = [n for n, _ in FIRST_NAMES[group][sex]]
                for i, name in enumerate(names):
                    for other in names[i + 1 :] + names[:i]:
                        if _fold(other)[0] == _fold(name)[0]:
                            out[table.index[name]] = table.index[other]
                            break
        _SIMILAR = out
    return _SIMILAR


def _draw_surnames(rng, group, table: NameTable) -> np.ndarray:
    out = np.zeros(len(group), dtype=np.int64)
    for gi, g in enumerate(GROUPS):
        idx = np.flatnonzero(group == gi)
        if len(idx):
            ids = table.ids([n for n, _ in SURNAMES[g]])
            out[idx] = ids[_pick(rng, len(idx), [w for _, w in SURNAMES[g]])]
    return out


def _phone_numbers(rng, zip_idx, streets: StreetTable) -> np.ndarray:
    """Random 10-digit numbers: local area codes, exchanges that are not N11 or 555."""
    n = len(zip_idx)
    suburb = streets.is_suburb[zip_idx]
    city_area = np.array([312, 773, 872])[_pick(rng, n, [0.25, 0.65, 0.10])]
    sub_area = np.where(rng.random(n) < 0.85, 708, 773)
    area = np.where(suburb, sub_area, city_area)
    exch = rng.integers(200, 1000, n)
    bad = (exch % 100 == 11) | (exch == 555)
    exch = np.where(bad, exch + 1, exch)
    line = rng.integers(0, 10000, n)
    return area.astype(np.int64) * 10_000_000 + exch * 10_000 + line


def _addresses(rng, zip_idx, streets: StreetTable):
    n = len(zip_idx)
    street = streets.first[zip_idx] + (rng.random(n) * streets.count[zip_idx]).astype(np.int64)
    lo, hi = streets.lo[street], streets.hi[street]
    number = lo + (rng.random(n) * (hi - lo)).astype(np.int64)
    unit = np.where(rng.random(n) < 0.42, _pick(rng, n, UNIT_WEIGHTS), -1)
    return street, number, unit


def make_population(
    n_households: int, rng: np.random.Generator, zips: int = len(ZIP_PROFILE)
) -> Population:
    """Households in ``zips`` ZIPs: singles, couples, families, twins, Jr/Sr, movers.

    The first nine ZIPs are the profiled ones the samples use; more spread a
    big population over real neighbouring ZIPs, so a million people do not
    all live in nine (no real ZIP holds 200,000 people). Vectorised: no Python
    loop over people, so millions are cheap.
    """
    table, streets = name_table(), street_table()
    H = n_households
    zip_weight = streets.zip_weight[:zips] / streets.zip_weight[:zips].sum()
    h_zip = _pick(rng, H, zip_weight)
    h_group = (rng.random(H)[:, None] > streets.group_cum[h_zip]).sum(axis=1)
    h_type = _pick(rng, H, [0.30, 0.22, 0.33, 0.15])
    n_kids = np.zeros(H, dtype=np.int64)
    fam = h_type == HH_FAMILY
    n_kids[fam] = 1 + _pick(rng, int(fam.sum()), [0.30, 0.35, 0.20, 0.10, 0.05])
    sp = h_type == HH_SINGLE_PARENT
    n_kids[sp] = 1 + _pick(rng, int(sp.sum()), [0.45, 0.40, 0.15])
    has_spouse = (h_type == HH_COUPLE) | fam
    size = 1 + has_spouse + n_kids
    starts = np.concatenate([[0], np.cumsum(size)[:-1]])
    N = int(size.sum())
    hh = np.repeat(np.arange(H), size)
    pos = np.arange(N) - starts[hh]
    is_head = pos == 0
    is_spouse = (pos == 1) & has_spouse[hh]
    is_child = ~is_head & ~is_spouse
    child_index = pos - 1 - has_spouse[hh].astype(np.int64)
    group = h_group[hh]

    # sex
    sex = rng.integers(0, 2, N)
    head_sex = np.where(
        has_spouse, 0, np.where(sp, (rng.random(H) < 0.85).astype(int), rng.integers(0, 2, H))
    )
    sex[is_head] = head_sex
    sex[is_spouse] = 1

    # ages
    head_age = np.where(
        h_type == HH_SINGLE,
        18 + rng.beta(1.6, 2.2, H) * 67,
        np.where(
            h_type == HH_COUPLE,
            22 + rng.beta(2.0, 2.0, H) * 60,
            np.where(fam, 26 + rng.beta(2.2, 2.4, H) * 46, 21 + rng.beta(2.0, 2.5, H) * 40),
        ),
    ).astype(np.int64)
    spouse_age = np.maximum(18, head_age + np.round(rng.normal(-2, 3.5, H)).astype(np.int64))
    mother_age = np.where(has_spouse, spouse_age, head_age)
    age = np.zeros(N, dtype=np.int64)
    age[is_head] = head_age
    age[is_spouse] = spouse_age[hh[is_spouse]]
    m_age = mother_age[hh[is_child]]
    gap = (18 + rng.beta(2.0, 2.2, int(is_child.sum())) * 22).astype(np.int64)
    age[is_child] = np.clip(m_age - gap, 0, None)
    days = rng.integers(0, 365, N)
    dob = (
        REF_DATE
        - (age * 365.25).astype(np.int64).astype("timedelta64[D]")
        - days.astype("timedelta64[D]")
    )

    relation = np.full(N, REL_SINGLE, dtype=np.int64)
    relation[is_head & has_spouse[hh]] = REL_SPOUSE
    relation[is_spouse] = REL_SPOUSE
    relation[is_head & sp[hh]] = REL_PARENT
    relation[is_child] = REL_CHILD

    # twins: second child shares the first child's date of birth
    twin_h = (n_kids >= 2) & (rng.random(H) < 0.14)
    twin2 = is_child & (child_index == 1) & twin_h[hh]
    twin1 = np.roll(twin2, -1)
    dob[twin2] = dob[np.flatnonzero(twin2) - 1]
    age[twin2] = age[np.flatnonzero(twin2) - 1]
    relation[twin1 | twin2] = REL_TWIN

    # names
    first = _draw_names(rng, group, sex, table)
    middle = np.where(
        rng.random(N) < np.where(group == 0, 0.45, 0.5), _draw_names(rng, group, sex, table), -1
    )
    middle = np.where(middle == first, -1, middle)
    middle = np.where(np.isin(group, [4, 5]) & (rng.random(N) < 0.7), -1, middle)
    hh_surname = _draw_surnames(rng, h_group, table)
    last = hh_surname[hh]
    maiden = np.full(N, -1, dtype=np.int64)
    keeps_p = np.array([0.35, 0.12, 0.10, 0.08, 0.5, 0.6])[group]
    sp_idx = np.flatnonzero(is_spouse)
    own = _draw_surnames(rng, group[sp_idx], table)
    keeps = rng.random(len(sp_idx)) < keeps_p[sp_idx]
    last[sp_idx] = np.where(keeps, own, last[sp_idx])
    maiden[sp_idx] = np.where(keeps | (own == last[sp_idx]), -1, own)
    recently_married = (maiden >= 0) & (rng.random(N) < 0.3)
    # second (maternal) surname for some Hispanic people
    last2 = np.full(N, -1, dtype=np.int64)
    mother_maiden = np.full(H, -1, dtype=np.int64)
    mother_maiden[hh[sp_idx]] = np.where(maiden[sp_idx] >= 0, maiden[sp_idx], own)
    kid2 = is_child & (group == 0) & (mother_maiden[hh] >= 0) & (rng.random(N) < 0.25)
    last2[kid2] = mother_maiden[hh[kid2]]
    adult2 = (is_head | is_spouse) & (group == 0) & (rng.random(N) < 0.10)
    last2[adult2] = _draw_surnames(rng, group[adult2], table)
    last2 = np.where(last2 == last, -1, last2)

    # Jr / Sr: the eldest son carries his father's name
    suffix = np.zeros(N, dtype=np.int64)
    jr_h = fam & (rng.random(H) < 0.30)
    eldest = is_child & (child_index == 0) & jr_h[hh] & (sex == 0) & (age >= 16)
    e_idx = np.flatnonzero(eldest)
    f_idx = starts[hh[e_idx]]
    first[e_idx] = first[f_idx]
    middle[e_idx] = middle[f_idx]
    last2[e_idx] = -1
    suffix[e_idx] = 1
    suffix[f_idx] = 2
    relation[e_idx] = REL_JR
    relation[f_idx] = REL_SR
    # twins get different first names (also after a Jr took his father's name),
    # often alike: same initial (Jose and Jesus, Daniel and David)
    for _ in range(6):
        same = twin2 & (first == np.roll(first, 1))
        if not same.any():
            break
        first[same] = _draw_names(rng, group[same], sex[same], table)
    t2 = np.flatnonzero(twin2)
    alike = _similar_names(table)[first[t2 - 1]]
    use = (alike >= 0) & (sex[t2] == sex[t2 - 1]) & (rng.random(len(t2)) < 0.35)
    first[t2[use]] = alike[use]

    # addresses: households, then moves (whole household, or a grown child alone)
    h_street, h_number, h_unit = _addresses(rng, h_zip, streets)
    h_moved = rng.random(H) < 0.2
    new_zip = np.where(rng.random(H) < 0.7, h_zip, _pick(rng, H, zip_weight))
    n_street, n_number, n_unit = _addresses(rng, new_zip, streets)
    zip_old, street_old, number_old, unit_old = h_zip[hh], h_street[hh], h_number[hh], h_unit[hh]
    moved = h_moved[hh].copy()
    self_move = is_child & (age >= 19) & (rng.random(N) < 0.12)
    p_zip = np.where(rng.random(N) < 0.6, zip_old, _pick(rng, N, zip_weight))
    p_street, p_number, p_unit = _addresses(rng, p_zip, streets)
    zip_new = np.where(self_move, p_zip, np.where(moved, new_zip[hh], zip_old))
    street_new = np.where(self_move, p_street, np.where(moved, n_street[hh], street_old))
    number_new = np.where(self_move, p_number, np.where(moved, n_number[hh], number_old))
    unit_new = np.where(self_move, p_unit, np.where(moved, n_unit[hh], unit_old))
    moved = moved | self_move

    # phones: a mobile for most adults, a landline for some households;
    # children are reached on a parent's number
    mobile = np.where(
        (age >= 18) & (rng.random(N) < 0.92) | (age >= 13) & (age < 18) & (rng.random(N) < 0.5),
        _phone_numbers(rng, zip_old, streets),
        0,
    )
    landline = np.where(rng.random(H) < 0.33, _phone_numbers(rng, h_zip, streets), 0)
    home_phone = landline[hh]
    head_mobile = mobile[starts[hh]]
    parent_contact = np.where(head_mobile > 0, head_mobile, home_phone)
    phone = np.where(mobile > 0, mobile, np.where(is_child, parent_contact, home_phone))
    # some spouses give their partner's mobile as the family's number
    share_phone = is_spouse & (head_mobile > 0) & (rng.random(N) < 0.2)
    phone = np.where(share_phone, head_mobile, phone)
    phone_old = np.where(
        (mobile > 0) & (rng.random(N) < 0.2), _phone_numbers(rng, zip_old, streets), 0
    )

    # emails: built from the name the person had when they opened the account
    email_surname = np.where(recently_married, maiden, last)
    f_low = table.lower_fold[first]
    l_low = table.lower_fold[email_surname]
    yy = PAD2[(dob.astype("datetime64[Y]").astype(np.int64) + 1970) % 100]
    num = PLAIN[rng.integers(1, 999, N)]
    pattern = _pick(rng, N, [0.25, 0.25, 0.2, 0.15, 0.15])
    has_email = (age >= 18) & (rng.random(N) < np.clip(0.95 - age / 150, 0.3, 0.9))
    local = np.full(N, "", dtype=object)
    for p in range(5):
        i = np.flatnonzero(has_email & (pattern == p))
        f, sur = f_low[i], l_low[i]
        if p == 0:
            local[i] = _cat(f, ".", sur)
        elif p == 1:
            local[i] = _cat(f, sur, num[i])
        elif p == 2:
            local[i] = _cat(_first_letters(f), sur, num[i])
        elif p == 3:
            local[i] = _cat(f, "_", sur, yy[i])
        else:
            local[i] = _cat(f, yy[i], num[i])
    # duplicate mailbox names of different people get the person number added
    i = np.flatnonzero(has_email)
    dup = i[pd.Series(local[i]).duplicated(keep="first").to_numpy()]
    local[dup] = _cat(local[dup], PLAIN[dup % 10000])
    domain = np.array(EMAIL_DOMAINS, dtype=object)[rng.integers(0, len(EMAIL_DOMAINS), N)]
    share = is_spouse & has_email & (rng.random(N) < 0.12)
    head_local = local[starts[hh]]
    local = np.where(share & (head_local != ""), head_local, local)
    domain = np.where(share & (head_local != ""), domain[starts[hh]], domain)

    return Population(
        household=hh,
        relation=relation,
        group=group,
        sex=sex,
        age=age,
        dob=dob,
        first=first,
        middle=middle,
        last=last,
        last2=last2,
        maiden=maiden,
        recently_married=recently_married,
        suffix=suffix,
        zip_old=zip_old,
        street_old=street_old,
        number_old=number_old,
        unit_old=unit_old,
        zip_new=zip_new,
        street_new=street_new,
        number_new=number_new,
        unit_new=unit_new,
        moved=moved,
        phone=phone,
        phone_old=phone_old,
        home_phone=home_phone,
        email_local=local,
        email_domain=domain,
        hh_size=size[hh],
        counterpart=_counterparts(relation, hh, starts, has_spouse, twin1, twin2, e_idx, f_idx),
    )


def _counterparts(relation, hh, starts, has_spouse, twin1, twin2, e_idx, f_idx) -> np.ndarray:
    n = len(relation)
    out = np.full(n, -1, dtype=np.int64)
    head = starts[hh]
    couple_head = (np.arange(n) == head) & has_spouse[hh]
    out[couple_head] = np.flatnonzero(couple_head) + 1
    spouse = (np.arange(n) == head + 1) & has_spouse[hh]
    out[spouse] = np.flatnonzero(spouse) - 1
    out[np.flatnonzero(twin1)] = np.flatnonzero(twin1) + 1
    out[np.flatnonzero(twin2)] = np.flatnonzero(twin2) - 1
    out[e_idx] = f_idx
    out[f_idx] = e_idx
    return out


def _first_letters(values: np.ndarray) -> np.ndarray:
    return pd.Series(values, dtype="str").str.slice(0, 1).to_numpy(dtype=object)


# ---------------------------------------------------------------------------
# Exporting rows "as a system would": per-style habits and corruption rates.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """How one programme's system exports people, and how often each corruption happens.

    Rates are per row, applied only where they can apply (a nickname only to a
    first name that has one, a maiden name only to a recently married woman).
    """

    name: str
    nickname: float
    typo_first: float
    typo_last: float
    swap: float
    dob_missing: float
    dob_placeholder: float
    dob_swap: float
    dob_typo: float
    phone_missing: float
    phone_placeholder: float
    email_missing: float
    sex_missing: float
    suffix_shown: float
    fold: float  # share of rows whose names lose their accents
    charset: str  # "unicode" | "cp1252" | "ascii"
    upper: float  # share of rows typed in capitals
    recency: float  # chance the roster holds a mover's new address and a changed phone
    maiden: float  # chance a recently married woman is listed under her maiden name
    second_surname_drop: float
    unit_missing: float
    duplicates: float  # share of extra rows that re-register a person already listed
    home_phone: float = 0.0  # chance the household's landline is given instead of a mobile
    middle_in_first: float = 0.0  # chance a middle name is typed into the first-name field
    first_initial: float = 0.0  # chance only the first initial is recorded


STYLES: dict[str, Style] = {
    "parish": Style(
        "parish",
        nickname=0.12,
        typo_first=0.04,
        typo_last=0.04,
        swap=0.025,
        dob_missing=0.14,
        dob_placeholder=0.03,
        dob_swap=0.03,
        dob_typo=0.02,
        phone_missing=0.15,
        phone_placeholder=0.03,
        email_missing=0.40,
        sex_missing=0.05,
        suffix_shown=0.5,
        fold=0.25,
        charset="cp1252",
        upper=0.15,
        recency=0.35,
        maiden=0.6,
        second_surname_drop=0.4,
        unit_missing=0.25,
        duplicates=0.05,
        home_phone=0.45,
        first_initial=0.02,
    ),
    "vita": Style(
        "vita",
        nickname=0.07,
        typo_first=0.03,
        typo_last=0.025,
        swap=0.025,
        dob_missing=0.01,
        dob_placeholder=0.01,
        dob_swap=0.02,
        dob_typo=0.02,
        phone_missing=0.04,
        phone_placeholder=0.02,
        email_missing=0.15,
        sex_missing=1.0,
        suffix_shown=0.6,
        fold=0.5,
        charset="unicode",
        upper=0.08,
        recency=0.55,
        maiden=0.45,
        second_surname_drop=0.5,
        unit_missing=0.2,
        duplicates=0.05,
        home_phone=0.15,
        middle_in_first=0.25,
    ),
    "job": Style(
        "job",
        nickname=0.14,
        typo_first=0.04,
        typo_last=0.035,
        swap=0.03,
        dob_missing=0.05,
        dob_placeholder=0.02,
        dob_swap=0.03,
        dob_typo=0.02,
        phone_missing=0.06,
        phone_placeholder=0.02,
        email_missing=0.08,
        sex_missing=0.08,
        suffix_shown=0.7,
        fold=0.85,
        charset="unicode",
        upper=0.05,
        recency=0.7,
        maiden=0.35,
        second_surname_drop=0.6,
        unit_missing=0.3,
        duplicates=0.04,
        home_phone=0.05,
    ),
    "employer": Style(
        "employer",
        nickname=0.05,
        typo_first=0.015,
        typo_last=0.015,
        swap=0.01,
        dob_missing=0.0,
        dob_placeholder=0.01,
        dob_swap=0.01,
        dob_typo=0.01,
        phone_missing=0.02,
        phone_placeholder=0.01,
        email_missing=0.45,
        sex_missing=0.03,
        suffix_shown=0.85,
        fold=1.0,
        charset="ascii",
        upper=1.0,
        recency=0.95,
        maiden=0.1,
        second_surname_drop=0.7,
        unit_missing=0.1,
        duplicates=0.02,
    ),
}

LABELS = [
    "duplicate",
    "nickname",
    "typo_first",
    "typo_last",
    "swap_names",
    "accent_dropped",
    "maiden_name",
    "second_surname_dropped",
    "suffix_missing",
    "old_address",
    "unit_missing",
    "dob_missing",
    "dob_placeholder",
    "dob_day_month_swapped",
    "dob_typo",
    "phone_missing",
    "phone_placeholder",
    "old_phone",
    "email_missing",
    "sex_missing",
    "household_phone",
    "middle_in_first",
    "first_initial_only",
]


@dataclass
class Rendered:
    """A roster's rows before formatting: strings and numbers per field, plus labels."""

    person: np.ndarray  # population index per row
    first: np.ndarray
    middle: np.ndarray  # full middle name or ""
    last: np.ndarray
    suffix: np.ndarray  # 0 none, 1 Jr, 2 Sr (as shown)
    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    dob_blank: np.ndarray
    sex: np.ndarray  # 0 M, 1 F, -1 missing
    zip: np.ndarray
    street: np.ndarray
    street_variant: np.ndarray
    number: np.ndarray
    unit: np.ndarray  # -1 none
    phone: np.ndarray  # 0 missing, -1 placeholder
    email: np.ndarray
    labels: dict[str, np.ndarray]
    upper: np.ndarray
    applicable: dict[str, np.ndarray]  # rows where each label could have happened


def render(
    pop: Population,
    person: np.ndarray,
    duplicate: np.ndarray,
    style: Style,
    rng: np.random.Generator,
) -> Rendered:
    """Apply one system's habits and corruptions to the given people (one row each)."""
    table = name_table()
    R = len(person)
    u = lambda: rng.random(R)  # noqa: E731
    lab: dict[str, np.ndarray] = {k: np.zeros(R, dtype=bool) for k in LABELS}
    lab["duplicate"] = duplicate.astype(bool)
    everywhere = np.ones(R, dtype=bool)
    app: dict[str, np.ndarray] = {k: everywhere for k in LABELS}

    # --- names
    first_true = pop.first[person]
    n_nick = table.nick_count[first_true]
    nick = (n_nick > 0) & (u() < style.nickname)
    k = (u() * np.maximum(n_nick, 1)).astype(np.int64)
    first = np.where(
        nick, table.nick[first_true, np.minimum(k, table.nick.shape[1] - 1)], first_true
    )
    lab["nickname"] = nick
    app["nickname"] = n_nick > 0
    maiden_avail = pop.recently_married[person]
    use_maiden = maiden_avail & (u() < style.maiden)
    last = np.where(use_maiden, pop.maiden[person], pop.last[person])
    lab["maiden_name"] = use_maiden
    app["maiden_name"] = maiden_avail
    typo_f = u() < style.typo_first
    typo_l = u() < style.typo_last
    kf = rng.integers(0, TYPO_VARIANTS, R)
    kl = rng.integers(0, TYPO_VARIANTS, R)
    first = np.where(typo_f, table.typo[first, kf], first)
    last = np.where(typo_l, table.typo[last, kl], last)
    lab["typo_first"], lab["typo_last"] = typo_f, typo_l
    middle = pop.middle[person]
    last2 = np.where(use_maiden, -1, pop.last2[person])
    has2 = last2 >= 0
    drop2 = has2 & (u() < style.second_surname_drop)
    lab["second_surname_dropped"] = drop2
    app["second_surname_dropped"] = has2
    hyphen2 = has2 & ~drop2 & (u() < 0.4)

    ids = [first, np.where(middle >= 0, middle, 0), last, np.where(has2, last2, 0)]
    if style.charset == "ascii":
        fold = np.ones(R, dtype=bool)
    else:
        fold = u() < style.fold
    orig = ids
    ids = [np.where(fold, table.fold[i], i) for i in ids]
    if style.charset == "cp1252":
        ids = [table.cp1252[i] for i in ids]
    changed = (ids[0] != orig[0]) | (ids[2] != orig[2]) | ((middle >= 0) & (ids[1] != orig[1]))
    changed |= has2 & ~drop2 & (ids[3] != orig[3])
    lab["accent_dropped"] = changed
    app["accent_dropped"] = (
        table.has_accent[orig[0]]
        | table.has_accent[orig[2]]
        | ((middle >= 0) & table.has_accent[orig[1]])
        | (has2 & ~drop2 & table.has_accent[orig[3]])
    )
    first_s = table.strings[ids[0]]
    middle_s = np.where(middle >= 0, table.strings[ids[1]], "")
    last_s = table.strings[ids[2]]
    second = table.strings[ids[3]]
    last_s = np.where(has2 & ~drop2, _cat(last_s, np.where(hyphen2, "-", " "), second), last_s)

    suffix_true = pop.suffix[person]
    show_suffix = u() < style.suffix_shown
    suffix = np.where(show_suffix, suffix_true, 0)
    lab["suffix_missing"] = (suffix_true > 0) & ~show_suffix
    app["suffix_missing"] = suffix_true > 0
    upper = u() < style.upper

    mif = (middle >= 0) & (u() < style.middle_in_first)
    first_s = np.where(mif, _cat(first_s, " ", middle_s), first_s)
    middle_s = np.where(mif, "", middle_s)
    lab["middle_in_first"], app["middle_in_first"] = mif, middle >= 0
    initial = u() < style.first_initial
    first_s = np.where(initial, _cat(_first_letters(first_s), "."), first_s)
    lab["first_initial_only"] = initial

    swap = u() < style.swap
    first_s, last_s = np.where(swap, last_s, first_s), np.where(swap, first_s, last_s)
    lab["swap_names"] = swap

    # --- date of birth
    dob = pop.dob[person]
    year = dob.astype("datetime64[Y]").astype(np.int64) + 1970
    month = dob.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (dob - dob.astype("datetime64[M]")).astype(np.int64) + 1
    r = u()
    c1 = style.dob_missing
    c2 = c1 + style.dob_placeholder
    c3 = c2 + style.dob_swap
    c4 = c3 + style.dob_typo
    blank = r < c1
    placeholder = (r >= c1) & (r < c2)
    swap_dm = (r >= c2) & (r < c3) & (day <= 12) & (day != month)
    typo_d = (r >= c3) & (r < c4)
    lab["dob_missing"], lab["dob_placeholder"] = blank, placeholder
    lab["dob_day_month_swapped"], lab["dob_typo"] = swap_dm, typo_d
    app["dob_day_month_swapped"] = (day <= 12) & (day != month)
    month, day = np.where(swap_dm, day, month), np.where(swap_dm, month, day)
    kind = rng.integers(0, 3, R)
    step = np.where(u() < 0.5, -1, 1)
    year = np.where(typo_d & (kind == 0), year + step, year)
    day = np.where(typo_d & (kind == 1), np.clip(np.minimum(day, 28) + step, 1, 28), day)
    new_month = np.where(month + step < 1, 2, np.where(month + step > 12, 11, month + step))
    month = np.where(typo_d & (kind == 2), new_month, month)
    day = np.where(typo_d & (kind == 2), np.minimum(day, 28), day)
    year = np.where(placeholder, 1900, year)
    month = np.where(placeholder, 1, month)
    day = np.where(placeholder, 1, day)

    # --- sex
    sex_missing = u() < style.sex_missing
    sex = np.where(sex_missing, -1, pop.sex[person])
    lab["sex_missing"] = sex_missing & (style.sex_missing < 1.0)
    app["sex_missing"] = np.full(R, style.sex_missing < 1.0)

    # --- address: a mover appears at the old address in older rosters
    current = u() < style.recency
    moved = pop.moved[person]
    old = moved & ~current
    lab["old_address"] = old
    app["old_address"] = moved
    zip_ = np.where(old, pop.zip_old[person], pop.zip_new[person])
    street = np.where(old, pop.street_old[person], pop.street_new[person])
    number = np.where(old, pop.number_old[person], pop.number_new[person])
    unit = np.where(old, pop.unit_old[person], pop.unit_new[person])
    unit_drop = (unit >= 0) & (u() < style.unit_missing)
    lab["unit_missing"] = unit_drop
    app["unit_missing"] = unit >= 0
    unit = np.where(unit_drop, -1, unit)
    street_variant = _pick(rng, R, _STREET_VARIANT_WEIGHTS[style.name])

    # --- phone
    phone = pop.phone[person]
    home = pop.home_phone[person]
    could_home = (home > 0) & (home != phone)
    use_home = could_home & (u() < style.home_phone)
    phone = np.where(use_home, home, phone)
    lab["household_phone"], app["household_phone"] = use_home, could_home
    changed_phone = (pop.phone_old[person] > 0) & ~use_home & (u() > style.recency)
    phone = np.where(changed_phone, pop.phone_old[person], phone)
    lab["old_phone"] = changed_phone
    r = u()
    has_phone = phone > 0
    p_missing = has_phone & (r < style.phone_missing)
    p_placeholder = (r >= style.phone_missing) & (r < style.phone_missing + style.phone_placeholder)
    phone = np.where(p_missing, 0, np.where(p_placeholder, -1, phone))
    lab["phone_missing"], lab["phone_placeholder"] = p_missing, p_placeholder
    lab["old_phone"] &= ~p_missing & ~p_placeholder
    app["phone_missing"] = has_phone
    app["old_phone"] = (pop.phone_old[person] > 0) & ~use_home & ~p_missing & ~p_placeholder

    # --- email
    local = pop.email_local[person]
    has_email = local != ""
    e_missing = has_email & (u() < style.email_missing)
    lab["email_missing"] = e_missing
    app["email_missing"] = has_email
    email = np.where(has_email & ~e_missing, _cat(local, "@", pop.email_domain[person]), "")

    return Rendered(
        person=person,
        first=first_s,
        middle=middle_s,
        last=last_s,
        suffix=suffix,
        year=year,
        month=month,
        day=day,
        dob_blank=blank,
        sex=sex,
        zip=zip_,
        street=street,
        street_variant=street_variant,
        number=number,
        unit=unit,
        phone=phone,
        email=email,
        labels=lab,
        applicable=app,
        upper=upper,
    )


_STREET_VARIANT_WEIGHTS = {
    # canonical, long words, dotted, no direction, no suffix
    "parish": [0.55, 0.15, 0.15, 0.05, 0.10],
    "vita": [0.70, 0.12, 0.08, 0.04, 0.06],
    "job": [0.55, 0.25, 0.05, 0.05, 0.10],
    "employer": [0.80, 0.15, 0.0, 0.05, 0.0],
    "plain": [1.0, 0.0, 0.0, 0.0, 0.0],
}


def labels_text(labels: dict[str, np.ndarray]) -> np.ndarray:
    """The ``corruptions`` column of the truth file: labels joined by ';'."""
    code = np.zeros(len(next(iter(labels.values()))), dtype=np.int64)
    for bit, name in enumerate(LABELS):
        code |= labels[name].astype(np.int64) << bit
    distinct, inverse = np.unique(code, return_inverse=True)
    text = [";".join(n for b, n in enumerate(LABELS) if c >> b & 1) for c in distinct.tolist()]
    return np.array(text, dtype=object)[inverse]


# ---------------------------------------------------------------------------
# Formatting: each system's columns, name order, date and phone formats.
# ---------------------------------------------------------------------------


def _frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A roster frame: every cell a Python str (object columns; cheap to build at 1M rows)."""
    return pd.DataFrame(columns, dtype=object)


def _upper(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    if not mask.any():
        return values
    up = pd.Series(values, dtype="str").str.upper().to_numpy(dtype=object)
    return np.where(mask, up, values)


def _phone_text(
    phone: np.ndarray, rng, formats: list[str], weights: list[float], placeholder: str
) -> np.ndarray:
    """Phone numbers written in the given formats, e.g. '(AAA) EEE-LLLL'."""
    p = np.maximum(phone, 0)
    area, exch, line = PAD3[p // 10**7], PAD3[(p // 10**4) % 1000], PAD4[p % 10**4]
    choice = _pick(rng, len(p), weights)
    out = np.full(len(p), "", dtype=object)
    for i, fmt in enumerate(formats):
        pieces: list = []
        rest = fmt
        while rest:
            for key, val in (("AAA", area), ("EEE", exch), ("LLLL", line)):
                if rest.startswith(key):
                    pieces.append(val)
                    rest = rest[len(key) :]
                    break
            else:
                pieces.append(rest[0])
                rest = rest[1:]
        out = np.where(choice == i, _cat(*pieces) if len(pieces) > 1 else pieces[0], out)
    out = np.where(phone == 0, "", out)
    return np.where(phone < 0, placeholder, out)


def _date_text(rd: Rendered, fmt: str) -> np.ndarray:
    y, m, d = PLAIN[rd.year], rd.month, rd.day
    if fmt == "m/d/yyyy":
        out = _cat(PLAIN[m], "/", PLAIN[d], "/", y)
    elif fmt == "mm/dd/yyyy":
        out = _cat(PAD2[m], "/", PAD2[d], "/", y)
    elif fmt == "dd/mm/yyyy":
        out = _cat(PAD2[d], "/", PAD2[m], "/", y)
    elif fmt == "iso":
        out = _cat(y, "-", PAD2[m], "-", PAD2[d])
    elif fmt == "yyyymmdd":
        out = _cat(y, PAD2[m], PAD2[d])
    else:  # pragma: no cover
        raise ValueError(fmt)
    return np.where(rd.dob_blank, "", out)


def _street_text(rd: Rendered) -> np.ndarray:
    streets = street_table()
    return _cat(PLAIN[rd.number], " ", streets.variants[rd.street, rd.street_variant])


def _unit_text(rd: Rendered, rng, prefixes: list[str], weights: list[float]) -> np.ndarray:
    unit = UNITS[np.maximum(rd.unit, 0)]
    prefix = np.array(prefixes, dtype=object)[_pick(rng, len(unit), weights)]
    return np.where(rd.unit >= 0, _cat(prefix, unit), "")


def _ids(prefix: str, start: int, n: int, rng, width: int) -> np.ndarray:
    """Record numbers as a system hands them out: increasing, with gaps."""
    nums = start + np.cumsum(rng.integers(1, 4, n))
    return _cat(prefix, pd.Series(nums).astype(str).str.zfill(width).to_numpy(dtype=object))


def _age_at(pop: Population, person: np.ndarray, when: np.datetime64) -> np.ndarray:
    dob = pop.dob[person]
    years = (when - dob).astype(np.int64) / 365.25
    return np.floor(years).astype(np.int64)


SUFFIX_TEXT = {
    "parish": np.array(["", " Jr", " Sr"], dtype=object),
    "job": np.array(["", " Jr.", " Sr."], dtype=object),
    "vita": np.array(["", " Jr", " Sr"], dtype=object),
    "employer": np.array(["", "JR", "SR"], dtype=object),
}


def format_parish(rd: Rendered, pop: Population, rng) -> pd.DataFrame:
    """A congregation's directory: 'Last, First M' names, M/D/YYYY, some Spanish headers."""
    streets = street_table()
    n = len(rd.person)
    upper = rd.upper
    first = _upper(rd.first, upper)
    last = _upper(rd.last, upper)
    mid_init = np.where(rd.middle != "", _cat(" ", _first_letters(rd.middle)), "")
    mid_mode = _pick(rng, n, [0.5, 0.3, 0.2])  # initial, none, full
    middle = np.select(
        [mid_mode == 0, mid_mode == 2],
        [mid_init, np.where(rd.middle != "", _cat(" ", rd.middle), "")],
        "",
    )
    middle = _upper(middle, upper)
    suffix = SUFFIX_TEXT["parish"][rd.suffix]
    suffix = _upper(suffix, upper)
    after_last = rng.random(n) < 0.5  # "Lopez Jr, Jose" or "Lopez, Jose Jr"
    name = np.where(
        after_last,
        _cat(last, suffix, ", ", first, middle),
        _cat(last, ", ", first, middle, suffix),
    )
    sex = np.array(["Masculino", "Femenino", ""], dtype=object)[np.where(rd.sex < 0, 2, rd.sex)]
    phone = _phone_text(
        rd.phone,
        rng,
        ["(AAA) EEE-LLLL", "AAA-EEE-LLLL", "EEE-LLLL", "AAAEEELLLL"],
        [0.5, 0.35, 0.05, 0.10],
        "000-000-0000",
    )
    group = pop.group[rd.person]
    lang_opts = {
        0: (["Español", "Bilingual", "English"], [0.55, 0.25, 0.2]),
        3: (["Polski", "English"], [0.5, 0.5]),
        4: (["English", "Arabic"], [0.6, 0.4]),
        5: (["English", "Chinese"], [0.5, 0.5]),
    }
    language = np.full(n, "English", dtype=object)
    for g, (opts, w) in lang_opts.items():
        idx = np.flatnonzero(group == g)
        language[idx] = np.array(opts, dtype=object)[_pick(rng, len(idx), w)]
    hh_codes, family = np.unique(pop.household[rd.person], return_inverse=True)
    family_no = _cat("F-", PLAIN[(1000 + rng.permutation(len(hh_codes)))[family] % 10000])
    reg_days = rng.integers(0, 31 * 365, n)
    reg = np.datetime64("1995-01-01") + reg_days.astype("timedelta64[D]")
    reg_s = pd.Series(pd.to_datetime(reg)).dt.strftime("%-m/%-d/%Y").to_numpy(dtype=object)
    city = _upper(streets.city[rd.zip], upper)
    return _frame(
        {
            "Member ID": _ids("", 10000, n, rng, 5),
            "Name": name,
            "Fecha de nacimiento": _date_text(rd, "m/d/yyyy"),
            "Sexo": sex,
            "Address": _upper(_street_text(rd), upper),
            "Apt": _unit_text(rd, rng, ["", "#", "Apt "], [0.5, 0.3, 0.2]),
            "City": city,
            "State": streets.state[rd.zip],
            "ZIP": np.array(streets.zips, dtype=object)[rd.zip],
            "Teléfono": phone,
            "Email": rd.email,
            "Ministry": np.array(PARISH_MINISTRIES, dtype=object)[
                rng.integers(0, len(PARISH_MINISTRIES), n)
            ],
            "Language": language,
            "Family #": family_no,
            "Registered": reg_s,
        }
    )


FILING = np.array(
    [
        "Single",
        "Married filing jointly",
        "Married filing separately",
        "Head of household",
        "Qualifying surviving spouse",
    ],
    dtype=object,
)


def format_vita(rd: Rendered, pop: Population, rng, season: int = 2026) -> pd.DataFrame:
    """A tax clinic's client list: separate first/MI/last, MM/DD/YYYY (Excel dates in the file)."""
    streets = street_table()
    n = len(rd.person)
    upper = rd.upper
    mi = np.where((rd.middle != "") & (rng.random(n) < 0.6), _first_letters(rd.middle), "")
    last = _cat(
        rd.last, np.where(rd.suffix > 0, np.array(["", " Jr", " Sr"], dtype=object)[rd.suffix], "")
    )
    rel = pop.relation[rd.person]
    married = rel == REL_SPOUSE
    kids = pop.hh_size[rd.person] > np.where(married, 2, 1)
    filing = np.where(
        married,
        np.where(rng.random(n) < 0.85, 1, 2),
        np.where(kids, 3, np.where((pop.age[rd.person] > 60) & (rng.random(n) < 0.1), 4, 0)),
    )
    group = pop.group[rd.person]
    lang = np.where(
        (group == 0) & (rng.random(n) < 0.6),
        "Spanish",
        np.where((group == 3) & (rng.random(n) < 0.4), "Polish", "English"),
    )
    appt = np.datetime64(f"{season}-01-27") + rng.integers(0, 78, n).astype("timedelta64[D]")
    return _frame(
        {
            "Client #": _ids(f"{season}-", 0, n, rng, 4),
            "First Name": _upper(rd.first, upper),
            "MI": mi,
            "Last Name": _upper(last, upper),
            "Date of Birth": _date_text(rd, "mm/dd/yyyy"),
            "Street Address": _street_text(rd),
            "Apt/Unit": _unit_text(rd, rng, ["Apt ", "Unit ", "#"], [0.6, 0.2, 0.2]),
            "City": streets.city[rd.zip],
            "State": streets.state[rd.zip],
            "ZIP": np.array(streets.zips, dtype=object)[rd.zip],
            "Phone": _phone_text(rd.phone, rng, ["(AAA) EEE-LLLL"], [1.0], "(000) 000-0000"),
            "Email": rd.email,
            "Filing status": FILING[filing],
            "Household size": PLAIN[pop.hh_size[rd.person]],
            "Preferred language": lang,
            "Appointment date": _cat(
                PAD2[(appt.astype("datetime64[M]").astype(np.int64) % 12) + 1],
                "/",
                PAD2[(appt - appt.astype("datetime64[M]")).astype(np.int64) + 1],
                f"/{season}",
            ),
            "Site": np.array(VITA_SITES, dtype=object)[rng.integers(0, len(VITA_SITES), n)],
        }
    )


AGE_BANDS = np.array(["18-24", "25-34", "35-44", "45-54", "55+"], dtype=object)


def format_job(rd: Rendered, pop: Population, rng) -> pd.DataFrame:
    """A job programme's case list: 'First M. Last Jr.', DD/MM/YYYY, one-line addresses."""
    streets = street_table()
    n = len(rd.person)
    upper = rd.upper
    mid = np.where(
        (rd.middle != "") & (rng.random(n) < 0.3), _cat(" ", _first_letters(rd.middle), "."), ""
    )
    name = _cat(rd.first, mid, " ", rd.last, SUFFIX_TEXT["job"][rd.suffix])
    name = _upper(name, upper)
    unit = _unit_text(rd, rng, [" Apt ", " #", " Unit "], [0.6, 0.25, 0.15])
    comma = rng.random(n) < 0.8
    city = streets.city[rd.zip]
    address = _cat(
        _street_text(rd),
        unit,
        np.where(comma, ", ", " "),
        city,
        np.where(comma, ", ", " "),
        streets.state[rd.zip],
        " ",
        np.array(streets.zips, dtype=object)[rd.zip],
    )
    gender = np.array(["Male", "Female", ""], dtype=object)[np.where(rd.sex < 0, 2, rd.sex)]
    gender = np.where((rd.sex < 0) & (rng.random(n) < 0.3), "Prefer not to say", gender)
    intake = np.datetime64("2025-03-01") + rng.integers(0, 600, n).astype("timedelta64[D]")
    age = _age_at(pop, rd.person, np.datetime64("2026-11-01"))
    band = AGE_BANDS[np.clip(np.searchsorted([25, 35, 45, 55], age, side="right"), 0, 4)]
    phone = _phone_text(
        rd.phone,
        rng,
        ["AAA-EEE-LLLL", "+1 AAA EEE LLLL", "AAA.EEE.LLLL"],
        [0.6, 0.2, 0.2],
        "555-555-5555",
    )
    return _frame(
        {
            "Participant ID": _ids("JP-", 4000, n, rng, 6),
            "Participant Name": name,
            "Date of Birth": _date_text(rd, "dd/mm/yyyy"),
            "Gender": gender,
            "Address": address,
            "Phone Number": phone,
            "Email Address": rd.email,
            "Program Track": np.array(JOB_TRACKS, dtype=object)[
                rng.integers(0, len(JOB_TRACKS), n)
            ],
            "Age Band": band,
            "Intake Date": pd.Series(pd.to_datetime(intake))
            .dt.strftime("%Y-%m-%d")
            .to_numpy(dtype=object),
            "Case Manager": np.array(CASE_MANAGERS, dtype=object)[
                rng.integers(0, len(CASE_MANAGERS), n)
            ],
            "Status": np.array(["Active", "Placed", "Exited", "On hold"], dtype=object)[
                _pick(rng, n, [0.4, 0.35, 0.15, 0.1])
            ],
        }
    )


def format_employer(rd: Rendered, pop: Population, rng) -> pd.DataFrame:
    """An HR system's new-hire export: capitals, YYYYMMDD, ZIP+4, Excel serial hire dates."""
    streets = street_table()
    n = len(rd.person)
    upper = np.ones(n, dtype=bool)
    fname = _upper(rd.first, upper)
    lname = _upper(rd.last, upper)
    mmode = _pick(rng, n, [0.5, 0.3, 0.2])  # full, none, initial
    mname = np.select([mmode == 0, mmode == 2], [rd.middle, _first_letters(rd.middle)], "")
    mname = _upper(np.asarray(mname, dtype=object), upper)
    zip5 = np.array(streets.zips, dtype=object)[rd.zip]
    plus4 = PAD4[rng.integers(1000, 9999, n)]
    zmode = _pick(rng, n, [0.7, 0.15, 0.15])
    home_zip = np.select(
        [zmode == 1, zmode == 2], [_cat(zip5, "-", plus4), _cat(zip5, plus4)], zip5
    )
    phone = _phone_text(rd.phone, rng, ["AAAEEELLLL", "+1AAAEEELLLL"], [0.8, 0.2], "0000000000")
    hire = rng.integers(45292, 46300, n)  # Excel serials: 2024-01-01 .. late 2026
    dept = rng.integers(0, len(EMPLOYER_DEPTS), n)
    work_local = pd.Series(_cat(rd.first, ".", rd.last), dtype="str").str.lower()
    work_local = work_local.str.replace(r"[^a-z.]", "", regex=True)  # names are ASCII here
    dup = work_local.duplicated(keep="first").to_numpy()
    work_local = work_local.to_numpy(dtype=object)
    work_local = np.where(dup, _cat(work_local, PLAIN[rng.integers(2, 99, n)]), work_local)
    sex = np.array(["M", "F", ""], dtype=object)[np.where(rd.sex < 0, 2, rd.sex)]
    sex = np.where((rd.sex < 0) & (rng.random(n) < 0.5), "U", sex)
    emp = _ids("E", 104000, n, rng, 6)
    return _frame(
        {
            "emp_id": emp,
            "fname": fname,
            "mname": mname,
            "lname": lname,
            "sfx": SUFFIX_TEXT["employer"][rd.suffix],
            "birth_dt": _date_text(rd, "yyyymmdd"),
            "gender": sex,
            "home_addr1": _upper(_street_text(rd), upper),
            "home_addr2": _upper(_unit_text(rd, rng, ["APT ", "UNIT "], [0.8, 0.2]), upper),
            "home_city": _upper(streets.city[rd.zip], upper),
            "home_st": streets.state[rd.zip],
            "home_zip": home_zip,
            "mobile": phone,
            "personal_email": rd.email,
            "work_email": _cat(work_local, "@brightline-logistics.example.com"),
            "hire_dt": pd.Series(hire).astype(str).to_numpy(dtype=object),
            "dept": np.array([d for d, _ in EMPLOYER_DEPTS], dtype=object)[dept],
            "job_title": np.array([t for _, t in EMPLOYER_DEPTS], dtype=object)[dept],
            "shift": np.array(["1st", "2nd", "3rd"], dtype=object)[
                _pick(rng, n, [0.5, 0.35, 0.15])
            ],
        }
    )


def format_plain(rd: Rendered, pop: Population, rng) -> pd.DataFrame:
    """Canonical column names, ISO dates: for benchmarks that want no mapping step."""
    streets = street_table()
    return _frame(
        {
            "first_name": rd.first,
            "middle_name": rd.middle,
            "last_name": rd.last,
            "suffix": np.array(["", "Jr", "Sr"], dtype=object)[rd.suffix],
            "dob": _date_text(rd, "iso"),
            "sex": np.array(["M", "F", ""], dtype=object)[np.where(rd.sex < 0, 2, rd.sex)],
            "street": _street_text(rd),
            "unit": _unit_text(rd, rng, ["Apt "], [1.0]),
            "city": streets.city[rd.zip],
            "state": streets.state[rd.zip],
            "zip": np.array(streets.zips, dtype=object)[rd.zip],
            "phone": _phone_text(rd.phone, rng, ["AAA-EEE-LLLL"], [1.0], "000-000-0000"),
            "email": rd.email,
        }
    )


FORMATTERS = {
    "parish": format_parish,
    "vita": format_vita,
    "job": format_job,
    "employer": format_employer,
    "plain": format_plain,
}


# ---------------------------------------------------------------------------
# Rosters: who is in which programme, duplicates, truth.
# ---------------------------------------------------------------------------


def person_ids(index: np.ndarray) -> np.ndarray:
    return _cat("P", pd.Series(index).astype(str).str.zfill(7).to_numpy(dtype=object))


def household_ids(index: np.ndarray) -> np.ndarray:
    return _cat("H", pd.Series(index).astype(str).str.zfill(7).to_numpy(dtype=object))


def build_roster(
    pop: Population,
    persons: np.ndarray,
    style: str,
    rng: np.random.Generator,
    fmt: str | None = None,
    n_rows: int | None = None,
    style_override: Style | None = None,
    detail: dict | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One roster of the given people, exported in a style, with its truth.

    Args:
        pop: the population.
        persons: population indices of the distinct people in the roster.
        style: key of STYLES (habits and corruption rates).
        rng: random generator (the only source of randomness).
        fmt: key of FORMATTERS (defaults to ``style``).
        n_rows: total rows wanted; duplicates fill the gap (default: the style's rate).
        style_override: rates to use instead of ``STYLES[style]``.

    Returns:
        (frame of strings, truth with row, person_id, household_id, relation, corruptions).
    """
    st = style_override or STYLES[style]
    n_dup = round(len(persons) * st.duplicates) if n_rows is None else n_rows - len(persons)
    n_dup = max(0, min(n_dup, len(persons)))
    dup_people = rng.choice(persons, n_dup, replace=False) if n_dup else persons[:0]
    people = np.concatenate([persons, dup_people])
    dup = np.concatenate([np.zeros(len(persons), bool), np.ones(n_dup, bool)])
    order = rng.permutation(len(people))
    rd = render(pop, people[order], dup[order], st, rng)
    frame = FORMATTERS[fmt or style](rd, pop, rng)
    if detail is not None:
        detail["rendered"], detail["style"] = rd, st
    truth = pd.DataFrame(
        {
            "row": np.arange(1, len(people) + 1),
            "person_id": person_ids(rd.person),
            "household_id": household_ids(pop.household[rd.person]),
            "relation": RELATIONS[pop.relation[rd.person]],
            "corruptions": labels_text(rd.labels),
        }
    )
    return frame, truth


def _weighted_sample(rng, candidates: np.ndarray, k: int, weights=None) -> np.ndarray:
    """k distinct candidates, drawn with probability proportional to weight (Efraimidis-Spirakis)."""
    k = min(k, len(candidates))
    if weights is None:
        return candidates[rng.permutation(len(candidates))[:k]]
    key = np.log(rng.random(len(candidates))) / np.asarray(weights, dtype=float)
    return candidates[np.argsort(-key, kind="stable")[:k]]


def _bring_counterparts(pop, rng, chosen: np.ndarray, p: float, eligible: np.ndarray) -> np.ndarray:
    """Some people come with their spouse, twin, father or son (household hard cases)."""
    cp = pop.counterpart[chosen]
    ok = (cp >= 0) & (rng.random(len(chosen)) < p)
    extra = cp[ok]
    extra = extra[eligible[extra]]
    return np.unique(np.concatenate([chosen, extra]))


def _unique_in_order(values: np.ndarray) -> np.ndarray:
    _, first = np.unique(values, return_index=True)
    return values[np.sort(first)]


SAMPLE_FILES = {
    "parish": "st_agnes_parish_members.csv",
    "vita": "vita_tax_clinic_clients.xlsx",
    "job": "job_placement_participants.csv",
    "employer": "employer_new_hires.csv",
}
NEXT_SEASON_FILE = "vita_tax_clinic_clients_next_season.xlsx"
SAMPLE_SEED = 20261129
OUTREACH_ZIPS = ("60623", "60608")  # where the parish invited its members to the clinic


@dataclass
class SampleSet:
    pop: Population
    people: dict[str, np.ndarray]  # style -> distinct population indices


def sample_people(seed: int = SAMPLE_SEED) -> SampleSet:
    """The sample population and who is in each of the four programmes."""
    rng = np.random.default_rng(seed)
    pop = make_population(6200, rng)
    streets = street_table()
    adult = pop.age >= 18
    N = len(pop)
    zip_code = np.array(streets.zips)[pop.zip_new]

    # Parish: whole families, mostly Hispanic and Polish, around Little Village.
    H = pop.household.max() + 1
    starts = np.searchsorted(pop.household, np.arange(H))
    h_group = pop.group[starts]
    h_zip = np.array(streets.zips)[pop.zip_old[starts]]
    zip_w = {
        "60623": 1.8,
        "60608": 1.3,
        "60632": 1.2,
        "60804": 1.0,
        "60402": 0.9,
        "60629": 0.8,
        "60609": 0.6,
        "60616": 0.3,
        "60617": 0.3,
    }
    w = np.array([1.0, 0.15, 0.4, 1.6, 0.02, 0.1])[h_group] * np.vectorize(zip_w.get)(h_zip)
    h_order = _weighted_sample(rng, np.arange(H), H, w)
    cum = np.cumsum(pop.hh_size[starts][h_order])
    parish_h = h_order[: np.searchsorted(cum, 2450) + 1]
    in_parish_h = np.zeros(H, bool)
    in_parish_h[parish_h] = True
    member = in_parish_h[pop.household] & (
        (np.arange(N) == starts[pop.household]) | (rng.random(N) < 0.85)
    )
    parish = np.flatnonzero(member)
    in_p = member

    # Tax clinic: adults; a third of them are parishioners; couples often both.
    vita_n = 1650
    from_p = _weighted_sample(rng, np.flatnonzero(in_p & adult), round(0.33 * vita_n))
    rest = np.flatnonzero(~in_p & adult)
    site_w = np.where(np.isin(zip_code[rest], ["60616", "60617"]), 0.4, 1.0)
    vita = np.concatenate([from_p, _weighted_sample(rng, rest, vita_n - len(from_p), site_w)])
    vita = _bring_counterparts(pop, rng, vita, 0.35, adult)
    in_v = np.zeros(N, bool)
    in_v[vita] = True

    # Job placement: working-age adults; some already in the parish or clinic.
    working = adult & (pop.age <= 62)
    job_n = 1150
    pool = np.flatnonzero((in_p | in_v) & working)
    from_pv = _weighted_sample(
        rng, pool, round(0.20 * job_n), np.where(in_p[pool] & in_v[pool], 3.0, 1.0)
    )
    rest = np.flatnonzero(~in_p & ~in_v & working)
    job = np.concatenate([from_pv, _weighted_sample(rng, rest, job_n - len(from_pv))])
    job = _bring_counterparts(pop, rng, job, 0.15, working)
    in_j = np.zeros(N, bool)
    in_j[job] = True

    # Employer: hires many of the job programme's placements.
    hiring = adult & (pop.age <= 64)
    emp_n = 980
    pool_j = np.flatnonzero(in_j & hiring)
    from_j = _weighted_sample(
        rng, pool_j, round(0.26 * emp_n), np.where(in_p[pool_j] | in_v[pool_j], 2.0, 1.0)
    )
    pool_pv = np.flatnonzero((in_p | in_v) & ~in_j & hiring)
    from_pv = _weighted_sample(rng, pool_pv, round(0.06 * emp_n))
    rest = np.flatnonzero(~in_p & ~in_v & ~in_j & hiring)
    emp = np.concatenate(
        [from_j, from_pv, _weighted_sample(rng, rest, emp_n - len(from_j) - len(from_pv))]
    )
    emp = _bring_counterparts(pop, rng, emp, 0.10, hiring)
    return SampleSet(
        pop,
        {"parish": parish, "vita": np.sort(vita), "job": np.sort(job), "employer": np.sort(emp)},
    )


def make_samples(
    seed: int = SAMPLE_SEED, details: dict | None = None
) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """The four sample rosters as frames of strings, each with its truth (style -> (frame, truth)).

    ``details``, if given, receives per style the rendered rows and the rates used.
    """
    ss = sample_people(seed)
    out = {}
    for i, style in enumerate(SAMPLE_FILES):
        rng = np.random.default_rng([seed, i + 1])
        detail: dict = {}
        frame, truth = build_roster(ss.pop, ss.people[style], style, rng, detail=detail)
        if details is not None:
            details[style] = detail
        if style == "parish":  # a directory is in alphabetical order
            order = np.argsort(frame["Name"].str.upper().to_numpy(dtype=object), kind="stable")
            frame = frame.iloc[order].reset_index(drop=True)
            truth = truth.iloc[order].reset_index(drop=True)
            truth["row"] = np.arange(1, len(truth) + 1)
        truth.insert(0, "file", SAMPLE_FILES[style])
        out[style] = (frame, truth)
    return out


def scaled_style(style: Style, factor: float) -> Style:
    """The same habits with every corruption rate multiplied by ``factor`` (capped at 0.9)."""
    if factor == 1.0:
        return style

    def up(rate: float) -> float:
        return min(0.9, rate * factor)

    return replace(
        style,
        nickname=up(style.nickname),
        typo_first=up(style.typo_first),
        typo_last=up(style.typo_last),
        swap=up(style.swap),
        dob_missing=up(style.dob_missing),
        dob_placeholder=up(style.dob_placeholder),
        dob_swap=up(style.dob_swap),
        dob_typo=up(style.dob_typo),
        phone_missing=up(style.phone_missing),
        phone_placeholder=up(style.phone_placeholder),
        email_missing=up(style.email_missing),
        sex_missing=style.sex_missing if style.sex_missing >= 1 else up(style.sex_missing),
        suffix_shown=1 - up(1 - style.suffix_shown),
        recency=1 - up(1 - style.recency),
        maiden=up(style.maiden),
        second_surname_drop=up(style.second_surname_drop),
        unit_missing=up(style.unit_missing),
        middle_in_first=up(style.middle_in_first),
        first_initial=up(style.first_initial),
    )


def intended_rate(style: Style, label: str) -> float | None:
    """The rate a style applies a label at, among the rows where it can apply (None: no single rate)."""
    direct = {
        "nickname": style.nickname,
        "typo_first": style.typo_first,
        "typo_last": style.typo_last,
        "swap_names": style.swap,
        "maiden_name": style.maiden,
        "second_surname_dropped": style.second_surname_drop,
        "suffix_missing": 1 - style.suffix_shown,
        "old_address": 1 - style.recency,
        "unit_missing": style.unit_missing,
        "dob_missing": style.dob_missing,
        "dob_placeholder": style.dob_placeholder,
        "dob_day_month_swapped": style.dob_swap,
        "dob_typo": style.dob_typo,
        "phone_missing": style.phone_missing,
        "phone_placeholder": style.phone_placeholder,
        "old_phone": 1 - style.recency,
        "email_missing": style.email_missing,
        "sex_missing": style.sex_missing,
        "duplicate": style.duplicates / (1 + style.duplicates),
        "household_phone": style.home_phone,
        "middle_in_first": style.middle_in_first,
        "first_initial_only": style.first_initial,
    }
    if label == "accent_dropped":
        return (
            1.0 if style.charset == "ascii" else (None if style.charset == "cp1252" else style.fold)
        )
    return direct[label]


def label_rates(seed: int = SAMPLE_SEED) -> pd.DataFrame:
    """Per sample file and corruption label: rows where it could apply, rows labelled, observed and intended rate."""
    details: dict = {}
    make_samples(seed, details)
    rows = []
    for style, d in details.items():
        rd, st = d["rendered"], d["style"]
        for label in LABELS:
            app = rd.applicable[label]
            n_app = int(app.sum())
            n_lab = int((rd.labels[label] & app).sum())
            rows.append(
                {
                    "file": SAMPLE_FILES[style],
                    "label": label,
                    "applicable": n_app,
                    "labelled": n_lab,
                    "rate": n_lab / n_app if n_app else float("nan"),
                    "intended": intended_rate(st, label),
                }
            )
    return pd.DataFrame(rows)


def make_next_season(seed: int = SAMPLE_SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Next season's tax-clinic roster: returning clients, parishioners reached by outreach, new people.

    Returns:
        (frame in the clinic's format, truth with ``source`` in
        {"returning", "converted", "new"}; "converted" = in the parish, not in
        this season's clinic roster, and now a client).
    """
    ss = sample_people(seed)
    pop = ss.pop
    rng = np.random.default_rng([seed, 2027])
    streets = street_table()
    adult = pop.age >= 17  # a year older next season
    N = len(pop)
    in_any = np.zeros(N, bool)
    for people in ss.people.values():
        in_any[people] = True
    in_v = np.zeros(N, bool)
    in_v[ss.people["vita"]] = True
    in_p = np.zeros(N, bool)
    in_p[ss.people["parish"]] = True
    returning = _weighted_sample(rng, ss.people["vita"], round(0.55 * len(ss.people["vita"])))
    targets = np.flatnonzero(in_p & ~in_v & adult)
    zip_code = np.array(streets.zips)[pop.zip_new[targets]]
    rate = np.where(np.isin(zip_code, OUTREACH_ZIPS), 0.25, 0.08)
    converted = targets[rng.random(len(targets)) < rate]
    new = _weighted_sample(rng, np.flatnonzero(~in_any & adult), 450)
    people = np.concatenate([returning, converted, new])
    source = np.concatenate(
        [
            np.full(len(returning), "returning"),
            np.full(len(converted), "converted"),
            np.full(len(new), "new"),
        ]
    ).astype(object)
    style = replace(STYLES["vita"], recency=0.85)
    rd_people = people  # keep source aligned through the shuffle inside build_roster
    frame, truth = build_roster(pop, rd_people, "vita", rng, style_override=style)
    src = dict(zip(person_ids(people), source, strict=True))
    truth["source"] = truth["person_id"].map(src)
    frame = frame.assign(**{"Client #": _ids("2027-", 0, len(frame), rng, 4)})
    truth.insert(0, "file", NEXT_SEASON_FILE)
    return frame, truth


# ---------------------------------------------------------------------------
# Large linked rosters for benchmarks (vectorised end to end).
# ---------------------------------------------------------------------------


ADULTS_PER_ZIP = 20_000  # a busy real ZIP; the nine profiled ZIPs hold up to 180,000 adults


def _population_for(adults_needed: int, rng, zips: int | None = None) -> Population:
    """A population with enough adults; ZIPs added once nine would be over-full."""
    if zips is None:
        zips = max(len(ZIP_PROFILE), -(-adults_needed // ADULTS_PER_ZIP))
    zips = min(zips, len(street_table().zips))
    return make_population(max(50, int(adults_needed / 1.75) + 50), rng, zips=zips)


def with_name_origin(truth: pd.DataFrame, pop: Population) -> pd.DataFrame:
    """The truth plus ``name_origin``: the group (GROUPS) each person's names were drawn from.

    Benchmarks score accuracy per group with it (does one community get matched worse?).
    """
    index = truth["person_id"].str[1:].astype(np.int64).to_numpy()
    return truth.assign(name_origin=np.asarray(GROUPS, dtype=object)[pop.group[index]])


def make_linked_pair(
    n: int,
    seed: int,
    shared: float = 0.3,
    styles: tuple[str, str] = ("vita", "employer"),
    duplicates: float = 0.02,
    corruption: float = 1.0,
    zips: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Two rosters of ``n`` rows each, about ``shared`` of their people in both.

    Same realism as the samples (households, twins, Jr/Sr, nicknames, typos,
    moves, placeholders...). Vectorised: a million rows each take seconds.

    Args:
        n: rows per roster.
        seed: random seed (same seed, same output).
        shared: share of each roster's distinct people who are also in the other.
        styles: export styles of the two rosters (keys of FORMATTERS: "vita",
            "employer", "job", "parish", "plain").
        duplicates: share of each roster's rows that re-register a person.
        corruption: multiplies every corruption rate (3.0 leaves about a third
            of the identifying fields missing or wrong: the messy rosters
            Overlap must also handle).
        zips: how many ZIPs the people live in; default: the nine profiled
            ones, more once they would hold over ``ADULTS_PER_ZIP`` adults
            each (9 at 100,000 rows per roster, 84 at a million). Pass 9 to
            crowd a million into nine ZIPs (a blocking stress test).

    Returns:
        (frame_a, frame_b, truth); truth has ``file`` ("a"/"b"), ``row``
        (1-based), ``person_id``, ``household_id``, ``relation``, ``corruptions``,
        ``name_origin``.
    """
    rng = np.random.default_rng(seed)
    unique = n - round(n * duplicates)
    s = round(shared * unique)
    pop = _population_for(2 * unique - s, rng, zips)
    adults = np.flatnonzero(pop.age >= 18)
    if len(adults) < 2 * unique - s:  # pragma: no cover - population sized with margin
        raise ValueError("population too small")
    pick = adults[rng.permutation(len(adults))[: 2 * unique - s]]
    a_people = pick[:unique]
    b_people = np.concatenate([pick[:s], pick[unique:]])
    frames, truths = [], []
    for label, people, style in (("a", a_people, styles[0]), ("b", b_people, styles[1])):
        rates = scaled_style(STYLES.get(style, STYLES["vita"]), corruption)
        frame, truth = build_roster(
            pop,
            people,
            style if style in STYLES else "vita",
            rng,
            fmt=style,
            n_rows=n,
            style_override=rates,
        )
        truth.insert(0, "file", label)
        frames.append(frame)
        truths.append(truth)
    return frames[0], frames[1], with_name_origin(pd.concat(truths, ignore_index=True), pop)


def make_rosters(
    n_files: int,
    rows_each: int,
    seed: int,
    shared: float = 0.3,
    styles: list[str] | None = None,
    duplicates: float = 0.02,
    corruption: float = 1.0,
) -> tuple[list[pd.DataFrame], pd.DataFrame]:
    """``n_files`` rosters of ``rows_each`` rows; about ``shared`` of each file's people are in another.

    Args:
        n_files: number of rosters (2 or more).
        rows_each: rows per roster.
        seed: random seed.
        shared: target share of a roster's distinct people also found in at least one other.
        styles: export style per file (default: parish, vita, job, employer, repeating).
        duplicates: share of rows that re-register a person of the same roster.
        corruption: multiplies every corruption rate (see ``make_linked_pair``).

    Returns:
        (frames, truth); truth's ``file`` is "roster_1", "roster_2", ...; its
        ``name_origin`` is the group each person's names come from.
    """
    if n_files < 2:
        raise ValueError("make_rosters needs at least two files")
    rng = np.random.default_rng(seed)
    styles = styles or [list(SAMPLE_FILES)[i % 4] for i in range(n_files)]
    unique = rows_each - round(rows_each * duplicates)
    # Each file draws part of its people from a common core; the core is sized
    # so a core person of one file is in another with probability 0.8.
    q = 1 - 0.2 ** (1 / (n_files - 1))
    k_core = min(unique, round(unique * shared / 0.8))
    core_n = max(k_core, round(k_core / q))
    own_n = unique - k_core
    total = core_n + n_files * own_n
    pop = _population_for(total, rng)
    adults = np.flatnonzero(pop.age >= 18)
    pick = adults[rng.permutation(len(adults))[:total]]
    core = pick[:core_n]
    frames, truths = [], []
    for i in range(n_files):
        people = np.concatenate(
            [
                core[rng.permutation(core_n)[:k_core]],
                pick[core_n + i * own_n : core_n + (i + 1) * own_n],
            ]
        )
        rates = scaled_style(STYLES.get(styles[i], STYLES["vita"]), corruption)
        frame, truth = build_roster(
            pop, people, styles[i], rng, n_rows=rows_each, style_override=rates
        )
        truth.insert(0, "file", f"roster_{i + 1}")
        frames.append(frame)
        truths.append(truth)
    return frames, with_name_origin(pd.concat(truths, ignore_index=True), pop)
