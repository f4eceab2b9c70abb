"""The sample data of the fine-tuning tests (base_model lives in tests/training/conftest.py)."""

from __future__ import annotations

from tests.conftest import SHARED

NER_DIR = SHARED / "ner"
SST_DIR = SHARED / "classification"
