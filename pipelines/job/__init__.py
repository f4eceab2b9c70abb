"""The jobs over a recipe: `forage curate` and `forage filter`, and the recipes they run."""
