"""Operating Forage: the ``forage`` CLI, job submission, refreshes and deploy files."""
