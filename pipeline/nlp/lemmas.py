"""Lemmas checked against the model's own tag.

spaCy's rule lemmatiser strips suffixes and keeps a result it finds in its
index, which sometimes lands on a different word: "hopes" (VBZ) and "hoped"
(VBD) become "hop". The Penn tag says which inflection the word carries, so
the lemma can be checked: re-inflecting it by the regular English spelling
rules for that tag must give the word back. "hop" + VBD is "hopped", not
"hoped", so "hop" is rejected; the regular stems that do give the word back
("hope") are tried next, the most frequent in English first (wordfreq); if none
does, the lower-cased word itself is the term. Irregular forms ("went", "men",
"data") carry no regular suffix and are left to the model's exception tables.

>>> checked_lemma("hopes", "hop", "VBZ"), checked_lemma("hoped", "hop", "VBD")
('hope', 'hope')
>>> checked_lemma("stopped", "stop", "VBD"), checked_lemma("went", "go", "VBD")
('stop', 'go')
"""

from __future__ import annotations

import re
from functools import lru_cache

from wordfreq import zipf_frequency

_VOWELS = "aeiou"
_PLURAL_TAGS = {"NNS", "NNPS", "VBZ"}
_PAST_TAGS = {"VBD", "VBN"}
_GERUND_TAGS = {"VBG"}
_COMPARATIVE_TAGS = {"JJR", "RBR"}
_SUPERLATIVE_TAGS = {"JJS", "RBS"}


def _syllable_groups(word: str) -> int:
    return len(re.findall(r"[aeiouy]+", word))


def _ends_cvc(word: str) -> bool:
    """Ends consonant-vowel-consonant, the last not w, x or y (the doubling context)."""
    return (len(word) >= 3 and word[-1] not in _VOWELS + "wxy" and word[-2] in _VOWELS
            and word[-3] not in _VOWELS)


def _doubling(word: str, suffix: str) -> set[str]:
    """Regular forms of ``word`` + a vowel suffix: a one-syllable CVC word doubles its final
    consonant ("stop" -> "stopped"); a longer one may or may not ("visited", "travelled")."""
    if not _ends_cvc(word):
        return {word + suffix}
    doubled = word + word[-1] + suffix
    return {doubled} if _syllable_groups(word) == 1 else {doubled, word + suffix}


def regular_forms(lemma: str, tag: str) -> set[str]:
    """The regular spellings of ``lemma`` inflected as Penn tag ``tag`` (empty: not checked).

    >>> sorted(regular_forms("hope", "VBD")), sorted(regular_forms("hop", "VBD"))
    (['hoped'], ['hopped'])
    """
    w = lemma
    forms: set[str] = set()
    if tag in _PLURAL_TAGS:
        forms.add(w + "s")
        if w.endswith(("s", "x", "z", "ch", "sh", "o")):
            forms.add(w + "es")
            if w.endswith(("s", "z")):
                forms.add(w + w[-1] + "es")
        if len(w) > 1 and w.endswith("y") and w[-2] not in _VOWELS:
            forms.add(w[:-1] + "ies")
        if w.endswith("f"):
            forms.add(w[:-1] + "ves")
        if w.endswith("fe"):
            forms.add(w[:-2] + "ves")
        if tag != "VBZ" and w.endswith("is"):
            forms.add(w[:-2] + "es")  # basis -> bases
    elif tag in _PAST_TAGS:
        if w.endswith("e"):
            forms.add(w + "d")
        elif len(w) > 1 and w.endswith("y") and w[-2] not in _VOWELS:
            forms.add(w[:-1] + "ied")
        else:
            forms |= _doubling(w, "ed")
    elif tag in _GERUND_TAGS:
        if w.endswith("ie"):
            forms.add(w[:-2] + "ying")
        elif w.endswith("e") and not w.endswith(("ee", "ye", "oe")):
            forms |= {w[:-1] + "ing", w + "ing"}
        else:
            forms |= _doubling(w, "ing")
    elif tag in _COMPARATIVE_TAGS | _SUPERLATIVE_TAGS:
        suffix = "er" if tag in _COMPARATIVE_TAGS else "est"
        if w.endswith("e"):
            forms.add(w + suffix[1:])
        elif len(w) > 1 and w.endswith("y") and w[-2] not in _VOWELS:
            forms.add(w[:-1] + "i" + suffix)
        else:
            forms |= _doubling(w, suffix)
    return forms


def _regular_suffix(word: str, tag: str) -> str | None:
    """The regular suffix the tag implies, if the word has it (else the form is irregular)."""
    suffix = {**dict.fromkeys(_PLURAL_TAGS, "s"), **dict.fromkeys(_PAST_TAGS, "ed"),
              **dict.fromkeys(_GERUND_TAGS, "ing"), **dict.fromkeys(_COMPARATIVE_TAGS, "er"),
              **dict.fromkeys(_SUPERLATIVE_TAGS, "est")}.get(tag)
    if suffix is None:
        return None
    if suffix == "ed" and word.endswith("d"):
        return "d"
    return suffix if word.endswith(suffix) else None


def _raw_stems(word: str) -> set[str]:
    """Every base a regular suffix rule could leave ("hopes" -> hop, hope, hopy, ...)."""
    stems: set[str] = set()
    for suffix in ("ies", "ves", "es", "s", "ied", "ed", "d", "ying", "ing", "ier", "iest",
                   "er", "est", "r", "st"):
        if not word.endswith(suffix) or len(word) - len(suffix) < 1:
            continue
        base = word[: len(word) - len(suffix)]
        stems |= {base, base + "e", base + "y", base + "f", base + "fe", base + "ie",
                  base + "is"}
        if len(base) > 2 and base[-1] == base[-2]:
            stems.add(base[:-1])
    return stems


@lru_cache(maxsize=200_000)
def checked_lemma(text: str, lemma: str, tag: str) -> str:
    """The lemma of a word, or a better one when it does not re-inflect to the word.

    Lower-cased. Only words whose tag names a regular inflection (plural, third
    person, past, participle, gerund, comparative, superlative) are checked.
    """
    word, lemma = text.lower(), (lemma or text).lower()
    if lemma == word or not word.isalpha() or _regular_suffix(word, tag) is None:
        return lemma
    stems = _raw_stems(word)
    if lemma not in stems:
        return lemma  # an irregular form from the model's exceptions
    if word in regular_forms(lemma, tag) and not (lemma.endswith("is") and word.endswith("es")):
        return lemma  # a regular form of the model's lemma
    if word in regular_forms(lemma, tag):
        # the Greek plural (crisis, crises) read into an English one: a far commoner stem
        # the word is a regular plural of is meant ("taxes": tax, not taxis)
        common = max((s for s in stems if s != lemma and word in regular_forms(s, tag)),
                     key=lambda s: (zipf_frequency(s, "en"), s), default=None)
        if common and zipf_frequency(common, "en") >= zipf_frequency(lemma, "en") + 1.0:
            return common
        return lemma
    candidates = sorted((s for s in stems if word in regular_forms(s, tag)),
                        key=lambda s: (-zipf_frequency(s, "en"), s))
    if candidates and zipf_frequency(candidates[0], "en") > 0:
        return candidates[0]
    return word


def token_lemma(token) -> str:
    """:func:`checked_lemma` of a spaCy token."""
    return checked_lemma(token.text, token.lemma_, token.tag_)
