"""Polish texts of demo messages. Names are never declined: they follow a dash or a colon.

Placeholders: {child} student's full name, {cls} class name, {sender} signature,
{subject} school subject, {date} a date as 12.11.2025, {when} "w dniu …" or "od … do …",
{room} a room number.
"""

from __future__ import annotations

# Individual threads: kind -> (opening sender role, recipient role, subject, [bodies...])
# The bodies alternate between the opener and the other side, as replies.
THREADS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "excuse": ("guardian", "homeroom", "Usprawiedliwienie nieobecności", (
        "Dzień dobry,\n\nproszę o usprawiedliwienie nieobecności mojego dziecka – {child}, "
        "klasa {cls} – {when}. Powodem była choroba.\n\nZ poważaniem\n{sender}",
        "Dzień dobry,\n\ndziękuję za informację, nieobecność została usprawiedliwiona.\n\n"
        "Pozdrawiam\n{sender}",
    )),
    "behaviour": ("teacher", "guardians", "Zachowanie na zajęciach", (
        "Szanowni Państwo,\n\nuprzejmie informuję, że Państwa dziecko – {child} – w ostatnim "
        "czasie często przeszkadza w prowadzeniu zajęć z przedmiotu „{subject}” i nie odrabia "
        "zadań domowych.\nProszę o rozmowę z dzieckiem.\n\nZ poważaniem\n{sender}",
        "Dzień dobry,\n\ndziękuję za wiadomość. Porozmawiamy z dzieckiem w domu.\n"
        "Czy możemy umówić się na konsultację w czwartek po południu?\n\nPozdrawiam\n{sender}",
        "Dzień dobry,\n\noczywiście – zapraszam w czwartek o 15:30 do sali nr {room}.\n\n"
        "Z poważaniem\n{sender}",
    )),
    "retake": ("guardian", "teacher", "Zaliczenie sprawdzianu", (
        "Dzień dobry,\n\nz powodu choroby moje dziecko – {child} – nie pisało sprawdzianu "
        "z przedmiotu „{subject}”. Kiedy będzie możliwość jego zaliczenia?\n\n"
        "Z poważaniem\n{sender}",
        "Dzień dobry,\n\nsprawdzian można zaliczyć w przyszły wtorek na 7. lekcji w sali "
        "nr {room}.\n\nPozdrawiam\n{sender}",
    )),
    "homework": ("student", "teacher", "Zadanie domowe", (
        "Dzień dobry,\n\nnie było mnie na ostatniej lekcji. Czy mogę prosić o informację, "
        "jakie jest zadanie domowe?\n\n{sender}",
        "Dzień dobry,\n\nzadanie: podręcznik str. 112, ćwiczenia 3 i 4.\n"
        "W razie pytań zapraszam na konsultacje.\n\n{sender}",
    )),
    "contest": ("teacher", "student", "Konkurs przedmiotowy", (
        "Dzień dobry,\n\nzapraszam Cię do udziału w szkolnym etapie konkursu z przedmiotu "
        "„{subject}”. Zgłoszenia przyjmuję do piątku.\n\n{sender}",
        "Dzień dobry,\n\nbardzo chętnie wezmę udział. Dziękuję!\n\n{sender}",
    )),
    "pedagogue": ("pedagogue", "guardians", "Prośba o kontakt", (
        "Szanowni Państwo,\n\nproszę o kontakt z gabinetem pedagoga szkolnego (pokój 5, "
        "wtorki i czwartki 8:00–14:00) w sprawie Państwa dziecka – {child}.\n\n"
        "Z poważaniem\n{sender}\npedagog szkolny",
    )),
    "kit": ("guardian", "teacher", "Strój na zajęcia", (
        "Dzień dobry,\n\nczy na zajęcia potrzebny jest strój <sportowy> & obuwie zmienne?\n"
        "W ogłoszeniu był link: https://szkola.example/ogloszenia?id=12&typ=wf\n\n"
        "Pozdrawiam\n{sender}",
        "Dzień dobry,\n\ntak, strój sportowy i obuwie zmienne są obowiązkowe na każdych "
        "zajęciach.\n\nPozdrawiam\n{sender}",
    )),
    "consult": ("homeroom", "pedagogue", "Prośba o konsultację", (
        "Dzień dobry,\n\nproszę o konsultację w sprawie dziecka z mojej klasy – {child}. "
        "W ostatnim czasie często opuszcza zajęcia.\n\nPozdrawiam\n{sender}",
        "Dzień dobry,\n\nzapraszam jutro na 5. lekcji do mojego gabinetu.\n\n{sender}",
    )),
}
STUDENT_THREADS = frozenset({"homework", "contest"})  # only in grades 6-8

