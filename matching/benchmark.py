"""Matcher throughput on short PL/IT/EN texts: `python -m matching.benchmark [count]`."""
from __future__ import annotations

import random
import sys
import time

from core.config import BrandConfig
from core.models import Mention
from matching.matcher import Matcher

BRAND = BrandConfig(
    names=["Medicover", "Centrum Medyczne Salus"],
    aliases=["Salus", "Lux Med", "LIM"],
    doctors=["dr Anna Kowalska", "dr Nowak", "dott.ssa Giulia Rossi", "prof. Jan Wiśniewski"],
    locations=["ul. Puławska 14", "Warszawa Mokotów"],
    exclusions=["salus populi", "Salus per aquam"],
    query='("Salus" OR "Centrum Salus" OR Medicover) AND (Warszawa OR Kraków OR Roma) NOT praca',
)
WITHOUT_TERM = [
    "Byłam wczoraj w przychodni na Mokotowie, rejestracja nie odbiera telefonu od tygodnia.",
    "Ho prenotato una visita ma nessuno risponde al telefono, pessima esperienza con la segreteria.",
    "Booked an appointment online, the staff were friendly and the doctor explained everything.",
    "salus populi suprema lex esto, as the old saying goes in every law school in Roma.",
]
WITH_TERM = [
    "Zażółć gęślą jaźń — polecam dr Kowalską z Medicoveru w Warszawie, bardzo miła lekarka.",
    "Centrum Salus w Krakowie: wyniki badań czekają już trzeci tydzień, infolinia milczy.",
    "Ottima esperienza con la dott.ssa Rossi al Medicover di Roma, personale gentile.",
]


def rate(action, items: list, rounds: int = 3) -> float:
    """Best items per CPU-second over a few rounds (CPU time, so other load on the machine counts less)."""
    best = 0.0
    for _ in range(rounds):
        started = time.process_time()
        for item in items:
            action(item)
        best = max(best, len(items) / max(time.process_time() - started, 1e-9))
    return best


def main(count: int = 20000) -> None:
    matcher = Matcher(BRAND)
    pools = {"no term": WITHOUT_TERM, "with a term": WITH_TERM, "mixed 80/20": WITHOUT_TERM * 4 + WITH_TERM}
    for label, pool in pools.items():
        texts = [random.Random(i).choice(pool) + f" #{i}" for i in range(count)]
        mentions = [Mention("feed", "bench", str(i), "https://example.org", text, title="Opinie")
                    for i, text in enumerate(texts)]
        find = rate(lambda text: matcher.find("", text), texts)
        match = rate(matcher.match, mentions)
        print(f"{label:12s} find(): {find:9,.0f} texts/s   match() with title and query: {match:9,.0f} mentions/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
