"""Stage 4-5: retrieve the structure and references, read the user's facts into a plan, and
compose the draft (offline from the phrase bank, or through an LLM), then render it."""
