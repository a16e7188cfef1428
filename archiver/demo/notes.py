"""Notes (uwagi): praise, reprimands and neutral remarks, written by the class's teachers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from archiver.demo.state import Draft

# (kind, text for a boy, text for a girl)
NOTE_TEXTS: tuple[tuple[str, str, str], ...] = (
    ("positive", "Pomógł koledze w nauce przed sprawdzianem.",
     "Pomogła koleżance w nauce przed sprawdzianem."),
    ("positive", "Wzorowo przygotował się do konkursu przedmiotowego.",
     "Wzorowo przygotowała się do konkursu przedmiotowego."),
    ("positive", "Zaangażowanie w przygotowanie apelu z okazji Święta Niepodległości.",
     "Zaangażowanie w przygotowanie apelu z okazji Święta Niepodległości."),
    ("positive", "Aktywny udział w zbiórce na rzecz schroniska dla zwierząt.",
     "Aktywny udział w zbiórce na rzecz schroniska dla zwierząt."),
    ("positive", "Reprezentował szkołę w zawodach sportowych.",
     "Reprezentowała szkołę w zawodach sportowych."),
    ("negative", "Przeszkadzał w prowadzeniu lekcji, nie reagował na upomnienia.",
     "Przeszkadzała w prowadzeniu lekcji, nie reagowała na upomnienia."),
    ("negative", "Używał telefonu komórkowego podczas lekcji.",
     "Używała telefonu komórkowego podczas lekcji."),
    ("negative", "Niestosowne zachowanie wobec kolegi na przerwie.",
     "Niestosowne zachowanie wobec koleżanki na przerwie."),
    ("negative", "Spóźnił się na lekcję po przerwie bez usprawiedliwienia.",
     "Spóźniła się na lekcję po przerwie bez usprawiedliwienia."),
    ("negative", "Nie wykonywał poleceń nauczyciela podczas zajęć.",
     "Nie wykonywała poleceń nauczyciela podczas zajęć."),
    ("neutral", "Zgłosił brak stroju na zajęcia wychowania fizycznego.",
     "Zgłosiła brak stroju na zajęcia wychowania fizycznego."),
    ("neutral", "Rodzic poinformowany telefonicznie o zachowaniu ucznia.",
     "Rodzic poinformowany telefonicznie o zachowaniu uczennicy."),
    ("neutral", "Uczeń skierowany na rozmowę z pedagogiem szkolnym.",
     "Uczennica skierowana na rozmowę z pedagogiem szkolnym."),
)


def build_notes(draft: Draft) -> pd.Series:
    """Table notes; returns the number of negative notes per student_id."""
    rng = draft.rng
    people = draft.helpers["people"]
    stays = draft.helpers["stays"]
    days = np.array(draft.teaching_days, dtype=object)
    per_student = rng.poisson(3.0 * max(len(days), 40) / 185, len(people))
    who = np.repeat(np.arange(len(people)), per_student)
    # Weaker students collect more reprimands, stronger ones more praise.
    tilt = (people["ability"].to_numpy()[who] - 3.9) * 0.15
    kind_roll = rng.random(len(who))
    kind = np.where(kind_roll < 0.42 + tilt, "positive",
                    np.where(kind_roll < 0.85, "negative", "neutral"))
    notes = pd.DataFrame({"student_id": people["student_id"].to_numpy()[who], "kind": kind,
                          "female": people["female"].to_numpy()[who],
                          "date": days[rng.integers(0, len(days), len(who))]})
    notes = notes.merge(stays[["student_id", "class_id", "start", "end"]], on="student_id")
    notes = notes[(notes["start"] <= notes["date"]) & (notes["end"] >= notes["date"])]
    teaching = draft.helpers["teaching"]
    by_class = teaching.groupby("class_id")["teacher_id"].agg(lambda t: sorted(set(t)))
    notes["teacher_id"] = [opts[int(rng.integers(len(opts)))]
                           for opts in by_class.reindex(notes["class_id"])]
    texts = {k: [(m, f) for kk, m, f in NOTE_TEXTS if kk == k] for k in ("positive", "negative",
                                                                         "neutral")}
    notes["text"] = [texts[k][int(rng.integers(len(texts[k])))][1 if f else 0]
                     for k, f in zip(notes["kind"], notes["female"], strict=True)]
    notes = notes.sort_values(["date", "student_id"], kind="stable", ignore_index=True)
    notes.insert(0, "note_id", [f"UW{i:05d}" for i in range(1, len(notes) + 1)])
    draft.tables["notes"] = notes[["note_id", "student_id", "teacher_id", "date", "kind", "text"]]
    return notes[notes["kind"] == "negative"].groupby("student_id").size()
