"""Innoköp: innovation procurement through framework agreements."""
