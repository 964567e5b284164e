"""Vietnamese date expressions, from the grammar to an article's resolved dates (`vnpress.analyses.timeline`
maps them over a corpus and reduces them).

One way down: `grammar` (the grammar of `data/dates.yaml`) → `years` (choosing a year: publication date,
writing-time bounds, tense) → `expressions` (the dates of one sentence) → `article` (an article's dates: its
dateline, URL date, writing time, dates anchored within it) → `anchoring` (years other articles of the corpus
give).
"""
