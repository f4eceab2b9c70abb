"""Training on the curated shards (pretraining, fine-tuning, tuning); reads only the shard contract."""
