"""Security tests: fuzzing, hostile input, template authoring that must not run code."""
