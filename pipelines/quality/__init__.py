"""The quality classifier: its fastText model (training, scoring) and the stage that applies it."""
