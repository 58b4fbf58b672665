"""Stage 1-3: load a file of any format, parse it into the typed tree, embed and index it."""
