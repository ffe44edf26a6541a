"""Commands of the assessments app (`import_targets`)."""
