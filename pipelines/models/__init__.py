"""Model files the stages load: the stock language-ID model and fastText classifiers."""
