"""The data-value experiment: curation variants → pretraining at equal token budgets → fine-tuning."""
