"""`attributes.Attributes` against the model's own attribute_ruler and lemmatizer, token by token."""

from __future__ import annotations

from pathlib import Path

from spacy.tokens import Doc

from legation.extraction import attributes, pipeline

DEV = Path(__file__).parent / "dev"
ODD = (  # the ruler's rarer patterns: two-token ones, dependency-bound ones, whitespace tokens
    "We gonna go, y'all. Let's see: it ain't over, c'mon! I gotta say it to you and you told me.\n"
    "There are  two   spaces here; there is a tab\tthere. Do you have it? He did, and she has."
)


def _rows(doc: Doc) -> list[tuple[str, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, str(t.head.i), t.ent_type_) for t in doc]


def test_the_look_ups_set_what_spacys_components_set() -> None:
    assert "attributes" in pipeline.nlp().pipe_names
    assert {"attribute_ruler", "lemmatizer"} <= set(pipeline.trained().pipe_names)
    texts = [ODD] + [c for p in sorted(DEV.glob("*.txt")) for _, c in pipeline.paragraphs(p.read_text("utf-8"))]
    ours = pipeline.nlp().pipe(texts)
    theirs = pipeline.trained().pipe(texts)
    compared = 0
    for mine, own in zip(ours, theirs, strict=True):
        assert _rows(mine) == _rows(own), mine.text
        compared += len(mine)
    assert compared > 5_000


def test_a_pattern_the_table_cannot_read_keeps_spacys_components() -> None:
    model = pipeline.load(own=True)
    model.get_pipe("attribute_ruler").add([[{"LOWER": "envoy", "OP": "+"}]], {"LEMMA": "envoy"})
    assert not attributes.install(model)
    assert "attribute_ruler" in model.pipe_names and "attributes" not in model.pipe_names
