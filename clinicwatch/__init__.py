"""ClinicWatch's wiring: the pipeline, its worker processes, the demo and the command line.

This is the only package that joins the stages (collectors, matching, analysis, storage, alerts).
"""

from core import __version__

__all__ = ["__version__"]
