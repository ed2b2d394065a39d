"""Collectors: fetch from one kind of source and normalise each item to a Mention. Nothing else."""
