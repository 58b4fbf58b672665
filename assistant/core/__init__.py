"""The ground every stage stands on: the typed document tree, settings, errors, the reviewed
domain data and the text grammar. Imports nothing from the stages above it."""
