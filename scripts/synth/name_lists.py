"""The names synthetic people carry: first names per group and sex, surnames, nicknames.

Lists are in descending frequency; ``_w`` turns the order into Zipf-like
weights. Nicknames map a formal name to the short forms rosters use.
"""

from __future__ import annotations

import numpy as np

from .places import GROUPS


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
