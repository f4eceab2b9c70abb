"""The foundation every layer may import: the record schema, errors, config checks, Ray start-up
and console progress."""
