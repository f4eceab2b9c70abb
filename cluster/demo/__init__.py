"""Synthetic, deterministic multilingual web-crawl sample (gzip WARC) for demos and tests."""

from cluster.demo.sample import SampleStats, write_sample_crawl

__all__ = ["SampleStats", "write_sample_crawl"]
