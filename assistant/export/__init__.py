"""Stage 7: the finished material as a document to hand in."""
