"""The publication pipeline: raw upload, scan, anonymization, the DPO's review, publication."""
