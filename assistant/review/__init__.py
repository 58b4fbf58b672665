"""Stage 6: check a material (a draft or the user's own text) as a reviewer would."""
