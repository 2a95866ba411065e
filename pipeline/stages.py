"""The built-in stages, in order: what each runs, reads, writes and which settings it uses.

To add a stage, build a :class:`Stage` and pass ``[*STAGES, my_stage]`` to
:func:`pipeline.run`; it is cached, skipped and written like these.
"""

from __future__ import annotations

from .entities import entities
from .framing import framing
from .ingest import ingest
from .parse import parse_corpus
from .report import FIGURES, report
from .runner import Stage
from .topics import topics

STAGES: tuple[Stage, ...] = (
    Stage(
        name="ingest",
        func=ingest,
        inputs=("corpus",),
        outputs=("tables/segments.csv",),
        settings=("ingest",),
        description="split each document into title, byline, heading, paragraph, list item, "
                    "comment and boilerplate segments",
    ),
    Stage(
        name="parse",
        func=parse_corpus,
        inputs=("corpus", "tables/segments.csv"),
        outputs=("cache/docs.spacy", "tables/sentences.csv", "tables/tokens.csv",
                 "tables/documents.csv"),
        settings=("model", "parse"),
        uses_nlp=True,
        description="spaCy over the segments; sentences, tokens, repeated sentences, "
                    "document statistics",
    ),
    Stage(
        name="entities",
        func=entities,
        inputs=("corpus", "cache/docs.spacy", "tables/sentences.csv", "tables/documents.csv",
                "lexicon:entities.toml"),
        outputs=("tables/entities.csv", "tables/entity_summary.csv",
                 "tables/entity_comparison.csv", "tables/cooccurrence.csv",
                 "figures/top_entities.png", "figures/entity_networks.png"),
        settings=("entities", "parse", "compare"),
        uses_nlp=True,
        description="named entities with one canonical name each, per document and group; "
                    "co-occurrence",
    ),
    Stage(
        name="topics",
        func=topics,
        inputs=("cache/docs.spacy", "tables/segments.csv", "tables/sentences.csv",
                "tables/documents.csv", "lexicon:stopwords.toml"),
        outputs=("tables/topics.csv", "tables/topic_selection.csv", "tables/segment_topics.csv",
                 "tables/doc_topics.csv", "tables/keyterms.csv", "figures/topic_prevalence.png",
                 "figures/topic_terms.png", "figures/topic_selection_scores.png",
                 "figures/key_terms.png"),
        settings=("topics", "parse", "compare"),
        description="topic model over paragraphs (number of topics chosen by coherence and "
                    "stability); key terms per document",
    ),
    Stage(
        name="framing",
        func=framing,
        inputs=("cache/docs.spacy", "tables/sentences.csv", "tables/documents.csv",
                "tables/entities.csv", "lexicon:frames.toml", "lexicon:stance.toml",
                "lexicon:stopwords.toml", "lexicon:entities.toml", "lexicon:background.toml"),
        outputs=("tables/keyness.csv", "tables/frames_sentences.csv", "tables/frame_shares.csv",
                 "tables/tone.csv", "tables/tone_summary.csv", "tables/stance.csv", "tables/stance_markers.csv",
                 "tables/actors.csv", "tables/actor_roles.csv", "tables/relationship.csv",
                 "tables/relationship_sentences.csv", "tables/third_parties.csv",
                 "tables/alignment.csv", "tables/framing_summary.csv",
                 "figures/distinctive_terms.png", "figures/fightin_words.png",
                 "figures/frame_share_bars.png", "figures/tone_arcs.png",
                 "figures/stance_rates.png", "figures/actor_agency.png"),
        settings=("framing", "parse", "compare"),
        uses_nlp=True,
        description="distinctive vocabulary, frames, tone, stance, actors, relationship, "
                    "aligned claims; every group difference with its interval and evidence",
    ),
    Stage(
        name="report",
        func=report,
        inputs=("corpus", "tables/documents.csv", "tables/segments.csv", "tables/sentences.csv",
                "tables/tokens.csv", "tables/entity_comparison.csv", "tables/entities.csv",
                "tables/topics.csv", "tables/topic_selection.csv", "tables/doc_topics.csv",
                "tables/keyness.csv", "tables/frame_shares.csv", "tables/frames_sentences.csv",
                "tables/tone_summary.csv",
                "tables/stance.csv", "tables/stance_markers.csv", "tables/actors.csv",
                "tables/alignment.csv",
                "tables/relationship.csv", "tables/framing_summary.csv",
                *(f"figures/{name}.png" for name in FIGURES)),
        outputs=("report.html", "findings.md"),
        settings=("report", "compare", "model", "parse", "framing"),
        description="one self-contained HTML page of the whole comparison; key findings as "
                    "Markdown",
    ),
)
