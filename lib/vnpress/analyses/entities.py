"""The `entities` layer: underthesea's named entities of each sentence (`nlp.entities_for`), on demand."""

from __future__ import annotations

import pandas as pd

from vnpress.processing.layers import Batch, layer
from vnpress.processing.nlp import ENTITY_COLUMNS, entities_for


@layer("entities", ENTITY_COLUMNS, tables=("sentences",))
def entities_layer(batch: Batch) -> pd.DataFrame:
    """Named entities (article_id, sentence_id, entity, type) of the batch's sentences."""
    return entities_for(batch.wb.sentences)
