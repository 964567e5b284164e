"""Processing: underthesea over batches of articles on an engine, the Parquet store, and the engine of layers."""