# Class messages: (subject, body, attachment or None); from the homeroom teacher.
CLASS_TO_GUARDIANS: tuple[tuple[str, str, str | None], ...] = (
    ("Zebranie z rodzicami",
     "Szanowni Państwo,\n\nzapraszam na zebranie z rodzicami, które odbędzie się {date} "
     "o godz. 17:00 w sali nr {room}.\nPlan spotkania:\n1. Sprawy organizacyjne.\n"
     "2. Wyniki nauczania i frekwencja.\n3. Wolne wnioski.\n\nZ poważaniem\n{sender}\n"
     "wychowawca klasy {cls}", None),
    ("Wycieczka klasowa – zgody",
     "Szanowni Państwo,\n\nw załączniku przesyłam regulamin wycieczki i formularz zgody.\n"
     "Proszę o zwrot podpisanych zgód do {date}.\nKoszt wycieczki: 120 zł.\n\n"
     "Pozdrawiam\n{sender}", "zgoda_na_wycieczke.pdf"),
    ("Składka na radę rodziców",
     "Szanowni Państwo,\n\nprzypominam o dobrowolnej składce na radę rodziców "
     "(50 zł na rok szkolny).\n\nPozdrawiam\n{sender}", None),
    ("Apel – strój galowy",
     "Szanowni Państwo,\n\n{date} odbędzie się apel szkolny. Proszę, aby dzieci przyszły "
     "w stroju galowym.\n\nPozdrawiam\n{sender}", None),
    ("Proponowane oceny",
     "Szanowni Państwo,\n\ninformuję, że proponowane oceny zostały wystawione w dzienniku.\n"
     "Ewentualne pytania proszę kierować do nauczycieli przedmiotów.\n\n"
     "Z poważaniem\n{sender}", None),
)
CLASS_TO_STUDENTS: tuple[tuple[str, str, str | None], ...] = (
    ("Dyżury w klasie",
     "Cześć,\n\nw załączniku grafik dyżurów na najbliższy miesiąc.\n\n{sender}",
     "grafik_dyzurow.pdf"),
    ("Samorząd klasowy",
     "Cześć,\n\nwybory do samorządu klasowego odbędą się {date} na godzinie wychowawczej.\n"
     "Kandydaci zgłaszają się do mnie.\n\n{sender}", None),
)

# School-wide: (sender role, approved, month, subject, body, attachment or None, to staff)
SCHOOL: tuple[tuple[str, bool, int, str, str, str | None, bool], ...] = (
    ("director", True, 9, "Kalendarz roku szkolnego 2025/2026",
     "Szanowni Rodzice,\n\nw załączniku przesyłam kalendarz roku szkolnego 2025/2026 "
     "z wykazem dni wolnych od zajęć dydaktycznych.\n\nZ wyrazami szacunku\n{sender}\n"
     "dyrektor szkoły", "kalendarz_roku_szkolnego_2025_2026.pdf", False),
    ("director", True, 9, "Posiedzenie rady pedagogicznej",
     "Szanowni Państwo,\n\nzapraszam na posiedzenie rady pedagogicznej {date} o godz. 14:30 "
     "w pokoju nauczycielskim.\n\n{sender}", None, True),
    ("secretary", True, 10, "Ubezpieczenie NNW",
     "Szanowni Rodzice,\n\ninformujemy, że składki na ubezpieczenie NNW przyjmuje sekretariat "
     "szkoły do {date}.\n\nSekretariat\n{sender}", None, False),
    ("pedagogue", False, 11, "Zbiórka makulatury",
     "Drodzy Rodzice,\n\nw przyszłym tygodniu organizujemy zbiórkę makulatury i nakrętek.\n"
     "Zapraszamy do udziału!\n\n{sender}\npedagog szkolny", None, False),
    ("director", True, 12, "Życzenia świąteczne",
     "Szanowni Rodzice, Drodzy Uczniowie,\n\nz okazji Świąt Bożego Narodzenia składam "
     "najserdeczniejsze życzenia.\nZimowa przerwa świąteczna trwa od 22 do 31 grudnia.\n\n"
     "{sender}\ndyrektor szkoły", None, False),
    ("director", True, 1, "Zajęcia opiekuńcze w czasie ferii",
     "Szanowni Rodzice,\n\nw czasie ferii zimowych szkoła organizuje zajęcia opiekuńcze "
     "w godz. 8:00–13:00. Zapisy w sekretariacie do {date}.\n\n{sender}", None, False),
    ("director", True, 3, "Konsultacje dla rodziców",
     "Szanowni Rodzice,\n\n{date} w godz. 16:30–18:00 nauczyciele prowadzą konsultacje "
     "dla rodziców.\n\n{sender}\ndyrektor szkoły", None, False),
    ("secretary", False, 4, "Legitymacje szkolne",
     "Szanowni Rodzice,\n\nlegitymacje szkolne po przedłużeniu są do odbioru w sekretariacie.\n"
     "\nSekretariat", None, False),
    ("director", True, 5, "Egzamin ósmoklasisty – organizacja pracy szkoły",
     "Szanowni Rodzice,\n\nw dniach 12–14 maja 2026 r. odbędzie się egzamin ósmoklasisty. "
     "Są to dni wolne od zajęć dydaktycznych dla uczniów klas 1–7.\n"
     "Szczegóły w załączniku.\n\n{sender}\ndyrektor szkoły", "egzamin_osmoklasisty_2026.pdf",
     False),
    ("director", True, 6, "Zakończenie roku szkolnego",
     "Szanowni Rodzice,\n\nuroczyste zakończenie roku szkolnego odbędzie się 26 czerwca 2026 r. "
     "o godz. 9:00.\n\n{sender}\ndyrektor szkoły", None, False),
)
