"""JAK-OTWORZYC.txt, written beside every bundle: what the files are and how to check
and open them in ten years, without archiver if need be. No personal data: the bundle's
name holds only the school's id, the year, the term and a time."""

from __future__ import annotations

FILE_NAME = "JAK-OTWORZYC.txt"


_ARCHIVE = """JAK OTWORZYĆ PACZKĘ ARCHIWALNĄ

W tym folderze są paczki archiwalne dokumentacji przebiegu nauczania z dziennika
elektronicznego szkoły, na przykład:
  {bundle_name}            paczka: dokumenty PDF/A w układzie BagIt, zaszyfrowane AES-256
  {bundle_name}.sha256     suma kontrolna SHA-256 całej paczki
  {stem}-protokol.pdf      protokół przekazania (wydrukowany i podpisany przy nośniku)
Hasło do paczki jest WYŁĄCZNIE na papierowej kartce z hasłem, przechowywanej osobno od
nośnika. Hasła nie podaje się telefonicznie.
"""

_DISCLOSURE = """JAK OTWORZYĆ PACZKĘ Z UDOSTĘPNIONYMI DANYMI

W tym folderze są paczki z danymi ucznia udostępnionymi uprawnionemu odbiorcy
(sąd, policja, organ nadzoru), na przykład:
  {bundle_name}            paczka: dokumenty PDF/A w układzie BagIt, zaszyfrowane AES-256
  {bundle_name}.sha256     suma kontrolna SHA-256 całej paczki
  {stem}-protokol.pdf      protokół przekazania danych
  {stem}-pismo.pdf         pismo przewodnie (egzemplarz dla odbiorcy)
Hasło do paczki przekazuje się odbiorcy osobno od paczki (nie tą samą drogą i nie
telefonicznie).
"""


def how_to_open(bundle_name: str, *, disclosure: bool = False) -> str:
    """The text of JAK-OTWORZYC.txt (plain Polish, CRLF-free UTF-8) beside a term-end
    bundle or, with `disclosure`, beside a disclosed pupil's bundle."""
    stem = bundle_name.removesuffix(".zip")
    head = (_DISCLOSURE if disclosure else _ARCHIVE).format(bundle_name=bundle_name, stem=stem)
    return head + f"""
1. Czy plik się nie zmienił (suma kontrolna):
     Linux, macOS:  sha256sum -c {bundle_name}.sha256
     Windows:       certutil -hashfile "{bundle_name}" SHA256
                    (wynik porównaj z ciągiem w pliku {bundle_name}.sha256)
   Kopia o innej nazwie (np. "{stem} (1).zip") ma tę samą sumę.

2. Otwarcie: program 7-Zip (https://www.7-zip.org): "Wypakuj", hasło z kartki.
   Wbudowane w Windows "Foldery skompresowane" NIE otworzą tej paczki: nie obsługują
   szyfrowania AES. W Linuksie: 7z x "{bundle_name}" (pakiet 7zip lub p7zip).

3. Pełne sprawdzenie programem archiver (kompletność i niezmienność każdego pliku):
     archiver verify "{bundle_name}" --slip KARTKA-Z-HASLEM.txt
   albo bez --slip: program zapyta o hasło z wydrukowanej kartki.

Wewnątrz paczki (folder {stem}/): data/ – dokumenty PDF/A; manifest-sha256.txt
i manifest-sha512.txt – sumy kontrolne każdego dokumentu; bag-info.txt – opis paczki
(szkoła, rok szkolny, kategoria archiwalna, okres przechowywania); bagit.txt – wersja
formatu BagIt (RFC 8493), z którym działają też inne narzędzia archiwalne.
"""
