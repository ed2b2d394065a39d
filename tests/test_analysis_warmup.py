"""Analyzer.warm_up does the one-time work (lemma dictionaries, every cue pattern) so that texts only analyse."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.analyzer import Analyzer
from analysis.model import _token_features

TEXTS = [
    ("pl", "Czekałam dwie godziny w poczekalni, pani w rejestracji była niemiła. Czy tak ma być?"),
    ("it", "Non rispondono mai al telefono, il referto non è ancora arrivato. Vergogna!"),
    ("en", "Chest pain since this morning and nobody answers the phone at the surgery. Parking is awful too."),
    ("en", "Lovely receptionist, the results came back quickly and the doctor explained everything."),
]


def test_no_pattern_is_compiled_after_warm_up(tmp_path, monkeypatch):
    analyzer = Analyzer(model_dir=Path(tmp_path) / "models")
    analyzer.warm_up()
    compiled: list[str] = []
    real_compile = re.compile

    def counting(pattern, flags=0):
        compiled.append(str(pattern)[:60])
        return real_compile(pattern, flags)

    monkeypatch.setattr(re, "compile", counting)
    for language, text in TEXTS:
        analysis = analyzer.analyse_text(text, declared_language=language)
        assert analysis.topics != ["other"]  # the topic cues ran (and found something) on every text
    assert compiled == []


@pytest.mark.parametrize("token, language", [("Rejestracji", "pl"), ("HAHAHA", "it"), ("nooo", "en"), ("referto", "it")])
def test_cached_feature_names_are_the_token_forms_with_their_prefixes(token, language):
    folded, lemma, _marker, word, lemma_name, negated, word_start, lemma_start = _token_features(token, language)
    assert (word, lemma_name, negated) == (f"w:{folded}", f"l:{lemma}", f"n:{lemma}")
    assert (word_start, lemma_start) == (f"b:{folded}_", f"m:{lemma}_")
