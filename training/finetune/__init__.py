"""Fine-tuning on Ray Train: NER and classification heads on a pretrained encoder, LoRA, Tune."""
