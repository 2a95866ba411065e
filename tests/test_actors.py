"""Agency of actor mentions: active, passive, coordinated and possessive."""

import pytest

from pipeline.stages.framing.actors import mention_role


def role(nlp, text, name):
    doc = nlp(text)
    start = text.index(name)
    span = doc.char_span(start, start + len(name))
    r = mention_role(span)
    return r.role, r.verb, r.voice, r.via


@pytest.mark.parametrize("text,name,expected", [
    ("Japan signed the agreement.", "Japan", ("agent", "sign", "active", "direct")),
    ("The agreement was signed by Japan.", "Japan", ("agent", "sign", "passive", "direct")),
    ("Pakistan was invited by Japan.", "Pakistan", ("patient", "invite", "passive", "direct")),
    ("Tokyo criticised Pakistan.", "Pakistan", ("patient", "criticise", "active", "direct")),
    ("Pakistan and Japan agreed on a plan.", "Japan",
     ("agent", "agree", "active", "coordination")),
    ("Pakistan and Japan agreed on a plan.", "Pakistan", ("agent", "agree", "active", "direct")),
    ("Japan's government approved the loan.", "Japan",
     ("agent", "approve", "active", "possessive")),
    ("The minister travelled to Japan.", "Japan", ("other", "travel", "", "direct")),
])
def test_roles(nlp, text, name, expected):
    assert role(nlp, text, name) == expected
